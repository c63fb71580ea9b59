-- rules/meddpicc_test.lua -- cases for rules/meddpicc.lua, run by `revl test rules`.
-- The MEDDPICC elements are custom deal columns, as a CRM export carries them.
local meddpicc = require("meddpicc")

-- weights: Metrics 1, Economic buyer 2, Decision criteria 1, Decision
-- process 1, Paper process 1, Identify pain 2, Champion 2, Competition 1 (11)
local FULL = {metrics = "cut DSO by 10 days", economic_buyer = "CFO", decision_criteria = "SOC2",
              decision_process = "security review, then CFO", paper_process = "MSA + DPA",
              identify_pain = "manual invoicing", champion = "VP Finance", competition = "Acme"}

local function deal(id, fields, extra)
  local d = {id = id, stage = "Proposal", amount = 10000}
  for k, v in pairs(fields) do d[k] = v end
  for k, v in pairs(extra or {}) do d[k] = v end
  return d
end

local function card(deals)
  revl.fixture{deals = deals}
  return meddpicc.score()
end

revl.test("a fully qualified deal is 100% complete with nothing missing", function(t)
  local c = card{deal("D1", FULL)}
  t:score(c, "D1", 100)
  t:eq(c:get("D1").complete, true, "complete")
  t:eq(c:get("D1").missing, "", "missing")
end)

revl.cases("completeness and the 70% bar", {
  revl.case{name = "no champion: 9/11 = 81.8%, qualified", drop = {"champion"}, pct = 900 / 11, complete = true,
            missing = "Champion"},
  revl.case{name = "no champion, no pain: 7/11 = 63.6%, not qualified", drop = {"champion", "identify_pain"},
            pct = 700 / 11, complete = false, missing = "Identify pain"},
  revl.case{name = "blank economic buyer counts as empty", blank = {"economic_buyer", "paper_process"},
            pct = 800 / 11, complete = true, missing = "Economic buyer"},
}, function(t, c)
  local f = {}
  for k, v in pairs(FULL) do f[k] = v end
  for _, k in ipairs(c.drop or {}) do f[k] = nil end
  for _, k in ipairs(c.blank or {}) do f[k] = "  " end
  local s = card{deal("D1", f)}
  t:score(s, "D1", c.pct, 0.05)
  t:eq(s:get("D1").complete, c.complete, "complete")
  t:ok(s:get("D1").missing:find(c.missing, 1, true), "missing lists " .. c.missing)
end)

revl.test("Salesforce field names count (Champion__c, Economic_Buyer__c)", function(t)
  local s = card{deal("D1", {Champion__c = "VP Ops", Economic_Buyer__c = "COO"})}
  t:score(s, "D1", 400 / 11, 0.05)
  t:ok(not s:get("D1").missing:find("Champion", 1, true), "Champion is not missing")
  t:reason(s, "D1", "missing Metrics [not in this export]")
end)

revl.test("an export without MEDDPICC fields scores 0 and names them absent", function(t)
  local s = card{{id = "D1", stage = "Demo", amount = 100}}
  t:score(s, "D1", 0)
  t:eq(s:get("D1").complete, false, "complete")
  local absent = 0
  for _, e in ipairs(s:explain("D1")) do if e.value == "not in this export" then absent = absent + 1 end end
  t:eq(absent, 8, "elements not in this export")
end)

revl.test("only open deals are scored", function(t)
  local s = card{deal("D1", FULL), deal("D2", FULL, {stage = "Closed Won"}), deal("D3", {}, {stage = "Closed Lost"})}
  t:eq(#s, 1, "open deals")
  t:score(s, "D1", 100)
end)
