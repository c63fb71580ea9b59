build2/src/cli/repl_complete.o: src/cli/repl_complete.c \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/lua.h src/cli/repl.h \
 src/cli/cli.h include/revl/common.h
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/lua.h:
src/cli/repl.h:
src/cli/cli.h:
include/revl/common.h:
