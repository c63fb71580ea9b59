-- revl: --data tests/lua/data --as-of 2025-06-30
-- revl.report (docs/report.md "Sections from a playbook"): sections are
-- checked and drawn at the call and collected; revl run writes nothing.
local t = revl.testing("report sections")

t:eq(#revl.report.sections(), 0, "no sections yet")
t:eq(revl.report.defaults(), true, "defaults on")

local by_owner = revl.deals:group_by("owner", {n = "count", total = {"sum", "amount"}})
revl.report.section{title = "By owner", chart = {kind = "bar", frame = by_owner, x = "owner", y = "n"}}
local s = revl.report.sections()
t:eq(#s, 1, "one section")
t:eq(s[1].title, "By owner", "title")
t:ok(s[1].html:find('<section id="p1" class="playbook">', 1, true), "section element")
-- one bar per owner, each titled with its count
local bars = 0
for _ in s[1].html:gmatch('<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*"><title>') do bars = bars + 1 end
t:eq(bars, #by_owner, "one bar per row")
for _, r in ipairs(by_owner) do
  t:ok(s[1].html:find("<title>" .. r.owner .. ": " .. r.n .. "</title>", 1, true), "bar of " .. r.owner)
end

-- a waterfall from a playbook's own frame: the running sum closes it
local steps = revl.frame({{k = "start", v = 10}, {k = "up", v = 5}, {k = "down", v = -3}}, {"k", "v"})
revl.report.section{title = "Walk", chart = {kind = "waterfall", frame = steps, x = "k", y = "v"}}
local w = revl.report.sections()[2].html
t:ok(w:find("<title>Total: 12</title>", 1, true), "closing bar is the sum")
t:ok(w:find('<th scope="row">Total</th><td class="n">12</td>', 1, true), "and in the table")

-- bad input raises at this line, with the nearest name
local ok, err = pcall(revl.report.section, {title = "x", chart = {kind = "lin", frame = by_owner, x = "owner", y = "n"}})
t:eq(ok, false, "unknown kind fails")
t:ok(err:find("did you mean 'line'", 1, true), "nearest kind: " .. tostring(err))
ok, err = pcall(revl.report.section, {title = "x", chart = {kind = "line", frame = by_owner, x = "owner", y = "totl"}})
t:ok(not ok and err:find("no column 'totl' (did you mean 'total'?)", 1, true), "nearest column: " .. tostring(err))
t:eq(#revl.report.sections(), 2, "failed sections are not collected")

-- the switch
revl.report.defaults(false)
t:eq(revl.report.defaults(), false, "defaults off")
ok = pcall(revl.report.defaults, "no")
t:eq(ok, false, "defaults takes a boolean")
t:done()
