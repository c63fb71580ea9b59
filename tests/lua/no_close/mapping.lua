-- a deals export with no close date (won and lost deals, a signing date
-- only for some won ones), in m/d/Y
return {
  date_format = "m/d/Y",
  deals = {
    columns = { ["Deal ID"] = "id", ["Deal owner"] = "owner", ["Deal Stage"] = "stage",
                Amount = "amount", ["Create Date"] = "created_at", ["Signed On"] = "signed_on" },
    types = { signed_on = "date" },
    stages = { won = { "Won" }, lost = { "Lost" } },
  },
}
