-- a messy export: outcome words instead of stages, revenue in millions,
-- dates as d.m.Y, a territory code holding the region
return {
  deals = {
    file = "Opportunities.csv",
    -- "Closed" would read as is_closed: keep it as a custom column
    columns = { ["Opp #"] = "id", Customer = "account_id", Closed = "closed_on" },
    derive = {
      stage = { from = "Result", map = { Won = "Closed Won", Loss = "Closed Lost" },
                default = "Open" },
      amount = { from = "Revenue (M)", scale = 1000000 },
      close_date = { from = "Closed", date = "d.m.Y" },
      created_at = { from = "Created", date = "d.m.Y" },
      region = { from = "Territory", match = "^([A-Z]+)-" },
      country = { from = "Territory", match = "-([A-Z]{2})$" },
      name = { concat = "{Customer} {Product} ({Opp #})" },
    },
  },
}
