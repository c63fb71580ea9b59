-- test_frame_api.lua -- frames as C userdata: rows as read-only proxies,
-- the methods that run in C, writing, and errors for bad input.
local t = revl.testing("frame api")
local deals = revl.deals

local g = deals:group_by("owner", {n = "count", total = {"sum", "amount"}})
t:eq(type(g), "userdata", "a group_by is a C frame")
t:ok(tostring(g):find("^frame %(3 rows%)"), "tostring")
t:eq(#g, 3, "len")
t:eq(g:count(), 3, "count")
t:eq(g[0], nil, "index 0")
t:eq(g[4], nil, "index past the end")
t:eq(g[2].owner, "R2", "index a row")
t:eq(g[2].nope, nil, "unknown field is nil")
t:eq(g[1], g[1], "rows of the same frame and row are equal")
t:ok(g[1] ~= g[2], "different rows differ")
t:eq(table.concat(g.columns, ","), "owner,n,total", "columns")
t:eq(table.concat(g:column("owner"), ","), "R1,R2,R3", "column")
t:eq(math.type(g[1].n), "integer", "count is an integer")
t:eq(tostring(g[1].total), "4,500.09 USD", "money cell")

-- ipairs and pairs
local owners = {}
for i, r in ipairs(g) do owners[i] = r.owner end
t:eq(table.concat(owners, ","), "R1,R2,R3", "ipairs")
local keys = {}
for k, v in pairs(g[1]) do keys[#keys + 1] = k .. "=" .. tostring(v) end
t:eq(table.concat(keys, " "), "owner=R1 n=3 total=4,500.09 USD", "pairs in column order")

-- read-only rows, copies
t:err(function() g[1].n = 5 end, "read%-only; use row:totable", "row is read-only")
local copy = g[1]:totable()
t:eq(type(copy), "table", "row:totable")
copy.n = 5
t:eq(copy.n, 5, "a copy is mutable")
t:eq(g[1].n, 3, "the frame is unchanged")
local lf = g:totable()
t:eq(type(lf), "table", "f:totable is a Lua frame")
t:eq(#lf, 3, "of every row")
t:eq(table.concat(lf.columns, ","), "owner,n,total", "with the columns")
lf[1].n = 7
t:eq(lf[1].n, 7, "rows of a Lua frame are mutable")

-- nulls are nil and skipped by pairs
local byowner = deals:group_by("owner", {top = {"max", "amount"}})
local r3 = byowner[3]
t:eq(r3.owner, "R3", "R3")
t:eq(tostring(r3.top), "300.00 USD", "max skips nulls")

-- sort_by in place, where, limit, index
local s = deals:group_by("owner", {n = "count", total = {"sum", "amount"}})
t:eq(s:sort_by("total", true), s, "sort_by returns the frame")
t:eq(s[1].owner, "R2", "sorted desc by total")
s:sort_by("owner")
t:eq(s[1].owner, "R1", "sorted asc")
local big = g:where(function(r) return r.n >= 3 end)
t:eq(#big, 2, "where")
t:eq(big[2].owner, "R2", "where keeps order")
t:eq(#g:limit(2), 2, "limit")
t:eq(#g:limit(0), 0, "limit 0")
t:eq(#g:limit(10), 3, "limit past the end")
local ix = g:index("owner")
t:eq(ix.R3.n, 2, "index")
t:eq(ix.R9, nil, "index miss")
local withnull = revl.frame({{k = "a", n = 1}, {n = 2}, {k = "a", n = 3}}, {"k", "n"})
local nix = withnull:index("k")
t:eq(nix.a.n, 3, "index: last row of a repeated value")
local nkeys = 0
for _ in pairs(nix) do nkeys = nkeys + 1 end
t:eq(nkeys, 1, "index leaves out a null key")
local nan = revl.frame({{k = 0/0, n = 1}, {k = 2.5, n = 2}}, {"k", "n"})
local ok, nix2 = pcall(nan.index, nan, "k")
t:eq(ok, true, "index of a NaN key does not raise")
t:eq(ok and nix2[2.5].n, 2, "index keeps the other keys")
local byamt = deals:group_by("amount", {c = "count"})
local aix = byamt:index("amount")
local nnull = 0
for i = 1, #byamt do if byamt[i].amount == nil then nnull = nnull + 1 end end
t:eq(nnull, 1, "group_by keeps a null group")
local na = 0
for _ in pairs(aix) do na = na + 1 end
t:eq(na, #byamt - 1, "index of a group_by with a null group leaves it out")

-- group_by on a frame
local gg = g:group_by("n", {owners = "count"})
t:eq(#gg, 2, "group a frame")
t:eq(gg[1].n, 2, "keys sorted")
t:eq(gg[2].owners, 2, "count")

-- join
local a = deals:group_by("owner", {n = "count"})
local b = deals:group_by("owner", {top = {"max", "amount"}})
local ok, j = pcall(function() return a:join(b, "owner") end)
if ok then
  t:eq(#j, 3, "join")
  t:eq(tostring(j[2].top), "15,000.00 USD", "joined value")
  t:eq(table.concat(j.columns, ","), "owner,n,top", "joined columns")
else
  t:ok(tostring(j):find("not available"), "join: " .. tostring(j))
end

-- rename
local rn = g:rename{owner = "rep", total = "pipeline"}
t:eq(table.concat(rn.columns, ","), "rep,n,pipeline", "rename keeps the order")
t:eq(rn[2].rep, "R2", "renamed text column")
t:eq(tostring(rn[1].pipeline), "4,500.09 USD", "renamed money column")
t:eq(table.concat(g.columns, ","), "owner,n,total", "rename leaves the frame as it was")
local sw = g:rename{owner = "n", n = "owner"}
t:eq(table.concat(sw.columns, ","), "n,owner,total", "two columns swap names")
t:eq(sw[1].owner, 3, "swapped values follow their columns")
t:eq(#g:rename{}, 3, "an empty rename copies")
t:err(function() g:rename{ownr = "rep"} end, "no column 'ownr' %(did you mean 'owner'%?%)", "rename unknown column")
t:err(function() g:rename{owner = "n"} end, "two columns would be named 'n'", "rename onto a kept column")
t:err(function() g:rename{owner = ""} end, "is empty", "rename to an empty name")
t:err(function() g:rename{"owner"} end, "old_name = ", "rename needs a map")
t:err(function() g:rename("owner") end, "table expected", "rename needs a table")

-- writing
local p = g:to_csv("frames/g.csv")
t:ok(p:match("frames/g.csv$"), "to_csv returns the path")
local fh = io and io.open(p)
if fh then
  t:eq(fh:read("a"), "owner,n,total\nR1,3,4500.09\nR2,3,20234.56\nR3,2,300.00\n", "csv text")
  fh:close()
end
local pj = g:to_jsonl("frames/g.jsonl")
t:ok(pj:match("frames/g.jsonl$"), "to_jsonl")
local pw = revl.write_csv("frames/w.csv", g, {"total", "owner"})
fh = io and io.open(pw)
if fh then
  t:eq(fh:read("l"), "total,owner", "write_csv selects and orders columns")
  fh:close()
end
t:err(function() revl.write_csv("frames/x.csv", g, {"totl"}) end, "did you mean 'total'", "write_csv bad column")
t:err(function() revl.write_csv("frames/x.csv", g, 5) end, "columns must be a list", "write_csv columns not a list")
t:err(function() deals:group_by("account.industy") end, "did you mean .account.industry.", "view field hint through a reference")

-- shown by revl.pretty like a Lua frame
local txt = revl.pretty(g)
t:ok(txt:find("owner", 1, true) and txt:find("(3 rows)", 1, true), "pretty prints a C frame")
t:ok(revl.pretty(g[1]):find("owner = R1", 1, true), "pretty prints a frame row")

-- bad input
t:err(function() g:sort_by("amout") end, "no column 'amout'", "sort_by unknown column")
t:err(function() g:sort_by("totl") end, "did you mean 'total'%?", "did you mean")
t:err(function() g:column("nope") end, "no column 'nope'", "column unknown")
t:err(function() g:where(5) end, "function expected", "where needs a function")
t:err(function() g:where(function() error("boom") end) end, "boom", "where passes errors")
t:err(function() g:limit(-1) end, "not be negative", "negative limit")
t:err(function() g:group_by("owner", {x = {"bogus", "n"}}) end, "unknown kind 'bogus'", "bad aggregate")
t:err(function() g:group_by("owner", {x = 5}) end, "must be \"count\"", "bad aggregate spec")
t:err(function() g:group_by({}) end, "at least one key", "no keys")
t:err(function() deals:group_by("owner", {x = {"bogus", "amount"}}) end, "unknown aggregate 'bogus'",
      "bad view aggregate")
t:err(function() deals:group_by("nope") end, "no column 'nope'", "view group_by unknown column")
t:err(function() deals:group_by("owner:month") end, "not a date column", "period of text")
t:err(function() deals:group_by("close_date:decade") end, "unknown period", "bad period")
t:err(function() g.columns = {} end, "read%-only", "frame is read-only")

-- periods and datetime keys
local m = deals:group_by("close_date:month", {n = "count"})
t:eq(m[1].close_date_month, "2025-02", "month label")
t:eq(m[#m].close_date_month, "2025-12", "months in order")
local fy = deals:group_by("close_date:fiscal_year")
t:ok(fy[1].close_date_fiscal_year:find("^FY"), "fiscal year label")

-- a rules frame as a C frame: sort, group and join in the core
local icp = revl.icp{name = "t", rules = {{"industry", "==", "Software", points = 50}},
                     tiers = {{"A", 50}, {"D"}}}
local sc = icp:score()
local cf = sc:cframe{"id", "tier", "fit"}
t:eq(type(cf), "userdata", "cframe is a C frame")
t:eq(table.concat(cf.columns, ","), "id,tier,fit", "cframe picks columns")
t:eq(#cf, #sc, "cframe keeps every record")
t:eq(math.type(cf[1].fit), "integer", "whole points read as integers")
t:eq(#sc:cframe().columns, #sc.columns, "cframe() keeps every column")
local byt = sc:group_by("tier", {n = "count"})
local total = 0
for _, r in ipairs(byt) do total = total + r.n end
t:eq(total, #sc, "group_by of a rules frame counts every record")
local srt = sc:sort_by("fit", true)
t:ok(srt[1].fit >= srt[#srt].fit, "sort_by of a rules frame")
local j = revl.deals:group_by("account_id", {n = "count"}):join(cf, "account_id", "id")
t:ok(#j > 0 and j[1].tier ~= nil, "join a group to a rules frame")
t:err(function() sc:cframe{"tierr"} end, "did you mean 'tier'", "cframe unknown column")
t:err(function() sc:cframe(5) end, "list of column names", "cframe bad argument")

return t:done()
