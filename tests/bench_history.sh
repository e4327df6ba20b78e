#!/bin/sh
# make bench-history: a fleet's nights, its reports and the targets of
# docs/performance-history.md, side by side in one run.
#
#   BENCH_HOSTS (20) BENCH_DAYS (90) BENCH_LINES (10000 a file)
#   BENCH_CLIENTS (50000) BENCH_LEGACY ("100000 1000000": the distinct
#   legacy clients of the one-day case) BENCH_TIMEOUT (600 s a report)
#   BENCH_INGEST_TIMEOUT (7200 s an ingest) BENCH_CASES ("history
#   legacy": either or both) BENCH_DIR (bench/history)
#   BENCH_CHECK_ALL (1 up to 90 days, else 30: the nights whose counts
#   are checked over the whole history; the others over 7 days)
#   BENCH_LEGACY_ROUNDS (3: the one-day case's reports are run this many
#   times, the days side by side, and each figure is the median)
#   BENCH_SMALL=1: a tiny version that runs in about a minute.
# The corpora are made once (deterministically) and reused.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${BENCH_SMALL:-0}" = 1 ]; then
	: "${BENCH_HOSTS:=4}" "${BENCH_DAYS:=5}" "${BENCH_LINES:=2000}"
	: "${BENCH_CLIENTS:=3000}" "${BENCH_LEGACY:=1000 10000}"
	: "${BENCH_TIMEOUT:=10}"
fi
H=${BENCH_HOSTS:-20}
D=${BENCH_DAYS:-90}
L=${BENCH_LINES:-10000}
C=${BENCH_CLIENTS:-50000}
LEGACY=${BENCH_LEGACY:-100000 1000000}
TMO=${BENCH_TIMEOUT:-600}
ROUNDS=${BENCH_LEGACY_ROUNDS:-3}
ITMO=${BENCH_INGEST_TIMEOUT:-7200}
# the nights checked against the truth over the whole history (the
# others over their last 7 days): every night up to 90 days
CHECK_ALL=${BENCH_CHECK_ALL:-$([ "$D" -le 90 ] && echo 1 || echo 30)}
CASES=${BENCH_CASES:-history legacy}
B=${BENCH_DIR:-bench/history}
K=./keyaudit
GEN=build/fleetgen
RULES=rules/asana-api-keys.rules
FMT=$(cat sample-logs/nginx.format)
MIB64=65536 # KiB
mkdir -p "$B"
B=$(cd "$B" && pwd)
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
	> "$B/bench.key"
chmod 600 "$B/bench.key"
export KEYAUDIT_KEY_FILE="$B/bench.key"
export KEYAUDIT_RULES="$top/$RULES"
OUT=$B/result.txt
: > "$OUT"
: > "$B/runs"
say() { printf '%s\n' "$*" | tee -a "$OUT"; }
note() { printf '%s\n' "$*" >&2; }

# run NAME CMD...: run CMD with the timeout ($tmo, else $TMO), append
# "NAME wall KiB rc cpu" to runs and set $wall, $kb and $rc (124: timed
# out, 125: not run because it timed out on a smaller case).  The
# machine may be shared: cpu (user + system seconds) says how much of
# the wall time was the command's own.
run() {
	name=$1
	shift
	if [ -n "${prev:-}" ] &&
		[ "$(field "$(echo "$name" | sed "s/^$tag/$prev/")" 4)" = 124 ]
	then
		echo "$name - 0 125 -" >> "$B/runs"
		rc=125
		return
	fi
	set +e
	/usr/bin/time -f '%e %M %U %S' -o "$B/time" timeout "${tmo:-$TMO}" \
		"$@"
	rc=$?
	set -e
	# a failing command's first line says so; the figures are last
	set -- $(tail -n 1 "$B/time")
	wall=$1
	kb=$2
	cpu=$(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')
	echo "$name $wall $kb $rc $cpu" >> "$B/runs"
}

# db_size DB: bytes of the database and its write-ahead log
db_size() {
	s=0
	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && s=$((s + $(stat -c %s "$f")))
	done
	echo $s
}

# db_rows DB: "table rows" for every table
db_rows() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE
		type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\"")"
	done
}

# ratio A B: A / B with two decimals, "-" when B is 0
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b;
		else printf "-" }'
}

