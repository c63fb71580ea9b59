-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- Lead-to-account matching: normalised company names and domains, free
-- mail, ambiguity, and the account-owner routing strategy.
local t = revl.testing("route match")

-- company names: case, punctuation and legal suffixes do not matter
local ck = revl.company_key
t:eq(ck("ACME, Inc."), "acme", "ACME, Inc.")
t:eq(ck("Acme Inc"), ck("ACME, Inc."), "'ACME, Inc.' == 'Acme Inc'")
t:eq(ck("acme incorporated"), "acme", "incorporated")
t:eq(ck("Globex GmbH & Co. KG"), "globex", "GmbH & Co. KG")
t:eq(ck("Blue  Harbor   Ltd."), "blue harbor", "spaces collapse")
t:eq(ck("Grand Beam Health Pty Ltd"), "grand beam health", "Pty Ltd")
t:eq(ck("Westsail (Pty) Ltd."), "westsail", "(Pty) Ltd.")
t:eq(ck("Birchmill S.A."), "birchmill", "S.A.")
t:eq(ck("Birchmill SA"), "birchmill", "SA")
t:eq(ck("Opendale S.A.S."), "opendale", "S.A.S.")
t:eq(ck("Northwind B.V."), "northwind", "B.V.")
t:eq(ck("Grupo Sol S.A. de C.V."), "grupo sol", "S.A. de C.V.")
t:eq(ck("Nowak Sp. z o.o."), "nowak", "Sp. z o.o.")
t:eq(ck("Nord Ges.m.b.H."), "nord", "Ges.m.b.H.")
t:eq(ck("Tanaka K.K."), "tanaka", "K.K.")
t:eq(ck("Kim Co. Ltd."), "kim", "Co. Ltd.")
t:eq(ck("Beacon AB (publ)"), "beacon", "AB (publ)")
t:eq(ck("Fjord A/S"), "fjord", "A/S")
t:eq(ck("Pixel Line Networks LLC"), "pixel line networks", "LLC")
t:eq(ck("Redwood Corp."), "redwood", "Corp.")
t:eq(ck("O'Reilly Media, Inc."), "oreilly media", "apostrophes join")
t:eq(ck("Inc"), "inc", "a name that is only a suffix stays")
t:eq(ck("Co-operative Bank"), "co operative bank", "a suffix word inside a name stays")
t:eq(ck("  "), nil, "nothing left")

-- domains from URLs, emails and domains
local dk = revl.domain_key
t:eq(dk("www.Acme.com/path"), "acme.com", "www and path")
t:eq(dk("www.Acme.com/path"), dk("acme.com"), "'www.Acme.com/path' == 'acme.com'")
t:eq(dk("https://WWW.acme.com:443/x?y#z"), "acme.com", "scheme, port, query")
t:eq(dk("jane.doe@Acme.COM"), "acme.com", "email")
t:eq(dk("acme.com."), "acme.com", "trailing dot")
t:eq(dk("mailto:bob@x.org"), "x.org", "mailto")
t:eq(dk("not a domain"), nil, "spaces")
t:eq(dk("localhost"), nil, "no dot")
t:eq(dk(""), nil, "empty")

-- free mail
for _, d in ipairs { "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "outlook.com",
                     "hotmail.com", "hotmail.fr", "icloud.com", "aol.com", "proton.me",
                     "protonmail.com", "gmx.de", "gmx.net", "web.de", "bob@GMAIL.com" } do
  t:ok(revl.is_freemail(d), "free mail: " .. d)
end
for _, d in ipairs { "acme.com", "mail.acme.com", "gmail-tools.com", "globex.de" } do
  t:ok(not revl.is_freemail(d), "not free mail: " .. d)
end

-- the account-owner strategy on the fixture
local r = revl.router { name = "match", rules = { { name = "account", account_owner = true } } }
local res = r:route(revl.leads:where { batch = "match" })
local function check(id, owner, account, method, msg)
  local a = res:get(id)
  t:eq(a.owner, owner, id .. " owner: " .. msg)
  t:eq(a.account_id, account, id .. " account: " .. msg)
  t:eq(a.match, method, id .. " method: " .. msg)
end
-- jane@acme.com: A1's domain is "www.Acme.com/path"
check("M01", "R1", "A1", "email domain", "email domain vs a website")
-- bob.smith@gmail.com, "ACME, Inc.": gmail is never matched, the name is
check("M02", "R1", "A1", "company name", "free mail, then the company")
-- x@eu.globex.de: the parent domain globex.de
check("M03", "R5", "A2", "email domain", "parent domain")
-- y@gmail.com, "Nobody Ltd": nothing
check("M04", "Unassigned", nil, nil, "free mail and an unknown company")
t:eq(res:get("M04").trail[1].reason, "free_mail", "M04 reason")
-- no email, "INITECH" vs "Initech LLC" (A3 has no domain)
check("M05", "R2", "A3", "company name", "upper case without suffix")
-- umbrella.com: owner R8 is inactive -> skipped -> fallback
check("M06", "Unassigned", "A4", "email domain", "inactive account owner")
t:eq(res:get("M06").skipped, "R8: inactive", "M06 skip")
-- z@twin-b.com: domains are unique even though the names collide
check("M07", "R2", "A6", "email domain", "domain beats an ambiguous name")
-- "Twin Co" names two accounts (Twin Co, Twin Co.): ambiguous, no match
check("M08", "Unassigned", nil, nil, "ambiguous company")
t:eq(res:get("M08").trail[1].reason, "ambiguous", "M08 reason")
-- p@gmail.com, "Hooli": A7's domain is gmail.com (never indexed), its name matches
check("M09", "R2", "A7", "company name", "an account with a free-mail domain")
-- the lead's domain field "https://www.globex.de/en"
check("M10", "R5", "A2", "domain", "domain field as a URL")
-- tony@stark.com: A8 has no owner
check("M11", "Unassigned", "A8", "email domain", "account without owner")
t:eq(res:get("M11").trail[2].reason, "account_without_owner", "M11 reason")

-- extra free-mail domains, and owners from the latest deal
local r2 = revl.router { name = "m2", rules = {
  { name = "account", account_owner = { freemail = { "acme.com" }, owner_from = "deals" } } } }
local res2 = r2:route(revl.leads:where { batch = "match" })
-- M01 jane@acme.com: acme.com is free mail now; "Acme Inc" -> A1 by name;
-- A1's latest deal (by created_at) is D7 (2025-06-01), owner R6
t:eq(res2:get("M01").match, "company name", "extra free mail")
t:eq(res2:get("M01").owner, "R6", "owner of the latest deal")
-- A8's only deal D6 is R1's
t:eq(res2:get("M11").owner, "R1", "deal owner when the account has none")

-- one normaliser for routing and duplicate detection
t:eq(revl.company_key("The Smith & Wesson Co."), "smith and wesson", "& as and, leading the dropped")
t:eq(revl.company_key("Smith &"), "smith", "dangling and dropped")
t:eq(revl.domain_key("https://WWW2.Acme.com/x"), "acme.com", "www2. host")
for _, name in ipairs{"ACME, Inc.", "The Smith & Wesson Co.", "Sp. z o.o. Kowalski", "Gamma S.A. de C.V."} do
  t:eq(revl.metrics.name_key(name), revl.company_key(name), "metrics and routing agree on " .. name)
end
t:eq(revl.metrics.domain_key("mailto:bob@eu.acme.com"), revl.domain_key("mailto:bob@eu.acme.com"),
     "same domain key")

return t:done()
