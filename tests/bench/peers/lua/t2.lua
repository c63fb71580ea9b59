-- T2: weighted open pipeline per owner
local C = dofile(arg[0]:match("^(.-)[^/]*$") .. "common.lua")
local out, deals = arg[1], arg[2]
local P = {Prospecting = 1, Discovery = 2, Demo = 4, Proposal = 6, Negotiation = 8}
local total, cents, wcents, match = {}, C.cents, C.wcents, string.match
for line in C.lines(deals) do
  local _, owner, stage, amount = match(line, C.DEAL)
  local p = P[stage]
  if p then total[owner] = (total[owner] or 0) + wcents(cents(amount), p) end
end
local f = assert(io.open(out, "w"))
f:write("owner,weighted_total\n")
for owner, t in pairs(total) do f:write(owner, ",", C.money(t), "\n") end
f:close()
