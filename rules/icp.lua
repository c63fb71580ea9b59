-- rules/icp.lua -- Ideal Customer Profile (ICP) scoring for B2B SaaS accounts.
--
-- Scores every account on fit (firmographics: industry, size, revenue,
-- market, segment, a known domain) and engagement (meetings, calls,
-- emails, web visits and forms in the last 90 days, halving every 30
-- days), then places it in the fit x engagement matrix: tiers A-D by fit,
-- bands 1-3 by engagement, "A1" the best.  Each label maps to the action
-- a team takes.  Every score comes with its reasons.
--
-- Run it on a data directory (writes OUT/icp_decisions.csv and .jsonl):
--   revl run rules/icp.lua --data DIR [--as-of YYYY-MM-DD] [--out OUT]
-- Use it from a playbook:
--   local icp = require("icp")
--   local scores = icp.score()            -- frame: id, fit, engagement, tier, label, action, reasons
--   local model = icp.model()             -- the revl.icp model
--   icp.definition                        -- the definition: copy and tune it
--   icp.summary(scores)                   -- the printed summary
-- Data: accounts (industry, employees, annual_revenue, country, segment,
-- domain); activities (account_id, type, at) for engagement, optional.
-- Works on `revl gen` data.  See docs/rules.md.
local M = {}

M.definition = {
  name = "icp-v1",
  groups = {
    -- who we sell to best: industry and size, at most 60 points
    firmographic = {
      cap = 60,
      {"industry", "in", {"Software", "Fintech"}, points = 30, name = "core industry"},
      {"industry", "in", {"Healthcare", "Insurance", "Logistics"}, points = 15,
       name = "adjacent industry"},
      {"employees", "between", {200, 5000}, points = 25, name = "mid-size (200-5000)"},
      {"employees", ">", 5000, points = 15, name = "enterprise size (5000+)"},
      {"annual_revenue", ">=", 20000000, points = 10, name = "revenue >= $20M"},
    },
    -- where we sell: markets we cover, at most 25 points
    market = {
      cap = 25,
      {"country", "in", {"US", "CA", "GB", "IE", "AU", "NZ"}, points = 15, name = "english-speaking market"},
      {"country", "in", {"DE", "NL", "FR", "SE", "DK", "CH"}, points = 10, name = "supported EU market"},
      {"segment", "in", {"Mid-Market", "Enterprise"}, points = 10},
    },
    -- data quality: we can reach them
    reach = {
      {"domain", "exists", points = 5, name = "has a domain"},
    },
  },
  cap = 100,
  tiers = {{"A", 75}, {"B", 55}, {"C", 35}, {"D"}},
  engagement = {
    table = "activities",
    window = 90,
    points = {meeting = 10, call = 5, form = 4, email = 2, web = 1},
    decay = {half_life = 30},
    cap = 100,
    bands = {{"1", 30}, {"2", 10}, {"3"}},
  },
  matrix = {
    A1 = "AE: call this week", A2 = "AE: call this week", A3 = "SDR: outbound sequence",
    B1 = "AE: call this week", B2 = "SDR: outbound sequence", B3 = "SDR: outbound sequence",
    C1 = "SDR: qualify", C2 = "marketing: nurture", C3 = "marketing: nurture",
    D1 = "SDR: qualify", D2 = "marketing: nurture", D3 = "no action",
  },
}

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

--- icp.model() -> the revl.icp model (without engagement when there are no activities)
function M.model()
  local def = copy(M.definition)
  if not revl.activities then
    def.engagement, def.matrix = nil, nil
  end
  return revl.icp(def)
end

--- icp.score([view]) -> frame of accounts: id, fit, engagement, tier, label, action, reasons
function M.score(view) return M.model():score(view) end

--- icp.summary(frame): print the fit x engagement matrix and the best accounts
function M.summary(f)
  print(("ICP %s as of %s: %d accounts"):format(M.definition.name, revl.as_of, #f))
  local counts = f:counts("label")
  local tiers, bands = {"A", "B", "C", "D"}, {"1", "2", "3"}
  if revl.activities then
    print(("%-6s %8s %8s %8s"):format("tier", "band 1", "band 2", "band 3"))
    for _, t in ipairs(tiers) do
      local row = {}
      for k, b in ipairs(bands) do row[k] = counts[t .. b] or 0 end
      print(("%-6s %8d %8d %8d"):format(t, row[1], row[2], row[3]))
    end
  else
    for _, t in ipairs(tiers) do print(("%-6s %8d"):format(t, counts[t] or 0)) end
  end
  print()
  print("Top accounts")
  -- sorted in the core on two columns; the five rows fetched whole
  local top = f:cframe{"id", "fit"}:sort_by("fit", true):limit(5)
  for i = 1, #top do
    local r = f:get(top[i].id)
    print(("  %-10s fit %5s  eng %6s  %-3s %s"):format(r.id, r.fit, tostring(r.engagement or "-"),
                                                     r.label, r.action or ""))
    print("      " .. r.reasons)
  end
end

if select("#", ...) == 0 then
  local f = M.score()
  M.summary(f)
  local csv = revl.log(f, "icp_decisions")
  print()
  print("decision log: " .. csv)
end

return M
