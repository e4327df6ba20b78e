/* report_migration.c: the migration report, one row per legacy client. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "table.h"

/* ---- migration ---------------------------------------------------- */

#define MIGRATION_SQL                                                         \
	"SELECT client,"                                                      \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END) AS legacy,"    \
	" sum(CASE WHEN class IN " LEGACY " AND amnesty = 1 THEN n"           \
	"  ELSE 0 END),"                                                      \
	" sum(n),"                                                            \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO(                                                              \
	    "min(CASE WHEN class IN " LEGACY                                  \
	    " THEN first END)") ","                                           \
				" " ISO(                                      \
				    "max(CASE WHEN class IN " LEGACY          \
				    " THEN last END)") ","                    \
						       " count(DISTINCT "     \
						       "CASE WHEN class "     \
						       "IN " LEGACY           \
						       " THEN day END),"      \
						       " max(CASE WHEN "      \
						       "class IN " LEGACY     \
						       " THEN last END)"      \
						       " FROM counts "        \
						       "WHERE " WINDOW        \
						       " GROUP BY client "    \
						       "HAVING legacy > 0"    \
						       " ORDER BY legacy "    \
						       "DESC, client"

static const char *const migration_cols[] = {
    "client",	    "legacy_requests", "amnesty_requests", "amnesty_share",
    "all_requests", "legacy_share",    "status_434",	   "first_seen",
    "last_seen",    "legacy_days",     "top_user_agent",   "credentials",
    "state",	    "state_since",     "legacy_routes"};
static const enum cell_kind migration_kinds[] = {
    CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,  CELL_NUM,
    CELL_NUM,  CELL_NUM, CELL_TEXT, CELL_TEXT, CELL_NUM,
    CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT, CELL_TEXT};
#define MIGRATION_NCOLS 15

struct migration {
	struct table *t;
	struct facts f;
};

static int migration_row(void *arg, int n, const char *const *c,
			 const char *const *names)
{
	struct migration *m = arg;
	const struct client_facts *cf = facts_find(&m->f, c[0]);
	char ashare[32], lshare[32], ncred[32], since[16] = "";
	const char *v[MIGRATION_NCOLS];

	(void)n;
	(void)names;
	report_share(ashare, sizeof(ashare), report_num(c[2]),
		     report_num(c[1]));
	report_share(lshare, sizeof(lshare), report_num(c[1]),
		     report_num(c[3]));
	snprintf(ncred, sizeof(ncred), "%lld", cf ? cf->ncreds : 0);
	if (cf)
		report_day_text(cf->since, since);
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
	v[10] = cf && cf->agent ? cf->agent : "";
	v[11] = ncred;
	v[12] = cf ? report_state_name(cf->state) : "";
	v[13] = since;
	v[14] = cf && cf->routes ? cf->routes : "";
	table_row(m->t, v);
	return 0;
}

int report_migration(struct ctx *x)
{
	struct migration m;
	int rc =
	    facts_load(x, &m.f, FACTS_AGENTS | FACTS_ROUTES | FACTS_CREDS);

	m.t = table_new(x->f, x->o->json, migration_cols, migration_kinds,
			MIGRATION_NCOLS);
	if (rc == 0)
		rc = store_each(x->st, MIGRATION_SQL, x->params, 2,
				migration_row, &m, x->err, x->errlen);
	facts_free(&m.f);
	return table_end(m.t) < 0 ? -1 : rc;
}
