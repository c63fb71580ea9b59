-- examples/data_checks.lua -- checks that must not mislead (`make run`
-- runs it after revops.lua): duplicate accounts with the reason of each
-- match, a handoff scorecard that requires its fields, the pipeline by
-- stage in funnel order, and a territory whose team has no reps.
--   revl run examples/data_checks.lua --data examples/checks --as-of 2025-12-31 --out examples/out
-- examples/checks is a small hand-written data set made for these.
local handoff = require("handoff")

local function title(s) print(); print(s); print(("-"):rep(#s)) end

-- a frame of some columns of another
local function pick(f, ...)
  local cols, rows = { ... }, {}
  for i = 1, #f do
    local r, o = f[i], {}
    for _, c in ipairs(cols) do o[c] = r[c] end
    rows[i] = o
  end
  return revl.frame(rows, cols)
end

-- Duplicates: rare words decide ("Key" vs "Lake" Bird Capital differ),
-- legal suffixes, punctuation, "&"/"and", www./https and typos do not
title("Duplicate accounts, and why they matched")
local members, summary = revl.metrics.duplicates(revl.accounts)
revl.show(pick(members, "cluster", "id", "name", "domain", "reason"))
print(("%d of %d accounts are duplicates; Key/Lake Bird Capital and Wolf Dock/Land Media are not")
  :format(summary.duplicates, summary.records))

-- Handoff SDR -> AE: a required field (Pain, SQL date, SDR owner) missing
-- makes a lead not ready, whatever its other fields
title("SDR -> AE handoff scorecard")
local card = handoff.score_sdr_to_ae()
revl.show(pick(card, "id", "completeness", "complete", "missing"))
handoff.summary(card, "SDR -> AE handoffs (SQL leads)")

-- Stages: the funnel definition gives the order of every breakdown by stage
title("Open pipeline by stage (funnel order)")
revl.funnel {
  name = "opportunity", records = "deals", terminal = { "Closed Lost" },
  stages = { { name = "Prospecting" }, { name = "Discovery" }, { name = "Demo" },
             { name = "Proposal" }, { name = "Negotiation" }, { name = "Closed Won" } },
}
revl.show(revl.deals:where{ is_closed = false }:group_by("stage", { deals = "count", amount = { "sum", "amount" } }))

-- Territories: "AE Canada" has no reps, so Canadian leads fall through to
-- the next rule (SDR), the reason in each trail
title("Territory routing with an empty team")
local router = revl.router {
  name = "geo",
  rules = {
    { name = "territory", territory = { country = { US = "AE East", CA = "AE Canada" } } },
    { name = "sdr", team = "SDR" },
  },
  fallback = "Unassigned",
}
local routed = router:route()
revl.show(pick(routed:rows(), "id", "owner", "rule", "team"))
-- the trail of the first lead that fell through
for i = 1, #routed do
  local fell = false
  for _, e in ipairs(routed:get(i).trail) do fell = fell or e.reason == "empty_team" end
  if fell then print(routed:explain(i)) break end
end
