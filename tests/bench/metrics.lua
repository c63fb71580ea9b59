-- tests/bench/metrics.lua -- revl.metrics costs after load (targets on
-- 1M deals, 200k accounts, 500 reps: weighted pipeline by owner <= 20 ms;
-- win rate + sales cycle by owner <= 30 ms; NRR over the subscriptions
-- <= 50 ms; duplicate accounts <= 1 s).  Not part of `make test`:
--   build/revl gen --out /tmp/mbench --deals 1000000 --accounts 200000 --reps 500 --seed 1
--   build/revl run tests/bench/metrics.lua --data /tmp/mbench --as-of 2026-01-01
local M = revl.metrics
local clock = os.clock

-- best of n runs, in milliseconds
local function best(f, n)
  local b = math.huge
  for _ = 1, n or 5 do
    local t0 = clock()
    f()
    local dt = clock() - t0
    if dt < b then b = dt end
  end
  return b * 1000
end

local function line(what, ms, target, extra)
  print(("%-44s %8.1f ms  (target <= %d ms)%s"):format(what, ms, target, extra or ""))
end

local deals, subs, accounts = revl.deals, revl.subscriptions, revl.accounts
print(("data: %d deals, %d subscription rows, %d accounts"):format(#deals, #subs, #accounts))

-- the generator writes no probability column: stage probabilities
local probs = { Prospecting = 0.1, Discovery = 0.2, Demo = 0.4, Proposal = 0.6,
                Negotiation = 0.8 }
local f
line("weighted_pipeline by owner (stage table)",
     best(function() f = M.weighted_pipeline(deals, { by = "owner", probabilities = probs }) end),
     20, ("  %d owners"):format(#f))

-- two years of closed deals
local opts = { by = "owner", from = "2024-01-01", to = "2025-12-31" }
line("win_rate + sales_cycle by owner (2 years)",
     best(function()
       M.win_rate(deals, opts)
       f = M.sales_cycle(deals, opts)
     end), 30, ("  %d owners"):format(#f))
line("performance by owner (one pass, 2 years)",
     best(function() f = M.performance(deals, opts) end), 30)

line("nrr, trailing 12 months",
     best(function() f = M.nrr(subs) end), 50,
     ("  NRR %.4f over %d customers"):format(f[1].nrr or 0, f[1].customers_start))

local s
line("duplicates over accounts (domain + name)",
     best(function() f, s = M.duplicates(accounts) end, 3), 1000,
     ("  %d clusters, %d accounts in them"):format(s.clusters, s.clustered))

-- the rest, for reference
line("forecast by owner (current quarter)", best(function() M.forecast(deals, { by = "owner" }) end), 30)
line("mrr by month, 12 periods", best(function() M.mrr(subs, { period = "month", periods = 12 }) end, 3), 1000)
line("stage_conversion", best(function() M.stage_conversion(deals) end, 3), 1000)
line("attribution (all models, 2 years)",
     best(function() M.attribution(deals, { from = "2024-01-01", to = "2025-12-31" }) end, 3), 1000)
