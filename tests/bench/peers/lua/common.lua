-- tests/bench/peers/lua/common.lua -- shared by the plain Lua peers, run
-- unchanged by lua5.4 and luajit: `lua5.4 tN.lua OUT DEALS ACCOUNTS`.
-- Lines are split on commas (no field holds a comma or a quote); money is
-- held in integer cents (LuaJIT's doubles are exact below 2^53).
local M = {}
local floor = math.floor

function M.cents(s)                -- "1234.56" -> 123456, half away from zero
  local c = tonumber(s) * 100
  if c < 0 then return -floor(-c + 0.5) end
  return floor(c + 0.5)
end

function M.wcents(c, tenths)       -- c x tenths/10, half away from zero
  local w = c * tenths
  if w < 0 then return -floor((-w + 5) / 10) end
  return floor((w + 5) / 10)
end

function M.money(c)                -- cents -> "1234.56"
  local sign = ""
  if c < 0 then sign, c = "-", -c end
  local q = floor(c / 100)
  return string.format("%s%d.%02d", sign, q, c - q * 100)
end

local INDUSTRY = {Software = true, Fintech = true, Healthcare = true}
local COUNTRY = {US = true, CA = true, GB = true, DE = true}
function M.icp(industry, employees, country, revenue)
  local s = INDUSTRY[industry] and 30 or 0
  local e = tonumber(employees)
  if e then
    if e >= 200 and e <= 5000 then s = s + 25 elseif e > 5000 then s = s + 15 end
  end
  if COUNTRY[country] then s = s + 20 end
  local r = tonumber(revenue)
  if r and r > 50000000 then s = s + 25 end
  return s
end

function M.tier(s)
  return s >= 75 and "A" or s >= 50 and "B" or s >= 25 and "C" or "D"
end

-- accounts.csv: account_id,name,domain,industry,employees,annual_revenue,country,...
M.ACCOUNT = "^([^,]*),[^,]*,[^,]*,([^,]*),([^,]*),([^,]*),([^,]*)"
-- deals.csv: deal_id,account_id,owner,stage,amount,...
M.DEAL = "^[^,]*,([^,]*),([^,]*),([^,]*),([^,]*)"

function M.lines(path)             -- every line after the header
  local f = assert(io.open(path, "rb"))
  f:read("l")
  return f:lines("l")
end

return M
