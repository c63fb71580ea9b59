# revl -- RevOps rules as code.  `make help` lists the targets.

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
PKG_CONFIG ?= pkg-config

WARN   = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
         -Werror=implicit-function-declaration
ifdef CI
WARN  += -Werror
endif
OPT     ?= -O2 -g
# Recursively expanded on purpose: evaluated when a recipe runs, after
# `deps` has installed what pkg-config describes.
LUA_CFLAGS  = $(shell $(PKG_CONFIG) --cflags lua5.4 2>/dev/null)
LUA_LIBS    = $(shell $(PKG_CONFIG) --libs lua5.4 2>/dev/null)
EDIT_CFLAGS = $(shell $(PKG_CONFIG) --cflags libedit 2>/dev/null)
EDIT_LIBS   = $(shell $(PKG_CONFIG) --libs libedit 2>/dev/null)
XXH_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libxxhash 2>/dev/null)
XXH_LIBS    = $(shell $(PKG_CONFIG) --libs libxxhash 2>/dev/null || echo -lxxhash)
CPPFLAGS_ALL = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -I$(BUILD)
CFLAGS_ALL   = $(CPPFLAGS_ALL) $(OPT) $(WARN) $(LUA_CFLAGS) $(EDIT_CFLAGS) $(XXH_CFLAGS) $(CFLAGS)
LIBS_ALL     = $(LUA_LIBS) $(EDIT_LIBS) $(XXH_LIBS) -lcsv -lm -pthread $(LDLIBS)

