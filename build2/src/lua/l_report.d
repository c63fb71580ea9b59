build2/src/lua/l_report.o: src/lua/l_report.c src/lua/lrevl.h \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lua.h \
 include/revl/criteria.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h include/revl/diagnose.h include/revl/frame.h \
 include/revl/report.h include/revl/report_icp.h include/revl/sbuf.h \
 include/revl/runtime.h
src/lua/lrevl.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/diagnose.h:
include/revl/frame.h:
include/revl/report.h:
include/revl/report_icp.h:
include/revl/sbuf.h:
include/revl/runtime.h:
