# keyaudit: find the clients that still use legacy API credentials.
#
#   make demo    install what is missing, build, run on sample-logs/
#   make check   install what is missing, build, run every test (also
#                under AddressSanitizer and UndefinedBehaviorSanitizer)
#   make bench   throughput, CPU and memory against the inflate floors,
#                the previous version, zcat | gawk and DuckDB
#   make fuzz    run the libFuzzer targets for FUZZ_SECONDS each

VERSION = 0.1.0
PKGS = zlib libpcre2-8 sqlite3 libsodium jansson libzstd liblzma
WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wcast-qual -Wvla \
       -Wpointer-arith -Wno-unused-parameter
# Where make install puts things (with DESTDIR before each for staging).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/keyaudit
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
# /etc for the system's prefixes, as logrotate and systemd read it
SYSCONFDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc)
BUILD ?= build
SANITIZE ?=
# ISA-L's inflate where its headers are installed (Debian's libisal-dev);
# ISAL=0 builds the portable zlib path.  make check tests both.
ISAL ?= $(if $(wildcard /usr/include/isa-l/igzip_lib.h),1,0)

# The user's CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS (make CFLAGS=-O0, or
# dpkg-buildflags') come after the project's, which they never replace.
OPT ?= -O2 -g
CFLAGS ?= $(OPT)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	   echo -lz -lpcre2-8 -lsqlite3 -lsodium -ljansson -lzstd -llzma)
ifneq ($(SANITIZE),)
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
endif
ISAL_CPPFLAGS = $(if $(filter 1,$(ISAL)),-DKEYAUDIT_ISAL)
ISAL_LIBS = $(if $(filter 1,$(ISAL)),-lisal)
override CPPFLAGS := -D_GNU_SOURCE -Ianalyzer -I$(BUILD) $(ISAL_CPPFLAGS) \
	$(CPPFLAGS)
override CFLAGS := -std=c11 $(WARN) $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
override LDLIBS := $(ISAL_LIBS) $(PKG_LIBS) -lcsv -lbz2 -lpthread -lm \
	$(LDLIBS)
override LDFLAGS := $(SANFLAGS) $(LDFLAGS)
# what the program is told of where it is installed, and its version:
# only the files that use them are rebuilt when they change
PATH_DEFS = -DKEYAUDIT_DATADIR='"$(DATADIR)"' \
	    -DKEYAUDIT_SYSCONFDIR='"$(SYSCONFDIR)"' \
	    -DKEYAUDIT_VERSION='"$(VERSION)"'
PATH_OBJS = $(BUILD)/options.o $(BUILD)/options_usage.o $(BUILD)/config.o

