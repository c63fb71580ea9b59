-- rules/meddpicc.lua -- MEDDPICC qualification scorecard for open deals.
--
-- MEDDPICC is the qualification framework: Metrics, Economic buyer,
-- Decision criteria, Decision process, Paper process, Identify pain,
-- Champion, Competition.  Each element is a deal field the AE fills in;
-- this scorecard measures how complete each deal's qualification is:
-- completeness = 100 * (weights of the elements filled) / (all weights),
-- and lists what is missing.  A field counts as filled when it is not
-- empty (blank text is empty).
--
--   element            weight  deal field (first one the export has; case,
--                              spaces and punctuation are ignored)
--   Metrics              1     metrics, meddpicc_metrics, Metrics__c
--   Economic buyer       2     economic_buyer, meddpicc_economic_buyer, Economic_Buyer__c
--   Decision criteria    1     decision_criteria, meddpicc_decision_criteria
--   Decision process     1     decision_process, meddpicc_decision_process
--   Paper process        1     paper_process, meddpicc_paper_process
--   Identify pain        2     identify_pain, pain, meddpicc_identify_pain
--   Champion             2     champion, meddpicc_champion, Champion__c
--   Competition          1     competition, competitors, meddpicc_competition
-- A deal is qualified when its completeness is at least 70.  An element
-- the export lacks counts as missing on every deal ("not in this
-- export"), so the playbook runs on any deals table -- `revl gen` data
-- has none of these fields and every deal reads 0%.
--
-- Run it (writes OUT/meddpicc_decisions.csv and .jsonl):
--   revl run rules/meddpicc.lua --data DIR [--as-of YYYY-MM-DD] [--out OUT]
-- Use it from a playbook:
--   local meddpicc = require("meddpicc")
--   local card = meddpicc.score()    -- frame: id, completeness, complete, missing, reasons
--   meddpicc.scorecard(), meddpicc.definition, meddpicc.open_deals(), meddpicc.summary(card)
-- See docs/rules.md.
local M = {}

M.definition = {
  name = "meddpicc",
  table = "deals",
  pass = 70,
  allow_absent = true,
  fields = {
    {"Metrics", weight = 1, optional = true, field = {"metrics", "meddpicc_metrics", "Metrics__c"}},
    {"Economic buyer", weight = 2, optional = true,
     field = {"economic_buyer", "meddpicc_economic_buyer", "Economic_Buyer__c"}},
    {"Decision criteria", weight = 1, optional = true, field = {"decision_criteria", "meddpicc_decision_criteria"}},
    {"Decision process", weight = 1, optional = true, field = {"decision_process", "meddpicc_decision_process"}},
    {"Paper process", weight = 1, optional = true, field = {"paper_process", "meddpicc_paper_process"}},
    {"Identify pain", weight = 2, optional = true, field = {"identify_pain", "pain", "meddpicc_identify_pain"}},
    {"Champion", weight = 2, optional = true, field = {"champion", "meddpicc_champion", "Champion__c"}},
    {"Competition", weight = 1, optional = true, field = {"competition", "competitors", "meddpicc_competition"}},
  },
}

--- meddpicc.scorecard() -> the revl.scorecard
function M.scorecard() return revl.scorecard(M.definition) end

--- meddpicc.open_deals() -> view of the open deals
function M.open_deals() return revl.deals:where{is_closed = false} end

--- meddpicc.score([view]) -> frame: id, completeness, complete, missing, reasons
function M.score(view) return M.scorecard():score(view or M.open_deals()) end

--- meddpicc.summary(frame): completeness by stage and the most missed elements
function M.summary(card)
  print(("MEDDPICC qualification as of %s: %d open deals"):format(revl.as_of, #card))
  local absent = {}
  for _, e in ipairs(#card > 0 and card:explain(1) or {}) do
    if e.value == "not in this export" then absent[#absent + 1] = e.criterion end
  end
  if #absent > 0 then
    print("  not in this export (always missing): " .. table.concat(absent, ", "))
  end
  local stage, n, sum, qualified = {}, {}, {}, 0
  local deals = revl.deals
  local missed = {}
  for i = 1, #card do
    local r = card[i]
    local s = deals:get(r.id).stage
    if not n[s] then stage[#stage + 1] = s; n[s], sum[s] = 0, 0 end
    n[s], sum[s] = n[s] + 1, sum[s] + r.completeness
    if r.complete then qualified = qualified + 1 end
    for m in (r.missing .. "; "):gmatch("(.-); ") do
      if m ~= "" then missed[m] = (missed[m] or 0) + 1 end
    end
  end
  table.sort(stage)
  print(("  qualified (>= %d%%): %d of %d"):format(M.definition.pass, qualified, #card))
  print()
  print(("%-14s %6s %14s"):format("stage", "deals", "completeness"))
  for _, s in ipairs(stage) do
    print(("%-14s %6d %13.1f%%"):format(s, n[s], sum[s] / n[s]))
  end
  print()
  print("Missing most often")
  local list = {}
  for m, k in pairs(missed) do list[#list + 1] = {m, k} end
  table.sort(list, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  for i = 1, math.min(8, #list) do print(("  %-18s %d deals"):format(list[i][1], list[i][2])) end
end

if select("#", ...) == 0 then
  local card = M.score()
  M.summary(card)
  local csv = revl.log(card, "meddpicc_decisions")
  print()
  print("decision log: " .. csv)
end

return M
