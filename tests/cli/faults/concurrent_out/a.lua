local rows = {}
for i = 1, 30000 do rows[i] = {id = "A" .. i, who = "a"} end
revl.write_csv("same.csv", rows, {"id", "who"})
