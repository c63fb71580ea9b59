-- rules/funnel.lua -- the funnel architecture shipped with revl: a lead
-- lifecycle and an opportunity funnel, each stage with its definition,
-- entry and exit criteria, required fields, owner role, SLA days,
-- probability and forecast category.  Made for leads and deals shaped
-- like `revl gen` data.
--
-- Lead lifecycle (leads.status; stage entry times from the leads' own
-- fields; criteria on fields an export lacks are left out):
--   Lead -> MQL -> SQL -> Opportunity -> Customer -> Renewal/Expansion
--   A converted lead is an Opportunity; a Customer once its deal is won;
--   Renewal/Expansion once its account renewed (13+ months of
--   subscription) or won a second deal.  Disqualified leads are closed.
--
-- Opportunity funnel (deals.stage; days in stage from stage_history):
--   Prospecting 10% -> Discovery 20% -> Demo 40% -> Proposal 60% ->
--   Negotiation 80% -> Closed Won 100%; Closed Lost is closed.
--
-- As a module:
--   local funnels = require("funnel")
--   local opp = funnels.opportunity()            -- or funnels.opportunity{calendar = cal}
--   local audit = opp:audit()                    -- one row per deal, with violations
--   opp:summary(audit):to_csv("funnel_summary.csv")
--   local probs = opp:stage_table()              -- probability per stage, for metrics
--
-- As a playbook (prints both summaries, writes OUT/funnel_*.csv):
--   revl run rules/funnel.lua --data DIR --as-of DATE --out OUT
local M = {}

