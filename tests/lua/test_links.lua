-- revl: --data tests/lua/links --as-of 2025-06-30
-- Links declared on either side (docs/mapping.md "Links"): deals carry an
-- MQL number (deals.mql_id, declared by mql's referenced_by), an MQL
-- carries its lead (mql.lead_id, declared by references).  Followed from
-- a row, from v:rows, and back from the parent with row:linked.
local t = revl.testing("links on either side")

t:eq(#revl.inputs(), 0, "nothing loaded before first use")
local o1 = revl.deals:get("O-1")
t:eq(#revl.inputs(), 3, "deals brought mql (referenced_by) and leads (mql.lead_id)")
t:eq(o1.mql.source, "webinar", "row.mql follows a link declared on the parent's side")
t:eq(o1.mql.lead.email, "ann@acme.com", "and on to the lead")
t:eq(o1:get("mql.source"), "webinar", "row:get through the link")
t:eq(revl.deals:get("O-4").mql, nil, "a null reference")
t:eq(revl.deals:get("O-5").mql, nil, "a broken one (M-9)")

-- v:rows follows links as row.x does: values through them, or the rows
local got = {}
for id, src, m in revl.deals:rows("id", "mql.source", "mql") do
  got[#got + 1] = id .. "=" .. tostring(src) .. ":" .. (m and m.id or "-")
end
t:eq(table.concat(got, " "),
     "O-1=webinar:M-1 O-2=webinar:M-1 O-3=webinar:M-3 O-4=nil:- O-5=nil:-",
     "rows('id', 'mql.source', 'mql')")
local emails = {}
for m in revl.deals:where{is_won = true}:rows("mql") do emails[#emails + 1] = m.lead.email end
t:eq(table.concat(emails, " "), "ann@acme.com cy@corp.com", "the won deals' leads")

-- back from the parent: the rows that point at this one
local m1 = revl.mql:get("M-1")
local ds = m1:linked("deals")
t:eq(#ds, 2, "M-1 has two deals")
t:eq(tostring(ds:sum("amount")), "1,200.00 USD", "their amount, exact")
t:eq(#revl.mql:get("M-2"):linked("deals"), 0, "M-2 has none")
t:eq(revl.leads:get("L-3"):linked("mql"):row(1).id, "M-3", "lead -> its MQL")
t:eq(#revl.leads:get("L-4"):linked("mql"), 0, "a lead never qualified")
t:eq(#m1:linked("deals", "mql_id"), 2, "the column named")

-- the group-by and metrics read the same links
local by = revl.deals:where{is_closed = true}:group_by("mql.source", {n = {"count", "id"}})
t:eq(#by, 1, "one source among closed deals")
t:eq(by[1].n, 3, "three closed deals from webinars")

-- bad input
t:err(function() return m1:linked("deal") end, "did you mean 'deals'", "a mistyped table")
t:err(function() return m1:linked("deals", "stage") end, "deals.stage does not refer to mql",
      "a column that is no link")
t:err(function() return m1:linked("leads") end, "no column of leads refers to mql",
      "a table with no link to it")
t:err(function() return revl.deals:rows("mql.sorce") end, "deals has no column 'mql.sorce'",
      "a mistyped field through a link")
t:done()
