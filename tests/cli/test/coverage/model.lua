-- a playbook module whose cases (model_test.lua) leave some rules unexercised
local M = {}

function M.icp()
  return revl.icp{
    name = "fit",
    groups = {
      size = {
        {"employees", ">", 1000, points = 30, name = "large"},
        {"employees", "between", {100, 1000}, points = 20, name = "mid"},
      },
      where = {
        {"country", "in", {"US", "CA"}, points = 10},
      },
    },
    tiers = {{"A", 30}, {"B", 10}, {"C"}},
  }
end

function M.router()
  return revl.router{
    name = "leads",
    records = "leads",
    rules = {
      {name = "partners", when = {source = "Partner"}, queue = "Partner desk"},
      {name = "sdr", team = "SDR"},
    },
    fallback = "Unassigned",
  }
end

function M.funnel()
  return revl.funnel{
    name = "deals",
    records = "deals",
    stage_field = "stage",
    stages = {
      {name = "Open", exit = {{"amount", ">", 0}}},
      {name = "Won", entry = {is_won = true}},
    },
  }
end

function M.health()
  return revl.health{
    name = "h",
    components = {
      {name = "seats", weight = 1, utilisation = "active_seats", days = 28, linear = {0, 1}},
      {name = "segment", weight = 1, criteria = {
        {"segment", "=", "Enterprise", points = 100},
      }},
    },
  }
end

return M
