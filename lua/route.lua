-- lua/route.lua -- the Lua half of the rules engine, part 2: business
-- calendars, funnels, lead routing and SLAs (docs/routing.md).
--
-- Definitions are checked here for their shape (unknown options, types,
-- weights, hours) and compiled by src/lua/l_route.c against the data
-- (fields, criteria, rep ids).  Every constructor and method is wrapped
-- by C.guard: an error in a definition reads "playbook.lua:LINE: ..."
-- with the line of the playbook that made the call.
local revl, internals = ...

local C = rawget(revl, "_route")
rawset(revl, "_route", nil)

local type, tostring, tonumber, pairs, ipairs, setmetatable, pcall, error, select =
  type, tostring, tonumber, pairs, ipairs, setmetatable, pcall, error, select
local sort, concat = table.sort, table.concat
local format, mtype, floor = string.format, math.type, math.floor
local next, getmetatable = next, getmetatable
local guard = C.guard

local function fail(fmt, ...)
  error(format(fmt, ...), 0)
end

-- Run fn(...); an error message gets `context` in front.
local function within(context, fn, ...)
  local ok, a, b, c = pcall(fn, ...)
  if not ok then
    if type(a) == "string" then
      a = a:gsub("lua/route%.lua:%d+: ", "")
      error(context .. a, 0)
    end
    error(a, 0)
  end
  return a, b, c
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys, function(a, b)
    if type(a) == type(b) then return a < b end
    return type(a) == "number"
  end)
  return keys
end

-- Options of a definition table must be known ones: typos are errors.
local function check_keys(t, allowed, what)
  for k in pairs(t) do
    if type(k) ~= "string" or not allowed[k] then
      local names = sorted_keys(allowed)
      fail("%sunknown option '%s' (known: %s)", what ~= "" and what .. ": " or "", tostring(k),
           concat(names, ", "))
    end
  end
