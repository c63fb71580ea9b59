-- lua/diff.lua -- what `revl diff` computes: after each of the two
-- playbooks ran (in one state, over the same data and as-of date),
-- revl._diff_capture(side) turns what it built (lua/explain.lua
-- remembers models, routing results and funnel audits) into plain
-- decisions per record; revl._diff_report(opts) compares the sides:
-- tier migration, score changes, reassignments and load per owner,
-- audit verdicts, the top changed records with both sides' reasons.
-- It writes OUT/diff_decisions.csv and .jsonl and returns the report
-- (text or markdown) and whether anything changed.
local revl, internals = ...

local type, tostring, ipairs, pairs, pcall = type, tostring, ipairs, pairs, pcall
local format, concat, sort = string.format, table.concat, table.sort

local sides = {}

local function str(v)
  if v == nil then return "" end
  return tostring(v)
end

-- the decisions of a scored frame as plain rows: key -> {fields}, in
-- frame order (when the two sides' frames cannot be compared in C)
local function plain(r)
  local score = r.fit
  if score == nil then score = r.score end
  return { tier = str(r.tier), label = str(r.label), score = score, reasons = str(r.reasons) }
end

local function frame_decisions(f)
  local out, order = {}, {}
  for i = 1, #f do
    local r = f[i]
    out[r.id] = plain(r)
    order[#order + 1] = r.id
  end
  return out, order
end

-- decisions of one remembered object: key -> {fields}, in id order; a
-- model's scored frame is kept as it is (compared in C by rules_diff)
local function decisions(e)
  local out, order = {}, {}
  if e.kind == "icp" or e.kind == "health" then
    local ok, f = pcall(function() return e.obj:score() end)
    if not ok then return nil end
    return { frame = f }, nil
  elseif e.kind == "routing" then
    local res = e.obj
    for i = 1, #res do
      local a = res:get(i)
      local ok, trail = pcall(res.explain, res, i)
      local parts = {}
      if ok and type(trail) == "string" then
        for l in trail:gmatch("[^\n]+") do
          l = l:match("^%s*(.-)%s*$")
          if l ~= "" and l ~= tostring(a.id) .. ":" then parts[#parts + 1] = l end
        end
      end
      out[a.id] = { owner = str(a.owner), rule = str(a.rule), team = str(a.team), reasons = concat(parts, "; ") }
      order[#order + 1] = a.id
    end
  elseif e.kind == "audit" then
    local f = e.obj
    for i = 1, #f do
      local r = f[i]
      out[r.id] = { status = str(r.status), ready = str(r.ready), violations = str(r.violations),
                    reasons = str(r.violations) }
      order[#order + 1] = r.id
    end
  end
  return out, order
end

--- revl._diff_capture(side): the decisions of what the playbook built
function revl._diff_capture(side)
  local got = {}
  for _, e in ipairs(revl._explain_take()) do
    local d, order = decisions(e)
    if d then got[#got + 1] = { kind = e.kind, name = e.name, at = e.at, d = d, order = order } end
  end
  sides[side] = got
end

local FIELDS = { icp = { "tier", "label", "score" }, health = { "tier", "label", "score" },
                 routing = { "owner", "rule", "team" }, audit = { "status", "ready", "violations" } }
local KIND = { icp = "ICP model", health = "health model", routing = "routing", audit = "funnel audit" }

-- pair the objects of both sides: same kind and name, else the only one
-- of its kind on each side
local function pairs_of(a, b)
  local out, used = {}, {}
  for _, x in ipairs(a) do
    local match
    for j, y in ipairs(b) do
      if not used[j] and y.kind == x.kind and y.name == x.name then match = j break end
    end
    if not match then
      local cand
      for j, y in ipairs(b) do
        if not used[j] and y.kind == x.kind then
          if cand then cand = nil break end
          cand = j
        end
      end
      match = cand
    end
    if match then used[match] = true end
    out[#out + 1] = { a = x, b = match and b[match] or nil }
  end
  for j, y in ipairs(b) do
    if not used[j] then out[#out + 1] = { b = y } end
  end
  return out
end

local function bucket(d)
  if d < -20 then return "< -20" elseif d < -10 then return "-20..-10" elseif d < 0 then return "-10..-1"
  elseif d == 0 then return "0" elseif d <= 10 then return "1..10" elseif d <= 20 then return "11..20" end
  return "> 20"
end
local BUCKETS = { "< -20", "-20..-10", "-10..-1", "0", "1..10", "11..20", "> 20" }

local function counts_table(md, title, rows, head)
  local out = {}
  if #rows == 0 then return out end
  out[#out + 1] = title
  if md then
    out[#out + 1] = "| " .. concat(head, " | ") .. " |"
    local sep = {}
    for i = 1, #head do sep[i] = "---" end
    out[#out + 1] = "|" .. concat(sep, "|") .. "|"
    for _, r in ipairs(rows) do out[#out + 1] = "| " .. concat(r, " | ") .. " |" end
  else
    for _, r in ipairs(rows) do out[#out + 1] = "  " .. concat(r, "  ") end
  end
  return out
end

--- revl._diff_report{top = N, md = bool, records = bool, a = label, b = label}
--- -> report, changed[, frame of a "records" row per object and one row per
--- changed field, with records]
function revl._diff_report(o)
  local A, B = sides.a or {}, sides.b or {}
  local out, rows = {}, {}
  local totals = {} -- a "records" row per object, for o.records
  local md = o.md
  local changed_any = false
  local function line(s) out[#out + 1] = s end
  line(md and format("## revl diff: %s -> %s", o.a, o.b) or format("revl diff: %s -> %s", o.a, o.b))
  if #A == 0 and #B == 0 then
    line("")
    line("neither playbook built a model, routing or funnel audit: nothing to compare")
  end
  for _, p in ipairs(pairs_of(A, B)) do
    local x, y = p.a, p.b
    local kind = (x or y).kind
    local title = format("%s '%s'", KIND[kind], (x or y).name)
    line("")
    if not x or not y then
      changed_any = true
      local z = x or y
      local cnt = tostring(z.d.frame and #z.d.frame or #(z.order or {}))
      totals[#totals + 1] = { kind, z.name, "", "records", x and cnt or "", y and cnt or "", "", "" }
      line((md and "### " or "") .. title .. (x and ": only in " .. o.a or ": only in " .. o.b))
    else
      local fields = FIELDS[kind]
      local n, changed, only_a, only_b = 0, {}, 0, 0
      local migration, scores, load = {}, {}, {}
      -- two scored frames over one table: compared in C, and only the
      -- changed records become Lua rows
      local fast = x.d.frame and y.d.frame and internals.rules_diff(x.d.frame, y.d.frame)
      if not fast and x.d.frame then x.d, x.order = frame_decisions(x.d.frame) end
      if not fast and y.d.frame then y.d, y.order = frame_decisions(y.d.frame) end
      if fast then
        n, only_a, only_b = fast.n, fast.only_a, fast.only_b
        for _, m in ipairs(fast.migration) do migration[m[1] .. " -> " .. m[2]] = m[3] end
        for _, bk in ipairs(fast.buckets) do scores[bk[1]] = bk[2] end
        local fa, fb = x.d.frame, y.d.frame
        for k, ia in ipairs(fast.ia) do
          local ra = fa[ia]
          local da, db, diff = plain(ra), plain(fb[fast.ib[k]]), fast.what[k]
          changed[#changed + 1] = { id = ra.id, a = da, b = db, fields = diff }
          for _, f in ipairs(diff) do
            rows[#rows + 1] = { kind, x.name, ra.id, f, str(da[f]), str(db[f]), da.reasons, db.reasons }
          end
        end
      end
      if not fast then -- record by record
        for _, id in ipairs(x.order) do
          local da, db = x.d[id], y.d[id]
          n = n + 1
          if not db then
            only_a = only_a + 1
          else
            local diff = {}
            for _, f in ipairs(fields) do
              if str(da[f]) ~= str(db[f]) then diff[#diff + 1] = f end
            end
            if kind == "icp" or kind == "health" then
              local k = da.tier .. " -> " .. db.tier
              migration[k] = (migration[k] or 0) + 1
              if type(da.score) == "number" and type(db.score) == "number" then
                local bk = bucket(db.score - da.score)
                scores[bk] = (scores[bk] or 0) + 1
              end
            elseif kind == "routing" then
              if da.owner ~= db.owner then
                local k = da.owner .. " -> " .. db.owner
                migration[k] = (migration[k] or 0) + 1
              end
              load[da.owner] = load[da.owner] or { 0, 0 }
              load[da.owner][1] = load[da.owner][1] + 1
              load[db.owner] = load[db.owner] or { 0, 0 }
              load[db.owner][2] = load[db.owner][2] + 1
            end
            if #diff > 0 then
              changed[#changed + 1] = { id = id, a = da, b = db, fields = diff }
              for _, f in ipairs(diff) do
                rows[#rows + 1] = { kind, x.name, id, f, str(da[f]), str(db[f]), da.reasons, db.reasons }
              end
            end
          end
        end
        for _, id in ipairs(y.order) do if not x.d[id] then only_b = only_b + 1 end end
      end
      if #changed > 0 or only_a > 0 or only_b > 0 then changed_any = true end
      totals[#totals + 1] = { kind, x.name, "", "records", tostring(n), tostring(n - only_a + only_b), "", "" }
      line(format("%s%s: %d records, %d changed%s%s", md and "### " or "", title, n, #changed,
                  only_a > 0 and format(", %d only before", only_a) or "",
                  only_b > 0 and format(", %d only after", only_b) or ""))
      if kind == "icp" or kind == "health" then
        local mrows = {}
        for k, c in pairs(migration) do mrows[#mrows + 1] = { k, tostring(c) } end
        sort(mrows, function(p1, p2) return p1[1] < p2[1] end)
        for _, l in ipairs(counts_table(md, "tier migration (before -> after: records)", mrows, { "tiers", "records" })) do line(l) end
        local srows = {}
        for _, bk in ipairs(BUCKETS) do if scores[bk] then srows[#srows + 1] = { bk, tostring(scores[bk]) } end end
        for _, l in ipairs(counts_table(md, "score change (after - before: records)", srows, { "change", "records" })) do line(l) end
      elseif kind == "routing" then
        local mrows = {}
        for k, c in pairs(migration) do mrows[#mrows + 1] = { k, tostring(c) } end
        sort(mrows, function(p1, p2) return tonumber(p1[2]) > tonumber(p2[2]) or (p1[2] == p2[2] and p1[1] < p2[1]) end)
        for _, l in ipairs(counts_table(md, "reassignments (from -> to: leads)", mrows, { "owners", "leads" })) do line(l) end
        local lrows = {}
        for owner, c in pairs(load) do
          if c[1] ~= c[2] then lrows[#lrows + 1] = { owner, tostring(c[1]), tostring(c[2]), format("%+d", c[2] - c[1]) } end
        end
        sort(lrows, function(p1, p2) return p1[1] < p2[1] end)
        for _, l in ipairs(counts_table(md, "load per owner (before, after, change)", lrows, { "owner", "before", "after", "change" })) do line(l) end
      end
      local top = math.min(#changed, o.top or 10)
      if top > 0 then
        line(format("top %d changed:", top))
        for i = 1, top do
          local c = changed[i]
          local parts = {}
          for _, f in ipairs(c.fields) do parts[#parts + 1] = format("%s %s -> %s", f, str(c.a[f]), str(c.b[f])) end
          line(format("%s %s: %s", md and "-" or " ", c.id, concat(parts, ", ")))
          line(format("%s   before: %s", md and " " or " ", c.a.reasons ~= "" and c.a.reasons or "(no reasons)"))
          line(format("%s   after:  %s", md and " " or " ", c.b.reasons ~= "" and c.b.reasons or "(no reasons)"))
        end
      end
    end
  end
  local cols = { "kind", "name", "id", "field", "before", "after", "reasons_before", "reasons_after" }
  local recs = {}
  for i, r in ipairs(rows) do
    local t = {}
    for k, c in ipairs(cols) do t[c] = r[k] end
    recs[i] = t
  end
  local csv = revl.write_csv("diff_decisions.csv", recs, cols)
  revl.write_jsonl("diff_decisions.jsonl", recs, cols)
  line("")
  line(format("%d decision%s changed; written to %s and .jsonl", #rows, #rows == 1 and "" or "s", csv))
  local frame
  if o.records then -- --format csv|jsonl|json: the totals, then every change
    local all = {}
    for _, r in ipairs(totals) do
      local t = {}
      for k, c in ipairs(cols) do t[c] = r[k] end
      all[#all + 1] = t
    end
    for _, r in ipairs(recs) do all[#all + 1] = r end
    frame = revl.frame(all, cols)
  end
  return concat(out, "\n") .. "\n", changed_any, frame
end