# verdict NAME VALUE LIMIT: a PASS or FAIL line for VALUE <= LIMIT
verdict() {
	awk -v n="$1" -v v="$2" -v l="$3" 'BEGIN {
		printf "%s %s (%.2f, target <= %s)\n",
			(v != "-" && v <= l) ? "PASS" : "FAIL", n, v, l }' |
		tee -a "$OUT"
}

# The reports and gonogo phases, as the binary and the rules name them.
KINDS=$($K report --help | sed -n '/^kinds: /,/^$/p' | sed 's/^kinds: //' |
	tr -d ,)
PHASES=$(awk '$1 == "phase" { print $2 }' "$RULES")
INCLUDE=
if $K ingest --help | grep -q -- '--include'; then
	INCLUDE="--include"
fi

# reports DB DIR REGISTRY TAG: every report and gonogo phase of DB into
# DIR, each timed as "TAG report KIND" / "TAG gonogo PHASE".
reports() {
	mkdir -p "$2"
	rm -f "$2"/*
	for k in $KINDS; do
		extra=
		[ "$k" = outreach ] && extra="--registry $3"
		note "  report $k..."
		# shellcheck disable=SC2086
		run "$4_report_$k" $K report "$k" -q --db "$1" $extra \
			-o "$2/$k.csv"
		[ $rc -lt 124 ] || rm -f "$2/$k.csv"
	done
	for p in $PHASES; do
		note "  gonogo $p..."
		run "$4_gonogo_$p" $K gonogo -q --db "$1" --phase "$p" \
			-o "$2/gonogo-$p.csv" > "$2/gonogo-$p.txt"
		[ $rc -lt 124 ] || rm -f "$2/gonogo-$p.csv"
	done
	return 0
}

# field NAME COLUMN: that column of NAME's run
field() {
	awk -v n="$1" -v c="$2" '$1 == n { v = $c } END { print v }' "$B/runs"
}

# show_reports TAG BASE BASENAME LIMIT: each report's wall time against
# LIMIT x BASE, as PASS/FAIL lines
show_reports() {
	for k in $KINDS; do
		show_one "$1_report_$k" "report $k" "$2" "$3" "$4"
	done
	for p in $PHASES; do
		show_one "$1_gonogo_$p" "gonogo $p" "$2" "$3" "$4"
	done
}

show_one() {
	w=$(field "$1" 2)
	r=$(field "$1" 4)
	if [ "$r" = 124 ]; then
		say "FAIL $2: TIMEOUT after $TMO s (target <= $5 x $4)"
		return
	fi
	if [ "$r" = 125 ]; then
		say "FAIL $2: not run, it timed out on the smaller case"
		return
	fi
	case $r in 0 | 1) ;; *) say "FAIL $2: exit $r" ;; esac
	m=$(awk -v k="$(field "$1" 3)" 'BEGIN { printf "%.1f", k / 1024 }')
	verdict "$2 $w s (cpu $(field "$1" 5) s, $m MiB) / $4 $3 s" \
		"$(ratio "$w" "$3")" "$5"
}

# ---- case 1: the fleet's history ----

# now_after DAY: set KEYAUDIT_NOW to the end of DAY, so that a corpus
# that runs past today is not taken as dated in the future
now_after() {
	KEYAUDIT_NOW=$(date -u -d "$1 + 1 day" +%s)
	export KEYAUDIT_NOW
}

gen_fleet() {
	F=$B/fleet-$H-$D-$L-$C
	[ -f "$F/done" ] && { now_after "$(tail -n 1 "$F/truth/nightly.txt" |
		cut -d ' ' -f 1)"; return; }
	note "generating $H hosts x $D days x $L lines ($C clients) in $F..."
	rm -rf "$F"
	run gen_fleet $GEN --key-file "$B/bench.key" -o "$F" --hosts "$H" \
		--days "$D" --lines "$L" --clients "$C"
	[ "$rc" = 0 ] || { note "fleetgen failed"; exit 1; }
	say "generated the fleet in $wall s"
	touch "$F/done"
	now_after "$(tail -n 1 "$F/truth/nightly.txt" | cut -d ' ' -f 1)"
}

# night N: rotate each host's logs as logrotate's delaycompress does,
# then day N's log appears as access.log.  Every file is kept.
night() {
	python3 - "$F" "$NIGHTS" "$1" <<'PY'
import gzip, os, shutil, sys
fleet, nights, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for h in sorted(os.listdir(os.path.join(fleet, "host"))):
    src = os.path.join(fleet, "host", h)
    days = sorted(os.listdir(src))
    d = os.path.join(nights, h)
    os.makedirs(d, exist_ok=True)
    for k in range(n - 1, 1, -1):
        old = os.path.join(d, "access.log.%d.gz" % k)
        if os.path.exists(old):
            os.rename(old, os.path.join(d, "access.log.%d.gz" % (k + 1)))
    one = os.path.join(d, "access.log.1")
    if os.path.exists(one):
        # compress: the same bytes, gzipped, as a new file
        shutil.copyfile(os.path.join(src, days[n - 3]),
                        os.path.join(d, "access.log.2.gz"))
        os.unlink(one)
    cur = os.path.join(d, "access.log")
    if os.path.exists(cur):
        os.rename(cur, one)
    with gzip.open(os.path.join(src, days[n - 1])) as i, \
            open(cur + ".tmp", "wb") as o:
        shutil.copyfileobj(i, o, 1 << 20)
    os.rename(cur + ".tmp", cur)
PY
}

# The class totals of report summary against the truth up to day N:
# the whole history every $CHECK_ALL nights and on the last, else the
# last 7 days (all that a night's files and fold can change), so that a
# year's nights do not each cost a report over everything.
check_night() {
	if [ $(($1 % CHECK_ALL)) = 0 ] || [ "$1" = "$D" ] || [ "$1" -le 7 ]; then
		from=1
		$K report summary -q --db "$TOTAL" > "$B/summary.now"
	else
		from=$(($1 - 6))
		$K report summary -q --db "$TOTAL" --since "$(sed -n \
			"${from}s/ .*//p" "$F/truth/nightly.txt")" \
			> "$B/summary.now"
	fi
	got=$(awk -F, '$1 == "\"class\"" { gsub("\"", "", $2); sub("\r", "", $3);
		printf "%s=%s ", $2, $3 }' "$B/summary.now")
	want=$(sed -n "${from},${1}p" "$F/truth/nightly.txt" | awk '
		{ for (i = 2; i <= NF; i++) s[i] += $i }
		END { split("api_key pat oauth session none", c, " ")
			for (i = 1; i <= 5; i++) printf "%s=%d ", c[i], s[i + 1] }')
	for w in $want; do
		case " $got " in *" $w "*) ;; *)
			say "night $1: summary $got, truth $want (days $from to $1)"
			bad_nights=$((bad_nights + 1))
			return ;;
		esac
	done
}

