-- examples/pipeline_test.lua -- cases for examples/pipeline.lua, run by
-- `revl test examples` (as of 2025-06-30: the quarter is Q2 2025).  The
-- example prints its review; the cases read the printed lines.
local REPS = {{id = "R1", name = "Ann", team = "AE East", role = "AE", capacity = 5, active = true},
              {id = "R2", name = "Bob", team = "AE West", role = "AE", capacity = 5, active = true}}
local ACCOUNTS = {{id = "A1", name = "Acme"}, {id = "A2", name = "Globex"}}

local function review(deals)
  revl.fixture{reps = REPS, accounts = ACCOUNTS, deals = deals}
  return revl.playbook("pipeline")
end

-- the line of the output starting with text
local function line(pb, text)
  for _, l in ipairs(pb.lines) do if l:sub(1, #text) == text then return l end end
end

local DEALS = {
  {id = "D1", account_id = "A1", owner = "R1", stage = "Demo", amount = "$10,000", close_date = "2025-06-20",
   forecast_category = "Best Case"},
  {id = "D2", account_id = "A1", owner = "R1", stage = "Negotiation", amount = "$20,000", close_date = "2025-06-25",
   forecast_category = "Commit"},
  {id = "D3", account_id = "A2", owner = "R1", stage = "Closed Won", amount = "$5,000", close_date = "2025-05-10",
   forecast_category = "Closed"},
  {id = "D4", account_id = "A2", owner = "R1", stage = "Closed Lost", amount = "$7,000", close_date = "2025-04-10",
   forecast_category = "Omitted"},
  {id = "D5", account_id = "A2", owner = "R2", stage = "Closed Won", amount = "$3,000", close_date = "2025-03-01",
   forecast_category = "Closed"},
  {id = "D6", account_id = "A2", owner = "R2", stage = "Demo", amount = "$1,000", close_date = "2025-09-30",
   forecast_category = "Pipeline"},
}

revl.test("open pipeline by stage adds up", function(t)
  local pb = review(DEALS)
  t:ok(pb.output:find("Pipeline review as of 2025-06-30: 6 deals, 2 accounts, 2 reps", 1, true), "header")
  local demo = line(pb, "Demo ")
  t:ok(demo and demo:find("2") and demo:find("11,000", 1, true), "Demo: 2 deals, $11,000 -- got " .. tostring(demo))
  local total = line(pb, "total ")
  t:ok(total and total:find("31,000", 1, true), "open total $31,000 -- got " .. tostring(total))
end)

revl.test("forecast roll-up is cumulative: Closed, + Commit, + Best Case", function(t)
  local pb = review(DEALS)
  t:ok(line(pb, "Closed "):find("5,000", 1, true), "Closed: the Q2 win")
  t:ok(line(pb, "Commit "):find("25,000", 1, true), "Commit: 5,000 + 20,000")
  t:ok(line(pb, "Best Case "):find("35,000", 1, true), "Best Case: + 10,000")
  -- D6 closes in Q3: the Pipeline line stays at 35,000
  t:ok(line(pb, "Pipeline   "):find("35,000", 1, true), "Pipeline")
end)

revl.test("win rate by owner over the last 365 days", function(t)
  local pb = review(DEALS)
  local r1 = line(pb, "R1 (AE East)")
  t:ok(r1 and r1:find("50.0%", 1, true), "R1 won 1 of 2 -- got " .. tostring(r1))
  local r2 = line(pb, "R2 (AE West)")
  t:ok(r2 and r2:find("100.0%", 1, true), "R2 won 1 of 1 -- got " .. tostring(r2))
end)

revl.test("open deals past their close date need attention", function(t)
  local pb = review(DEALS)
  t:ok(pb.output:find("2 overdue deals", 1, true), "D1 and D2 are overdue")
  local d2 = line(pb, "D2 A1")
  t:ok(d2 and d2:find(" 5 ", 1, true), "D2 is 5 days late -- got " .. tostring(d2))
end)
