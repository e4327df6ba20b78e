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

# The machine is shared and noisy: every run is repeated ROUNDS times,
# the runs of one round side by side; times are medians, peak memory
# the largest of the rounds.
ROUNDS=${BENCH_ROUNDS:-3}
rm -f $B/runs
# run NAME CMD...: append "NAME wall KB cpu" to $B/runs
run() {
	name=$1
	shift
	rm -f $B/x.db $B/x.db-wal $B/x.db-shm
	/usr/bin/time -f '%e %M %U %S' -o $B/time "$@" >/dev/null
	read -r wall kb user sys < $B/time
	echo "$name $wall $kb $(awk "BEGIN { print $user + $sys }")" >> $B/runs
}
K="-q --db $B/x.db --key-file $B/bench.key --format"
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "round $r of $ROUNDS..." >&2
	run floor build/floor $B/a.log.gz
	run gzip sh -c "gzip -dc $B/a.log.gz >/dev/null"
	run keyaudit_isal ./keyaudit ingest $K "$FMT" $B/a.log.gz
	run keyaudit_zlib build-zlib/keyaudit ingest $K "$FMT" $B/a.log.gz
	run keyaudit_isal_b ./keyaudit ingest $K "$FMT" $B/b.log.gz
	run jobs2_two_files ./keyaudit ingest -j 2 $K "$FMT" $B/a.log.gz $B/b.log.gz
	run keyaudit_small ./keyaudit ingest $K "$FMT" $B/small.log.gz
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
printf '%-18s %9s %9s %11s %17s %10s\n' "$ROUNDS rounds" wall cpu throughput lines "peak RSS"
# show NAME LINES BYTES: print NAME's medians and set t_, m_ and c_NAME
show() {
	w=$(median "$1" 2) kb=$(largest "$1" 3) c=$(median "$1" 4)
	eval "t_$1=$w m_$1=$kb c_$1=$c"
	awk -v n="$1" -v w="$w" -v kb="$kb" -v l="$2" -v b="$3" -v c="$c" \
		'BEGIN { printf "%-18s %7.2f s %7.2f s %6.0f MB/s %9.0f lines/s %6.1f MiB\n",
			n, w, c, b / w / 1e6, l / w, kb / 1024 }'
}
show floor $LINES $bytes
show gzip $LINES $bytes
show keyaudit_isal $LINES $bytes
show keyaudit_zlib $LINES $bytes
show keyaudit_isal_b $LINES $bytes
show jobs2_two_files $((2 * LINES)) $((2 * bytes))
show keyaudit_small $((LINES / 5)) $small_bytes
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
# the floor ratios of each round, side by side in time, to show the spread
awk '$1 == "floor" { f[++nf] = $2 }
	$1 == "keyaudit_zlib" { z[++nz] = $2 }
	$1 == "keyaudit_isal" { s[++ns] = $2 }
	END {
		printf "by round, zlib / floor:"
		for (r = 1; r <= nf; r++) printf " %.3f", z[r] / f[r]
		printf "; ISA-L / floor:"
		for (r = 1; r <= nf; r++) printf " %.3f", s[r] / f[r]
		printf "\n"
	}' $B/runs
