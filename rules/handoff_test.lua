-- rules/handoff_test.lua -- cases for rules/handoff.lua, run by `revl test rules`
-- (as of 2025-06-30).
local handoff = require("handoff")

-- SDR -> AE weights: email 2, company 2, owner 2, sql_at 2, domain 1,
-- country 1, source 1, mql_at 1, pain 2 (14); passes at 80
local LEAD = {email = "jo@acme.com", company = "Acme", owner = "S1", sql_at = "2025-06-10T10:00:00Z",
              domain = "acme.com", country = "US", source = "Web", mql_at = "2025-06-05T10:00:00Z",
              pain = "manual invoicing", created_at = "2025-06-01T10:00:00Z"}

local function lead(id, status, drop)
  local l = {id = id, status = status}
  for k, v in pairs(LEAD) do l[k] = v end
  for _, k in ipairs(drop or {}) do l[k] = nil end
  return l
end

revl.test("a complete SQL lead is ready for the AE", function(t)
  revl.fixture{leads = {lead("L1", "SQL")}}
  local c = handoff.score_sdr_to_ae()
  t:score(c, "L1", 100)
  t:eq(c:get("L1").complete, true, "ready")
end)

revl.cases("SDR -> AE: what blocks a handoff", {
  revl.case{name = "no pain: 12/14 = 85.7%, above pass but Pain is required: not ready", drop = {"pain"},
            pct = 1200 / 14, ready = false, missing = "Pain"},
  revl.case{name = "no country: 13/14, optional: ready", drop = {"country"}, pct = 1300 / 14, ready = true,
            missing = "Country"},
  revl.case{name = "no owner and no country: 11/14 = 78.6%, not ready", drop = {"owner", "country"},
            pct = 1100 / 14, ready = false, missing = "SDR owner"},
  revl.case{name = "no SQL date: 12/14, required: not ready", drop = {"sql_at"}, pct = 1200 / 14, ready = false,
            missing = "SQL date"},
}, function(t, c)
  -- a second lead keeps every column in the export
  revl.fixture{leads = {lead("L1", "Converted", c.drop), lead("L2", "SQL")}}
  local s = handoff.score_sdr_to_ae()
  t:score(s, "L1", c.pct, 0.05)
  t:eq(s:get("L1").complete, c.ready, "ready")
  if c.missing then t:ok(s:get("L1").missing:find(c.missing, 1, true), "missing lists " .. c.missing) end
end)

revl.test("only SQL and converted leads are handed off", function(t)
  revl.fixture{leads = {lead("L1", "SQL"), lead("L2", "MQL"), lead("L3", "New"), lead("L4", "Converted")}}
  local s = handoff.score_sdr_to_ae()
  t:eq(#s, 2, "leads scored")
end)

-- AE -> CS weights: amount 2, close date, owner, account industry, size,
-- domain, country (1 each), champion 2, success criteria 1, subscription 2 (13); passes at 75
local ACCOUNT = {id = "A1", name = "Acme", industry = "Software", employees = 300, domain = "acme.com",
                 country = "US"}

local function win(id, close, extra)
  local d = {id = id, account_id = "A1", owner = "AE1", stage = "Closed Won", amount = "$24,000",
             close_date = close or "2025-06-15", champion = "VP Finance", success_criteria = "go live in Q3"}
  for k, v in pairs(extra or {}) do d[k] = v end
  return d
end

revl.test("a recent win with a subscription and a champion is ready for CS", function(t)
  revl.fixture{accounts = {ACCOUNT}, deals = {win("D1")},
               subscriptions = {{account_id = "A1", period = "2025-06-01", mrr = 2000, seats = 10}}}
  local s = handoff.score_ae_to_cs()
  t:score(s, "D1", 100)
  t:eq(s:get("D1").complete, true, "ready")
end)

revl.test("no subscription yet: 11/13 = 84.6%, ready, and the Lua check lists it", function(t)
  revl.fixture{accounts = {ACCOUNT}, deals = {win("D1")},
               subscriptions = {{account_id = "A9", period = "2025-06-01", mrr = 10, seats = 1}}}
  local s = handoff.score_ae_to_cs()
  t:score(s, "D1", 1100 / 13, 0.05)
  t:ok(s:get("D1").missing:find("Subscription started", 1, true), "missing lists the subscription")
end)

revl.test("a win without champion and subscription is not ready", function(t)
  revl.fixture{accounts = {ACCOUNT}, deals = {win("D1", nil, {}), win("D2", "2025-06-20", {champion = ""})}}
  local s = handoff.score_ae_to_cs()
  -- D2: champion blank (2) and no subscription (2): 9/13 = 69.2%
  t:score(s, "D2", 900 / 13, 0.05)
  t:eq(s:get("D2").complete, false, "ready")
end)

revl.test("only deals won in the last 180 days", function(t)
  revl.fixture{accounts = {ACCOUNT}, deals = {win("D1", "2025-06-15"), win("D2", "2024-11-01"),
                                              win("D3", "2025-06-01", {stage = "Closed Lost"})}}
  local s = handoff.score_ae_to_cs()
  t:eq(#s, 1, "deals scored")
  t:score(s, "D1", 1100 / 13, 0.05) -- no subscriptions table: the check finds none
end)
