# T1: rows and sum of amount of deals.csv (awk -F, -f common.awk -f t1.awk deals.csv)
NR > 1 { n++; sum += cents($5) }
END { print "rows,amount_sum"; printf "%.0f,%s\n", n, money(sum) }
