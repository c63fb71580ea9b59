-- an error inside a rule's function names the record it was scoring
local m = revl.icp{rules = {
  {function(a) return a.employees > 100 end, points = 5, name = "big"},
}}
m:score()
