for id, st, amt in revl.deals:rows("id", "stage", "amount") do print(id, st, tostring(amt)) end
print("rows", #revl.deals, "total", tostring(revl.deals:sum("amount")))
