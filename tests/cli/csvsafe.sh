# CSV a spreadsheet will not run: a cell whose first character after any
# white space (ASCII, control characters, NBSP, the ideographic space and
# the other Unicode spaces) is a formula starter (= + - @, also full
# width) is neutralised in every report, and a class name from a rules
# file is limited to a safe set, so it cannot break a header.
. "$TOP/tests/cli/lib.sh"

cat > any.rules <<'R'
class api_key legacy
client http_x_client_id
rule api_key http_authorization ^(?<credential>.+)$
phase p refuse legacy
R
# each hostile value as a client id and as a user agent, in JSON lines
# (JSON escapes carry the control characters into the values)
python3 - <<'PY'
import json
vals = [" =1+1", "  +1+1", "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(1)",
        "\u00a0=1+1", "\u3000=1+1", "\n=1+1", "\u000b=1+1", "\u000c=1+1",
        "\r=1+1", "\t=1+1", "\u2003-2", "\ufeff@x", " \u00a0 \u3000+x",
        "=1+1", "+1", "-1", "@SUM(1)"]
with open("h.log", "w") as f:
    for i, v in enumerate(vals):
        o = {"ts": 1767607200 + i, "status": 200,
             "request": {"remote_ip": "203.0.113.%d" % i, "method": "GET",
                         "uri": "/x", "headers": {
                             "Authorization": ["k%d" % i],
                             "User-Agent": [v], "X-Client-Id": [v]}}}
        f.write(json.dumps(o) + "\n")
PY
"$KEYAUDIT" ingest -q --db h.db --rules any.rules h.log
for k in migration amnesty daily summary; do
	"$KEYAUDIT" report $k --db h.db -o $k.csv
done
"$KEYAUDIT" files --db h.db > files.csv
"$KEYAUDIT" gonogo --db h.db --rules any.rules -o gonogo.csv >/dev/null ||
	[ $? -eq 1 ]
python3 - migration.csv amnesty.csv daily.csv summary.csv files.csv \
	gonogo.csv <<'PY' || fail "a cell a spreadsheet would run"
import csv, sys, unicodedata
STARTERS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
def skipped(c):
    # what a spreadsheet may skip before a formula: white space, controls,
    # format characters (zero width, BOM)
    return c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs")
seen = 0
for path in sys.argv[1:]:
    for row in csv.reader(open(path, newline="", encoding="utf-8")):
        for cell in row:
            rest = cell.lstrip("".join(c for c in cell if skipped(c)))
            i = 0
            while i < len(cell) and skipped(cell[i]):
                i += 1
            if i < len(cell) and cell[i] in STARTERS:
                sys.exit("%s: %r would run" % (path, cell))
            seen += cell.startswith("'")
assert seen >= 20, "the hostile values are in the reports (%d)" % seen
PY
grep -q "\"'\\\\\?\xef\xbc\x9d1+1\"" migration.csv ||
	grep -q "'＝1+1" migration.csv || fail "full-width '=' neutralised"

# class names: letters, digits, '_' and '-', starting with a letter
for bad in '=1+1' 'a,b' 'A"b' '1abc' 'x=1' 'é'; do
	printf 'class %s legacy\nrule %s f x\n' "$bad" "$bad" > bad.rules
	expect_exit 2 "$KEYAUDIT" rules check --rules bad.rules >/dev/null \
		2>err
	grep -q "bad.rules:1: class name '.*' is not allowed" err ||
		{ cat err; fail "class name $bad"; }
done
printf 'class ok_1-x legacy\nrule ok_1-x f x\n' > good.rules
"$KEYAUDIT" rules check --rules good.rules >/dev/null || fail "a safe name"
