local M = {}
function M.router()
  return revl.router{
    rules = {{name = "sdr", owner = "R99"}},
  }
end
return M
