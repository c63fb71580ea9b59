print("checked")
return false
