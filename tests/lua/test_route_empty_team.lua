-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- A team with no reps: the rule does not apply (reason empty_team in the
-- trail) and the record goes on to the next rule, then the fallback.  A
-- team whose reps are all inactive, out of office or at a cap is not
-- empty: its rule is exhausted as before (fallback, or the next rule with
-- overflow = "next").  Expectations worked out from route_basic's CSVs:
-- the terr batch is T01 US, T02 GB, T03 CA, T04 CA, T05 JP, T06 DE;
-- SDR is R6, R7; APAC is R8 (inactive); no rep is in "AE Canada".
local t = revl.testing("route: empty teams")
local terr = revl.leads:where{batch = "terr"}

local function by_id(res)
  local m = {}
  for _, a in ipairs(res:rows()) do m[a.id] = a end
  return m
end

local function events(a)
  local out = {}
  for _, e in ipairs(a.trail) do out[#out + 1] = e.event .. (e.reason and (":" .. e.reason) or "") end
  return table.concat(out, " ")
end

-- ---- a territory's team with no reps falls through to the next rule ------
local r1 = revl.router {
  name = "geo",
  rules = {
    { name = "geo", territory = { country = { US = "AE East", CA = "AE Canada" } } },
    { name = "canada", when = { country = "CA" }, team = "SDR" },
  },
  fallback = "Overflow",
}
local res = r1:route(terr)
local m = by_id(res)
t:eq(m.T01.owner, "R1", "US: AE East takes it")
t:eq(m.T03.rule, "canada", "CA: the empty team falls through to the next rule")
t:eq(m.T03.owner, "R6", "CA: SDR round robin, first")
t:eq(m.T04.owner, "R7", "CA: SDR round robin, second")
local a3 = res:get("T03")
t:eq(events(a3), "team not_applicable:empty_team chosen", "CA trail: team, empty, then chosen")
t:eq(a3.trail[2].text, "rule 'geo': team 'AE Canada' has no reps", "the reason in words")
t:eq(a3.trail[3].rule, "canada", "chosen by the next rule")
t:eq(m.T05.owner, "Overflow", "JP: no territory, not CA: fallback")

-- ---- no later rule: the fallback, with the reason -------------------------
local r2 = revl.router {
  name = "ghosts",
  rules = { { name = "ghosts", team = "Nobody Here" } },
  fallback = "Overflow",
}
local a = r2:route(terr):get("T01")
t:eq(a.owner, "Overflow", "empty team, last rule: the fallback queue")
t:eq(a.rule, "fallback", "decided by the fallback")
t:eq(events(a), "not_applicable:empty_team fallback", "trail: empty team, then fallback")
t:eq(a.considered, 0, "no candidate considered")

-- ---- no fallback given: the Unassigned queue, not a crash -------------------
local r3 = revl.router { name = "bare", rules = { { name = "only", team = "Nobody Here" } } }
local res3 = r3:route(terr)
t:eq(#res3, 6, "every record routed")
local a1 = res3:get("T01")
t:eq(a1.owner, "Unassigned", "no fallback: the default Unassigned queue")
t:eq(a1.kind, "queue", "a queue, not a rep")
t:eq(a1.trail[1].reason, "empty_team", "with the reason")
local st = r3:state()
t:ok(st.pools["team:Nobody Here"] ~= nil and st.pools["team:Nobody Here"].next == nil,
     "an empty team has no round-robin position")

-- ---- explicit teams = {...} with an empty list is an empty team too ---------
local r4 = revl.router {
  name = "explicit",
  teams = { Empty = {}, Pair = { "R6", "R7" } },
  rules = { { name = "empty", team = "Empty" }, { name = "pair", team = "Pair" } },
}
t:eq(r4:route(terr):get("T01").owner, "R6", "explicit empty team falls through")

-- ---- not empty, no capacity: every rep inactive (APAC: R8) ------------------
local r5 = revl.router {
  name = "apac",
  rules = { { name = "apac", team = "APAC" }, { name = "sdr", team = "SDR" } },
  fallback = "Overflow",
}
local a5 = r5:route(terr):get("T01")
t:eq(a5.owner, "Overflow", "inactive team: exhausted, fallback (as before)")
t:eq(events(a5), "skipped:inactive exhausted fallback", "skip reasons, not empty_team")
local r6 = revl.router {
  name = "apac-next",
  rules = { { name = "apac", team = "APAC", overflow = "next" }, { name = "sdr", team = "SDR" } },
}
t:eq(r6:route(terr):get("T01").owner, "R6", "overflow = next: on to the next rule")

-- ---- still errors -------------------------------------------------------------
local ok, err = pcall(revl.router, { rules = { { name = "p", pool = {} } } })
t:ok(not ok and err:find("pool has no reps", 1, true), "an empty pool list is a definition error")
ok, err = pcall(revl.router, { teams = { A = { "R99" } }, rules = { { team = "A" } } })
t:ok(not ok and err:find("unknown rep id 'R99'", 1, true), "an unknown rep in a team is an error")
ok, err = pcall(revl.router, { teams = { A = { "R1" } }, rules = { { team = "B" } } })
t:ok(not ok and err:find("team 'B' is not in teams", 1, true), "a team missing from teams is an error")

return t:done()
