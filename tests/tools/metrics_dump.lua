-- metrics_dump.lua -- run a playbook with every revl.metrics function
-- wrapped so that each call's arguments and result (or error) are written
-- to the file named by --set dump=FILE, in a stable text form.  Used by
-- metrics_compare.sh to check that two builds compute the same metrics.
-- Run with --allow-io and --set script=PLAYBOOK.
local out = assert(io.open(assert(revl.params.dump, "--set dump=FILE"), "w"))
local script = assert(revl.params.script, "--set script=PLAYBOOK")

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
  if ty ~= "table" then return ty .. ":" .. tostring(v) end
  if depth > 3 then return "{...}" end
  local parts = {}
  if v.columns then parts[#parts + 1] = "columns=" .. table.concat(v.columns, ",") end
  for _, k in ipairs(sorted_keys(v)) do
    if k ~= "columns" then parts[#parts + 1] = tostring(k) .. "=" .. show(v[k], depth + 1) end
  end
  return "{" .. table.concat(parts, " ") .. "}"
end

local function dump_result(name, args, ok, ...)
  out:write("call ", name, "(")
  for i = 1, args.n do
    local a = args[i]
    out:write(i > 1 and ", " or "", type(a) == "userdata" and ("view:" .. tostring(#a)) or show(a))
  end
  out:write(")\n")
  if not ok then
    out:write("  error ", tostring((...)), "\n")
    return
  end
  local res = table.pack(...)
  for i = 1, res.n do
    local r = res[i]
    if type(r) == "table" and #r > 0 and type(r[1]) == "table" then
      out:write("  frame ", #r, " rows; columns=", table.concat(r.columns or {}, ","), "\n")
      for j = 1, #r do out:write("  ", show(r[j], 1), "\n") end
    else
      out:write("  value ", show(r), "\n")
    end
  end
end

local wrapped = {}
for name, fn in pairs(revl.metrics) do
  if type(fn) == "function" then
    wrapped[name] = fn
    revl.metrics[name] = function(...)
      local args = table.pack(...)
      local res = table.pack(pcall(fn, ...))
      dump_result(name, args, table.unpack(res, 1, res.n))
      if not res[1] then error(res[2], 0) end
      return table.unpack(res, 2, res.n)
    end
  end
end

local fh = assert(io.open(script))
local chunk = assert(load(fh:read("a"), "@" .. script))
fh:close()
local ok, err = pcall(chunk)
if not ok then out:write("script error ", tostring(err), "\n") end
out:close()
