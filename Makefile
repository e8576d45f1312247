# digest - plain GNU make. `make`, `make check`, `make demo`, `make bench`,
# `make install PREFIX=/usr/local DESTDIR=`, `make SANITIZE=1`, `make V=1`,
# `make fuzz FUZZ_SECONDS=30`.
VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
DATADIR   = $(PREFIX)/share/digest
CC       ?= cc
PYTHON   ?= python3

# Debian packages the build needs (a C compiler included); `make deps`
# installs what is missing. Every top-level target (`make`, `make demo`,
# `make bench`, `make install`, `make check`) runs it first.
DEB_PKGS = gcc libc6-dev make libcurl4-openssl-dev libjansson-dev libcmark-gfm-dev \
           libcmark-gfm-extensions-dev libxml2-dev libsqlite3-dev \
           pkg-config python3 tzdata ca-certificates \
           librsvg2-dev libpng-dev fonts-noto-cjk webp-pixbuf-loader libssl-dev
# What the tests use on top (`make test-deps`, run by `make check` before the
# suite): no test installs anything itself, and a test missing a tool fails
# naming `make test-deps`.
TEST_DEB_PKGS = libxml2-utils chromium chromium-driver librsvg2-bin python3-aiosmtpd python3-feedparser
PC_PKGS  = libcurl jansson libcmark-gfm libxml-2.0 sqlite3 librsvg-2.0 gdk-pixbuf-2.0 cairo libpng libcrypto
# What `make fuzz` needs on top: clang and its libFuzzer/sanitizer runtimes.
FUZZ_DEB_PKGS = clang libclang-rt-14-dev
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30

ifneq ($(FUZZ),)
# libFuzzer build (`make fuzz`): the library gets coverage instrumentation.
B        ?= build/fuzz
CC       := $(FUZZ_CC)
OPT      ?= -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),)
B        ?= build/release
OPT      ?= -O2 -g
else
B        ?= build/asan
OPT      ?= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
endif

ifeq ($(V),)
Q = @
else
Q =
endif

# Expanded at recipe time, after `deps` has run: pkg-config may not exist before.
PC_CFLAGS = $(shell pkg-config --cflags $(PC_PKGS))
PC_LIBS   = $(shell pkg-config --libs $(PC_PKGS)) -lcmark-gfm-extensions
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line are
# honoured (Debian's hardening flags: `dpkg-buildflags --export=make`).
CPPFLAGS ?=
CFLAGS   ?=
LDFLAGS  ?=
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wvla -Wundef
DG_CFLAGS = -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -DDG_VERSION='"$(VERSION)"' -DDG_DATADIR='"$(DATADIR)"' -Ilib \
            $(CPPFLAGS) $(OPT) $(CFLAGS) $(PC_CFLAGS) -MMD -MP
LDLIBS    = $(PC_LIBS) -lm

