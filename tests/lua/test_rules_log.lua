-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- Decision logs: revl.log writes OUT/NAME.csv (rows + run_id),
-- OUT/NAME.run.json (the run's metadata) and OUT/NAME.jsonl; the seeded generator is recorded.  The logs are read
-- back by loading the output directory as data.  (tests/cli/rules/
-- log_metadata checks the sha256 against the sha256sum program.)
local t = revl.testing("rules: decision logs")

-- the seeded generator: same seed, same numbers
local g1, g2 = revl.random(42), revl.random(42)
local a, b = {}, {}
for i = 1, 5 do a[i], b[i] = g1:int(1, 1000), g2:int(1, 1000) end
t:eq(table.concat(a, ","), table.concat(b, ","), "deterministic")
t:eq(g1.seed, 42, "seed kept")
local x = revl.random(7):next()
t:ok(x >= 0 and x < 1, "next() in [0, 1)")
t:eq(#revl.random(1):shuffle({1, 2, 3, 4}), 4, "shuffle keeps the elements")
t:ok(revl.random(3):pick({"a"}) == "a", "pick")
t:err(function() revl.random() end, "needs an integer seed", "a seed is required")

-- tables load on first use: the inputs are the files the run has read,
-- in the directory's order whatever the order they were used in
t:eq(#revl.inputs(), 0, "no input before a table is used")
t:eq(#revl.tables(), 7, "revl.tables() names every table, loaded or not")
local _ = revl.usage
local early = revl.inputs()
t:eq(#early, 3, "usage, the accounts it refers to, their owners")
t:eq(early[1].table, "accounts", "directory order: accounts first")
t:eq(early[2].table, "reps", "reps (accounts.owner)")
t:eq(early[3].table, "usage", "then usage")
for _, name in ipairs(revl.tables()) do local _ = revl[name] end
local inputs = revl.inputs()
t:eq(#inputs, 7, "seven input files")
t:eq(inputs[1].table, "accounts", "first input table")
t:eq(inputs[1].file, "tests/lua/rules_data/accounts.csv", "file as loaded")
t:eq(inputs[1].rows, 6, "rows")

local info = revl.run_info()
t:eq(info.playbook, "tests/lua/test_rules_log.lua", "the playbook")
t:ok(info.commit == "unknown" or (#info.commit == 40 and info.commit:match("^%x+$")),
     "commit: 40 hex digits or unknown")
t:ok(info.dirty == "true" or info.dirty == "false" or info.dirty == "unknown", "dirty flag")

local m = revl.icp{name = "log-test", rules = {{"industry", "in", {"Software", "Fintech"}, points = 50},
                                                 {"country", "=", "US", points = 30}}}
local f = m:score()
local csv, jsonl, side = revl.log(f, "icp_log")
t:ok(side:match("/icp_log%.run%.json$"), "sidecar path")
t:ok(csv:match("/icp_log%.csv$"), "csv path")
t:ok(jsonl:match("/icp_log%.jsonl$"), "jsonl path")

local ev = revl.trigger{type = "renewal", when = {renewal_within = 90}}:fire()
revl.log(ev, "events_log", {seed = 99})

t:err(function() revl.log(f, "../x") end, "plain file name", "no paths in log names")

-- a full collection while the CSV is written (a cell's __tostring) must
-- not free the run's JSON that the JSONL and the sidecar are written
-- from next (revl.log once popped it off the stack when the commit was
-- known; AddressSanitizer saw the use after free)
local gc_cell = setmetatable({}, {__tostring = function()
  collectgarbage(); collectgarbage(); return "cell" end})
local rows = {}
for i = 1, 3 do rows[i] = {id = "R" .. i, note = gc_cell} end
local c2, j2, s2 = revl.log(rows, "gc_log")
t:ok(c2:match("/gc_log%.csv$") and j2:match("/gc_log%.jsonl$") and s2:match("/gc_log%.run%.json$"),
     "a collection while a log is written")

-- read the logs back
local out = revl.out_dir()
local ok, err = revl.load(out)
t:ok(ok, "logs load as data: " .. tostring(err))
local log = revl.icp_log
t:eq(#log, 6, "one line per decision")
t:eq(table.concat(log:columns(), ","), "id,fit,tier,label,reasons,run_id",
     "log columns: the frame's, then the run_id that joins the sidecar")
local r1 = log:row(1)
t:eq(r1.id, "A1", "first decision")
t:eq(r1.fit, 80, "decision")
t:eq(r1.reasons, "industry in {Software, Fintech} [Software] +50; country = US [US] +30", "reasons")
t:ok(#r1.run_id == 12 and r1.run_id:match("^%x+$"), "run_id: 12 hex digits")
t:eq(log:row(6).run_id, r1.run_id, "one run_id on every row")
-- the sidecar's content: tests/cli/rules/log_metadata and tests/cli/log/
local ev_log = revl.events_log
t:eq(#ev_log, 2, "events logged")
t:ok(ev_log:row(1).run_id ~= r1.run_id, "another seed, another run_id")
t:eq(ev_log:row(1).reasons, "renewal 2025-08-01 (every 12 months) is in 32 days (at most 90)", "event reasons")
t:eq(ev_log:row(2).account, "A2", "event account")

-- a model keeps the data it was defined on; after a reload it asks to be defined again
t:ok(revl.load("tests/lua/rules_data"), "reload the data")
t:eq(#m:score(), 6, "score() still scores the data it was defined on")
t:err(function() m:score(revl.accounts) end, "defined on another load of accounts", "stale model")

return t:done()