hosts_dirs() {
	for h in "$NIGHTS"/h*; do printf '%s ' "$h"; done
}

ingest_night() {
	tmo=$ITMO
	# shellcheck disable=SC2046
	if [ -n "$INCLUDE" ]; then
		run "night_$1" $K ingest -q --db "$TOTAL" --format "$FMT" \
			--include 'access.log*' $(hosts_dirs)
	else
		run "night_$1" $K ingest -q --db "$TOTAL" --format "$FMT" \
			$(hosts_dirs)
	fi
	tmo=
	[ "$rc" = 0 ] || say "night $1: ingest exit $rc"
}

# Before the last night: each host's new file into a shard of its own,
# merged into a copy of the total before that night.
shards_before_last() {
	rm -f "$B"/pre.db* "$B"/merged.db* "$B"/shard-*.db*
	sqlite3 "$TOTAL" ".backup '$B/pre.db'"
	for h in "$NIGHTS"/h*; do
		run "shard_$(basename "$h")" $K ingest -q \
			--db "$B/shard-$(basename "$h").db" --format "$FMT" \
			"$h/access.log"
	done
	cp "$B/pre.db" "$B/merged.db"
	# shellcheck disable=SC2046
	run merge $K merge -q --db "$B/merged.db" "$B"/shard-*.db
	[ "$rc" = 0 ] || say "merge: exit $rc"
	# the copies' writeback (twice the database) is not the night's
	sync
}

nights() {
	NIGHTS=$B/nights
	TOTAL=$B/total.db
	rm -rf "$NIGHTS" "$TOTAL"*
	bad_nights=0
	n=1
	while [ $n -le "$D" ]; do
		night $n
		[ $n = "$D" ] && [ "$D" -gt 1 ] && shards_before_last
		note "night $n of $D..."
		ingest_night $n
		check_night $n
		n=$((n + 1))
	done
}

