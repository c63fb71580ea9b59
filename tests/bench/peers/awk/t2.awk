# T2: weighted open pipeline per owner (awk -F, -f common.awk -f t2.awk deals.csv)
BEGIN { p["Prospecting"] = 1; p["Discovery"] = 2; p["Demo"] = 4; p["Proposal"] = 6; p["Negotiation"] = 8 }
NR > 1 && $4 != "Closed Won" && $4 != "Closed Lost" { tot[$3] += wcents(cents($5), p[$4]) }
END { print "owner,weighted_total"; for (o in tot) print o "," money(tot[o]) }
