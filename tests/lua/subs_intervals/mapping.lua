-- one row per subscription, expanded into account-month rows
return {
  subscriptions = {
    file = "Subscriptions Export.csv",
    columns = { Customer = "account_id", MRR = "mrr", Seats = "seats", Plan = "plan" },
    types = { subscription_id = "text" },  -- "SUB-1" would read as money
    expand = { start = "Start Date", ["end"] = "Churn Date", every = "month" },
  },
}
