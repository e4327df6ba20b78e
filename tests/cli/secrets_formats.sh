# Credentials planted in every field of every format: after ingest, every
# report, files, gonogo and rules explain, none of them is in the
# database, a report, stdout or stderr.
. "$TOP/tests/cli/lib.sh"
python3 "$TOP/tests/scripts/plant.py"
[ "$(wc -l < secrets.txt)" -gt 500 ] || fail "too few secrets planted"
G=$TOP/rules/generic-api-keys.rules
A=$TOP/rules/aws-sigv2.rules
run() { "$KEYAUDIT" "$@" >>out 2>>err || { rc=$?; [ $rc -eq 1 ] || [ $rc -eq 6 ]; }; }
run ingest --db s.db combined.log
run ingest --db s.db --format "$NGINX_FMT" nginx.log
run ingest --db s.db jsonl.log
run ingest --db g.db --rules "$G" jsonl.log combined.log
run ingest --db a.db --rules "$A" s3.log
run ingest --db b.db --rules "$G" alb.log
printf 'client,owner\nx,y\n' > reg.csv
for db in s g a b; do
	for k in migration amnesty daily summary; do
		run report $k --db $db.db -o $db-$k.csv
		run report $k --db $db.db --format json -o $db-$k.json
	done
	run report outreach --db $db.db --registry reg.csv -o $db-outreach.csv
	run files --db $db.db
	run gonogo --db $db.db -o $db-gonogo.csv --html $db-gonogo.html
	sqlite3 $db.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
done
run rules explain --db s.db combined.log
run rules explain --db s.db --format "$NGINX_FMT" nginx.log
run rules explain --db s.db --rules "$G" jsonl.log
run rules explain --db a.db --rules "$A" s3.log
run rules explain --db b.db --rules "$G" alb.log
grep -q 'fp:' out || fail "explain names fingerprints"
for f in *.db *.csv *.json *.html out err; do
	if grep -F -a -f secrets.txt "$f" >/dev/null; then
		grep -F -a -o -f secrets.txt "$f" | head -3 >&2
		fail "a secret leaked into $f"
	fi
done
