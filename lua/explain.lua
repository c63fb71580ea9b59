-- lua/explain.lua -- what `revl explain` needs from a run: the models,
-- routing results and funnel audits a playbook builds are remembered
-- (with the line that built them) while revl._explain_watch is on, and
-- revl._explain(id, table) asks each of them about one record -- the
-- same evaluators the run used -- and returns the report as text or as
-- a table for JSON.  Loaded once per state with (revl, internals).
local revl, internals = ...

local type, tostring, ipairs, pairs, pcall, error, select =
  type, tostring, ipairs, pairs, pcall, error, select
local format, concat = string.format, table.concat

local seen = {}      -- {kind, name, at, obj}, in the order built
local by_key = {}    -- kind .. name -> its entry (a model rebuilt replaces it)

local where = internals.caller_at -- the playbook line that called into revl

local function remember(kind, name, obj, at)
  local key = kind .. "\0" .. tostring(name)
  local e = by_key[key]
  if e then
    e.obj, e.at = obj, at
  else
    e = { kind = kind, name = tostring(name), obj = obj, at = at }
    by_key[key] = e
    seen[#seen + 1] = e
  end
end

local function wrap_model(kind)
  local make = revl[kind]
  revl[kind] = function(spec, ...)
    local m = make(spec, ...)
    remember(kind, type(spec) == "table" and spec.name or kind, m, where())
    return m
  end
end

local function wrap_method(obj, method, kind, name, at)
  local orig = obj[method]
  obj[method] = function(self, ...)
    local r = orig(self, ...)
    remember(kind, name, r, at)
    return r
  end
end

--- revl._explain_watch(): remember what the playbook builds from now on
function revl._explain_watch()
  wrap_model("icp")
  wrap_model("health")
  local router = revl.router
  revl.router = function(spec, ...)
    local r = router(spec, ...)
    local name = type(spec) == "table" and spec.name or "router"
    wrap_method(r, "route", "routing", name, where())
    return r
  end
  local funnel = revl.funnel
  revl.funnel = function(spec, ...)
    local f = funnel(spec, ...)
    local name = type(spec) == "table" and spec.name or "funnel"
    wrap_method(f, "audit", "audit", name, where())
    return f
  end
end

local function text(v)
  if v == nil then return "(none)" end
  return tostring(v)
end

-- the table holding record id: the one asked for, else every table
-- whose key it is
local function find(id, tname)
  local names = tname and { tname } or revl.tables()
  local found = {}
  for _, n in ipairs(names) do
    local t = revl[n]
    if t then
      local ok, row = pcall(function() return t:get(id) end)
      if ok and row ~= nil then found[#found + 1] = n end
    end
  end
  return found
end

-- {{field, value}} of the result fields a record has, in this order
local function head_fields(row, keys)
  local h = {}
  for _, k in ipairs(keys) do
    if row[k] ~= nil then h[#h + 1] = { k, row[k] } end
  end
  return h
end

-- the columns of --format csv|jsonl|json: one record per step of a
-- decision (docs/cli.md, "revl explain")
local RECORD_COLUMNS = { "id", "table", "kind", "name", "defined_at", "step", "group", "criterion", "value",
                         "points", "met", "detail" }

local function cell(v)
  if v == nil then return nil end
  if type(v) == "boolean" then return v and "true" or "false" end
  return tostring(v)
end

-- the sections of one record as flat records: each model's result
-- fields, then its criteria; a routing's assignment and trail; an
-- audit's verdict and violations
local function records(id, tname, js)
  local recs = {}
  for _, d in ipairs(js) do
    local function add(step, t)
      t.id, t.table, t.kind, t.name, t.defined_at, t.step = id, tname, d.kind, d.name, d.defined_at, step
      recs[#recs + 1] = t
    end
    for _, h in ipairs(d.head or {}) do add("result", { criterion = h[1], value = cell(h[2]) }) end
    if d.entries then
      for _, x in ipairs(d.entries) do
        add(x.kind or "criterion", { group = cell(x.group), criterion = cell(x.criterion), value = x.value,
                                     points = type(x.points) == "number" and x.points or 0, met = x.met })
      end
    end
    if d.kind == "routing" then
      for l in tostring(d.trail or ""):gmatch("[^\n]+") do
        l = l:match("^%s*(.-)%s*$")
        local rule, rest = l:match("^rule '(.-)': (.*)$")
        if rule then add("trail", { criterion = rule, detail = rest })
        elseif l ~= tostring(id) .. ":" and l ~= "" then add("trail", { detail = l }) end
      end
    end
    for _, v in ipairs(d.violations or {}) do add("violation", { criterion = cell(v.code), detail = cell(v.reason) }) end
  end
  return revl.frame(recs, RECORD_COLUMNS)
end

local function icp_section(e, id, out, js)
  local ok, entries, row = pcall(function() return e.obj:explain(id) end)
  if not ok or not entries then return false end
  out[#out + 1] = format("%s '%s' (%s)", e.kind == "icp" and "ICP model" or "health model", e.name, e.at)
  local head = {}
  for _, k in ipairs({ "fit", "score", "engagement", "tier", "label", "action", "status" }) do
    if row[k] ~= nil then head[#head + 1] = k .. " " .. text(row[k]) end
  end
  out[#out + 1] = "  " .. concat(head, ", ")
  local jentries = {}
  for _, x in ipairs(entries) do
    local mark = x.met and "+" or (x.kind == "cap" and "cap" or "-")
    local pts = x.points and x.points ~= 0 and format("%+g", x.points) or "0"
    out[#out + 1] = format("  %-3s %-12s %-40s %-24s %s", mark, tostring(x.group or x.kind or ""),
                           tostring(x.criterion or x.name or ""), text(x.value), pts)
    jentries[#jentries + 1] = { kind = x.kind, group = x.group, criterion = x.criterion or x.name,
                                value = x.value ~= nil and tostring(x.value) or nil,
                                points = x.points, met = x.met and true or false }
  end
  local jrow = {}
  for k, v in pairs(row) do
    if type(v) == "number" or type(v) == "boolean" then jrow[k] = v else jrow[k] = tostring(v) end
  end
  js[#js + 1] = { kind = e.kind, name = e.name, defined_at = e.at, result = jrow, entries = jentries,
                  head = head_fields(row, { "fit", "score", "engagement", "tier", "label", "action", "status" }) }
  return true
end

local function routing_section(e, id, out, js)
  local res = e.obj
  local ok, a = pcall(function() return res:get(id) end)
  if not ok or a == nil then return false end
  out[#out + 1] = format("routing '%s' (%s)", e.name, e.at)
  out[#out + 1] = format("  -> %s (%s), rule %s%s", text(a.owner), text(a.kind), text(a.rule),
                         a.team and (", team " .. tostring(a.team)) or "")
  local trail = ""
  local okx, t = pcall(function() return res:explain(res:position(id)) end)
  if okx and t then
    trail = t
    for line in tostring(t):gmatch("[^\n]+") do out[#out + 1] = "  " .. line end
  end
  js[#js + 1] = { kind = "routing", name = e.name, defined_at = e.at, owner = a.owner, owner_kind = a.kind,
                  rule = a.rule, team = a.team, trail = trail,
                  head = { { "owner", a.owner }, { "owner_kind", a.kind }, { "rule", a.rule }, { "team", a.team } } }
  return true
end

local function audit_section(e, id, out, js)
  local f = e.obj
  local row
  for i = 1, #f do if f[i].id == id then row = f[i] break end end
  if not row then return false end
  out[#out + 1] = format("funnel '%s' audit (%s)", e.name, e.at)
  out[#out + 1] = format("  stage %s (%s), entry criteria %s, ready to advance %s, furthest %s",
                         text(row.stage or row.recorded), text(row.status), row.entry_met and "met" or "not met",
                         row.ready and "yes" or "no", text(row.furthest))
  if row.days_in_stage ~= nil then
    out[#out + 1] = format("  %s days in stage (SLA %s)%s", text(row.days_in_stage), text(row.sla_days),
                           row.sla_breached and ", breached" or "")
  end
  local v = {}
  for _, d in ipairs(row.details or {}) do
    out[#out + 1] = format("  violation %s: %s", tostring(d.code), tostring(d.reason))
    v[#v + 1] = { code = d.code, reason = d.reason }
  end
  js[#js + 1] = { kind = "audit", name = e.name, defined_at = e.at, stage = row.stage, status = row.status,
                  entry_met = row.entry_met, ready = row.ready, sla_breached = row.sla_breached, violations = v,
                  head = { { "stage", row.stage or row.recorded }, { "status", row.status },
                           { "entry_met", row.entry_met and true or false }, { "ready", row.ready and true or false },
                           { "furthest", row.furthest }, { "days_in_stage", row.days_in_stage },
                           { "sla_days", row.sla_days }, { "sla_breached", row.sla_breached } } }
  return true
end

--- revl._explain_take() -> what was remembered so far, and forget it
--- (revl diff runs two playbooks in one state)
function revl._explain_take()
  local list = seen
  seen, by_key = {}, {}
  return list
end

--- revl._explain(id [, table], mode) -> the report: text (mode nil),
--- one JSON object (mode "json") or a frame of one record per step
--- (mode "records"); nil, message when the record is unknown
function revl._explain(id, tname, mode)
  local found = find(id, tname)
  if #found == 0 then
    if tname and not revl[tname] then return nil, format("no table '%s' is loaded", tname) end
    return nil, format("no record '%s' in %s", id, tname or "any loaded table")
  end
  if #found > 1 then
    return nil, format("'%s' is a key of %s: say which with --table", id, concat(found, " and "))
  end
  local out, js = { format("record %s (%s)", id, found[1]) }, {}
  local any = false
  for _, e in ipairs(seen) do
    local ok
    out[#out + 1] = ""
    if e.kind == "icp" or e.kind == "health" then ok = icp_section(e, id, out, js)
    elseif e.kind == "routing" then ok = routing_section(e, id, out, js)
    elseif e.kind == "audit" then ok = audit_section(e, id, out, js) end
    if ok then any = true else out[#out] = nil end
  end
  if not any then
    out[#out + 1] = ""
    out[#out + 1] = #seen == 0 and "the playbook built no model, routing or funnel audit"
                    or "no decision of the playbook is about this record"
  end
  if mode == "records" then return records(id, found[1], js) end
  if mode == "json" then
    for _, d in ipairs(js) do d.head = nil end
    return internals.json_encode({ id = id, table = found[1], decisions = js })
  end
  return concat(out, "\n") .. "\n"
end
