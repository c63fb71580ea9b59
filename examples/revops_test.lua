-- examples/revops_test.lua -- cases for examples/revops.lua (the shipped
-- playbooks together), run by `revl test examples` (as of 2025-06-30).
-- One small data set with every table the playbooks read.
local function data()
  local usage = {}
  for _, d in ipairs{"2025-05-13", "2025-05-20", "2025-05-27", "2025-06-03", "2025-06-10", "2025-06-17",
                     "2025-06-24", "2025-06-29"} do
    usage[#usage + 1] = {account_id = "A1", date = d, metric = "active_seats", value = 9}
    usage[#usage + 1] = {account_id = "A1", date = d, metric = "api_calls", value = 2000}
    usage[#usage + 1] = {account_id = "A2", date = d, metric = "active_seats", value = 1}
    usage[#usage + 1] = {account_id = "A2", date = d, metric = "api_calls", value = d < "2025-06" and 400 or 40}
  end
  local subs = {}
  for m = 1, 6 do
    subs[#subs + 1] = {account_id = "A1", period = ("2025-%02d-01"):format(m), mrr = 2000, seats = 10}
    subs[#subs + 1] = {account_id = "A2", period = ("2025-%02d-01"):format(m), mrr = 500, seats = 10}
  end
  revl.fixture{
    reps = {{id = "E1", name = "Erin", team = "AE East", role = "AE", capacity = 10, active = true},
            {id = "S1", name = "Sam", team = "SDR", role = "SDR", capacity = 10, active = true}},
    accounts = {{id = "A1", name = "Acme", domain = "acme.com", industry = "Software", employees = 800,
                 country = "US", segment = "Mid-Market", owner = "E1"},
                {id = "A2", name = "Tiny", industry = "Retail", employees = 10, country = "EG", segment = "SMB"}},
    deals = {{id = "D1", account_id = "A1", owner = "E1", stage = "Negotiation", amount = 30000,
              close_date = "2025-07-30", forecast_category = "Commit"},
             {id = "D2", account_id = "A2", owner = "E1", stage = "Demo", amount = 1000,
              forecast_category = "Pipeline"}},
    stage_history = {{deal_id = "D1", stage = "Negotiation", entered_at = "2025-06-20"},
                     {deal_id = "D2", stage = "Demo", entered_at = "2025-06-01"}},
    leads = {{id = "L1", email = "jo@acme.com", domain = "acme.com", country = "US", source = "Inbound",
              status = "New", created_at = "2025-06-23T14:00:00Z"},
             {id = "L2", email = "x@y.eg", country = "EG", source = "Web", status = "New",
              created_at = "2025-06-23T15:00:00Z"}},
    activities = {{id = "T1", lead_id = "L1", type = "call", at = "2025-06-23T15:00:00Z"},
                  {id = "T2", account_id = "A1", type = "meeting", at = "2025-06-25T15:00:00Z"}},
    subscriptions = subs, usage = usage,
  }
  return revl.playbook("revops")
end

revl.test("ICP: the software account is an A, the small retailer a D", function(t)
  local pb = data()
  local s = pb.scores["icp-v1"]
  t:tier(s, "A1", "A")
  t:tier(s, "A2", "D")
  t:reason(s, "A1", "core industry")
  t:ok(pb.output:find("RevOps run as of 2025-06-30: 2 accounts, 2 deals, 2 leads, 2 reps", 1, true), "header")
end)

revl.test("routing: the Acme lead goes to its account owner, the other to the SDR pool", function(t)
  local res = data().routing["inbound leads"]
  t:owner(res, "L1", "E1")
  t:rule(res, "L1", "known account")
  t:rule(res, "L2", "sdr pool")
  t:owner(res, "L2", "S1")
end)

revl.test("SLA: the called inbound lead met its target, the other is open", function(t)
  local led = data().ledger["speed to lead"]
  t:breach(led, "L1", false)
  local r
  for _, x in ipairs(led) do if x.record == "L2" then r = x end end
  t:eq(r.status, "open_breached", "L2: a week of business time without a touch")
end)

revl.test("funnel: the Demo deal without a close date is flagged", function(t)
  local a = data().audit["opportunity"]
  t:violation(a, "D1", false)
  t:violation(a, "D2", "missing_fields")
  t:violation(a, "D2", "entry_not_met")
end)

revl.test("expansion: seats full at Acme; the small retailer is red", function(t)
  local pb = data()
  local types = {}
  for _, e in ipairs(pb.events[1]) do types[e.account .. " " .. e.type] = true end
  t:ok(types["A1 expansion.seats"], "A1 expansion.seats")
  t:ok(types["A2 risk.health_red"], "A2 risk.health_red")
  t:eq(types["A2 expansion.seats"], nil, "A2 expansion.seats")
  t:eq(pb.health_scores["health-v1"]:get("A2").band, "red", "A2 health")
end)
