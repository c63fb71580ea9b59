-- test_options.lua -- unknown options are errors everywhere, with the
-- nearest valid name: revl.show / revl.pretty, the metrics (C and Lua
-- checks), and wrong option types.
local t = revl.testing("options")
local deals = revl.deals

t:err(function() revl.show(deals, {limit = 40}) end,
      "revl.show: unknown option 'limit' %(options: depth footer items line rows width%)",
      "show: an unknown option is not ignored")
t:err(function() revl.show(deals, {row = 4}) end,
      "unknown option 'row' %(did you mean 'rows'%?%)", "show: the nearest option")
t:err(function() revl.pretty(deals, {rows = "x"}) end,
      "revl.pretty: option 'rows' must be a number >= 0, not x", "pretty: wrong type")
t:err(function() revl.pretty(deals, {rows = -1}) end, "must be a number >= 0", "pretty: negative")
t:err(function() revl.pretty(deals, 5) end, "options must be a table, not number", "pretty: not a table")
t:err(function() revl.show(deals, {[1] = true}) end, "unknown option '1'", "show: a list entry")
t:ok(revl.pretty(deals, {rows = 2}):find("first 2 shown", 1, true), "known options still work")
t:eq(select(2, pcall(function() revl.show(deals, {limit = 1}) end)):match("^[^:]+:%d+:") ~= nil, true,
     "the error names the caller's line")

t:err(function() revl.metrics.win_rate(deals, {peroid = "all"}) end,
      "revl.metrics.win_rate: unknown option 'peroid' %(did you mean 'period'%?%) %(options: ",
      "C metric: the nearest option")
t:err(function() revl.metrics.win_rate(deals, {zzzz = "all"}) end,
      "unknown option 'zzzz' %(options: by period", "C metric: no near option, the list")
t:err(function() revl.metrics.forecast_gap(deals, {targte = 1}) end,
      "revl.metrics.forecast_gap: unknown option 'targte' %(did you mean 'target'%?%)",
      "Lua metric: the nearest option")
t:done()
