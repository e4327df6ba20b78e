#!/bin/sh
# make bench: keyaudit against the zlib floor, in one run, side by side.
# The corpus is made once (deterministically) in bench/ and reused.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=bench
LINES=${BENCH_LINES:-5000000}
mkdir -p $B
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > $B/bench.key
FMT=$(cat sample-logs/nginx.format)
gen() { # SEED LINES FILE
	[ -s "$3" ] && return
	echo "generating $3 ($2 lines)..." >&2
	build/loggen --layout nginx --lines "$2" --clients 5000 --days 7 \
		--seed "$1" --offsets 56 --gzip --key-file $B/bench.key -o "$3"
	rm -f "${3%.gz}".counts.csv "${3%.gz}".migration.csv \
		"${3%.gz}".secrets "${3%.gz}".summary
}
gen 1 "$LINES" $B/a.log.gz
gen 2 "$LINES" $B/b.log.gz
gen 3 $((LINES / 5)) $B/small.log.gz
# the zlib build beside the ISA-L one
${MAKE:-make} -s BUILD=build-zlib ISAL=0 build-zlib/keyaudit >/dev/null

bytes=$(build/floor $B/a.log.gz | sed 's/.* \([0-9]*\) bytes/\1/')
small_bytes=$(build/floor $B/small.log.gz | sed 's/.* \([0-9]*\) bytes/\1/')
gz=$(stat -c %s $B/a.log.gz)
echo "corpus: $LINES lines, $((bytes / 1000000)) MB decompressed ($((bytes / LINES)) bytes a line), $((gz / 1000000)) MB gzip -6, ratio $(awk "BEGIN {printf \"%.1f\", $bytes / $gz}")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo

# run NAME LINES BYTES CMD...: wall time, CPU time and peak memory
run() {
	name=$1 lines=$2 size=$3
	shift 3
	rm -f $B/x.db $B/x.db-wal $B/x.db-shm
	/usr/bin/time -f '%e %M %U %S' -o $B/time "$@" >/dev/null
	read -r wall kb user sys < $B/time
	cpu=$(awk "BEGIN { print $user + $sys }")
	eval "t_$name=$wall"
	eval "m_$name=$kb"
	eval "c_$name=$cpu"
	awk -v n="$name" -v w="$wall" -v kb="$kb" -v l="$lines" -v b="$size" \
		-v c="$cpu" \
		'BEGIN { printf "%-18s %7.2f s %7.2f s %6.0f MB/s %9.0f lines/s %6.1f MiB\n",
			n, w, c, b / w / 1e6, l / w, kb / 1024 }'
}
K="-q --db $B/x.db --key-file $B/bench.key --format"
printf '%-18s %9s %9s %11s %17s %10s\n' "" wall cpu throughput lines "peak RSS"
run floor $LINES $bytes build/floor $B/a.log.gz
run gzip $LINES $bytes sh -c "gzip -dc $B/a.log.gz >/dev/null"
run keyaudit_isal $LINES $bytes ./keyaudit ingest $K "$FMT" $B/a.log.gz
run keyaudit_zlib $LINES $bytes build-zlib/keyaudit ingest $K "$FMT" $B/a.log.gz
run keyaudit_isal_b $LINES $bytes ./keyaudit ingest $K "$FMT" $B/b.log.gz
run jobs2_two_files $((2 * LINES)) $((2 * bytes)) ./keyaudit ingest -j 2 $K "$FMT" $B/a.log.gz $B/b.log.gz
run keyaudit_small $((LINES / 5)) $small_bytes ./keyaudit ingest $K "$FMT" $B/small.log.gz
echo
awk -v f="$t_floor" -v g="$t_gzip" -v i="$t_keyaudit_isal" -v z="$t_keyaudit_zlib" \
	-v b="$t_keyaudit_isal_b" -v j="$t_jobs2_two_files" \
	-v ci="$c_keyaudit_isal" -v cb="$c_keyaudit_isal_b" -v n="$(nproc)" \
	-v ms="$m_keyaudit_small" -v ml="$m_keyaudit_isal" '
BEGIN {
	printf "keyaudit (zlib) / zlib floor:   %.2f  (target <= 1.05)\n", z / f
	printf "keyaudit (ISA-L) / zlib floor:  %.2f  (target <= 0.70)\n", i / f
	printf "keyaudit (zlib) / gzip -dc:     %.2f\n", z / g
	printf "keyaudit (ISA-L) / gzip -dc:    %.2f\n", i / g
	printf "--jobs 2, two files / sum of single runs: %.2f  (target <= 0.60)\n", j / (i + b)
	# Both files together need the CPU time of the two single runs; on
	# n cores no schedule takes less wall time than that over n.
	printf "  its floor on %d cores, CPU time of the single runs / %d / their wall time: %.2f\n", n, n, (ci + cb) / n / (i + b)
	printf "peak memory: %.1f MiB at 1/5 of the lines, %.1f MiB at all (target <= 32 MiB, within 10%%): ratio %.2f\n", ms / 1024, ml / 1024, ml / ms
}'
