# Every credential shape (Basic credentials, AWS secrets and key ids,
# JWTs, GitHub, Slack and Stripe tokens, Asana PATs and keys) planted in
# user agents, client ids, requests and referers never reaches the
# database (its WAL too), a report, the page, stdout or stderr; while
# 500 real user agents and 200 client ids come through unchanged.
. "$TOP/tests/cli/lib.sh"
python3 "$TOP/tests/scripts/shapes.py"
[ "$(wc -l < shapes.txt)" -ge 40 ] || fail "too few shapes planted"
G=$TOP/rules/generic-api-keys.rules
cat > id.rules <<'R'
class api_key legacy
class none
client http_x_client_id
client remote_addr
rule api_key http_authorization:basic ^(?<credential>.+)$
rule none http_authorization .*
phase p refuse legacy
R
# exit 1 (some input, or NO-GO) and 6 (gonogo: CANNOT TELL) are answers
run() {
	"$KEYAUDIT" "$@" >>out 2>>err || {
		rc=$?
		[ $rc -eq 1 ] || [ $rc -eq 6 ]
	}
}
run ingest -v --db s.db shapes-combined.log
run ingest -v --db s.db --rules id.rules --format "$NGINX_FMT" \
	shapes-nginx.log
run ingest -v --db g.db --rules "$G" shapes-combined.log
# the WAL as the ingest left it, before any checkpoint
for db in s g; do
	[ ! -f $db.db-wal ] || cp $db.db-wal $db.wal.copy
done
for db in s g; do
	for k in migration amnesty daily summary; do
		run report $k --db $db.db -o $db-$k.csv
		run report $k --db $db.db --format json
	done
	run files --db $db.db
	run gonogo --db $db.db -o $db-gonogo.csv --html $db-gonogo.html
done
run rules explain --db s.db shapes-combined.log
run rules explain --db s.db --rules "$G" shapes-combined.log
run rules explain --db s.db --rules id.rules --format "$NGINX_FMT" \
	shapes-nginx.log
grep -q 'fp:' out || fail "explain names fingerprints"
sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for f in *.db *.copy *.csv *.html out err; do
	[ -f "$f" ] || continue
	if grep -F -a -f shapes.txt "$f" >/dev/null; then
		grep -F -a -o -f shapes.txt "$f" | head -3 >&2
		fail "a secret leaked into $f"
	fi
done
# explain with the generic rules shows no part of the api_key value
grep '^  field request = ' out | grep -a 'api_key=' |
	grep -a -v 'api_key=fp:[0-9a-f]\{16\}&' | head -3 > raw.txt
[ ! -s raw.txt ] || { cat raw.txt >&2; fail "explain shows api_key raw"; }

# the other side: ordinary user agents and client ids pass unchanged
python3 - "$TOP/tests/data/scrub" <<'PY'
import sys
d = sys.argv[1]
uas = open(d + "/user-agents.txt", encoding="utf-8").read().splitlines()
ids = open(d + "/client-ids.txt", encoding="utf-8").read().splitlines()
assert len(uas) >= 500 and len(ids) >= 200, (len(uas), len(ids))
def q(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')
with open("plain.log", "w", encoding="utf-8") as f:
    for i, ua in enumerate(uas):
        f.write('10.0.%d.%d - - [05/Jan/2026:10:00:00 +0000] "GET / '
                'HTTP/1.1" 200 5 "-" "%s" "-" "-" "%s" "-"\n'
                % (i // 250, i % 250, q(ua), q(ids[i % len(ids)])))
PY
cat > all.rules <<'R'
class legacy_key legacy
client http_x_client_id
rule legacy_key remote_addr .
phase p refuse legacy
R
"$KEYAUDIT" ingest -q --db p.db --rules all.rules --format "$NGINX_FMT" \
	plain.log
sqlite3 p.db "SELECT DISTINCT agent FROM agents" | sort > agents.got
sort -u "$TOP/tests/data/scrub/user-agents.txt" > agents.want
check_files agents.got agents.want "user agents pass unchanged"
sqlite3 p.db "SELECT DISTINCT client FROM counts" | sort > ids.got
sort -u "$TOP/tests/data/scrub/client-ids.txt" > ids.want
check_files ids.got ids.want "client ids pass unchanged"
