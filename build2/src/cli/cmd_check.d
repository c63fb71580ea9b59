build2/src/cli/cmd_check.o: src/cli/cmd_check.c /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/luaconf.h src/cli/cli.h include/revl/common.h \
 include/revl/csvw.h include/revl/ingest.h include/revl/parse.h \
 include/revl/store.h include/revl/runtime.h
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
src/cli/cli.h:
include/revl/common.h:
include/revl/csvw.h:
include/revl/ingest.h:
include/revl/parse.h:
include/revl/store.h:
include/revl/runtime.h:
