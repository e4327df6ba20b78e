# keyaudit: find the clients that still use legacy API credentials.
#
#   make demo    install what is missing, build, run on sample-logs/
#   make check   install what is missing, build, run every test (also
#                under AddressSanitizer and UndefinedBehaviorSanitizer)
#   make bench   throughput and memory against the zlib floor
#   make fuzz    run the libFuzzer targets for FUZZ_SECONDS each

CC ?= cc
PKGS = zlib libpcre2-8 sqlite3 libsodium jansson
WARN = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wcast-qual -Wvla \
       -Wpointer-arith -Wno-unused-parameter
OPT ?= -O2 -g
PREFIX ?= /usr/local
DATADIR = $(PREFIX)/share/keyaudit
BUILD ?= build
SANITIZE ?=
# ISA-L's inflate where its headers are installed (Debian's libisal-dev);
# ISAL=0 builds the portable zlib path.  make check tests both.
ISAL ?= $(if $(wildcard /usr/include/isa-l/igzip_lib.h),1,0)

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	   echo -lz -lpcre2-8 -lsqlite3 -lsodium -ljansson)
ifneq ($(SANITIZE),)
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
endif
CPPFLAGS += -D_GNU_SOURCE -DKEYAUDIT_DATADIR='"$(DATADIR)"' -Ianalyzer \
	    -I$(BUILD)
ifeq ($(ISAL),1)
CPPFLAGS += -DKEYAUDIT_ISAL
LDLIBS += -lisal
endif
CFLAGS += -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS) $(SANFLAGS)
LDLIBS += $(PKG_LIBS) -lcsv -lpthread -lm
LDFLAGS += $(SANFLAGS)

SRCS = $(wildcard analyzer/*.c)
LIB_SRCS = $(filter-out analyzer/main.c,$(SRCS))
LIB_OBJS = $(LIB_SRCS:analyzer/%.c=$(BUILD)/%.o)
UNIT_SRCS = $(wildcard tests/unit/*.c)
include tests/fuzz/fuzz.mk

# Debian packages: build and test dependencies.
DEB_PKGS = build-essential pkg-config zlib1g-dev libpcre2-dev \
	   libsqlite3-dev libcsv-dev libsodium-dev libjansson-dev libisal-dev sqlite3 python3 gzip chromium \
	   parallel time

.PHONY: all deps demo check test asan bench fuzz format clean install

all: keyaudit $(BUILD)/loggen $(BUILD)/unit $(BUILD)/floor \
	$(BUILD)/failmalloc.so $(addprefix $(BUILD)/,$(FUZZ_REPLAY))

keyaudit: $(BUILD)/keyaudit
	cp $< $@

$(BUILD)/keyaudit: $(BUILD)/main.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: analyzer/%.c analyzer/*.h | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The schema (analyzer/schema.sql) as a C string, for store_schema.c.
$(BUILD)/schema.inc: analyzer/schema.sql | $(BUILD)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
		$< > $@
$(BUILD)/store_schema.o: $(BUILD)/schema.inc

$(BUILD)/loggen: tests/gen/loggen.c $(BUILD)/fp.o $(BUILD)/buf.o
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fleetgen: tests/gen/fleetgen.c $(BUILD)/fp.o $(BUILD)/buf.o
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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
	rm -f keyaudit.db keyaudit.db-wal keyaudit.db-shm keyaudit.db.lock
	mkdir -p reports
	./keyaudit ingest sample-logs/combined
	./keyaudit ingest --format "$$(cat sample-logs/nginx.format)" \
		sample-logs/nginx
	./keyaudit report migration -o reports/migration.csv
	./keyaudit report amnesty -o reports/amnesty.csv
	./keyaudit report daily -o reports/daily.csv
	./keyaudit report summary -o reports/summary.csv
	@echo
	@echo "What the sample logs say (reports/*.csv):"
	@echo "  $$(($$(wc -l < reports/migration.csv) - 1)) clients still use an API key; the five busiest:"
	@tail -n +2 reports/migration.csv | head -5 | cut -d, -f1,2,5,9 | \
		tr -d '"' | sed 's/^/    /; s/,/  legacy /; s/,/  of all /; s/,/  last /'
	@echo "  $$(($$(wc -l < reports/amnesty.csv) - 1)) of them send the amnesty header"
	@./keyaudit gonogo --phase reject-without-amnesty \
		-o reports/gonogo-clients.csv --html reports/gonogo.html | \
		head -1 | sed 's/^/  /'; true
	@echo "  review page: reports/gonogo.html"

check: deps
	$(MAKE) all
	$(MAKE) BUILD=build-san SANITIZE=address,undefined OPT="-O1 -g" ISAL=0 \
		$(addprefix build-san/,keyaudit loggen unit $(FUZZ_REPLAY))
	tests/run.sh build build-san

test: all
	tests/run.sh build

bench: deps
	$(MAKE) all
	MAKE="$(MAKE)" tests/bench.sh

# A fleet's year of nights: see docs/performance-history.md.
.PHONY: bench-history
bench-history: deps
	$(MAKE) keyaudit $(BUILD)/fleetgen
	tests/bench_history.sh

format:
	clang-format -i analyzer/*.c analyzer/*.h tests/unit/*.c \
		tests/gen/*.c

install: keyaudit
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/rules
	install -m 755 keyaudit $(DESTDIR)$(PREFIX)/bin/keyaudit
	install -m 644 rules/*.rules $(DESTDIR)$(DATADIR)/rules/

clean:
	rm -rf build build-san build-fuzz build-zlib keyaudit
