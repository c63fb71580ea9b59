-- one section of every chart kind, from small hand-made frames and a
-- group_by; prints each section's HTML (the goldens of the fragments)
local q = revl.frame({{q = "2025-Q1", won = 3, lost = 1, rate = 0.75},
                      {q = "2025-Q2", won = 2, lost = 2, rate = 0.5}}, {"q", "won", "lost", "rate"})
local steps = revl.frame({{step = "Start", amount = revl.money(100000, "USD")},
                          {step = "New", amount = revl.money(40000, "USD")},
                          {step = "Lost", amount = revl.money(-25050, "USD")}}, {"step", "amount"})
local funnel = revl.frame({{step = "Leads", n = 100}, {step = "MQL", n = 40}, {step = "<SQL>", n = 10}},
                          {"step", "n"})
local cells = revl.frame({{tier = "A", band = "hot", n = 5}, {tier = "A", band = "cold", n = 1},
                          {tier = "B", band = "hot", n = 2}}, {"tier", "band", "n"})
revl.report.section{title = "Won and lost", text = "By quarter.",
                    chart = {kind = "bar", frame = q, x = "q", y = {"won", "lost"}}}
revl.report.section{title = "Stacked", chart = {kind = "stacked_bar", frame = q, x = "q", y = {"won", "lost"}}}
revl.report.section{title = "Win rate", chart = {kind = "line", frame = q, x = "q", y = "rate"}}
revl.report.section{title = "Funnel", chart = {kind = "funnel", frame = funnel, x = "step", y = "n"}}
revl.report.section{title = "Walk", chart = {kind = "waterfall", frame = steps, x = "step", y = "amount",
                                             total = "End"}}
revl.report.section{title = "Tiers", chart = {kind = "heatmap", frame = cells, x = "band", y = "tier",
                                              value = "n"}}
revl.report.section{title = "Deals by owner", table = revl.deals:group_by("owner", {total = {"sum", "amount"}})}
for i, s in ipairs(revl.report.sections()) do print("-- " .. i .. " " .. s.title); print(s.html) end
