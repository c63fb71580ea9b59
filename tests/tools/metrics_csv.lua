-- metrics_csv.lua -- run a playbook with every revl.metrics function
-- wrapped so that each call's result is written as CSV: call N's frames
-- go to DIR/N_K.csv (revl.write_csv, the frame's columns), and
-- DIR/calls.txt gets one line per call with its arguments and either
-- the error text or, per returned value, its column list and the values
-- that CSV does not show (integer or float, the `ids` lists of waterfall
-- rows, a plain totals table).  Used by stages_compare.sh to check that
-- two builds give byte-identical outputs.  The playbook must make its
-- calls in a fixed order (ipairs, not pairs).
-- Run with --allow-io --set csvdir=DIR --set script=PLAYBOOK.
local dir = assert(revl.params.csvdir, "--set csvdir=DIR")
local script = assert(revl.params.script, "--set script=PLAYBOOK")
local log = assert(io.open(dir .. "/calls.txt", "w"))

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b) return tostring(a) < tostring(b) end)
  return ks
end

local function show(v, depth)
  depth = depth or 0
  local ty = type(v)
  if ty == "string" then return string.format("%q", v) end
  if ty == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.17g", v)
  end
  if ty == "userdata" then
    local ok, n = pcall(function() return #v end)
    return ok and ("view:" .. tostring(n)) or tostring(v)
  end
  if ty ~= "table" then return ty .. ":" .. tostring(v) end
  if depth > 4 then return "{...}" end
  local parts = {}
  for _, k in ipairs(sorted_keys(v)) do
    parts[#parts + 1] = tostring(k) .. "=" .. show(v[k], depth + 1)
  end
  return "{" .. table.concat(parts, " ") .. "}"
end

-- what a CSV cell does not tell: the Lua type of each value
local function types(row, cols)
  local t = {}
  for i, c in ipairs(cols) do
    local v = row[c]
    t[i] = v == nil and "-" or (type(v) == "number" and math.type(v) or type(v))
  end
  return table.concat(t, "")
end

local ncall = 0
local function record(name, args, ok, ...)
  ncall = ncall + 1
  local a = {}
  for i = 1, args.n do a[i] = show(args[i]) end
  log:write(ncall, " ", name, "(", table.concat(a, ", "), ")\n")
  if not ok then
    log:write("  error ", tostring((...)), "\n")
    return
  end
  local res = table.pack(...)
  for k = 1, res.n do
    local r = res[k]
    if type(r) == "table" and r.columns then
      local path = dir .. "/" .. ncall .. "_" .. k .. ".csv"
      assert(revl.write_csv(path, r, r.columns))
      log:write("  frame ", k, " rows=", #r, " columns=", table.concat(r.columns, ","), "\n")
      for j = 1, #r do
        log:write("   ", j, " ", types(r[j], r.columns))
        if r[j].ids then log:write(" ids=", show(r[j].ids)) end
        log:write("\n")
      end
    else
      log:write("  value ", k, " ", show(r), "\n")
    end
  end
end

for name, fn in pairs(revl.metrics) do
  if type(fn) == "function" then
    revl.metrics[name] = function(...)
      local args = table.pack(...)
      local res = table.pack(pcall(fn, ...))
      record(name, args, table.unpack(res, 1, res.n))
      if not res[1] then error(res[2], 0) end
      return table.unpack(res, 2, res.n)
    end
  end
end

local fh = assert(io.open(script))
local chunk = assert(load(fh:read("a"), "@" .. script))
fh:close()
local ok, err = pcall(chunk)
if not ok then log:write("script error ", tostring(err), "\n") end
log:write(ncall, " calls\n")
log:close()
