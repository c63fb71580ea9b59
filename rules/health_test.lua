-- rules/health_test.lua -- cases for rules/health.lua, run by `revl test rules`
-- (as of 2025-06-30).  A customer is an account with MRR in June 2025;
-- usage holds weekly readings of active_seats and api_calls.
local health = require("health")

-- weekly readings: four in the last 28 days, four in the 28 before
local RECENT = {"2025-06-10", "2025-06-17", "2025-06-24", "2025-06-29"}
local BEFORE = {"2025-05-13", "2025-05-20", "2025-05-27", "2025-05-31"}

-- c = {id, seats (paid), active (active seats), calls (weekly, recent), calls_before,
--      segment, industry, mrr}
local function fixture(customers)
  local accounts, subs, usage = {}, {}, {}
  for _, c in ipairs(customers) do
    accounts[#accounts + 1] = {id = c.id, name = c.id, segment = c.segment, industry = c.industry}
    subs[#subs + 1] = {account_id = c.id, period = "2025-06-01", mrr = c.mrr or "$2,000", seats = c.seats}
    subs[#subs + 1] = {account_id = c.id, period = "2025-05-01", mrr = c.mrr or "$2,000", seats = c.seats}
    for _, d in ipairs(RECENT) do
      if c.active then usage[#usage + 1] = {account_id = c.id, date = d, metric = "active_seats", value = c.active} end
      if c.calls then usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = c.calls} end
    end
    for _, d in ipairs(BEFORE) do
      if c.calls_before then
        usage[#usage + 1] = {account_id = c.id, date = d, metric = "api_calls", value = c.calls_before}
      end
    end
  end
  -- the model needs both metrics in the usage table: a former customer
  -- (no MRR in June, so not scored) has readings of each
  accounts[#accounts + 1] = {id = "FORMER", name = "former customer"}
  subs[#subs + 1] = {account_id = "FORMER", period = "2025-01-01", mrr = 100, seats = 1}
  usage[#usage + 1] = {account_id = "FORMER", date = "2025-01-15", metric = "active_seats", value = 1}
  usage[#usage + 1] = {account_id = "FORMER", date = "2025-01-15", metric = "api_calls", value = 1}
  revl.fixture{accounts = accounts, subscriptions = subs, usage = usage}
  return health.score()
end

revl.test("a busy, growing mid-market software customer is green", function(t)
  -- seats 9/10 -> 100 (x3); 2000 calls / 10 seats = 200 -> 100 (x2);
  -- calls +25% -> 100 (x2); fit 60 + 40 (x1)
  local h = fixture{{id = "G", seats = 10, active = 9, calls = 2000, calls_before = 1600,
                     segment = "Mid-Market", industry = "Software"}}
  t:score(h, "G", 100)
  t:eq(h:get("G").band, "green", "band")
  t:reason(h, "G", "seats")
end)

revl.test("a customer with few seats used and falling usage is red", function(t)
  -- seats 3/10 -> 25 (x3); 100 / 10 = 10 calls per seat -> 5 (x2);
  -- calls -50% -> 0 (x2); SMB retail fit 0 (x1): (75 + 10) / 8 = 10.6
  local h = fixture{{id = "R", seats = 10, active = 3, calls = 100, calls_before = 200,
                     segment = "SMB", industry = "Retail"}}
  t:score(h, "R", 10.6, 0.05)
  t:eq(h:get("R").band, "red", "band")
  t:eq(h:get("R").momentum, 0, "momentum component")
end)

revl.cases("seat utilisation bands", {
  revl.case{name = "80% scores 100", active = 8, seats = 100},
  revl.case{name = "79% scores 75", active = 7.9, seats = 75},
  revl.case{name = "60% scores 75", active = 6, seats = 75},
  revl.case{name = "40% scores 50", active = 4, seats = 50},
  revl.case{name = "20% scores 25", active = 2, seats = 25},
  revl.case{name = "10% scores 0", active = 1, seats = 0},
}, function(t, c)
  local h = fixture{{id = "A", seats = 10, active = c.active}}
  t:eq(h:get("A").seats, c.seats, "seats component")
end)

revl.cases("band edges: red <= 50 < yellow <= 75 < green", {
  -- seats only (fit 0 for no segment/industry): score = (3 * seats + 0) / 4
  revl.case{name = "seats 75, fit 0: 56.3 is yellow", active = 6, band = "yellow", score = 56.3},
  revl.case{name = "seats 50, fit 0: 37.5 is red", active = 4, band = "red", score = 37.5},
  revl.case{name = "seats 100, fit 0: 75 is yellow", active = 9, band = "yellow", score = 75},
}, function(t, c)
  local h = fixture{{id = "A", seats = 10, active = c.active}}
  t:score(h, "A", c.score, 0.05)
  t:eq(h:get("A").band, c.band, "band")
end)

revl.test("components without data are left out of the average", function(t)
  -- no usage at all: only fit counts (Enterprise fintech: 100)
  local h = fixture{{id = "F", seats = 10, segment = "Enterprise", industry = "Fintech"}}
  t:eq(h:get("F").seats, nil, "seats component")
  t:eq(h:get("F").activity, nil, "activity component")
  t:score(h, "F", 100)
end)

revl.test("only live customers are scored: no MRR in the as-of month, no score", function(t)
  revl.fixture{
    accounts = {{id = "L"}, {id = "C"}},
    subscriptions = {{account_id = "L", period = "2025-06-01", mrr = 500, seats = 5},
                     {account_id = "C", period = "2025-04-01", mrr = 500, seats = 5}},
    usage = {{account_id = "L", date = "2025-06-20", metric = "active_seats", value = 5},
             {account_id = "C", date = "2025-04-20", metric = "api_calls", value = 50}},
  }
  local h = health.score()
  t:eq(#h, 1, "customers scored")
  -- seats 100 (x3), fit 0 (x1; fit always has data), activity and momentum skipped
  t:score(h, "L", 75)
  t:eq(h:get("L").band, "yellow", "band")
end)
