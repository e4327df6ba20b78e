# Credential succession from the registry: without a client id a client
# is its credential, so a key replaced by a token looks dormant; a
# registry that gives both to one account makes it migrated (with the
# evidence), and GO where nothing else blocks; --strict-succession
# counts it as dormant still.  The token comes from another address, so
# that succession by address and agent (gonogo_origins.sh) finds none.
. "$TOP/tests/cli/lib.sh"

python3 "$TOP/tests/scripts/mklog.py" > s.log <<'PLAN'
old api_key 0 20 5 200 192.0.2.7 agent-x -
new pat 21 59 5 200 192.0.2.8 agent-x -
app pat 0 59 50
PLAN
"$KEYAUDIT" ingest -q --db s.db --format "$NGINX_FMT" s.log
old=$(sqlite3 s.db "SELECT DISTINCT client FROM counts WHERE class = 'api_key'")
new=$(sqlite3 s.db "SELECT DISTINCT client FROM counts WHERE class = 'pat' AND client LIKE 'fp:%'")
case "$old $new" in "fp:"*" fp:"*) ;; *) fail "clients: '$old' '$new'" ;; esac

# without the registry: a dormant key, NO-GO
expect_exit 1 "$KEYAUDIT" gonogo --db s.db --phase amnesty-ends > v
grep -q '^NO-GO: .* and 1 dormant (max 0)' v || { cat v; fail "dormant"; }

printf 'account,client_id,fingerprint\nAcme,acme,%s\nAcme,acme,%s\nOther,zzz,\n' \
	"$old" "$new" > reg.csv
expect_exit 0 "$KEYAUDIT" gonogo --db s.db --phase amnesty-ends -v \
	--registry reg.csv > v
grep -q '^GO: .* and 0 dormant (max 0)' v || { cat v; fail "succeeded: GO"; }
grep -q "^  succeeded (another credential of the same registry account used since): 1, migrated, not dormant$" v ||
	{ cat v; fail "succeeded counted"; }
grep -q "^  $old: migrated (registry): last legacy 2026-09-21; account acme's $new used 2026-10-30$" v ||
	{ cat v; fail "the evidence"; }

# strict: counted as dormant, the evidence still shown
expect_exit 1 "$KEYAUDIT" gonogo --db s.db --phase amnesty-ends -v \
	--registry reg.csv --strict-succession > v
grep -q '^NO-GO: .* and 1 dormant (max 0)' v || { cat v; fail "strict"; }
grep -q "^  $old: migrated (registry)" v || fail "strict: the evidence"

# a registry that names only the key: no successor, NO-GO
printf 'client_id,fingerprint\nacme,%s\n' "$old" > one.csv
expect_exit 1 "$KEYAUDIT" gonogo --db s.db --phase amnesty-ends \
	--registry one.csv > v
# the page shows the evidence
expect_exit 0 "$KEYAUDIT" gonogo --db s.db --phase amnesty-ends \
	--registry reg.csv --html s.html > v
grep -q "<tr><td>$old</td><td>2026-09-21</td><td>acme</td><td>$new</td><td>2026-10-30</td></tr>" s.html ||
	fail "the page: the evidence"
