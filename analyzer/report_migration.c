/* report_migration.c: the migration report, one row per legacy client. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "table.h"

/* ---- migration ---------------------------------------------------- */

/* Each legacy client's numbers and facts, all from the one pass of
 * facts_table() with FACTS_NUMS, and the first day it was warned. */
#define FIRST_SEEN ISO("lfirst")
#define LAST_SEEN  ISO("llast")
#define MIGRATION_SQL                                                         \
	"SELECT f.client, legacy, amnesty, total, s434, " FIRST_SEEN          \
	", " LAST_SEEN ", ldays, coalesce(agent, ''), ncreds, state,"         \
	" f.since, coalesce(routes, ''), coalesce(w.since, '')"               \
	" FROM temp.facts AS f LEFT JOIN temp.warned AS w"                    \
	" ON w.client = f.client ORDER BY legacy DESC, f.client"

static const char *const migration_cols[] = {
    "client",	    "legacy_requests", "amnesty_requests", "amnesty_share",
    "all_requests", "legacy_share",    "status_434",	   "first_seen",
    "last_seen",    "legacy_days",     "top_user_agent",   "credentials",
    "state",	    "state_since",     "legacy_routes",	   "warned_since"};
static const enum cell_kind migration_kinds[] = {
    CELL_TEXT, CELL_NUM,  CELL_NUM,  CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_NUM,  CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT};
#define MIGRATION_NCOLS 16

static int migration_row(void *arg, int n, const char *const *c,
			 const char *const *names)
{
	char ashare[32], lshare[32];
	const char *v[MIGRATION_NCOLS];

	(void)n;
	(void)names;
	report_share(ashare, sizeof(ashare), report_num(c[2]),
		     report_num(c[1]));
	report_share(lshare, sizeof(lshare), report_num(c[1]),
		     report_num(c[3]));
	v[0] = c[0];
	v[1] = c[1];
	v[2] = c[2];
	v[3] = ashare;
	v[4] = c[3];
	v[5] = lshare;
	v[6] = c[4];
	v[7] = c[5];
	v[8] = c[6];
	v[9] = c[7];
	v[10] = c[8];
	v[11] = c[9];
	v[12] = c[10] ? client_state_name((int)report_num(c[10])) : "";
	v[13] = c[11];
	v[14] = c[12];
	v[15] = c[13];
	table_row(arg, v);
	return 0;
}

int report_migration(struct ctx *x)
{
	struct facts f;
	struct table *t;
	int rc = facts_table(
	    x, &f, FACTS_AGENTS | FACTS_ROUTES | FACTS_CREDS | FACTS_NUMS, 1);

	t = table_new(x->f, x->o->json, migration_cols, migration_kinds,
		      MIGRATION_NCOLS);
	if (rc == 0 && (report_tmp_exec(x, REPORT_WARNED_DROP) < 0 ||
			report_tmp_exec(x, REPORT_WARNED_TABLE) < 0 ||
			report_tmp_exec(x, REPORT_WARNED_SQL) < 0))
		rc = -1;
	if (rc == 0)
		rc = store_each(x->st, MIGRATION_SQL, x->params, 2,
				migration_row, t, x->err, x->errlen);
	facts_free(&f);
	return table_end(t) < 0 ? -1 : rc;
}
