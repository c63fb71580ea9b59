-- lua/tests.lua -- playbook tests run by `revl test`: revl.test(name, fn),
-- revl.cases(name, list, fn) and revl.case{...} register cases; each case
-- gets an expectation object `t` whose checks know what rule authors test
-- (an account's tier, a lead's owner, a deal's audit verdict, an SLA
-- breach, a metric's value) and, on failure, show the decision's reasons.
-- revl._test_run, called by the test command once the file has run,
-- runs the registered cases and returns the counts and the JUnit XML of
-- the file.  Loaded once per state with (revl, internals) after revl.lua.
local revl, internals = ...

local type, tostring, ipairs, pairs, pcall, error, setmetatable, select =
  type, tostring, ipairs, pairs, pcall, error, setmetatable, select
local format, concat = string.format, table.concat

local cases = {} -- in the order they were written

-- "file:line" of the innermost code on the stack that is not this file:
-- the test file's line that registered a case or called a check
local function where() return internals.caller_at("lua/tests.lua") end

--- revl.test(name, fn): one case; fn(t) runs with the expectations in t
function revl.test(name, fn)
  if type(name) ~= "string" then error("revl.test: the name must be text, not " .. type(name), 2) end
  if type(fn) ~= "function" then error("revl.test: the case must be a function, not " .. type(fn), 2) end
  cases[#cases + 1] = { name = name, fn = fn, at = where() }
end

local CaseMark = {}

--- revl.case{...}: a case table that remembers the line it is written at
function revl.case(c)
  if type(c) ~= "table" then error("revl.case: takes a table, not " .. type(c), 2) end
  c[CaseMark] = where()
  return c
end

--- revl.cases(name, list, fn): fn(t, case) for each case of list; a case
--- is named by its `name` field (else its position)
function revl.cases(name, list, fn)
  if type(name) ~= "string" then error("revl.cases: the name must be text, not " .. type(name), 2) end
  if type(list) ~= "table" then error("revl.cases: the cases must be a list, not " .. type(list), 2) end
  if type(fn) ~= "function" then error("revl.cases: the check must be a function, not " .. type(fn), 2) end
  local at = where()
  for i, c in ipairs(list) do
    if type(c) ~= "table" then
      error(format("revl.cases: case %d must be a table, not %s", i, type(c)), 2)
    end
    cases[#cases + 1] = {
      name = name .. " / " .. tostring(c.name or i),
      fn = function(t) return fn(t, c) end,
      at = c[CaseMark] or at,
    }
  end
end

-- ---- expectations ---------------------------------------------------------

local T = {}
T.__index = T

local Failure = {} -- a failed expectation, raised to end the case

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

-- end the case: what was expected, where the check is written, and the
-- decision's reasons
local function fail(t, msg, reasons)
  error(setmetatable({ msg = msg, at = where(), reasons = reasons }, Failure), 0)
end

local function same(got, want)
  if got == want then return true end
  if type(got) == "userdata" or type(want) == "userdata" then
    return tostring(got) == tostring(want)
  end
  return false
end

function T:eq(got, want, msg)
  self.checks = self.checks + 1
  if not same(got, want) then
    fail(self, format("%sexpected %s, got %s", msg and (msg .. ": ") or "", show(want), show(got)))
  end
end

function T:near(got, want, eps, msg)
  self.checks = self.checks + 1
  if type(got) ~= "number" or math.abs(got - want) > (eps or 1e-9) then
    fail(self, format("%sexpected %s (within %s), got %s", msg and (msg .. ": ") or "",
                      show(want), tostring(eps or 1e-9), show(got)))
  end
end

function T:ok(cond, msg)
  self.checks = self.checks + 1
  if not cond then fail(self, msg or "expected a true value") end
end

function T:err(fn, pattern, msg)
  self.checks = self.checks + 1
  local ok, e = pcall(fn)
  if ok then fail(self, (msg and (msg .. ": ") or "") .. "expected an error, none raised") end
  if pattern and not tostring(e):find(pattern, 1, true) then
    fail(self, format("%serror %s does not contain %s", msg and (msg .. ": ") or "",
                      show(tostring(e)), show(pattern)))
  end
end

-- the row of record id in a decision frame, routing result, audit or
-- ledger (anything with :get(id), else rows with an `id` field, or a
-- `record` field as SLA ledger rows have)
local function record(self, d, id, what)
  if type(d) ~= "table" and type(d) ~= "userdata" then
    fail(self, format("%s: expected a decision frame, got %s", what, type(d)))
  end
  local ok, row = pcall(function() return d:get(id) end)
  if ok and row ~= nil then return row end
  for i = 1, #d do
    local r = d[i]
    if r.id == id or r.record == id then return r end
  end
  fail(self, format("%s: no decision for %s", what, show(id)))
end

local function reasons_of(row)
  local r = row.reasons or row.violations or row.trail
  if type(r) == "table" then
    local parts = {}
    for i, x in ipairs(r) do parts[i] = type(x) == "table" and tostring(x.reason or x.text or x.rule or "") or tostring(x) end
    r = concat(parts, "; ")
  end
  if r == nil or r == "" then return nil end
  return tostring(r)
end

local function field(self, d, id, col, want, what)
  self.checks = self.checks + 1
  local row = record(self, d, id, what)
  local got = row[col]
  if not same(got, want) then
    fail(self, format("%s of %s: expected %s, got %s", what, id, show(want), show(got)), reasons_of(row))
  end
  return row
end

--- t:tier(scores, id, want) / t:label / t:action: an ICP (or health) decision
function T:tier(d, id, want) return field(self, d, id, "tier", want, "tier") end
function T:label(d, id, want) return field(self, d, id, "label", want, "label") end
function T:action(d, id, want) return field(self, d, id, "action", want, "action") end

--- t:score(scores, id, want [, eps]): `fit` of an ICP frame, `completeness`
--- of a scorecard, `score` of others
function T:score(d, id, want, eps)
  self.checks = self.checks + 1
  local row = record(self, d, id, "score")
  local got = row.score
  if got == nil then got = row.fit end
  if got == nil then got = row.completeness end
  if type(got) ~= "number" or math.abs(got - want) > (eps or 1e-9) then
    fail(self, format("score of %s: expected %s, got %s", id, show(want), show(got)), reasons_of(row))
  end
  return row
end

--- t:reason(decisions, id, text): a reason containing text is present
function T:reason(d, id, text)
  self.checks = self.checks + 1
  local row = record(self, d, id, "reason")
  local r = reasons_of(row) or ""
  if not r:find(text, 1, true) then
    fail(self, format("reasons of %s: expected one containing %s", id, show(text)), r ~= "" and r or "(none)")
  end
  return row
end

--- t:owner(routing, id, want) / t:rule / t:team: a routing decision
function T:owner(d, id, want) return field(self, d, id, "owner", want, "owner") end
function T:rule(d, id, want) return field(self, d, id, "rule", want, "rule") end
function T:team(d, id, want) return field(self, d, id, "team", want, "team") end

--- t:ready(audit, id, bool): a funnel audit verdict
function T:ready(d, id, want) return field(self, d, id, "ready", want, "ready") end

--- t:violation(audit, id, code): the audit found a violation of that code
--- (code false: found none)
function T:violation(d, id, code)
  self.checks = self.checks + 1
  local row = record(self, d, id, "violation")
  local codes = {}
  for _, v in ipairs(row.details or {}) do codes[#codes + 1] = v.code end
  local list = concat(codes, ", ")
  if code == false then
    if #codes > 0 then fail(self, format("violations of %s: expected none, got %s", id, list), reasons_of(row)) end
    return row
  end
  for _, c in ipairs(codes) do if c == code then return row end end
  fail(self, format("violations of %s: expected %s, got %s", id, show(code), #codes > 0 and list or "none"),
       reasons_of(row))
end

--- t:breach(audit_or_ledger, id, bool): the SLA was breached (or not)
function T:breach(d, id, want)
  self.checks = self.checks + 1
  local row = record(self, d, id, "breach")
  local got = row.sla_breached
  if got == nil then got = row.breached end
  if got ~= want then
    fail(self, format("SLA breach of %s: expected %s, got %s", id, show(want), show(got)), reasons_of(row))
  end
  return row
end

--- t:metric(frame, column, want [, where [, eps]]): the value in the first
--- row of a metric frame whose fields equal `where` ({owner = "R1"})
function T:metric(f, col, want, where_, eps)
  self.checks = self.checks + 1
  local row
  for i = 1, #f do
    local r = f[i]
    local match = true
    for k, v in pairs(where_ or {}) do
      if not same(r[k], v) then match = false break end
    end
    if match then row = r break end
  end
  local label = col
  if where_ then
    local parts = {}
    for k, v in pairs(where_) do parts[#parts + 1] = k .. " = " .. tostring(v) end
    table.sort(parts)
    label = col .. " where " .. concat(parts, ", ")
  end
  if not row then fail(self, format("%s: no row matches", label)) end
  local got = row[col]
  local ok
  if type(want) == "number" and type(got) == "number" then
    ok = math.abs(got - want) <= (eps or 1e-9)
  else
    ok = same(got, want)
  end
  if not ok then fail(self, format("%s: expected %s, got %s", label, show(want), show(got))) end
  return row
end

-- ---- what a case builds: revl.playbook and coverage --------------------------
-- The constructors (revl.icp, revl.health, revl.scorecard, revl.router,
-- revl.funnel, revl.sla, revl.fire) are wrapped, once, the first time
-- revl.playbook or coverage needs them: each object built is noted with
-- the line that built it, and so is each result it gives (scores,
-- routing results, audits, ledgers, events).  Nothing else changes.

local capture  -- the table revl.playbook is filling, or nil
local cov      -- coverage: {order = {entries}, by = {key = entry}} when on
local model_of = setmetatable({}, { __mode = "k" }) -- model userdata -> its note

-- "file:line" of the playbook code that called a constructor
local function built_at()
  for level = 3, 14 do
    local ok, e = pcall(error, "", level)
    if not ok and type(e) == "string" and e ~= "" and not e:find("^lua/") and not e:find("^%[C%]") then
      return (e:gsub(":%s*$", ""))
    end
  end
  return "?"
end

local function add(list, kind, name, v)
  local l = list[kind]
  if not l then l = {}; list[kind] = l end
  l[#l + 1] = v
  if name ~= nil then l[name] = v end
end

local cov_built, cov_result = function() end, function() end -- coverage, below

local function note(kind, name, obj, spec, at)
  if capture then add(capture, kind, name, obj) end
  if cov then cov_built(kind, name, spec, at) end
end

local function result(kind, name, res, spec)
  if capture then add(capture, kind, name, res) end
  if cov then cov_result(kind, name, res, spec) end
end

local module_files = {} -- files require() loaded since install(), in order

-- "dir/../x" -> "x", so a module found beside the binary reads rules/icp.lua
local function tidy(path)
  local cwd = rawget(revl, "_test_cwd")
  local prev
  repeat
    prev = path
    path = path:gsub("[^/]+/%.%./", "", 1)
  until path == prev
  if type(cwd) == "string" and cwd ~= "" and path:sub(1, #cwd + 1) == cwd .. "/" then
    path = path:sub(#cwd + 2)
  end
  return path
end

-- call fn(...) as the wrapped function would have been called: an error
-- of the C function (which, called through pcall, names no line) names
-- the line of the wrapper's caller, as it does without the wrapper (but
-- for `return revl.icp{...}`: a tail call to the Lua wrapper leaves no
-- frame for the module's line, so the error names its caller's)
local function call(fn, ...)
  local r = table.pack(pcall(fn, ...))
  if not r[1] then
    local e = r[2]
    if type(e) == "string" then
      local at = built_at()
      if e:find("^lua/tests%.lua:%d+: ") then
        e = at .. ": " .. e:gsub("^lua/tests%.lua:%d+: ", "", 1)
      elseif not e:find("^[^%s:]+:%d+:") then
        e = at .. ": " .. e
      end
    end
    error(e, 0)
  end
  return table.unpack(r, 2, r.n)
end

local installed = false
local function install()
  if installed then return end
  installed = true
  -- note the file of each module require() loads (the text searcher
  -- returns it as the loader's data)
  local searchers = package.searchers
  for i = 1, #searchers do
    local find = searchers[i]
    searchers[i] = function(name)
      local loader, path = find(name)
      if type(loader) == "function" and type(path) == "string" then
        module_files[#module_files + 1] = path
      end
      return loader, path
    end
  end
  -- rule models (icp, health, scorecard) are userdata sharing one
  -- metatable: route :score through it
  local hooked_mt = {}
  local function hook_model(kind, result_kind)
    local make = revl[kind]
    revl[kind] = function(spec, ...)
      local m = call(make, spec, ...)
      local name = type(spec) == "table" and spec.name or kind
      local at = built_at()
      model_of[m] = { kind = kind, result = result_kind, name = name, spec = spec, at = at }
      note(kind, name, m, spec, at)
      local mt = getmetatable(m)
      if type(mt) == "table" and not hooked_mt[mt] then
        hooked_mt[mt] = true
        local index = mt.__index
        local get = type(index) == "function" and index or function(_, k) return index[k] end
        local score = function(self, ...)
          local f = call(get(self, "score"), self, ...)
          local e = model_of[self]
          if e then result(e.result, e.name, f, e) end
          return f
        end
        mt.__index = function(self, k)
          if k == "score" then return score end
          return get(self, k)
        end
      end
      return m
    end
  end
  hook_model("icp", "scores")
  hook_model("health", "health_scores")
  hook_model("scorecard", "cards")
  -- routers, funnels and SLAs are tables: wrap their methods
  local function hook_table(kind, method, result_kind)
    local make = revl[kind]
    revl[kind] = function(spec, ...)
      local obj = call(make, spec, ...)
      local name = type(spec) == "table" and spec.name or kind
      local at = built_at()
      note(kind, name, obj, spec, at)
      local orig = type(obj) == "table" and obj[method]
      if orig then
        local info = { kind = kind, name = name, spec = spec, at = at }
        obj[method] = function(self, ...)
          local r = call(orig, self, ...)
          result(result_kind, name, r, info)
          return r
        end
      end
      return obj
    end
  end
  hook_table("router", "route", "routing")
  hook_table("funnel", "audit", "audit")
  hook_table("sla", "ledger", "ledger")
  local fire = revl.fire
  revl.fire = function(...)
    local ev = call(fire, ...)
    result("events", nil, ev, nil)
    return ev
  end
end

--- revl.playbook(module [, params]) -> what the playbook built and printed:
--- runs the playbook `module` (found as require finds it: next to the
--- test file first) afresh over the current data, with its prints
--- captured, and returns {output = text, icp = {model...}, scores =
--- {frame...}, health, health_scores, scorecard, cards, router, routing,
--- funnel, audit, sla, ledger, events = {frame...}, returned = value};
--- each list is in the order built, and also keyed by the object's name.
--- params are set as revl.params for the run.
function revl.playbook(name, params)
  if type(name) ~= "string" then error("revl.playbook: takes a module name, not " .. type(name), 2) end
  install()
  local lines = {}
  local pb = { lines = lines }
  local saved_print, saved_show, saved_capture, saved_params = print, revl.show, capture, {}
  for k, v in pairs(params or {}) do saved_params[k] = revl.params[k] or false; revl.params[k] = tostring(v) end
  print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    for l in (concat(parts, "\t") .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = l end
  end
  revl.show = function(x, opts) print(revl.pretty(x, opts)) end
  capture = pb
  package.loaded[name] = nil
  local ok, r = pcall(require, name)
  package.loaded[name] = nil
  print, revl.show, capture = saved_print, saved_show, saved_capture
  for k, v in pairs(saved_params) do revl.params[k] = v or nil end
  if not ok then error(r, 0) end
  pb.returned = r
  pb.output = concat(lines, "\n")
  return pb
end

-- ---- coverage (revl test --coverage) -----------------------------------------
-- What the cases exercised, per model (merged over the cases by kind and
-- name): an ICP criterion when some scored record met it; a health
-- component when some scored record had data for it, and a criterion of
-- a criteria component when some record met it; a routing rule when it
-- took some record (and the fallback when some record fell back); a
-- funnel stage's entry criteria when some audited record recorded in that
-- stage met them (or reached the stage as its furthest), its exit
-- criteria when some record recorded in it was ready to advance.

local function cov_entry(kind, name, spec, at)
  local key = kind .. "\0" .. tostring(name)
  local e = cov.by[key]
  if not e then
    e = { kind = kind, name = tostring(name), items = {}, order = {}, hit = {} }
    cov.by[key] = e
    cov.order[#cov.order + 1] = e
  end
  if spec ~= nil then e.spec, e.at = spec, at end
  return e
end

-- an item (criterion, component, rule, stage) the model has; needles
-- find the line that defines it
local function cov_item(e, id, label, needles)
  if not e.items[id] then
    e.items[id] = { label = label, needles = needles }
    e.order[#e.order + 1] = id
  end
end

local function crit_needles(c, name)
  local n = {}
  if type(c) == "table" and type(c.name) == "string" then n[#n + 1] = { '"' .. c.name .. '"' } end
  if type(c) == "table" and type(c[1]) == "string" then
    n[#n + 1] = type(c[2]) == "string" and { '"' .. c[1] .. '"', '"' .. c[2] .. '"' } or { '"' .. c[1] .. '"' }
  end
  if name then n[#n + 1] = { '"' .. name .. '"' } end
  return n
end

cov_built = function(kind, name, spec, at)
  if kind == "icp" or kind == "health" or kind == "router" or kind == "funnel" then
    local e = cov_entry(kind, name, spec, at)
    if kind == "router" and type(spec) == "table" then
      for i, r in ipairs(spec.rules or {}) do
        local rn = type(r) == "table" and r.name or ("rule " .. i)
        cov_item(e, rn, "rule '" .. rn .. "'", { { 'name = "' .. rn .. '"' }, { '"' .. rn .. '"' } })
      end
      if spec.fallback then cov_item(e, "fallback", "fallback", { { "fallback =" } }) end
    elseif kind == "funnel" and type(spec) == "table" then
      for _, st in ipairs(spec.stages or {}) do
        local sn = type(st) == "table" and st.name
        if sn then
          local needles = { { 'name = "' .. sn .. '"' }, { '"' .. sn .. '"' } }
          if type(st.entry) == "function" or (type(st.entry) == "table" and next(st.entry) ~= nil) then
            cov_item(e, sn .. "\0entry", "stage '" .. sn .. "' entry", needles)
          end
          if type(st.exit) == "function" or (type(st.exit) == "table" and next(st.exit) ~= nil) then
            cov_item(e, sn .. "\0exit", "stage '" .. sn .. "' exit", needles)
          end
        end
      end
    end
  end
end

local function spec_crit(spec, group, k)
  if type(spec) ~= "table" then return nil end
  if spec.groups and spec.groups[group] then return spec.groups[group][k] end
  for _, c in ipairs(spec.components or {}) do
    if c.name == group then return (c.criteria or {})[k] end
  end
end

local function spec_component(spec, name)
  for _, c in ipairs(type(spec) == "table" and spec.components or {}) do
    if c.name == name then return c end
  end
end

cov_result = function(kind, name, res, info)
  if kind == "scores" or kind == "health_scores" then
    local e = cov_entry(info.kind, name, info.spec, info.at)
    local n = #res
    for i = 1, math.min(n, 100000) do
      local ok, entries = pcall(function() return res:explain(i) end)
      if not ok or type(entries) ~= "table" then break end
      local per_group = {}
      for _, x in ipairs(entries) do
        local id, label, needles
        if x.kind == "rule" then
          local g = tostring(x.group or "")
          per_group[g] = (per_group[g] or 0) + 1
          id = g .. "\0" .. tostring(x.criterion)
          label = info.kind == "health" and (g .. ": " .. tostring(x.criterion)) or tostring(x.criterion)
          needles = crit_needles(spec_crit(info.spec, g, per_group[g]), nil)
        elseif x.kind == "component" then
          id = "\0component\0" .. tostring(x.criterion)
          label = "component " .. tostring(x.criterion)
          local c = spec_component(info.spec, x.criterion)
          needles = { { 'name = "' .. tostring(x.criterion) .. '"' } }
          if c and c.criteria then needles[1][2] = "criteria" end
          needles[#needles + 1] = { '"' .. tostring(x.criterion) .. '"' }
        end
        if id then
          cov_item(e, id, label, needles)
          if x.met then e.hit[id] = true end
        end
      end
    end
  elseif kind == "routing" then
    local e = cov_entry("router", name, info.spec, info.at)
    for i = 1, #res do
      local ok, a = pcall(function() return res:get(i) end)
      if ok and a and a.rule then
        local rid = a.rule
        if rid == "fallback" or (a.rule_index == nil and not e.items[rid]) then rid = "fallback" end
        e.hit[rid] = true
      end
    end
  elseif kind == "audit" then
    local e = cov_entry("funnel", name, info.spec, info.at)
    for i = 1, #res do
      local r = res[i]
      if r.status == "open" and r.stage then
        if r.entry_met then e.hit[r.stage .. "\0entry"] = true end
        if r.ready then e.hit[r.stage .. "\0exit"] = true end
      end
      if r.furthest then e.hit[r.furthest .. "\0entry"] = true end
    end
  end
end

--- revl._test_coverage_on(): note what the cases build and decide
function revl._test_coverage_on()
  cov = { order = {}, by = {} }
  install()
end

local sources = {}
local function source_lines(file)
  if sources[file] ~= nil then return sources[file] end
  local lines = false
  local read = rawget(revl, "_test_source")
  local text = read and read(file)
  if type(text) == "string" then
    lines = {}
    for l in (text .. "\n"):gmatch("(.-)\r?\n") do lines[#lines + 1] = l end
  end
  sources[file] = lines
  return lines
end

-- file:line of the first line holding every needle of a needle list
-- (the lists tried in order), in the file that built the model, else in
-- the modules the test loaded (a module's `return revl.funnel{...}` is a
-- tail call: the line that built it is the caller's); else where the
-- model was built
local function defined_at(e, needles)
  local at = tostring(e.at or "")
  local file = at:match("^(.-):%d+$")
  local files = {}
  if file and not file:find("_test%.lua$") then files[1] = file end
  for _, f in ipairs(module_files) do files[#files + 1] = f end
  if file then files[#files + 1] = file end
  for _, ns in ipairs(needles or {}) do
    for _, f in ipairs(files) do
      local lines = source_lines(f)
      for i = 1, lines and #lines or 0 do
        local l, all = lines[i], true
        for _, n in ipairs(ns) do
          if not l:find(n, 1, true) then all = false break end
        end
        if all then return tidy(f) .. ":" .. i end
      end
    end
  end
  return tidy(at)
end

local WHAT = { icp = "criteria", health = "components and criteria", router = "rules taken",
               funnel = "stage criteria" }

--- revl._test_coverage() -> the coverage report of this file (text, one
--- line per model), or "" when coverage is off or no model was built
function revl._test_coverage()
  if not cov then return "" end
  local out = {}
  for _, e in ipairs(cov.order) do
    local total, hit, missed = #e.order, 0, {}
    for _, id in ipairs(e.order) do
      if e.hit[id] then
        hit = hit + 1
      else
        local it = e.items[id]
        missed[#missed + 1] = format("%s (%s)", it.label, tostring(defined_at(e, it.needles)))
      end
    end
    local head = format("  %s '%s': ", e.kind, e.name)
    if total == 0 then
      out[#out + 1] = head .. (e.kind == "router" and "routed no record" or
                               e.kind == "funnel" and "no stage has criteria" or "scored no record")
                      .. format(" (%s)", tidy(tostring(e.at)))
    else
      local line = format("%s%d/%d %s%s", head, hit, total, WHAT[e.kind],
                          e.kind == "router" and "" or " exercised")
      if #missed > 0 then
        line = line .. (e.kind == "router" and "; never taken: " or "; not: ") .. concat(missed, ", ")
      end
      out[#out + 1] = line
    end
  end
  if #out == 0 then return "" end
  return concat(out, "\n") .. "\n"
end

-- ---- running ----------------------------------------------------------------

local function xml(s)
  return (tostring(s):gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

local function matches(name, pattern)
  if not pattern or pattern == "" then return true end
  return name:find(pattern, 1, true) ~= nil
end

--- revl._test_run(file, pattern, verbose) -> passed, failed, skipped, junit
function revl._test_run(file, pattern, verbose)
  local passed, failed, skipped = 0, 0, 0
  local xmlc = {}
  for _, c in ipairs(cases) do
    if not matches(c.name, pattern) then
      skipped = skipped + 1
    else
      local t = setmetatable({ checks = 0, name = c.name }, T)
      local t0 = os.clock()
      local ok, e = pcall(c.fn, t)
      local dt = os.clock() - t0
      local text
      if ok then
        passed = passed + 1
        if verbose then print(format("ok   %s (%s)", c.name, c.at)) end
        xmlc[#xmlc + 1] = format('    <testcase classname="%s" name="%s" time="%.3f"/>',
                                 xml(file), xml(c.name), dt)
      else
        failed = failed + 1
        if getmetatable(e) == Failure then
          text = format("%s: %s", e.at, e.msg)
          if e.reasons then text = text .. "\n  reasons: " .. e.reasons end
        else
          text = "error: " .. tostring(e)
        end
        print(format("FAIL %s (%s)\n  %s", c.name, c.at, (text:gsub("\n", "\n  "))))
        xmlc[#xmlc + 1] = format('    <testcase classname="%s" name="%s" time="%.3f">\n'
                                 .. '      <failure message="%s">%s</failure>\n    </testcase>',
                                 xml(file), xml(c.name), dt, xml((text:match("[^\n]*"))),
                                 xml(c.at .. "\n" .. text))
      end
    end
  end
  local suite = format('  <testsuite name="%s" tests="%d" failures="%d" skipped="%d">\n%s%s  </testsuite>\n',
                       xml(file), passed + failed, failed, skipped, concat(xmlc, "\n"),
                       #xmlc > 0 and "\n" or "")
  return passed, failed, skipped, suite, #cases
end
