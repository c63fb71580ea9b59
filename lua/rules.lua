-- lua/rules.lua -- the Lua half of the rules engine (docs/rules.md).
-- Definitions given to revl.icp, revl.health, revl.scorecard,
-- revl.trigger and revl.criterion are checked and normalised here, then
-- built in C (src/lua/l_rules.c), which compiles their criteria against
-- the table's columns.  An error here becomes "FILE:LINE: revl.icp: ..."
-- at the playbook line that made the definition.  Triggers are
-- assembled here from conditions evaluated in C.
local revl, internals = ...
local C = revl._rules
revl._rules = nil

local type, pairs, ipairs, tostring, sort, concat, floor =
  type, pairs, ipairs, tostring, table.sort, table.concat, math.floor

local function fail(fmt, ...) error(fmt:format(...), 0) end
local format = string.format

local caller_at = internals.caller_at -- the playbook line that called into revl

local function table_view(name)
  if type(name) ~= "string" then fail("table must be a table name, not %s", type(name)) end
  local v = rawget(revl, name) == nil and revl[name] or nil
  if not v or not C.is_view(v) then
    fail("no '%s' table is loaded (run with --data DIR)", name)
  end
  return v
end

local function maybe_view(name)
  local ok, v = pcall(table_view, name)
  return ok and v or nil
end

