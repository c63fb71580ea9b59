build2/src/lua/l_metrics_quality.o: src/lua/l_metrics_quality.c \
 src/lua/lmetrics.h src/lua/lrevl.h /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/lua.h include/revl/criteria.h include/revl/common.h \
 include/revl/parse.h include/revl/store.h src/metrics/mcore.h \
 include/revl/metric.h include/revl/frame.h include/revl/metrics.h \
 include/revl/metric_quality.h
src/lua/lmetrics.h:
src/lua/lrevl.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
src/metrics/mcore.h:
include/revl/metric.h:
include/revl/frame.h:
include/revl/metrics.h:
include/revl/metric_quality.h:
