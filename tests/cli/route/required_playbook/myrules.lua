local M = {}
function M.router()
  return revl.router{
    rules = {{name = "sdr", team = "SDRs"}},
  }
end
return M
