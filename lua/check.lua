-- lua/check.lua -- the rule linter behind `revl check`: while
-- revl._check_watch is on, the definitions a playbook gives revl.icp,
-- revl.health, revl.router, revl.funnel and revl.sla are examined against the
-- schema (and with --data, the values) of the tables they read, before
-- the constructor runs; a constructor's own error becomes a finding too.
-- revl._check_findings() returns them: {severity, check, at = "file:line",
-- needle = text to place the column, message}.
local revl, internals = ...
local near_hint = internals.near_hint

local type, tostring, ipairs, pairs, pcall, error, next =
  type, tostring, ipairs, pairs, pcall, error, next
local format, concat = string.format, table.concat

local findings = {}

local where = internals.caller_at -- the playbook line that called into revl

local function add(sev, check, at, needle, fmt, ...)
  findings[#findings + 1] = { severity = sev, check = check, at = at, needle = needle,
                              message = format(fmt, ...) }
end

-- column name -> type of table t ("string", "money", ...)
local function schema(tname)
  local t = type(tname) == "string" and revl[tname] or nil
  if not t then return nil end
  local ok, s = pcall(function() return t:schema() end)
  if not ok then return nil end
  local types = {}
  for _, c in ipairs(s) do types[c.name] = c.type end
  return types, t
end

local ORDERED = { [">"] = true, [">="] = true, ["<"] = true, ["<="] = true, between = true }
local NUMERIC = { int = true, integer = true, number = true, money = true }
local DATES = { date = true, datetime = true }

local function is_date_text(v)
  return type(v) == "string" and v:match("^%d%d%d%d%-%d%d%-%d%d") ~= nil
end

-- one positional criterion {field, op, value}
local function check_criterion(c, types, t, at, label, data)
  if type(c) ~= "table" or type(c[1]) ~= "string" or type(c[2]) ~= "string" then return end
  local field, op, v = c[1], c[2], c[3]
  local ty = types and types[field]
  if not ty then return end -- unknown fields: the constructor says so
  local needle = c.name or field
  if ORDERED[op] and (ty == "string" or ty == "bool") then
    add("error", "op-type", at, needle, "%s: '%s' compares a %s column ('%s') by order", label, op, ty, field)
  end
  if ORDERED[op] and DATES[ty] then
    local vals = op == "between" and type(v) == "table" and v or { v }
    for _, x in ipairs(vals) do
      if type(x) == "number" then
        add("error", "date-number", at, needle, "%s: '%s' is a %s, compared with the number %s", label, field, ty,
            tostring(x))
        break
      end
    end
  end
  if ORDERED[op] and NUMERIC[ty] and (is_date_text(v) or (type(v) == "table" and is_date_text(v[1]))) then
    add("error", "date-number", at, needle, "%s: '%s' is a number, compared with the date %s", label, field,
        tostring(type(v) == "table" and v[1] or v))
  end
  if op == "between" and type(v) == "table" and type(v[1]) == type(v[2]) and
     (type(v[1]) == "number" or type(v[1]) == "string") and v[1] > v[2] then
    add("error", "between-bounds", at, needle, "%s: between %s and %s has its bounds reversed (nothing matches)",
        label, tostring(v[1]), tostring(v[2]))
  end
  if data and t and ty == "string" and (op == "=" or op == "==" or op == "in") then
    local vals = op == "in" and type(v) == "table" and v or { v }
    local any, n = false, 0
    for _, x in ipairs(vals) do
      if type(x) == "string" then
        n = n + 1
        local ok, cnt = pcall(function() return t:where({ [field] = x }):count() end)
        if not ok or cnt > 0 then any = true break end
      else
        any = true
      end
    end
    if n > 0 and not any then
      add("warning", "never-matches", at, needle, "%s: no record has %s %s %s", label, field,
          op == "in" and "in" or "=", op == "in" and ("{" .. concat(vals, ", ") .. "}") or ("'" .. tostring(v) .. "'"))
    end
  end
end

local function dup_names(list, at, what)
  local seen = {}
  for _, r in ipairs(list) do
    local n = type(r) == "table" and r.name
    if type(n) == "string" then
      if seen[n] then add("error", "duplicate-name", at, n, "%s: two rules are named '%s'", what, n) end
      seen[n] = true
    end
  end
end

-- ---- ICP ------------------------------------------------------------------

