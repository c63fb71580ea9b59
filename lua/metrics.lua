-- lua/metrics.lua -- the revl.metrics functions that combine other
-- metrics or read plain Lua data (forecast snapshots, SLA ledgers):
-- the per-row work stays in C (src/lua/l_metrics.c); these only walk
-- frames of a few rows per group.  docs/metrics.md documents each one.
-- Loaded once per state with (revl, internals) after lua/revl.lua.
local revl, internals = ...
local near_hint = internals.near_hint

local M = revl.metrics
local type, pairs, ipairs, tostring, error, math_abs, sort =
  type, pairs, ipairs, tostring, error, math.abs, table.sort

local function fail(fn, msg, ...)
  error(("revl.metrics.%s: " .. msg):format(fn, ...), 3)
end

-- options must be a table of known keys (typos are errors)
local function check_opts(fn, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= "table" then fail(fn, "options must be a table, not %s", type(opts)) end
  local ok = {}
  for _, k in ipairs(allowed) do ok[k] = true end
  for k in pairs(opts) do
    if not ok[k] then
      fail(fn, "unknown option '%s'%s (options: %s)", tostring(k),
           type(k) == "string" and near_hint(k, allowed) or "", table.concat(allowed, " "))
    end
  end
  return opts
end

-- rows in order of their values at keys, first key first: nil last, the
-- rest by their text
local function sort_by_keys(rows, keys)
  sort(rows, function(a, b)
    for _, k in ipairs(keys) do
      local x, y = a[k], b[k]
      if x ~= y then
        if x == nil then return false end
        if y == nil then return true end
        return tostring(x) < tostring(y)
      end
    end
    return false
  end)
end

local getmetatable = getmetatable
local function is_money(v)
  if type(v) ~= "userdata" then return false end
  local mt = getmetatable(v)
  return type(mt) == "table" and mt.__name == "money"
end

-- exact sum of money (or numbers); nil + x = x
local function add(a, b)
  if a == nil then return b end
  if b == nil then return a end
  return a + b
end

local function ratio(num, den)
  -- money / money is a number; den zero -> nil
  if den == nil then return nil end
  if is_money(den) then
    if den.minor == 0 then return nil end
  elseif den == 0 then
    return nil
  end
  return num / den
end

local function keys_of(by)
  if by == nil then return {} end
  if type(by) == "string" then return { by } end
  return by
end

local function key_text(row, keys)
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = tostring(row[k]) end
  return table.concat(parts, "\31")
end

local function window_opts(opts)
  return { period = opts.period, from = opts.from, to = opts.to, periods = opts.periods }
end

-- ---- forecast gap --------------------------------------------------------

--- revl.metrics.forecast_gap(deals, {by, period, from, to, periods,
--- target, commits}) -> frame: bottom-up (sum of reps' commits) against
--- a top-down target, per group and period.
function M.forecast_gap(deals, opts)
  local fn = "forecast_gap"
  opts = check_opts(fn, opts, { "by", "period", "from", "to", "periods", "target", "commits" })
  local by = keys_of(opts.by)
  local wo = window_opts(opts)
  local fb = { "owner" }
  for _, k in ipairs(by) do if k ~= "owner" then fb[#fb + 1] = k end end
  wo.by = fb
  local f = M.forecast(deals, wo)
  local commits = opts.commits
  if commits ~= nil and type(commits) ~= "table" then fail(fn, "commits is a table {rep = amount}") end
  local groups, order = {}, {}
  local has_period = f.columns[#fb + 1] == "period"
  for _, r in ipairs(f) do
    local kt = key_text(r, by) .. "\30" .. tostring(r.period)
    local g = groups[kt]
    if not g then
      g = { reps = 0 }
      for _, k in ipairs(by) do g[k] = r[k] end
      if has_period then g.period = r.period end
      groups[kt] = g
      order[#order + 1] = g
    end
    local c = r.commit_total
    if commits and r.owner ~= nil and commits[r.owner] ~= nil then
      c = commits[r.owner]
      if type(c) == "number" then c = revl.money(c, r.commit_total.currency) end
    end
    g.bottom_up = add(g.bottom_up, c)
    g.reps = g.reps + 1
  end
  -- top-down: given, or the reps' quotas for the period
  local target = opts.target
  local quota_rows
  if target == nil then
    local co = window_opts(opts)
    co.by = opts.by
    quota_rows = M.coverage(deals, co)
  elseif type(target) == "table" and not is_money(target) then
    if #by ~= 1 then fail(fn, "a target table needs exactly one 'by' field") end
  elseif #by > 0 then
    fail(fn, "one target cannot be split by '%s'; give target = {value = amount}", by[1])
  end
  if quota_rows then
    for _, q in ipairs(quota_rows) do
      local kt = key_text(q, by) .. "\30" .. tostring(q.period)
      local g = groups[kt]
      if not g then
        g = { reps = 0 }
        for _, k in ipairs(by) do g[k] = q[k] end
        if has_period then g.period = q.period end
        groups[kt] = g
        order[#order + 1] = g
      end
      g.target = q.quota
    end
  end
  local out = {}
  for _, g in ipairs(order) do
    local t = g.target
    if quota_rows == nil then
      if type(target) == "table" and not is_money(target) then t = target[g[by[1]]] else t = target end
    end
    local bu = g.bottom_up
    if type(t) == "number" then
      t = revl.money(t, bu and bu.currency or "USD")
    end
    if bu == nil then bu = t and t * 0 or revl.money(0) end
    g.bottom_up = bu
    g.target = t
    if t ~= nil then
      g.gap = t - bu
      g.gap_ratio = ratio(g.gap, t)
      if g.gap_ratio == nil then g.gap_ratio_reason = "target is zero" end
    else
      g.target_reason = "no target"
      g.gap_reason = "no target"
      g.gap_ratio_reason = "no target"
    end
    out[#out + 1] = g
  end
  local cols = {}
  for _, k in ipairs(by) do cols[#cols + 1] = k end
  if has_period then cols[#cols + 1] = "period" end
  local sortkeys = {}
  for i, c in ipairs(cols) do sortkeys[i] = c end
  for _, c in ipairs({ "reps", "bottom_up", "target", "gap", "gap_ratio" }) do cols[#cols + 1] = c end
  for _, g in ipairs(out) do
    for _, c in ipairs({ "target_reason", "gap_reason", "gap_ratio_reason" }) do
      if g[c] ~= nil then
        local seen = false
        for _, x in ipairs(cols) do if x == c then seen = true end end
        if not seen then cols[#cols + 1] = c end
      end
    end
  end
  sort_by_keys(out, sortkeys)
  return revl.frame(out, cols)
end

-- ---- forecast accuracy ---------------------------------------------------

local function value_of(fn, v, what)
  if v == nil or type(v) == "number" or is_money(v) then return v end
  fail(fn, "%s must be money or a number, not %s", what, type(v))
end

--- revl.metrics.forecast_accuracy(forecasts, actuals [, {by, period}])
--- -> frame (one row per forecast), summary
function M.forecast_accuracy(forecasts, actuals, opts)
  local fn = "forecast_accuracy"
  opts = check_opts(fn, opts, { "by", "period" })
  if type(forecasts) ~= "table" then fail(fn, "forecasts is a list of {period = , forecast = }") end
  local by = keys_of(opts.by)
  -- actuals: a list of {period =, actual =}, a map period -> value, or a
  -- view of deals (won amounts by close period)
  local act = {}
  if type(actuals) == "userdata" then
    local p = opts.period
    if not p then fail(fn, "actuals from deals need period = \"quarter\" (or another kind)") end
    local keys = {}
    for i, k in ipairs(by) do keys[i] = k end
    keys[#keys + 1] = "close_date:" .. p
    keys[#keys + 1] = { total = { "sum", "amount" } }
    local g = actuals:where({ is_won = true }):group_by(table.unpack(keys))
    for _, r in ipairs(g) do
      local row = { period = r["close_date_" .. p], actual = r.total }
      for _, k in ipairs(by) do row[k] = r[k] end
      act[key_text(row, by) .. "\30" .. tostring(row.period)] = row.actual
    end
  elseif type(actuals) == "table" then
    if #actuals > 0 then
      for i, r in ipairs(actuals) do
        if type(r) ~= "table" or r.period == nil then
          fail(fn, "actual %d needs a period", i)
        end
        local k = key_text(r, by) .. "\30" .. tostring(r.period)
        act[k] = add(act[k], value_of(fn, r.actual, "actual"))
      end
    else
      if #by > 0 then fail(fn, "actuals keyed by period cannot be split by '%s'", by[1]) end
      for p, v in pairs(actuals) do act["\30" .. tostring(p)] = value_of(fn, v, "actual") end
    end
  else
    fail(fn, "actuals must be a list, a map of period -> amount or a view of deals")
  end
  local out, extra, seen = {}, {}, {}
  local sum_abs, sum_err, sum_act, n, ape, nape = nil, nil, nil, 0, 0, 0
  for i, f in ipairs(forecasts) do
    if type(f) ~= "table" or f.period == nil then fail(fn, "forecast %d needs a period", i) end
    local F = value_of(fn, f.forecast, "forecast")
    if F == nil then fail(fn, "forecast %d has no forecast value", i) end
    local r = {}
    for k, v in pairs(f) do
      r[k] = v
      if type(k) == "string" and k ~= "period" and k ~= "forecast" and not seen[k] then
        local isby = false
        for _, b in ipairs(by) do if b == k then isby = true end end
        if not isby then
          seen[k] = true
          extra[#extra + 1] = k
        end
      end
    end
    local A = act[key_text(f, by) .. "\30" .. tostring(f.period)]
    if type(A) == "number" and is_money(F) then A = revl.money(A, F.currency) end
    if type(F) == "number" and is_money(A) then F = revl.money(F, A.currency) end
    r.forecast = F
    r.actual = A
    if A == nil then
      r.actual_reason = "no actual for this period"
      r.accuracy_reason = "no actual for this period"
      r.bias_reason = "no actual for this period"
    else
      local err = F - A
      r.error = err
      local zero = (is_money(A) and A.minor == 0) or A == 0
      if zero then
        r.accuracy_reason = "actual is zero"
        r.bias_reason = "actual is zero"
      else
        local rel = err / A
        r.accuracy = 1 - math_abs(rel)
        r.bias = rel
        ape = ape + math_abs(rel)
        nape = nape + 1
      end
      sum_abs = add(sum_abs, (is_money(err) and (err.minor < 0 and -err or err)) or math_abs(err))
      sum_err = add(sum_err, err)
      sum_act = add(sum_act, A)
      n = n + 1
    end
    out[#out + 1] = r
  end
  sort(extra)
  local cols = {}
  for _, k in ipairs(by) do cols[#cols + 1] = k end
  cols[#cols + 1] = "period"
  local sortkeys = {}
  for i, c in ipairs(cols) do sortkeys[i] = c end
  for _, k in ipairs(extra) do
    if not k:find("_reason$") and k ~= "actual" and k ~= "error" and k ~= "accuracy" and k ~= "bias" then
      cols[#cols + 1] = k
    end
  end
  for _, c in ipairs({ "forecast", "actual", "error", "accuracy", "bias" }) do cols[#cols + 1] = c end
  local reasons = {}
  for _, r in ipairs(out) do
    for _, c in ipairs({ "actual_reason", "accuracy_reason", "bias_reason" }) do
      if r[c] ~= nil then reasons[c] = true end
    end
  end
  for _, c in ipairs({ "actual_reason", "accuracy_reason", "bias_reason" }) do
    if reasons[c] then cols[#cols + 1] = c end
  end
  -- stable: by period (and keys), then input order
  for i, r in ipairs(out) do r._i = i end
  sort(out, function(a, b)
    for _, k in ipairs(sortkeys) do
      local x, y = tostring(a[k]), tostring(b[k])
      if x ~= y then return x < y end
    end
    return a._i < b._i
  end)
  for _, r in ipairs(out) do r._i = nil end
  local summary = { forecasts = #out, matched = n }
  local wacc = ratio(sum_abs, sum_act)
  if wacc ~= nil then
    summary.accuracy = 1 - wacc
    summary.bias = ratio(sum_err, sum_act)
  else
    summary.accuracy_reason = "no actuals (or they add up to zero)"
  end
  if nape > 0 then summary.mape = ape / nape else summary.mape_reason = "no non-zero actuals" end
  return revl.frame(out, cols), summary
end

-- ---- SLA compliance --------------------------------------------------------

--- revl.metrics.sla(ledger [, {by = "owner"}]) -> frame: items,
--- breached, met, compliance per group.
function M.sla(ledger, opts)
  local fn = "sla"
  opts = check_opts(fn, opts, { "by" })
  if type(ledger) ~= "table" then fail(fn, "the ledger is a list of {owner =, breached = true/false}") end
  local by = opts.by == nil and { "owner" } or keys_of(opts.by)
  local groups, order = {}, {}
  for i, e in ipairs(ledger) do
    if type(e) ~= "table" then fail(fn, "ledger entry %d is not a table", i) end
    if type(e.breached) ~= "boolean" then
      fail(fn, "ledger entry %d needs breached = true or false", i)
    end
    local kt = key_text(e, by)
    local g = groups[kt]
    if not g then
      g = { items = 0, breached = 0 }
      for _, k in ipairs(by) do g[k] = e[k] end
      groups[kt] = g
      order[#order + 1] = g
    end
    g.items = g.items + 1
    if e.breached then g.breached = g.breached + 1 end
  end
  if #by == 0 and #order == 0 then order[1] = { items = 0, breached = 0 } end
  local any_reason = false
  for _, g in ipairs(order) do
    g.met = g.items - g.breached
    if g.items > 0 then g.compliance = g.met / g.items
    else
      g.compliance_reason = "no items"
      any_reason = true
    end
  end
  local cols = {}
  for _, k in ipairs(by) do cols[#cols + 1] = k end
  for _, c in ipairs({ "items", "breached", "met", "compliance" }) do cols[#cols + 1] = c end
  if any_reason then cols[#cols + 1] = "compliance_reason" end
  sort_by_keys(order, by)
  return revl.frame(order, cols)
end

-- ---- lifetime value -------------------------------------------------------

--- revl.metrics.ltv(subscriptions, {gross_margin, cac, by, from, to,
--- months = 12}) -> frame: ARPA x gross margin / monthly logo churn.
function M.ltv(subs, opts)
  local fn = "ltv"
  opts = check_opts(fn, opts, { "by", "from", "to", "months", "gross_margin", "cac" })
  local gm = opts.gross_margin
  if type(gm) ~= "number" or gm < 0 or gm > 1 then
    fail(fn, "needs gross_margin = a number between 0 and 1")
  end
  local from, to = opts.from, opts.to
  if from == nil and to == nil then
    local months = opts.months or 12
    if type(months) ~= "number" or months < 1 or months % 1 ~= 0 then
      fail(fn, "months must be a whole number >= 1")
    end
    to = revl.as_of
    from = revl.add_months(revl.period_start(revl.as_of, "month"), -(months - 1))
  elseif opts.months ~= nil then
    fail(fn, "give months or from/to, not both")
  end
  local f = M.mrr(subs, { by = opts.by, period = "month", from = from, to = to })
  local by = keys_of(opts.by)
  local groups, order = {}, {}
  for _, r in ipairs(f) do
    local kt = key_text(r, by)
    local g = groups[kt]
    if not g then
      g = { churned = 0, exposure = 0, months = 0 }
      for _, k in ipairs(by) do g[k] = r[k] end
      groups[kt] = g
      order[#order + 1] = g
    end
    g.churned = g.churned + r.churned_customers
    g.exposure = g.exposure + r.customers_start
    g.months = g.months + 1
    g.mrr = r.mrr -- rows come sorted by period: the last one stays
    g.customers = r.customers
  end
  local cac = opts.cac
  if cac ~= nil and type(cac) ~= "number" and not is_money(cac) then
    fail(fn, "cac must be money or a number")
  end
  local out = {}
  for _, g in ipairs(order) do
    local r = {}
    for _, k in ipairs(by) do r[k] = g[k] end
    r.months = g.months
    r.mrr = g.mrr
    r.customers = g.customers
    r.churned_customers = g.churned
    r.customer_months = g.exposure
    if g.customers and g.customers > 0 then r.arpa = g.mrr / g.customers
    else r.arpa_reason = "no customers at the end" end
    if g.exposure > 0 then r.churn_rate = g.churned / g.exposure
    else r.churn_rate_reason = "no customers at the start of any month" end
    if r.arpa and r.churn_rate and r.churn_rate > 0 then
      r.ltv = r.arpa * (gm / r.churn_rate)
    elseif r.arpa and r.churn_rate == 0 then
      r.ltv_reason = "no churned customers (churn rate is 0)"
    else
      r.ltv_reason = r.arpa_reason or r.churn_rate_reason
    end
    if cac ~= nil then
      local c = cac
      if type(c) == "number" and r.ltv then c = revl.money(c, r.ltv.currency) end
      if r.ltv then
        r.ltv_cac = ratio(r.ltv, c)
        if r.ltv_cac == nil then r.ltv_cac_reason = "CAC is zero" end
      else
        r.ltv_cac_reason = r.ltv_reason
      end
    end
    out[#out + 1] = r
  end
  local cols = {}
  for _, k in ipairs(by) do cols[#cols + 1] = k end
  for _, c in ipairs({ "months", "mrr", "customers", "arpa", "churned_customers",
                       "customer_months", "churn_rate", "ltv" }) do cols[#cols + 1] = c end
  if cac ~= nil then cols[#cols + 1] = "ltv_cac" end
  local reasons = {}
  for _, r in ipairs(out) do
    for k in pairs(r) do if k:find("_reason$") then reasons[k] = true end end
  end
  local rs = {}
  for k in pairs(reasons) do rs[#rs + 1] = k end
  sort(rs)
  for _, k in ipairs(rs) do cols[#cols + 1] = k end
  return revl.frame(out, cols)
end

-- ---- composite data quality ---------------------------------------------------

--- revl.metrics.quality_score(view, {required, consistency, days,
--- duplicates, weights}) -> {score, completeness, uniqueness,
--- consistency, timeliness, weights}
function M.quality_score(view, opts)
  local fn = "quality_score"
  opts = check_opts(fn, opts, { "required", "consistency", "days", "duplicates", "weights" })
  local cols = {}
  for _, c in ipairs(view:columns()) do cols[c] = true end
  local parts = {}
  -- completeness: share of rows with every required field
  local _, per = M.completeness(view, { fields = opts.required, required = opts.required })
  parts.completeness = per[1] and per[1].completeness
  -- uniqueness: 1 - duplicate share (tables with a name or domain)
  local dup = opts.duplicates
  if dup == nil then dup = cols.name ~= nil or cols.domain ~= nil end
  if dup then
    local on = (cols.name and cols.domain) and "both" or (cols.name and "name" or "domain")
    local _, s = M.duplicates(view, { on = on })
    parts.uniqueness = s.uniqueness
  end
  -- consistency: pooled over the fields checked
  local checks = opts.consistency
  if checks == nil and cols.country then checks = { country = "country" } end
  if checks ~= nil then
    if type(checks) ~= "table" then fail(fn, "consistency maps fields to \"country\" or a list") end
    local ok, n = 0, 0
    local names = {}
    for k in pairs(checks) do names[#names + 1] = k end
    sort(names)
    for _, field in ipairs(names) do
      local spec = checks[field]
      local o = spec == "country" and { normalize = "country" } or { allowed = spec }
      local f = M.consistency(view, field, o)
      for _, r in ipairs(f) do
        ok = ok + r.consistent
        n = n + r.checked
      end
    end
    if n > 0 then parts.consistency = ok / n end
  end
  -- timeliness: records with activity in the last N days (left out when
  -- no activities reference the table)
  local days = opts.days or 90
  if type(days) ~= "number" or days < 0 or days % 1 ~= 0 then
    fail(fn, "days must be a whole number of days")
  end
  local okt, t = pcall(M.timeliness, view, { days = days })
  if okt then
    if t[1] then parts.timeliness = t[1].timeliness end
  elseif not tostring(t):find("activities", 1, true) then
    error(t, 0)
  end
  local w = opts.weights or { completeness = 0.4, uniqueness = 0.2, consistency = 0.2, timeliness = 0.2 }
  local num, den, used = 0, 0, {}
  for _, k in ipairs({ "completeness", "uniqueness", "consistency", "timeliness" }) do
    local wk = w[k] or 0
    if type(wk) ~= "number" or wk < 0 then fail(fn, "weight of %s must be a number >= 0", k) end
    if parts[k] ~= nil and wk > 0 then
      num = num + wk * parts[k]
      den = den + wk
      used[k] = wk
    end
  end
  local res = {
    completeness = parts.completeness, uniqueness = parts.uniqueness,
    consistency = parts.consistency, timeliness = parts.timeliness, weights = used,
  }
  if den > 0 then res.score = num / den else res.score_reason = "no component could be measured" end
  return res
end

return M