SRCS = $(wildcard analyzer/*.c)
LIB_SRCS = $(filter-out analyzer/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:analyzer/%.c=$(BUILD)/%.o)
UNIT_SRCS = $(wildcard tests/unit/*.c)
include tests/fuzz/fuzz.mk

# Debian packages: build and test dependencies.
DEB_PKGS = build-essential pkg-config zlib1g-dev libpcre2-dev \
	   libsqlite3-dev libcsv-dev libsodium-dev libjansson-dev libisal-dev \
	   libzstd-dev liblzma-dev libbz2-dev zstd xz-utils bzip2 \
	   nginx-light curl \
	   sqlite3 python3 gzip chromium parallel time valgrind \
	   clang-format-14 mandoc logrotate prometheus slurm-wlm munge \
	   debhelper lintian dpkg-dev fakeroot python3-yaml gawk isal

.PHONY: all deps demo check test asan bench fuzz format format-check \
	clean install install-program install-config install-units \
	install-hook \
	install-logrotate uninstall deb FORCE

all: keyaudit $(BUILD)/loggen $(BUILD)/unit $(BUILD)/floor \
	$(BUILD)/failmalloc.so $(addprefix $(BUILD)/,$(FUZZ_REPLAY))

keyaudit: $(BUILD)/keyaudit
	cp $< $@

$(BUILD)/keyaudit: $(BUILD)/main.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Objects depend on the headers they include (-MMD -MP writes
# $(BUILD)/*.d), on the flags they were compiled with, and the two that
# know the install paths on those ($(BUILD)/flags, $(BUILD)/paths).
$(BUILD)/%.o: analyzer/%.c $(BUILD)/flags | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(PATH_OBJS): $(BUILD)/paths
$(PATH_OBJS): override CPPFLAGS += $(PATH_DEFS)

-include $(wildcard $(BUILD)/*.d)

# rewritten only when what they record changes
$(BUILD)/flags: FORCE | $(BUILD)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LDLIBS)' | \
		cmp -s - $@ || \
		echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LDLIBS)' > $@
$(BUILD)/paths: FORCE | $(BUILD)
	@echo '$(DATADIR) $(SYSCONFDIR) $(VERSION)' | cmp -s - $@ || \
		echo '$(DATADIR) $(SYSCONFDIR) $(VERSION)' > $@

FORCE:

# The schema (analyzer/schema.sql) as a C string, for store_schema.c.
$(BUILD)/schema.inc: analyzer/schema.sql | $(BUILD)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
		$< > $@
$(BUILD)/store_schema.o: $(BUILD)/schema.inc

$(BUILD)/loggen: tests/gen/loggen.c tests/gen/gen_rng.h $(BUILD)/fp.o \
		$(BUILD)/buf.o
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) \
		$(LDLIBS)

$(BUILD)/fleetgen: tests/gen/fleetgen.c tests/gen/gen_rng.h $(BUILD)/fp.o \
		$(BUILD)/buf.o $(BUILD)/day.o
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.h,$^) \
		$(LDLIBS)

$(BUILD)/failmalloc.so: tests/faults/failmalloc.c | $(BUILD)
	$(CC) -O2 -shared -fPIC -o $@ $<

$(BUILD)/floor: tests/bench/floor.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< -lz

$(BUILD)/unit: $(UNIT_SRCS) $(LIB_OBJS) tests/unit/harness.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ \
		$(UNIT_SRCS) $(LIB_OBJS) $(LDLIBS)

$(BUILD):
	mkdir -p $(BUILD)

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$$missing >/dev/null; \
	else \
		echo "missing packages; run:"; \
		echo "  sudo apt-get install -y" $$missing; exit 1; \
	fi

demo: deps
	$(MAKE) all
	sh tests/scripts/demo.sh ./keyaudit .

# The builds with a job per core unless make was given -j; the tests run
# the plain build's generator with both builds.
CHECK_J = $(if $(findstring j,$(filter-out --%,$(MAKEFLAGS))),,-j$(shell \
	nproc 2>/dev/null || echo 2))
check: deps
	$(MAKE) format-check
	$(MAKE) $(CHECK_J) all
	$(MAKE) $(CHECK_J) BUILD=build-san SANITIZE=address,undefined \
		OPT="-O1 -g" ISAL=0 \
		$(addprefix build-san/,keyaudit unit $(FUZZ_REPLAY))
	tests/run.sh build build-san

test: all
	tests/run.sh build

# the program and the unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, in $(ASAN_BUILD) (as make check builds them)
ASAN_BUILD ?= build-san
asan:
	$(MAKE) BUILD=$(ASAN_BUILD) SANITIZE=address,undefined OPT="-O1 -g" \
		ISAL=0 $(ASAN_BUILD)/keyaudit $(ASAN_BUILD)/unit

bench: deps
	$(MAKE) all
	MAKE="$(MAKE)" tests/bench.sh

# A fleet's year of nights: see docs/performance-history.md.
.PHONY: bench-history
bench-history: deps
	$(MAKE) keyaudit $(BUILD)/fleetgen
	tests/bench_history.sh

# clang-format 14 (Debian 12's clang-format-14): other versions break
# lines differently, so format-check insists on it.
CLANG_FORMAT ?= clang-format-14
FORMAT_SRCS = $(wildcard analyzer/*.[ch] tests/unit/*.[ch] tests/gen/*.c \
	tests/faults/*.c tests/bench/*.c tests/fuzz/*.[ch])

format:
	$(CLANG_FORMAT) -i $(FORMAT_SRCS)

format-check:
	@$(CLANG_FORMAT) --version | grep -q 'version 14\.' || { \
		echo "format-check: $(CLANG_FORMAT) is not clang-format 14"; \
		exit 1; }
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRCS) || { \
		echo "format-check: run 'make format'"; exit 1; }

# make install [PREFIX=/usr/local] [DESTDIR=staging]; make uninstall with
# the same variables removes exactly what it installed.
INSTALLED = $(BINDIR)/keyaudit $(BINDIR)/keyaudit-parallel \
	$(patsubst rules/%,$(DATADIR)/rules/%,$(wildcard rules/*.rules)) \
	$(MANDIR)/man1/keyaudit.1 $(MANDIR)/man1/keyaudit-parallel.1 \
	$(MANDIR)/man5/keyaudit-rules.5 $(MANDIR)/man5/keyaudit.conf.5 \
	$(DATADIR)/examples/keyaudit.conf $(DATADIR)/examples/keyaudit.cron \
	$(UNITDIR)/keyaudit.service $(UNITDIR)/keyaudit.timer \
	$(SYSCONFDIR)/logrotate.d/httpd-prerotate/keyaudit \
	$(SYSCONFDIR)/logrotate.d/keyaudit
# the installed program's path in the units and the hook
BIN_SED = sed 's|/usr/local/bin/keyaudit|$(BINDIR)/keyaudit|g'

install: install-program install-config install-units install-hook \
	install-logrotate

# the program, keyaudit-parallel, the rulesets and the manuals
install-program: $(BUILD)/keyaudit
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BUILD)/keyaudit $(DESTDIR)$(BINDIR)/keyaudit
	install -m 755 scripts/keyaudit-parallel $(DESTDIR)$(BINDIR)/
	install -m 644 rules/*.rules $(DESTDIR)$(DATADIR)/rules/
	install -m 644 doc/keyaudit.1 doc/keyaudit-parallel.1 \
		$(DESTDIR)$(MANDIR)/man1/
	install -m 644 doc/keyaudit-rules.5 doc/keyaudit.conf.5 \
		$(DESTDIR)$(MANDIR)/man5/

# the settings file every way of running keyaudit reads: the example,
# and as SYSCONFDIR/keyaudit/keyaudit.conf unless there is one (never
# replaced; uninstall removes it only as installed); the cron example
CONF = $(SYSCONFDIR)/keyaudit/keyaudit.conf
install-config:
	install -d $(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(SYSCONFDIR)/keyaudit
	install -m 644 deploy/config/keyaudit.conf \
		$(DESTDIR)$(DATADIR)/examples/keyaudit.conf
	$(BIN_SED) deploy/cron/keyaudit > \
		$(DESTDIR)$(DATADIR)/examples/keyaudit.cron
	chmod 644 $(DESTDIR)$(DATADIR)/examples/keyaudit.cron
	[ -e $(DESTDIR)$(CONF) ] || install -m 644 \
		deploy/config/keyaudit.conf $(DESTDIR)$(CONF)

install-units:
	install -d $(DESTDIR)$(UNITDIR)
	$(BIN_SED) deploy/systemd/keyaudit.service > \
		$(DESTDIR)$(UNITDIR)/keyaudit.service
	chmod 644 $(DESTDIR)$(UNITDIR)/keyaudit.service
	install -m 644 deploy/systemd/keyaudit.timer $(DESTDIR)$(UNITDIR)/

# the prerotate hook Debian's nginx and apache2 logrotate files run
install-hook:
	install -d $(DESTDIR)$(SYSCONFDIR)/logrotate.d/httpd-prerotate
	$(BIN_SED) deploy/logrotate/keyaudit > \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/httpd-prerotate/keyaudit
	chmod 755 $(DESTDIR)$(SYSCONFDIR)/logrotate.d/httpd-prerotate/keyaudit

# the rotation of the hook's own log
install-logrotate:
	install -d $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 644 deploy/logrotate/keyaudit.logrotate \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/keyaudit

# the files, then the directories they leave empty that are keyaudit's
uninstall:
	! cmp -s deploy/config/keyaudit.conf $(DESTDIR)$(CONF) || \
		rm -f $(DESTDIR)$(CONF)
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(DATADIR)/examples \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(SYSCONFDIR)/keyaudit \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/httpd-prerotate 2>/dev/null

# make deb: keyaudit_$(VERSION)_$(DEB_ARCH).deb here, built by
# dpkg-buildpackage and debhelper (debian/) in a copy of the source under
# $(BUILD)/deb, then checked by lintian (no error allowed).
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC = $(BUILD)/deb/keyaudit-$(VERSION)
deb: deps
	rm -rf $(BUILD)/deb
	mkdir -p $(DEB_SRC)
	git ls-files -co --exclude-standard | grep -v '^debian/keyaudit' | \
		tar -cf - -T - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	mv $(BUILD)/deb/keyaudit_$(VERSION)_$(DEB_ARCH).deb .
	lintian --fail-on error keyaudit_$(VERSION)_$(DEB_ARCH).deb

# every build folder (build, build-san, build-dev, build-deb, ...)
clean:
	rm -rf build build-*/ keyaudit keyaudit_*.deb
