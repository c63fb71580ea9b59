-- examples/meddpicc_demo.lua -- a MEDDPICC scorecard for open deals.
--   revl run examples/meddpicc_demo.lua --data examples/data --as-of 2025-12-31 --out examples/out
-- The shipped scorecard rules/meddpicc.lua reads MEDDPICC deal fields
-- (economic_buyer, champion, ...; require("meddpicc") from your own
-- playbooks).  This example shows the other way: when the CRM has no such
-- fields, an element can be a criterion or a Lua function over evidence
-- the data does have -- here, the deal's activities.  docs/rules.md
-- documents every option.

-- evidence per deal, in one pass over the activities
local meetings, calls = {}, {}
if revl.activities then
  for deal, ty in revl.activities:rows("deal_id", "type") do
    if deal and ty == "meeting" then meetings[deal] = (meetings[deal] or 0) + 1 end
    if deal and ty == "call" then calls[deal] = (calls[deal] or 0) + 1 end
  end
end

local card = revl.scorecard{
  name = "meddpicc (evidence)",
  table = "deals",
  pass = 70,
  fields = {
    -- a field: present when not empty
    {"Metrics", optional = true, field = "amount"},
    -- a Lua function: true when the element is there
    {"Economic buyer", weight = 2, optional = true, fn = function(d) return (meetings[d.id] or 0) >= 2 end},
    -- a criterion: met = present
    {"Decision criteria", optional = true, criterion = {"stage", "in", {"Demo", "Proposal", "Negotiation"}}},
    {"Decision process", optional = true, criterion = {"close_date", "exists"}},
    {"Paper process", optional = true, criterion = {"stage", "=", "Negotiation"}},
    {"Identify pain", weight = 2, optional = true, fn = function(d) return (calls[d.id] or 0) >= 1 end},
    {"Champion", weight = 2, optional = true, fn = function(d) return (meetings[d.id] or 0) >= 1 end},
    {"Competition", optional = true, criterion = {"forecast_category", "~=", "Pipeline"}},
  },
}

local open = revl.deals:where{is_closed = false}
local scores = card:score(open)

print(("MEDDPICC for %d open deals as of %s"):format(#scores, revl.as_of))
local by_stage = {}
for i = 1, #scores do
  local r = scores[i]
  local s = revl.deals:get(r.id).stage
  local b = by_stage[s] or {n = 0, sum = 0, ok = 0}
  by_stage[s] = b
  b.n, b.sum = b.n + 1, b.sum + r.completeness
  if r.complete then b.ok = b.ok + 1 end
end
print(("  %-12s %6s %10s %10s"):format("stage", "deals", "average", "qualified"))
for _, s in ipairs{"Prospecting", "Discovery", "Demo", "Proposal", "Negotiation"} do
  local b = by_stage[s]
  if b then print(("  %-12s %6d %9.1f%% %10d"):format(s, b.n, b.sum / b.n, b.ok)) end
end
print()

print("Late-stage deals that are not qualified")
local late = scores:where(function(r)
  local st = revl.deals:get(r.id).stage
  return not r.complete and (st == "Proposal" or st == "Negotiation")
end):sort_by("completeness")
for i = 1, math.min(5, #late) do
  local r = late[i]
  print(("  %s  %5.1f%%  missing: %s"):format(r.id, r.completeness, r.missing))
end
print(("  ... %d in all"):format(#late))
print()
print("wrote " .. revl.log(scores, "meddpicc_decisions"))
