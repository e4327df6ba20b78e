/* report_lookup.c: where credentials were used: the clients each was
 * counted under, its class, numbers and the client's state.  A legacy
 * credential is found among the credentials; one seen only as modern
 * (a PAT, an OAuth token), whose fingerprint the store keeps only as
 * the name of a client without a client id ("fp:HEX"), among the
 * counts; under a client id, among the origins (by day: its first and
 * last use are days).  The credentials asked for are read as one set, in one
 * scan of the credentials, one of the counts and one of the facts, whatever
 * their number. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "table.h"

static const char *const lookup_cols[] = {
    "fingerprint",	"client",     "class",	     "requests",
    "amnesty_requests", "status_434", "first_used",  "last_used",
    "days_used",	"state",      "state_since", "successor"};
static const enum cell_kind lookup_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_TEXT, CELL_NUM,	CELL_NUM,  CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_TEXT, CELL_TEXT, CELL_TEXT};
#define LOOKUP_NCOLS 12
#define FOUND_NCOLS  9 /* the columns of LOOKUP_SQL and MODERN_SQL */
#define LOOKUP_SET   "lookup_fps"

/* One (fingerprint, client) found: the columns of LOOKUP_SQL. */
struct found {
	char *c[FOUND_NCOLS]; /* fp (16 hex digits), client, class, then
			       * the numbers */
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
	l->v = xgrow(l->v, l->n, &l->cap, sizeof(*l->v), 64);
	fd = &l->v[l->n++];
	for (int i = 0; i < FOUND_NCOLS; i++)
		fd->c[i] = xstrdup(c[i] ? c[i] : "");
	return 0;
}

/* A fingerprint's class (or classes), numbers and days. */
#define LOOKUP_NUMS                                                           \
	" group_concat(DISTINCT class), sum(n) AS k,"                         \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " LOOKUP_FIRST ", " LOOKUP_LAST ", count(DISTINCT day)"
#define LOOKUP_FIRST ISO("min(first)")
#define LOOKUP_LAST  ISO("max(last)")
#define LOOKUP_SQL                                                            \
	"SELECT fp, client," LOOKUP_NUMS " FROM creds WHERE " WINDOW          \
	" AND fp IN (SELECT v FROM temp." LOOKUP_SET ")"                      \
	" AND class IN " LEGACY                                               \
	" GROUP BY fp, client ORDER BY fp, k DESC, client"
/* The modern requests of the clients named after a credential asked
 * for (clients without a client id). */
#define MODERN_SQL                                                            \
	"SELECT substr(client, 4), client," LOOKUP_NUMS                       \
	" FROM counts WHERE " WINDOW                                          \
	" AND client IN (SELECT 'fp:' || v FROM temp." LOOKUP_SET ")"         \
	" AND class NOT IN " LEGACY " GROUP BY client ORDER BY client"

/* The modern credentials under a client id, from the origins (schema
 * 6), which keep no amnesty, status or times: days. */
#define ORIGINS_SQL                                                           \
	"SELECT fp, client, group_concat(DISTINCT class), sum(n) AS k, 0, 0," \
	" min(day), max(day), count(DISTINCT day) FROM origins WHERE " WINDOW \
	" AND fp IN (SELECT v FROM temp." LOOKUP_SET ")"                      \
	" AND class NOT IN " LEGACY " GROUP BY fp, client"                    \
	" ORDER BY fp, k DESC, client"

static int has_origins(void *arg, int n, const char *const *c,
		       const char *const *names)
{
	(void)n;
	(void)c;
	(void)names;
	*(int *)arg = 1;
	return 0;
}

/* The origins' rows of the fingerprints (into l), when the database
 * keeps origins. */
static int origins_find(struct ctx *x, struct lookup *l)
{
	int has = 0;

	if (store_each(x->st,
		       "SELECT 1 FROM sqlite_master WHERE type = 'view' AND"
		       " name = 'origins'",
		       NULL, 0, has_origins, &has, x->err, x->errlen) < 0)
		return -1;
	return has ? store_each(x->st, ORIGINS_SQL, x->params, 2, found_row, l,
				x->err, x->errlen)
		   : 0;
}

