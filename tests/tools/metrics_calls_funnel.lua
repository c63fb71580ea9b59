-- metrics_calls_funnel.lua -- many calls of the lead funnel and of
-- attribution with good options and bad, for metrics_compare.sh.  Every
-- call is made through pcall: an error is a result to compare too.
local M, D = revl.metrics, revl.deals
local function try(f, ...) pcall(f, ...) end
local function with(p, k, v)
  local o = {}
  for a, b in pairs(p) do o[a] = b end
  o[k] = v
  return o
end

local windows = {
  {}, {period = "all"}, {period = "month"}, {period = "quarter"}, {period = "year"},
  {period = "week"}, {period = "fiscal_quarter"}, {period = "fiscal_year"},
  {period = "month", periods = 1}, {period = "month", periods = 12}, {period = "quarter", periods = 4},
  {period = "quarter", periods = 9}, {period = "week", periods = 3}, {period = "year", periods = 3},
  {period = "fiscal_year", periods = 2}, {periods = 2},
  {from = "2025-01-01", to = "2025-06-30"}, {from = "2025-01-01", to = "2025-12-31", period = "month"},
  {from = "2024-01-01", to = "2026-12-31", period = "quarter"}, {from = "2025-03-15"},
  {to = "2025-04-30"}, {from = "2025-04-01", to = "2025-04-01"}, {from = "2030-01-01", to = "2030-12-31"},
  {from = "2020-01-01", to = "2030-12-31", period = "year"}, {from = "2025-02-10", to = "2025-11-20", period = "week"},
  -- malformed
  {period = "decade"}, {period = 4}, {periods = 0}, {periods = -1}, {periods = 1.5}, {periods = "x"},
  {from = 12}, {from = "notadate"}, {to = true}, {from = "2025-06-01", to = "2025-01-01"},
  {from = "2025-01-01", periods = 2}, {period = "all", periods = 2}, {period = "decade", periods = "x"},
}
local bys = {false, "source", "owner", "country", "status", {"source", "status"},
  "converted_deal.owner", "converted_deal.stage", "nope", 7, {"source", 3}, {"nope", 3}, {3, "nope"}, {},
  {"source", "source", "source", "source", "source", "source", "source", "source", "source"}}

