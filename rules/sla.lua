-- rules/sla.lua -- response-time SLAs shipped with revl: how fast leads
-- get a first touch, in business time.
--
-- Targets, first match wins (leads shaped like `revl gen` data):
--   inbound   source Inbound or Event (hand raisers)   1 business day (8 hours)
--   mql       an MQL (mql_at set; clock from mql_at)    2 business days (16 hours)
--             (left out when the leads have no mql_at)
--   other     every other lead                          5 business days (40 hours)
-- The clock starts at created_at (mql_at for MQLs) and stops at the
-- first call, email or meeting logged on the lead at or after the start
-- (activities.lead_id).  Business time is counted on a calendar, by
-- default New York, 09:00-17:00, Monday to Friday, with US federal
-- holidays of 2025 and 2026.  A clock still running at the end of the
-- as-of day is "open" (and "open_breached" once past its target).
--
-- As a module:
--   local slas = require("sla")
--   local s = slas.speed_to_lead{calendar = revl.calendar{timezone = "Europe/London"}}
--   local ledger = s:ledger()                       -- one row per lead measured
--   s:compliance(ledger, "owner"):to_csv("sla_by_owner.csv")
--
-- As a playbook (prints compliance by owner and team, writes OUT/sla_*.csv):
--   revl run rules/sla.lua --data DIR --as-of DATE --out OUT
local M = {}

M.US_HOLIDAYS = {
  "2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
  "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25",
  "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
  "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
}

function M.calendar()
  return revl.calendar {
    timezone = "America/New_York",
    hours = { "09:00", "17:00" },
    days = "Mon-Fri",
    holidays = M.US_HOLIDAYS,
  }
end

-- opts: calendar, targets (replace the defaults), stop (activity types)
function M.speed_to_lead(opts)
  opts = opts or {}
  local has_mql = false
  for _, c in ipairs(revl.leads:columns()) do if c == "mql_at" then has_mql = true end end
  local targets = opts.targets
  if not targets then
    targets = { { kind = "inbound", when = { source = { "Inbound", "Event" } }, hours = 8 } }
    if has_mql then
      targets[#targets + 1] = { kind = "mql", when = { { "mql_at", "exists" } }, start = "mql_at", hours = 16 }
    end
    targets[#targets + 1] = { kind = "other", hours = 40 }
  end
  return revl.sla {
    name = "speed to lead",
    records = "leads",
    calendar = opts.calendar or M.calendar(),
    owner = "owner",
    start = "created_at",
    stop = { activity = opts.stop or { "call", "email", "meeting" } },
    targets = targets,
  }
end

function M.run(opts)
  local s = M.speed_to_lead(opts)
  local ledger = s:ledger()
  local breached = 0
  for _, r in ipairs(ledger) do if r.breached then breached = breached + 1 end end
  print(("%s: %d leads measured on %s, %d breached"):format(s.name, #ledger,
        tostring(s.calendar), breached))
  print("")
  print("compliance by kind")
  revl.show(s:compliance(ledger, "kind"))
  print("")
  print("compliance by team")
  revl.show(s:compliance(ledger, "team"))
  print("")
  print("compliance by owner")
  local by_owner = s:compliance(ledger, "owner")
  revl.show(by_owner, { rows = 40 })
  ledger:to_csv("sla_ledger.csv")
  by_owner:to_csv("sla_by_owner.csv")
  return ledger
end

if select("#", ...) == 0 then M.run() end
return M
