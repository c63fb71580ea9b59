-- the same SLA's ledger as revl run measures it, for the record above
local s = revl.sla{name = "sixty days", records = "leads", owner = "owner", start = "created_at",
                   stop = {activity = {"call", "email", "meeting"}}, targets = {{kind = "all", days = 60}}}
for _, r in ipairs(s:ledger()) do
  if r.record == "L0000016" then print(("run: %s %.1f h"):format(r.status, r.seconds / 3600)) end
end
