build2/src/cli/main.o: src/cli/main.c /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/luaconf.h include/revl/cache.h include/revl/common.h \
 include/revl/ingest.h include/revl/parse.h include/revl/store.h \
 include/revl/csvw.h include/revl/runtime.h src/cli/cli.h
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
include/revl/cache.h:
include/revl/common.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/csvw.h:
include/revl/runtime.h:
src/cli/cli.h:
