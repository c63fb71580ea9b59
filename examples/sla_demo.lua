-- examples/sla_demo.lua -- speed to lead in business hours, compliance by owner.
--
--   build/revl run examples/sla_demo.lua --data examples/data --as-of 2026-01-01 --out examples/out
--
-- The clock starts when the lead is created (or becomes an MQL) and stops
-- at its first call, email or meeting; only business hours of the
-- calendar count.  rules/sla.lua ships the same SLA (`require("sla")`).
local cal = revl.calendar {
  timezone = "America/New_York",
  hours = { "09:00", "17:00" },
  days = { "Mon", "Tue", "Wed", "Thu", "Fri" },
  holidays = { "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25", "2026-01-01" },
}

local sla = revl.sla {
  name = "first touch",
  records = "leads",
  calendar = cal,
  stop = { activity = { "call", "email", "meeting" } },
  targets = {
    { kind = "inbound", when = { source = "Inbound" }, hours = 8 },
    { kind = "mql", when = { { "mql_at", "exists" } }, start = "mql_at", hours = 16 },
    { kind = "other", hours = 40 },
  },
}

local ledger = sla:ledger()
print(("%d leads measured on %s"):format(#ledger, tostring(cal)))
print("")
print("compliance by owner")
revl.show(sla:compliance(ledger, "owner"))
print("")
print("compliance by team")
revl.show(sla:compliance(ledger, "team"))
print("")
print("the five slowest answered leads")
local answered = ledger:where(function(r) return r.stop ~= nil end):sort_by("minutes", true):limit(5)
revl.show(answered, { rows = 5 })
ledger:to_csv("sla_ledger.csv")
