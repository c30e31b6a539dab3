# msggen - schema-driven code generator.
#
#   make            build ./msggen and regenerate out/ from schemas/
#   make test       run every test (ends with "N passed, N failed, N skipped")
#   make check      drift check: does out/ match schemas/ and templates/?
#   make golden     rewrite tests/golden/*/expected (review the diff!)
#   make asan       build with ASan+UBSan into build-asan/ and run the tests
#   make valgrind   run the tests under valgrind (leak checking on)
#   make fuzz       build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS
#   make bench      benchmarks vs peers, scaling, validators vs ajv, stages (bench/run.sh)
#   make test-quick the fast families only (the edit loop)
#   make test-deps  install every build and test dependency (root; tests/deps.sh)
#   make install PREFIX=/usr/local      make uninstall PREFIX=/usr/local
#
# Plain `make` run as root installs missing build dependencies (apt-get),
# saying so first; other goals only name the command.
#
# Build products go to $(O)/ (default build/), except the ./msggen binary.

PREFIX  ?= /usr/local
CC      ?= cc
O       ?= build
CFLAGS  ?= -O2 -g
FUZZ_SECONDS ?= 60

# Debian packages behind the pkg-config modules we need to build.
PKGS     = yaml-0.1 libcjson libpcre2-8
APT_PKGS = pkg-config libyaml-dev libcjson-dev libpcre2-dev

# Missing build dependencies are installed by the default build only (`make`,
# `make all|build|msggen|regen|deps`) run as root, never while the Makefile is
# read: `make -n` runs no recipe, and every other goal (install, check, test,
# clean, ...) only checks and names the apt-get command. An apt lock held by
# another apt-get is waited for (up to 2 minutes), then reported.
DEPS_INSTALL_GOALS = all build msggen regen deps clean
DEPS_MODE = $(if $(filter-out $(DEPS_INSTALL_GOALS),$(or $(MAKECMDGOALS),all)),check,install)
APT_GET   = DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wformat=2 -Wno-format-nonliteral
# Our flags come first and always apply; a user's CFLAGS (e.g. -Werror) add to them.
MG_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
MG_LDLIBS  = $(shell pkg-config --libs $(PKGS)) -lm $(LDLIBS)

SRCS     = $(wildcard generator/*.c)
LIB_SRCS = $(filter-out generator/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

# `make -j4 clean all`: one make would plan the build from the products that
# clean is deleting at the same time, so clean combined with other goals runs
# each goal in its own make, in the order given (each one still parallel).
ifneq ($(and $(filter clean,$(MAKECMDGOALS)),$(filter-out clean,$(MAKECMDGOALS))),)
.PHONY: $(MAKECMDGOALS) mg-goals-in-order
$(MAKECMDGOALS): mg-goals-in-order
	@:
mg-goals-in-order:
	@for goal in $(MAKECMDGOALS); do $(MAKE) --no-print-directory $$goal || exit 1; done
else

.PHONY: all build regen deps test test-quick test-deps check golden asan valgrind fuzz bench install uninstall clean unit
all: build regen

deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null; then \
	    if [ "$(DEPS_MODE)" != install ]; then \
	        echo "msggen: missing build dependencies; run as root: apt-get install -y $(APT_PKGS) (or plain make, as root)" >&2; exit 1; \
	    elif [ "$$(id -u)" -ne 0 ]; then \
	        echo "msggen: missing build dependencies; run: sudo apt-get install -y $(APT_PKGS)" >&2; exit 1; \
	    fi; \
	    echo "msggen: installing missing build dependencies: apt-get install -y $(APT_PKGS)"; \
	    if ! { $(APT_GET) update -qq && $(APT_GET) install -y -qq $(APT_PKGS); }; then \
	        echo "msggen: installing build dependencies failed (a dpkg lock held for over 2 minutes shows as 'Could not get lock' above); run: apt-get install -y $(APT_PKGS)" >&2; exit 1; \
	    fi; \
	    pkg-config --exists $(PKGS) || { echo "msggen: $(PKGS) still missing after apt-get install" >&2; exit 1; }; \
	fi

build: msggen

msggen: $(O)/msggen
	cp $< $@

$(O)/msggen: $(O)/generator/main.o $(O)/libmg.a
	$(CC) $(MG_CFLAGS) $(LDFLAGS) -o $@ $^ $(MG_LDLIBS)

$(O)/libmg.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(MG_CFLAGS) -MMD -MP -c -o $@ $<

# Unit tests may #include the module's .c to reach its statics; the archive
# then supplies only what the test does not define itself.
$(O)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(O)/libmg.a
	@mkdir -p $(dir $@)
	$(CC) $(MG_CFLAGS) -Igenerator -Itests/unit $(LDFLAGS) -o $@ $< $(O)/libmg.a $(MG_LDLIBS)

# Helper programs of test families (tests/<family>/tool_*.c), built like unit tests.
TOOL_SRCS = $(wildcard tests/*/tool_*.c)
TOOL_BINS = $(TOOL_SRCS:tests/%.c=$(O)/tests/%)
$(O)/tests/%: tests/%.c $(O)/libmg.a
	@mkdir -p $(dir $@)
	$(CC) $(MG_CFLAGS) -Igenerator -Itests/unit $(LDFLAGS) -o $@ $< $(O)/libmg.a $(MG_LDLIBS)
