-- examples/funnel_demo_test.lua -- cases for examples/funnel_demo.lua, run by
-- `revl test examples` (as of 2025-06-30).  Days in stage come from
-- stage_history.
local function audit(deals, history)
  local sh = {}
  for i, h in ipairs(history) do sh[i] = {deal_id = h[1], stage = h[2], entered_at = h[3]} end
  revl.fixture{accounts = {{id = "A1", name = "Acme"}},
               reps = {{id = "AE1", name = "Ann", team = "AE East", role = "AE", capacity = 5, active = true},
                       {id = "SD1", name = "Sid", team = "SDR", role = "SDR", capacity = 5, active = true}},
               deals = deals, stage_history = sh}
  local pb = revl.playbook("funnel_demo")
  return pb.audit["opportunity (example)"], pb
end

revl.test("a Demo deal in Best Case with a close date is clean", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Demo", amount = 5000,
                    close_date = "2025-08-01", forecast_category = "Best Case"}},
                  {{"D1", "Demo", "2025-06-20"}})
  t:violation(a, "D1", false)
  t:eq(a[1].entry_met, true, "entry met")
end)

revl.test("a Demo deal still in Pipeline breaks the entry criteria", function(t)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = "Demo", amount = 5000,
                    close_date = "2025-08-01", forecast_category = "Pipeline"}},
                  {{"D1", "Demo", "2025-06-20"}})
  t:violation(a, "D1", "entry_not_met")
  t:violation(a, "D1", "forecast_category")
end)

revl.cases("stage SLAs: Demo 21 days, Negotiation 14", {
  revl.case{name = "22 days in Demo", stage = "Demo", fc = "Best Case", entered = "2025-06-08", breached = true},
  revl.case{name = "21 days in Demo", stage = "Demo", fc = "Best Case", entered = "2025-06-09", breached = false},
  revl.case{name = "15 days in Negotiation", stage = "Negotiation", fc = "Commit", entered = "2025-06-15", breached = true},
}, function(t, c)
  local a = audit({{id = "D1", account_id = "A1", owner = "AE1", stage = c.stage, amount = 5000,
                    close_date = "2025-08-01", forecast_category = c.fc}},
                  {{"D1", c.stage, c.entered}})
  t:breach(a, "D1", c.breached)
end)

revl.test("Prospecting needs an owner with the AE role and is ready once it has an amount", function(t)
  local a, pb = audit({{id = "D1", account_id = "A1", owner = "SD1", stage = "Prospecting", amount = 10},
                       {id = "D2", account_id = "A1", stage = "Prospecting"}},
                      {{"D1", "Prospecting", "2025-06-25"}, {"D2", "Prospecting", "2025-06-25"}})
  t:violation(a, "D1", "owner_role")
  t:ready(a, "D1", true)
  t:violation(a, "D2", "missing_fields")
  t:ready(a, "D2", false)
  t:ok(pb.output:find("2 deals audited", 1, true), "printed")
end)

revl.test("a won deal is in Closed Won with its entry criteria met; a lost one is closed", function(t)
  local a = audit({{id = "W", account_id = "A1", owner = "AE1", stage = "Closed Won", amount = 100,
                    close_date = "2025-06-01", forecast_category = "Closed"},
                   {id = "L", account_id = "A1", owner = "AE1", stage = "Closed Lost", amount = 100}},
                  {{"W", "Closed Won", "2025-06-01"}, {"L", "Closed Lost", "2025-06-01"}})
  t:eq(a[1].stage, "Closed Won", "stage")
  t:eq(a[1].entry_met, true, "entry met")
  t:violation(a, "W", false)
  t:eq(a[2].status, "closed", "lost")
end)
