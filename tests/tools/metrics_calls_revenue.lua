-- metrics_calls_revenue.lua -- many calls of the revenue and data metrics
-- (mrr, nrr, attribution, completeness, consistency, timeliness, country,
-- window) with good options and bad, for metrics_compare.sh.  Every call
-- is made through pcall: an error is a result to compare too.
local M, D = revl.metrics, revl.deals
local function try(f, ...) pcall(f, ...) end
local function with(p, k, v)
  local o = {}
  for a, b in pairs(p) do o[a] = b end
  o[k] = v
  return o
end

-- recurring revenue
local S = revl.subscriptions
local rr_windows = {
  {}, {period = "all"}, {period = "month"}, {period = "quarter"}, {period = "year"},
  {period = "month", periods = 1}, {period = "month", periods = 12}, {period = "month", periods = 30},
  {period = "quarter", periods = 4}, {period = "quarter", periods = 9},
  {period = "fiscal_quarter", periods = 3}, {period = "fiscal_year", periods = 2},
  {period = "year", from = "2024-01-01", to = "2025-12-31"},
  {from = "2025-01-01", to = "2025-06-30"}, {from = "2025-03-15"}, {to = "2025-04-30"},
  {from = "2024-07-01", to = "2024-07-31", period = "month"},
  {from = "2025-02-10", to = "2025-11-20", period = "quarter"},
  {from = "2030-01-01", to = "2030-12-31"}, {from = "2010-01-01", to = "2010-12-31"},
  {from = "2025-01-01"}, {period = "week"}, {period = "week", periods = 2},
  {period = "decade"}, {periods = 3}, {periods = 0}, {periods = -1}, {periods = 1.5},
  {from = "2025-06-01", to = "2025-01-01"}, {from = "2025-01-01", periods = 2},
  {period = "all", periods = 2}, {period = 4}, {from = 12}, {from = "notadate"},
}
local rr_bys = {false, "plan", "account.segment", {"plan", "account.segment"}, "nope", 7, {"plan", 3},
  {"plan", "plan", "plan", "plan", "plan", "plan", "plan", "plan", "plan"}}
if S then
  for _, name in ipairs{"mrr", "nrr"} do
    for _, p in ipairs(rr_windows) do
      for _, by in ipairs(rr_bys) do
        if by then try(M[name], S, with(p, "by", by)) else try(M[name], S, p) end
      end
    end
    try(M[name], S)
    try(M[name], S, nil)
    try(M[name], S, {bogus = 1})
    try(M[name], S, "month")
    try(M[name], nil)
    try(M[name], {}, {})
    try(M[name], S:where{plan = "nothing"}, {})
    try(M[name], S:where{plan = "nothing"}, {by = "plan"})
    try(M[name], S:where{plan = "nothing"}, {period = "month", periods = 3})
    try(M[name], S:where{plan = "Growth"}, {by = "account_id", period = "quarter", periods = 2})
    try(M[name], S, {by = "account.industry", period = "quarter", periods = 4})
    try(M[name], S, {by = "account.country"})
    try(M[name], S, {by = "seats", period = "year"})
    try(M[name], S, {period = "month", from = "2000-01-01", to = "2025-12-31"})
    try(M[name], D, {})
    if revl.accounts then try(M[name], revl.accounts, {}) end
  end
end

-- attribution
if revl.activities then
  local at_opts = {
    {}, {period = "all"}, {period = "year", periods = 2}, {period = "month", periods = 6},
    {from = "2025-01-01", to = "2025-12-31"}, {from = "2024-01-01", to = "2025-12-31", period = "quarter"},
    {by = "type"}, {by = {"type", "campaign"}}, {by = "owner"}, {by = "deal.stage"},
    {by = "account.segment"}, {by = "nope"}, {by = 3},
    {model = "first_touch"}, {model = "last_touch"}, {model = "linear"}, {model = "u_shaped"},
    {model = "w_shaped"}, {model = "full_path"}, {model = "time_decay"},
    {models = {"linear", "u_shaped"}}, {models = {"time_decay", "first_touch", "time_decay"}},
    {models = {}}, {models = "linear"}, {models = 5}, {models = {"linear", 7}}, {model = "nope"},
    {model = "time_decay", half_life = 14}, {model = "time_decay", half_life = 0.5},
    {half_life = 0}, {half_life = -3}, {half_life = "x"},
    {types = {"web", "form", "email"}}, {types = {"meeting"}}, {types = {}}, {types = {"nothing"}},
    {types = {1, 2}}, {types = "email"}, {types = {{}}},
    {lead_touches = false}, {lead_touches = true, by = "type"},
    {lead_touches = false, model = "w_shaped", period = "all"},
    {model = "full_path", period = "quarter", periods = 4, by = "type"},
    {bogus = 1}, {period = "decade"},
  }
  for _, o in ipairs(at_opts) do
    try(M.attribution, D, o)
  end
  try(M.attribution, D)
  try(M.attribution, D:where{is_won = true}, {period = "all"})
  try(M.attribution, D:where{owner = "nobody"}, {period = "all"})
  try(M.attribution, nil)
  try(M.attribution, revl.accounts, {})
  try(M.attribution, revl.activities, {})
