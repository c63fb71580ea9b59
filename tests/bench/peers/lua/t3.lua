-- T3: ICP score and tier per account
local C = dofile(arg[0]:match("^(.-)[^/]*$") .. "common.lua")
local out, accounts = arg[1], arg[3]
local icp, tier, match = C.icp, C.tier, string.match
local f = assert(io.open(out, "w"))
f:write("account_id,score,tier\n")
for line in C.lines(accounts) do
  local id, industry, employees, revenue, country = match(line, C.ACCOUNT)
  local s = icp(industry, employees, country, revenue)
  f:write(id, ",", s, ",", tier(s), "\n")
end
f:close()
