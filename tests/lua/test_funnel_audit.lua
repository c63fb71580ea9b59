-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- Funnel audits on tests/lua/route_basic: an opportunity funnel over
-- deals (days in stage from stage_history) and a lead lifecycle over
-- leads (days from stage-entry fields).  Expectations by hand.
local t = revl.testing("funnel audit")

local opp = revl.funnel {
  name = "opportunity",
  records = "deals",
  stage_field = "stage",
  terminal = { "Closed Lost" },
  forecast_field = "forecast_category",
  stages = {
    { name = "Prospecting", definition = "a named contact agreed to talk",
      exit = { { "amount", "exists" } }, required = { "owner" }, owner_role = "AE",
      sla_days = 30, probability = 0.1, forecast_category = "Pipeline" },
    { name = "Discovery", definition = "pain and budget confirmed",
      entry = { { "amount", "exists" } }, exit = { { "close_date", "exists" } },
      required = { "amount" }, sla_days = 21, probability = 0.2, forecast_category = "Pipeline" },
    { name = "Proposal", entry = { { "close_date", "exists" }, { "amount", ">", 0 } },
      required = { "close_date" }, sla_days = 14, probability = 0.5, forecast_category = "Best Case" },
    { name = "Negotiation", entry = { forecast_category = "Commit" }, sla_days = 10,
      probability = 0.8, forecast_category = "Commit" },
    { name = "Closed Won", entry = { is_won = true }, probability = 1, forecast_category = "Closed" },
  },
}
t:eq(tostring(opp), "funnel 'opportunity' (deals, 5 stages)", "tostring")

