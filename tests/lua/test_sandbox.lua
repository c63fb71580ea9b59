-- Sandbox: every escape attempt is refused with a clear error.
local t = revl.testing("sandbox")

t:eq(io, nil, "no io")
t:eq(debug, nil, "no debug")
t:eq(dofile, nil, "no dofile")
t:eq(loadfile, nil, "no loadfile")
t:eq(os.execute, nil, "no os.execute")
t:eq(os.getenv, nil, "no os.getenv")
t:eq(os.exit, nil, "no os.exit")
t:eq(os.remove, nil, "no os.remove")
t:eq(type(os.time), "function", "os.time stays")
t:eq(type(os.date), "function", "os.date stays")
t:eq(string.dump, nil, "no string.dump")
t:eq(package.loadlib, nil, "no package.loadlib")
t:eq(package.cpath, "", "no C module path")

-- binary chunks
local ok, err = load("\27Lua\84\0\25\147\13\10\26\10")
t:eq(ok, nil, "binary chunk refused")
t:ok(tostring(err):find("binary chunks are not allowed"), "binary chunk message")
t:err(function() load("return 1", "x", "b") end, "binary chunks are not allowed", "mode b refused")
t:eq(load("return 1 + 1")(), 2, "text chunks load")

-- the string metatable is locked
t:eq(getmetatable(""), false, "string metatable hidden")
t:err(function() setmetatable("", {}) end, "table expected", "string metatable cannot be replaced")
local before = ("abc"):upper()
string.upper = function() return "pwned" end  -- only this playbook's string table changes
t:eq(("x"):len(), 1, "string methods still work")
t:eq(revl.deals:where{{"name", "matches", "^Acme"}}:count(), 2, "patterns unaffected by tampering")
t:eq(before, "ABC", "before tampering")
string.find = function() return 1 end  -- would make every pattern match
t:eq(revl.deals:where{{"name", "matches", "^Acme"}}:count(), 2, "matches uses the start-up string.find")
local acme = revl.criterion({"name", "matches", "^Acme"}, revl.deals)
t:eq(acme:where(revl.deals):count(), 2, "so do criteria made after string.find was replaced")

-- _ENV tricks reach nothing new
local env = _ENV
t:eq(env.io, nil, "_ENV has no io")
local f = load("return io", "x", "t", {})
t:eq(f(), nil, "a fresh environment has no io either")
t:eq(rawget(_G, "io"), nil, "rawget finds no io")

-- require: no C modules, clear messages
t:err(function() require("socket.core") end, "module 'socket.core' not found", "C module refused")
t:err(function() require("os_nope_module") end, "not found", "unknown module")
t:eq(require("revl"), revl, "require('revl') is the module")

-- outputs stay under --out
t:err(function() revl.write_csv("/tmp/revl-escape.csv", {{a = 1}}) end, "relative", "absolute path refused")
t:err(function() revl.write_csv("a/../../escape.csv", {{a = 1}}) end, "may not leave", "'..' refused")

return t:done()
