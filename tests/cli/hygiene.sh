# The repository holds no build output: build-tmp/ (and any build-*/) is
# neither tracked nor shown as new; make clean removes every build
# folder, whatever its suffix; make asan builds the sanitizer binary.
# run.sh: once
. "$TOP/tests/cli/lib.sh"
unset MAKEFLAGS MFLAGS MAKELEVEL
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	tracked=$(git -C "$TOP" ls-files -- 'build-*' 'build/*' | head -3)
	check_eq "$tracked" "" "build output tracked in git"
	for d in build-tmp build-dev build-san build; do
		git -C "$TOP" check-ignore -q "$d/x.o" ||
			fail "$d/ is not ignored"
	done
fi

# make clean, on a copy of the Makefile with build folders beside it
mkdir -p tree/tests/fuzz
cp "$TOP/Makefile" tree/
cp "$TOP/tests/fuzz/fuzz.mk" tree/tests/fuzz/
for d in build build-san build-dev build-tmp build-fuzz build-zlib \
	build-deb build-x; do
	mkdir -p "tree/$d" && touch "tree/$d/a.o"
done
touch tree/keyaudit
make -C tree --no-print-directory clean >clean.out 2>&1 ||
	{ cat clean.out; fail "make clean"; }
left=$(cd tree && ls -d build* keyaudit 2>/dev/null | tr '\n' ' ')
check_eq "$left" "" "left by make clean"

# make asan: the sanitizer build of the program and the unit tests
make -C "$TOP" --no-print-directory -n ASAN_BUILD="$T/asan" asan \
	>asan.out 2>&1 || { tail asan.out; fail "make asan"; }
grep -q -- "-fsanitize=address,undefined .*-o $T/asan/keyaudit " asan.out ||
	{ tail -5 asan.out; fail "make asan does not build the ASan binary"; }
grep -q -- "-o $T/asan/unit " asan.out ||
	fail "make asan does not build the ASan unit tests"
