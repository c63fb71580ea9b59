revl.deals:where(function(d)
  local co = coroutine.wrap(function() while d.id == "D2" do end end)
  co()
  return true
end)
