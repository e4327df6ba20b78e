/* report_amnesty.c: the amnesty report, clients that send the header. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "table.h"

/* ---- amnesty ------------------------------------------------------ */

/* A legacy request that carried the amnesty header. */
#define AMNESTY_LEGACY "amnesty = 1 AND class IN " LEGACY
#define AMNESTY_FIRST  ISO("min(CASE WHEN " AMNESTY_LEGACY " THEN first END)")
#define AMNESTY_LAST   ISO("max(CASE WHEN " AMNESTY_LEGACY " THEN last END)")
/* The sum is named a_sum, not amnesty: in HAVING and ORDER BY, SQLite
 * reads a name that is also a column of counts as the column (the
 * amnesty flag of whichever row it picked), not as the sum. */
#define AMNESTY_SQL                                                           \
	"SELECT client,"                                                      \
	" sum(CASE WHEN " AMNESTY_LEGACY " THEN n ELSE 0 END) AS a_sum,"      \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END),"              \
	" " AMNESTY_FIRST ", " AMNESTY_LAST ","                               \
	" count(DISTINCT CASE WHEN " AMNESTY_LEGACY " THEN day END)"          \
	" FROM counts WHERE " WINDOW " GROUP BY client"                       \
	" HAVING a_sum > 0 ORDER BY a_sum DESC, client"

static const char *const amnesty_cols[] = {
    "client",	     "amnesty_requests", "legacy_requests", "amnesty_share",
    "first_amnesty", "last_amnesty",	 "amnesty_days"};
static const enum cell_kind amnesty_kinds[] = {
    CELL_TEXT, CELL_NUM, CELL_NUM, CELL_NUM, CELL_TEXT, CELL_TEXT, CELL_NUM};

static int amnesty_row(void *arg, int n, const char *const *c,
		       const char *const *names)
{
	char s[32];
	const char *v[7] = {c[0], c[1], c[2], s, c[3], c[4], c[5]};

	(void)n;
	(void)names;
	report_share(s, sizeof(s), report_num(c[1]), report_num(c[2]));
	table_row(arg, v);
	return 0;
}

int report_amnesty(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, amnesty_cols, amnesty_kinds, 7);
	int rc = store_each(x->st, AMNESTY_SQL, x->params, 2, amnesty_row, t,
			    x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}
