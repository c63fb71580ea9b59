local function f(x)
  return x.y.z
end
print("before")
f({})