-- funnel
local L = revl.leads
local function funnel_views()
  local t = {}
  if L then
    t[#t + 1] = L
    for _, cond in ipairs{{source = "nothing"}, {status = "Converted"}} do
      local ok, c = pcall(L.where, L, cond) -- not every data set has these
      if ok then t[#t + 1] = c end
    end
  end
  return t
end
for _, V in ipairs(funnel_views()) do
  for _, p in ipairs(windows) do
    for _, by in ipairs(bys) do
      if by then try(M.funnel, V, with(p, "by", by)) else try(M.funnel, V, p) end
    end
  end
end
-- keys with a value per lead: one bucket only (every period of a long
-- window would be a row per key)
for _, V in ipairs(funnel_views()) do
  for _, by in ipairs{"id", "created_at", "converted_deal_id", {"converted_deal_id", "source"}} do
    try(M.funnel, V, {by = by, period = "all"})
    try(M.funnel, V, {by = by})
  end
end
-- tables without the lead columns, bad arguments
for _, T in ipairs{D, revl.accounts, revl.subscriptions, revl.activities, revl.usage} do
  try(M.funnel, T, {})
  try(M.funnel, T, {period = "all", by = "owner"})
  try(M.funnel, T, {period = 4})
  try(M.funnel, T, {from = 12})
  try(M.funnel, T, {by = 3})
  try(M.funnel, T, {period = "decade", by = "nope"})
end
try(M.funnel, L)
try(M.funnel, L, nil)
try(M.funnel, L, "month")
try(M.funnel, L, {bogus = 1})
try(M.funnel, L, {bogus = 1, period = 4})
try(M.funnel, nil)
try(M.funnel, {}, {})
if L then
  local ok, web = pcall(L.where, L, {source = "Web"})
  if ok then
    try(M.funnel, web, {by = "source", period = "month", from = "2024-01-01", to = "2026-12-31"})
    try(M.funnel, web, {by = "owner", period = "all"})
  end
end

-- attribution: windows x keys x models, then malformed options together
-- (each reported in the order the metric reads it)
if revl.activities then
  local at_windows = {{}, {period = "all"}, {period = "year"}, {period = "quarter", periods = 4},
    {period = "month", periods = 12}, {from = "2024-01-01", to = "2026-12-31", period = "quarter"},
    {from = "2025-01-01"}, {to = "2025-03-31"}, {period = "week", periods = 8}}
  local at_bys = {false, "type", "campaign", "owner", {"type", "campaign"}, "deal.owner",
    "deal.stage", "lead.source", "account.segment", {}}
  local at_models = {false, "first_touch", "last_touch", "linear", "u_shaped", "w_shaped",
    "full_path", "time_decay", {"w_shaped", "full_path", "u_shaped"}, {"linear", "linear"}}
  for _, p in ipairs(at_windows) do
    for _, by in ipairs(at_bys) do
      local o = by and with(p, "by", by) or p
      try(M.attribution, D, o)
      try(M.attribution, D, with(o, "lead_touches", false))
    end
    for _, m in ipairs(at_models) do
      if m then
        try(M.attribution, D, with(p, type(m) == "table" and "models" or "model", m))
        try(M.attribution, D, with(with(p, "models", m), "types", {"email", "call", "web"}))
      end
    end
  end
  local dv = {D:where{is_won = true}, D:where{owner = "nobody"}}
  local ok, won = pcall(D.where, D, {stage = "Closed Won"})
  if ok then dv[#dv + 1] = won end
  for _, V in ipairs(dv) do
    try(M.attribution, V, {period = "all", by = "type"})
    try(M.attribution, V, {period = "all", model = "time_decay", half_life = 30})
  end
  for _, o in ipairs{
      {period = "decade", models = 5}, {period = 4, by = 3}, {from = 12, models = 5},
      {by = 3, model = "nope"}, {by = "nope", models = 5}, {by = {"nope", 3}}, {by = {"type", 3}},
      {by = {3, "nope"}}, {by = {"type", "nope", 3}, models = 5}, {by = {"type", 4}, half_life = "x"},
      {models = 5, half_life = "x"}, {model = "nope", half_life = 0}, {models = {}, half_life = "x"},
      {half_life = "x", types = {{}}}, {half_life = -1, types = {{}}}, {types = {{}}, by = "nope"},
      {types = {1, {}}}, {types = {"email", true}}, {models = {"linear", {}}}, {models = {true}},
      {models = {"a", "b", "c", "d", "e", "f", "g", "h"}},
      {models = {"linear", "linear", "linear", "linear", "linear", "linear", "linear", "nope"}},
      {model = "linear", models = {"u_shaped"}}, {model = 5}, {models = false},
      {half_life = 1 / 0}, {half_life = 0 / 0}, {half_life = 1e-300, model = "time_decay"},
      {lead_touches = 0}, {lead_touches = "no"}, {by = {}, period = "all"},
      {types = "email", period = "all"}, {types = {}, period = "all"},
      {period = "decade", bogus = 1}, {periods = "x", period = "decade"},
      {from = "2025-06-01", to = "2025-01-01", models = 5},
    } do
    try(M.attribution, D, o)
  end
  try(M.attribution, D, nil)
  try(M.attribution, D, "x")
  try(M.attribution, revl.leads, {period = "all"})
  try(M.attribution, revl.activities, {period = 4})
  try(M.attribution, revl.accounts, {models = 5})
end
-- no activities table: that is reported before the later options
if not revl.activities then
  try(M.attribution, D, {})
  try(M.attribution, D, {by = 3})
  try(M.attribution, D, {period = 4})
end
