local outer = coroutine.wrap(function()
  local inner = coroutine.wrap(function() while true do end end)
  pcall(inner)
  while true do end
end)
pcall(outer)
while true do end
