-- lua/eval.lua -- how `revl eval` writes a value in a machine format
-- (csv, jsonl, json).  Frames, views and rules frames write themselves
-- through their own to_csv / to_jsonl, which go to standard output
-- while revl eval has set the output directory to "-"; a frame row
-- becomes a one-row list; a list of records, or one record (a table of
-- fields), goes through revl.write_csv / revl.write_jsonl.  Anything
-- else (money, a date, a list of values) is returned as a list of plain
-- values, which the caller (src/lua/l_eval.c, which also prints the
-- values that are not tables or userdata) prints one per line, with
-- `true` when the list itself was the value (a JSON array in json).
local revl, internals = ...

local type, pcall, rawlen, next, getmetatable = type, pcall, rawlen, next, getmetatable

local function method(x, name)
  local ok, m = pcall(function() return x[name] end)
  if ok and type(m) == "function" then return m end
  return nil
end

-- a record: a plain table of fields, or a row that copies into one
local function record(v)
  local tv = type(v)
  if tv == "table" and getmetatable(v) == nil then return v end
  if tv == "userdata" or tv == "table" then
    local tt = method(v, "totable")
    if tt then return tt(v) end
  end
  return nil
end

function internals.eval_emit(x, fmt)
  local w = method(x, fmt == "csv" and "to_csv" or "to_jsonl")
  if w then
    w(x, "eval")
    return nil
  end
  local write = fmt == "csv" and revl.write_csv or revl.write_jsonl
  local r = record(x)
  if r == nil then return { x }, false end -- money, a date, a store row
  local n = rawlen(r)
  if n == 0 then
    if next(r) == nil then -- {}: no records, no values
      if fmt == "json" then write("eval", {}) end
      return nil
    end
    write("eval", { r }) -- one record
    return nil
  end
  local first = record(r[1])
  if first == nil then return r, true end -- a list of values
  local rows = { first }
  for i = 2, n do
    rows[i] = record(r[i]) or { value = r[i] }
  end
  write("eval", rows)
  return nil
end
