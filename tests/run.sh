#!/bin/sh
# tests/run.sh BUILD_DIR...: run the unit tests and every tests/cli/*.sh
# against each build (e.g. "build" and the sanitizer build "build-san").
# Cases run TEST_JOBS at a time (default 4: the scripts spend part of
# their time waiting on sleeps and each other's processes), the slowest
# first by the last run's times (tests/out/times, or tests/times, the
# figures of a full run kept with the tests, where there is no last
# run); each case's output is kept and printed in the cases' order, as
# each finishes, with its wall and CPU seconds.  A case exits 0 to pass,
# 77 to be skipped (with its reason on its last line), anything else
# fails.  The last line is "N passed, N failed, N skipped".  A case that
# does not depend on the build (the manuals, the manifests, the docs)
# says so with a line "# run.sh: once" and runs with the first build
# only.  The cases' temporary directories are on a tmpfs (/dev/shm)
# where there is one with room (TEST_TMPDIR chooses another): SQLite's
# fsyncs cost nothing there, and no case tests what they are for (a
# power cut).  Interrupted (INT, TERM), run.sh ends every case it
# started with all the processes the case started, and removes their
# files.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# cpu FILE: the user and system seconds of the shell's finished children
# from the output of its "times" builtin in FILE (its second line, as
# "0m1.230000s 0m0.450000s"; run in the shell itself, as a subshell's
# children are its own)
cpu() {
	sed -n 2p "$1" | awk '{
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub("s", "", a[2]); t[i] = a[1] * 60 + a[2]
		}
		printf "%.1f %.1f\n", t[1], t[2] }'
}

# run.sh --case DIR BUILD NAME: one case, its output to DIR/BUILD.NAME.out
# and then its exit status, wall seconds and CPU seconds (user, system)
# to DIR/BUILD.NAME.rc
if [ "${1:-}" = --case ]; then
	dir=$2 build=$3 name=$4
	bin="$top/$build"
	out="$dir/$build.$name.out"
	# the generator is the tests' tool, not under test: the plain
	# build's where there is one, whichever build is tested
	loggen="$top/build/loggen"
	[ -x "$loggen" ] || loggen="$bin/loggen"
	tmp=$(mktemp -d "$dir/$build.$name.XXXXXX")
	if [ "$name" = unit ]; then
		set -- "$bin/unit"
	else
		set -- sh "$top/tests/cli/$name.sh"
	fi
	start=$(date +%s%N)
	# in a session of its own, its process group's id in .pgid while it
	# runs, for run.sh to end it and all it started when interrupted
	KEYAUDIT="$bin/keyaudit" LOGGEN="$loggen" TOP="$top" T="$tmp" \
		BUILD="$build" setsid -w sh -c 'echo $$ >"$0"; exec "$@"' \
		"$out.pgid" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	rm -f "$out.pgid"
	rm -rf "$tmp"
	ms=$((($(date +%s%N) - start) / 1000000))
	wall=$(awk -v ms=$ms 'BEGIN { printf "%.1f", ms / 1000 }')
	times >"$out.cpu"
	echo "$rc $wall $(cpu "$out.cpu")" >"$out.rc.tmp"
	mv "$out.rc.tmp" "$dir/$build.$name.rc"
	exit 0
fi

# tmpdir: a tmpfs with 2 GiB free where programs may run, or ""
tmpdir() {
	d=/dev/shm
	[ -d $d ] && [ -w $d ] || return 0
	[ "$(df -Pk $d | awk 'NR == 2 { print $4 }')" -gt 2097152 ] ||
		return 0
	f=$(mktemp "$d/run.sh.XXXXXX") || return 0
	printf '#!/bin/sh\nexit 0\n' >"$f" && chmod 700 "$f" && "$f" &&
		echo $d
	rm -f "$f"
}

jobs=${TEST_JOBS:-4}
TEST_TMPDIR=${TEST_TMPDIR:-$(tmpdir)}
dir=$(mktemp -d -p "${TEST_TMPDIR:-${TMPDIR:-/tmp}}") || exit 1
# the cases' directories are in it: cases that run something as another
# user make their own readable, and that user must get to it
chmod 711 "$dir"
echo "run.sh: $jobs at a time, in $dir"
pool=""

# stop: no case is started any more, every running one is ended with
# its process group (TERM, then KILL for what is left)
stop() {
	[ -n "$pool" ] && kill "$pool" 2>/dev/null
	for sig in TERM TERM KILL; do
		for f in "$dir"/*.pgid; do
			[ -e "$f" ] && kill -$sig "-$(cat "$f")" 2>/dev/null
		done
		sleep 0.5
	done
	wait
}
trap 'rm -rf "$dir"' EXIT
trap 'stop; exit 130' INT TERM
times="$top/tests/out/times"
[ -e "$times" ] || times="$top/tests/times"
cases=""
first=${1:-}
for build in "$@"; do
	cases="$cases $build:unit"
	for t in "$top"/tests/cli/*.sh; do
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue
		if [ "$build" != "$first" ] &&
			grep -q '^# run\.sh: once' "$t"; then
			continue
		fi
		cases="$cases $build:$name"
	done
done

# the order to start them in: the unit tests (quick, and printed first),
# then the slowest first by the last run's wall times
for c in $cases; do
	s=$(awk -v c="$c" '$1 == c { print $2 }' "$times" 2>/dev/null)
	case $c in *:unit) s=999999 ;; esac
	echo "${s:-0} $c"
done | sort -k1,1nr | cut -d' ' -f2 | tr ':' ' ' >"$dir/order"
xargs -n 2 -P "$jobs" sh "$top/tests/run.sh" --case "$dir" \
	<"$dir/order" >"$dir/pool.out" 2>&1 &
pool=$!

passed=0
failed=0
skipped=0
failures=""
: >"$dir/times"
for c in $cases; do
	build=${c%%:*} name=${c#*:}
	rc_file="$dir/$build.$name.rc"
	while [ ! -e "$rc_file" ]; do
		kill -0 $pool 2>/dev/null || break
		sleep 0.2
	done
	if [ ! -e "$rc_file" ]; then
		failed=$((failed + 1)); failures="$failures $c"
		echo "FAIL $build/$name: never finished"
		continue
	fi
	read -r rc secs user sys <"$rc_file"
	out="$dir/$build.$name.out"
	echo "$c $secs $user $sys" >>"$dir/times"
	took="${secs}s, cpu ${user}s user ${sys}s sys"
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		if [ "$name" = unit ]; then
			echo "PASS $build/unit: $(tail -1 "$out") ($took)"
		else
			echo "PASS $build/$name ($took)"
		fi
	elif [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
		echo "SKIP $build/$name: $(tail -1 "$out")"
	else
		failed=$((failed + 1)); failures="$failures $build/$name"
		echo "FAIL $build/$name (exit $rc; $took)"
		tail -30 "$out" | sed 's/^/    /'
	fi
done
wait $pool
sed 's/^/run.sh: /' "$dir/pool.out"
mkdir -p "$top/tests/out" && cp "$dir/times" "$top/tests/out/times"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
