-- a playbook whose response-time rules differ from revl's defaults
-- (24 h for a lead, 72 h for a deal): a first touch on a lead within
-- 60 days and on a deal within 90 days (around the clock), and the
-- shipped ICP model
revl.sla{name = "sixty days", records = "leads", owner = "owner", start = "created_at",
         stop = {activity = {"call", "email", "meeting"}}, targets = {{kind = "all", days = 60}}}
revl.sla{name = "ninety days", records = "deals", owner = "owner", start = "created_at",
         stop = {activity = true}, targets = {{kind = "all", days = 90}}}
require("icp").model()
print("this line goes to stderr")