/* Find every fingerprint of fps[0..n) in one scan of the credentials
 * (into l[0]), one of the counts (into l[1]) and one of the origins
 * (l[2]), and the facts of the clients they were counted under. */
static int lookup_find(struct ctx *x, struct lookup l[3], struct facts *f,
		       const char *const *fps, int n)
{
	size_t nk;
	const char **keys = xmalloc(((size_t)n + 1) * sizeof(*keys));
	int rc;

	for (int i = 0; i < n; i++)
		keys[i] = fps[i] + 3;
	rc = store_temp_set(x->st, LOOKUP_SET, keys, (size_t)n, x->err,
			    x->errlen);
	if (rc == 0)
		rc = store_each(x->st, LOOKUP_SQL, x->params, 2, found_row,
				&l[0], x->err, x->errlen);
	if (rc == 0)
		rc = store_each(x->st, MODERN_SQL, x->params, 2, found_row,
				&l[1], x->err, x->errlen);
	if (rc == 0)
		rc = origins_find(x, &l[2]);
	nk = l[0].n + l[1].n + l[2].n;
	keys = xrealloc(keys, (nk + 1) * sizeof(*keys));
	nk = 0;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < l[k].n; i++)
			keys[nk++] = l[k].v[i].c[1];
	if (rc == 0)
		rc = store_temp_set(x->st, FACTS_SET, keys, nk, x->err,
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

/* The rows of l for one fingerprint asked for ("fp:" and 16 hex
 * digits).  Return how many. */
static int found_write(struct table *t, const struct lookup *l,
		       const struct facts *f, const char *fp)
{
	size_t i = first_of(l, fp + 3);
	int seen = 0;

	for (; i < l->n && strcmp(l->v[i].c[0], fp + 3) == 0; i++) {
		const struct client_facts *cf = facts_find(f, l->v[i].c[1]);
		char since[DAY_SIZE] = "";
		const char *v[LOOKUP_NCOLS];

		if (cf)
			day_format(cf->since, since);
		v[0] = fp;
		for (int c = 1; c < FOUND_NCOLS; c++)
			v[c] = l->v[i].c[c];
		v[9] = cf ? client_state_name(cf->state) : "";
		v[10] = since;
		v[11] = cf && cf->heir ? cf->heir->by : "";
		table_row(t, v);
		seen++;
	}
	return seen;
}

/* The rows of one fingerprint asked for: as a legacy credential, then
 * as a modern one, or a "not seen" row.  Return whether it was seen. */
static int lookup_write(struct table *t, const struct lookup l[3],
			const struct facts *f, const char *fp)
{
	const char *none[LOOKUP_NCOLS] = {fp, "", "",  "0",	   "0", "0",
					  "", "", "0", "not seen", "",	""};
	int seen = found_write(t, &l[0], f, fp);

	seen += found_write(t, &l[1], f, fp);
	seen += found_write(t, &l[2], f, fp);
	if (!seen)
		table_row(t, none);
	return seen > 0;
}

int report_lookup(struct store *st, const struct report_opts *o,
		  const char *const *fps, int n, char *err, size_t errlen)
{
	struct ctx x = {st, o, stdout, {NULL, NULL}, err, errlen};
	struct lookup l[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
	struct facts f;
	struct table *t;
	int hits = 0;
	int rc;

	x.params[0] = o->since ? o->since : "0000-00-00";
	x.params[1] = o->until ? o->until : "9999-99-99";
	memset(&f, 0, sizeof(f));
	rc = lookup_find(&x, l, &f, fps, n);
	t = table_new(stdout, o->json, lookup_cols, lookup_kinds,
		      LOOKUP_NCOLS);
	for (int i = 0; i < n && rc == 0; i++)
		hits += lookup_write(t, l, &f, fps[i]);
	if (table_end(t) < 0 && rc == 0) {
		snprintf(err, errlen, "standard output: write failed");
		rc = -1;
	}
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < l[k].n; i++)
			for (int c = 0; c < FOUND_NCOLS; c++)
				free(l[k].v[i].c[c]);
		free(l[k].v);
	}
	facts_free(&f);
	return rc < 0 ? -1 : hits;
}
