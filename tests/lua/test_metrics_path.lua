-- revl: --data tests/lua/links --as-of 2025-06-30
-- A funnel across tables (docs/metrics.md "path"): leads -> MQLs (mql.lead_id)
-- -> opportunities (deals.mql_id, declared by mql's referenced_by) -> won.
-- By hand (tests/lua/links):
--   lead created   MQL qualified   opportunities (created)   won (closed)
--   L-1 01-02      M-1 01-10       O-1 01-15, O-2 01-20       O-1 02-01
--   L-2 01-03      M-2 01-12       -                          -
--   L-3 01-20      M-3 02-01       O-3 02-10                  O-3 03-20
--   L-4 02-05      -               -                          -
-- days lead->mql 8, 9, 12 (median 9, mean 29/3); mql->opp (earliest
-- opportunity) 5, 9; opp->won 17, 38.
local t = revl.testing("metrics.path")
local m = revl.metrics
local steps = {
  {"lead", revl.leads, at = "created_at"},
  {"mql", revl.mql, at = "qualified_on"},
  {"opportunity", revl.deals, at = "created_at"},
  {"won", revl.deals:where{is_won = true}, at = "close_date"},
}
local all = m.path(steps, {period = "all"})
t:eq(#all, 1, "one row for all time")
local r = all[1]
t:eq(r.lead, 4, "four leads")
t:eq(r.mql, 3, "three qualified")
t:eq(r.opportunity, 2, "two with an opportunity (L-1 counts once for O-1 and O-2)")
t:eq(r.won, 2, "two won")
t:eq(r.conv_lead_mql, 0.75, "3 of 4")
t:near(r.conv_mql_opportunity, 2 / 3, 1e-12, "2 of 3")
t:eq(r.conv_opportunity_won, 1, "2 of 2")
t:eq(r.conv_lead_won, 0.5, "end to end")
t:eq(r.days_lead_mql, 9, "median lead -> mql")
t:near(r.days_lead_mql_mean, 29 / 3, 1e-12, "mean lead -> mql")
t:eq(r.days_mql_opportunity, 7, "to the earliest opportunity: 5 and 9")
t:eq(r.days_opportunity_won, 27.5, "17 and 38")

-- cohorts by the first step's month; the window is on the first step
local by = m.path(steps, {period = "month", from = "2025-01-01", to = "2025-02-28"}):index("period")
t:eq(by["2025-01"].lead, 3, "January's leads")
t:eq(by["2025-01"].won, 2, "January's leads won (in February and March)")
t:eq(by["2025-02"].lead, 1, "February: L-4")
t:eq(by["2025-02"].mql, 0, "not qualified")
t:eq(by["2025-02"].conv_mql_opportunity_reason, "no mql", "a ratio over nothing says why")

-- a filtered first step, and a link named
local webinar = m.path({
  {"mql", revl.mql:where{source = "webinar"}, at = "qualified_on"},
  {"opportunity", revl.deals, at = "created_at", link = "mql_id"},
}, {period = "all"})
t:eq(webinar[1].mql, 2, "webinar MQLs: M-1, M-3")
t:eq(webinar[1].opportunity, 2, "both became opportunities")

-- the link read the other way: the previous step's rows carry the key
local back = m.path({
  {"opportunity", revl.deals, at = "created_at"},
  {"mql", revl.mql, at = "qualified_on"},
}, {period = "all"})
t:eq(back[1].opportunity, 5, "five deals")
t:eq(back[1].mql, 2, "M-1 counts for O-1 (the first), M-3 for O-3; O-5's M-9 is broken")
t:eq(back[1].days_opportunity_mql, nil, "qualified before the deal: no timed transition")

-- bad input
t:err(function() m.path({steps[1]}) end, "needs a list of 2 to 16 steps, not 1", "one step")
t:err(function() m.path({steps[1], "mql"}) end, "step 2 must be a table", "not a table")
t:err(function() m.path({steps[1], {revl.mql}}) end, "step 2 needs a name", "no name")
t:err(function() m.path({steps[1], {"mql"}}) end, "step 'mql' needs its rows", "no rows")
t:err(function() m.path({steps[1], {"mql", revl.mql}}) end,
      "step 'mql' needs at = 'a date column of mql'", "no at")
t:err(function() m.path({steps[1], {"mql", revl.mql, at = "qualified"}}) end,
      "did you mean 'qualified_on'", "a mistyped column")
t:err(function() m.path({steps[1], {"mql", revl.mql, at = "source"}}) end,
      "mql.source is string, not the type this metric reads", "not a date")
t:err(function() m.path({steps[1], {"mql", revl.mql, at = "qualified_on", lnk = "x"}}) end,
      "unknown option 'lnk' %(did you mean 'link'%?%)", "a mistyped step option")
t:err(function() m.path({steps[1], {"opp", revl.deals, at = "created_at"}}) end,
      "no link joins leads and deals", "tables with no link")
t:err(function() m.path({steps[1], {"mql", revl.mql, at = "qualified_on", link = "source"}}) end,
      "mql.source does not refer to leads", "a link that is not one")
t:err(function() m.path({steps[1], {"mql", revl.mql, at = "qualified_on", link = "led_id"}}) end,
      "link 'led_id' is a column of neither mql nor leads", "a mistyped link")
t:err(function() m.path({steps[1], {"lead", revl.leads, at = "created_at"}}) end,
      "two steps are named 'lead'", "a name twice")
t:err(function() m.path(steps, {peroid = "all"}) end, "unknown option 'peroid'", "a mistyped option")
t:done()
