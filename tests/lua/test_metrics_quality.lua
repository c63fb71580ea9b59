-- revl: --data tests/lua/metrics_quality --as-of 2025-06-30
-- Data quality: completeness, duplicates, consistency, timeliness and the
-- composite score over tests/lua/metrics_quality (11 accounts).
local t = revl.testing("metrics: data quality")
local M, acc = revl.metrics, revl.accounts

-- ---- normalisers -------------------------------------------------------------------
t:eq(M.name_key("ACME, Inc."), "acme", "case, punctuation, legal suffix")
t:eq(M.name_key("Globex GmbH & Co. KG"), "globex", "stacked legal forms")
t:eq(M.name_key("Tele Danmark A/S"), "tele danmark", "A/S")
t:eq(M.name_key("Banco Santander S.A."), "banco santander", "S.A.")
t:eq(M.name_key("The Smith & Jones Company"), "smith and jones", "leading the, & as and")
t:eq(M.name_key("Inc"), "inc", "a name that is only a suffix stays")
t:eq(M.domain_key("HTTPS://WWW.Acme.com/about?x=1"), "acme.com", "scheme, www, path, case")
t:eq(M.domain_key("sales@acme.co.uk"), "acme.co.uk", "an email address")
t:eq(M.domain_key("acme.com:8080/"), "acme.com", "port")
t:eq(M.domain_key("localhost"), nil, "no dot: no domain")
t:near(M.similarity("martha", "marhta"), 0.9611111111, 1e-9, "Jaro-Winkler, textbook pair")
t:near(M.similarity("dwayne", "duane"), 0.84, 1e-9, "Jaro-Winkler, textbook pair 2")
t:eq(M.similarity("same", "same"), 1.0, "equal strings")
t:eq(M.similarity("abc", "xyz"), 0.0, "nothing in common")

-- ---- country normaliser ----------------------------------------------------------------
for text, code in pairs({ US = "US", USA = "US", ["U.S."] = "US", ["u.s.a."] = "US",
                          ["United States of America"] = "US", ["united states"] = "US",
                          UK = "GB", ["Great Britain"] = "GB", gbr = "GB", England = "GB",
                          Deutschland = "DE", DEU = "DE", ["the Netherlands"] = "NL",
                          Holland = "NL", ["South Korea"] = "KR", ["Côte d'Ivoire"] = "CI",
                          ["United Arab Emirates"] = "AE", UAE = "AE", ["Viet Nam"] = "VN",
                          ["  japan "] = "JP", Brasil = "BR", ["New Zealand"] = "NZ" }) do
  t:eq(M.country(text), code, "country " .. text)
end
t:eq(M.country("Narnia"), nil, "unknown")
t:eq(M.country(""), nil, "empty")

