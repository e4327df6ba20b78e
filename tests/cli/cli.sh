# The command line: help, version, bad usage, exit codes, messages.
. "$TOP/tests/cli/lib.sh"

"$KEYAUDIT" --help > help
grep -q '^usage: keyaudit COMMAND' help || fail "--help"
grep -q '4  another keyaudit run' help || fail "exit codes in --help"
"$KEYAUDIT" ingest --help | grep -q -- '--wait SECONDS' || fail "ingest --help"
"$KEYAUDIT" --version | grep -q 'zlib .*PCRE2 .*SQLite .*libcsv' ||
	fail "--version names the libraries"

expect_exit 2 "$KEYAUDIT" 2>err
grep -q "try 'keyaudit --help'" err || fail "hint after bad usage"
expect_exit 2 "$KEYAUDIT" frobnicate 2>err
check_eq "$(head -1 err)" "keyaudit: unknown command (got 10 bytes, not shown)" \
	"message"
expect_exit 2 "$KEYAUDIT" ingest 2>/dev/null
expect_exit 2 "$KEYAUDIT" ingest --bogus x 2>/dev/null
expect_exit 2 "$KEYAUDIT" report nosuch 2>/dev/null
expect_exit 2 "$KEYAUDIT" report migration --since 2026-13-01 2>/dev/null
expect_exit 2 "$KEYAUDIT" ingest --format apache x 2>err
grep -q "unknown format (got 6 bytes, not shown" err || fail "format message"
grep -q apache err && fail "the format's value repeated"
expect_exit 3 "$KEYAUDIT" report migration --db nowhere.db 2>err
grep -q "nowhere.db: no such database" err || fail "missing database"

# a rules file with a bad pattern: file, line, text, PCRE2 message, offset
printf 'class a legacy\n\nrule a remote_user ^(abc\n' > bad.rules
expect_exit 2 "$KEYAUDIT" rules check bad.rules 2>err
grep -q "^keyaudit: bad.rules:3: bad pattern '^(abc': missing closing parenthesis at offset 5" err ||
	{ cat err; fail "bad pattern message"; }
expect_exit 2 "$KEYAUDIT" ingest --rules bad.rules x 2>err
grep -q "bad.rules:3:" err || fail "ingest reports the rules error"
printf 'class a\nrule b remote_user x\n' > undeclared.rules
expect_exit 2 "$KEYAUDIT" rules check undeclared.rules 2>err
grep -q "undeclared.rules:2: class 'b' is not declared" err || fail "class"
printf 'class a\nfrobnicate\n' > unknown.rules
expect_exit 2 "$KEYAUDIT" rules check unknown.rules 2>err
grep -q "unknown.rules:2: unknown directive 'frobnicate'" err || fail "directive"
expect_exit 2 "$KEYAUDIT" rules check missing.rules 2>err
grep -q "missing.rules: cannot open rules" err || fail "missing rules"
"$KEYAUDIT" rules check > out
grep -q 'ok: 6 classes (1 legacy), 9 rules, 2 phases' out || fail "shipped rules"

# -q: a clean run prints nothing at all
"$LOGGEN" --layout combined --lines 300 --damage 0 --key-file test.key -o a.log
"$KEYAUDIT" ingest -q --db q.db a.log > out 2>&1
check_eq "$(cat out)" "" "quiet run"
# a normal run prints one summary line
"$LOGGEN" --layout combined --lines 300 --seed 9 --key-file test.key -o b.log
"$KEYAUDIT" ingest --db q.db b.log 2>err
tail -1 err | grep -q '^keyaudit: 1 file, 300 new lines, [0-9]* bad; api_key' ||
	{ cat err; fail "summary line"; }
# database and key are private
check_eq "$(stat -c %a q.db)" 600 "database mode"
env -u KEYAUDIT_KEY_FILE "$KEYAUDIT" ingest -q --db k.db a.log
check_eq "$(stat -c %a k.db.key)" 600 "key mode"
check_eq "$(wc -c < k.db.key)" 65 "key file holds 64 hex digits"
# the same database with another key is refused, not split
printf '%064d\n' 0 > other.key
chmod 600 other.key
expect_exit 3 "$KEYAUDIT" ingest -q --db k.db --key-file other.key b.log 2>err
grep -q "another fingerprint key" err || fail "key mismatch message"
"$KEYAUDIT" report migration --db q.db -o r.csv
check_eq "$(stat -c %a r.csv)" "$(printf '%o' $((0644 & ~$(umask))))" \
	"report mode: 0644 less the umask"
