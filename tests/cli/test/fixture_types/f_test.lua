-- a fixture is typed as the same values in a CSV export would be
revl.test("types, nulls, references and stage classes", function(t)
  revl.fixture{
    accounts = {{id = "A1", name = "Acme", employees = 250, annual_revenue = "$60,000,000", created_at = "2023-01-10"},
                {id = "A2", name = "Beta"}},
    deals = {{id = "D1", account_id = "A1", stage = "Closed Won", amount = "1,000.10", currency = "EUR",
              created_at = "2025-01-05", close_date = "2025-02-01", probability = "100%"},
             {id = "D2", account_id = "A2", stage = "Negotiation", amount = 2500, created_at = "2025-03-01"}}}
  local d1, d2 = revl.deals:get("D1"), revl.deals:get("D2")
  t:eq(tostring(d1.amount), "1,000.10 EUR", "money with its currency")
  t:eq(d1.is_won, true, "Closed Won is won")
  t:eq(d2.is_closed, false, "Negotiation is open")
  t:eq(d1.account.name, "Acme", "reference followed")
  t:eq(tostring(d1.close_date), "2025-02-01", "a date")
  t:eq(d2.close_date, nil, "empty is null")
  t:eq(revl.accounts:get("A2").employees, nil, "missing field is null")
  t:eq(revl.accounts:get("A1").employees, 250, "an integer")
  t:eq(d1.probability, 1.0, "a percentage")
end)
