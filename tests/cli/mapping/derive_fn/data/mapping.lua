-- derive functions: the escape hatch when no declared transform fits
local calls = 0 -- counts the calls of `seen` (once per distinct Region)
return {
  deals = {
    columns = { ["Deal ID"] = "id", ["Close Date"] = "close_date",
                Created = "created_at" },
    derive = {
      -- a band of the head count; nil (no value) stays null
      tier = { from = "Employees", fn = function(v)
        local n = tonumber(v)
        if not n then return nil end
        if n >= 1000 then return "Enterprise" elseif n >= 100 then return "Mid-Market" end
        return "SMB"
      end },
      -- thousands to money: a number comes back exactly (12.125 k = 12,125.00)
      amount = { from = "Amount (k)", fn = function(v) return tonumber(v) * 1000 end },
      -- string methods work: the owner is the e-mail's name, lower case
      owner = { from = "Owner Email", fn = function(v) return v:match("^([^@]+)@"):lower() end },
      big = { from = "Employees", fn = function(v) return (tonumber(v) or 0) >= 1000 end },
      seen = { from = "Region", fn = function(v)
        calls = calls + 1
        return string.format("%s#%d", v or "none", calls)
      end },
    },
    types = { big = "boolean" },
  },
}
