-- T4: per ICP tier: accounts, accounts with an open deal, open deals, open pipeline
local C = dofile(arg[0]:match("^(.-)[^/]*$") .. "common.lua")
local out, deals, accounts = arg[1], arg[2], arg[3]
local icp, tier, cents, match = C.icp, C.tier, C.cents, string.match
local tier_of, has = {}, {}
local acc, with, n, s = {A = 0, B = 0, C = 0, D = 0}, {A = 0, B = 0, C = 0, D = 0},
                        {A = 0, B = 0, C = 0, D = 0}, {A = 0, B = 0, C = 0, D = 0}
for line in C.lines(accounts) do
  local id, industry, employees, revenue, country = match(line, C.ACCOUNT)
  local t = tier(icp(industry, employees, country, revenue))
  tier_of[id] = t
  acc[t] = acc[t] + 1
end
for line in C.lines(deals) do
  local account, _, stage, amount = match(line, C.DEAL)
  if stage ~= "Closed Won" and stage ~= "Closed Lost" then
    local t = tier_of[account]
    if t then
      n[t] = n[t] + 1
      s[t] = s[t] + cents(amount)
      if not has[account] then has[account] = true; with[t] = with[t] + 1 end
    end
  end
end
local f = assert(io.open(out, "w"))
f:write("tier,accounts,accounts_with_open,open_deals,open_pipeline\n")
for _, t in ipairs{"A", "B", "C", "D"} do
  f:write(string.format("%s,%d,%d,%d,%s\n", t, acc[t], with[t], n[t], C.money(s[t])))
end
f:close()
