-- a file of won deals only: no stage column, a web-form placeholder
return {
  null_add = { "Select" },
  deals = {
    file = "won_deals.csv",
    columns = { ["Deal ID"] = "id", Rep = "owner", ["Deal Value"] = "amount",
                ["Closed On"] = "close_date", Created = "created_at" },
    constants = { stage = "Closed Won" },
  },
}
