-- a typo in a field name is an error where the model is defined
print("before")
local m = revl.icp{
  groups = {fit = {
    {"industry", "in", {"Software", "Fintech"}, points = 20},
    {"employes", ">=", 200, points = 10},
  }},
}
print("not reached")
