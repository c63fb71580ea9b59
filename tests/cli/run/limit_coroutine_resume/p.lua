-- resume swallows the error; the limit still ends the run
while true do
  local co = coroutine.create(function() while true do end end)
  coroutine.resume(co)
end
