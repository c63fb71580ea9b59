-- rules/funnel_test.lua -- cases for rules/funnel.lua, run by `revl test rules`
-- (as of 2025-06-30).  Deals, their stage history and reps are inline.
local funnels = require("funnel")

local REPS = {
  {id = "AE1", name = "Ann", team = "AE East", role = "AE", capacity = 10, active = true},
  {id = "SDR1", name = "Sid", team = "SDR", role = "SDR", capacity = 10, active = true},
}
local ACCOUNTS = {{id = "A1", name = "Acme"}}

-- audit deals against the opportunity funnel; history: {deal_id, stage, entered_at}
local function audit(deals, history)
  local sh = {}
  for i, h in ipairs(history or {}) do sh[i] = {deal_id = h[1], stage = h[2], entered_at = h[3]} end
  revl.fixture{reps = REPS, accounts = ACCOUNTS, deals = deals, stage_history = sh}
  return funnels.opportunity():audit()
end

revl.test("a complete Negotiation deal meets its entry criteria and has no violations", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Negotiation", amount = "$50,000",
                    close_date = "2025-07-31", forecast_category = "Commit"}},
                  {{"D1", "Negotiation", "2025-06-20"}})
  t:eq(a[1].entry_met, true, "entry criteria met")
  t:violation(a, "D1", false)
  t:ready(a, "D1", false) -- exit: is_won
  t:eq(a[1].days_in_stage, 10, "days in stage")
end)

revl.test("Negotiation with a close date in the past breaks the entry criteria", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Negotiation", amount = 50000,
                    close_date = "2025-06-01", forecast_category = "Commit"}},
                  {{"D1", "Negotiation", "2025-06-20"}})
  t:violation(a, "D1", "entry_not_met")
  t:reason(a, "D1", "close_date")
end)

revl.test("a Prospecting deal with an amount is ready to advance; without one it is not", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Prospecting", amount = 1000},
                   {id = "D2", account_id = "A1", owner = "AE1", stage = "Prospecting"}},
                  {{"D1", "Prospecting", "2025-06-25"}, {"D2", "Prospecting", "2025-06-25"}})
  t:ready(a, "D1", true)
  t:ready(a, "D2", false)
  t:violation(a, "D1", false)
end)

revl.test("a Demo deal with no close date misses a required field", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Demo", amount = 9000,
                    forecast_category = "Best Case"}},
                  {{"D1", "Demo", "2025-06-25"}})
  t:violation(a, "D1", "missing_fields")
  t:reason(a, "D1", "close_date")
end)

revl.cases("stage SLA days", {
  revl.case{name = "31 days in Prospecting breaches its 30", stage = "Prospecting", entered = "2025-05-30", breached = true},
  revl.case{name = "30 days in Prospecting is within", stage = "Prospecting", entered = "2025-05-31", breached = false},
  revl.case{name = "15 days in Negotiation breaches its 14", stage = "Negotiation", entered = "2025-06-15", breached = true},
}, function(t, c)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = c.stage, amount = 5000,
                    close_date = "2025-09-30", forecast_category = c.stage == "Negotiation" and "Commit" or "Pipeline"}},
                  {{"D1", c.stage, c.entered}})
  t:breach(a, "D1", c.breached)
  if c.breached then t:violation(a, "D1", "sla_breached") end
end)

revl.test("a deal owned by an SDR breaks the owner role", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "SDR1", stage = "Prospecting", amount = 100}},
                  {{"D1", "Prospecting", "2025-06-25"}})
  t:violation(a, "D1", "owner_role")
end)

revl.test("a Discovery deal that meets Negotiation's entry is behind", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Discovery", amount = 7000,
                    close_date = "2025-08-15", forecast_category = "Commit"}},
                  {{"D1", "Discovery", "2025-06-25"}})
  t:eq(a[1].furthest, "Negotiation", "furthest")
  t:violation(a, "D1", "behind")
end)

revl.test("closed won is a stage, closed lost is closed, anything else unknown", function(t)
  local a = audit({{id = "W", account_id = "A1", owner = "AE1", stage = "Closed Won", amount = 100,
                    close_date = "2025-06-01", forecast_category = "Closed"},
                   {id = "L", account_id = "A1", owner = "AE1", stage = "Closed Lost", amount = 100},
                   {id = "Q", account_id = "A1", owner = "AE1", stage = "Qualified", amount = 100}})
  local by = {}
  for _, r in ipairs(a) do by[r.id] = r end
  t:eq(by.W.stage, "Closed Won", "won stage")
  t:eq(by.W.entry_met, true, "won entry")
  t:eq(by.L.status, "closed", "lost status")
  t:violation(a, "Q", "unknown_stage")
end)

