#!/bin/sh
# demo.sh KEYAUDIT TOP: what `make demo` runs and prints, in the current
# directory: the sample logs of TOP ingested into keyaudit.db, the
# reports into reports/, then the summary that README.md shows.  The
# documentation test (tests/cli/docs_match.sh) runs it too.
set -e
K=$1
TOP=$2
rm -f keyaudit.db keyaudit.db-wal keyaudit.db-shm keyaudit.db.lock
mkdir -p reports
"$K" ingest "$TOP/sample-logs/combined"
"$K" ingest --format "$(cat "$TOP/sample-logs/nginx.format")" \
	"$TOP/sample-logs/nginx"
"$K" report migration -o reports/migration.csv
"$K" report amnesty -o reports/amnesty.csv
"$K" report daily -o reports/daily.csv
"$K" report summary -o reports/summary.csv
echo
echo "What the sample logs say (reports/*.csv):"
echo "  $(($(wc -l < reports/migration.csv) - 1)) clients still use an API key; the five busiest:"
tail -n +2 reports/migration.csv | head -5 | cut -d, -f1,2,5,9 |
	tr -d '"' | sed 's/^/    /; s/,/  legacy /; s/,/  of all /; s/,/  last /'
echo "  $(($(wc -l < reports/amnesty.csv) - 1)) of them send the amnesty header"
"$K" gonogo --phase reject-without-amnesty \
	-o reports/gonogo-clients.csv --html reports/gonogo.html |
	head -1 | sed 's/^/  /' || true
echo "  review page: reports/gonogo.html"