local function check_icp(spec, at, data)
  if type(spec) ~= "table" then return end
  local types, t = schema(spec.table or "accounts")
  local groups = {}
  if type(spec.groups) == "table" then
    for gname, g in pairs(spec.groups) do
      if type(g) == "table" then groups[#groups + 1] = { name = tostring(gname), cap = g.cap, list = g.rules or g } end
    end
  elseif type(spec.rules) == "table" then
    groups[1] = { list = spec.rules }
  end
  local max = 0
  local all = {}
  for _, g in ipairs(groups) do
    local sum = 0
    for _, r in ipairs(g.list) do
      all[#all + 1] = r
      if type(r) == "table" then
        local label = format("icp '%s'", tostring(spec.name or "icp"))
        if g.name then label = label .. format(" group '%s'", g.name) end
        check_criterion(r, types, t, at, label, data)
        if type(r.points) == "number" and r.points > 0 then sum = sum + r.points end
      end
    end
    if type(g.cap) == "number" and sum > g.cap then sum = g.cap end
    max = max + sum
  end
  dup_names(all, at, format("icp '%s'", tostring(spec.name or "icp")))
  if type(spec.cap) == "number" and max > spec.cap then max = spec.cap end
  if type(spec.tiers) == "table" then
    for _, tier in ipairs(spec.tiers) do
      local label, min = tier[1] or tier.label, tier[2] or tier.min
      if type(min) == "number" and min > max then
        add("warning", "unreachable-tier", at, '"' .. tostring(label) .. '"',
            "icp '%s': tier %s needs %s points, but at most %s can be scored under the caps",
            tostring(spec.name or "icp"), tostring(label), tostring(min), tostring(max))
      end
    end
  end
  -- a matrix that leaves out some tier x band labels gives those
  -- accounts no action
  if type(spec.matrix) == "table" and type(spec.tiers) == "table" then
    local bands = type(spec.engagement) == "table" and type(spec.engagement.bands) == "table"
                  and spec.engagement.bands or nil
    local missing = {}
    for _, tier in ipairs(spec.tiers) do
      local tl = type(tier) == "table" and (tier[1] or tier.label) or nil
      if tl ~= nil then
        if bands then
          for _, b in ipairs(bands) do
            local bl = type(b) == "table" and (b[1] or b.label) or nil
            if bl ~= nil and spec.matrix[tostring(tl) .. tostring(bl)] == nil then
              missing[#missing + 1] = tostring(tl) .. tostring(bl)
            end
          end
        elseif spec.matrix[tostring(tl)] == nil then
          missing[#missing + 1] = tostring(tl)
        end
      end
    end
    if #missing > 0 then
      add("warning", "matrix-missing-label", at, "matrix",
          "icp '%s': the matrix has no action for %s; those accounts get none",
          tostring(spec.name or "icp"), table.concat(missing, ", "))
    end
  end
end

-- ---- routing ----------------------------------------------------------------

local function always_decides(r)
  if r.when ~= nil then return false end
  if r.queue or r.owner then return true end
  if (r.team or r.pool) and r.overflow ~= "next" then return true end
  return false
end

-- the team names of a territory map, nested maps and defaults included
local function territory_teams(map, out, depth)
  if depth > 16 then return end
  for _, v in pairs(map) do
    if type(v) == "string" then out[#out + 1] = v
    elseif type(v) == "table" then
      for _, t in pairs(v) do
        if type(t) == "string" then out[#out + 1] = t
        elseif type(t) == "table" then territory_teams(t, out, depth + 1) end
      end
    end
  end
  table.sort(out)
end

-- reps of a team (the router's teams = {...} when given, else reps.team)
-- and how many of them are active; nil when that cannot be known
local function team_size(spec, reps, team, data)
  if type(spec.teams) == "table" then
    local list = spec.teams[team]
    if type(list) ~= "table" then return nil end
    local active = 0
    for _, id in ipairs(list) do
      local ok, rep = pcall(function() return reps and reps:get(id) end)
      if not ok or not rep or rep.active ~= false then active = active + 1 end
    end
    return #list, active
  end
  if not (data and reps) then return nil end
  local ok, n = pcall(function() return reps:where({ team = team }):count() end)
  if not ok then return nil end
  local ok2, active = pcall(function() return reps:where({ team = team, active = true }):count() end)
  return n, ok2 and active or n
end

local function check_router(spec, at, data)
  if type(spec) ~= "table" then return end
  local name = tostring(spec.name or "router")
  local rules = type(spec.rules) == "table" and spec.rules or {}
  dup_names(rules, at, format("router '%s'", name))
  local rtypes, rt = schema(type(spec.records) == "string" and spec.records or "leads")
  local reps = revl.reps
  for i, r in ipairs(rules) do
    if type(r) == "table" then
      local label = format("router '%s' rule '%s'", name, tostring(r.name or i))
      if type(r.when) == "table" then
        for k, v in pairs(r.when) do
          if type(k) == "number" then check_criterion(v, rtypes, rt, at, label, data)
          elseif type(k) == "string" and type(v) == "string" then
            check_criterion({ k, "=", v, name = r.name }, rtypes, rt, at, label, data)
          end
        end
      end
      if always_decides(r) and i < #rules and
         not (type(r.team) == "string" and team_size(spec, reps, r.team, data) == 0) then
        local nxt = rules[i + 1]
        add("warning", "shadowed-rule", at, type(nxt) == "table" and nxt.name or r.name,
            "router '%s': rule '%s' takes every record, so the %d rule%s after it never run%s", name,
            tostring(r.name or i), #rules - i, #rules - i == 1 and "" or "s", #rules - i == 1 and "s" or "")
      end
      -- the teams the rule routes to: its team, or every team of its territory map
      local teams = {}
      if type(r.team) == "string" then teams[1] = r.team end
      if type(r.territory) == "table" then territory_teams(r.territory, teams, 0) end
      local done = {}
      for _, team in ipairs(teams) do
        if not done[team] then
          done[team] = true
          local n, active = team_size(spec, reps, team, data)
          if n == 0 then
            add("warning", "empty-team", at, r.name or team,
                "%s: team '%s' has no reps, so the rule routes nothing to it: its records go on to the next rule or the fallback",
                label, team)
          elseif active == 0 then
            add("warning", "empty-pool", at, team, "%s: every rep of team '%s' is inactive", label, team)
          end
        end
      end
      if data and reps and type(r.pool) == "table" then
        local ids = {}
        for k, v in pairs(r.pool) do ids[#ids + 1] = type(k) == "number" and v or k end
        local active = 0
        for _, id in ipairs(ids) do
          local ok, rep = pcall(function() return reps:get(id) end)
          if ok and rep and rep.active ~= false then active = active + 1 end
        end
        if #ids == 0 then add("error", "empty-pool", at, r.name, "%s: the pool is empty", label)
        elseif active == 0 then add("warning", "empty-pool", at, r.name, "%s: every rep of the pool is inactive", label) end
      end
    end
  end
  if type(spec.caps) == "table" then
    for k, v in pairs(spec.caps) do
      if v == 0 then
        add("warning", "zero-cap", at, tostring(k), "router '%s': the %s cap is 0, so no rep can take a record", name,
            tostring(k))
      end
    end
  end
  if spec.fallback == nil then
    add("warning", "no-fallback", at, nil, "router '%s' has no fallback: a record no rule takes stays unassigned", name)
  end
end

-- ---- funnels ------------------------------------------------------------------

local note_funnel -- below, with the SLA checks

local function check_funnel(spec, at, data)
  if type(spec) ~= "table" or type(spec.stages) ~= "table" then return end
  local name = tostring(spec.name or "funnel")
  local tname = type(spec.records) == "string" and spec.records or "deals"
  note_funnel(spec, tname)
  local types, t = schema(tname)
  dup_names(spec.stages, at, format("funnel '%s'", name))
  local prev
  local n = #spec.stages
  for i, s in ipairs(spec.stages) do
    if type(s) == "table" then
      local label = format("funnel '%s' stage '%s'", name, tostring(s.name or i))
      for _, key in ipairs({ "entry", "exit" }) do
        if type(s[key]) == "table" then
          for _, c in ipairs(s[key]) do check_criterion(c, types, t, at, label, data) end
        end
      end
      local closed = s.closed or s.won or s.lost or s.terminal
      if i < n and s.exit == nil and not closed then
        add("warning", "no-exit-criteria", at, s.name, "%s has no exit criteria: no record is ever ready to leave it",
            label)
      end
      if type(s.probability) == "number" and not closed then
        if prev and s.probability < prev.p then
          add("warning", "falling-probability", at, s.name, "%s: probability %s is below the %s of '%s' before it",
              label, tostring(s.probability), tostring(prev.p), tostring(prev.name))
        end
        prev = { p = s.probability, name = s.name }
      end
    end
  end
end

-- ---- SLAs --------------------------------------------------------------------

-- funnel stages by records table: {[tname] = {field = f, names = {..}, set = {[v] = true}}}
local funnel_stages = {}
-- SLA targets whose `when` names a stage, resolved once every funnel is known
local stage_refs = {}

function note_funnel(spec, tname)
  local field = spec.stage_field
  if field == nil then
    local types = schema(tname)
    field = types and (types.stage and "stage" or types.status and "status") or "stage"
  end
  local fs = funnel_stages[tname] or { field = field, names = {}, set = {} }
  funnel_stages[tname] = fs
  for _, st in ipairs(spec.stages) do
    if type(st) == "table" then
      if type(st.name) == "string" and not fs.set[st.name] then
        fs.set[st.name] = true
        fs.names[#fs.names + 1] = st.name
      end
      if type(st.values) == "table" then
        for _, v in ipairs(st.values) do if type(v) == "string" then fs.set[v] = true end end
      end
    end
  end
end

-- the criteria of a `when` as positional {field, op, value} entries
local function when_criteria(w)
  local out = {}
  if type(w) ~= "table" then return out end
  for k, v in pairs(w) do
    if type(k) == "number" and type(v) == "table" then
      out[#out + 1] = v
    elseif type(k) == "string" then
      out[#out + 1] = type(v) == "table" and { k, "in", v } or { k, "=", v }
    end
  end
  return out
end

local function check_sla(spec, at, data)
  if type(spec) ~= "table" or type(spec.targets) ~= "table" then return end
  local name = tostring(spec.name or "sla")
  local tname = spec.records or "leads"
  if type(tname) == "userdata" then
    local ok, n = pcall(function() return tname:name() end)
    tname = ok and n or nil
  end
  if type(tname) ~= "string" then return end
  local types, t = schema(tname)
  for i, tg in ipairs(spec.targets) do
    if type(tg) == "table" then
      local label = format("sla '%s' target '%s'", name, tostring(tg.kind or tg.name or i))
      for _, c in ipairs(when_criteria(tg.when)) do
        check_criterion(c, types, t, at, label, data)
        if type(c[1]) == "string" and (c[2] == "=" or c[2] == "==" or c[2] == "in") then
          stage_refs[#stage_refs + 1] = { at = at, label = label, tname = tname, field = c[1],
                                          values = c[2] == "in" and c[3] or { c[3] } }
        end
      end
    end
  end
end

-- an SLA target on a stage that no funnel of its records has
local function resolve_stage_refs()
  for _, r in ipairs(stage_refs) do
    local fs = funnel_stages[r.tname]
    if fs and fs.field == r.field and type(r.values) == "table" then
      for _, v in ipairs(r.values) do
        if type(v) == "string" and not fs.set[v] then
          local hint = near_hint(v, fs.names)
          add("error", "sla-unknown-stage", r.at, v, "%s: stage '%s' is not a stage of the %s funnel%s (stages: %s)",
              r.label, v, r.tname, hint, concat(fs.names, ", "))
        end
      end
    end
  end
  stage_refs = {}
end

-- ---- watching the constructors ---------------------------------------------

local function guard(kind, checker)
  local make = revl[kind]
  revl[kind] = function(spec, ...)
    local at = where()
    local ok, e = pcall(checker, spec, at, revl._check_data)
    if not ok then add("error", "check-failed", at, nil, "revl check could not examine this %s: %s", kind, tostring(e)) end
    local res = table.pack(pcall(make, spec, ...))
    if not res[1] then
      local msg = tostring(res[2]):gsub("^[^:]*:%d+: ", "")
      add("error", "definition", at, nil, "%s", msg)
      error(setmetatable({}, { __tostring = function() return "revl check: stopped at a definition error" end }), 0)
    end
    return table.unpack(res, 2, res.n)
  end
end

--- revl._check_watch(with_data)
function revl._check_watch(with_data)
  revl._check_data = with_data
  guard("icp", check_icp)
  guard("health", function() end)
  guard("router", check_router)
  guard("funnel", check_funnel)
  guard("sla", check_sla)
end

--- revl._check_findings() -> list of findings, in the order found
function revl._check_findings()
  resolve_stage_refs()
  return findings
end