# lib/ holds one folder per stage (README: How it works).
LIB_SRC   = $(sort $(wildcard lib/*/*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(B)/%.o)
CMD_SRC   = $(sort $(wildcard cmd/*.c))
CMD_OBJ   = $(CMD_SRC:%.c=$(B)/%.o)
UNIT_SRC  = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Test tools that speak an external suite's interface (toml-test, feeds).
TOOL_SRC  = $(sort $(wildcard tests/tools/*.c))
TOOL_BIN  = $(TOOL_SRC:tests/tools/%.c=$(B)/tests/%)
# Fuzz targets: linked with tests/fuzz/replay.c for the tests (replaying the
# seed corpora, t-fuzz-replay.sh), with libFuzzer in build/fuzz (`make fuzz`).
FUZZ_SRC  = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/%)
FUZZ_NAME = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)

# `make deps` alone installs packages; the top-level targets run it first and
# then build, so no object rule ever calls apt-get. The stamps are defined
# before any rule names them (make expands a prerequisite when it reads it).
DEPS_STAMP      = build/.deps-ok
TEST_DEPS_STAMP = build/.test-deps-ok
FUZZ_DEPS_STAMP = build/.fuzz-deps-ok
.PHONY: all programs deps test-deps check demo bench install uninstall clean tools fuzz fuzz-deps
.DEFAULT_GOAL := all

all: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory programs

programs: digest tools

digest: $(B)/digest
	$(Q)cp $< $@

tools: $(TOOL_BIN)
	$(Q)for t in $(TOOL_BIN); do cp $$t tests/$$(basename $$t); done

# $(call apt_install,PACKAGES): install with apt-get those not installed yet.
define apt_install
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "installing:$$missing"; \
  { apt-get install -y -q $$missing || { apt-get update -q && apt-get install -y -q $$missing; }; } \
    >build-deps.log 2>&1 || { cat build-deps.log; exit 1; }; \
  rm -f build-deps.log; \
fi
endef

deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	$(Q)$(call apt_install,$(DEB_PKGS))
	$(Q)mkdir -p build && touch $@

test-deps: $(TEST_DEPS_STAMP)
$(TEST_DEPS_STAMP): $(DEPS_STAMP)
	$(Q)$(call apt_install,$(TEST_DEB_PKGS))
	$(Q)touch $@

fuzz-deps: $(FUZZ_DEPS_STAMP)
$(FUZZ_DEPS_STAMP): $(DEPS_STAMP)
	$(Q)$(call apt_install,$(FUZZ_DEB_PKGS))
	$(Q)touch $@

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) -c -o $@ $<

$(B)/libdigest.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/digest: $(CMD_OBJ) $(B)/libdigest.a
	@echo "  LD      $@"
	$(Q)$(CC) $(DG_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(B)/libdigest.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libdigest.a
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libdigest.a $(LDLIBS)

$(B)/tests/%: tests/tools/%.c $(B)/libdigest.a
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libdigest.a $(LDLIBS)

$(B)/tests/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(B)/libdigest.a
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libdigest.a $(LDLIBS)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libdigest.a
	@echo "  CC      $<"
	$(Q)$(CC) $(DG_CFLAGS) -fsanitize=fuzzer -Ilib $(LDFLAGS) -o $@ $< $(B)/libdigest.a $(LDLIBS)

# Everything the tests run, built with ASan+UBSan, on every core unless the
# user chose a -j (on the command line or in MAKEFLAGS).
CHECK_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
check: $(TEST_DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory $(CHECK_JOBS) SANITIZE=1 test-programs
	$(Q)tests/run-tests build/asan

.PHONY: test-programs
test-programs: $(B)/digest $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_BIN)

# libFuzzer on every fuzz target for FUZZ_SECONDS each, one after the other,
# from the seed corpora; new inputs stay in build/fuzz/corpus/, crashes in
# build/fuzz/crashes/ (see tests/fuzz/run.sh). Not part of `make check`.
fuzz: $(FUZZ_DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory FUZZ=1 fuzz-programs
	$(Q)tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAME)

.PHONY: fuzz-programs
fuzz-programs: $(FUZZ_NAME:%=$(B)/fuzz_%)

demo: all
	$(Q)tests/demo.sh

bench: all
	$(Q)$(PYTHON) tests/bench.py

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 digest $(DESTDIR)$(PREFIX)/bin/digest
	cp -R templates $(DESTDIR)$(DATADIR)/
	cp -R feeds $(DESTDIR)$(DATADIR)/
	sed 's|/usr/local/share/digest|$(DATADIR)|g' digest.1 > $(DESTDIR)$(PREFIX)/share/man/man1/digest.1
	chmod 644 $(DESTDIR)$(PREFIX)/share/man/man1/digest.1
	install -m 644 config.example.toml $(DESTDIR)$(DATADIR)/config.example.toml

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/digest $(DESTDIR)$(PREFIX)/share/man/man1/digest.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build digest out $(TOOL_SRC:tests/tools/%.c=tests/%)

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_BIN:=.d) $(TOOL_BIN:=.d) $(FUZZ_BIN:=.d)
