build2/src/lua/runtime.o: src/lua/runtime.c include/revl/runtime.h \
 include/revl/common.h /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lualib.h src/lua/lrevl.h \
 include/revl/criteria.h include/revl/parse.h include/revl/store.h \
 include/revl/csvw.h include/revl/ingest.h
include/revl/runtime.h:
include/revl/common.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lualib.h:
src/lua/lrevl.h:
include/revl/criteria.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
include/revl/ingest.h:
