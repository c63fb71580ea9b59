return {
  tables = {
    renewals = {
      file = "Renewals Export.csv",
      columns = { ["Renewal ID"] = "id", Account = "account_id" },
      key = "id",
      references = { account_id = "accounts.id" },
      types = { value = { "money", "EUR" }, uplift = "integer",
                renews_on = { "date", "d.m.Y" } },
    },
  },
}
