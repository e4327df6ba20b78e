#!/bin/sh
# make bench: keyaudit against the inflate floors, the previous version,
# and what a user would pick instead (zcat | gawk, DuckDB), in one run,
# side by side.  The corpus is made once (deterministically) in bench/
# and reused.  BENCH_LINES (default 5000000) sets the corpus's size and
# BENCH_ROUNDS (3) the rounds; a smoke run: BENCH_LINES=20000
# BENCH_ROUNDS=1.  The targets are ratios of runs made side by side, so
# that a loaded machine moves both sides (see docs/performance.md).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=bench
LINES=${BENCH_LINES:-5000000}
SMALL=$((LINES / 5))
mkdir -p $B
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > $B/bench.key
chmod 600 $B/bench.key
FMT=$(cat sample-logs/nginx.format)
gen() { # SEED LINES FILE
	[ -s "$3" ] && return
	echo "generating $3 ($2 lines)..." >&2
	build/loggen --layout nginx --lines "$2" --clients 5000 --days 7 \
		--seed "$1" --offsets 56 --gzip --key-file $B/bench.key -o "$3"
	rm -f "${3%.gz}".counts.csv "${3%.gz}".migration.csv \
		"${3%.gz}".secrets "${3%.gz}".summary
}
# named by their size, so that a smoke run does not reuse a full corpus
gen 1 "$LINES" $B/a-$LINES.log.gz
gen 2 "$LINES" $B/b-$LINES.log.gz
gen 3 $SMALL $B/small-$SMALL.log.gz
A=$B/a-$LINES.log.gz
BB=$B/b-$LINES.log.gz
S=$B/small-$SMALL.log.gz
# the zlib build beside the ISA-L one
${MAKE:-make} -s BUILD=build-zlib ISAL=0 build-zlib/keyaudit >/dev/null

# The previous version: the last commit before the per-client detail
# (hours, credentials keyed with amnesty and status, credential agents,
# routes, rollups) was added on 2026-12-01, the version issue 32 measures
# ingest against.  Built once from git, with its own rules beside it.
PREV=48b3242
prev=$B/prev-$PREV
if [ ! -x $prev/keyaudit ]; then
	echo "building the previous version ($PREV) in $prev..." >&2
	rm -rf $prev
	mkdir -p $prev
	git archive $PREV | tar -x -C $prev
	${MAKE:-make} -s -C $prev keyaudit >/dev/null
fi

# igzip -dc (Debian's isal): ISA-L inflate alone, one stream on one core
have_igzip=0
command -v igzip >/dev/null 2>&1 && have_igzip=1
# DuckDB through @duckdb/node-api, where node is: installed from npm
# into bench/node (never committed), once
have_duckdb=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	if [ ! -d $B/node/node_modules/@duckdb/node-api ]; then
		echo "installing @duckdb/node-api into $B/node..." >&2
		mkdir -p $B/node
		npm install --prefix $B/node --no-audit --no-fund --silent \
			@duckdb/node-api >$B/node/npm.log 2>&1 || true
	fi
	cp tests/bench/duckdb_classify.mjs $B/node/
	[ -d $B/node/node_modules/@duckdb/node-api ] && have_duckdb=1
fi

bytes=$(build/floor $A | sed 's/.* \([0-9]*\) bytes/\1/')
small_bytes=$(build/floor $S | sed 's/.* \([0-9]*\) bytes/\1/')
gz=$(stat -c %s $A)
echo "corpus: $LINES lines, $((bytes / 1000000)) MB decompressed ($((bytes / LINES)) bytes a line), $((gz / 1000000)) MB gzip -6, ratio $(awk "BEGIN {printf \"%.1f\", $bytes / $gz}")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "previous version: $PREV ($(git log -1 --format=%cd --date=short $PREV)); today's: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- analyzer || echo ' with changes')"
echo

