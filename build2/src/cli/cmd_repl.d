build2/src/cli/cmd_repl.o: src/cli/cmd_repl.c \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lua.h src/cli/cli.h \
 include/revl/common.h include/revl/runtime.h src/cli/repl.h
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
src/cli/cli.h:
include/revl/common.h:
include/revl/runtime.h:
src/cli/repl.h:
