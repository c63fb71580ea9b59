-- lua/revl.lua -- the Lua half of the revl module: result frames,
-- formatting helpers and the test helper used by playbook tests.
-- Loaded once per state with (revl, internals); internals hands private
-- helpers back to the C side.
local revl, internals = ...

local sort, concat, type, tostring, pairs, ipairs, setmetatable =
  table.sort, table.concat, type, tostring, pairs, ipairs, setmetatable

-- A frame is a list of result rows (plain tables) with a column order;
-- group_by returns one, playbooks can build their own with revl.frame.
local Frame = {}
Frame.__index = Frame
Frame.__name = "revl.frame"

local function sorted_keys(rows)
  local seen, keys = {}, {}
  for i = 1, math.min(#rows, 1000) do
    for k in pairs(rows[i]) do
      if type(k) == "string" and not seen[k] then
        seen[k] = true
        keys[#keys + 1] = k
      end
    end
  end
  sort(keys)
  return keys
end
internals.row_keys = sorted_keys
-- the ICP models and SLAs a playbook defines, in order (revl diagnose
-- PLAYBOOK asks its questions with the last of each per table:
-- src/lua/l_diagnose.c).  Only the last definition per table is kept, so
-- a playbook or a REPL session that defines in a loop holds one, not all.
internals.defined = {icps = {}, slas = {}}
local defined_keys = {icps = {}, slas = {}}
function internals.remember(kind, key, obj)
  local list, keys = internals.defined[kind], defined_keys[kind]
  for i = #keys, 1, -1 do
    if keys[i] == key then
      table.remove(list, i)
      table.remove(keys, i)
    end
  end
  list[#list + 1], keys[#keys + 1] = obj, key
end

-- order values of mixed types: nil last, numbers, strings, others by text
local function less(a, b)
  if a == nil then return false end
  if b == nil then return true end
  local ta, tb = type(a), type(b)
  if ta == tb and (ta == "number" or ta == "string") then return a < b end
  if ta == "userdata" and tb == "userdata" then
    local ok, r = pcall(function() return a < b end)
    if ok then return r end
  end
  return tostring(a) < tostring(b)
end

-- columns (the keys, then the other fields sorted) and the Frame methods
function internals.frame_finish(rows, keys)
  local cols, seen = {}, {}
  for _, k in ipairs(keys) do cols[#cols + 1] = k; seen[k] = true end
  for _, k in ipairs(sorted_keys(rows)) do
    if not seen[k] then cols[#cols + 1] = k end
  end
  rows.columns = cols
  return setmetatable(rows, Frame)
end

function internals.frame_sort(rows, keys)
  sort(rows, function(x, y)
    for i = 1, #keys do
      local a, b = x[keys[i]], y[keys[i]]
      if a ~= b and not (a == nil and b == nil) then
        if less(a, b) then return true end
        if less(b, a) then return false end
      end
    end
    return false
  end)
  return internals.frame_finish(rows, keys)
end

--- revl.frame(rows [, columns]) -> frame
function revl.frame(rows, columns)
  rows.columns = columns or rows.columns or sorted_keys(rows)
  return setmetatable(rows, Frame)
end

function Frame:to_csv(path) return revl.write_csv(path, self, self.columns) end
function Frame:to_jsonl(path) return revl.write_jsonl(path, self, self.columns) end
function Frame:count() return #self end
function Frame:each(fn) for i = 1, #self do fn(self[i]) end end
function Frame:sort_by(col, desc)
  sort(self, function(x, y)
    if desc then return less(y[col], x[col]) end
    return less(x[col], y[col])
  end)
  return self
end
function Frame:where(fn)
  local out = {}
  for i = 1, #self do if fn(self[i]) then out[#out + 1] = self[i] end end
  return revl.frame(out, self.columns)
end
function Frame:limit(n)
  local out = {}
  for i = 1, math.min(n, #self) do out[i] = self[i] end
  return revl.frame(out, self.columns)
end
--- frame:index(col) -> {value = row}; rows whose value is null (or a
--- NaN number) are left out (a Lua table cannot hold a nil or NaN key);
--- of rows repeating a value the last one stays
function Frame:index(col)
  local t = {}
  for i = 1, #self do
    local k = self[i][col]
    if k ~= nil and k == k then t[k] = self[i] end
  end
  return t
end

-- ---- tests ----------------------------------------------------------------

local Test = {}
Test.__index = Test

--- revl.testing(name) -> a test context with :eq, :ok, :err, :done
function revl.testing(name)
  return setmetatable({ name = name or "tests", passed = 0, failed = 0 }, Test)
end

local function where_called()
  local info = (debug and debug.getinfo) and debug.getinfo(3, "Sl")
  if info then return info.short_src .. ":" .. info.currentline end
  return "?"
end

local function fail(self, msg)
  self.failed = self.failed + 1
  local tb = ""
  -- line of the failing check, from the error machinery (no debug lib)
  local ok, err = pcall(error, "", 4)
  if not ok and err ~= "" then tb = err end
  print(("FAIL %s%s"):format(tb, msg))
end

local function show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  return tostring(v)
end

function Test:eq(got, want, msg)
  if got == want or (type(got) ~= type(want) and tostring(got) == tostring(want)
                     and type(got) == "userdata") then
    self.passed = self.passed + 1
  else
    fail(self, (msg or "") .. ": got " .. show(got) .. ", want " .. show(want))
  end
end

function Test:near(got, want, eps, msg)
  if type(got) == "number" and math.abs(got - want) <= (eps or 1e-9) then
    self.passed = self.passed + 1
  else
    fail(self, (msg or "") .. ": got " .. show(got) .. ", want " .. show(want))
  end
end

function Test:ok(cond, msg)
  if cond then self.passed = self.passed + 1 else fail(self, msg or "not true") end
end

--- t:err(fn, pattern, msg): fn must raise an error matching pattern
function Test:err(fn, pattern, msg)
  local ok, e = pcall(fn)
  if ok then
    fail(self, (msg or "") .. ": no error raised")
  elseif pattern and not tostring(e):find(pattern) then
    fail(self, (msg or "") .. ": error " .. show(tostring(e)) .. " does not match " .. show(pattern))
  else
    self.passed = self.passed + 1
  end
end

function Test:done()
  print(("%d passed, %d failed"):format(self.passed, self.failed))
  if self.failed > 0 then revl._fail() end
  return self.failed == 0
end

return revl
