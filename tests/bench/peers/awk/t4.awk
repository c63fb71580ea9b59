# T4: per ICP tier: accounts, accounts with an open deal, open deals, open
# pipeline (awk -F, -f common.awk -f t4.awk accounts.csv deals.csv)
FNR == 1 { file++; next }
file == 1 { t = tier(icp($4, $5, $7, $6)); tierof[$1] = t; nacc[t]++; next }
$4 != "Closed Won" && $4 != "Closed Lost" && ($2 in tierof) {
  t = tierof[$2]; nopen[t]++; pipe[t] += cents($5)
  if (!($2 in has)) { has[$2] = 1; nwith[t]++ }
}
END {
  print "tier,accounts,accounts_with_open,open_deals,open_pipeline"
  split("A B C D", ts, " ")
  for (i = 1; i <= 4; i++) { t = ts[i]; printf "%s,%d,%d,%d,%s\n", t, nacc[t], nwith[t], nopen[t], money(pipe[t]) }
}
