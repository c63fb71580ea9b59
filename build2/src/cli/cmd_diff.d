build2/src/cli/cmd_diff.o: src/cli/cmd_diff.c /usr/include/lua5.4/lua.h \
 /usr/include/lua5.4/luaconf.h src/cli/cli.h include/revl/common.h \
 include/revl/runtime.h
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
src/cli/cli.h:
include/revl/common.h:
include/revl/runtime.h:
