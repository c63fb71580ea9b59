-- a decision log whose JSON lines do not fit under `ulimit -f` (the CSV
-- would): none of its three files is left, not a CSV without its sidecar
local m = revl.icp{name = "fsl", rules = {{"industry", "in", {"Software", "Fintech"}, points = 50}}}
revl.log(m:score(), "decisions")
