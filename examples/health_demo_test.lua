-- examples/health_demo_test.lua -- cases for examples/health_demo.lua, run by
-- `revl test examples` (as of 2025-06-30).  Usage holds weekly readings of
-- both metrics the model reads (active_seats, api_calls).
local RECENT = {"2025-06-10", "2025-06-17", "2025-06-24", "2025-06-29"}
local BEFORE = {"2025-05-13", "2025-05-20", "2025-05-27", "2025-05-31"}

local function score(customers)
  local accounts, subs, usage = {}, {}, {}
  for _, c in ipairs(customers) do
    accounts[#accounts + 1] = {id = c.id, name = c.id, segment = c.segment}
    subs[#subs + 1] = {account_id = c.id, period = c.period or "2025-06-01", mrr = 1000, seats = c.seats}
    for _, d in ipairs(RECENT) do
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "active_seats", value = c.active}
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = c.calls}
    end
    for _, d in ipairs(BEFORE) do
      usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = c.before or c.calls}
    end
  end
  revl.fixture{accounts = accounts, subscriptions = subs, usage = usage}
  local pb = revl.playbook("health_demo")
  return pb.health_scores["example-health"], pb
end

revl.test("full seats, 200 calls a seat, rising usage, enterprise: green 100", function(t)
  local h = score{{id = "G", seats = 10, active = 9, calls = 2000, before = 1500, segment = "Enterprise"}}
  t:score(h, "G", 100)
  t:eq(h:get("G").band, "green", "band")
  t:reason(h, "G", "segment")
end)

revl.test("few seats used and usage halved: red", function(t)
  -- seats 25 (x3), activity 10/200 -> 5 (x2), trend 0 (x2), SMB 0 (x1): 85 / 8 = 10.6
  local h, pb = score{{id = "R", seats = 10, active = 3, calls = 100, before = 200, segment = "SMB"}}
  t:score(h, "R", 10.6, 0.05)
  t:eq(h:get("R").band, "red", "band")
  t:ok(pb.output:find("Why R is red", 1, true), "the lowest score is explained")
end)

revl.cases("the trend component maps -50%..+20% onto 0..100", {
  revl.case{name = "flat is 71.4", before = 1000, after = 1000, trend = 500 / 7},
  revl.case{name = "-15% is 50", before = 1000, after = 850, trend = 50},
  revl.case{name = "+30% is capped at 100", before = 1000, after = 1300, trend = 100},
}, function(t, c)
  local h = score{{id = "A", seats = 10, active = 5, calls = c.after, before = c.before}}
  t:near(h:get("A").trend, c.trend, 0.05, "trend")
end)

revl.test("an account without MRR this month is not a customer", function(t)
  local h = score{{id = "A", seats = 10, active = 9, calls = 10}, {id = "B", seats = 5, active = 1, calls = 1,
                                                                    period = "2025-05-01"}}
  t:eq(#h, 1, "customers scored")
end)
