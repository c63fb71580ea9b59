-- the waterfall with the first day rebuilt from stage_history against the
-- one from the generator's own export of that day: every bucket the same
local after = revl.deals
local _, h = revl.metrics.waterfall("2025-10-01", after)
assert(revl.load(revl.params.snap))
local _, s = revl.metrics.waterfall(revl.deals, after)
for _, k in ipairs({"start", "created", "pulled_in", "increased", "decreased", "pushed", "lost",
                    "won", "end"}) do
  print(k, h[k] == s[k] and "same" or ("differs: " .. tostring(h[k]) .. " " .. tostring(s[k])),
        h[k] ~= revl.money(0) and "nonzero" or "zero")
end
