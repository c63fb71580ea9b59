build2/src/lua/l_eval.o: src/lua/l_eval.c src/lua/lrevl.h \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lua.h \
 include/revl/criteria.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h include/revl/runtime.h include/revl/sbuf.h
src/lua/lrevl.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/runtime.h:
include/revl/sbuf.h:
