-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- Routing strategies on tests/lua/route_basic; every expectation is
-- worked out by hand from the CSV files (see the comments).
local t = revl.testing("route strategies")
local leads = revl.leads

local function batch(name) return leads:where{batch = name} end

-- owners of a routing result, in routing order: "R01=R1 R02=R2 ..."
local function owners(res)
  local out = {}
  for _, a in ipairs(res:rows()) do out[#out + 1] = a.id .. "=" .. tostring(a.owner) end
  return table.concat(out, " ")
end

-- ---- round robin in AE East (R1, R2, R3 inactive) with day caps 2 --------
-- R01..R05 on 2025-06-02, R06 and R07 on 2025-06-03 at the same time
-- (ties by id).  The file lists them out of order.
local function rr_router(extra)
  local spec = {
    name = "rr",
    caps = { day = "capacity" },
    rules = { { name = "east", team = "AE East" } },
    fallback = "Overflow",
  }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return revl.router(spec)
end

local res = rr_router():route(batch("rr"))
t:eq(#res, 7, "seven rr leads")
-- R01 R1 (next R2), R02 R2 (next R3), R03: R3 inactive, R1 (2 considered),
-- R04 R2 (both now at their cap of 2), R05: R3 inactive, R1 cap, R2 cap ->
-- Overflow; next day: R06: R3 inactive -> R1, R07 R2.
t:eq(owners(res), "R01=R1 R02=R2 R03=R1 R04=R2 R05=Overflow R06=R1 R07=R2",
     "round robin with a cap reached mid-run")
local a3 = res:get("R03")
t:eq(a3.considered, 2, "R03: two candidates considered")
t:eq(a3.skipped, "R3: inactive", "R03: why R3 was skipped")
t:eq(a3.rule, "east", "rule recorded")
t:eq(a3.strategy, "round robin", "strategy recorded")
t:eq(a3.team, "AE East", "team recorded")
local a5 = res:get("R05")
t:eq(a5.kind, "queue", "R05 went to a queue")
t:eq(a5.rule, "fallback", "R05 by the fallback")
t:eq(a5.n_skipped, 3, "R05: all three skipped")
t:eq(a5.skipped, "R3: inactive; R1: day cap 2 reached; R2: day cap 2 reached", "R05 reasons")
local trail = a5.trail
t:eq(#trail, 5, "R05 trail: 3 skips, exhausted, fallback")
t:eq(trail[1].event, "skipped", "trail event")
t:eq(trail[1].reason, "inactive", "trail reason code")
t:eq(trail[2].reason, "day_cap", "cap reason code")
t:eq(trail[4].event, "exhausted", "rule exhausted")
t:eq(trail[5].event, "fallback", "then the fallback")
t:eq(trail[5].text, "fallback: queue 'Overflow'", "fallback text")
t:eq(res:explain(res:position("R05")),
     "R05:\n  rule 'east': R3 skipped: inactive\n  rule 'east': R1 skipped: day cap 2 reached\n" ..
     "  rule 'east': R2 skipped: day cap 2 reached\n  rule 'east': every candidate skipped\n" ..
     "  fallback: queue 'Overflow'", "explain R05")
t:eq(res:get(1).id, "R01", "routed in created order, not file order")
t:eq(res:get(6).id, "R06", "a time tie goes by id")
t:eq(res:counts().R1, 3, "counts")

-- replay: a new router gives the same assignments
t:eq(owners(rr_router():route(batch("rr"))), owners(res), "replay is identical")

-- one router continues its state: routing the batch again, the day caps
-- of 2025-06-03 hold R1 and R2 at one each; R01..R05 are on 06-02 again
-- but the buckets moved on to 06-03, so they count from zero
local r2 = rr_router()
r2:route(batch("rr"))
local again = r2:route(batch("rr"))
-- state after the first pass: next = R3 (index 2); counts on 06-03 R1 1, R2 1
-- R01 (06-02, new bucket): R3 inactive, R1 -> next R2; R02 R2; R03: R3, R1 (2nd
-- on 06-02); R04 R2; R05 overflow; R06 (06-03: bucket changed back, counts reset) R1; R07 R2
t:eq(owners(again), "R01=R1 R02=R2 R03=R1 R04=R2 R05=Overflow R06=R1 R07=R2",
     "second pass continues the pointer")

-- ---- save and restore: first half, save, new router, load, second half ---
local first = batch("rr"):where{ { "created_at", "<", revl.datetime("2025-06-02T11:30:00Z") } }
local second = batch("rr"):where{ { "created_at", ">=", revl.datetime("2025-06-02T11:30:00Z") } }
t:eq(#first, 3, "first half")
t:eq(#second, 4, "second half")
local ra = rr_router()
local h1 = ra:route(first)
local path = ra:save_state("state/rr.json")
t:ok(path:match("state/rr%.json$"), "state written under --out")
local rb = rr_router():load_state("state/rr.json")
local h2 = rb:route(second)
t:eq(owners(h1) .. " " .. owners(h2), owners(res), "save/restore == all at once")
-- the state round-trips exactly
local st = rb:state()
t:eq(st.router, "rr", "state names its router")
t:eq(st.routed, 7, "routed count carried over")
t:eq(st.pools["team:AE East"].next, "R3", "pointer: R3 is tried next")
t:eq(st.reps.R1.day[1], "2025-06-03", "day bucket of R1")
t:eq(st.reps.R1.day[2], 1, "day count of R1")
t:eq(st.reps.R1.count, 3, "total count of R1")
t:eq(st.reps.R1.week[1], "2025-06-02", "week bucket starts on Monday")
t:eq(st.reps.R1.month[1], "2025-06-01", "month bucket")
t:eq(st.last.id, "R07", "last routed record")
t:err(function() revl.router{ name = "other", rules = { { team = "AE East" } } }:load_state("state/rr.json") end,
      "state is for router 'rr', not 'other'", "state of another router")
t:err(function() rr_router():load_state("state/none.json") end, "cannot read", "missing state file")
-- a state naming a pool the router lacks fails and leaves the state as it was
local rc = rr_router()
rc:route(first)
local before = rc:state()
local bad = rb:state()
bad.pools["rule:nope"] = {}
t:err(function() rc:set_state(bad) end, "pool 'rule:nope' is not in this router", "unknown pool")
t:eq(rc:state().reps.R1.count, before.reps.R1.count, "failed load changes nothing")
t:eq(rc:state().routed, 3, "failed load changes nothing (2)")

-- ---- lowest count (no caps): ties go to the first in pool order -----------
local low = revl.router{ name = "low", rules = { { team = "AE East", mode = "lowest" } } }:route(batch("rr"))
t:eq(owners(low), "R01=R1 R02=R2 R03=R1 R04=R2 R05=R1 R06=R2 R07=R1", "lowest count")
t:eq(low:get("R02").considered, 2, "lowest considers every eligible member")
t:eq(low:get("R02").skipped, "R3: inactive", "and logs the skipped ones")

-- ---- weighted: smooth weighted round robin, R1 3 : R2 1 ------------------
-- running weights: (3,1) R1 -> (-1,1); (2,2) tie R1 -> (-2,2); (1,3) R2 ->
-- (1,-1); (4,0) R1 -> (0,0); then it repeats: R1 R1 R2
local w = revl.router{ name = "w", rules = { { name = "weighted", pool = { R1 = 3, R2 = 1 } } } }
local wres = w:route(batch("rr"))
t:eq(owners(wres), "R01=R1 R02=R1 R03=R2 R04=R1 R05=R1 R06=R1 R07=R2", "weighted 3:1")
t:eq(wres:get(1).strategy, "weighted", "weighted strategy")
-- weights from a reps column: capacity R6 5, R7 5 -> alternate
local wc = revl.router{ name = "wc", rules = { { team = "SDR", mode = "weighted", weights = "capacity" } } }
t:eq(owners(wc:route(batch("rr"))), "R01=R6 R02=R7 R03=R6 R04=R7 R05=R6 R06=R7 R07=R6",
     "weights from a reps column")
-- weighted state round-trips
local wa = revl.router{ name = "w", rules = { { name = "weighted", pool = { R1 = 3, R2 = 1 } } } }
wa:route(first)
wa:save_state("state/w.json")
local wb = revl.router{ name = "w", rules = { { name = "weighted", pool = { R1 = 3, R2 = 1 } } } }
wb:load_state("state/w.json")
t:eq(owners(wb:route(second)), "R04=R1 R05=R1 R06=R1 R07=R2", "weighted save/restore")

-- ---- out of office and inactive reps; every candidate skipped -------------
-- AE EMEA = R4 (out until 2025-06-03), R5.  E01 06-02, E02 06-03, E03 06-04
local emea = revl.router{ name = "emea", rules = { { team = "AE EMEA" } } }:route(batch("emea"))
t:eq(owners(emea), "E01=R5 E02=R5 E03=R4", "out of office until a date, inclusive")
t:eq(emea:get("E02").skipped, "R4: out of office until 2025-06-03", "ooo reason")
local gone = revl.router{ name = "gone", rules = { { name = "ghosts", pool = { "R3", "R8" } } },
                          fallback = "Nobody home" }:route(batch("emea"))
t:eq(owners(gone), "E01=Nobody home E02=Nobody home E03=Nobody home", "all reps out -> fallback")
t:eq(gone:get(1).skipped, "R3: inactive; R8: inactive", "why each was skipped")
-- the fallback may be a rep
local fb = revl.router{ name = "fb", rules = { { pool = { "R4" } } }, fallback = "R7" }:route(batch("emea"))
t:eq(owners(fb), "E01=R7 E02=R7 E03=R4", "fallback rep")
t:eq(fb:get(1).kind, "rep", "fallback rep is a rep")
-- overflow = "next": skipped candidates pass the record to the next rule
local ov = revl.router{ name = "ov", rules = {
  { name = "dan", owner = "R4", overflow = "next" },
  { name = "sdr", team = "SDR" } } }:route(batch("emea"))
t:eq(owners(ov), "E01=R6 E02=R7 E03=R4", "overflow to the next rule")

-- ---- week caps: weeks start on Monday (UTC days) ---------------------------
-- K01 Sat 06-07, K02 Sun 06-08, K03 Sun 06-08 23:59:59, K04 Mon 06-09 00:00
local wk = revl.router{ name = "wk", caps = { week = { R6 = 2 } },
                        rules = { { pool = { "R6" } } } }:route(batch("week"))
t:eq(owners(wk), "K01=R6 K02=R6 K03=Unassigned K04=R6", "week cap resets on Monday")
t:eq(wk:get("K03").skipped, "R6: week cap 2 reached", "week cap reason")
-- with a calendar in New York, K04 (Mon 00:00 UTC) is still Sunday evening
local ny = revl.calendar{ timezone = "America/New_York" }
local wk2 = revl.router{ name = "wk2", calendar = ny, caps = { week = { R6 = 2 } },
                         rules = { { pool = { "R6" } } } }:route(batch("week"))
t:eq(owners(wk2), "K01=R6 K02=R6 K03=Unassigned K04=Unassigned", "cap days on the calendar's zone")
-- month caps and a default
local mo = revl.router{ name = "mo", caps = { month = { default = 1, R7 = 2 } },
                        rules = { { team = "SDR" } } }:route(batch("rr"))
t:eq(owners(mo), "R01=R6 R02=R7 R03=R7 R04=Unassigned R05=Unassigned R06=Unassigned R07=Unassigned",
     "month caps with a default")

-- ---- territory: nested maps, a default, no entry -------------------------
local terr = revl.router{ name = "terr", rules = {
  { name = "geo", territory = { country = {
      US = "AE East", GB = "AE EMEA", DE = "AE EMEA",
      CA = { source = { Partner = "SDR" }, default = "AE East" } } } } } }
local tr = terr:route(batch("terr"))
-- T01 US east R1; T02 GB emea: R4 out -> R5; T03 CA Partner -> SDR R6;
-- T04 CA Web -> east R2; T05 JP -> no territory -> fallback; T06 DE emea:
-- R4 (still out) -> R5
t:eq(owners(tr), "T01=R1 T02=R5 T03=R6 T04=R2 T05=Unassigned T06=R5", "territories")
t:eq(tr:get("T03").team, "SDR", "team of the territory")
t:eq(tr:get("T05").trail[1].reason, "no_territory", "no territory entry")
t:eq(tr:get("T04").strategy, "territory", "territory strategy")
-- a territory default and lowest mode within the team
local terr2 = revl.router{ name = "terr2", rules = {
  { territory = { country = { GB = "AE EMEA" }, default = "SDR" }, mode = "lowest" } } }
-- T01 US -> SDR R6 (tie, first); T02 GB -> EMEA: R4 out, R5; T03 SDR R7
-- (R6 has 1); T04 R6 (1:1 tie); T05 R7; T06 DE -> SDR R6 (2:2 tie)
t:eq(owners(terr2:route(batch("terr"))), "T01=R6 T02=R5 T03=R7 T04=R6 T05=R7 T06=R6",
     "territory default + lowest count")

-- ---- owner field ----------------------------------------------------------
-- O01 owner R6; O02 no owner; O03 owner R99 (no such rep); O04 owner R3 (inactive)
local own = revl.router{ name = "own", rules = {
  { name = "owner", owner_field = "owner" },
  { name = "nurture", queue = "Nurture" } } }:route(batch("own"))
t:eq(owners(own), "O01=R6 O02=Nurture O03=Nurture O04=Unassigned", "owner field")
t:eq(own:get("O02").trail[1].reason, "no_owner_value", "empty owner passes on")
t:eq(own:get("O03").trail[1].text, "rule 'owner': owner 'R99' is not a rep", "unknown owner passes on")
t:eq(own:get("O04").skipped, "R3: inactive", "inactive owner skipped")
-- criteria choose the rule; functions are the escape hatch
local crit = revl.router{ name = "crit", rules = {
  { name = "partners", when = { source = "Partner" }, queue = "Partners" },
  { name = "gb", when = function(l) return l.country == "GB" end, owner = "R5" },
  { name = "rest", when = { any = { { "country", "=", "US" }, { "country", "in", { "DE", "JP" } } } },
    team = "SDR" } } }
local cr = crit:route(batch("terr"))
t:eq(owners(cr), "T01=R6 T02=R5 T03=Partners T04=Unassigned T05=R7 T06=R6", "criteria and functions")
t:eq(cr:get("T04").trail[1].text, "rule 'partners': criteria not met", "rules tried are logged")
t:eq(#cr:get("T04").trail, 4, "three rules tried, then the fallback")

-- patterns (matches) are evaluated through Lua's string.find
local pat = revl.router{ name = "pat", rules = {
  { name = "acme", when = { { "email", "matches", "@acme%.com$" } }, queue = "Acme desk" } } }
local pr = pat:route(batch("match"))
t:eq(pr:get("M01").owner, "Acme desk", "matches")
t:eq(pr:get("M02").owner, "Unassigned", "no match")
-- ... the string.find of start-up: replacing it changes no rule (a new
-- router, since one remembers what its patterns made of each value)
local pat2 = revl.router{ name = "pat2", rules = {
  { name = "acme", when = { { "email", "matches", "@acme%.com$" } }, queue = "Acme desk" } } }
local find = string.find
string.find = function() return 1 end
local pr2 = pat2:route(batch("match"))
string.find = find
t:eq(pr2:get("M02").owner, "Unassigned", "matches ignores a replaced string.find")

-- ---- outputs ----------------------------------------------------------------
local fr = res:frame()
t:eq(#fr, 7, "frame rows")
t:eq(fr.columns[1], "id", "frame columns")
local bo = res:by_owner()
t:eq(bo[1].owner, "R1", "by_owner: most first")
t:eq(bo[1].n, 3, "by_owner count")
t:eq(bo[1].name, "Ann Lee", "by_owner name")
local br = res:by_rule()
t:eq(br[1].rule, "east", "by_rule")
t:eq(br[2].rule, "fallback", "by_rule fallback")
local p = res:to_csv("routing.csv")
t:ok(p:match("routing%.csv$"), "to_csv")

-- a view of another table is refused
t:err(function() rr_router():route(revl.deals) end, "routes leads, not deals", "wrong table")
-- errors in a Lua criterion name the record
t:err(function()
  revl.router{ name = "boom", rules = { { when = function(l) if l.id == "R03" then error("bad lead") end end,
                                          queue = "x" } } }:route(batch("rr"))
end, "leads%[R03%]: .*bad lead", "callback errors name the record")

return t:done()
