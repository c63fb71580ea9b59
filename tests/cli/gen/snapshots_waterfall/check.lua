-- The pipeline waterfall between the two snapshots `revl gen --snapshots`
-- wrote (the run's --data is the first, --set snap2=DIR the second): every movement
-- happens, and start + movements = end exactly, per owner and in total.
local M = revl.metrics
local before = revl.deals
assert(revl.load(revl.params.snap2))
local after = revl.deals
local opts = {by = "owner", period = "quarter"}
local wf, t = M.waterfall(before, after, opts)

local function balance(r)
  return r.start + r.created + r.pulled_in + r.increased - r.decreased - r.pushed
         - r.lost - r.won + r.transfer_in - r.transfer_out
end
local moves = {"created", "pulled_in", "increased", "decreased", "pushed", "lost", "won"}
for _, k in ipairs(moves) do
  assert(t[k] > revl.money(0), k .. " is zero")
  assert(#t.ids[k] > 0, "no deals behind " .. k)
end
assert(balance(t) == t["end"], "the totals do not balance")
for _, r in ipairs(wf) do
  assert(balance(r) == r["end"], tostring(r.owner) .. " does not balance")
end
print("window " .. wf.window)
for _, k in ipairs{"start", "created", "pulled_in", "increased", "decreased", "pushed",
                   "lost", "won", "transfer_in", "transfer_out", "end"} do
  local ids = t.ids[k]
  print(string.format("%-12s %18s%s", k, tostring(t[k]), ids and ("  " .. #ids .. " deals") or ""))
end
print(#wf .. " owners balance")
