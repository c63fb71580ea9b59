-- revl: --data tests/lua/dedupe_labelled --as-of 2025-06-30
-- Duplicate detection against a labelled set: tests/lua/dedupe_labelled
-- has 160 accounts of 100 companies (column `entity`).  True duplicates
-- differ in case, punctuation, legal suffixes, & / and, a leading
-- "The", a typo, or a www./https:// domain; true non-duplicates share
-- the common words ("Bird", "Capital") and differ in one distinctive
-- word ("Key Bird Capital" / "Alder Bird Capital", "Key Mill Capital").
-- Pairwise precision and recall must stay >= 0.95 and >= 0.9.
local t = revl.testing("metrics: duplicates on a labelled set")
local M, acc = revl.metrics, revl.accounts

local entity, ids = {}, {}
for id, e in acc:rows("id", "entity") do
  entity[id] = e
  ids[#ids + 1] = id
end
local members = M.duplicates(acc)
local cluster = {}
for _, r in ipairs(members) do cluster[r.id] = r.cluster end
local tp, fp, fn = 0, 0, 0
for i = 1, #ids do
  for j = i + 1, #ids do
    local a, b = ids[i], ids[j]
    local same = entity[a] == entity[b]
    local found = cluster[a] ~= nil and cluster[a] == cluster[b]
    if found and same then tp = tp + 1
    elseif found then fp = fp + 1
    elseif same then fn = fn + 1 end
  end
end
local precision, recall = tp / (tp + fp), tp / (tp + fn)
print(("labelled set: %d true pairs, found %d right, %d wrong, %d missed: precision %.3f recall %.3f")
      :format(tp + fn, tp, fp, fn, precision, recall))
t:ok(tp + fn >= 50, "the set has true duplicate pairs")
t:ok(precision >= 0.95, ("precision %.3f >= 0.95"):format(precision))
t:ok(recall >= 0.9, ("recall %.3f >= 0.9"):format(recall))

-- every member says why it matched
local kinds = {}
for _, r in ipairs(members) do
  t:ok(r.reason ~= nil and r.matched ~= nil, "reason and matched record for " .. r.id)
  kinds[r.reason:match("^(%a+)")] = true
end
t:ok(kinds.same and kinds.names and kinds.typo, "domain, equal-name and typo reasons all occur")

-- one distinctive word differs: two companies, although every other word is shared
local name = {}
for id, n in acc:rows("id", "name") do name[n] = id end
t:ok(name["Key Bird Capital"] and name["Alder Bird Capital"] and name["Key Mill Capital"], "the set has them")
t:eq(cluster[name["Alder Bird Capital"]], nil, "Alder Bird Capital has no duplicate")
t:eq(cluster[name["Key Mill Capital"]], nil, "Key Mill Capital has no duplicate")
t:ok(cluster[name["Key Bird Capital"]] ~= nil, "Key Bird Capital has its own variants")
t:near(M.similarity("key bird capital", "lake bird capital"), 0.94, 0.01,
       "what Jaro-Winkler on whole names said")
return t:done()
