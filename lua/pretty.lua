-- lua/pretty.lua -- the pretty printer behind the REPL, for playbooks too:
--   revl.pretty(x [, opts]) -> string     revl.show(x [, opts]) prints it
-- Views and frames become aligned text tables (the row count and the
-- first rows), a row becomes `field = value` lines, other Lua tables a
-- readable nested form (keys sorted, depth-limited, cycle-safe); money
-- and dates print through tostring.
--
-- opts: rows (default 20) rows of a view or frame shown; depth (4) levels
-- of nested tables; items (100) entries shown per table; width (40) the
-- widest table cell; line (80) how long a nested table may get on one
-- line; footer (true) the "(N rows)" line under a table.
--
-- Only tostring and a view's own methods are called: tables are walked
-- with next/rawget (no __index, no __pairs), so printing has no side
-- effects.  revl._repl holds the helpers of the REPL's :commands.
local revl, internals = ...
local near_hint = internals.near_hint

local type, tostring, getmetatable, next, rawget, rawlen, pcall, select =
  type, tostring, getmetatable, next, rawget, rawlen, pcall, select
local pairs, ipairs = pairs, ipairs
local sort, concat = table.sort, table.concat
local format, rep, gsub, sub, byte = string.format, string.rep, string.gsub,
  string.sub, string.byte
local mtype, min = math.type, math.min
local ulen, uoffset = utf8.len, utf8.offset
local print = print

local DEFAULTS = { rows = 20, depth = 4, items = 100, width = 40, line = 80,
                   footer = true }

local OPTION_NAMES = { "depth", "footer", "items", "line", "rows", "width" }

-- opts checked (unknown keys and wrong types are errors: a typo such as
-- `limit` must not be ignored) and merged over the defaults; `level` is
-- where the error is reported
local function options(opts, fn, level)
  if opts == nil then return DEFAULTS end
  if type(opts) ~= "table" then
    error(format("%s: options must be a table, not %s", fn, type(opts)), level)
  end
  for k, v in next, opts do
    local want = DEFAULTS[k]
    if want == nil then
      error(format("%s: unknown option '%s'%s (options: %s)", fn, tostring(k),
                   type(k) == "string" and near_hint(k, OPTION_NAMES) or "",
                   concat(OPTION_NAMES, " ")), level)
    end
    if type(v) ~= type(want) or (type(v) == "number" and v < 0) then
      error(format("%s: option '%s' must be a %s%s, not %s", fn, k, type(want),
                   type(want) == "number" and " >= 0" or "", tostring(v)), level)
    end
  end
  local o = {}
  for k, v in next, DEFAULTS do
    local given = rawget(opts, k)
    if given == nil then o[k] = v else o[k] = given end
  end
  return o
end

-- the __name of x's metatable: "money", "revl.date", "revl.datetime",
-- "revl.view", "revl.row", "revl.frame"
local function kind(x)
  local mt = getmetatable(x)
  if type(mt) == "table" then
    local n = rawget(mt, "__name")
    if type(n) == "string" then return n end
  end
  return nil
end

-- a frame: a Lua frame (a table, revl.frame) or a C frame (a userdata
-- whose metatable's __name is also "revl.frame")
local function is_frame(x)
  local tx = type(x)
  return (tx == "table" or tx == "userdata") and kind(x) == "revl.frame"
end
local function is_cframe(x) return type(x) == "userdata" and kind(x) == "revl.frame" end

local function safe_tostring(x)
  local ok, s = pcall(tostring, x)
  if ok and type(s) == "string" then return s end
  return "<" .. type(x) .. ">"
end

-- number text: integers exact, floats as Lua prints them
local function num(x)
  if mtype(x) == "integer" then return format("%d", x) end
  return tostring(x)
end

local function width_of(s)
  return ulen(s) or #s
end

local function truncate(s, w)
  if w and w > 3 and width_of(s) > w then
    local cut = ulen(s) and uoffset(s, w - 2) or (w - 2)
    return sub(s, 1, cut - 1) .. "..."
  end
  return s
end

local ESC = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ["\\"] = "\\\\",
              ['"'] = '\\"' }

local function quote(s)
  return '"' .. gsub(s, '[%c"\\]', function(c)
    return ESC[c] or format("\\%d", byte(c))
  end) .. '"'
end

