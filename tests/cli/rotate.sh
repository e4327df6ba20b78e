# Twelve days of logrotate on generated logs: growth between runs,
# partial lines, rotation, delayed compression, a run during compression,
# copytruncate, the same files twice, and concurrent runs (each of them
# on at least one of the days).  After every
# run the database equals a clean ingest of every complete line written
# so far; at the end it equals the generator's truth.
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout combined --lines 6000 --days 12 --seed 11 \
	--key-file test.key -o month.log
# the clean ingests it checks against by the plain build where there is
# one (the sanitizer build's own runs are the ones under test)
oracle="$TOP/build/keyaudit"
[ -x "$oracle" ] || oracle=$KEYAUDIT
python3 "$TOP/tests/scripts/rotate.py" "$KEYAUDIT" month.log "$oracle" 12
# and the whole log equals the generator's truth
db_counts rot.db > got.csv
check_files got.csv month.log.counts.csv "month against the truth"
