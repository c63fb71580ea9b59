-- examples/funnel_demo.lua -- audit deals against a funnel definition and
-- print the violations by stage.
--
--   build/revl run examples/funnel_demo.lua --data examples/data --as-of 2026-01-01 --out examples/out
--
-- Each stage has a definition, entry and exit criteria, required fields
-- (cumulative), an owner role, SLA days, a probability and a forecast
-- category.  Days in stage come from stage_history.  rules/funnel.lua
-- ships a lead lifecycle and an opportunity funnel (`require("funnel")`).
local today = revl.as_of
local funnel = revl.funnel {
  name = "opportunity (example)",
  records = "deals",
  stage_field = "stage",
  terminal = { "Closed Lost" },
  forecast_field = "forecast_category",
  stages = {
    { name = "Prospecting", definition = "first meeting booked",
      exit = { { "amount", ">", 0 } }, required = { "account_id", "owner" },
      owner_role = "AE", sla_days = 30, probability = 0.1, forecast_category = "Pipeline" },
    { name = "Discovery", definition = "need and budget confirmed",
      required = { "amount" }, owner_role = "AE", sla_days = 30, probability = 0.2,
      forecast_category = "Pipeline" },
    { name = "Demo", definition = "product shown",
      entry = { { "forecast_category", "in", { "Best Case", "Commit" } } },
      required = { "close_date" }, sla_days = 21, probability = 0.4, forecast_category = "Best Case" },
    { name = "Proposal", definition = "priced proposal sent",
      sla_days = 21, probability = 0.6, forecast_category = "Best Case" },
    { name = "Negotiation", definition = "agreeing terms, closing soon",
      entry = { forecast_category = "Commit", close_date = { gte = today } },
      sla_days = 14, probability = 0.8, forecast_category = "Commit" },
    { name = "Closed Won", entry = { is_won = true }, probability = 1, forecast_category = "Closed" },
  },
}

local audit = funnel:audit()
print(("%d deals audited against %s"):format(#audit, tostring(funnel)))
print("")
print("violations by stage")
revl.show(funnel:summary(audit):limit(10))

print("")
print("a few deals with violations")
local shown = 0
for _, a in ipairs(audit) do
  if a.n_violations > 0 and shown < 5 then
    print(("  %s (%s, %s days): %s"):format(a.id, a.stage, tostring(a.days_in_stage), a.violations))
    shown = shown + 1
  end
end

print("")
print("stage probabilities for the forecast")
revl.show(funnel:stage_table())
audit:to_csv("funnel_audit.csv")
