revl.report.defaults(false)
assert(revl.report.defaults() == false)
local f = revl.deals:group_by("stage", {n = "count"})
revl.report.section{title = "Stages", chart = {kind = "bar", frame = f, x = "stage", y = "n"}, table = f}
-- an empty frame: a readable section and a warning at this line
revl.report.section{title = "Nothing", chart = {kind = "line", frame = f:where(function() return false end),
                                               x = "stage", y = "n"}}