-- ---- completeness --------------------------------------------------------------------------
local per, req = M.completeness(acc, { required = { "domain", "industry" } })
local pf = {}
for _, r in ipairs(per) do pf[r.field] = r end
t:eq(#per, 2, "fields default to the required ones when given")
t:eq(pf.domain.filled, 10, "domain: Q3 has none")
t:eq(pf.industry.missing, 3, "industry: Q3 Q5 Q10")
t:near(pf.industry.completeness, 8 / 11, 1e-12, "industry completeness")
t:eq(req[1].complete, 8, "rows with both")
t:near(req[1].completeness, 8 / 11, 1e-12, "required-set completeness")
local every = M.completeness(acc)
t:eq(#every, 6, "every column")
t:eq(every[1].field, "id", "in table order")
local seg = {}
for _, r in ipairs(select(2, M.completeness(acc, { fields = { "industry" }, by = "segment" }))) do
  seg[r.segment or "none"] = r
end
t:eq(seg.SMB.rows, 6, "SMB rows")
t:near(seg.SMB.completeness, 4 / 6, 1e-12, "SMB: Q3 and Q10 lack industry")
t:eq(seg.none.rows, 1, "Q6 has no segment")
t:eq(select(2, M.completeness(acc:where({ id = "none" })))[1].completeness_reason, "no rows",
     "an empty view")

-- ---- duplicates ----------------------------------------------------------------------------
local d, ds = M.duplicates(acc)
t:eq(ds.records, 11, "records")
t:eq(ds.clusters, 3, "Acme, Globex, Umbrella")
t:eq(ds.clustered, 7, "accounts in clusters")
t:eq(ds.duplicates, 4, "extra copies")
t:near(ds.duplicate_rate, 4 / 11, 1e-12, "duplicate rate")
local cl = {}
for _, r in ipairs(d) do
  cl[r.cluster] = (cl[r.cluster] and cl[r.cluster] .. "," or "") .. r.id
end
t:eq(cl[1], "Q1,Q2,Q3", "Acme: by domain and by name")
t:eq(cl[2], "Q4,Q5", "Globex")
t:eq(cl[3], "Q8,Q9", "Umbrella by name (umbrella.co is another domain)")
t:eq(d[1].match, "domain+name", "Q1 matched Q2 both ways")
t:eq(d[3].match, "name", "Q3 has no domain")
t:eq(d[3].similarity, 1.0, "same normalised name")
t:eq(d[6].match, "name", "Umbrela")
t:ok(d[6].similarity >= 0.8, "similar enough")
t:eq(d[6].reason, "typo: 'umbrella' ~ 'umbrela'", "the reason names the typo")
local dd = select(2, M.duplicates(acc, { on = "domain" }))
t:eq(dd.clusters, 2, "by domain only: Acme (Q1 Q2), Globex; gmail.com never matches")
local dn = select(2, M.duplicates(acc, { on = "name", threshold = 0.55 }))
t:eq(dn.clusters, 4, "a lower threshold also joins Initech and Initech Labs")
local d1 = select(2, M.duplicates(acc:where({ id = "Q1" }), { on = "name" }))
t:eq(d1.clusters, 0, "one record: no pair to compare")

-- ---- consistency -----------------------------------------------------------------------------
local cs, bad = M.consistency(acc, "country", { normalize = "country" })
t:eq(cs[1].consistent, 4, "US DE GB FR as ISO codes")
t:eq(cs[1].inconsistent, 7, "the rest")
t:near(cs[1].consistency, 4 / 11, 1e-12, "consistency")
t:eq(#bad, 7, "distinct bad values")
t:eq(bad[1].value, "USA", "most frequent first, then in order of appearance")
t:eq(bad[1].suggestion, "US", "with the ISO code to use")
local sug = {}
for _, r in ipairs(bad) do sug[r.value] = r.suggestion or "-" end
t:eq(sug.Narnia, "-", "no suggestion for an unknown country")
t:eq(sug.gb, "GB", "lower case code")
t:eq(sug.France, "FR", "a name")
local ca = M.consistency(acc, "country", { normalize = "country", allowed = { "US", "DE" } })
t:eq(ca[1].consistent, 2, "only US and DE allowed")
local cv = M.consistency(acc, "segment", { allowed = { "SMB", "ENT" } })
t:eq(cv[1].consistent, 10, "segments")
t:eq(cv[1].missing, 1, "a null is missing, not inconsistent")
t:eq(cv[1].consistency, 1.0, "all present values allowed")
t:err(function() M.consistency(acc, "country", {}) end, "allowed", "needs a rule")

-- ---- timeliness ----------------------------------------------------------------------------
local tl, stale = M.timeliness(acc, { days = 30 })
t:eq(tl[1].fresh, 3, "Q1, Q4 (late on as_of), Q8 (exactly 30 days)")
t:eq(tl[1].stale, 8, "stale")
t:near(tl[1].timeliness, 3 / 11, 1e-12, "timeliness")
local st = {}
for _, r in ipairs(stale) do st[r.id] = r end
t:eq(st.Q2.days_since, 90, "Q2: April 1")
t:eq(st.Q9.days_since, 31, "Q9: one day too old")
t:eq(st.Q3.last_activity, nil, "Q3: never")
t:eq(st.Q4, nil, "the future activity is ignored but the one on as_of counts")

-- ---- composite score ---------------------------------------------------------------------------
local q = M.quality_score(acc, { required = { "domain", "industry" }, days = 30 })
t:near(q.completeness, 8 / 11, 1e-12, "completeness part")
t:near(q.uniqueness, 7 / 11, 1e-12, "uniqueness part")
t:near(q.consistency, 4 / 11, 1e-12, "consistency part (country)")
t:near(q.timeliness, 3 / 11, 1e-12, "timeliness part")
t:near(q.score, 0.4 * 8 / 11 + 0.2 * 7 / 11 + 0.2 * 4 / 11 + 0.2 * 3 / 11, 1e-12, "weighted mean")
local q2 = M.quality_score(acc, { required = { "domain" }, days = 30,
                                  weights = { completeness = 1, timeliness = 1 } })
t:near(q2.score, (10 / 11 + 3 / 11) / 2, 1e-12, "own weights; unweighted parts left out")
return t:done()
