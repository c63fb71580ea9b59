-- a territory whose team has no reps: the rule does not apply, the
-- trail says why, and the record goes to the fallback (no crash)
local router = revl.router{
  name = "inbound",
  rules = {
    {name = "geo", territory = {country = {US = "AE East", CA = "AE Canada"}}},
  },
}
local res = router:route(revl.leads:where{country = "CA"})
for i = 1, #res do print(res:explain(i)) end
