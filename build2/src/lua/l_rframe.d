build2/src/lua/l_rframe.o: src/lua/l_rframe.c src/lua/lrules.h \
 src/lua/lrevl.h /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/lua.h include/revl/criteria.h include/revl/common.h \
 include/revl/parse.h include/revl/store.h include/revl/csvw.h \
 include/revl/declog.h include/revl/reasons.h include/revl/eval.h \
 include/revl/rules.h include/revl/sbuf.h include/revl/frame.h \
 include/revl/runmeta.h include/revl/decdiff.h
src/lua/lrules.h:
src/lua/lrevl.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
include/revl/declog.h:
include/revl/reasons.h:
include/revl/eval.h:
include/revl/rules.h:
include/revl/sbuf.h:
include/revl/frame.h:
include/revl/runmeta.h:
include/revl/decdiff.h:
