-- metrics_calls_stages.lua -- many calls of the stage metrics
-- (stage_conversion, time_in_stage, stage_aging, slipped_deals) and of
-- the pipeline waterfall, with good options and bad, for
-- metrics_compare.sh and stages_compare.sh.  Every call is made through
-- pcall: an error is a result to compare too.  Calls are made in a fixed
-- order.  --set after=DIR: a second snapshot for two-store waterfalls.
local M, D = revl.metrics, revl.deals
local function try(f, ...) pcall(f, ...) end
local function merge(a, b)
  local o = {}
  for _, t in ipairs{a, b} do
    for _, k in ipairs{"by", "period", "from", "to", "periods", "stages", "current", "days", "bogus"} do
      if t[k] ~= nil then o[k] = t[k] end
    end
  end
  return o
end
local function view(f)
  local ok, v = pcall(f)
  return ok and v or nil
end

local windows = {
  {}, {period = "all"}, {period = "quarter"}, {period = "month"}, {period = "year"},
  {period = "fiscal_quarter"}, {period = "week", periods = 3}, {period = "quarter", periods = 4},
  {period = "month", periods = 12}, {periods = 2}, {from = "2025-01-01", to = "2025-12-31"},
  {from = "2025-01-01", to = "2025-12-31", period = "month"}, {from = "2024-07-01"},
  {to = "2025-06-30"}, {from = "2020-01-01", to = "2030-12-31", period = "year"},
  {from = "2031-01-01", to = "2031-12-31"},
  -- malformed
  {period = "decade"}, {period = 4}, {periods = 0}, {periods = -1}, {periods = 1.5}, {periods = "x"},
  {from = 12}, {from = "notadate"}, {to = true}, {from = "2025-06-01", to = "2025-01-01"},
  {from = "2025-01-01", periods = 2}, {period = "all", periods = 2}, {period = "decade", periods = "x"},
  {period = "decade", from = "x"},
}
local bys = {false, "owner", {"owner", "forecast_category"}, "account.industry", "account.segment",
  "forecast_category", "stage", {"owner", "stage"}, "is_closed", "close_date", "amount",
  "nope", 7, {"owner", 3}, {"nope", 3}, {3, "nope"}, {},
  {"owner", "owner", "owner", "owner", "owner", "owner", "owner", "owner", "owner"}}
local stage_lists = {false, {"Prospecting", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won"},
  {"Prospecting", "Demo", "Negotiation"}, {"Negotiation", "Discovery", "Prospecting"},
  {"Nope"}, {"Closed Won", "Closed Lost", "Nope"}, {}, {"Demo", "Demo"}, {"Nope", "Nope"},
  {1}, {"Demo", 5}, {"Demo", "Demo", 5}, "Demo"}

local views = {{"all", D}}
for _, s in ipairs{
    {"open", function() return D:where{is_closed = false} end},
    {"nobody", function() return D:where{owner = "nobody"} end},
    {"closed", function() return D:where{is_closed = true} end}} do
  local v = view(s[2])
  if v then views[#views + 1] = {s[1], v} end
end

-- stage_conversion and time_in_stage
for _, name in ipairs{"stage_conversion", "time_in_stage"} do
  local f = M[name]
  for _, st in ipairs(stage_lists) do
    for _, w in ipairs{{}, {period = "quarter"}, {period = "month", periods = 6}, {period = "decade"}} do
      local o = merge(w, {})
      if st then o.stages = st end
      try(f, D, o)
    end
  end
  for _, w in ipairs(windows) do
    for _, by in ipairs(bys) do
      local o = merge(w, {})
      if by then o.by = by end
      try(f, D, o)
    end
  end
  for _, vw in ipairs(views) do
    try(f, vw[2])
    try(f, vw[2], {by = "owner", period = "quarter"})
    try(f, vw[2], {stages = stage_lists[2], by = "account.segment"})
  end
  if name == "time_in_stage" then
    for _, cur in ipairs{true, false, 0, "no"} do
      try(f, D, {current = cur})
      try(f, D, {current = cur, by = "owner", stages = stage_lists[3]})
      try(f, D, {current = cur, period = "month", periods = 12})
    end
  end
  try(f, D, {bogus = 1})
  try(f, D, 5)
  try(f, nil)
  try(f, {}, {})
  try(f, D, {stages = {}, period = "decade"})
  try(f, D, {stages = {"Demo", 5}, by = "nope"})
  try(f, D, {period = "decade", by = "nope"})
  try(f, D, {period = 4, by = 7})
end

-- stage_aging
for _, days in ipairs{0, 1, 7, 30, 90, 365, 100000, -1, 1.5, "x", false} do
  for _, by in ipairs(bys) do
    local o = {days = days}
    if days == false then o.days = nil end
    if by then o.by = by end
    try(M.stage_aging, D, o)
  end
end
for _, vw in ipairs(views) do
  try(M.stage_aging, vw[2], {days = 30})
  try(M.stage_aging, vw[2], {days = 14, by = {"owner", "stage"}})
end
try(M.stage_aging, D, {days = 30, period = "quarter"})
try(M.stage_aging, D, {days = "x", by = "nope"})
try(M.stage_aging, D, {days = -1, by = 7})
try(M.stage_aging, D, 5)
try(M.stage_aging, nil)
try(M.stage_aging, {}, {days = 3})

-- slipped_deals
for _, w in ipairs(windows) do
  for _, by in ipairs(bys) do
    local o = merge(w, {})
    if by then o.by = by end
    try(M.slipped_deals, D, o)
  end
end
for _, vw in ipairs(views) do
  try(M.slipped_deals, vw[2])
  try(M.slipped_deals, vw[2], {by = "owner", period = "month", periods = 12})
end
try(M.slipped_deals, D, {stages = {"Demo"}})
try(M.slipped_deals, D, {period = "decade", by = "nope"})
try(M.slipped_deals, D, 5)
try(M.slipped_deals, nil)

-- waterfall over one store
local wbys = {false, "owner", {"owner", "forecast_category"}, "account.industry", "stage",
  "forecast_category", "amount", "nope", 7, {"owner", 3}, {}}
local wwins = {{}, {period = "all"}, {period = "quarter"}, {period = "month", periods = 6},
  {from = "2025-07-01", to = "2026-06-30"}, {from = "2025-07-01", to = "2026-06-30", period = "quarter"},
  {period = "decade"}, {from = "x"}, {periods = 2, from = "2025-01-01"}}
local function waterfalls(B, A)
  for _, w in ipairs(wwins) do
    for _, by in ipairs(wbys) do
      local o = merge(w, {})
      if by then o.by = by end
      try(M.waterfall, B, A, o)
    end
  end
end
local open = view(function() return D:where{is_closed = false} end)
waterfalls(D, D)
if open then
  waterfalls(open, D)
  waterfalls(D, open)
end
try(M.waterfall, D, nil)
try(M.waterfall, nil, D)
try(M.waterfall, D, D, {bogus = 1})
try(M.waterfall, D, D, 5)
try(M.waterfall, D, {}, {})

-- waterfall across two loads (the second snapshot replaces the data)
local after = revl.params.after
if after and revl.load(after) then
  local A = revl.deals
  waterfalls(D, A)
  waterfalls(A, D)
  local aopen = view(function() return A:where{is_closed = false} end)
  if open and aopen then
    try(M.waterfall, open, aopen, {by = "owner"})
    try(M.waterfall, aopen, open, {by = "owner", period = "quarter"})
  end
end
