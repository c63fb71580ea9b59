-- rules/handoff.lua -- handoff scorecards: SDR -> AE and AE -> CS.
--
-- A handoff is ready when the record carries what the next team needs.
-- Each scorecard lists required fields with weights; completeness =
-- 100 * (weights present) / (all weights).  A handoff passes at 80
-- (SDR -> AE) or 75 (AE -> CS) with every required field present: the
-- weight-2 fields are required (a record missing one is never ready),
-- the weight-1 fields optional (they cost their weight only).  A
-- required field the export lacks altogether is warned about on stderr
-- and no record is ready.
--
-- SDR -> AE, on leads that reached SQL (status SQL or Converted):
--   Contact email (2), Company (2), SDR owner (2), SQL date (2),
--   Company domain, Country, Lead source, MQL date (1 each),
--   Pain (2: pain, pain_points or identify_pain -- "not in this export"
--   when the leads table has none of them)
-- AE -> CS, on deals won in the last 180 days:
--   Amount (2), Close date, AE owner, Account industry, Account size,
--   Account domain, Account country (1 each), Champion (2: champion,
--   meddpicc_champion), Success criteria (1: success_criteria,
--   decision_criteria), Subscription started (2: the account has a
--   subscription row, checked with a Lua function)
--
-- Run it (writes OUT/handoff_sdr_ae.csv, OUT/handoff_ae_cs.csv and .jsonl):
--   revl run rules/handoff.lua --data DIR [--as-of YYYY-MM-DD] [--out OUT]
-- Use it from a playbook:
--   local handoff = require("handoff")
--   handoff.sdr_to_ae():score(handoff.sql_leads())   -- or handoff.score_sdr_to_ae()
--   handoff.ae_to_cs():score(handoff.recent_wins())  -- or handoff.score_ae_to_cs()
--   handoff.summary(frame, title)
-- Data: leads; deals with accounts; subscriptions (optional).  Works on
-- `revl gen` data.  See docs/rules.md.
local M = {}

M.sdr_to_ae_definition = {
  name = "handoff SDR->AE",
  table = "leads",
  pass = 80,
  allow_absent = true,
  fields = {
    {"Contact email", field = "email", weight = 2},
    {"Company", field = "company", weight = 2},
    {"SDR owner", field = "owner", weight = 2},
    {"SQL date", field = "sql_at", weight = 2},
    {"Company domain", field = "domain", optional = true},
    {"Country", field = "country", optional = true},
    {"Lead source", field = "source", optional = true},
    {"MQL date", field = "mql_at", optional = true},
    {"Pain", field = {"pain", "pain_points", "identify_pain"}, weight = 2},
  },
}

local subscribed -- account ids with a subscription row, per data load

local function has_subscription(d)
  return d.account_id ~= nil and subscribed[d.account_id] == true
end

M.ae_to_cs_definition = {
  name = "handoff AE->CS",
  table = "deals",
  pass = 75,
  allow_absent = true,
  fields = {
    {"Amount", field = "amount", weight = 2},
    {"Close date", field = "close_date", optional = true},
    {"AE owner", field = "owner", optional = true},
    {"Account industry", field = "account.industry", optional = true},
    {"Account size", field = "account.employees", optional = true},
    {"Account domain", field = "account.domain", optional = true},
    {"Account country", field = "account.country", optional = true},
    {"Champion", field = {"champion", "meddpicc_champion"}, weight = 2},
    {"Success criteria", field = {"success_criteria", "decision_criteria"}, optional = true},
    {"Subscription started", fn = has_subscription, weight = 2},
  },
}

--- handoff.sdr_to_ae() -> the SDR -> AE scorecard
function M.sdr_to_ae() return revl.scorecard(M.sdr_to_ae_definition) end

--- handoff.ae_to_cs() -> the AE -> CS scorecard
function M.ae_to_cs()
  subscribed = {}
  if revl.subscriptions then
    for id in revl.subscriptions:rows("account_id") do subscribed[id] = true end
  end
  return revl.scorecard(M.ae_to_cs_definition)
end

--- handoff.sql_leads() -> leads at SQL or converted
function M.sql_leads() return revl.leads:where{status = {"SQL", "Converted"}} end

--- handoff.recent_wins() -> deals won in the 180 days up to as-of
function M.recent_wins()
  return revl.deals:where{{"is_won", "=", true}, {"close_date", "within_days", 180}}
end

function M.score_sdr_to_ae(view) return M.sdr_to_ae():score(view or M.sql_leads()) end
function M.score_ae_to_cs(view) return M.ae_to_cs():score(view or M.recent_wins()) end

--- handoff.summary(frame, title): pass rate and what blocks handoffs
function M.summary(card, title)
  local pass = 0
  local missed = {}
  for i = 1, #card do
    local r = card[i]
    if r.complete then pass = pass + 1 end
    for m in (r.missing .. "; "):gmatch("(.-); ") do
      if m ~= "" then missed[m] = (missed[m] or 0) + 1 end
    end
  end
  print(("%s: %d of %d ready (%.0f%%)"):format(title, pass, #card, #card > 0 and 100 * pass / #card or 0))
  local list = {}
  for m, k in pairs(missed) do list[#list + 1] = {m, k} end
  table.sort(list, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  for i = 1, math.min(5, #list) do print(("  missing %-22s %d"):format(list[i][1], list[i][2])) end
end

if select("#", ...) == 0 then
  local a = M.score_sdr_to_ae()
  M.summary(a, "SDR -> AE handoffs (SQL leads)")
  print()
  local b = M.score_ae_to_cs()
  M.summary(b, "AE -> CS handoffs (wins in the last 180 days)")
  print()
  print("decision logs: " .. revl.log(a, "handoff_sdr_ae") .. ", " .. revl.log(b, "handoff_ae_cs"))
end

return M
