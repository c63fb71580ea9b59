-- examples/icp_demo.lua -- score accounts against an Ideal Customer Profile and
-- show why each one got its score.
--   revl run examples/icp_demo.lua --data examples/data --as-of 2025-12-31 --out examples/out
-- The production version of this model is rules/icp.lua (require("icp")
-- from your own playbooks; this file's name hides it from playbooks in
-- examples/).  docs/rules.md documents every option.

local model = revl.icp{
  name = "example-icp",
  groups = {
    -- points per criterion; each group has a cap
    firmographic = {
      cap = 50,
      {"industry", "in", {"Software", "Fintech"}, points = 30},
      {"employees", "between", {200, 5000}, points = 20},
      {"annual_revenue", ">=", 20000000, points = 10, name = "revenue >= $20M"},
    },
    market = {
      cap = 30,
      {"country", "in", {"US", "CA", "GB"}, points = 20},
      {"segment", "in", {"Mid-Market", "Enterprise"}, points = 10},
    },
    -- a Lua function is the escape hatch: return points (and what it saw)
    custom = {
      {function(a)
        if a.domain and a.domain:match("%.io$") then return 10, a.domain end
        return 0
      end, name = "tech domain (.io)"},
    },
  },
  cap = 100,
  tiers = {{"A", 70}, {"B", 50}, {"C", 30}, {"D"}},
  -- engagement: activities in the last 90 days, halving every 30 days
  engagement = {
    points = {meeting = 10, call = 5, form = 4, email = 2, web = 1},
    window = 90,
    decay = {half_life = 30},
    bands = {{"1", 30}, {"2", 10}, {"3"}},
  },
  matrix = {
    A1 = "call this week", A2 = "call this week", A3 = "SDR: outbound sequence",
    B1 = "call this week", B2 = "SDR: outbound sequence", B3 = "marketing: nurture",
    C1 = "SDR: qualify", C2 = "marketing: nurture", C3 = "marketing: nurture",
    D1 = "SDR: qualify", D2 = "no action", D3 = "no action",
  },
}

local scores = model:score(revl.accounts)

print(("ICP scores for %d accounts as of %s"):format(#scores, revl.as_of))
print()
local tiers = scores:counts("tier")
for _, t in ipairs{"A", "B", "C", "D"} do
  print(("  tier %s  %4d accounts"):format(t, tiers[t] or 0))
end
print()

print("Accounts to call this week")
local hot = scores:where(function(r) return r.action == "call this week" end):sort_by("fit", true)
for i = 1, math.min(5, #hot) do
  local r = hot[i]
  print(("  %s  fit %s  engagement %s  %s"):format(r.id, r.fit, r.engagement, r.label))
end
print(("  ... %d in all"):format(#hot))
print()

-- every decision explains itself
local best = hot[1] or scores[1]
print(("Why %s scored %s:"):format(best.id, best.fit))
for _, e in ipairs(model:explain(best.id)) do
  if e.met then
    print(("  %-12s %-40s %-22s %+g"):format(e.group or "", e.criterion, e.value or "", e.points))
  end
end
print()

-- a decision log with the run's metadata (git commit, inputs' sha256, ...)
local csv, jsonl = revl.log(scores, "icp_decisions")
print("wrote " .. csv)
print("wrote " .. jsonl)
