/* report_progress.c: how many legacy clients are in each migration state,
 * day by day. */
#include "day.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char *const progress_cols[] = {
    "day",	 "legacy-only", "mixed",   "migrated",
    "regressed", "dormant",	"refused", "legacy_clients"};
static const enum cell_kind progress_kinds[] = {CELL_TEXT, CELL_NUM, CELL_NUM,
						CELL_NUM,  CELL_NUM, CELL_NUM,
						CELL_NUM,  CELL_NUM};

static void progress_day(struct table *t, int64_t day, const long long *per)
{
	char cells[CLIENT_NSTATES + 1][32];
	char text[DAY_SIZE];
	const char *v[CLIENT_NSTATES + 2];
	long long all = 0;

	day_format(day, text);
	v[0] = text;
	for (int s = 0; s < CLIENT_NSTATES; s++) {
		snprintf(cells[s], sizeof(cells[s]), "%lld", per[s]);
		v[s + 1] = cells[s];
		all += per[s];
	}
	snprintf(cells[CLIENT_NSTATES], sizeof(cells[CLIENT_NSTATES]), "%lld",
		 all);
	v[CLIENT_NSTATES + 1] = cells[CLIENT_NSTATES];
	table_row(t, v);
}

int report_progress(struct ctx *x)
{
	struct facts f;
	struct table *t;
	int rc = facts_table(x, &f, FACTS_PER_DAY, 0);

	t = table_new(x->f, x->o->json, progress_cols, progress_kinds,
		      CLIENT_NSTATES + 2);
	for (int64_t d = f.first; rc == 0 && f.per_day && d <= f.now; d++)
		progress_day(t, d, f.per_day[d - f.first]);
	facts_free(&f);
	return table_end(t) < 0 ? -1 : rc;
}