# The machine may be shared and noisy: every run is repeated ROUNDS
# times, the runs of one round side by side; times are medians, peak
# memory the largest of the rounds.
ROUNDS=${BENCH_ROUNDS:-3}
rm -f $B/runs
# run NAME CMD...: append "NAME wall KB cpu" to $B/runs
run() {
	name=$1
	shift
	rm -f $B/x.db $B/x.db-wal $B/x.db-shm $B/x.db.lock
	/usr/bin/time -f '%e %M %U %S' -o $B/time "$@" >/dev/null
	read -r wall kb user sys < $B/time
	echo "$name $wall $kb $(awk "BEGIN { print $user + $sys }")" >> $B/runs
}
K="-q --db $B/x.db --key-file $B/bench.key --format"
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "round $r of $ROUNDS..." >&2
	run floor build/floor $A
	[ $have_igzip = 0 ] || run igzip sh -c "igzip -dc $A >/dev/null"
	run gzip sh -c "gzip -dc $A >/dev/null"
	run keyaudit_isal ./keyaudit ingest $K "$FMT" $A
	run previous $prev/keyaudit ingest $K "$FMT" $A
	run keyaudit_zlib build-zlib/keyaudit ingest $K "$FMT" $A
	run keyaudit_small ./keyaudit ingest $K "$FMT" $S
	run previous_small $prev/keyaudit ingest $K "$FMT" $S
	run keyaudit_isal_b ./keyaudit ingest $K "$FMT" $BB
	run jobs2_two_files ./keyaudit ingest -j 2 $K "$FMT" $A $BB
	run zcat_gawk sh -c "zcat $A | LC_ALL=C gawk -f tests/bench/classify.awk"
	[ $have_duckdb = 0 ] ||
		run duckdb node $B/node/duckdb_classify.mjs "$top/$A" 2
	r=$((r + 1))
done
# median NAME COLUMN: the median of one column of NAME's runs
median() {
	awk -v n="$1" -v c="$2" '$1 == n { print $c }' $B/runs | sort -n |
		awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# largest NAME COLUMN
largest() {
	awk -v n="$1" -v c="$2" '$1 == n && $c > m { m = $c } END { print m }' $B/runs
}
echo
printf '%-18s %9s %9s %12s %11s %17s %10s\n' "$ROUNDS rounds" wall cpu "cpu/1M lines" throughput lines "peak RSS"
# show NAME LINES BYTES: print NAME's medians and set t_, m_ and c_NAME
show() {
	w=$(median "$1" 2) kb=$(largest "$1" 3) c=$(median "$1" 4)
	eval "t_$1=$w m_$1=$kb c_$1=$c"
	awk -v n="$1" -v w="$w" -v kb="$kb" -v l="$2" -v b="$3" -v c="$c" \
		'BEGIN { printf "%-18s %7.2f s %7.2f s %10.3f s %6.0f MB/s %9.0f lines/s %6.1f MiB\n",
			n, w, c, c / l * 1e6, b / w / 1e6, l / w, kb / 1024 }'
}
show floor $LINES $bytes
t_igzip=0 c_igzip=0
[ $have_igzip = 0 ] || show igzip $LINES $bytes
show gzip $LINES $bytes
show keyaudit_isal $LINES $bytes
show previous $LINES $bytes
show keyaudit_zlib $LINES $bytes
show keyaudit_small $SMALL $small_bytes
show previous_small $SMALL $small_bytes
show keyaudit_isal_b $LINES $bytes
show jobs2_two_files $((2 * LINES)) $((2 * bytes))
show zcat_gawk $LINES $bytes
t_duckdb=0 m_duckdb=0
[ $have_duckdb = 0 ] || show duckdb $LINES $bytes
echo
[ $have_igzip = 1 ] || echo "igzip not found (Debian's isal): its target is not measured"
[ $have_duckdb = 1 ] || echo "node or npm not found, or @duckdb/node-api not installed: DuckDB is not measured"
awk -v f="$t_floor" -v g="$t_igzip" -v i="$t_keyaudit_isal" -v z="$t_keyaudit_zlib" \
	-v b="$t_keyaudit_isal_b" -v j="$t_jobs2_two_files" \
	-v ci="$c_keyaudit_isal" -v cb="$c_keyaudit_isal_b" -v n="$(nproc)" \
	-v cp="$c_previous" -v cs="$c_keyaudit_small" -v cps="$c_previous_small" \
	-v tp="$t_previous" -v prev="$PREV" -v lines="$LINES" -v small="$SMALL" \
	-v ms="$m_keyaudit_small" -v ml="$m_keyaudit_isal" \
	-v mp="$m_previous" -v mps="$m_previous_small" \
	-v ta="$t_zcat_gawk" -v td="$t_duckdb" -v md="$m_duckdb" \
	-v ma="$m_zcat_gawk" '
