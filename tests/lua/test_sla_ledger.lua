-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- SLAs: first response measured in business time on a New York calendar
-- (09:00-17:00 Mon-Fri), the breach ledger and compliance by owner/team.
-- "Now" is the end of the as-of day: 2025-06-11T00:00:00Z (20:00 EDT).
local t = revl.testing("sla ledger")

local ny = revl.calendar { timezone = "America/New_York", hours = { "09:00", "17:00" }, days = "Mon-Fri" }
local sla = revl.sla {
  name = "speed to lead",
  calendar = ny,
  stop = { activity = { "call", "email", "meeting" } },
  targets = {
    { kind = "inbound", when = { source = "Inbound" }, minutes = 5 },
    { kind = "mql", when = { { "mql_at", "exists" } }, start = "mql_at", hours = 24 },
  },
}
local ledger = sla:ledger(revl.leads:where { batch = "sla" })
local by = ledger:index("record")
t:eq(#ledger, 6, "S06 (no kind matches) is not measured")
t:eq(by.S06, nil, "S06 absent")

-- S01 created Mon 09:00 EDT; the first of an email (13:02Z) and a call
-- (13:04Z) stops the clock after 2 minutes
t:eq(by.S01.minutes, 2, "S01 minutes")
t:eq(by.S01.status, "met", "S01 met")
t:eq(by.S01.activity, "T8", "S01 stopped by the first activity")
t:eq(by.S01.target_minutes, 5, "target in minutes")
t:eq(by.S01.kind, "inbound", "kind")
t:eq(by.S01.owner, "R6", "owner")
t:eq(by.S01.team, "SDR", "team through the owner")
-- S02 created 16:58 EDT, answered 09:04 next day: 2 + 4 business minutes
t:eq(by.S02.minutes, 6, "S02 overnight")
t:eq(by.S02.breached, true, "S02 breached")
-- S03 created on Saturday, answered Monday 09:03: 3 minutes
t:eq(by.S03.minutes, 3, "S03 weekend not counted")
t:eq(by.S03.status, "met", "S03 met")
-- S04 only a web visit: still open; Mon 10:00 .. Tue 06-10 17:00 EDT =
-- 420 + 4 x 480 + 480 + 480 = 3300
t:eq(by.S04.stop, nil, "S04 open")
t:eq(by.S04.minutes, 3300, "S04 open minutes to now")
t:eq(by.S04.status, "open_breached", "S04 open and past its target")
t:eq(by.S04.breached, true, "open past target is breached")
-- S05 an MQL (Web source): mql_at Tue 09:00 EDT, meeting Wed 16:00 EDT: 480 + 420
t:eq(by.S05.kind, "mql", "S05 kind")
t:eq(by.S05.minutes, 900, "S05 minutes")
t:eq(by.S05.target_minutes, 24 * 60, "24 business hours")
t:eq(by.S05.status, "met", "S05 met")
t:eq(tostring(by.S05.start), "2025-06-03T13:00:00Z", "start from mql_at")
-- S07: a call before the lead was created does not count; email at 13:30Z
t:eq(by.S07.minutes, 20, "S07 activity before the start ignored")
t:eq(by.S07.status, "breached", "S07 breached")

-- compliance by owner: met / (met + breached)
local co = sla:compliance(ledger, "owner"):index("owner")
t:eq(co.R6.records, 3, "R6 records")
t:eq(co.R6.met, 1, "R6 met")
t:eq(co.R6.breached, 2, "R6 breached")
t:eq(co.R6.compliance, 0.3333, "R6 compliance")
t:eq(co.R6.median_minutes, 6, "R6 median of 2, 6, 20")
t:eq(co.R7.met, 2, "R7 met")
t:eq(co.R7.open_breached, 1, "R7 open past target")
t:eq(co.R7.compliance, 1.0, "R7 compliance over closed clocks")
t:eq(co.R7.median_minutes, 451.5, "R7 median of 3 and 900")
local team = sla:compliance(ledger, "team")
t:eq(#team, 1, "one team")
t:eq(team[1].team, "SDR", "SDR")
t:eq(team[1].compliance, 0.6, "SDR compliance 3/5")
local kind = sla:compliance(ledger, "kind"):index("kind")
t:eq(kind.inbound.compliance, 0.5, "inbound 2/4")
t:eq(kind.mql.compliance, 1.0, "mql 1/1")
t:eq(sla:compliance(ledger).columns[1], "owner", "by owner by default")

-- around the clock (no calendar), a field as the stop
local raw = revl.sla {
  name = "to mql",
  targets = { { kind = "lead", when = { batch = "sla" }, stop = "mql_at", days = 3 } },
}
local rl = raw:ledger():index("record")
-- S05: 06-01 12:00Z -> 06-03 13:00Z = 2 days 1 hour
t:eq(rl.S05.minutes, 2 * 1440 + 60, "24x7 minutes")
t:eq(rl.S05.status, "met", "3-day target met")
t:eq(rl.S01.status, "open_breached", "S01 never became an MQL")

-- an earlier "now": S04 has been open one business hour
local early = sla:ledger(revl.leads:where { batch = "sla" }, { now = revl.datetime("2025-06-02T15:00:00Z") })
local e4 = early:index("record").S04
t:eq(e4.minutes, 60, "open one hour at 'now'")
t:eq(e4.status, "open_breached", "past 5 minutes")
t:eq(early:index("record").S02.status, "open", "S02's answer is after 'now'")

-- output
local p = ledger:to_csv("sla.csv")
t:ok(p:match("sla%.csv$"), "ledger to_csv")

-- bad definitions
t:err(function() revl.sla { targets = { { kind = "x", minutes = 5 } } } end, "no stop", "no stop")
t:err(function() revl.sla { stop = "mql_at", targets = { { kind = "x", start = "created", minutes = 5 } } } end,
      "leads has no column 'created'", "unknown start field")
t:err(function() revl.sla { stop = "mql_at", targets = { { kind = "x", minutes = -5 } } } end,
      "minutes must be a number > 0", "negative target")
t:err(function() revl.sla { stop = "mql_at", targets = { { kind = "x", minutes = 5, hours = 1 } } } end,
      "one of minutes, hours or days", "two units")
t:err(function() revl.sla { stop = { activity = { 5 } }, targets = { { kind = "x", minutes = 5 } } } end,
      "must be text", "activity types are text")
t:err(function() revl.sla { stop = "email", targets = { { kind = "x", minutes = 5 } } } end,
      "'email' is string, not a datetime", "stop field must be a datetime")
t:err(function() revl.sla { stop = "mql_at", targets = { { kind = "x", minutes = 5, when = { nope = 1 } } } } end,
      "leads has no column 'nope'", "unknown field in when")

return t:done()
