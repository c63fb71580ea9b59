-- Links declared on the parent's side: the MQL export knows nothing of
-- deals, the deals export carries an MQL number in a column named "MQL".
return {
  leads = { columns = { ["Lead Number"] = "id", Email = "email", Created = "created_at" } },
  deals = {
    columns = { ["Opportunity Number"] = "id", MQL = "mql_id", Stage = "stage",
                Value = "amount", Created = "created_at", Closed = "close_date" },
  },
  tables = {
    mql = {
      columns = { ["MQL Number"] = "id", ["Lead Number"] = "lead_id" },
      key = "id",
      references = { lead_id = "leads.id" },   -- declared on the child's side
      referenced_by = { deals = "mql_id" },    -- and on the parent's side
    },
  },
}
