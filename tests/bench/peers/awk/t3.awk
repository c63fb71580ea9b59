# T3: ICP score and tier per account (awk -F, -f common.awk -f t3.awk accounts.csv)
BEGIN { print "account_id,score,tier" }
NR > 1 { s = icp($4, $5, $7, $6); print $1 "," s "," tier(s) }
