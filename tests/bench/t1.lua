-- tests/bench/t1.lua -- T1 load: parse all of deals.csv, output the row
-- count and the exact sum of amount.
--   revl run tests/bench/t1.lua --data DIR --as-of 2026-01-01 --out OUT
local deals = revl.deals
revl.write_csv("t1.csv", {{rows = #deals, amount_sum = deals:sum("amount")}},
               {"rows", "amount_sum"})
