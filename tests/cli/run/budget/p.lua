revl.deals:where(function(d)
  while d.id == "D2" do end
  return true
end)
