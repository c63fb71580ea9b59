local rows = {}
for i = 1, 20000 do rows[i] = {id = "R" .. i, note = string.rep("x", 40)} end
revl.write_csv("big.csv", rows, {"id", "note"})
