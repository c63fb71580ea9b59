return { prest = "salesforce" }