CORE_SRC := $(wildcard src/*.c src/store/*.c src/parse/*.c src/ingest/*.c \
              src/output/*.c src/gen/*.c src/frame/*.c src/metrics/*.c src/rules/*.c src/lua/*.c \
              src/report/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
# lua/revl.lua first: the other parts extend what it defines
LUA_SRC  := lua/revl.lua $(filter-out lua/revl.lua,$(sort $(wildcard lua/*.lua)))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check-deps test asan tsan fuzz fuzz-clang fuzz-bins fuzz-smoke valgrind allocfail run install uninstall clean bench bench-frame bench-workflow bench-deps help fmt

all: $(BUILD)/revl $(BUILD)/open_pipeline

help:
	@echo "make            build build/revl"
	@echo "make deps       install missing Debian packages (apt-get)"
	@echo "make run        deps, build, run the example job on examples/data"
	@echo "make test       every test tier; ends with 'N passed, N failed'"
	@echo "make asan       build with ASan+UBSan into build-asan/ and run the tests"
	@echo "make tsan       build with ThreadSanitizer into build-tsan/ and run the tests"
	@echo "make valgrind   unit tests and CLI runs under valgrind memcheck"
	@echo "make allocfail  fail the N-th allocation, swept over N (build-allocfail/; docs/fuzzing.md)"
	@echo "make fuzz       build the libFuzzer harnesses (clang) into build-fuzz/"
	@echo "make fuzz-smoke run each harness FUZZ_TIME=$(FUZZ_TIME) s on its corpus; fails on a crash"
	@echo "make bench      revl against peers on four tasks (SCALE=10: 10M deals)"
	@echo "make bench-workflow  revl diff/test/explain against their targets"
	@echo "make bench-deps install the benchmark peers (apt-get, npm)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "make clean"

# ---- dependencies ------------------------------------------------------
# Fast no-op when everything is there; otherwise apt-get (sudo when not
# root), with `apt-get update` first only when the install needs it.
# tmux drives the REPL's terminal tests; tzdata backs SLA calendars;
# chromium renders report.html in the browser test tier, and zlib1g-dev
# lets that tier's PNG check (tests/tools/pngcheck.c) read the screenshot.
DEBS = pkg-config liblua5.4-dev libcsv-dev libedit-dev libxxhash-dev tmux tzdata chromium zlib1g-dev
deps:
	@missing=""; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	$(PKG_CONFIG) --exists lua5.4 2>/dev/null || missing="$$missing liblua5.4-dev"; \
	$(PKG_CONFIG) --exists libedit 2>/dev/null || missing="$$missing libedit-dev"; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	[ -f /usr/include/xxhash.h ] || missing="$$missing libxxhash-dev"; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	[ -f /usr/share/zoneinfo/America/New_York ] || missing="$$missing tzdata"; \
	command -v git >/dev/null 2>&1 || missing="$$missing git"; \
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || missing="$$missing chromium"; \
	[ -f /usr/include/zlib.h ] || missing="$$missing zlib1g-dev"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "revl: installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	  || { $$sudo apt-get update -q && \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }; \
	fi

# Every build step runs this first (order-only): it is the check above.
check-deps: deps

# ---- build -------------------------------------------------------------
$(BUILD)/revl: $(CLI_OBJ) $(BUILD)/librevl.a | check-deps
	$(CC) $(OPT) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/librevl.a $(LIBS_ALL)

$(BUILD)/librevl.a: $(CORE_OBJ) $(BUILD)/lua_embed.o
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# Lua parts of the runtime, embedded as byte arrays.
$(BUILD)/embed: tests/tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<
$(BUILD)/lua_embed.c: $(BUILD)/embed $(LUA_SRC)
	$(BUILD)/embed $@ $(LUA_SRC)
$(BUILD)/lua_embed.o: $(BUILD)/lua_embed.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librevl.a tests/test.h tests/unit/storedump.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests $< -o $@ $(BUILD)/librevl.a $(LIBS_ALL)

# revl embedded in a C program, no Lua (examples/embed/)
$(BUILD)/open_pipeline: examples/embed/open_pipeline.c $(BUILD)/librevl.a | check-deps
	$(CC) $(CFLAGS_ALL) $< -o $@ $(BUILD)/librevl.a $(LIBS_ALL)

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- use ---------------------------------------------------------------
run: $(BUILD)/revl
	$(BUILD)/revl run examples/revops.lua --data examples/data --as-of 2025-12-31 --out examples/out
	$(BUILD)/revl run examples/data_checks.lua --data examples/checks --as-of 2025-12-31 --out examples/out

test: $(BUILD)/revl $(BUILD)/open_pipeline $(UNIT_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" test

# ThreadSanitizer over the C unit tests: files load on two threads
# (src/ingest/loadfile.c; tests/unit/test_load_threads.c loads the bad-input
# corpus both ways).  The other tiers interrupt busy Lua loops with
# signals, which ThreadSanitizer holds back until a library call.
tsan:
	$(MAKE) BUILD=build-tsan OPT="-O1 -g -fsanitize=thread" \
	  LDFLAGS="-fsanitize=thread" REVL_TIERS=unit test

# ---- valgrind ----------------------------------------------------------
# The C unit tests and a representative set of CLI runs under memcheck
# (tests/valgrind/run.sh).  valgrind comes from apt-get when missing, as
# clang does for `make fuzz`: it is not a build dependency.
valgrind: $(BUILD)/revl $(UNIT_BIN)
	@command -v valgrind >/dev/null 2>&1 || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind \
	  || { $$sudo apt-get update -q && \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind; }; }
	BUILD=$(BUILD) sh tests/valgrind/run.sh

# ---- allocation-failure injection (docs/fuzzing.md) ----------------------
# revl under ASan+UBSan with malloc & co. wrapped by tests/allocfail/failmalloc.c
# (GNU ld --wrap), which fails the N-th call; tests/allocfail/sweep.sh runs
# scenarios for each N.  Not part of `make test`.
AF_BUILD = build-allocfail
AF_OPT   = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
AF_WRAP  = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
allocfail:
	$(MAKE) BUILD=$(AF_BUILD) OPT="$(AF_OPT)" $(AF_BUILD)/tests/allocfail/failmalloc.o
	$(MAKE) BUILD=$(AF_BUILD) OPT="$(AF_OPT)" LDFLAGS="-fsanitize=address,undefined $(AF_WRAP)" \
	  LDLIBS="$(AF_BUILD)/tests/allocfail/failmalloc.o" $(AF_BUILD)/revl
	BUILD=$(AF_BUILD) sh tests/allocfail/sweep.sh

# ---- fuzzing (docs/fuzzing.md) -------------------------------------------
# libFuzzer harnesses tests/fuzz/fuzz_*.c against the library sources,
# built with clang (ASan + UBSan) into build-fuzz/.  clang comes from
# Debian when missing; it is not part of `make deps`.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 12
FUZZ_SAN    = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# the CSV harness runs each load's reader on one reused thread (tests/fuzz/fuzz_thread.h)
FUZZ_LDFLAGS_fuzz_csv = -Wl,--wrap=pthread_create,--wrap=pthread_join

fuzz-clang:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "revl: installing clang"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang \
	  || { $$sudo apt-get update -q && \
	       $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang; }; }

fuzz: fuzz-clang
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  OPT="-O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	  LDFLAGS="$(FUZZ_SAN)" fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h tests/fuzz/fuzz_thread.h $(BUILD)/librevl.a | check-deps
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer $(FUZZ_LDFLAGS_fuzz_$*) $< -o $@ $(BUILD)/librevl.a $(LIBS_ALL)

fuzz-smoke: fuzz
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz/smoke.sh $(FUZZ_NAMES)

bench: $(BUILD)/revl
	BUILD=$(BUILD) sh tests/bench/bench.sh

# the C frame operations on 1M generated rows (tests/bench/bench_frame.c)
bench-frame: $(BUILD)/librevl.a
	$(CC) $(CFLAGS_ALL) tests/bench/bench_frame.c -o $(BUILD)/bench_frame $(BUILD)/librevl.a $(LIBS_ALL)
	$(BUILD)/bench_frame

# the rule authors' commands against their targets (tests/bench/workflow.sh)
bench-workflow: $(BUILD)/revl
	BUILD=$(BUILD) sh tests/bench/workflow.sh

bench-deps:
	sh tests/bench/bench.sh deps

install: $(BUILD)/revl
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/revl/rules
	install -m 755 $(BUILD)/revl $(DESTDIR)$(PREFIX)/bin/revl
	for f in rules/*.lua; do case "$$f" in *_test.lua) continue ;; esac; \
	  [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/revl/rules/ || true; done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/revl.1 $(DESTDIR)$(PREFIX)/share/man/man1/revl.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/revl
	rm -rf $(DESTDIR)$(PREFIX)/share/revl
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/revl.1

fmt:
	clang-format -i $(CORE_SRC) $(CLI_SRC) include/revl/*.h

clean:
	rm -rf build build-asan build-tsan build-fuzz build-allocfail
