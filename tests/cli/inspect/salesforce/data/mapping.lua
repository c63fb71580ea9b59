return { preset = "salesforce" }
