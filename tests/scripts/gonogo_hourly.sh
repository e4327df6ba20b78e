# tests/scripts/gonogo_hourly.sh: sourced by the gonogo CLI tests.

# hourly_table DB: leave the store's hourly counts (schema 2) as they
# are; a database without them gets a table made by hand from the
# case's truth, c.hourly.csv.
hourly_table() {
	if [ -z "$(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE
		type = 'table' AND name = 'hourly'")" ]; then
		sqlite3 "$1" "CREATE TABLE hourly(day TEXT, hour INTEGER,
			client TEXT, class TEXT, amnesty INTEGER,
			status INTEGER, n INTEGER, PRIMARY KEY(day, hour,
			client, class, amnesty, status)) WITHOUT ROWID"
		sqlite3 "$1" ".import --csv --skip 1 c.hourly.csv hourly"
	fi
}