end

-- data quality
local A = revl.accounts
local function tables()
  local t = {}
  for _, name in ipairs{"accounts", "deals", "leads", "subscriptions", "activities"} do
    if revl[name] then t[#t + 1] = revl[name] end
  end
  return t
end
for _, T in ipairs(tables()) do
  try(M.completeness, T, {})
  try(M.completeness, T)
  try(M.completeness, T, {by = "owner"})
end
if A then
  local c_opts = {
    {required = {"domain", "industry", "country"}},
    {fields = {"domain", "industry"}, by = "segment"},
    {fields = {"domain", "industry"}, required = {"domain"}},
    {required = {"domain"}, by = {"segment", "industry"}},
    {fields = {}}, {required = {}}, {fields = {}, required = {}},
    {fields = {"nope"}}, {required = {"domain", "nope"}}, {fields = "domain"}, {required = 3},
    {fields = {"domain", 4}}, {by = "nope"}, {by = "country"}, {bogus = 1},
    {fields = {"domain", "domain"}}, {fields = {"segment"}, by = "segment"},
  }
  for _, o in ipairs(c_opts) do try(M.completeness, A, o) end
  try(M.completeness, A:where{segment = "nothing"}, {by = "segment"})
  try(M.completeness, A:where{segment = "nothing"}, {})
  try(M.completeness, D, {fields = {"account.industry", "account.country", "amount"}, by = "owner"})
  try(M.completeness, D, {required = {"account.domain"}, by = "account.segment"})
  try(M.completeness, nil)
  try(M.completeness, A, "x")

  local s_calls = {
    {"industry", {}}, {"industry"}, {"country", {normalize = "country"}},
    {"country", {normalize = "country", by = "segment"}},
    {"country", {normalize = "country", allowed = {"US", "DE", "GB"}}},
    {"industry", {allowed = {"Software", "Retail"}}},
    {"industry", {allowed = {"Software", "Retail"}, by = "segment"}},
    {"industry", {allowed = {}}}, {"segment", {allowed = {"SMB", "Mid-Market", "Enterprise"}}},
    {"country", {normalize = "nope"}}, {"country", {normalize = true}}, {"country", {normalize = 3}},
    {"industry", {allowed = "Software"}}, {"industry", {allowed = {1, 2}}},
    {"employees", {allowed = {"1"}}}, {"nope", {allowed = {"x"}}}, {"industry", {bogus = 1}},
    {"industry", {allowed = {"Software"}, by = "nope"}}, {"domain", {normalize = "country"}},
    {"name", {normalize = "country"}},
  }
  for _, c in ipairs(s_calls) do try(M.consistency, A, c[1], c[2]) end
  try(M.consistency, A)
  try(M.consistency, A, 5, {allowed = {"x"}})
  try(M.consistency, A:where{segment = "nothing"}, "industry", {allowed = {"Software"}, by = "segment"})
  try(M.consistency, A:where{segment = "nothing"}, "country", {normalize = "country"})
  try(M.consistency, D, "account.country", {normalize = "country", by = "owner"})
  try(M.consistency, D, "stage", {allowed = {"Closed Won", "Closed Lost"}})
  if revl.leads then
    try(M.consistency, revl.leads, "country", {normalize = "country", by = "source"})
  end
end
for _, T in ipairs(tables()) do
  for _, o in ipairs{{days = 30}, {days = 3650}, {days = 30, via = "deal_id"}, {days = 30, via = "account_id"},
      {days = 30, via = "lead_id"}, {days = 30, via = "type"}, {days = 30, via = "nope"}} do
    try(M.timeliness, T, o)
  end
end
for _, o in ipairs{{days = 90, by = "owner"}, {days = 0}, {days = 10}, {days = 30, via = 3},
    {days = -1}, {days = 1.5}, {days = "x"}, {}, {days = 30, by = "nope"}, {days = 30, bogus = 1},
    {days = 1e12}, {days = 60, by = {"owner", "stage"}}, {days = 60, by = "account.segment"}} do
  try(M.timeliness, D:where{stage = "Demo"}, o)
  if A then try(M.timeliness, A:where{segment = "Enterprise"}, o) end
end
try(M.timeliness, nil, {days = 3})
try(M.timeliness, D:where{owner = "nobody"}, {days = 30, by = "owner"})

-- country names and codes
for _, s in ipairs{"US", "us", "USA", "United States", "U.S.A.", "Deutschland", "Germany", "DE", "UK",
    "United Kingdom", "Great Britain", "", " ", "Narnia", "fr", "France ", "  france", "Côte d'Ivoire",
    "South Korea", "Korea, Republic of", "\0US", "XX"} do
  try(M.country, s)
end
try(M.country)
try(M.country, 5)
try(M.country, {})

-- windows
for _, o in ipairs{{}, {period = "month", periods = 3}, {period = "all"}, {from = "2025-01-01"},
    {from = "2025-01-01", to = "2025-02-01"}, {period = "week", from = "2025-01-01", to = "2025-03-01"},
    {period = "quarter", from = "2025-01-01"}, {periods = 2}, {period = "x"}, {bogus = 1}} do
  try(M.window, o)
end
