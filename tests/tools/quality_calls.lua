-- quality_calls.lua -- every data-quality metric (completeness,
-- duplicates, similarity, country, consistency, timeliness, and
-- quality_score over them) with each option combination and the error
-- cases, for quality_compare.sh.  Each frame a call returns is written to
-- CSV under --out (c<N>_<k>.csv); errors and plain values go to
-- calls.txt there, one line per call.  Run with --allow-io.
local M = revl.metrics
local log = assert(io.open(revl.params.log or "calls.txt", "w"))
local n = 0

local function show(v)
  local ty = type(v)
  if ty == "string" then return string.format("%q", v) end
  if ty == "number" then
    return math.type(v) == "integer" and tostring(v) or string.format("%.17g", v)
  end
  if ty == "userdata" then return "view:" .. tostring(#v) end
  if ty ~= "table" then return ty .. ":" .. tostring(v) end
  local ks = {}
  for k in pairs(v) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(ks) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(parts, " ") .. "}"
end

local function call(name, ...)
  n = n + 1
  local args = table.pack(...)
  local shown = {}
  for i = 1, args.n do shown[i] = show(args[i]) end
  log:write(string.format("c%d %s(%s)\n", n, name, table.concat(shown, ", ")))
  local res = table.pack(pcall(M[name], ...))
  if not res[1] then
    log:write("  error ", tostring(res[2]), "\n")
    return
  end
  for i = 2, res.n do
    local r = res[i]
    if type(r) == "table" and r.columns then
      log:write(string.format("  frame %d rows; columns=%s\n", #r, table.concat(r.columns, ",")))
      revl.write_csv(string.format("c%d_%d.csv", n, i - 1), r, r.columns)
      -- write_csv rounds numbers; the exact values too
      for j = 1, #r do
        local row = {}
        for _, c in ipairs(r.columns) do
          local x = r[j][c]
          if type(x) == "number" and math.type(x) == "float" then row[#row + 1] = c .. "=" .. show(x) end
        end
        if #row > 0 then log:write("   ", j, " ", table.concat(row, " "), "\n") end
      end
    else
      log:write("  value ", show(r), "\n")
    end
  end
end

local function with(p, k, v)
  local o = {}
  for a, b in pairs(p) do o[a] = b end
  o[k] = v
  return o
end

local function views(t)
  local out = {}
  if not t then return out end
  out[#out + 1] = t
  out[#out + 1] = t:limit(0)
  out[#out + 1] = t:limit(7)
  local ok, s = pcall(t.sort_by, t, t:columns()[2] or t:columns()[1], "desc")
  if ok then out[#out + 1] = s:limit(50) end
  return out
end

local A, D, L = revl.accounts, revl.deals, revl.leads
local tables = {A, D, L, revl.activities, revl.reps}

-- completeness -----------------------------------------------------------
local cbys = {false, "country", "segment", "industry", {"segment", "country"}, "owner", "stage",
  "account.country", "account.segment", "account_id.industry", "nope", 3, {"segment", 4},
  {"nope", 4}, {4, "nope"}, {}, {"segment", "segment"}, {"segment", "segment", "segment", "segment", "segment",
  "segment", "segment", "segment", "segment"}, true}
local cfields = {false, {"domain", "industry", "country"}, {"name"}, {}, {"account.industry", "stage", "amount"},
  {"owner", "amount", "close_date", "is_won"}, {"nope"}, {"domain", "nope"}, "domain", {1.5}, {{}},
  {"domain", true}, 7, true, {"account.nope"}}
for _, T in ipairs(tables) do
  for vi, V in ipairs(views(T)) do
    for _, by in ipairs(cbys) do
      for fi, f in ipairs(cfields) do
        for ri, rq in ipairs(cfields) do
          -- every pair on the full table, a sample on the others
          if vi == 1 or (fi + ri) % 5 == 0 then
            local o = {}
            if by ~= false then o.by = by end
            if f ~= false then o.fields = f end
            if rq ~= false then o.required = rq end
            call("completeness", V, o)
          end
        end
      end
    end
  end
end
call("completeness", A)
call("completeness", A, nil)
call("completeness", A, "x")
call("completeness", A, {bogus = 1})
call("completeness", A, {bogus = 1, by = 3})
call("completeness", A, {[1] = "x"})
call("completeness", nil)
call("completeness", {}, {})
call("completeness", "accounts")

-- duplicates -------------------------------------------------------------
local dopts = {
  {}, {on = "both"}, {on = "name"}, {on = "domain"}, {on = "x"}, {on = 3}, {on = true},
  {threshold = 0.5}, {threshold = 0.8}, {threshold = 0.99}, {threshold = 1}, {threshold = 0},
  {threshold = 1.01}, {threshold = -1}, {threshold = "0.9"}, {threshold = 0 / 0},
  {window = 1}, {window = 3}, {window = 20}, {window = 1000}, {window = 0}, {window = 1001},
  {window = 2.5}, {window = "8"}, {on = "name", threshold = 0.85, window = 16},
  {on = "domain", threshold = 5}, {on = "x", threshold = "a"}, {threshold = 2, window = "a"},
  {window = 0, name = 3}, {name = "company"}, {name = "company", domain = "domain"},
  {name = "nope"}, {domain = "nope"}, {on = "name", domain = "nope"}, {on = "domain", name = "nope"},
  {name = 3}, {domain = false}, {name = "employees"}, {domain = "created_date"},
  {name = "email", domain = "email"}, {on = "domain", domain = "email"}, {name = "nope", domain = "nope"},
  {bogus = 1}, {on = "name", bogus = 1},
}
for _, T in ipairs(tables) do
  for vi, V in ipairs(views(T)) do
    for oi, o in ipairs(dopts) do
      if vi == 1 or oi % 3 == 0 or oi > 25 then call("duplicates", V, o) end
    end
  end
end
call("duplicates", A)
call("duplicates", A, "x")
call("duplicates", nil)
call("duplicates", {}, {})

-- similarity, country ------------------------------------------------------
local words = {"", "a", "acme", "acme inc", "ACME", "Acme Corp", "martha", "marhta", "dwayne",
  "duane", "dixon", "dicksonx", "abcdefghij", "abcdefghik", "école", "\0x", "x\0", 12, 3.5}
for _, a in ipairs(words) do
  for _, b in ipairs(words) do call("similarity", a, b) end
end
call("similarity", "a")
call("similarity", nil, "a")
call("similarity", {}, "a")
call("similarity", "a", true)
local places = {"US", "us", "USA", "U.S.A.", "United States", "United States of America", "UK",
  "Great Britain", "England", "Deutschland", "the Netherlands", "Holland", "South Korea", "UAE",
  "Viet Nam", "Brasil", "  France ", "FRA", "xx", "", "Narnia", "The Gambia", 44, "DE", "de"}
for _, p in ipairs(places) do call("country", p) end
call("country")
call("country", nil)
call("country", {})
call("country", true)

-- consistency --------------------------------------------------------------
local allowed = {false, {"US", "GB", "DE"}, {"US"}, {}, {"US", 3}, "US", {"Education", "Logistics"},
  {"SMB", "Enterprise", "Mid-Market"}, true, {"US", "US"}}
local norms = {false, "country", "x", 3}
local sbys = {false, "segment", "country", {"segment", "industry"}, "account.segment", "nope", 3,
  {"segment", 3}, {}, {"segment", "segment"}}
local sfields = {"country", "segment", "industry", "account.country", "stage", "name", "employees",
  "amount", "nope", "account.nope", 3}
for _, T in ipairs(tables) do
  for vi, V in ipairs(views(T)) do
    for fi, f in ipairs(sfields) do
      for ai, al in ipairs(allowed) do
        for ni, nm in ipairs(norms) do
          for bi, by in ipairs(sbys) do
            if (vi == 1 and (fi <= 4 or bi == 1 or bi == 6)) or (fi + ai + ni + bi) % 7 == 0 then
              local o = {}
              if al ~= false then o.allowed = al end
              if nm ~= false then o.normalize = nm end
              if by ~= false then o.by = by end
              call("consistency", V, f, o)
            end
          end
        end
      end
    end
  end
end
call("consistency", A)
call("consistency", A, "country")
call("consistency", A, "country", "x")
call("consistency", A, "country", {bogus = 1})
call("consistency", A, nil, {normalize = "country"})
call("consistency", A, 3, {normalize = "country"})
call("consistency", nil, "country", {normalize = "country"})
call("consistency", {}, "country", {normalize = "country"})

-- timeliness ---------------------------------------------------------------
local tdays = {false, 0, 1, 30, 90, 365, 3650, -1, 1.5, "30", true}
local tvia = {false, "account_id", "deal_id", "lead_id", "owner", "nope", "at", 3, "type"}
local tbys = {false, "segment", "country", {"segment", "country"}, "stage", "owner", "account.segment",
  "nope", 3, {"segment", 3}, "id", {"id", "segment"}, "account_id", {"segment", "segment"},
  {"id", "segment", "id", "segment"}}
for _, T in ipairs(tables) do
  for vi, V in ipairs(views(T)) do
    for di, d in ipairs(tdays) do
      for wi, via in ipairs(tvia) do
        for bi, by in ipairs(tbys) do
          if (vi == 1 and (di == 5 or wi == 1 or bi == 1)) or (di + wi + bi) % 6 == 0 then
            local o = {}
            if d ~= false then o.days = d end
            if via ~= false then o.via = via end
            if by ~= false then o.by = by end
            call("timeliness", V, o)
          end
        end
      end
    end
  end
end
call("timeliness", A)
call("timeliness", A, "x")
call("timeliness", A, {days = 30, bogus = 1})
call("timeliness", nil, {days = 30})

-- quality_score (Lua, over the metrics above) --------------------------------
for _, T in ipairs(tables) do
  call("quality_score", T)
  call("quality_score", T, {required = {"domain", "industry", "country"}, days = 90})
  call("quality_score", T, {days = 30, duplicates = false})
end

log:write(n, " calls\n")
log:close()
print(n .. " calls")