floor() {
	FLOOR=$B/floor.db
	rm -f "$FLOOR"*
	note "the floor: the one-file-a-day copy..."
	tmo=$ITMO
	run floor_ingest $K ingest -q --db "$FLOOR" --format "$FMT" \
		"$F/daily"
	tmo=
}

show_sizes() {
	tb=$(db_size "$TOTAL")
	fb=$(db_size "$FLOOR")
	say ""
	say "$(printf '%-22s %14s %14s %7s' '' 'nightly total' 'floor' ratio)"
	say "$(printf '%-22s %14s %14s %7s' 'database bytes' "$tb" "$fb" \
		"$(ratio "$tb" "$fb")")"
	db_rows "$TOTAL" > "$B/rows.total"
	db_rows "$FLOOR" > "$B/rows.floor"
	while read -r t rows; do
		fr=$(awk -v t="$t" '$1 == t { print $2 }' "$B/rows.floor")
		say "$(printf '%-22s %14s %14s %7s' "rows $t" "$rows" \
			"${fr:--}" "$(ratio "$rows" "${fr:-0}")")"
	done < "$B/rows.total"
}

show_nights() {
	first=$(field night_1 2)
	last=$(field "night_$D" 2)
	all=$(awk '$1 ~ /^night_/ { s += $2 } END { printf "%.2f", s }' \
		"$B/runs")
	allcpu=$(awk '$1 ~ /^night_/ { s += $5 } END { printf "%.2f", s }' \
		"$B/runs")
	peak=$(awk '$1 ~ /^night_/ && $3 > m { m = $3 } END { print m }' \
		"$B/runs")
	say ""
	say "ingest, first night ($H files):      $first s (cpu $(field night_1 5) s)"
	say "ingest, last night ($((H * D)) files):    $last s (cpu $(field "night_$D" 5) s)"
	say "ingest, the whole history ($D nights): $all s (cpu $allcpu s)"
	say "ingest, the floor ($D one-a-day files): $(field floor_ingest 2) s, $(($(field floor_ingest 3) / 1024)) MiB"
	say "ingest peak memory, any night:       $((peak / 1024)) MiB"
	say "counts after every night equal the truth: $((D - bad_nights)) of $D"
	if [ "$D" -gt 1 ]; then
		sh=$(awk '$1 ~ /^shard_/ { s += $2 } END { printf "%.2f", s }' \
			"$B/runs")
		say "last night in $H shards: ingest $sh s (sum), merge $(field merge 2) s ($(($(field merge 3) / 1024)) MiB), direct $last s"
		a=$($K report summary -q --db "$B/merged.db" | md5sum)
		b=$($K report summary -q --db "$TOTAL" | md5sum)
		[ "$a" = "$b" ] && m=yes || m=NO
		say "merged total's summary equals the direct total's: $m"
	fi
}

history() {
	gen_fleet
	nights
	floor
	note "reports over the whole history..."
	reports "$TOTAL" "$B/reports" "$F/registry.csv" total
	show_nights
	show_sizes
	say ""
	python3 tests/scripts/history_truth.py "$F/truth" "$B/reports" \
		"$F/registry.csv" | tee -a "$OUT" || true
	say ""
	say "targets, history ($H hosts x $D days x $L lines):"
	verdict "last night $last s / first night $first s" \
		"$(ratio "$last" "$first")" 1.2
	verdict "database $tb / floor $fb bytes" "$(ratio "$tb" "$fb")" 1.3
	show_reports total "$all" "whole-history ingest" 0.1
	[ "$D" -gt 1 ] && verdict "merge $(field merge 2) s / direct $last s" \
		"$(ratio "$(field merge 2)" "$last")" 2
	return 0
}

# ---- case 2: one day of many legacy clients ----

legacy_ingest() {
	n=$1
	G=$B/legacy-$n
	if [ ! -f "$G/done" ]; then
		note "generating one day of $n legacy clients..."
		rm -rf "$G"
		$GEN --key-file "$B/bench.key" -o "$G" --legacy --hosts 1 \
			--days 1 --clients "$n" --lines $((2 * n))
		touch "$G/done"
	fi
	rm -f "$B/legacy-$n.db"*
	note "ingest of $n legacy clients..."
	tmo=$ITMO
	run "legacy${n}_ingest" $K ingest -q --db "$B/legacy-$n.db" \
		--format "$FMT" "$G/daily"
	# the new database's writeback is not the reports'
	sync
	tmo=
}

