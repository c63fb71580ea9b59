build2/src/cli/repl_cmds.o: src/cli/repl_cmds.c \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lua.h src/cli/repl.h \
 src/cli/cli.h include/revl/common.h include/revl/runtime.h
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
src/cli/repl.h:
src/cli/cli.h:
include/revl/common.h:
include/revl/runtime.h:
