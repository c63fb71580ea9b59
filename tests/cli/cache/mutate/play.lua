-- Reads and changes around a restored (mapped) table: filters and
-- criteria naming strings no file has (new strings in the store's
-- string table), group-by, sort, join, a frame's derived column, a
-- second load replacing the data while views of the first stay alive.
local out = {}
local function say(...)
  local t = {}
  for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
  out[#out + 1] = table.concat(t, " ")
end
local d = revl.deals
say("deals", #d, "accounts", revl.accounts and #revl.accounts or "none")
say("no such stage", #d:where{stage = "No Such Stage"})
say("won or made up", #d:where{stage = {"Closed Won", "Nobody At All"}})
say("open", d:where{stage = {not_in = {"Closed Won", "Closed Lost", "Lost Forever"}}}:sum("amount"))
if revl.accounts then
local icp = revl.icp{
  name = "mutate",
  rules = {
    {"industry", "in", {"Software", "Basket Weaving"}, points = 50},
    {"country", "=", "Atlantis", points = 30},
    {"employees", ">", 100, points = 20},
  },
  tiers = {{"A", 70}, {"B", 40}, {"C"}},
}
local tiers = icp:score():cframe{"id", "tier"}
local by_acc = d:where{is_closed = false}:group_by("account_id", {n = "count", total = {"sum", "amount"}})
local j = by_acc:join(tiers, "account_id", "id")
local per = j:group_by("tier", {accounts = "count", open = {"sum", "total"}}):sort_by("tier")
revl.write_csv("per_tier.csv", per, {"tier", "accounts", "open"})
end
d:sort_by("amount", "desc"):limit(25):select("id", "account_id", "stage", "amount"):to_csv("top.csv")
local wr = revl.metrics.win_rate(d, {period = "all"})
revl.write_csv("win_rate.csv", wr)
-- a second load (the generated directory again, or the mapped one):
-- the first store stays alive through `d` until the end
assert(revl.load(revl.params.second))
say("second load deals", #revl.deals, "first still", #d, d:count("amount"))
say("second no such", #revl.deals:where{stage = "Stage Only Here"})
revl.write_csv("second.csv", revl.deals:group_by("stage", {n = "count"}):sort_by("stage"))
collectgarbage()
say("first after gc", #d:where{stage = "Closed Won"})
for _, l in ipairs(out) do print(l) end
