revl.deals:each(function(d)
  if d.id == "D3" then error("bad deal") end
end)