local function plain(s) -- a string in a cell: control characters escaped
  return (gsub(s, "%c", function(c) return ESC[c] or format("\\%d", byte(c)) end))
end

local function frame_len(f)
  if type(f) == "userdata" then return #f end -- a C frame: its row count
  local n = rawlen(f)
  return n
end

-- one value inside a nested table: strings quoted, the rest as text
local repr

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  if type(k) == "string" then return "[" .. quote(k) .. "]" end
  if type(k) == "number" then return "[" .. num(k) .. "]" end
  return "[" .. safe_tostring(k) .. "]"
end

local TYPE_ORDER = { number = 1, string = 2, boolean = 3 }

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  local oa, ob = TYPE_ORDER[ta] or 4, TYPE_ORDER[tb] or 4
  if oa ~= ob then return oa < ob end
  if ta == "number" or ta == "string" then return a < b end
  return safe_tostring(a) < safe_tostring(b)
end

local function table_repr(t, o, depth, indent, path)
  if path[t] then return "<cycle>" end
  local mt = getmetatable(t)
  if type(mt) == "table" and rawget(mt, "__tostring") then return safe_tostring(t) end
  if is_frame(t) then
    local n = frame_len(t)
    return format("frame (%d row%s)", n, n == 1 and "" or "s")
  end
  if next(t) == nil then return "{}" end
  if depth >= o.depth then return "{...}" end
  path[t] = true
  local items, n = {}, 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  local keys = {}
  for k in next, t do
    if not (mtype(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  sort(keys, key_less)
  local total, shown = n + #keys, 0
  for i = 1, n do
    if shown >= o.items then break end
    items[#items + 1] = repr(rawget(t, i), o, depth + 1, indent + 2, path)
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown >= o.items then break end
    items[#items + 1] = key_text(k) .. " = " ..
      repr(rawget(t, k), o, depth + 1, indent + 2, path)
    shown = shown + 1
  end
  if total > shown then items[#items + 1] = format("... (%d more)", total - shown) end
  path[t] = nil
  local one = "{" .. concat(items, ", ") .. "}"
  if indent + #one <= o.line and not one:find("\n", 1, true) then return one end
  local pad = rep(" ", indent + 2)
  return "{\n" .. pad .. concat(items, ",\n" .. pad) .. ",\n" .. rep(" ", indent) .. "}"
end

function repr(v, o, depth, indent, path)
  local tv = type(v)
  if tv == "string" then return quote(v) end
  if tv == "number" then return num(v) end
  if tv == "table" then return table_repr(v, o, depth, indent, path) end
  return safe_tostring(v)
end

-- ---- text tables ---------------------------------------------------------

-- text of a cell and whether it reads as a number (right-aligned)
local function cell(v, o)
  local tv = type(v)
  if v == nil then return "", nil end
  if tv == "string" then return truncate(plain(v), o.width), false end
  if tv == "number" then return num(v), true end
  if tv == "table" then
    local s = table_repr(v, { depth = 1, items = 10, line = o.width, rows = 0 }, 0, 0, {})
    return truncate(gsub(s, "\n%s*", " "), o.width), false
  end
  local s = truncate(plain(safe_tostring(v)), o.width)
  return s, tv == "userdata" and kind(v) == "money"
end

local function pad_right(s, w) return s .. rep(" ", w - width_of(s)) end
local function pad_left(s, w) return rep(" ", w - width_of(s)) .. s end

-- How a column of a display kind reads (docs/metrics.md "How values
-- read"): ratios as percentages, multiples with x, days and points with
-- one decimal unless every shown value is whole -- one format per column.
local KIND_FMT = {
  ratio = function(v) return format("%.1f%%", v * 100) end,
  percent = function(v) return format("%.1f%%", v) end,
  multiple = function(v) return format("%.2f\u{00D7}", v) end,
}
local function is_whole(v) return v == math.floor(v) and v > -2^53 and v < 2^53 end
local function column_formats(cols, rows, kinds)
  local fmts = {}
  for c = 1, #cols do
    local k = kinds and kinds[cols[c]]
    if KIND_FMT[k] then
      fmts[c] = KIND_FMT[k]
    elseif k == "days" or k == "points" or k == "count" then
      local whole = true
      for r = 1, #rows do
        local v = rows[r][c]
        if type(v) == "number" and not is_whole(v) then whole = false break end
      end
      fmts[c] = whole and function(v) return format("%d", v) end
                or function(v) return format("%.1f", v) end
    end
  end
  -- a number column without a kind still reads one way: every shown
  -- value with the decimals of the most precise one (49 and 22.5 read
  -- 49.0 and 22.5)
  for c = 1, #cols do
    if not fmts[c] then
      local dec, mixed, seen = 0, false, nil
      for r = 1, #rows do
        local v = rows[r][c]
        if type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge then
          local s = num(v)
          if s:find("[eE]") then dec = nil break end
          local d = #(s:match("%.(%d+)$") or "")
          if seen ~= nil and d ~= seen then mixed = true end
          seen = seen or d
          if d > dec then dec = d end
        end
      end
      if dec and mixed and dec > 0 and dec <= 6 then
        local f = "%." .. dec .. "f"
        fmts[c] = function(v) return format(f, v) end
      end
    end
  end
  return fmts
end

-- cols: names; rows: list of lists of values; kinds: {column = display
-- kind} or nil; returns the lines
local function grid(cols, rows, o, kinds)
  local nc = #cols
  local text, widths, numeric = {}, {}, {}
  local fmts = column_formats(cols, rows, kinds)
  for c = 1, nc do
    widths[c] = width_of(cols[c])
    numeric[c] = nil
  end
  for r = 1, #rows do
    local line = {}
    for c = 1, nc do
      local v, s, isnum = rows[r][c], nil, nil
      if fmts[c] and type(v) == "number" and v == v then s, isnum = fmts[c](v), true
      else s, isnum = cell(v, o) end
      line[c] = s
      if width_of(s) > widths[c] then widths[c] = width_of(s) end
      if isnum ~= nil then numeric[c] = (numeric[c] ~= false) and isnum end
    end
    text[r] = line
  end
  local out = {}
  local head, dash = {}, {}
  for c = 1, nc do
    head[c] = numeric[c] and pad_left(cols[c], widths[c]) or pad_right(cols[c], widths[c])
    dash[c] = rep("-", widths[c])
  end
  out[1] = (gsub(concat(head, "  "), "%s+$", ""))
  out[2] = concat(dash, "  ")
  for r = 1, #text do
    local line = {}
    for c = 1, nc do
      line[c] = numeric[c] and pad_left(text[r][c], widths[c])
                or pad_right(text[r][c], widths[c])
    end
    out[#out + 1] = (gsub(concat(line, "  "), "%s+$", ""))
  end
  return out
end

local function footer(out, total, shown, name, o)
  if not o.footer then return end
  local s = format("(%s%d row%s", name and (name .. ": ") or "", total,
                   total == 1 and "" or "s")
  if shown < total then s = s .. format(", first %d shown", shown) end
  out[#out + 1] = s .. ")"
end

-- a metric whose default window moved back says so under its table
local function window_line(out, window, note, o)
  if o.footer and note then out[#out + 1] = format("(window %s: %s)", tostring(window), note) end
end

local function view_text(v, o)
  local total = #v
  local cols = v:columns()
  local shown = min(total, o.rows)
  local rows = {}
  for i = 1, shown do
    local r = v:row(i)
    local vals = {}
    for c = 1, #cols do vals[c] = r[cols[c]] end
    rows[i] = vals
  end
  local out = #cols > 0 and grid(cols, rows, o) or {}
  footer(out, total, shown, v:name(), o)
  return concat(out, "\n")
end

local function sorted_keys(rows)
  local seen, keys = {}, {}
  for i = 1, min(#rows, 1000) do
    local r = rawget(rows, i)
    if type(r) == "table" then
      for k in next, r do
        if type(k) == "string" and not seen[k] then
          seen[k] = true
          keys[#keys + 1] = k
        end
      end
    end
  end
  sort(keys)
  return keys
end

-- a C frame: its rows are read-only proxies, read without side effects
local function cframe_text(f, o)
  local total = #f
  local cols = f.columns
  local shown = min(total, o.rows)
  local rows = {}
  for i = 1, shown do
    local r, vals = f[i], {}
    for c = 1, #cols do vals[c] = r[cols[c]] end
    rows[i] = vals
  end
  local out = #cols > 0 and grid(cols, rows, o, f.kinds) or {}
  footer(out, total, shown, nil, o)
  window_line(out, f.window, f.window_note, o)
  return concat(out, "\n")
end

local function frame_text(f, o)
  if is_cframe(f) then return cframe_text(f, o) end
  local total = frame_len(f)
  local cols = rawget(f, "columns")
  if type(cols) ~= "table" then cols = sorted_keys(f) end
  local shown = min(total, o.rows)
  local rows = {}
  for i = 1, shown do
    local r, vals = rawget(f, i), {}
    for c = 1, #cols do
      if type(r) == "table" then vals[c] = rawget(r, cols[c])
      elseif type(r) == "userdata" and kind(r) == "revl.row" then vals[c] = r[cols[c]] end
    end
    rows[i] = vals
  end
  local out = #cols > 0 and grid(cols, rows, o, rawget(f, "kinds")) or {}
  footer(out, total, shown, nil, o)
  window_line(out, rawget(f, "window"), rawget(f, "window_note"), o)
  return concat(out, "\n")
end

local function row_text(r)
  local names, vals, w = {}, {}, 0
  for k, v in pairs(r) do
    names[#names + 1] = k
    vals[#names] = v
    if width_of(k) > w then w = width_of(k) end
  end
  local out = {}
  for i = 1, #names do
    local v = vals[i]
    local s = v == nil and "nil" or type(v) == "string" and plain(v) or safe_tostring(v)
    out[i] = pad_right(names[i], w) .. " = " .. s
  end
  return concat(out, "\n")
end

--- revl.pretty(x [, opts]) -> string
function revl.pretty(x, opts)
  local o = options(opts, "revl.pretty", 3)
  local tx = type(x)
  if tx == "string" then return x end
  if tx == "userdata" then
    local k = kind(x)
    if k == "revl.view" then return view_text(x, o) end
    if k == "revl.row" or k == "revl.frame.row" then return row_text(x) end
    if k == "revl.frame" then return frame_text(x, o) end
    return safe_tostring(x)
  end
  if tx == "table" then
    if is_frame(x) then return frame_text(x, o) end
    return table_repr(x, o, 0, 0, {})
  end
  if tx == "number" then return num(x) end
  return safe_tostring(x)
end

--- revl.show(x [, opts]): print revl.pretty(x, opts)
function revl.show(x, opts)
  options(opts, "revl.show", 3)
  print(revl.pretty(x, opts))
end

-- ---- helpers of the REPL's :commands ----------------------------------------

local pretty = revl.pretty
local repl = {}

-- :tables -- every table with its row and column counts; a table that
-- loads on first use and has not been used yet says so (not parsed here)
local loaded = internals.loaded
function repl.tables()
  local names = revl.tables()
  if #names == 0 then return "no data loaded (revl repl --data DIR, or :load DIR)" end
  local rows = {}
  for i, name in ipairs(names) do
    local n, ncols = loaded(name)
    if n then
      rows[i] = { name, n, ncols }
    else
      rows[i] = { name, "-", "- (loads on first use)" }
    end
  end
  return concat(grid({ "table", "rows", "columns" }, rows, DEFAULTS), "\n")
end

-- :schema TABLE -- columns, types, nulls
function repl.schema(name)
  local v = type(name) == "string" and revl[name] or nil
  if type(v) ~= "userdata" or kind(v) ~= "revl.view" then
    local names = revl.tables()
    if #names == 0 then return nil, "no data loaded" end
    return nil, format("no table '%s' (tables: %s)", tostring(name), concat(names, ", "))
  end
  local rows = {}
  for i, c in ipairs(v:schema()) do
    local notes = {}
    if c.key then notes[#notes + 1] = "key" end
    if c.references then notes[#notes + 1] = "-> " .. c.references end
    if c.custom then notes[#notes + 1] = "custom" end
    rows[i] = { c.name, c.type, c.nulls, concat(notes, ", ") }
  end
  local out = grid({ "column", "type", "nulls", "notes" }, rows, DEFAULTS)
  return format("%s: %d rows, %d columns\n", name, #v, #rows) .. concat(out, "\n")
end

-- the text of every result of a REPL line, tab-separated like lua.c
function repl.results(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    local f = revl.pretty
    if type(f) ~= "function" then f = pretty end
    local s = f((select(i, ...)))
    parts[i] = type(s) == "string" and s or safe_tostring(s)
  end
  return concat(parts, "\t")
end

revl._repl = repl
