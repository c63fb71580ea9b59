-- one row per subscription, expanded into account-month rows, with a
-- separate file of churn, cancel, downgrade and upgrade events
return {
  subscriptions = {
    file = "Subscriptions.csv",
    columns = { ["Subscription ID"] = "subscription_id", Customer = "account_id",
                MRR = "mrr", Seats = "seats", Plan = "plan" },
    types = { subscription_id = "text" },
    expand = {
      start = "Start Date", ["end"] = "End Date",
      events = { table = "subscription_events", id = "Sub ID", date = "Event Date",
                 kind = "Event Type", mrr = "New MRR", seats = "New Seats" },
    },
  },
  tables = {
    subscription_events = { file = "Subscription Events.csv" },
  },
}