revl.test("lead lifecycle: an MQL without an owner misses a required field", function(t)
  revl.fixture{leads = {
    {id = "L1", email = "a@x.io", company = "X", source = "Web", status = "MQL",
     created_at = "2025-06-01T10:00:00Z", mql_at = "2025-06-20T10:00:00Z"},
    {id = "L2", email = "b@y.io", company = "Y", source = "Web", status = "New",
     created_at = "2025-06-01T10:00:00Z", mql_at = "2025-06-20T10:00:00Z"},
  }}
  local a = funnels.lead_lifecycle():audit()
  t:violation(a, "L1", "missing_fields")
  t:reason(a, "L1", "owner")
  -- a New lead with an MQL date is ready to leave the Lead stage
  t:ready(a, "L2", true)
end)

revl.cases("opportunity exit criteria: ready to advance", {
  revl.case{name = "Demo with a close date ahead", stage = "Demo", fc = "Best Case", close = "2025-07-31", ready = true},
  revl.case{name = "Demo with a close date behind", stage = "Demo", fc = "Best Case", close = "2025-06-01", ready = false},
  revl.case{name = "Proposal in Commit", stage = "Proposal", fc = "Commit", close = "2025-07-31", ready = true},
  revl.case{name = "Proposal in Best Case", stage = "Proposal", fc = "Best Case", close = "2025-07-31", ready = false},
  revl.case{name = "Negotiation marked won", stage = "Negotiation", fc = "Commit", close = "2025-07-31", won = true,
            ready = true},
}, function(t, c)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = c.stage, amount = 5000,
                    close_date = c.close, forecast_category = c.fc, is_won = c.won}},
                  {{"D1", c.stage, "2025-06-25"}})
  t:ready(a, "D1", c.ready)
end)

revl.test("lead lifecycle: SQL, Opportunity, Customer and Renewal/Expansion", function(t)
  local subs = {}
  for m = 1, 13 do
    subs[m] = {account_id = "A2", period = ("%04d-%02d-01"):format(m <= 7 and 2024 or 2025, (m + 5) % 12 + 1),
               mrr = 100, seats = 1}
  end
  revl.fixture{
    accounts = {{id = "A1", name = "One"}, {id = "A2", name = "Two"}},
    deals = {{id = "D1", account_id = "A1", stage = "Demo", amount = 100},
             {id = "D2", account_id = "A2", stage = "Closed Won", amount = 100, close_date = "2024-06-01"},
             {id = "D3", account_id = "A1", stage = "Closed Won", amount = 100, close_date = "2025-06-01"}},
    subscriptions = subs,
    leads = {
      {id = "M", email = "m@x.io", company = "X", source = "Web", owner = "S1", status = "MQL",
       created_at = "2025-06-01T10:00:00Z", mql_at = "2025-06-10T10:00:00Z", sql_at = "2025-06-20T10:00:00Z"},
      {id = "S", email = "s@x.io", company = "X", source = "Web", owner = "S1", status = "SQL",
       created_at = "2025-06-01T10:00:00Z", mql_at = "2025-06-10T10:00:00Z", sql_at = "2025-06-20T10:00:00Z",
       converted_deal_id = "D1", converted_account_id = "A1"},
      {id = "O", email = "o@x.io", company = "X", source = "Web", owner = "S1", status = "Converted",
       created_at = "2025-06-01T10:00:00Z", mql_at = "2025-06-10T10:00:00Z", sql_at = "2025-06-20T10:00:00Z",
       converted_deal_id = "D1", converted_account_id = "A1"},
      {id = "C", email = "c@x.io", company = "X", source = "Web", owner = "S1", status = "Converted",
       created_at = "2025-03-01T10:00:00Z", mql_at = "2025-03-10T10:00:00Z", sql_at = "2025-03-20T10:00:00Z",
       converted_deal_id = "D3", converted_account_id = "A1"},
      {id = "R", email = "r@x.io", company = "X", source = "Web", owner = "S1", status = "Converted",
       created_at = "2024-01-01T10:00:00Z", mql_at = "2024-02-10T10:00:00Z", sql_at = "2024-03-20T10:00:00Z",
       converted_deal_id = "D2", converted_account_id = "A2"},
    },
  }
  local a = funnels.lead_lifecycle():audit()
  t:ready(a, "M", true)          -- an MQL with an SQL date is ready to move on
  t:ready(a, "S", true)          -- an SQL converted to a deal
  local by = {}
  for _, r in ipairs(a) do by[r.id] = r end
  t:eq(by.O.stage, "Opportunity", "a converted lead whose deal is open")
  t:eq(by.C.stage, "Customer", "its deal was won")
  t:eq(by.R.stage, "Renewal/Expansion", "its account renewed (13 months of subscription)")
  t:violation(a, "R", false)
end)
