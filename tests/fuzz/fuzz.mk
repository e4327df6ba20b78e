# tests/fuzz/fuzz.mk: the libFuzzer targets and their replay drivers.
# Include it from the Makefile after LIB_OBJS is defined; it uses CC,
# CPPFLAGS, CFLAGS, LDFLAGS, LDLIBS, WARN, PKG_CFLAGS, LIB_SRCS, LIB_OBJS
# and BUILD from there.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="parse rules"] [FUZZ_ARGS=..]
#       build build-fuzz/fuzz_TARGET with clang (ASan, UBSan, libFuzzer)
#       and run each target for FUZZ_SECONDS on build-fuzz/corpus/TARGET,
#       a copy of tests/fuzz/corpus/TARGET (the repository's seeds are not
#       flooded).  Crashes land in build-fuzz/crash/TARGET/; minimise one
#       with "build-fuzz/fuzz_TARGET -minimize_crash=1 -runs=10000 FILE"
#       and keep it in tests/data/fuzz/TARGET/.
#   make fuzz-TARGET
#       the same for one target.
#   make $(BUILD)/fuzz-replay-TARGET
#       TARGET with tests/fuzz/replay.c instead of libFuzzer, built like
#       the program; tests/cli/fuzz_replay.sh runs it over the seeds and
#       tests/data/fuzz/TARGET during make check.

# Included before the Makefile's first target, this must not take over
# the default goal: it is put back at the end.
FUZZ_GOAL := $(.DEFAULT_GOAL)

FUZZ_TARGETS ?= parse rules input registry scrub
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_DIR ?= build-fuzz
FUZZ_ARGS ?=
# -DFUZZ_SKIP_KNOWN: skip the checks of bugs already reported (see the
# targets), to look for others
FUZZ_DEFS ?=
# the replay drivers, to add to "all" and to check's build-san list
FUZZ_REPLAY = $(FUZZ_TARGETS:%=fuzz-replay-%)

# Longest input each target is given: a log head and some, a rules file,
# a gzip file (its payload may be run-length coded to long lines), a
# registry.
FUZZ_MAXLEN_parse = 8192
FUZZ_MAXLEN_rules = 4096
FUZZ_MAXLEN_input = 65536
FUZZ_MAXLEN_registry = 8192
FUZZ_MAXLEN_scrub = 4096

FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -O1 -g $(WARN) $(PKG_CFLAGS) $(FUZZ_SAN) $(FUZZ_DEFS)
FUZZ_LIB_OBJS = $(LIB_SRCS:analyzer/%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_COMMON = tests/fuzz/fuzz_util.c tests/fuzz/fuzz.h $(wildcard analyzer/*.h)

.PHONY: fuzz $(FUZZ_TARGETS:%=fuzz-%)

$(FUZZ_DIR)/obj/%.o: analyzer/%.c analyzer/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

$(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%): $(FUZZ_DIR)/fuzz_%: \
		tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		-o $@ $< tests/fuzz/fuzz_util.c $(FUZZ_LIB_OBJS) $(LDLIBS)

# Run one target: refresh its corpus from the seeds, then fuzz.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/crash/$*
	cp -R tests/fuzz/corpus/$*/. $(FUZZ_DIR)/corpus/$*/
	$(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) \
		-max_len=$(FUZZ_MAXLEN_$*) -timeout=10 -rss_limit_mb=2048 \
		$(addprefix -dict=,$(wildcard tests/fuzz/$*.dict)) \
		-artifact_prefix=$(FUZZ_DIR)/crash/$*/ -print_final_stats=1 \
		$(FUZZ_ARGS) $(FUZZ_DIR)/corpus/$*

# One target after the other: each gets the machine to itself.  A target
# that finds something does not stop the others; make fails at the end.
fuzz:
	@rc=0; for t in $(FUZZ_TARGETS); do \
		$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory \
			fuzz-$$t || rc=1; \
	done; exit $$rc

$(FUZZ_REPLAY:%=$(BUILD)/%): $(BUILD)/fuzz-replay-%: tests/fuzz/replay.c \
		tests/fuzz/fuzz_%.c $(FUZZ_COMMON) $(LIB_OBJS) | $(BUILD)
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $(LDFLAGS) -o $@ \
		tests/fuzz/replay.c tests/fuzz/fuzz_util.c \
		tests/fuzz/fuzz_$*.c $(LIB_OBJS) $(LDLIBS)

.DEFAULT_GOAL := $(FUZZ_GOAL)
