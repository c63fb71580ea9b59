for id, st, amt, reg in revl.deals:rows("id", "stage", "amount", "region") do print(id, st, tostring(amt), tostring(reg)) end
print("rows", #revl.deals)
