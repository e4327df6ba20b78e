# forget names the file at the path now, by its content: not every file
# ever read under that name (logrotate reuses names), not a file whose
# content is elsewhere; a name whose content is gone needs --force; and
# nothing says "forgot" when the forget was rolled back.
. "$TOP/tests/cli/lib.sh"
mkdir gen
gen() { # SEED START OUT (the generator's truth files kept aside)
	"$LOGGEN" --layout nginx --lines 200 --days 1 --seed "$1" --start "$2" \
		--damage 0 --key-file test.key -o gen/out.log
	cp gen/out.log "$3"
}
n() { sqlite3 f.db "SELECT coalesce(sum(n), 0) FROM counts"; }
ing() { "$KEYAUDIT" ingest -q --db f.db --format "$NGINX_FMT" "$@"; }
mkdir logs
gen 1 2026-11-01 logs/access.log
ing logs
mv logs/access.log logs/access.log.1
gen 2 2026-11-02 logs/access.log
ing logs
check_eq "$(n)" 400 "two nights"
# the file at access.log now, and only it
"$KEYAUDIT" forget --dry-run --db f.db logs/access.log > dry
check_eq "$(wc -l < dry)" 1 "one file would go: $(cat dry)"
"$KEYAUDIT" forget --db f.db logs/access.log > done
check_eq "$(sed 's/^would forget/forgot/' dry)" "$(cat done)" \
	"the dry run lists exactly what went"
check_eq "$(n)" 200 "the rotated file kept"
ing logs
check_eq "$(n)" 400 "read again"
# a path whose content is no file read: refused, nothing forgotten
gen 3 2026-11-03 logs/access.log
expect_exit 1 "$KEYAUDIT" forget --db f.db logs/access.log 2> e1
grep -q 'its content is no file read' e1 || fail "unknown content: $(cat e1)"
check_eq "$(n)" 400 "nothing forgotten for unknown content"
# a name whose content is gone: refused without --force
rm logs/access.log
expect_exit 1 "$KEYAUDIT" forget --db f.db logs/access.log 2> e2
grep -q 'not here to be read again (2 files were read under this name); --force' e2 ||
	fail "gone: $(cat e2)"
check_eq "$(n)" 400 "nothing forgotten without --force"
"$KEYAUDIT" forget --force --db f.db logs/access.log > /dev/null
check_eq "$(n)" 0 "--force forgets them"
# a rolled-back forget says nothing was forgotten
gen 4 2026-10-01 old.log
gen 5 2026-11-05 new.log
cp old.log x.log
"$KEYAUDIT" ingest -q --db g.db --detail-days 0 --format "$NGINX_FMT" \
	x.log new.log
cp new.log x.log
echo '192.0.2.1 - - [05/Nov/2026:23:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x" "-" "-" "-" "-"' >> x.log
"$KEYAUDIT" ingest -q --db g.db --detail-days 0 --format "$NGINX_FMT" x.log
rm x.log
expect_exit 3 "$KEYAUDIT" forget --force --db g.db x.log > out 2> e3
grep -q '^forgot' out && fail "a rolled-back forget says forgot: $(cat out)"
grep -q 'folded' e3 || fail "why: $(cat e3)"