# legacy_round R: every report of each day, the days side by side, as
# "legacyN_rR_report_KIND"; a larger day is not run where the smaller
# timed out in the same round
legacy_round() {
	prev=
	for n in $LEGACY; do
		tag=legacy${n}_r$1
		reports "$B/legacy-$n.db" "$B/reports-$n" \
			"$B/legacy-$n/registry.csv" "$tag"
		prev=$tag
	done
	prev=
}

# median V...: the middle value
median() {
	printf '%s\n' "$@" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Each report's figures over the rounds, as "legacyN_report_KIND": the
# median wall and CPU time, the largest peak memory and exit status.
legacy_medians() {
	for n in $LEGACY; do
		for what in $(for k in $KINDS; do echo "report_$k"; done) \
			$(for p in $PHASES; do echo "gonogo_$p"; done); do
			walls="" cpus="" kb=0 worst=0
			for r in $(seq "$ROUNDS"); do
				f=legacy${n}_r${r}_$what
				walls="$walls $(field "$f" 2)"
				cpus="$cpus $(field "$f" 5)"
				[ "$(field "$f" 3)" -gt "$kb" ] && kb=$(field "$f" 3)
				[ "$(field "$f" 4)" -gt "$worst" ] &&
					worst=$(field "$f" 4)
			done
			# shellcheck disable=SC2086
			echo "legacy${n}_$what $(median $walls) $kb $worst $(median $cpus)" \
				>> "$B/runs"
		done
	done
}

legacy() {
	say ""
	for n in $LEGACY; do
		legacy_ingest "$n"
	done
	for r in $(seq "$ROUNDS"); do
		note "reports, round $r of $ROUNDS..."
		legacy_round "$r"
	done
	legacy_medians
	for n in $LEGACY; do
		python3 tests/scripts/history_truth.py "$B/legacy-$n/truth" \
			"$B/reports-$n" > "$B/truth-$n" || true
		sed "s/^truth /truth, $n legacy clients: /" "$B/truth-$n" |
			tee -a "$OUT"
	done
	say ""
	say "the one-day case: each report's median of $ROUNDS rounds, the days side by side"
	for n in $LEGACY; do
		iw=$(field "legacy${n}_ingest" 2)
		say ""
		say "targets, one day of $n legacy clients ($((2 * n)) lines, ingest $iw s, $(($(field "legacy${n}_ingest" 3) / 1024)) MiB):"
		show_reports "legacy$n" "$iw" "ingest" 2
	done
	set -- $LEGACY
	[ $# -ge 2 ] || return 0
	say ""
	say "growth from $1 to $2 legacy clients:"
	for what in ingest $(for k in $KINDS; do echo "report_$k"; done) \
		$(for p in $PHASES; do echo "gonogo_$p"; done); do
		a=$(field "legacy$1_$what" 2)
		b=$(field "legacy$2_$what" 2)
		if [ "$(field "legacy$1_$what" 4)" -ge 124 ] ||
			[ "$(field "legacy$2_$what" 4)" -ge 124 ]; then
			say "FAIL $what: TIMEOUT (target <= 12)"
		else
			verdict "$what $b s / $a s" "$(ratio "$b" "$a")" 12
		fi
	done
}

say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem/ { print $2 }') GB"
say "keyaudit: $(git log -1 --format='%h %s' | cut -c1-70)"
say "report timeout: $TMO s; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $CASES; do
	$c
done
say ""
awk -v lim="$MIB64" '$1 !~ /^gen/ && $3 > lim { printf "FAIL peak memory %s: %.1f MiB (target <= 64 MiB)\n", $1, $3 / 1024; bad = 1 }
	$1 !~ /^gen/ && $3 > m { m = $3; n = $1 }
	END { if (!bad) printf "PASS peak memory of every command (largest %.1f MiB, %s; target <= 64 MiB)\n", m / 1024, n }' \
	"$B/runs" | tee -a "$OUT"
say ""
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "every run: $B/runs (name wall_s peak_KiB exit cpu_s); this summary: $OUT"
