#!/bin/sh
# tests/run.sh BUILD_DIR...: run the unit tests and every tests/cli/*.sh
# against each build (e.g. "build" and the sanitizer build "build-san").
# Cases run TEST_JOBS at a time (default 4: the scripts spend much of
# their time waiting on pipes, sleeps and each other's processes), the
# slowest of the last run first; each case's output is kept and printed
# in the cases' order, as each finishes.  A case exits 0 to pass, 77 to
# be skipped (with its reason on its last line), anything else fails.
# The last line is "N passed, N failed, N skipped".  A case that does
# not depend on the build (the manuals, the manifests, the docs) says so
# with a line "# run.sh: once" and runs with the first build only.
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
	start=$(date +%s%N)
	if [ "$name" = unit ]; then
		"$bin/unit" >"$out" 2>&1
	else
		tmp=$(mktemp -d)
		KEYAUDIT="$bin/keyaudit" LOGGEN="$bin/loggen" TOP="$top" \
			T="$tmp" BUILD="$build" sh "$top/tests/cli/$name.sh" \
			>"$out" 2>&1 </dev/null
		rc=$?
		rm -rf "$tmp"
		(exit $rc)
	fi
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	wall=$(awk -v ms=$ms 'BEGIN { printf "%.1f", ms / 1000 }')
	times >"$out.cpu"
	echo "$rc $wall $(cpu "$out.cpu")" >"$out.rc.tmp"
	mv "$out.rc.tmp" "$dir/$build.$name.rc"
	exit 0
fi

jobs=${TEST_JOBS:-4}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
times="$top/tests/out/times"
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
# then the slowest first by the last run's times
for c in $cases; do
	s=$(awk -v c="$c" '$1 == c { print $2 }' "$times" 2>/dev/null)
	case $c in *:unit) s=999999 ;; esac
	echo "${s:-0} $c"
done | sort -k1,1nr | cut -d' ' -f2 | tr ':' ' ' |
	xargs -n 2 -P "$jobs" sh "$top/tests/run.sh" --case "$dir" 2>&1 |
	sed 's/^/run.sh: /' &
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
mkdir -p "$top/tests/out" && cp "$dir/times" "$times"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
