-- allocfail scenario: a metric call whose result is written to --out.
local wp = revl.metrics.weighted_pipeline(revl.deals, { by = "owner" })
wp:to_csv("weighted.csv")
