# tests/scripts/gonogo_hourly.sh: sourced by the gonogo CLI tests.

# hourly_table DB: leave the store's hourly counts (the view hourly, or a
# table) as they are; a database without them gets a table made by
# hand from the case's truth, c.hourly.csv.
hourly_table() {
	if [ -z "$(hourly_type "$1")" ]; then
		sqlite3 "$1" "CREATE TABLE hourly(day TEXT, hour INTEGER,
			client TEXT, class TEXT, amnesty INTEGER,
			status INTEGER, n INTEGER, PRIMARY KEY(day, hour,
			client, class, amnesty, status)) WITHOUT ROWID"
		sqlite3 "$1" ".import --csv --skip 1 c.hourly.csv hourly"
	fi
}

# hourly_type DB: "table", "view" or nothing
hourly_type() {
	sqlite3 "$1" "SELECT type FROM sqlite_master WHERE name = 'hourly'"
}

# hourly_drop DB: make DB one without hourly counts
hourly_drop() {
	t=$(hourly_type "$1")
	[ -z "$t" ] || sqlite3 "$1" "DROP $t hourly"
}
