-- rules/routing_test.lua -- cases for rules/routing.lua, run by `revl test rules`.
-- Each case builds its reps, accounts and leads inline; the router is
-- made after the fixture (it reads which teams have reps).
local routing = require("routing")

-- a small sales floor: two AE teams, an EMEA AE, two SDRs
local REPS = {
  {id = "E1", name = "Erin East", team = "AE East", role = "AE", region = "NA", capacity = 10, active = true},
  {id = "E2", name = "Eli East", team = "AE East", role = "AE", region = "NA", capacity = 10, active = true},
  {id = "W1", name = "Wes West", team = "AE West", role = "AE", region = "LATAM", capacity = 10, active = true},
  {id = "M1", name = "Mia EMEA", team = "AE EMEA", role = "AE", region = "EMEA", capacity = 10, active = true},
  {id = "S1", name = "Sam SDR", team = "SDR", role = "SDR", region = "NA", capacity = 10, active = true},
  {id = "S2", name = "Sky SDR", team = "SDR", role = "SDR", region = "NA", capacity = 10, active = true},
}

local function lead(t)
  t.created_at = t.created_at or "2025-06-02T10:00:00Z"
  t.status = t.status or "New"
  return t
end

local function route(data)
  data.reps = data.reps or REPS
  revl.fixture(data)
  return routing.router():route()
end

revl.test("partner leads go to the Partner desk queue, before any other rule", function(t)
  local res = route{
    accounts = {{id = "A1", name = "Acme", domain = "acme.com", owner = "E1"}},
    leads = {lead{id = "L1", email = "jo@acme.com", domain = "acme.com", country = "US", source = "Partner"}},
  }
  t:owner(res, "L1", "Partner desk")
  t:rule(res, "L1", "partner leads")
  t:eq(res:get("L1").kind, "queue", "kind")
end)

revl.test("a lead from a known account goes to the account owner", function(t)
  local res = route{
    accounts = {{id = "A1", name = "Acme Inc", domain = "acme.com", owner = "M1"}},
    leads = {lead{id = "L1", email = "jo@acme.com", company = "Acme", country = "US", source = "Inbound"},
             lead{id = "L2", email = "ann@gmail.com", company = "Acme, Inc.", country = "BR", source = "Web"}},
  }
  t:owner(res, "L1", "M1")
  t:rule(res, "L1", "known account")
  t:eq(res:get("L1").account_id, "A1", "account matched")
  -- a free-mail address does not match, the company name does
  t:owner(res, "L2", "M1")
  t:rule(res, "L2", "known account")
end)

revl.test("a lead that already has an owner keeps it", function(t)
  local res = route{
    leads = {lead{id = "L1", email = "a@x.io", country = "US", source = "Inbound", owner = "W1"}},
  }
  t:owner(res, "L1", "W1")
  t:rule(res, "L1", "lead owner")
end)

revl.cases("territory: country -> the AE team of its region", {
  revl.case{name = "US is AE East", country = "US", team = "AE East"},
  revl.case{name = "DE is AE EMEA", country = "DE", team = "AE EMEA"},
  revl.case{name = "BR is AE West", country = "BR", team = "AE West"},
  revl.case{name = "APAC has no team here: AE West first", country = "AU", team = "AE West"},
}, function(t, c)
  local res = route{leads = {lead{id = "L1", email = "a@x.io", country = c.country, source = "Web"}}}
  t:rule(res, "L1", "territory")
  t:team(res, "L1", c.team)
end)

revl.test("territory is round robin inside the team", function(t)
  local res = route{leads = {
    lead{id = "L1", country = "US", source = "Web", created_at = "2025-06-02T10:00:00Z"},
    lead{id = "L2", country = "US", source = "Web", created_at = "2025-06-02T11:00:00Z"},
    lead{id = "L3", country = "CA", source = "Web", created_at = "2025-06-02T12:00:00Z"},
  }}
  local a, b, c = res:get("L1").owner, res:get("L2").owner, res:get("L3").owner
  t:ok(a ~= b, "two leads, two different East reps")
  t:eq(c, a, "the third goes round to the first")
end)

revl.test("a country outside every territory goes to the SDR pool", function(t)
  local res = route{leads = {lead{id = "L1", country = "EG", source = "Web"}}}
  t:rule(res, "L1", "sdr pool")
  t:team(res, "L1", "SDR")
end)

revl.test("an inactive owner passes the lead on (overflow next)", function(t)
  local reps = {}
  for i, r in ipairs(REPS) do reps[i] = r end
  reps[#reps + 1] = {id = "X1", name = "Gone", team = "AE East", role = "AE", capacity = 10, active = false}
  local res = route{reps = reps,
                    leads = {lead{id = "L1", country = "DE", source = "Web", owner = "X1"}}}
  t:rule(res, "L1", "territory")
  t:owner(res, "L1", "M1")
  t:ok(res:explain(res:position("L1")):find("inactive", 1, true), "the trail says the owner is inactive")
end)

revl.test("daily capacity: the second lead of the day overflows to the SDR pool", function(t)
  local res = route{
    reps = {{id = "M1", name = "Mia", team = "AE EMEA", role = "AE", capacity = 1, active = true},
            {id = "S1", name = "Sam", team = "SDR", role = "SDR", capacity = 10, active = true}},
    leads = {lead{id = "L1", country = "FR", source = "Web", created_at = "2025-06-02T09:00:00Z"},
             lead{id = "L2", country = "FR", source = "Web", created_at = "2025-06-02T10:00:00Z"},
             lead{id = "L3", country = "FR", source = "Web", created_at = "2025-06-03T09:00:00Z"}},
  }
  t:owner(res, "L1", "M1")
  t:rule(res, "L2", "sdr pool")
  t:owner(res, "L2", "S1")
  t:owner(res, "L3", "M1") -- a new day
end)

revl.test("with nobody available the lead falls back to Unassigned", function(t)
  local res = route{
    reps = {{id = "S1", name = "Sam", team = "SDR", role = "SDR", capacity = 10, active = true,
             out_until = "2025-07-01"}},
    leads = {lead{id = "L1", country = "EG", source = "Web"}},
  }
  t:owner(res, "L1", "Unassigned")
end)
