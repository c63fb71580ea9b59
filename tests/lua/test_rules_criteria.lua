-- revl: --data tests/lua/rules_data --as-of 2025-06-30
-- Criteria objects: every criterion has a name (given or derived from
-- its spec) and reports the value it saw.  Expectations by hand from
-- tests/lua/rules_data.
local t = revl.testing("rules: criteria")

local function name(spec, tbl) return revl.criterion(spec, tbl).name end

-- derived names
t:eq(name{"industry", "in", {"Software", "Fintech"}}, "industry in {Software, Fintech}", "in")
t:eq(name{"industry", "not_in", {"Retail"}}, "industry not_in {Retail}", "not_in")
t:eq(name{"employees", ">=", 200}, "employees >= 200", "comparison")
t:eq(name{"employees", "between", {100, 2000}}, "employees between 100 and 2000", "between")
t:eq(name{"domain", "exists"}, "domain exists", "exists")
t:eq(name{"name", "prefix", "Ac"}, 'name prefix "Ac"', "text op")
t:eq(name{industry = "Software"}, "industry = Software", "hash form")
t:eq(name{industry = {"Software", "Fintech"}}, "industry in {Software, Fintech}", "hash form list")
t:eq(name{employees = {gt = 100}}, "employees > 100", "hash form op uses the symbol")
t:eq(name{employees = {between = {1, 9}}}, "employees between 1 and 9", "hash form between")
t:eq(name{any = {{"country", "=", "US"}, {"country", "=", "CA"}}}, "country = US or country = CA", "any")
t:eq(name{none = {{"segment", "=", "SMB"}}}, "not (segment = SMB)", "none")
t:eq(name{all = {{"segment", "=", "SMB"}, {any = {{"country", "=", "US"}, {"country", "=", "DE"}}}}},
     "segment = SMB and (country = US or country = DE)", "nested parentheses")
t:eq(name{{"segment", "=", "SMB"}, {"domain", "missing"}}, "segment = SMB and domain missing", "list")
t:eq(name{"industry", "in", {"Software", "Fintech"}, name = "target industry"}, "target industry", "given name")
t:eq(name{any = {{"country", "=", "US"}}, name = "home"}, "home", "given name on a combination")
t:eq(name({"amount", ">", 10000}, "deals"), "amount > 10000", "money")
t:eq(name({"account.industry", "=", "Software"}, "deals"), "account.industry = Software", "through a reference")
t:eq(name({"close_date", "<", "2025-07-01"}, "deals"), "close_date < 2025-07-01", "date")
t:ok(name(function(a) return true end):match("^function tests/lua/test_rules_criteria%.lua:%d+$"),
     "a function is named after where it is defined")
local long = {}
for i = 1, 12 do long[i] = "v" .. i end
t:eq(name{"industry", "in", long}, "industry in {v1, v2, v3, v4, v5, v6, v7, v8, ... (4 more)}", "long sets")

-- values seen
local c = revl.criterion{"industry", "in", {"Software", "Fintech"}}
local ok, seen = c:test("A2")
t:eq(ok, true, "A2 is Fintech")
t:eq(seen, "Fintech", "value seen")
ok, seen = c:test("A3")
t:eq(ok, false, "A3 is Retail")
t:eq(seen, "Retail", "value seen when not met")
local both = revl.criterion{all = {{"segment", "=", "SMB"}, {"employees", "<", 100}}}
ok, seen = both:test("A3")
t:eq(ok, true, "A3: SMB and 40 employees")
t:eq(seen, "segment=SMB, employees=40", "combination shows each field")
ok, seen = both:test("A4")
t:eq(ok, false, "A4 has no employee count")
t:eq(seen, "segment=SMB, employees=(none)", "null seen as (none)")
local viafk = revl.criterion({"account.industry", "=", "Software"}, "deals")
ok, seen = viafk:test("D1")
t:eq(ok, true, "through a reference")
t:eq(seen, "Software", "value through the reference")
local money = revl.criterion({"amount", ">", 10000}, revl.deals)
ok, seen = money:test("D1")
t:eq(seen, "12,000.00 USD", "money as printed")
t:eq(money.table, "deals", "table of a criterion given a view")

local ex = c:explain(revl.accounts:get("A1"))
t:eq(ex.criterion, "industry in {Software, Fintech}", "explain: criterion")
t:eq(ex.value, "Software", "explain: value")
t:eq(ex.met, true, "explain: met")

-- where over views, functions and patterns
t:eq(c:where():count(), 3, "A1, A2, A4")
t:eq(c:where(revl.accounts:where{country = "US"}):count(), 2, "on a view")
local pat = revl.criterion{"domain", "matches", "%.io$"}
t:eq(pat:where():count(), 1, "pattern")
local fn = revl.criterion(function(a) return (a.employees or 0) > 500 end)
t:eq(fn:where():count(), 2, "function criterion")
t:eq(fn.declarative, false, "a function is not declarative")
t:eq(c.declarative, true, "a table is")
t:ok(tostring(c):find("criterion industry in", 1, true), "tostring")

-- definition errors happen at definition
t:err(function() revl.criterion{"industy", "=", "x"} end, "accounts has no column 'industy'", "unknown field")
t:err(function() revl.criterion{"industry", "~~", "x"} end, "unknown operator '~~'", "unknown op")
t:err(function() revl.criterion{"employees", ">", "many"} end, "expected a number", "wrong value type")
t:err(function() revl.criterion{"domain", "matches", "[a-"} end, "bad pattern", "bad pattern")
t:err(function() revl.criterion({"x", "=", 1}, "nosuch") end, "no 'nosuch' table is loaded", "unknown table")
t:err(function() fn:where(revl.deals) end, "about accounts, not deals", "wrong table")

-- errors inside a criterion function name the record
t:err(function()
  revl.criterion(function(a) if a.id == "A3" then error("boom") end return true end):where()
end, "accounts%[A3%]: .*boom", "function errors name the record")

return t:done()