function verdict(ok) { met += ok; all++; return ok ? "PASS" : "FAIL" }
BEGIN {
	print "targets, as ratios of runs side by side (medians):"
	if (g > 0)
		printf "  ISA-L ingest wall / igzip -dc wall:   %.2f  (target <= 1.15, aim 1.05)  %s\n", i / g, verdict(i / g <= 1.15)
	printf "  zlib ingest wall / zlib floor wall:   %.2f  (target <= 1.15)  %s\n", z / f, verdict(z / f <= 1.15)
	printf "  CPU per line / %s'"'"'s, %d lines:  %.2f  (%.3f s against %.3f s per 1 M lines; target <= 1.00)  %s\n", prev, lines, ci / cp, ci / lines * 1e6, cp / lines * 1e6, verdict(ci <= cp)
	printf "  CPU per line / %s'"'"'s, %d lines:  %.2f  (%.3f s against %.3f s per 1 M lines; target <= 1.00)  %s\n", prev, small, cs / cps, cs / small * 1e6, cps / small * 1e6, verdict(cs <= cps)
	printf "  peak memory at %d lines:   %5.1f MiB  (%s: %.1f MiB; target <= 28 MiB)  %s\n", small, ms / 1024, prev, mps / 1024, verdict(ms <= 28 * 1024)
	printf "  peak memory at %d lines:   %5.1f MiB  (%s: %.1f MiB; target <= 28 MiB)  %s\n", lines, ml / 1024, prev, mp / 1024, verdict(ml <= 28 * 1024)
	printf "  %d of %d targets met\n", met, all
	print ""
	print "for reference:"
	printf "  keyaudit (ISA-L) / %s, wall:  %.2f\n", prev, i / tp
	printf "  keyaudit (ISA-L) / zlib floor:  %.2f\n", i / f
	printf "  zcat | gawk (counts, no fingerprints) / keyaudit (ISA-L), wall:  %.2f  (%.1f MiB)\n", ta / i, ma / 1024
	if (td > 0)
		printf "  DuckDB, 2 threads (counts, no fingerprints) / keyaudit (ISA-L), wall:  %.2f  (%.1f MiB)\n", td / i, md / 1024
	printf "  --jobs 2, two files / sum of single runs: %.2f\n", j / (i + b)
	# Both files together need the CPU time of the two single runs; on
	# n cores no schedule takes less wall time than that over n.
	printf "    its floor on %d cores, CPU time of the single runs / %d / their wall time: %.2f\n", n, n, (ci + cb) / n / (i + b)
}'
# the ratios of each round, side by side in time, to show the spread
awk '$1 == "floor" { f[++nf] = $2 }
	$1 == "igzip" { g[++ng] = $2 }
	$1 == "keyaudit_zlib" { z[++nz] = $2 }
	$1 == "keyaudit_isal" { s[++ns] = $2 }
	END {
		printf "by round, zlib / floor:"
		for (r = 1; r <= nf; r++) printf " %.3f", z[r] / f[r]
		if (ng) {
			printf "; ISA-L / igzip:"
			for (r = 1; r <= ng; r++) printf " %.3f", s[r] / g[r]
		}
		printf "\n"
	}' $B/runs
