-- examples/pipeline.lua -- the pipeline review a RevOps team runs every
-- Monday: open pipeline by stage and owner, the forecast roll-up, win
-- rate and the deals that need attention.  `make run` runs it on
-- examples/data:
--   revl run examples/pipeline.lua --data examples/data --as-of 2025-12-31 --out examples/out
local deals = revl.deals

local function pct(x) return x and ("%5.1f%%"):format(100 * x) or "    -" end
local function line(...) print(("%-22s %8s %22s"):format(...)) end

print(("Pipeline review as of %s: %d deals, %d accounts, %d reps")
  :format(revl.as_of, #deals, #revl.accounts, #revl.reps))
print()

local open = deals:where{is_closed = false}
print("Open pipeline by stage")
line("stage", "deals", "amount")
for _, r in ipairs(open:group_by("stage", {n = "count", total = {"sum", "amount"}})) do
  line(r.stage, r.n, tostring(r.total))
end
line("total", open:count(), tostring(open:sum("amount")))
print()

print("Forecast roll-up (open deals closing this quarter, plus closed won)")
local q0 = revl.period_start(revl.as_of, "quarter")
local q1 = revl.add_months(q0, 3) - 1
local this_q = deals:where{{"close_date", "between", {q0, q1}}}
local by_cat = this_q:group_by("forecast_category", {total = {"sum", "amount"}}):index("forecast_category")
local running = revl.money(0)
for _, cat in ipairs{"Closed", "Commit", "Best Case", "Pipeline"} do
  local amt = by_cat[cat] and by_cat[cat].total or revl.money(0)
  running = running + amt
  line(cat, "", tostring(running))
end
print()

print("Win rate by owner (deals closed in the last 365 days)")
local closed = deals:where{is_closed = true, close_date = {gt = revl.as_of - 365}}
local won = closed:where{is_won = true}:group_by("owner", {n = "count", total = {"sum", "amount"}}):index("owner")
line("owner (team)", "win rate", "won")
for _, r in ipairs(closed:group_by("owner", {n = "count"})) do
  local w = won[r.owner]
  local rep = revl.reps:get(r.owner)
  local label = r.owner .. (rep and (" (" .. rep.team .. ")") or "")
  line(label, pct((w and w.n or 0) / r.n), tostring(w and w.total or revl.money(0)))
end
print()

print("Needs attention: open deals past their close date")
local overdue = open:where{close_date = {lt = revl.as_of}}:sort_by("amount", "desc")
line("deal", "days late", "amount")
for d in overdue:limit(5):rows() do
  line(d.id .. " " .. d.account_id, revl.as_of - d.close_date, tostring(d.amount))
end
print(("%d overdue deals, %s"):format(overdue:count(), overdue:sum("amount")))

local f1 = overdue:select("id", "account_id", "owner", "stage", "amount", "close_date"):to_csv("overdue_deals.csv")
local f2 = open:group_by("owner", "stage", {n = "count", total = {"sum", "amount"}}):to_csv("open_by_owner_stage.csv")
print()
print("wrote " .. f1)
print("wrote " .. f2)
