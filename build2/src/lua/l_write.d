build2/src/lua/l_write.o: src/lua/l_write.c /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/lua.h src/lua/lrevl.h include/revl/criteria.h \
 include/revl/common.h include/revl/parse.h include/revl/store.h \
 include/revl/csvw.h
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
src/lua/lrevl.h:
include/revl/criteria.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
