-- metrics_calls.lua -- many calls of every metric over a generated data
-- set (revl gen), good options and bad, for metrics_compare.sh.  Every
-- call is made through pcall: an error is a result to compare too.
local M, D = revl.metrics, revl.deals
local function try(f, ...) pcall(f, ...) end
local periods = {
  {}, {period = "all"}, {period = "quarter", periods = 4}, {period = "month", periods = 6},
  {from = "2025-01-01", to = "2025-12-31"}, {period = "year", from = "2024-01-01", to = "2025-12-31"},
  {period = "fiscal_quarter", periods = 2}, {period = "week", periods = 3},
}
local bys = {nil, "owner", {"owner", "stage"}, "account.industry", "account.segment", "forecast_category", {"account.country"}}
local deal_metrics = {"weighted_pipeline", "forecast", "win_rate", "deal_size", "sales_cycle",
                      "velocity", "performance", "coverage", "quota_attainment", "forecast_gap"}
for _, name in ipairs(deal_metrics) do
  for _, p in ipairs(periods) do
    for i = 0, #bys do
      local o = {}
      for k, v in pairs(p) do o[k] = v end
      o.by = bys[i]
      try(M[name], D, o)
    end
  end
  try(M[name], D, {peroid = "quarter"})
  try(M[name], D, {by = "amout"})
  try(M[name], D, {period = "decade"})
  try(M[name], D, {by = 5})
  try(M[name], nil)
  try(M[name], {}, {})
  try(M[name], D:where{is_closed = true})
  try(M[name], D:where{owner = "nobody"}, {by = "owner"})
  try(M[name], D:where{is_closed = false}, {period = "all", by = "stage"})
end
try(M.weighted_pipeline, D, {probabilities = {Prospecting = 0.1, Discovery = 0.2, Demo = 0.4,
  Proposal = 0.6, Negotiation = 0.8}})
try(M.weighted_pipeline, D, {probabilities = {Prospecting = 0.1}})
try(M.weighted_pipeline, D, {probabilities = {Prospecting = 1.5}})
try(M.weighted_pipeline, D, {probabilities = 3})
try(M.coverage, D, {quota = revl.money(500000)})
try(M.coverage, D, {quota = 250000, period = "month", periods = 3})
try(M.coverage, D, {quota = 250000, by = "owner"})
try(M.coverage, D, {prorate = false, by = "owner.team"})
try(M.quota_attainment, D, {by = "owner.team", period = "year"})
try(M.forecast_gap, D, {target = 1200000})
try(M.forecast_gap, D, {by = "owner.team"})
for _, o in ipairs{{}, {by = "owner"}, {stages = {"Prospecting", "Discovery", "Demo", "Proposal",
    "Negotiation", "Closed Won"}}, {period = "all"}, {stages = {"Nope"}}} do
  try(M.stage_conversion, D, o)
  try(M.time_in_stage, D, o)
end
for _, o in ipairs{{}, {days = 30}, {days = 90, by = "owner"}, {days = -1}} do
  try(M.stage_aging, D, o)
end
for _, o in ipairs{{}, {by = "owner"}, {period = "quarter", periods = 2}} do
  try(M.slipped_deals, D, o)
end
local S = revl.subscriptions
if S then
  for _, p in ipairs{{}, {period = "month", periods = 12}, {period = "quarter", periods = 4},
      {period = "year", from = "2024-01-01", to = "2025-12-31"}} do
    for _, by in ipairs{false, "account.segment", "plan", "account.industry"} do
      local o = {}
      for k, v in pairs(p) do o[k] = v end
      if by then o.by = by end
      try(M.mrr, S, o)
      try(M.nrr, S, o)
    end
  end
  try(M.ltv, S, {gross_margin = 0.8})
  try(M.mrr, S, {bogus = 1})
end
if revl.leads then
  for _, o in ipairs{{}, {by = "source"}, {by = "source", period = "month", periods = 6},
      {period = "all"}, {by = "nope"}} do
    try(M.funnel, revl.leads, o)
  end
end
if revl.activities then
  for _, o in ipairs{{}, {model = "w_shaped", types = {"web", "form", "email"}},
      {by = "type", period = "quarter"}, {model = "time_decay", half_life = 14},
      {models = {"linear", "u_shaped"}, lead_touches = false}, {model = "nope"}} do
    try(M.attribution, D, o)
  end
end
local A = revl.accounts
try(M.completeness, A, {required = {"domain", "industry", "country"}})
try(M.completeness, A, {fields = {"domain", "industry"}, by = "segment"})
try(M.completeness, D, {})
try(M.duplicates, A, {})
try(M.duplicates, A, {on = "name", threshold = 0.9})
try(M.duplicates, revl.leads, {on = "email"})
try(M.consistency, A, "industry", {})
try(M.consistency, A, "country", {normalize = true, by = "segment"})
try(M.consistency, A, "industry", {allowed = {"Software", "Retail"}})
try(M.timeliness, D, {days = 30})
try(M.timeliness, D, {days = 90, by = "owner"})
try(M.timeliness, A, {days = 10})
try(M.quality_score, A, {})
try(M.quality_score, A, {required = {"domain", "industry"}})
try(M.window, {period = "quarter", periods = 4})
try(M.window, {from = "2025-01-01", to = "2025-03-31", period = "month"})
try(M.sla, {{owner = "R1", breached = false}, {owner = "R1", breached = true}})