-- Criteria and fields that the leads table has (exports differ: a
-- Salesforce lead export has no mql_at / sql_at); a stage without entry
-- criteria is never "reached" by a record recorded elsewhere.
local function fields_of(view)
  local has = {}
  for _, c in ipairs(view:columns()) do has[c] = true end
  local f = {}
  function f.exists(c) if has[c] then return { { c, "exists" } } end end
  function f.only(c) if has[c] then return c end end
  function f.all(list)
    local out = {}
    for _, c in ipairs(list) do if has[c] then out[#out + 1] = c end end
    return out
  end
  f.has = has
  return f
end

-- The lead lifecycle.  opts: calendar (SLA days as business days).
function M.lead_lifecycle(opts)
  opts = opts or {}
  local f = fields_of(revl.leads)
  -- accounts that renewed or expanded: 13+ monthly subscription rows, or
  -- two won deals (computed once, used by a function criterion)
  local grown = {}
  if revl.subscriptions then
    for _, g in ipairs(revl.subscriptions:group_by("account_id")) do
      if g.n >= 13 then grown[g.account_id] = true end
    end
  end
  if revl.deals then
    for _, g in ipairs(revl.deals:where { is_won = true }:group_by("account_id")) do
      if g.n >= 2 then grown[g.account_id] = true end
    end
  end
  local won = f.has.converted_deal_id and revl.deals and { ["converted_deal.is_won"] = true } or nil
  local renewed = f.has.converted_account_id and {
    { "converted_account_id", "exists" },
    function(l) return grown[l.converted_account_id] == true end } or nil
  return revl.funnel {
    name = "lead lifecycle",
    records = "leads",
    stage_field = "status",
    terminal = { "Disqualified" },
    calendar = opts.calendar,
    stages = {
      { name = "Lead", values = { "New", "Working" },
        definition = "a person we can reach, not yet qualified by marketing",
        entry = f.exists("created_at"), exit = f.exists("mql_at"),
        required = f.all { "email", "company", "source" }, owner_role = "SDR",
        entered = f.only("created_at"), sla_days = 30, probability = 0.02, forecast_category = "Omitted" },
      { name = "MQL", values = { "MQL" },
        definition = "marketing qualified: fits the ICP and showed intent",
        entry = f.exists("mql_at"), exit = f.exists("sql_at"),
        required = f.all { "mql_at", "owner" }, owner_role = "SDR",
        entered = f.only("mql_at"), sla_days = 14, probability = 0.05, forecast_category = "Omitted" },
      { name = "SQL", values = { "SQL" },
        definition = "sales accepted: a rep agreed there is a real opportunity",
        entry = f.exists("sql_at"), exit = f.exists("converted_deal_id"),
        required = f.all { "sql_at" },
        entered = f.only("sql_at"), sla_days = 21, probability = 0.1, forecast_category = "Pipeline" },
      { name = "Opportunity", values = { "Converted" },
        definition = "converted to a deal",
        entry = f.exists("converted_deal_id"), exit = won,
        required = f.all { "converted_deal_id", "converted_account_id" },
        probability = 0.25, forecast_category = "Pipeline" },
      { name = "Customer", values = { "Converted" },
        definition = "its deal was won",
        entry = won,
        probability = 1, forecast_category = "Closed" },
      { name = "Renewal/Expansion", values = { "Converted" },
        definition = "the account renewed (13+ months) or bought again",
        entry = renewed,
        probability = 1, forecast_category = "Closed" },
    },
  }
end

-- The opportunity funnel.  opts: calendar (SLA days as business days),
-- as_of (the date close dates are judged against; default revl.as_of).
function M.opportunity(opts)
  opts = opts or {}
  local today = opts.as_of or revl.as_of
  return revl.funnel {
    name = "opportunity",
    records = "deals",
    stage_field = "stage",
    terminal = { "Closed Lost" },
    forecast_field = "forecast_category",
    calendar = opts.calendar,
    stages = {
      { name = "Prospecting", definition = "a contact at a target account agreed to talk",
        entry = { { "account_id", "exists" } }, exit = { { "amount", ">", 0 } },
        required = { "account_id", "owner" }, owner_role = "AE",
        sla_days = 30, probability = 0.1, forecast_category = "Pipeline" },
      -- no entry criteria: nothing in the data tells Discovery from Prospecting
      { name = "Discovery", definition = "pain, budget and buyer confirmed",
        exit = { { "close_date", "exists" } },
        required = { "amount" }, owner_role = "AE",
        sla_days = 30, probability = 0.2, forecast_category = "Pipeline" },
      { name = "Demo", definition = "the product was shown to the buying group",
        entry = { { "amount", ">", 0 }, { "forecast_category", "in", { "Best Case", "Commit" } } },
        exit = { { "close_date", ">=", today } },
        required = { "close_date" }, owner_role = "AE",
        sla_days = 21, probability = 0.4, forecast_category = "Best Case" },
      { name = "Proposal", definition = "a priced proposal was sent",
        exit = { forecast_category = "Commit" },
        owner_role = "AE", sla_days = 21, probability = 0.6, forecast_category = "Best Case" },
      { name = "Negotiation", definition = "terms are being agreed; the close date is ahead",
        entry = { forecast_category = "Commit", close_date = { gte = today } },
        exit = { is_won = true },
        owner_role = "AE", sla_days = 14, probability = 0.8, forecast_category = "Commit" },
      { name = "Closed Won", definition = "signed",
        entry = { is_won = true },
        probability = 1, forecast_category = "Closed" },
    },
  }
end

-- Print the summaries and write the audits.
function M.run(opts)
  local out = {}
  local funnels = {}
  if revl.leads then funnels[#funnels + 1] = M.lead_lifecycle(opts) end
  if revl.deals then funnels[#funnels + 1] = M.opportunity(opts) end
  for _, f in ipairs(funnels) do
    do
      local audit = f:audit()
      local summary = f:summary(audit)
      local bad = 0
      for _, a in ipairs(audit) do if a.n_violations > 0 then bad = bad + 1 end end
      print(("%s: %d %s, %d with violations"):format(f.name, #audit, f.records, bad))
      revl.show(summary:limit(#f.stages + 4), { rows = 20 })
      print("")
      local slug = f.name:gsub("%W+", "_")
      audit:to_csv("funnel_" .. slug .. ".csv")
      summary:to_csv("funnel_" .. slug .. "_summary.csv")
      out[#out + 1] = { funnel = f, audit = audit, summary = summary }
    end
  end
  return out
end

if select("#", ...) == 0 then M.run() end
return M
