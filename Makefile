# planner - keep rented GPUs and their GCP CPU VMs in the same region.
#
#   make            build bin/planner
#   make demo       run the nightly job on the demo inputs in data/demo
#   make test       build and run every test (alias: make check)
#   make check-asan the whole suite under AddressSanitizer and UBSan
#   make bench      planner against DuckDB and sqlite3 on large inputs
#                   (bench/run.sh; 100 MB, 500 MB and 2 GB by default)
#   make deps       install the Debian packages that are missing
#   make install    PREFIX=/usr/local DESTDIR= ; make uninstall

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/planner
CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = sqlite3 libcurl libcjson libcrypto cairo pangocairo \
           libmaxminddb
WARN     = -std=c17 -Wall -Wextra -Werror -Wstrict-prototypes \
           -Wformat-security -Wvla -Wwrite-strings -Wshadow
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lm

# BUILD holds objects; OUT the binary.  check-asan reuses the rules with
# other values and sanitizer flags.
BUILD   ?= build
OUT     ?= bin
SANFLAGS ?=

ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) $(SANFLAGS) -pthread -Iplanner \
             -Ireports $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread

LIB_SRC  = $(filter-out planner/main.c, $(wildcard planner/*.c)) \
           $(wildcard reports/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/embed.o
MAIN_OBJ = $(BUILD)/planner/main.o
HDRS     = $(wildcard planner/*.h reports/*.h)
EMBED    = $(sort $(wildcard sql/*.sql) $(wildcard data/*.csv) \
           $(wildcard data/*.tsv))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/replay_%)
FUZZ_SECONDS ?= 60
FUZZ_HDR = tests/fuzz/fuzz_import.h

.PHONY: all demo test check check-asan test-run deps install uninstall \
        clean fuzz fuzz-run bench
.DELETE_ON_ERROR:

all: $(OUT)/planner

$(OUT)/planner: $(MAIN_OBJ) $(BUILD)/libplanner.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# An archive, so a unit test links only the modules it uses.
$(BUILD)/libplanner.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/embed.S: tools/embed.sh $(EMBED)
	@mkdir -p $(@D)
	sh tools/embed.sh $(EMBED) > $@

$(BUILD)/embed.o: $(BUILD)/embed.S
	$(CC) $(SANFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libplanner.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libplanner.a \
		$(ALL_LDFLAGS) $(PKG_LIBS)

# The fuzz targets, replayed over their seeds and every past crash by the
# ordinary suite; `make fuzz` runs them under libFuzzer (clang).
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_HDR) \
		$(BUILD)/libplanner.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c \
		$(BUILD)/libplanner.a $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_HDR) $(BUILD)/libplanner.a
	@mkdir -p $(@D)
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< \
		$(BUILD)/libplanner.a $(ALL_LDFLAGS) $(PKG_LIBS)

# The user-facing targets first make sure the Debian packages are there,
# then run the real work in a sub-make so pkg-config sees them.
deps:
	@sh tools/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh $(OUT)/planner

test check: deps
	@$(MAKE) --no-print-directory test-run

test-run: $(OUT)/planner $(UNIT_BIN) $(REPLAY_BIN)
	@sh tests/run.sh $(OUT)/planner $(BUILD)/tests

# Leaks inside fontconfig that are not planner's: see tests/lsan.supp.
LSAN_SUPP = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

check-asan: deps
	@LSAN_OPTIONS="$(LSAN_SUPP)" \
	$(MAKE) --no-print-directory BUILD=build/asan OUT=build/asan/bin \
		CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		test-run

# The benchmark (issue #8): generated inputs go to build/bench.  Not part
# of the tests: it takes minutes and several GB of disk.
BENCH_BIN = $(BUILD)/bench/genbill $(BUILD)/bench/runstat \
            $(BUILD)/bench/csvpass

bench: all $(BENCH_BIN)
	@sh bench/run.sh $(OUT)/planner $(BUILD)/bench

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(WARN) $(DEFS) $(CFLAGS) -o $@ $< -lcsv

# The data tables and schema are compiled into the binary, so the binary,
# its man page and the examples are all there is to install.
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz OUT=build/fuzz/bin \
		CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" fuzz-run

fuzz-run: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DOCDIR)
	install -m 755 $(OUT)/planner $(DESTDIR)$(BINDIR)/planner
	install -m 644 doc/planner.1 $(DESTDIR)$(MANDIR)/man1/planner.1
	install -m 644 planner.conf.example examples/planner.cron \
		examples/planner.service examples/planner.timer README.md \
		$(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/planner $(DESTDIR)$(MANDIR)/man1/planner.1
	rm -f $(DESTDIR)$(DOCDIR)/planner.conf.example \
		$(DESTDIR)$(DOCDIR)/planner.cron \
		$(DESTDIR)$(DOCDIR)/planner.service \
		$(DESTDIR)$(DOCDIR)/planner.timer $(DESTDIR)$(DOCDIR)/README.md
	-rmdir $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build bin