# Test programs that are not unit tests (run by their family's run.sh).
TOOL_BINS += $(O)/tests/json_schema_suite $(O)/tests/mustache_spec
$(O)/tests/json_schema_suite: tests/json-schema-suite/runner.c $(O)/libmg.a
	@mkdir -p $(dir $@)
	$(CC) $(MG_CFLAGS) -Igenerator $(LDFLAGS) -o $@ $< $(O)/libmg.a $(MG_LDLIBS)
$(O)/tests/mustache_spec: tests/mustache-spec/runner.c $(O)/libmg.a
	@mkdir -p $(dir $@)
	$(CC) $(MG_CFLAGS) -Igenerator $(LDFLAGS) -o $@ $< $(O)/libmg.a $(MG_LDLIBS)

unit: $(UNIT_BINS) $(TOOL_BINS)

# Regenerate out/ from the embedded default catalogue, once the catalogue exists.
regen: msggen
	@if [ -f msggen.yaml ] && [ -n "$$(ls templates 2>/dev/null)" ]; then \
	    ./msggen generate; \
	else echo "msggen: no msggen.yaml or no templates; nothing to regenerate"; fi

# Families run in parallel (TEST_JOBS, default nproc); full logs in $(O)/test-logs.
test: msggen unit
	@MSGGEN=$(CURDIR)/msggen UNIT_DIR=$(CURDIR)/$(O)/tests TEST_LOG_DIR=$(CURDIR)/$(O)/test-logs tests/run.sh

# The fast families, for the edit loop (README.md: under 30 s).
QUICK_FAMILIES = unit render golden errors cli catalogue frontend markdown validate-cli drift
test-quick: msggen unit
	@MSGGEN=$(CURDIR)/msggen UNIT_DIR=$(CURDIR)/$(O)/tests TEST_LOG_DIR=$(CURDIR)/$(O)/test-logs tests/run.sh $(QUICK_FAMILIES)

# Every build and test dependency (Debian packages; the list is in tests/deps.sh).
test-deps:
	tests/deps.sh

check: msggen
	@if [ -f msggen.yaml ] && [ -n "$$(ls templates 2>/dev/null)" ]; then \
	    ./msggen check; \
	else echo "msggen: no msggen.yaml or no templates; nothing to check"; fi

golden: msggen
	MSGGEN=$(CURDIR)/msggen tests/golden/update.sh

asan:
	$(MAKE) O=build-asan CC=$${ASAN_CC:-gcc} CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all $(CFLAGS_EXTRA)" LDFLAGS="-fsanitize=address,undefined" build-asan/msggen unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  MSGGEN=$(CURDIR)/build-asan/msggen MSGGEN_TEMPLATES=$(CURDIR)/templates UNIT_DIR=$(CURDIR)/build-asan/tests \
	  TEST_LOG_DIR=$(CURDIR)/build-asan/test-logs MG_SANITIZED=1 tests/run.sh

# MSGGEN_MALLOC=system: cJSON on malloc, so valgrind sees every block (pool.h).
valgrind: msggen unit
	MSGGEN_MALLOC=system MSGGEN=$(CURDIR)/msggen UNIT_DIR=$(CURDIR)/$(O)/tests \
	  TEST_LOG_DIR=$(CURDIR)/$(O)/test-logs-valgrind \
	  VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect" \
	  tests/run.sh

FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) | deps
	@mkdir -p build-fuzz
	clang -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	  -Igenerator $(shell pkg-config --cflags $(PKGS)) -o $@ $< $(LIB_SRCS) $(MG_LDLIBS)

# Harnesses of the generated C (tests/fuzz/fuzz_c_*.c) link the committed out/c
# sources (not the generator library); this more specific rule wins for them.
C_OUT_SRCS = out/c/worker_backend_runtime.c out/c/worker_backend_validate.c out/c/worker_backend_json.c out/c/worker_backend_parse.c
build-fuzz/fuzz_c_%: tests/fuzz/fuzz_c_%.c $(C_OUT_SRCS) | deps
	@mkdir -p build-fuzz
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	  -Iout/c $(shell pkg-config --cflags libcjson libpcre2-8) -o $@ $< $(C_OUT_SRCS) \
	  $(shell pkg-config --libs libcjson libpcre2-8) -lpthread -lm

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
	  name=$$(basename $$f); mkdir -p build-fuzz/corpus-$$name; \
	  seeds=; [ -d tests/fuzz/seeds/$$name ] && seeds=tests/fuzz/seeds/$$name; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 build-fuzz/corpus-$$name $$seeds 2>build-fuzz/$$name.log \
	    || { tail -40 build-fuzz/$$name.log; exit 1; }; \
	done

# Benchmarks, not tests: generation vs peers, scaling, generated C vs ajv,
# instructions per stage; writes bench/results.md (bench/run.sh).
bench: msggen
	bench/run.sh $(BENCH_SECONDS)

install: msggen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/msggen/templates $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 msggen $(DESTDIR)$(PREFIX)/bin/msggen
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/msggen/templates/
	install -m 644 docs/msggen.1 $(DESTDIR)$(PREFIX)/share/man/man1/msggen.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 completion/msggen.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/msggen

# Removes what install installed (not the folders it may have created, which
# other packages may share), and share/msggen when nothing else is left in it.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/msggen $(DESTDIR)$(PREFIX)/share/man/man1/msggen.1
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/msggen
	rm -rf $(DESTDIR)$(PREFIX)/share/msggen/templates
	-rmdir $(DESTDIR)$(PREFIX)/share/msggen 2>/dev/null

clean:
	rm -rf $(O) build-asan build-fuzz msggen

-include $(SRCS:%.c=$(O)/%.d)

endif
