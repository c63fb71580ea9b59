return { preset = "hubspot" }
