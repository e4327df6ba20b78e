/* report_lookup.c: where credentials were used: the clients each was
 * counted under, its numbers and the client's state.  The credentials
 * asked for are read as one set, in one scan of the credentials and one
 * of the counts, whatever their number. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "table.h"

static const char *const lookup_cols[] = {
    "fingerprint", "client",	 "requests",  "amnesty_requests",
    "status_434",  "first_used", "last_used", "days_used",
    "state",	   "state_since"};
static const enum cell_kind lookup_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT};
#define LOOKUP_NCOLS 10
#define LOOKUP_SET   "lookup_fps"

/* One (fingerprint, client) found: the columns of LOOKUP_SQL. */
struct found {
	char *c[8]; /* fp (16 hex digits), client, then the numbers */
};

struct lookup {
	struct found *v; /* in fp order, each fp's busiest client first */
	size_t n, cap;
};

static int found_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct lookup *l = arg;
	struct found *fd;

	(void)n;
	(void)names;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	fd = &l->v[l->n++];
	for (int i = 0; i < 8; i++)
		fd->c[i] = xstrdup(c[i] ? c[i] : "");
	return 0;
}

#define LOOKUP_SQL                                                            \
	"SELECT fp, client, sum(n) AS k,"                                     \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO("min(first)") ", " ISO(                                       \
	    "max(last)") ", count(DISTINCT day)"                              \
			 " FROM creds WHERE " WINDOW                          \
			 " AND fp IN (SELECT v FROM temp." LOOKUP_SET ")"     \
			 " AND class IN " LEGACY                              \
			 " GROUP BY fp, client ORDER BY fp, k DESC, client"

/* Find every fingerprint of fps[0..n) in one scan, and the facts of the
 * clients they were counted under in another. */
static int lookup_find(struct ctx *x, struct lookup *l, struct facts *f,
		       const char *const *fps, int n)
{
	const char **keys = xmalloc(((size_t)n + 1) * sizeof(*keys));
	int rc;

	for (int i = 0; i < n; i++)
		keys[i] = fps[i] + 3;
	rc = store_temp_set(x->st, LOOKUP_SET, keys, (size_t)n, x->err,
			    x->errlen);
	if (rc == 0)
		rc = store_each(x->st, LOOKUP_SQL, x->params, 2, found_row, l,
				x->err, x->errlen);
	keys = xrealloc(keys, (l->n + 1) * sizeof(*keys));
	for (size_t i = 0; i < l->n; i++)
		keys[i] = l->v[i].c[1];
	if (rc == 0)
		rc = store_temp_set(x->st, FACTS_SET, keys, l->n, x->err,
				    x->errlen);
	free(keys);
	if (rc == 0)
		rc = facts_load(x, f, FACTS_CHOSEN);
	return rc;
}

/* The first row found for the fingerprint fp (16 hex digits), or
 * l->n. */
static size_t first_of(const struct lookup *l, const char *fp)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->v[mid].c[0], fp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The rows of one fingerprint asked for ("fp:" and 16 hex digits), or a
 * "not seen" row.  Return whether it was seen. */
static int lookup_write(struct table *t, const struct lookup *l,
			const struct facts *f, const char *fp)
{
	const char *none[LOOKUP_NCOLS] = {fp, "", "0", "0",	   "0",
					  "", "", "0", "not seen", ""};
	size_t i = first_of(l, fp + 3);
	int seen = 0;

	for (; i < l->n && strcmp(l->v[i].c[0], fp + 3) == 0; i++) {
		const struct client_facts *cf = facts_find(f, l->v[i].c[1]);
		char since[DAY_SIZE] = "";
		const char *v[LOOKUP_NCOLS];

		if (cf)
			day_format(cf->since, since);
		v[0] = fp;
		for (int c = 1; c < 8; c++)
			v[c] = l->v[i].c[c];
		v[8] = cf ? client_state_name(cf->state) : "";
		v[9] = since;
		table_row(t, v);
		seen = 1;
	}
	if (!seen)
		table_row(t, none);
	return seen;
}

int report_lookup(struct store *st, const struct report_opts *o,
		  const char *const *fps, int n, char *err, size_t errlen)
{
	struct ctx x = {st, o, stdout, {NULL, NULL}, err, errlen};
	struct lookup l = {NULL, 0, 0};
	struct facts f;
	struct table *t;
	int hits = 0;
	int rc;

	x.params[0] = o->since ? o->since : "0000-00-00";
	x.params[1] = o->until ? o->until : "9999-99-99";
	memset(&f, 0, sizeof(f));
	rc = lookup_find(&x, &l, &f, fps, n);
	t = table_new(stdout, o->json, lookup_cols, lookup_kinds,
		      LOOKUP_NCOLS);
	for (int i = 0; i < n && rc == 0; i++)
		hits += lookup_write(t, &l, &f, fps[i]);
	if (table_end(t) < 0 && rc == 0) {
		snprintf(err, errlen, "standard output: write failed");
		rc = -1;
	}
	for (size_t i = 0; i < l.n; i++)
		for (int c = 0; c < 8; c++)
			free(l.v[i].c[c]);
	free(l.v);
	facts_free(&f);
	return rc < 0 ? -1 : hits;
}
