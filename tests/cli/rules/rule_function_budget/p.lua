-- a rule's function that never returns is stopped by the per-call budget
local m = revl.icp{rules = {
  {function(a)
    while a.id == "A2" do end
    return true
  end, points = 5},
}}
m:score()
