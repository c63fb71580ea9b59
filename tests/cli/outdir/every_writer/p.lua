-- every writer refuses a path through a symlink inside --out
local icp = revl.icp { name = "t", rules = { { "industry", "=", "Software", points = 10 } },
                       tiers = { { "A", 10 }, { "B" } } }
local scores = icp:score(revl.accounts)
local router = revl.router { name = "r", records = "leads",
                             rules = { { name = "all", queue = "Desk" } } }
local routing = router:route(revl.leads:limit(3))
local writers = {
  {"revl.write_csv rows", function(p) revl.write_csv(p, {{a = 1}}) end},
  {"revl.write_jsonl rows", function(p) revl.write_jsonl(p, {{a = 1}}) end},
  {"revl.write_csv frame", function(p) revl.write_csv(p, revl.deals:group_by("stage", {n = "count"})) end},
  {"frame:to_jsonl", function(p) revl.deals:group_by("stage", {n = "count"}):to_jsonl(p) end},
  {"view:to_csv", function(p) revl.deals:to_csv(p) end},
  {"view:to_jsonl", function(p) revl.deals:to_jsonl(p) end},
  {"rules frame:to_csv", function(p) scores:to_csv(p) end},
  {"revl.log", function(p) revl.log(scores, (p:gsub("%.csv$", ""))) end},
  {"routing:to_csv", function(p) routing:to_csv(p) end},
  {"router:save_state", function(p) router:save_state(p) end},
  {"router:load_state", function(p) router:load_state(p) end},
}
for _, w in ipairs(writers) do
  for _, p in ipairs({"link/x.csv", "sub/link/y.csv", "final.csv", "ok/plain.csv"}) do
    local ok, err = pcall(w[2], p)
    print(w[1], p, ok and "WRITTEN" or (tostring(err):gsub("^.-(output path)", "%1")))
  end
end
