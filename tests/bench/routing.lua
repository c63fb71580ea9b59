-- tests/bench/routing.lua -- timings of the rules engine, part 2 (not part
-- of `make test`).  Data: 100k leads, 500 reps.
--
--   build/revl gen --out /tmp/bench100k --deals 200000 --leads 100000 --reps 500 --seed 1 --as-of 2026-01-01
--   build/revl run tests/bench/routing.lua --data /tmp/bench100k --as-of 2026-01-01 --out /tmp/bench-out
--
-- Each figure is CPU time (os.clock) of the call alone; the routing
-- target is 0.3 s for 100k leads with round robin and caps.
local function time(label, fn)
  local best, res = math.huge, nil
  for _ = 1, 3 do
    collectgarbage()
    local t0 = os.clock()
    res = fn()
    local dt = os.clock() - t0
    if dt < best then best = dt end
  end
  print(("%-52s %7.3f s"):format(label, best))
  return res
end

local leads = revl.leads
print(("%d leads, %d reps, %d accounts, %d activities"):format(#leads, #revl.reps, #revl.accounts,
      #revl.activities))

local function rr_router()
  return revl.router {
    name = "bench rr",
    caps = { day = "capacity", week = 200 },
    rules = { { name = "sdr", team = "SDR" } },
  }
end
time("round robin + day/week caps (SDR team)", function() return rr_router():route(leads) end)

local function terr_router()
  return revl.router {
    name = "bench territory",
    caps = { day = "capacity" },
    rules = {
      { name = "partners", when = { source = "Partner" }, queue = "Partner desk" },
      { name = "geo", territory = { country = {
          US = "AE East", CA = "AE East", BR = "AE West", MX = "AE West", AR = "AE West",
          GB = "AE EMEA", DE = "AE EMEA", FR = "AE EMEA", NL = "AE EMEA",
          AU = "AE APAC", JP = "AE APAC", SG = "AE APAC", IN = "AE APAC" } }, overflow = "next" },
      { name = "sdr", team = "SDR", mode = "lowest" },
    },
  }
end
time("criteria + territory RR + lowest count + caps", function() return terr_router():route(leads) end)

time("weighted pool (capacity weights) + caps", function()
  return revl.router { name = "w", caps = { day = "capacity" },
                       rules = { { team = "SDR", mode = "weighted", weights = "capacity" } } }:route(leads)
end)

local acct = revl.router { name = "acct", caps = { day = "capacity" },
                           rules = { { name = "account", account_owner = true, overflow = "next" },
                                     { name = "sdr", team = "SDR" } } }
time("account matching (domain/email/company) + RR", function()
  acct:reset()
  return acct:route(leads)
end)

local res = rr_router():route(leads)
time("assignments frame (Lua rows, no trails)", function() return res:frame() end)
time("assignments to_csv", function() return res:to_csv("bench_routing.csv") end)

local ny = revl.calendar { timezone = "America/New_York" }
local sla = revl.sla { name = "bench", calendar = ny, stop = { activity = { "call", "email", "meeting" } },
                       targets = { { kind = "mql", when = { { "mql_at", "exists" } }, start = "mql_at", hours = 16 },
                                   { kind = "lead", hours = 40 } } }
time("SLA ledger, business hours in New York", function() return sla:ledger() end)

local funnel = revl.funnel { name = "bench", records = "deals", terminal = { "Closed Lost" },
  stages = { { name = "Prospecting", sla_days = 30 }, { name = "Discovery", entry = { { "amount", ">", 0 } } },
             { name = "Demo" }, { name = "Proposal" }, { name = "Negotiation" },
             { name = "Closed Won", entry = { is_won = true } } } }
time(("funnel audit of %d deals"):format(#revl.deals), function() return funnel:audit() end)
