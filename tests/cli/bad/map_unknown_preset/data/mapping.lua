return { preset = "pipedrive" }