local function check_keys(t, allowed, what)
  for k in pairs(t) do
    if type(k) ~= "number" and not allowed[k] then
      local names = {}
      for a in pairs(allowed) do names[#names + 1] = a end
      sort(names)
      fail("unknown option '%s' in %s (known: %s)", tostring(k), what, concat(names, ", "))
    end
  end
end

local function is_number(x) return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge end

local function nonneg(x, what)
  if x == nil then return nil end
  if not is_number(x) then fail("%s must be a number, not %s", what, type(x)) end
  if x < 0 then fail("%s must not be negative (%s)", what, tostring(x)) end
  return x
end

local function whole(x, what, min)
  if not is_number(x) or x ~= floor(x) or x < (min or 0) then
    fail("%s must be a whole number of days >= %d, not %s", what, min or 0, tostring(x))
  end
  return x
end

-- {{"A", 80}, {"B", 60}, {"C"}} or {{label = "A", min = 80}, ...}:
-- descending thresholds, only the last may have none
local function label_bands(list, what, example)
  if type(list) ~= "table" or #list == 0 then
    fail("%s must be a non-empty list like %s", what, example)
  end
  local out, seen = {}, {}
  for i, b in ipairs(list) do
    if type(b) ~= "table" then fail("%s: entry %d must be a table like %s", what, i, example) end
    local label, min = b.label or b[1], b.min
    if min == nil then min = b[2] end
    if type(label) == "number" then label = tostring(label) end
    if type(label) ~= "string" or label == "" then fail("%s: entry %d needs a label", what, i) end
    if seen[label] then fail("%s: label '%s' appears twice", what, label) end
    seen[label] = true
    if min ~= nil and not is_number(min) then
      fail("%s: the threshold of '%s' must be a number, not %s", what, label, type(min))
    end
    if min == nil and i < #list then
      fail("%s: only the last entry may have no threshold ('%s' has none)", what, label)
    end
    local prev = out[i - 1]
    if prev and min ~= nil and not (min < prev.min) then
      fail("%s must be in descending order: '%s' (%s) comes after '%s' (%s)", what, label,
           tostring(min), prev.label, tostring(prev.min))
    end
    out[i] = {label = label, min = min}
  end
  return out
end

-- metric bands for health: {{min, score}, ...} with descending mins
local function score_bands(list, what)
  local example = "{{0.8, 100}, {0.5, 60}, {0.2, 30}}"
  if type(list) ~= "table" or #list == 0 then fail("%s must be a non-empty list like %s", what, example) end
  local out = {}
  for i, b in ipairs(list) do
    if type(b) ~= "table" then fail("%s: entry %d must be {min, score}", what, i) end
    local min, score = b.min, b.score
    if min == nil then min = b[1] end
    if score == nil then score = b[2] end
    if not is_number(min) then fail("%s: entry %d needs a numeric lower bound", what, i) end
    if not is_number(score) or score < 0 or score > 100 then
      fail("%s: entry %d needs a score from 0 to 100", what, i)
    end
    if out[i - 1] and not (min < out[i - 1].min) then
      fail("%s must be in descending order: %s comes after %s", what, tostring(min),
           tostring(out[i - 1].min))
    end
    out[i] = {label = tostring(min), min = min, score = score}
  end
  return out
end

-- ---- ICP -------------------------------------------------------------------

local DEFAULT_TIERS = {{"A", 80}, {"B", 60}, {"C", 40}, {"D"}}
local DEFAULT_BANDS = {{"1", 50}, {"2", 20}, {"3"}}

local function read_decay(d)
  if d == nil then return nil end
  if type(d) ~= "table" then fail("engagement.decay must be a table like {half_life = 30}") end
  if d.half_life ~= nil then
    check_keys(d, {half_life = true}, "engagement.decay")
    if not is_number(d.half_life) or d.half_life <= 0 then
      fail("engagement.decay.half_life must be a positive number of days")
    end
    return {kind = "half_life", half_life = d.half_life}
  end
  local function factor(f, what)
    if not is_number(f) or f < 0 or f > 1 then fail("%s must be a number from 0 to 1", what) end
    return f
  end
  if d.every ~= nil then
    check_keys(d, {every = true, factor = true}, "engagement.decay")
    return {kind = "every", every = whole(d.every, "engagement.decay.every", 1),
            factor = factor(d.factor, "engagement.decay.factor")}
  end
  local steps = d.after ~= nil and {d} or d
  if #steps == 0 then
    fail("engagement.decay must be {half_life = N}, {after = N, factor = F}, a list of those, or {every = N, factor = F}")
  end
  local out = {}
  for i, s in ipairs(steps) do
    if type(s) ~= "table" then fail("engagement.decay step %d must be {after = N, factor = F}", i) end
    check_keys(s, {after = true, factor = true}, "engagement.decay step")
    local after = whole(s.after, "engagement.decay after", 0)
    if out[i - 1] and not (after > out[i - 1].after) then
      fail("engagement.decay steps must be in ascending order of 'after'")
    end
    out[i] = {after = after, factor = factor(s.factor, "engagement.decay factor")}
  end
  return {kind = "steps", steps = out}
end

local function read_engagement(e, tname)
  if e == nil then return nil end
  if type(e) ~= "table" then fail("engagement must be a table") end
  check_keys(e, {table = true, key = true, type = true, at = true, window = true, points = true,
                 decay = true, cap = true, bands = true}, "engagement")
  local atable = e.table or "activities"
  local view = table_view(atable)
  local key = e.key or (tname:gsub("s$", "") .. "_id")
  if not C.column_info(view, key) then fail("engagement: %s has no column '%s'%s", atable, key, C.column_hint(view, key)) end
  local ty, at = e.type or "type", e.at or "at"
  if not C.column_info(view, ty) then fail("engagement: %s has no column '%s'%s", atable, ty, C.column_hint(view, ty)) end
  if not C.column_info(view, at) then fail("engagement: %s has no column '%s'%s", atable, at, C.column_hint(view, at)) end
  if type(e.points) ~= "table" then
    fail("engagement.points must map activity types to points, e.g. {meeting = 10, email = 2}")
  end
  local pts = {}
  for k, v in pairs(e.points) do
    if type(k) ~= "string" then fail("engagement.points keys must be activity types (text)") end
    if not is_number(v) then fail("engagement.points.%s must be a number, not %s", k, type(v)) end
    pts[#pts + 1] = {k, v}
  end
  if #pts == 0 then fail("engagement.points is empty") end
  sort(pts, function(a, b) return a[1] < b[1] end)
  return {
    view = view, key = key, type = ty, at = at,
    window = whole(e.window or 90, "engagement.window", 1),
    points = pts, decay = read_decay(e.decay),
    cap = nonneg(e.cap, "engagement.cap"),
    bands = label_bands(e.bands or DEFAULT_BANDS, "engagement.bands", '{{"1", 50}, {"2", 20}, {"3"}}'),
  }
end

local function is_function_rule(r)
  return type(r) == "table" and type(r[1]) == "function" and r[2] == nil and r.all == nil
    and r.any == nil and r.none == nil
end

local function read_rules(list, gname)
  local rules = {}
  for i, r in ipairs(list) do
    if type(r) == "function" then
      rules[#rules + 1] = {fn = r, points = 0}
    elseif type(r) ~= "table" then
      fail("group '%s' rule %d must be a table {criterion..., points = N}, not %s", gname, i, type(r))
    elseif is_function_rule(r) then
      if r.points ~= nil and not is_number(r.points) then
        fail("group '%s' rule %d: points must be a number", gname, i)
      end
      rules[#rules + 1] = {fn = r[1], points = r.points or 0, name = r.name}
    else
      if not is_number(r.points) then
        fail("group '%s' rule %d%s needs points = N", gname, i,
             type(r.name) == "string" and (" ('" .. r.name .. "')") or "")
      end
      if r.name ~= nil and type(r.name) ~= "string" then
        fail("group '%s' rule %d: name must be a string", gname, i)
      end
      rules[#rules + 1] = {spec = r, points = r.points, name = r.name}
    end
  end
  if #rules == 0 then fail("group '%s' has no rules", gname) end
  return rules
end

local function define_icp(spec)
  if type(spec) ~= "table" then fail("takes a table {groups = ..., tiers = ...}, not %s", type(spec)) end
  check_keys(spec, {name = true, table = true, groups = true, rules = true, cap = true, tiers = true,
                    engagement = true, matrix = true}, "the model")
  local tname = spec.table or "accounts"
  local def = {name = spec.name or "icp", view = table_view(tname)}
  local groups = {}
  if spec.rules ~= nil then
    if spec.groups ~= nil then fail("give groups or rules, not both") end
    if type(spec.rules) ~= "table" then fail("rules must be a list of rules") end
    groups[1] = {name = "fit", list = spec.rules}
  elseif type(spec.groups) == "table" then
    if #spec.groups > 0 then
      for i, g in ipairs(spec.groups) do
        if type(g) ~= "table" then fail("group %d must be a table", i) end
        groups[#groups + 1] = {name = g.name or ("group" .. i), cap = g.cap, list = g.rules or g, g = g}
      end
    else
      local names = {}
      for k in pairs(spec.groups) do
        if type(k) ~= "string" then fail("groups must be named: groups = {firmographic = {...}}") end
        names[#names + 1] = k
      end
      sort(names)
      for _, k in ipairs(names) do
        local g = spec.groups[k]
        if type(g) ~= "table" then fail("group '%s' must be a table", k) end
        groups[#groups + 1] = {name = k, cap = g.cap, list = g.rules or g, g = g}
      end
    end
  else
    fail("needs groups = {name = {cap = N, {rule}, ...}} or rules = {...}")
  end
  if #groups == 0 then fail("has no groups") end
  def.groups = {}
  for _, g in ipairs(groups) do
    if g.g then check_keys(g.g, {name = true, cap = true, rules = true}, "group '" .. g.name .. "'") end
    if type(g.list) ~= "table" then fail("group '%s': rules must be a list", g.name) end
    def.groups[#def.groups + 1] = {name = g.name, cap = nonneg(g.cap, "group '" .. g.name .. "' cap"),
                                   rules = read_rules(g.list, g.name)}
  end
  def.cap = nonneg(spec.cap, "cap")
  def.tiers = label_bands(spec.tiers or DEFAULT_TIERS, "tiers", '{{"A", 80}, {"B", 60}, {"C", 40}, {"D"}}')
  def.engagement = read_engagement(spec.engagement, tname)
  if spec.matrix ~= nil then
    if type(spec.matrix) ~= "table" then fail("matrix must map labels to actions, e.g. {A1 = \"call now\"}") end
    local labels = {}
    for _, t in ipairs(def.tiers) do
      if def.engagement then
        for _, b in ipairs(def.engagement.bands) do labels[t.label .. b.label] = true end
      else
        labels[t.label] = true
      end
    end
    for k, v in pairs(spec.matrix) do
      if not labels[k] then
        local all = {}
        for l in pairs(labels) do all[#all + 1] = l end
        sort(all)
        fail("matrix: unknown label '%s' (labels: %s)", tostring(k), concat(all, " "))
      end
      if type(v) ~= "string" then fail("matrix: the action of %s must be text", k) end
    end
    local missing = {}
    for l in pairs(labels) do if spec.matrix[l] == nil then missing[#missing + 1] = l end end
    if #missing > 0 then
      sort(missing)
      internals.warn(format("%s: warning: ICP model '%s': the matrix has no action for %s; "
                            .. "those accounts get none", caller_at(), tostring(spec.name or "icp"),
                            concat(missing, ", ")))
    end
    def.matrix = spec.matrix
  end
  local m = C.icp_new(def)
  -- what the playbook defined, for revl diagnose PLAYBOOK
  internals.remember("icps", tname, m)
  return m
end

-- ---- health ----------------------------------------------------------------

local function check_metric(usage, metric, what)
  if usage:where{metric = metric}:count() == 0 then
    local names = {}
    for _, r in ipairs(usage:group_by("metric")) do names[#names + 1] = r.metric end
    fail("%s: the usage table has no metric '%s' (metrics: %s)", what, metric,
         #names > 0 and concat(names, ", ") or "none")
  end
end


local RESERVED = {id = true, score = true, band = true, reasons = true}
local SOURCES = {"criteria", "criterion", "field", "usage", "utilisation", "usage_growth", "fn", "values"}

local function values_fn(c, cname)
  local map, vals = {}, c.values
  if C.is_frame(vals) or (type(vals) == "table" and vals.columns) then
    local key, col = c.key or "id", c.value
    if type(col) ~= "string" then fail("component '%s': values from a frame need value = \"column\"", cname) end
    for i = 1, #vals do
      local r = vals[i]
      if r[key] ~= nil then map[r[key]] = r[col] end
    end
  elseif type(vals) == "table" then
    map = vals
  else
    fail("component '%s': values must be a table {id = number} or a frame", cname)
  end
  return function(row)
    local v = map[row.id]
    if type(v) == "userdata" and v.major then v = v.major end
    return v
  end
end

local function define_health(spec)
  if type(spec) ~= "table" then fail("takes a table {components = ...}, not %s", type(spec)) end
  check_keys(spec, {name = true, table = true, components = true, bands = true}, "the model")
  local tname = spec.table or "accounts"
  local def = {name = spec.name or "health", view = table_view(tname), components = {}}
  if type(spec.components) ~= "table" or #spec.components == 0 then
    fail("needs components = {{name = ..., weight = ..., <source>}, ...}")
  end
  if #spec.components > 64 then fail("has %d components; at most 64", #spec.components) end
  local total, seen = 0, {}
  local need_usage, need_subs = false, false
  for i, c in ipairs(spec.components) do
    if type(c) ~= "table" then fail("component %d must be a table", i) end
    local name = c.name
    if type(name) ~= "string" or name == "" then fail("component %d needs a name", i) end
    check_keys(c, {name = true, weight = true, criteria = true, criterion = true, field = true,
                   usage = true, utilisation = true, usage_growth = true, fn = true,
                   values = true, key = true, value = true, agg = true, days = true,
                   per_seat = true, bands = true, linear = true, missing = true},
                 "component '" .. name .. "'")
    if RESERVED[name] then fail("component name '%s' is taken by a column of the result", name) end
    if seen[name] then fail("component '%s' appears twice", name) end
    seen[name] = true
    local w = c.weight == nil and 1 or c.weight
    if not is_number(w) then fail("component '%s': weight must be a number, not %s", name, type(w)) end
    if w < 0 then fail("component '%s': negative weight %s (weights must be >= 0)", name, tostring(w)) end
    total = total + w
    local src
    for _, s in ipairs(SOURCES) do
      if c[s] ~= nil then
        if src then fail("component '%s' has two sources (%s and %s)", name, src, s) end
        src = s
      end
    end
    if not src then fail("component '%s' needs one of %s", name, concat(SOURCES, ", ")) end
    local out = {name = name, weight = w}
    if src == "criteria" or src == "criterion" then
      out.kind = "criteria"
      if src == "criterion" then
        out.rules = {{spec = c.criterion, points = 100}}
      else
        if type(c.criteria) ~= "table" or #c.criteria == 0 then
          fail("component '%s': criteria must be a list of {criterion..., points = N}", name)
        end
        out.rules = {}
        for k, r in ipairs(c.criteria) do
          if type(r) ~= "table" and type(r) ~= "function" then
            fail("component '%s' rule %d must be a table", name, k)
          end
          local pts = type(r) == "table" and r.points or nil
          if pts == nil then fail("component '%s' rule %d needs points = N", name, k) end
          if not is_number(pts) then fail("component '%s' rule %d: points must be a number", name, k) end
          out.rules[k] = {spec = r, points = pts}
        end
      end
    elseif src == "field" then
      if type(c.field) ~= "string" then fail("component '%s': field must be a column name", name) end
      if not C.column_info(def.view, c.field) then fail("%s has no column '%s'%s", tname, c.field, C.column_hint(def.view, c.field)) end
      out.kind, out.field = "field", c.field
    elseif src == "usage" or src == "utilisation" or src == "usage_growth" then
      local metric = c[src]
      if src == "utilisation" and metric == true then metric = "active_seats" end
      if type(metric) ~= "string" then fail("component '%s': %s must name a usage metric", name, src) end
      if c.per_seat ~= nil and src ~= "usage" then
        fail("component '%s': per_seat goes with usage", name)
      end
      out.kind, out.metric, out.per_seat = src, metric, c.per_seat and true or nil
      if c.per_seat then need_subs = true end
      out.days = whole(c.days or 28, "component '" .. name .. "' days", 1)
      if c.agg ~= nil then
        local ok = {sum = 1, avg = 1, min = 1, max = 1, last = 1, count = 1}
        if not ok[c.agg] then fail("component '%s': agg must be sum, avg, min, max, last or count", name) end
        out.agg = c.agg
      end
      need_usage = true
      if src == "utilisation" then need_subs = true end
    elseif src == "fn" then
      if type(c.fn) ~= "function" then fail("component '%s': fn must be a function", name) end
      out.kind, out.fn = "fn", c.fn
    else
      out.kind, out.fn = "fn", values_fn(c, name)
    end
    if c.bands ~= nil and c.linear ~= nil then fail("component '%s': give bands or linear, not both", name) end
    if c.bands ~= nil then out.bands = score_bands(c.bands, "component '" .. name .. "' bands") end
    if c.linear ~= nil then
      local l = c.linear
      if type(l) ~= "table" or not is_number(l[1]) or not is_number(l[2]) or l[1] == l[2] then
        fail("component '%s': linear must be {value scoring 0, value scoring 100}", name)
      end
      out.linear = {l[1], l[2]}
    end
    if c.missing ~= nil then
      if not is_number(c.missing) or c.missing < 0 or c.missing > 100 then
        fail("component '%s': missing must be a score from 0 to 100", name)
      end
      out.missing = c.missing
    end
    def.components[i] = out
  end
  if total <= 0 then fail("the weights add up to 0") end
  local b = spec.bands or {}
  if type(b) ~= "table" then fail("bands must be {red = 50, yellow = 75}") end
  check_keys(b, {red = true, yellow = true}, "bands")
  def.red = b.red == nil and 50 or b.red
  def.yellow = b.yellow == nil and 75 or b.yellow
  if not is_number(def.red) or not is_number(def.yellow) or def.red < 0 or def.yellow > 100
     or not (def.red < def.yellow) then
    fail("bands must satisfy 0 <= red < yellow <= 100 (red = %s, yellow = %s)", tostring(def.red),
         tostring(def.yellow))
  end
  if need_usage then
    def.usage = table_view("usage")
    for _, c in ipairs(def.components) do
      if c.metric then check_metric(def.usage, c.metric, "component '" .. c.name .. "'") end
    end
  end
  if need_subs then def.subscriptions = table_view("subscriptions") end
  if not need_usage then def.usage = maybe_view("usage") end
  return C.health_new(def)
end

-- ---- scorecards ------------------------------------------------------------

-- "Economic Buyer", "economic_buyer" and "EconomicBuyer__c" are one name:
-- compare lower case letters and digits, a trailing "c" of "__c" dropped
local function norm_name(s)
  s = s:lower():gsub("__c$", "")
  return (s:gsub("[^%w]", ""))
end

local function find_column(view, name)
  if name:find(".", 1, true) then return C.column_info(view, name) and name or nil end
  if C.column_info(view, name) then return name end
  local want = norm_name(name)
  for _, c in ipairs(view:columns()) do
    if norm_name(c) == want then return c end
  end
  return nil
end

local function define_scorecard(spec)
  if type(spec) ~= "table" then fail("takes a table {fields = ...}, not %s", type(spec)) end
  check_keys(spec, {name = true, table = true, fields = true, pass = true, allow_absent = true},
             "the scorecard")
  local tname = spec.table or "deals"
  local def = {name = spec.name or "scorecard", view = table_view(tname), fields = {},
               allow_absent = spec.allow_absent and true or false}
  if type(spec.fields) ~= "table" or #spec.fields == 0 then
    fail("needs fields = {\"field\", {\"Label\", field = \"x\", weight = 2}, ...}")
  end
  local total, seen = 0, {}
  for i, f in ipairs(spec.fields) do
    local out
    if type(f) == "string" then
      out = {label = f, candidates = {f}, weight = 1}
    elseif type(f) == "table" then
      check_keys(f, {label = true, field = true, weight = true, criterion = true, fn = true,
                     optional = true},
                 "scorecard field " .. i)
      local label = f.label or f[1]
      if label == nil and type(f.field) == "string" then label = f.field end
      if type(label) ~= "string" then fail("field %d needs a label", i) end
      local w = f.weight == nil and 1 or f.weight
      if not is_number(w) then fail("field '%s': weight must be a number, not %s", label, type(w)) end
      if w < 0 then fail("field '%s': negative weight %s (weights must be >= 0)", label, tostring(w)) end
      out = {label = label, weight = w, optional = f.optional and true or false}
      local n = (f.field ~= nil and 1 or 0) + (f.criterion ~= nil and 1 or 0) + (f.fn ~= nil and 1 or 0)
      if n > 1 then fail("field '%s': give one of field, criterion or fn", label) end
      if f.criterion ~= nil then
        out.spec = f.criterion
      elseif f.fn ~= nil then
        if type(f.fn) ~= "function" then fail("field '%s': fn must be a function", label) end
        out.fn = f.fn
      else
        local cand = f.field or label
        if type(cand) == "string" then cand = {cand} end
        if type(cand) ~= "table" or #cand == 0 then fail("field '%s': field must be a name or a list of names", label) end
        local found = {}
        for _, c in ipairs(cand) do
          if type(c) ~= "string" then fail("field '%s': field names must be text", label) end
          found[#found + 1] = find_column(def.view, c)
        end
        -- the first name the export has; else the names as given (an
        -- error, or "not in this export" with allow_absent)
        out.candidates = #found > 0 and {found[1]} or cand
      end
    else
      fail("field %d must be a name or a table", i)
    end
    if seen[out.label] then fail("field '%s' appears twice", out.label) end
    seen[out.label] = true
    total = total + out.weight
    def.fields[i] = out
  end
  if total <= 0 then fail("the weights add up to 0") end
  if spec.pass ~= nil then
    if not is_number(spec.pass) or spec.pass < 0 or spec.pass > 100 then
      fail("pass must be a completeness from 0 to 100")
    end
    def.pass = spec.pass
  end
  return C.card_new(def)
end

-- ---- criteria --------------------------------------------------------------

local function define_criterion(spec, tbl)
  if type(spec) ~= "table" and type(spec) ~= "function" then
    fail("takes a criteria table or a function, not %s", type(spec))
  end
  local view
  if tbl ~= nil and C.is_view(tbl) then
    view = tbl
  else
    view = table_view(tbl or (type(spec) == "table" and spec.table) or "accounts")
  end
  if type(spec) == "table" and spec.table ~= nil then
    local copy = {}
    for k, v in pairs(spec) do if k ~= "table" then copy[k] = v end end
    spec = copy
  end
  return C.criterion_new{view = view, spec = spec}
end

-- ---- triggers ----------------------------------------------------------------

local Trigger = {}
Trigger.__index = Trigger
Trigger.__name = "revl.trigger"

local function read_condition(c, i, view, tname)
  local what = "condition " .. i
  if type(c) == "function" then return {kind = "fn", fn = c, label = "function"} end
  if C.is_criterion(c) then return {kind = "criteria", crit = c, label = c.name} end
  if type(c) ~= "table" then fail("%s must be a table or a function", what) end
  if c.utilisation ~= nil then
    check_keys(c, {utilisation = true, days = true, metric = true}, what)
    if not is_number(c.utilisation) or c.utilisation <= 0 then
      fail("%s: utilisation must be a positive fraction such as 0.8", what)
    end
    local usage, subs = table_view("usage"), table_view("subscriptions")
    local metric = c.metric or "active_seats"
    check_metric(usage, metric, what)
    return {kind = "utilisation", label = "seat utilisation", usage = usage, subscriptions = subs,
            metric = metric, min = c.utilisation, days = whole(c.days or 14, what .. " days", 1)}
  elseif c.usage_growth ~= nil then
    check_keys(c, {usage_growth = true, days = true, metric = true, agg = true}, what)
    if not is_number(c.usage_growth) then fail("%s: usage_growth must be a fraction such as 0.25", what) end
    if type(c.metric) ~= "string" then fail("%s: usage_growth needs metric = \"name\"", what) end
    local usage = table_view("usage")
    check_metric(usage, c.metric, what)
    local ok = {sum = 1, avg = 1, min = 1, max = 1, last = 1, count = 1}
    if c.agg ~= nil and not ok[c.agg] then fail("%s: agg must be sum, avg, min, max, last or count", what) end
    return {kind = "growth", label = "usage growth", usage = usage, metric = c.metric,
            min = c.usage_growth, days = whole(c.days or 28, what .. " days", 1), agg = c.agg or "avg"}
  elseif c.renewal_within ~= nil then
    check_keys(c, {renewal_within = true, field = true, term = true}, what)
    local out = {kind = "renewal", label = "renewal", days = whole(c.renewal_within, what .. " renewal_within", 0)}
    if c.field ~= nil then
      local ty = C.column_info(view, c.field)
      if not ty then fail("%s has no column '%s'%s", tname, tostring(c.field), C.column_hint(view, tostring(c.field))) end
      if ty ~= "date" and ty ~= "datetime" then
        fail("%s: %s is %s, not a date", what, c.field, ty)
      end
      out.field = c.field
    else
      out.subscriptions = table_view("subscriptions")
      if c.term ~= nil and (not is_number(c.term) or c.term < 1 or c.term ~= floor(c.term)) then
        fail("%s: term must be a whole number of months", what)
      end
      out.term = c.term or 12
    end
    return out
  elseif c.health ~= nil then
    check_keys(c, {health = true, band = true, previous = true}, what)
    local ok = function(f) return C.is_frame(f) or (type(f) == "table" and f.columns) end
    if not ok(c.health) then fail("%s: health must be a frame from health:score(...)", what) end
    if c.previous ~= nil and not ok(c.previous) then fail("%s: previous must be a health frame", what) end
    local band = c.band or "red"
    if band ~= "red" and band ~= "yellow" and band ~= "green" then
      fail("%s: band must be red, yellow or green", what)
    end
    return {kind = "health", label = "health", health = c.health, previous = c.previous, band = band}
  elseif c.criteria ~= nil then
    check_keys(c, {criteria = true}, what)
    local crit = C.criterion_new{view = view, spec = c.criteria}
    return {kind = "criteria", crit = crit, label = crit.name}
  end
  fail("%s: expected utilisation, usage_growth, renewal_within, health, criteria or a function", what)
end

local function define_trigger(spec)
  if type(spec) ~= "table" then fail("takes a table {type = ..., when = ...}, not %s", type(spec)) end
  check_keys(spec, {type = true, table = true, when = true, payload = true, owner = true},
             "the trigger")
  if type(spec.type) ~= "string" or spec.type == "" then fail("needs type = \"event type\"") end
  local tname = spec.table or "accounts"
  local view = table_view(tname)
  local when = spec.when
  if type(when) ~= "table" and type(when) ~= "function" and not C.is_criterion(when) then
    fail("needs when = {condition, ...}")
  end
  if type(when) == "table" and #when > 0 then
    for k in pairs(when) do
      if type(k) ~= "number" then
        fail("when: give one condition or a list of conditions, not both ('%s' next to a list)", tostring(k))
      end
    end
  end
  if type(when) == "function" or C.is_criterion(when) or #when == 0 then when = {when} end
  local conds = {}
  for i, c in ipairs(when) do conds[i] = read_condition(c, i, view, tname) end
  -- conditions computed in C first, Lua functions last
  local order = {utilisation = 1, growth = 1, renewal = 1, criteria = 2, health = 3, fn = 4}
  local idx = {}
  for i = 1, #conds do idx[i] = i end
  sort(idx, function(a, b)
    local oa, ob = order[conds[a].kind], order[conds[b].kind]
    if oa ~= ob then return oa < ob end
    return a < b
  end)
  local sorted = {}
  for k, i in ipairs(idx) do sorted[k] = conds[i] end
  local payload = spec.payload
  if payload ~= nil then
    if type(payload) == "string" then payload = {payload} end
    if type(payload) == "table" then
      for _, f in ipairs(payload) do
        if type(f) ~= "string" or not C.column_info(view, f) then
          fail("payload: %s has no column '%s'%s", tname, tostring(f), C.column_hint(view, tostring(f)))
        end
      end
    elseif type(payload) ~= "function" then
      fail("payload must be a list of fields or a function(row) returning a table")
    end
  end
  if spec.owner ~= nil and (type(spec.owner) ~= "string" or not C.column_info(view, spec.owner)) then
    fail("owner: %s has no column '%s'%s", tname, tostring(spec.owner), C.column_hint(view, tostring(spec.owner)))
  end
  return setmetatable({type = spec.type, table = tname, conds = sorted, payload = payload,
                       owner = spec.owner}, Trigger)
end

local function health_index(f)
  local ids, bands, scores = {}, {}, {}
  if C.is_frame(f) then
    ids, bands, scores = f:column("id"), f:column("band"), f:column("score")
  else
    for i = 1, #f do ids[i], bands[i], scores[i] = f[i].id, f[i].band, f[i].score end
  end
  return ids, bands, scores
end

local function eval_condition(c, v)
  if c.kind == "utilisation" then return C.cond_utilisation(v, c) end
  if c.kind == "growth" then return C.cond_growth(v, c) end
  if c.kind == "renewal" then return C.cond_renewal(v, c) end
  if c.kind == "criteria" then return C.crit_rows(c.crit, v) end
  if c.kind == "fn" then return C.fn_rows(v, c.fn) end
  -- health: records whose band is c.band now (and was not before)
  local member = {}
  for _, r in ipairs(v:ids()) do member[r] = true end
  local before = {}
  if c.previous then
    local pids, pbands = health_index(c.previous)
    for i = 1, #pids do before[pids[i]] = pbands[i] end
  end
  local ids, bands, scores = health_index(c.health)
  local hits = {}
  for i = 1, #ids do
    local id = ids[i]
    if bands[i] == c.band and (not c.previous or before[id] ~= c.band) then
      local row = C.row_of(v, id)
      if row and member[row] then
        local reason = ("health %s is %s"):format(tostring(scores[i]), c.band)
        if c.previous then
          reason = reason .. (" (was %s)"):format(before[id] or "not scored")
        end
        hits[#hits + 1] = {row = row, health_score = scores[i], health_band = bands[i],
                           previous_band = c.previous and before[id] or nil, reason = reason}
      end
    end
  end
  sort(hits, function(a, b) return a.row < b.row end)
  return hits
end

--- trigger:fire([view]) -> events frame: type, account, owner, payload..., reasons
function Trigger:fire(view)
  view = view or table_view(self.table)
  local rows, info = nil, {}
  for _, c in ipairs(self.conds) do
    local v = rows and C.subview(view, rows) or view
    local hits = eval_condition(c, v)
    local nrows = {}
    for _, h in ipairs(hits) do
      local r = h.row
      local inf = info[r]
      if not inf then inf = {payload = {}, reasons = {}}; info[r] = inf end
      for k, val in pairs(h) do
        if k ~= "row" and k ~= "reason" then inf.payload[k] = val end
      end
      inf.reasons[#inf.reasons + 1] = {criterion = c.label, value = h.reason}
      nrows[#nrows + 1] = r
    end
    rows = nrows
    if #rows == 0 then break end
  end
  local key = self.table == "accounts" and "account" or "record"
  local events, extra = {}, {}
  local tbl = table_view(self.table)
  for _, r in ipairs(rows or {}) do
    local inf = info[r]
    local id = C.record_id(view, r)
    local ev = {type = self.type, [key] = id}
    local rec
    if self.owner then
      rec = tbl:get(id)
      ev.owner = rec and rec:get(self.owner)
    else
      ev.owner = C.owner(view, r)
    end
    for k, val in pairs(inf.payload) do ev[k] = val; extra[k] = true end
    if type(self.payload) == "table" then
      rec = rec or tbl:get(id)
      for _, f in ipairs(self.payload) do
        ev[f] = rec and rec:get(f)
        extra[f] = true
      end
    elseif type(self.payload) == "function" then
      rec = rec or tbl:get(id)
      local p = self.payload(rec)
      if type(p) == "table" then
        for k, val in pairs(p) do
          if type(k) == "string" and ev[k] == nil then ev[k] = val; extra[k] = true end
        end
      end
    end
    local texts = {}
    for k, x in ipairs(inf.reasons) do texts[k] = x.value or x.criterion end
    ev.reasons = concat(texts, "; ")
    ev._reasons = inf.reasons
    events[#events + 1] = ev
  end
  local cols = {"type", key, "owner"}
  local names = {}
  for k in pairs(extra) do names[#names + 1] = k end
  sort(names)
  for _, k in ipairs(names) do cols[#cols + 1] = k end
  cols[#cols + 1] = "reasons"
  return revl.frame(events, cols)
end

function Trigger:__tostring()
  return ("revl.trigger %s (%d conditions on %s)"):format(self.type, #self.conds, self.table)
end

--- revl.fire(triggers, [view]) -> one events frame for several triggers
function revl.fire(triggers, view)
  if getmetatable(triggers) == Trigger then triggers = {triggers} end
  if type(triggers) ~= "table" then error("revl.fire takes a list of triggers", 2) end
  local all, seen, cols = {}, {}, {}
  for _, t in ipairs(triggers) do
    if getmetatable(t) ~= Trigger then error("revl.fire: not a trigger: " .. tostring(t), 2) end
    local f = t:fire(view)
    for _, c in ipairs(f.columns) do
      if not seen[c] and c ~= "reasons" then seen[c] = true; cols[#cols + 1] = c end
    end
    for i = 1, #f do all[#all + 1] = f[i] end
  end
  cols[#cols + 1] = "reasons"
  return revl.frame(all, cols)
end

C.set_definers{icp = define_icp, health = define_health, scorecard = define_scorecard,
               trigger = define_trigger, criterion = define_criterion}

-- ---- rule frames behave like frames ----------------------------------------

local M = C.frame_methods()
function M:frame() return revl.frame(self:rows_list(), self.columns) end
function M:count() return #self end
-- sorting, filtering, grouping and joining run on the C frame of the
-- same cells
function M:cframe(columns) return C.rules_cframe(self, columns) end
function M:sort_by(col, desc) return C.rules_cframe(self):sort_by(col, desc) end
function M:where(fn) return C.rules_cframe(self):where(fn) end
function M:limit(n) return C.rules_cframe(self):limit(n) end
function M:index(col) return C.rules_cframe(self):index(col) end
function M:group_by(...) return C.rules_cframe(self):group_by(...) end
function M:join(...) return C.rules_cframe(self):join(...) end
-- what differs between two of them (lua/diff.lua)
internals.rules_diff = C.rules_diff

local write_csv, write_jsonl = revl.write_csv, revl.write_jsonl
-- An error of the writer names the playbook line that called it, not this
-- wrapper.
local function from_caller(ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == "string" then e = e:gsub("^lua/rules%.lua:%d+: ", "", 1) end
  error(e, 3)
end
function revl.write_csv(path, rows, columns)
  if C.is_frame(rows) then
    if columns == nil then return rows:to_csv(path) end
    rows = rows:frame()
  end
  local p = from_caller(pcall(write_csv, path, rows, columns))
  return p
end
function revl.write_jsonl(path, rows, columns)
  if C.is_frame(rows) then
    if columns == nil then return rows:to_jsonl(path) end
    rows = rows:frame()
  end
  local p = from_caller(pcall(write_jsonl, path, rows, columns))
  return p
end

--- revl.inputs() -> {{table =, file =, rows =}} of the loaded data (sha256 with revl.log)
function revl.inputs() return C.input_files() end

--- revl.run_info() -> {playbook =, commit =, dirty =}: what a decision log records
function revl.run_info() return C.run_meta() end