local audit = opp:audit()
t:eq(#audit, 8, "one row per deal")
local a = audit:index("id")

-- D1 Prospecting without an amount, in stage since 2025-05-01: 40 days > 30
t:eq(a.D1.stage, "Prospecting", "D1 stage")
t:eq(a.D1.furthest, "Prospecting", "D1 furthest")
t:eq(a.D1.days_in_stage, 40, "D1 days from stage_history")
t:eq(a.D1.sla_breached, true, "D1 SLA")
t:eq(a.D1.ready, false, "D1 not ready (no amount)")
t:eq(a.D1.violations, "40 days in Prospecting, SLA 30", "D1 reason")
t:eq(a.D1.details[1].code, "sla_breached", "D1 code")
-- D2 Discovery, fine
t:eq(a.D2.n_violations, 0, "D2 clean")
t:eq(a.D2.days_in_stage, 9, "D2 entered 2025-06-01")
t:eq(a.D2.entry_met, true, "D2 entry met")
-- D3 Proposal without a close date
t:eq(a.D3.entry_met, false, "D3 entry not met")
t:eq(a.D3.furthest, "Discovery", "D3 furthest")
t:eq(a.D3.missing, "close_date", "D3 missing (required fields are cumulative)")
t:eq(a.D3.violations, "in Proposal without its entry criteria: close_date exists; " ..
     "missing required fields for Proposal: close_date", "D3 reasons")
t:eq(a.D3.days_in_stage, 5, "D3 latest entered_at")
-- D4 Discovery but Commit with a close date: behind, wrong forecast, ready
t:eq(a.D4.furthest, "Negotiation", "D4 furthest")
t:eq(a.D4.ready, true, "D4 ready to advance")
t:eq(a.D4.violations, "meets the entry criteria of Negotiation, recorded as Discovery; " ..
     "forecast category Commit, Discovery is Pipeline", "D4 reasons")
t:eq(a.D4.days_in_stage, 1, "D4 entered late on 2025-06-09 (UTC)")
-- D5 Closed Lost: outside the funnel
t:eq(a.D5.status, "closed", "D5 closed")
t:eq(a.D5.n_violations, 0, "D5 no violations")
-- D6 an unknown stage
t:eq(a.D6.status, "unknown", "D6 unknown")
t:eq(a.D6.violations, "stage 'Qualified' is not in the funnel", "D6 reason")
-- D7 Prospecting owned by an SDR, with an amount
t:eq(a.D7.violations, "meets the entry criteria of Discovery, recorded as Prospecting; " ..
     "owner R6 is SDR, Prospecting is owned by AE", "D7 reasons")
t:eq(a.D7.days_in_stage, nil, "D7 has no history")
-- D8 Closed Won
t:eq(a.D8.stage, "Closed Won", "D8 stage")
t:eq(a.D8.furthest, "Closed Won", "D8 furthest")
t:eq(a.D8.days_in_stage, 21, "D8 days")
t:eq(a.D8.n_violations, 0, "D8 clean")

-- summary by stage, in funnel order, then values outside the funnel
local s = opp:summary(audit)
t:eq(#s, 7, "5 stages + Closed Lost + Qualified")
t:eq(s[1].stage, "Prospecting", "first stage first")
t:eq(s[1].records, 2, "Prospecting records")
t:eq(s[1].violations, 2, "Prospecting with violations")
t:eq(s[1].sla_breached, 1, "Prospecting SLA")
t:eq(s[1].behind, 1, "Prospecting behind")
t:eq(s[1].owner_role, 1, "Prospecting owner role")
t:eq(s[1].ready, 1, "Prospecting ready")
t:eq(s[1].avg_days, 40, "Prospecting days")
t:eq(s[2].avg_days, 5, "Discovery avg of 9 and 1")
t:eq(s[2].forecast_category, 1, "Discovery forecast mismatches")
t:eq(s[3].entry_not_met, 1, "Proposal entry")
t:eq(s[3].missing_fields, 1, "Proposal missing")
t:eq(s[4].records, 0, "Negotiation empty")
t:eq(s[5].records, 1, "Closed Won")
t:eq(s[6].stage, "Closed Lost", "then closed values")
t:eq(s[7].stage, "Qualified", "then unknown values")
t:eq(s[3].probability, 0.5, "probability carried")

-- the stage table for metrics
local st = opp:stage_table()
t:eq(#st, 5, "stage table rows")
t:eq(st[4].stage, "Negotiation", "stage table order")
t:eq(st[4].probability, 0.8, "probability")
t:eq(st[4].forecast_category, "Commit", "forecast category")
t:eq(st[1].definition, "a named contact agreed to talk", "definition")
t:eq(opp:probability("Proposal"), 0.5, "probability lookup")
t:eq(table.concat(opp:stage_names(), ","), "Prospecting,Discovery,Proposal,Negotiation,Closed Won", "names")

-- days in business days on a calendar: D2 entered Sun 2025-06-01 08:00 UTC
-- (04:00 EDT, Sunday): business days in (06-01, 06-10] = 7
local opp_cal = revl.funnel {
  name = "opp cal", records = "deals", terminal = { "Closed Lost" },
  calendar = revl.calendar { timezone = "America/New_York" },
  stages = { { name = "Prospecting" }, { name = "Discovery", sla_days = 5 } },
}
local ac = opp_cal:audit():index("id")
t:eq(ac.D2.days_in_stage, 7, "business days in stage")
t:eq(ac.D2.violations, "7 business days in Discovery, SLA 5", "business-day SLA")

-- the lead lifecycle: stage-entry fields, several stages per recorded value
local life = revl.funnel {
  name = "lead lifecycle",
  records = "leads",
  stage_field = "status",
  terminal = { "Disqualified" },
  stages = {
    { name = "Lead", values = { "New", "Working" }, entered = "created_at", required = { "email" },
      sla_days = 7, owner_role = "SDR" },
    { name = "MQL", values = { "MQL" }, entry = { { "mql_at", "exists" } }, entered = "mql_at", sla_days = 3 },
    { name = "SQL", values = { "SQL" }, entry = { { "sql_at", "exists" } }, entered = "sql_at" },
    { name = "Opportunity", values = { "Converted" }, entry = { { "converted_deal_id", "exists" } } },
    { name = "Customer", values = { "Converted" }, entry = { ["converted_deal.is_won"] = true } },
  },
}
local la = life:audit(revl.leads:where { batch = "life" }):index("id")
t:eq(la.F01.stage, "Lead", "F01 Lead")
t:eq(la.F01.violations, "9 days in Lead, SLA 7", "F01 SLA from created_at")
t:eq(la.F02.violations, "in MQL without its entry criteria: mql_at exists", "F02 entry")
t:eq(la.F03.violations, "meets the entry criteria of MQL, recorded as Lead; 40 days in Lead, SLA 7",
     "F03 behind")
t:eq(la.F04.stage, "Customer", "F04: Converted and won is a customer")
t:eq(la.F04.furthest, "Customer", "F04 furthest")
t:eq(la.F04.n_violations, 0, "F04 clean")
t:eq(la.F05.status, "closed", "F05 disqualified")

-- functions as criteria (the escape hatch); errors name the record
local big = revl.funnel {
  name = "big", records = "deals", terminal = { "Closed Lost" },
  stages = {
    { name = "Prospecting" },
    { name = "Discovery", entry = function(d) return d.amount ~= nil and d.amount > 1000 end },
  },
}
local ba = big:audit():index("id")
t:eq(ba.D2.entry_met, true, "function entry")
t:eq(ba.D7.furthest, "Prospecting", "700 is not big")
local bad = revl.funnel { name = "bad", records = "deals",
  stages = { { name = "Prospecting", entry = function(d) return d.amount.major > 0 end } } }
t:err(function() bad:audit() end, "deals%[D1%]: .*attempt to index", "callback errors name the record")

-- bad definitions
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", probability = 1.5 } } } end,
      "probability must be a number from 0 to 1", "probability")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", entry = { amont = 5 } } } } end,
      "deals has no column 'amont'", "unknown field")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", entry = { { "amount", "~~", 5 } } } } } end,
      "unknown operator '~~'", "unknown operator")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", entry = { stage = 5 } } } } end,
      "expected a string value, got number", "wrong value type")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A" }, { name = "A" } } } end,
      "used twice", "duplicate stage")
t:err(function() revl.funnel { records = "deals", stage_field = "phase", stages = { { name = "A" } } } end,
      "deals has no column 'phase'", "unknown stage field")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", sla = 5 } } } end,
      "unknown option 'sla'", "typo in a stage")
t:err(function() revl.funnel { records = "deals", stages = { { name = "A", required = { "nope" } } } } end,
      "deals has no column 'nope'", "unknown required field")
t:err(function() revl.funnel { records = "nothing", stages = { { name = "A" } } } end,
      "no 'nothing' table is loaded", "unknown table")

return t:done()
