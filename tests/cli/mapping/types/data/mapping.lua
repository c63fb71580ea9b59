return {
  accounts = {
    types = {
      arr = { "money", "EUR" },           -- by column name
      Seats = "integer",                  -- or by header
      renewed = "boolean",                -- yes/no, y/n, true/false, 1/0
      renewal_date = { "date", "d/m/Y" },
      plan_code = "text",                 -- stays text: "007"
      health = "number",                  -- 0 and 1 are numbers here, not booleans
    },
    decimal = ",", thousands = ".",
  },
}
