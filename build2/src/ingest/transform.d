build2/src/ingest/transform.o: src/ingest/transform.c src/ingest/mapint.h \
 include/revl/ingest.h include/revl/common.h include/revl/parse.h \
 include/revl/store.h /usr/include/lua5.4/lauxlib.h \
 /usr/include/lua5.4/luaconf.h /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/lua.h
src/ingest/mapint.h:
include/revl/ingest.h:
include/revl/common.h:
include/revl/parse.h:
include/revl/store.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
