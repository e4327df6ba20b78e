/* report_lookup.c: where credentials were used: the clients each was
 * counted under, its numbers and the client's state. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"

static const char *const lookup_cols[] = {
    "fingerprint", "client",	 "requests",  "amnesty_requests",
    "status_434",  "first_used", "last_used", "days_used",
    "state",	   "state_since"};
static const enum cell_kind lookup_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT};
#define LOOKUP_NCOLS 10

struct lookup {
	struct ctx *x;
	struct table *t;
	const char *fp; /* "fp:" and 16 hex digits */
	int found;
	int rc;
};

static int lookup_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	struct lookup *l = arg;
	struct facts f;
	const struct client_facts *cf;
	char since[16] = "";
	const char *v[LOOKUP_NCOLS];

	(void)n;
	(void)names;
	if (facts_load(l->x, &f, 0, c[0]) < 0)
		l->rc = -1;
	cf = facts_find(&f, c[0]);
	if (cf)
		report_day_text(cf->since, since);
	v[0] = l->fp;
	for (int i = 0; i < 7; i++)
		v[i + 1] = c[i];
	v[8] = cf ? report_state_name(cf->state) : "";
	v[9] = since;
	table_row(l->t, v);
	facts_free(&f);
	l->found++;
	return l->rc;
}

#define LOOKUP_SQL                                                            \
	"SELECT client, sum(n) AS k,"                                         \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO("min(first)") ", " ISO(                                       \
	    "max(last)") ", count(DISTINCT day)"                              \
			 " FROM creds WHERE " WINDOW                          \
			 " AND fp = ?3 AND class IN " LEGACY                  \
			 " GROUP BY client ORDER BY k DESC, client"

static int lookup_one(struct lookup *l)
{
	const char *p[3] = {l->x->params[0], l->x->params[1], l->fp + 3};
	const char *v[LOOKUP_NCOLS] = {l->fp, "", "0", "0",	   "0",
				       "",    "", "0", "not seen", ""};
	int before = l->found;

	if (store_each(l->x->st, LOOKUP_SQL, p, 3, lookup_row, l, l->x->err,
		       l->x->errlen) < 0 ||
	    l->rc < 0)
		return -1;
	if (l->found == before)
		table_row(l->t, v);
	return 0;
}

int report_lookup(struct store *st, const struct report_opts *o,
		  const char *const *fps, int n, char *err, size_t errlen)
{
	struct ctx x = {st, o, stdout, {NULL, NULL}, err, errlen};
	struct lookup l = {&x, NULL, NULL, 0, 0};
	int hits = 0;
	int rc = 0;

	x.params[0] = o->since ? o->since : "0000-00-00";
	x.params[1] = o->until ? o->until : "9999-99-99";
	l.t = table_new(stdout, o->json, lookup_cols, lookup_kinds,
			LOOKUP_NCOLS);
	for (int i = 0; i < n && rc == 0; i++) {
		int before = l.found;

		l.fp = fps[i];
		rc = lookup_one(&l);
		hits += l.found > before;
	}
	if (table_end(l.t) < 0 && rc == 0) {
		snprintf(err, errlen, "standard output: write failed");
		rc = -1;
	}
	return rc < 0 ? -1 : hits;
}