end

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function is_list(t)
  return type(t) == "table" and (#t > 0 or next(t) == nil)
end

local function text_list(v, what)
  if type(v) == "string" then return { v } end
  if type(v) ~= "table" then fail("%s must be a list of names, not %s", what, type(v)) end
  local out = {}
  for i, x in ipairs(v) do
    if type(x) ~= "string" then fail("%s[%d] must be text, not %s", what, i, type(x)) end
    out[i] = x
  end
  for k in pairs(v) do
    if mtype(k) ~= "integer" or k < 1 or k > #v then fail("%s must be a list", what) end
  end
  return out
end

-- The records a definition is about: a table name or a view.
local function records_of(spec, default, what)
  local r = spec.records or default
  if type(r) == "string" then
    local v = revl[r]
    if v == nil then
      fail("%s: no '%s' table is loaded (run with --data DIR)", what, r)
    end
    return v, r
  end
  if type(r) == "userdata" and r.name then return r, r:name() end
  fail("%s: records must be a table name or a view, not %s", what, type(r))
end

local function has_column(view, name)
  for _, c in ipairs(view:columns()) do if c == name then return true end end
  return false
end

-- ---- calendars ---------------------------------------------------------------

local DAYS = { mon = 1, tue = 2, wed = 3, thu = 4, fri = 5, sat = 6, sun = 7,
               monday = 1, tuesday = 2, wednesday = 3, thursday = 4, friday = 5,
               saturday = 6, sunday = 7, tues = 2, weds = 3, thur = 4, thurs = 4 }

local function day_number(s, what)
  local d = type(s) == "string" and DAYS[s:lower()]
  if not d then fail("%s: unknown day '%s' (Mon .. Sun)", what, tostring(s)) end
  return d
end

local function parse_hhmm(s, what)
  if type(s) ~= "string" then
    fail("%s: hours malformed: %s (want \"HH:MM\")", what, tostring(s))
  end
  local h, m = s:match("^%s*(%d%d?):(%d%d)%s*$")
  h, m = tonumber(h), tonumber(m)
  if not h or m > 59 or h > 24 or (h == 24 and m > 0) then
    fail("%s: hours malformed: '%s' (want \"HH:MM\", 00:00 .. 24:00)", what, s)
  end
  return h * 60 + m
end

local function calendar_new(spec)
  local what = "calendar"
  if type(spec) ~= "table" then fail("calendar: expected a table, got %s", type(spec)) end
  check_keys(spec, set { "timezone", "tz", "hours", "days", "holidays", "name" }, what)
  local tz = spec.timezone or spec.tz or "UTC"
  if type(tz) ~= "string" then fail("calendar: timezone must be a zone name like \"America/New_York\"") end
  local hours = spec.hours or { "09:00", "17:00" }
  if type(hours) ~= "table" or #hours ~= 2 then
    fail("calendar: hours malformed: want {\"HH:MM\", \"HH:MM\"}")
  end
  local open, close = parse_hhmm(hours[1], what), parse_hhmm(hours[2], what)
  if open >= close then
    fail("calendar: hours malformed: '%s' is not before '%s'", hours[1], hours[2])
  end
  local mask = 0
  local days = spec.days or "Mon-Fri"
  if type(days) == "string" then
    local a, b = days:match("^%s*(%a+)%s*%-%s*(%a+)%s*$")
    if a then
      local x, y = day_number(a, what), day_number(b, what)
      local d = x
      while true do
        mask = mask | (1 << (d - 1))
        if d == y then break end
        d = d % 7 + 1
      end
    else
      days = { days }
    end
  end
  if type(days) == "table" then
    if #days == 0 then fail("calendar: days: a calendar needs working days") end
    for _, d in ipairs(days) do mask = mask | (1 << (day_number(d, what) - 1)) end
  end
  local hol = {}
  for i, h in ipairs(spec.holidays or {}) do
    local ok, d = pcall(revl.date, h)
    if not ok or d == nil then
      fail("calendar: holiday %d: not a date: %s", i, tostring(h))
    end
    hol[#hol + 1] = d.days
  end
  return C.cal_new { tz = tz, open = open, close = close, days = mask, holidays = hol }
end

revl.calendar = guard(calendar_new)

local function check_calendar(cal, what)
  if cal == nil then return nil end
  if type(cal) == "table" then return calendar_new(cal) end
  local ok = type(cal) == "userdata" and pcall(function() return cal:timezone() end)
  if not ok then fail("%s: calendar must be made by revl.calendar{...}", what) end
  return cal
end

-- ---- JSON (state files) ------------------------------------------------------

local function json_str(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local esc = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return esc[c] or format("\\u%04x", c:byte())
  end) .. '"'
end

local function json_encode(v, indent, out)
  out = out or {}
  indent = indent or ""
  local t = type(v)
  if t == "table" then
    local inner = indent .. "  "
    if #v > 0 then
      out[#out + 1] = "["
      for i, x in ipairs(v) do
        out[#out + 1] = i > 1 and ", " or ""
        json_encode(x, inner, out)
      end
      out[#out + 1] = "]"
    elseif next(v) == nil then
      out[#out + 1] = "{}"
    else
      out[#out + 1] = "{\n"
      local keys = sorted_keys(v)
      for i, k in ipairs(keys) do
        out[#out + 1] = inner .. json_str(tostring(k)) .. ": "
        json_encode(v[k], inner, out)
        out[#out + 1] = i < #keys and ",\n" or "\n"
      end
      out[#out + 1] = indent .. "}"
    end
  elseif t == "string" then
    out[#out + 1] = json_str(v)
  elseif t == "number" then
    out[#out + 1] = mtype(v) == "integer" and format("%d", v) or format("%.17g", v)
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  else
    out[#out + 1] = "null"
  end
  return out
end

-- State files are read by C (src/rules/route_state.c): a broken one names
-- the byte where it broke.
local function json_decode(s, name)
  local v, msg, pos = C.state_decode(s)
  if msg then fail("%s: not a state file: %s at byte %d", name, msg, pos) end
  return v
end
internals.json_encode = function(v) return concat(json_encode(v)) .. "\n" end
internals.json_decode = json_decode

-- ---- routers -----------------------------------------------------------------

local Router = {}
Router.__index = Router
Router.__name = "revl.router"

local MODES = { round_robin = true, lowest = true, weighted = true }
local STRATEGIES = { "owner_field", "account_owner", "pool", "team", "territory", "queue", "owner" }

local function rep_exists(reps, id)
  return type(id) == "string" and reps:get(id) ~= nil
end

-- Weights for a pool's members: a reps column, or {id = weight}.
local function pool_weights(r, ids, weights, what)
  if weights == nil then return nil end
  local w = {}
  if type(weights) == "string" then
    if not has_column(r._reps, weights) then
      fail("%sweights: reps has no column '%s'", what, weights)
    end
    for i, id in ipairs(ids) do
      local row = r._reps:get(id)
      local x = row and row[weights]
      if type(x) ~= "number" then fail("%sweights: rep '%s' has no %s", what, id, weights) end
      if x < 0 then fail("%sweights must be >= 0: '%s' has %s", what, id, tostring(x)) end
      w[i] = x
    end
  elseif type(weights) == "table" then
    for k, x in pairs(weights) do
      if type(x) ~= "number" then fail("%sweight of '%s' must be a number", what, tostring(k)) end
      if x < 0 then fail("%sweights must be >= 0: '%s' has %s", what, tostring(k), tostring(x)) end
    end
    for i, id in ipairs(ids) do
      if weights[id] == nil then fail("%sweights: no weight for rep '%s'", what, id) end
      w[i] = weights[id]
    end
  else
    fail("%sweights must be a reps column or {rep = weight}", what)
  end
  return w
end

local function team_members(r, team, what)
  if r._teams[team] then return r._teams[team] end
  if r._explicit_teams then fail("%steam '%s' is not in teams", what, team) end
  if not has_column(r._reps, "team") then fail("%sreps has no team column", what) end
  local ids = {}
  for id, t in r._reps:rows("id", "team") do
    if t == team then ids[#ids + 1] = id end
  end
  -- a team with no reps routes nothing: the rule does not apply and the
  -- trail says so (revl check warns: empty-team)
  r._teams[team] = ids
  return ids
end

local function team_pool(r, team, mode, weights, what)
  local ids = team_members(r, team, what)
  local key = "team:" .. team
  if mode ~= "round_robin" then key = key .. "/" .. mode end
  if mode == "weighted" and type(weights) == "string" then key = key .. ":" .. weights end
  if mode == "weighted" and type(weights) == "table" then
    local parts = {}
    for _, id in ipairs(ids) do parts[#parts + 1] = id .. "=" .. tostring(weights[id]) end
    key = key .. ":" .. concat(parts, ",")
  end
  local w = mode == "weighted" and pool_weights(r, ids, weights or {}, what) or nil
  return C.router_pool(r._ud, key, team, mode, ids, w)
end

local function compile_territory(r, map, mode, weights, what, depth)
  if depth > 16 then fail("%sterritory maps nest too deeply", what) end
  if type(map) ~= "table" then fail("%sterritory must be a table {field = {value = team}}", what) end
  local field, entries
  for k, v in pairs(map) do
    if k ~= "default" then
      if field then fail("%sa territory map has one field per level (%s and %s); nest maps for more", what, field, tostring(k)) end
      if type(k) ~= "string" then fail("%sterritory fields are names", what) end
      field, entries = k, v
    end
  end
  if not field then fail("%sterritory needs a field: {country = {US = \"AE East\"}}", what) end
  if type(entries) ~= "table" then fail("%sterritory '%s' must map values to teams", what, field) end
  local function child(target, label)
    if type(target) == "string" then
      return team_pool(r, target, mode, weights, what)
    elseif type(target) == "table" then
      return -compile_territory(r, target, mode, weights, what, depth + 1) - 1
    end
    fail("%sterritory %s must be a team name or a nested map", what, label)
  end
  local keys, children = {}, {}
  for _, value in ipairs(sorted_keys(entries)) do
    if type(value) ~= "string" then fail("%sterritory values of '%s' must be text", what, field) end
    keys[#keys + 1] = value
    children[#children + 1] = child(entries[value], field .. " = " .. value)
  end
  local dflt = map.default ~= nil and child(map.default, "default") or nil
  return C.router_terr(r._ud, field, keys, children, dflt)
end

local RULE_KEYS = set { "name", "when", "mode", "weights", "overflow",
  "owner_field", "account_owner", "pool", "team", "territory", "queue", "owner" }

local function compile_rule(r, i, rule)
  if type(rule) ~= "table" then fail("a rule is a table, not %s", type(rule)) end
  local what = ""
  check_keys(rule, RULE_KEYS, what)
  local strategy
  for _, s in ipairs(STRATEGIES) do
    if rule[s] ~= nil then
      if strategy then fail("%sone strategy per rule (%s and %s)", what, strategy, s) end
      strategy = s
    end
  end
  if not strategy then
    fail("%sno strategy (one of %s)", what, concat(STRATEGIES, ", "))
  end
  local mode = rule.mode or "round_robin"
  if mode == "order" or mode == "rr" then mode = "round_robin" end
  if not MODES[mode] then fail("%sunknown mode '%s' (round_robin, lowest or weighted)", what, tostring(mode)) end
  local overflow = rule.overflow or "fallback"
  if overflow ~= "fallback" and overflow ~= "next" then
    fail("%soverflow must be \"fallback\" or \"next\"", what)
  end
  local kind, arg
  if strategy == "owner_field" then
    if type(rule.owner_field) ~= "string" then fail("%sowner_field must be a field name", what) end
    kind, arg = "owner_field", rule.owner_field
  elseif strategy == "account_owner" then
    local opts = rule.account_owner
    if opts == true then opts = {} end
    if type(opts) ~= "table" then fail("%saccount_owner must be true or a table of options", what) end
    check_keys(opts, set { "email", "domain", "company", "account_domain", "account_name",
                           "owner_from", "freemail" }, "account_owner")
    if opts.freemail ~= nil then text_list(opts.freemail, "freemail") end
    C.router_account(r._ud, opts)
    kind = "account"
  elseif strategy == "pool" then
    local pool, ids, weights = rule.pool, {}, rule.weights
    if type(pool) ~= "table" then fail("%spool must be a list of rep ids", what) end
    if #pool > 0 then
      ids = text_list(pool, "pool")
    else
      -- {R0001 = 3, R0002 = 1}: weights
      if next(pool) == nil then fail("%spool has no reps (a pool with no reps)", what) end
      for _, id in ipairs(sorted_keys(pool)) do
        if type(id) ~= "string" then fail("%spool keys must be rep ids", what) end
        ids[#ids + 1] = id
      end
      weights = weights or pool
      if rule.mode == nil then mode = "weighted" end
    end
    for _, id in ipairs(ids) do
      if not rep_exists(r._reps, id) then fail("%sunknown rep id '%s' in pool (not in reps)", what, id) end
    end
    local w = mode == "weighted" and pool_weights(r, ids, weights or {}, what) or nil
    if mode ~= "weighted" and weights ~= nil then
      fail("%sweights need mode = \"weighted\"", what)
    end
    arg = C.router_pool(r._ud, "rule:" .. r._rule_names[i], r._rule_names[i], mode, ids, w)
    kind = "pool"
  elseif strategy == "team" then
    if type(rule.team) ~= "string" then fail("%steam must be a team name", what) end
    arg = team_pool(r, rule.team, mode, rule.weights, what)
    kind = "pool"
  elseif strategy == "territory" then
    arg = compile_territory(r, rule.territory, mode, rule.weights, what, 0)
    kind = "territory"
  elseif strategy == "queue" then
    if type(rule.queue) ~= "string" then fail("%squeue must be a name", what) end
    arg = C.router_queue(r._ud, rule.queue)
    kind = "queue"
  elseif strategy == "owner" then
    if type(rule.owner) ~= "string" then fail("%sowner must be a rep id", what) end
    if not rep_exists(r._reps, rule.owner) then fail("%sunknown rep id '%s' (not in reps)", what, rule.owner) end
    kind, arg = "rep", rule.owner
  end
  if rule.when ~= nil and type(rule.when) ~= "table" and type(rule.when) ~= "function" then
    fail("%swhen must be criteria (a table or a function)", what)
  end
  C.router_rule(r._ud, r._rule_names[i], rule.when, kind, arg, overflow == "next")
  return { name = r._rule_names[i], strategy = strategy, mode = mode }
end

local ROUTER_KEYS = set { "name", "records", "time", "calendar", "caps", "teams", "rules",
                          "fallback", "reps" }

local function router_new(spec)
  if type(spec) ~= "table" then fail("router: expected a table, got %s", type(spec)) end
  local name = spec.name or "router"
  local what = "router '" .. tostring(name) .. "'"
  check_keys(spec, ROUTER_KEYS, what)
  local view, tname = records_of(spec, "leads", what)
  local reps = spec.reps or revl.reps
  if reps == nil then fail("%s: routing needs the reps table (not loaded)", what) end
  local time = spec.time
  if time == nil and has_column(view, "created_at") then time = "created_at" end
  local ud = within(what .. ": ", C.router_new, view, reps, time)
  local r = setmetatable({ name = name, records = tname, time = time, _ud = ud, _view = view, _reps = reps,
                           _teams = {}, _rule_names = {}, rules = {} }, Router)
  if spec.calendar ~= nil then
    C.router_calendar(ud, within(what .. ": ", check_calendar, spec.calendar, what))
  end
  if spec.teams ~= nil then
    if type(spec.teams) ~= "table" then fail("%s: teams must be {team = {rep ids}}", what) end
    r._explicit_teams = true
    for team, ids in pairs(spec.teams) do
      local list = within(what .. ": ", text_list, ids, "team '" .. tostring(team) .. "'")
      for _, id in ipairs(list) do
        if not rep_exists(reps, id) then
          fail("%s: team '%s': unknown rep id '%s' (not in reps)", what, tostring(team), id)
        end
      end
      r._teams[team] = list
    end
  end
  if spec.caps ~= nil then
    if type(spec.caps) ~= "table" then fail("%s: caps must be {day = n, week = n, month = n}", what) end
    check_keys(spec.caps, set { "day", "week", "month" }, what .. ": caps")
    for _, p in ipairs { "day", "week", "month" } do
      if spec.caps[p] ~= nil then within(what .. ": caps: ", C.router_caps, ud, p, spec.caps[p]) end
    end
  end
  local rules = spec.rules
  if type(rules) ~= "table" or #rules == 0 then fail("%s: rules must be a non-empty list", what) end
  local seen = {}
  for i, rule in ipairs(rules) do
    local rn = type(rule) == "table" and rule.name or ("rule " .. i)
    if type(rn) ~= "string" then fail("%s: rule %d: name must be text", what, i) end
    if seen[rn] then fail("%s: rule %d: the name '%s' is used twice", what, i, rn) end
    seen[rn] = true
    r._rule_names[i] = rn
  end
  for i, rule in ipairs(rules) do
    local ctx = format("%s: rule %d '%s': ", what, i, r._rule_names[i])
    r.rules[i] = within(ctx, compile_rule, r, i, rule)
  end
  local fb = spec.fallback or "Unassigned"
  if type(fb) ~= "string" then fail("%s: fallback must be a queue name or a rep id", what) end
  C.router_fallback(ud, fb)
  r.fallback = fb
  return r
end

function Router:route(view)
  return C.router_route(self._ud, view or self._view)
end

function Router:state()
  local s = C.router_state(self._ud)
  s.router = self.name
  return s
end

function Router:set_state(s)
  if type(s) ~= "table" then fail("router state must be a table") end
  if s.router ~= nil and s.router ~= self.name then
    fail("state is for router '%s', not '%s'", tostring(s.router), tostring(self.name))
  end
  -- all or nothing: a state that fails half way puts the old one back
  local prev = C.router_state(self._ud)
  local ok, err = pcall(C.router_set_state, self._ud, s)
  if not ok then
    C.router_set_state(self._ud, prev)
    error(err, 0)
  end
  return self
end

-- The file is written by C (src/rules/route_state.c) in the layout
-- internals.json_encode gives the state table; a name that is a table is
-- left to that encoder.
function Router:save_state(path)
  if type(path) ~= "string" then fail("save_state: path must be text") end
  if type(self.name) == "table" then
    return C.write_text(path, internals.json_encode(self:state()))
  end
  return C.router_save_state(self._ud, path, self.name)
end

function Router:load_state(path)
  if type(path) ~= "string" then fail("load_state: path must be text") end
  local text, full = C.read_text(path)
  local s = json_decode(text, full)
  if type(s) ~= "table" then fail("%s: not a state file", full) end
  within(full .. ": ", Router.set_state, self, s)
  return self
end

-- The records of view (default: all) after the last one routed, in
-- routing order (time, then key): what a daily run routes after loading
-- yesterday's state.
function Router:pending(view)
  view = view or self._view
  local last = C.router_state(self._ud).last
  if not last then return view end
  if not self.time or not last.at then
    fail("pending: the router has no time field to compare with")
  end
  local at = revl.datetime(last.at)
  if last.id and has_column(view, "id") then
    return view:where { any = {
      { self.time, ">", at },
      { all = { { self.time, "=", at }, { "id", ">", last.id } } },
    } }
  end
  return view:where { { self.time, ">", at } }
end

function Router:reset()
  C.router_reset(self._ud)
  return self
end

function Router:__tostring()
  return format("router '%s' (%d rules, %s)", tostring(self.name), #self.rules, self.records)
end

-- routing results: C methods plus these
local Routing = C.meta.routing.__index

function Routing:get(k)
  if type(k) == "string" then
    local i = self:position(k)
    return i and self:at(i) or nil
  end
  return self:at(k)
end

local ROUTING_COLUMNS = { "id", "at", "owner", "owner_name", "kind", "rule", "strategy",
                          "team", "account_id", "match", "considered", "n_skipped", "skipped" }

function Routing:frame()
  return revl.frame(self:rows(), ROUTING_COLUMNS)
end

-- Assignments per owner (rep or queue): owner, kind, n; most first.
function Routing:by_owner()
  local n, kind, names = {}, {}, {}
  for _, a in ipairs(self:rows()) do
    local o = a.owner or "(none)"
    n[o] = (n[o] or 0) + 1
    kind[o] = a.kind
    names[o] = a.owner_name
  end
  local out = {}
  for o, k in pairs(n) do out[#out + 1] = { owner = o, name = names[o], kind = kind[o], n = k } end
  sort(out, function(a, b)
    if a.n ~= b.n then return a.n > b.n end
    return a.owner < b.owner
  end)
  return revl.frame(out, { "owner", "name", "kind", "n" })
end

-- Assignments per rule, in rule order then the fallback.
function Routing:by_rule()
  local by, out = {}, {}
  for _, a in ipairs(self:rows()) do
    local g = by[a.rule]
    if not g then
      g = { rule = a.rule, strategy = a.strategy, n = 0, _i = a.rule_index or math.huge }
      by[a.rule] = g
      out[#out + 1] = g
    end
    g.n = g.n + 1
  end
  sort(out, function(x, y) return x._i < y._i end)
  for _, g in ipairs(out) do g._i = nil end
  return revl.frame(out, { "rule", "strategy", "n" })
end

-- ---- funnels -------------------------------------------------------------------

local Funnel = {}
Funnel.__index = Funnel
Funnel.__name = "revl.funnel"

local STAGE_KEYS = set { "name", "definition", "entry", "exit", "required", "owner_role",
                         "sla_days", "probability", "forecast_category", "values", "entered" }
local FUNNEL_KEYS = set { "name", "records", "stage_field", "terminal", "owner", "forecast_field",
                          "history", "calendar", "stages", "kind" }

local function funnel_new(spec)
  if type(spec) ~= "table" then fail("funnel: expected a table, got %s", type(spec)) end
  local name = spec.name or "funnel"
  local what = "funnel '" .. tostring(name) .. "'"
  check_keys(spec, FUNNEL_KEYS, what)
  local view, tname = records_of(spec, "deals", what)
  local stage_field = spec.stage_field
  if stage_field == nil then
    stage_field = has_column(view, "stage") and "stage" or has_column(view, "status") and "status" or nil
    if not stage_field then fail("%s: stage_field is needed (%s has no stage or status column)", what, tname) end
  end
  local opts = { stage_field = stage_field, owner = spec.owner, forecast_field = spec.forecast_field,
                 history = spec.history }
  if spec.terminal ~= nil then opts.terminal = within(what .. ": ", text_list, spec.terminal, "terminal") end
  if spec.calendar ~= nil then opts.calendar = within(what .. ": ", check_calendar, spec.calendar, what) end
  local ud = within(what .. ": ", C.funnel_new, view, opts)
  local f = setmetatable({ name = name, records = tname, stage_field = stage_field, _ud = ud,
                           _view = view, stages = {}, _index = {} }, Funnel)
  local stages = spec.stages
  if type(stages) ~= "table" or #stages == 0 then fail("%s: stages must be a non-empty list", what) end
  local required = {}
  local seen_req = {}
  for i, st in ipairs(stages) do
    local ctx = format("%s: stage %d: ", what, i)
    if type(st) ~= "table" then fail("%sa stage is a table", ctx) end
    within(ctx, check_keys, st, STAGE_KEYS, "stage")
    if type(st.name) ~= "string" then fail("%sname must be text", ctx) end
    ctx = format("%s: stage %d '%s': ", what, i, st.name)
    if f._index[st.name] then fail("%sthe name is used twice", ctx) end
    if st.probability ~= nil and (type(st.probability) ~= "number" or st.probability < 0 or st.probability > 1) then
      fail("%sprobability must be a number from 0 to 1", ctx)
    end
    if st.sla_days ~= nil and (mtype(st.sla_days) ~= "integer" or st.sla_days < 0) then
      fail("%ssla_days must be a whole number of days >= 0", ctx)
    end
    for _, k in ipairs { "definition", "owner_role", "forecast_category", "entered" } do
      if st[k] ~= nil and type(st[k]) ~= "string" then fail("%s%s must be text", ctx, k) end
    end
    for _, k in ipairs { "entry", "exit" } do
      if st[k] ~= nil and type(st[k]) ~= "table" and type(st[k]) ~= "function" then
        fail("%s%s must be criteria (a table or a function)", ctx, k)
      end
    end
    local req = st.required and within(ctx, text_list, st.required, "required") or {}
    for _, r in ipairs(req) do
      if not seen_req[r] then
        seen_req[r] = true
        required[#required + 1] = r
      end
    end
    local values = st.values and within(ctx, text_list, st.values, "values") or { st.name }
    local cum = {}
    for k, r in ipairs(required) do cum[k] = r end
    within(ctx, C.funnel_stage, ud, { name = st.name, entry = st.entry, exit = st.exit, values = values,
                                     required = cum, entered = st.entered, sla_days = st.sla_days,
                                     role = st.owner_role, forecast = st.forecast_category })
    local info = { order = i, name = st.name, definition = st.definition, probability = st.probability,
                   forecast_category = st.forecast_category, sla_days = st.sla_days,
                   owner_role = st.owner_role, required = cum, values = values }
    f.stages[i] = info
    f._index[st.name] = info
  end
  -- group_by(stage_field) and the stage metrics follow this funnel's order
  C.funnel_order(ud, tostring(name))
  return f
end

local AUDIT_COLUMNS = { "id", "recorded", "stage", "status", "entry_met", "ready", "furthest",
                        "missing", "days_in_stage", "sla_days", "sla_breached", "owner",
                        "n_violations", "violations" }

function Funnel:audit(view)
  local rows = C.funnel_audit(self._ud, view or self._view)
  local fr = revl.frame(rows, AUDIT_COLUMNS)
  fr.funnel = self
  return fr
end

local function median(xs)
  if #xs == 0 then return nil end
  sort(xs)
  local m = (#xs + 1) // 2
  if #xs % 2 == 1 then return xs[m] end
  return (xs[m] + xs[m + 1]) / 2
end

local SUMMARY_COLUMNS = { "order", "stage", "records", "violations", "entry_not_met", "behind",
                          "missing_fields", "sla_breached", "owner_role", "forecast_category",
                          "ready", "avg_days", "median_days", "probability" }

-- Per stage (funnel order, then closed and unknown values): records and
-- how many show each kind of violation.
function Funnel:summary(audit)
  audit = audit or self:audit()
  local by, order = {}, {}
  local function row_for(stage)
    local r = by[stage]
    if not r then
      local info = self._index[stage]
      r = { stage = stage, order = info and info.order or nil, records = 0, violations = 0,
            entry_not_met = 0, behind = 0, missing_fields = 0, sla_breached = 0, owner_role = 0,
            forecast_category = 0, ready = 0, probability = info and info.probability or nil,
            _days = {} }
      by[stage] = r
      order[#order + 1] = r
    end
    return r
  end
  for _, st in ipairs(self.stages) do row_for(st.name) end
  for _, a in ipairs(audit) do
    local r = row_for(a.stage or "(none)")
    r.records = r.records + 1
    if a.n_violations and a.n_violations > 0 then r.violations = r.violations + 1 end
    if a.ready then r.ready = r.ready + 1 end
    for _, v in ipairs(a.details or {}) do
      if r[v.code] ~= nil then r[v.code] = r[v.code] + 1 end
    end
    if a.days_in_stage then r._days[#r._days + 1] = a.days_in_stage end
  end
  for _, r in ipairs(order) do
    local sum = 0
    for _, d in ipairs(r._days) do sum = sum + d end
    if #r._days > 0 then r.avg_days = floor(sum / #r._days * 10 + 0.5) / 10 end
    r.median_days = median(r._days)
    r._days = nil
  end
  sort(order, function(a, b)
    if (a.order ~= nil) ~= (b.order ~= nil) then return a.order ~= nil end
    if a.order then return a.order < b.order end
    return a.stage < b.stage
  end)
  local f = revl.frame(order, SUMMARY_COLUMNS)
  f.kinds = { avg_days = "days", median_days = "days", probability = "ratio" }
  return f
end

-- The stages with their probability and forecast category, for metrics.
function Funnel:stage_table()
  local out = {}
  for i, st in ipairs(self.stages) do
    out[i] = { order = i, stage = st.name, probability = st.probability,
               forecast_category = st.forecast_category, sla_days = st.sla_days,
               owner_role = st.owner_role, definition = st.definition }
  end
  return revl.frame(out, { "order", "stage", "probability", "forecast_category", "sla_days",
                           "owner_role", "definition" })
end

function Funnel:probability(stage)
  local st = self._index[stage]
  return st and st.probability or nil
end

function Funnel:stage(name) return self._index[name] end

function Funnel:stage_names()
  local out = {}
  for i, st in ipairs(self.stages) do out[i] = st.name end
  return out
end

function Funnel:__tostring()
  return format("funnel '%s' (%s, %d stages)", tostring(self.name), self.records, #self.stages)
end

-- ---- SLAs ------------------------------------------------------------------------

local Sla = {}
Sla.__index = Sla
Sla.__name = "revl.sla"

local SLA_KEYS = set { "name", "records", "calendar", "owner", "start", "stop", "via", "targets" }
local TARGET_KEYS = set { "kind", "name", "when", "start", "stop", "minutes", "hours", "days" }

local function parse_stop(stop, what)
  if stop == nil then return nil end
  if type(stop) == "string" then return { field = stop } end
  if type(stop) ~= "table" then fail("%s: stop must be a field or {activity = {types}}", what) end
  check_keys(stop, set { "field", "activity" }, what .. ": stop")
  local out = { field = stop.field }
  if stop.field ~= nil and type(stop.field) ~= "string" then fail("%s: stop.field must be a field name", what) end
  if stop.activity == true then
    out.activity = true
  elseif stop.activity ~= nil then
    out.activity = text_list(stop.activity, what .. ": stop.activity")
  end
  if out.field == nil and out.activity == nil then fail("%s: stop needs a field or activity types", what) end
  return out
end

local function sla_new(spec)
  if type(spec) ~= "table" then fail("sla: expected a table, got %s", type(spec)) end
  local name = spec.name or "sla"
  local what = "sla '" .. tostring(name) .. "'"
  check_keys(spec, SLA_KEYS, what)
  local view, tname = records_of(spec, "leads", what)
  local cal = spec.calendar ~= nil and within(what .. ": ", check_calendar, spec.calendar, what) or nil
  local ud = within(what .. ": ", C.sla_new, view, { owner = spec.owner, via = spec.via, calendar = cal })
  local s = setmetatable({ name = name, records = tname, calendar = cal, _ud = ud, _view = view,
                           targets = {} }, Sla)
  local dstop = parse_stop(spec.stop, what)
  local targets = spec.targets
  if type(targets) ~= "table" or #targets == 0 then fail("%s: targets must be a non-empty list", what) end
  local seen = {}
  for i, t in ipairs(targets) do
    local ctx = format("%s: target %d: ", what, i)
    if type(t) ~= "table" then fail("%sa target is a table", ctx) end
    within(ctx, check_keys, t, TARGET_KEYS, "target")
    local kind = t.kind or t.name or ("target " .. i)
    if type(kind) ~= "string" then fail("%skind must be text", ctx) end
    if seen[kind] then fail("%sthe kind '%s' is used twice", ctx, kind) end
    seen[kind] = true
    ctx = format("%s: target %d '%s': ", what, i, kind)
    local n = 0
    local secs
    for unit, mult in pairs { minutes = 60, hours = 3600, days = 86400 } do
      if t[unit] ~= nil then
        n = n + 1
        if type(t[unit]) ~= "number" or t[unit] <= 0 then fail("%s%s must be a number > 0", ctx, unit) end
        secs = floor(t[unit] * mult + 0.5)
      end
    end
    if n ~= 1 then fail("%sgive the target as one of minutes, hours or days", ctx) end
    local stop = t.stop ~= nil and within(ctx, parse_stop, t.stop, "target") or dstop
    if not stop then fail("%sno stop: give stop = field or {activity = {types}}", ctx) end
    local start = t.start or spec.start or "created_at"
    if type(start) ~= "string" then fail("%sstart must be a field name", ctx) end
    if t.when ~= nil and type(t.when) ~= "table" and type(t.when) ~= "function" then
      fail("%swhen must be criteria (a table or a function)", ctx)
    end
    within(ctx, C.sla_kind, ud, { name = kind, when = t.when, start = start, stop = stop.field,
                                 activity = stop.activity, target = secs })
    s.targets[i] = { kind = kind, start = start, target_minutes = secs / 60 }
  end
  internals.remember("slas", s.records, s)
  return s
end

local LEDGER_COLUMNS = { "record", "kind", "owner", "team", "start", "stop", "activity",
                         "target_minutes", "minutes", "status", "breached" }
-- (rows also hold `seconds`, the exact business seconds)

-- The breach ledger: one row per measured record.  now: the instant open
-- clocks are measured to (default: the end of the as-of day, UTC).
function Sla:ledger(view, opts)
  if type(view) == "table" and opts == nil and not view.name then view, opts = nil, view end
  opts = opts or {}
  check_keys(opts, set { "now" }, "ledger")
  local now = opts.now or revl.datetime(tostring(revl.as_of + 1) .. "T00:00:00Z")
  local rows = C.sla_measure(self._ud, view or self._view, now)
  local fr = revl.frame(rows, LEDGER_COLUMNS)
  fr.sla = self
  return fr
end

local COMPLIANCE_COLUMNS = { "records", "met", "breached", "open", "open_breached", "compliance",
                             "median_minutes" }

-- Compliance per owner (or team, kind, or any ledger column): met /
-- (met + breached) over the closed clocks; open clocks counted apart.
function Sla:compliance(ledger, by)
  by = by or "owner"
  ledger = ledger or self:ledger()
  local groups, order = {}, {}
  for _, r in ipairs(ledger) do
    local k = r[by]
    if k == nil then k = "(none)" end
    local g = groups[k]
    if not g then
      g = { [by] = k, records = 0, met = 0, breached = 0, open = 0, open_breached = 0, _m = {} }
      groups[k] = g
      order[#order + 1] = g
    end
    g.records = g.records + 1
    g[r.status] = g[r.status] + 1
    if r.status == "met" or r.status == "breached" then g._m[#g._m + 1] = r.minutes end
  end
  for _, g in ipairs(order) do
    local closed = g.met + g.breached
    if closed > 0 then g.compliance = floor(g.met / closed * 10000 + 0.5) / 10000 end
    local m = median(g._m)
    g.median_minutes = m and floor(m * 10 + 0.5) / 10
    g._m = nil
  end
  sort(order, function(a, b) return tostring(a[by]) < tostring(b[by]) end)
  local cols = { by }
  for _, c in ipairs(COMPLIANCE_COLUMNS) do cols[#cols + 1] = c end
  local f = revl.frame(order, cols)
  f.kinds = { compliance = "ratio" }
  return f
end

function Sla:__tostring()
  return format("sla '%s' (%s, %d targets)", tostring(self.name), self.records, #self.targets)
end

-- ---- exports ---------------------------------------------------------------------

revl.router = guard(router_new)
revl.company_key = guard(C.company_key)
revl.domain_key = guard(C.domain_key)
revl.is_freemail = guard(C.is_freemail)
revl.funnel = guard(funnel_new)
revl.sla = guard(sla_new)

for _, cls in ipairs { Router, Funnel, Sla, Routing } do
  for k, fn in pairs(cls) do
    if type(fn) == "function" and not k:match("^__") then cls[k] = guard(fn) end
  end
end
do
  local CalMethods = C.meta.calendar.__index
  for k, fn in pairs(CalMethods) do CalMethods[k] = guard(fn) end
end

-- names used by the pretty printer
Router.__name = "revl.router"
Funnel.__name = "revl.funnel"
Sla.__name = "revl.sla"

return revl
