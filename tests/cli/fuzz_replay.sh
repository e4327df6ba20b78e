# The fuzz targets without libFuzzer: the seed corpora, and every input
# that fuzzing once found a bug with (tests/data/fuzz/TARGET/), must run
# through each target without a crash, a broken promise or a sanitizer
# report.  The seeds run in one process per target, each found input in
# its own, so that every one still failing is named.
. "$TOP/tests/cli/lib.sh"

UBSAN_OPTIONS=print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
export UBSAN_OPTIONS
bad=""

# replay BIN OUT INPUT...: run, and say whether BIN survived INPUT...
replay() {
	bin=$1
	out=$2
	shift 2
	set +e
	"$bin" "$@" > "$out" 2>&1
	rc=$?
	set -e
	if [ "$rc" != 0 ] ||
		grep -q 'Sanitizer\|runtime error\|broken promise' "$out"; then
		grep -v '^replay: /' "$out" | head -20 >&2
		echo "^ $(basename "$bin"), exit $rc, on" \
			"$(grep '^replay: /' "$out" | tail -1 | cut -d' ' -f2)" >&2
		return 1
	fi
}

for t in parse rules input registry scrub; do
	bin="$TOP/$BUILD/fuzz-replay-$t"
	[ -x "$bin" ] || fail "$bin is missing (make $BUILD/fuzz-replay-$t)"
	replay "$bin" "$t.out" "$TOP/tests/fuzz/corpus/$t" ||
		bad="$bad corpus/$t"
	n=$(sed -n 's/^replay: \([0-9]*\) inputs$/\1/p' "$t.out")
	[ "${n:-0}" -gt 0 ] || fail "fuzz-replay-$t replayed no seeds"
	for f in "$TOP/tests/data/fuzz/$t"/*; do
		[ -f "$f" ] || continue
		replay "$bin" "$t.one" "$f" ||
			bad="$bad data/fuzz/$t/$(basename "$f")"
	done
done
[ -z "$bad" ] || fail "fuzz inputs that still fail:$bad"
