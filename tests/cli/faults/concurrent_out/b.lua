local rows = {}
for i = 1, 30000 do rows[i] = {id = "B" .. i, who = "b"} end
revl.write_csv("same.csv", rows, {"id", "who"})
