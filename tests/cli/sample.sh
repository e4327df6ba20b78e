# The shipped sample logs (the demo's input) against their truth.
. "$TOP/tests/cli/lib.sh"
# a key file of one's own, nobody else's to read (as ssh has it)
cp "$TOP/tests/data/sample/sample.key" sample.key
chmod 600 sample.key
export KEYAUDIT_KEY_FILE="$T/sample.key"
S=$TOP/tests/data/sample
"$KEYAUDIT" ingest -q --db c.db "$TOP/sample-logs/combined"
"$KEYAUDIT" ingest -q --db n.db --format "$(cat "$TOP/sample-logs/nginx.format")" \
	"$TOP/sample-logs/nginx"
for l in c:combined n:nginx; do
	db=${l%%:*}.db name=${l#*:}
	db_counts $db > got.csv
	check_files got.csv "$S/$name.counts.csv" "$name sample counts"
	"$KEYAUDIT" report migration --db $db -o got.csv
	check_files got.csv "$S/$name.migration.csv" "$name sample migration"
done
# the generator still writes these samples, byte for byte
d=$T/regen
mkdir "$d"
"$LOGGEN" --layout nginx --lines 3000 --clients 400 --days 7 --seed 102 \
	--gzip --key-file "$KEYAUDIT_KEY_FILE" -o "$d/access.log.gz"
gzip -dc "$d/access.log.gz" > regen.log
gzip -dc "$TOP/sample-logs/nginx/access.log.gz" > shipped.log
check_files regen.log shipped.log "the generator is deterministic"
