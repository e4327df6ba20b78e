/* report.c: the reports: SQL over the store, rows through table.c. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "registry.h"
#include "table.h"

#define LEGACY	 "(SELECT name FROM classes WHERE legacy = 1)"
#define WINDOW	 "day BETWEEN ?1 AND ?2"
#define ISO(x)	 "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
#define MAX_COLS 64

/* What every report function gets. */
struct ctx {
	struct store *st;
	const struct report_opts *o;
	FILE *f;
	const char *params[2]; /* since, until */
	char *err;
	size_t errlen;
};

static void share(char *out, size_t n, long long a, long long b)
{
	snprintf(out, n, "%.4f", b ? (double)a / (double)b : 0.0);
}

static long long num(const char *s)
{
	return s ? atoll(s) : 0;
}

/* ---- migration ---------------------------------------------------- */

#define MIGRATION_SQL                                                         \
	"WITH c AS (SELECT client,"                                           \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END) AS legacy,"    \
	" sum(CASE WHEN class IN " LEGACY " AND amnesty = 1 THEN n"           \
	"  ELSE 0 END) AS amnesty,"                                           \
	" sum(n) AS total,"                                                   \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END) AS s434,"             \
	" min(CASE WHEN class IN " LEGACY " THEN first END) AS first,"        \
	" max(CASE WHEN class IN " LEGACY " THEN last END) AS last,"          \
	" count(DISTINCT CASE WHEN class IN " LEGACY " THEN day END)"         \
	"  AS days"                                                           \
	" FROM counts WHERE " WINDOW " GROUP BY client HAVING legacy > 0),"   \
	" ua AS (SELECT client, agent, sum(n) AS n FROM agents"               \
	"  WHERE " WINDOW " AND class IN " LEGACY                             \
	"  GROUP BY client, agent),"                                          \
	" top AS (SELECT client, agent FROM (SELECT client, agent,"           \
	"  row_number() OVER (PARTITION BY client ORDER BY n DESC, agent)"    \
	"  AS r FROM ua) WHERE r = 1),"                                       \
	" cr AS (SELECT client, count(DISTINCT fp) AS k FROM creds"           \
	"  WHERE " WINDOW " AND class IN " LEGACY " GROUP BY client)"         \
	" SELECT c.client, legacy, amnesty, total, s434, " ISO(               \
	    "first") ","                                                      \
		     " " ISO("last") ", days, coalesce(top.agent, ''),"       \
				     " coalesce(cr.k, 0), last"               \
				     " FROM c LEFT JOIN top USING (client) "  \
				     "LEFT JOIN cr USING (client)"            \
				     " ORDER BY legacy DESC, c.client"

static const char *const migration_cols[] = {
    "client",	    "legacy_requests", "amnesty_requests", "amnesty_share",
    "all_requests", "legacy_share",    "status_434",	   "first_seen",
    "last_seen",    "legacy_days",     "top_user_agent",   "credentials"};
static const enum cell_kind migration_kinds[] = {
    CELL_TEXT, CELL_NUM,  CELL_NUM,  CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_NUM,  CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_NUM};

static int migration_row(void *arg, int n, const char *const *c,
			 const char *const *names)
{
	struct table *t = arg;
	char ashare[32];
	char lshare[32];
	const char *v[12];

	(void)n;
	(void)names;
	share(ashare, sizeof(ashare), num(c[2]), num(c[1]));
	share(lshare, sizeof(lshare), num(c[1]), num(c[3]));
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
	table_row(t, v);
	return 0;
}

static int rep_migration(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, migration_cols, migration_kinds, 12);
	int rc = store_each(x->st, MIGRATION_SQL, x->params, 2, migration_row,
			    t, x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}

/* ---- amnesty ------------------------------------------------------ */

#define AMNESTY_SQL                                                           \
	"SELECT client,"                                                      \
	" sum(CASE WHEN amnesty = 1 AND class IN " LEGACY " THEN n"           \
	"  ELSE 0 END) AS amnesty,"                                           \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END) AS legacy,"    \
	" " ISO(                                                              \
	    "min(CASE WHEN amnesty = 1 AND class IN " LEGACY                  \
	    " THEN first END)") ","                                           \
				" " ISO(                                      \
				    "max(CASE WHEN amnesty = 1 AND class "    \
				    "IN " LEGACY                              \
				    " THEN last END)") ","                    \
						       " count(DISTINCT "     \
						       "CASE WHEN amnesty = " \
						       "1 AND class "         \
						       "IN " LEGACY           \
						       "  THEN day END)"      \
						       " FROM counts "        \
						       "WHERE " WINDOW        \
						       " GROUP BY client "    \
						       "HAVING amnesty > 0"   \
						       " ORDER BY amnesty "   \
						       "DESC, client"

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
	share(s, sizeof(s), num(c[1]), num(c[2]));
	table_row(arg, v);
	return 0;
}

static int rep_amnesty(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, amnesty_cols, amnesty_kinds, 7);
	int rc = store_each(x->st, AMNESTY_SQL, x->params, 2, amnesty_row, t,
			    x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}

/* ---- the auth classes, in rules order ----------------------------- */

struct classes {
	char *name[MAX_COLS];
	int legacy[MAX_COLS];
	int n;
};

static int class_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct classes *cl = arg;

	(void)n;
	(void)names;
	if (cl->n < MAX_COLS - 16) {
		cl->name[cl->n] = xstrdup(c[0]);
		cl->legacy[cl->n++] = (int)num(c[1]);
	}
	return 0;
}

static int load_classes(struct ctx *x, struct classes *cl)
{
	cl->n = 0;
	return store_each(x->st,
			  "SELECT name, legacy FROM classes ORDER BY ord",
			  NULL, 0, class_row, cl, x->err, x->errlen);
}

static void free_classes(struct classes *cl)
{
	for (int i = 0; i < cl->n; i++)
		free(cl->name[i]);
}

static int class_of(const struct classes *cl, const char *name)
{
	for (int i = 0; i < cl->n; i++)
		if (strcmp(cl->name[i], name) == 0)
			return i;
	return -1;
}

/* ---- daily -------------------------------------------------------- */

struct day {
	char day[16];
	long long per_class[MAX_COLS];
	long long total, legacy, amnesty, s434, clients;
};

struct daily {
	struct classes cl;
	struct day cur;
	struct table *t;
	const char *names[MAX_COLS];
	enum cell_kind kinds[MAX_COLS];
	int ncols;
	/* legacy clients per day, from the second query */
	char (*cdays)[16];
	long long *cn;
	int ncd;
	int cdi;
};

static void daily_flush(struct daily *d)
{
	char vals[MAX_COLS][32];
	const char *v[MAX_COLS];
	int k = 0;
	struct day *c = &d->cur;

	if (!c->day[0])
		return;
	while (d->cdi < d->ncd && strcmp(d->cdays[d->cdi], c->day) < 0)
		d->cdi++;
	if (d->cdi < d->ncd && strcmp(d->cdays[d->cdi], c->day) == 0)
		c->clients = d->cn[d->cdi];
	v[k++] = c->day;
	snprintf(vals[k], 32, "%lld", c->total);
	v[k] = vals[k];
	k++;
	for (int i = 0; i < d->cl.n; i++, k++) {
		snprintf(vals[k], 32, "%lld", c->per_class[i]);
		v[k] = vals[k];
	}
	snprintf(vals[k], 32, "%lld", c->legacy);
	v[k] = vals[k], k++;
	share(vals[k], 32, c->legacy, c->total);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->amnesty);
	v[k] = vals[k], k++;
	share(vals[k], 32, c->amnesty, c->total);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->s434);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->clients);
	v[k] = vals[k], k++;
	table_row(d->t, v);
	memset(c, 0, sizeof(*c));
}

static int daily_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct daily *d = arg;
	int k = class_of(&d->cl, c[1]);
	long long v = num(c[4]);

	(void)n;
	(void)names;
	if (strcmp(c[0], d->cur.day) != 0) {
		daily_flush(d);
		snprintf(d->cur.day, sizeof(d->cur.day), "%s", c[0]);
	}
	d->cur.total += v;
	if (k >= 0) {
		d->cur.per_class[k] += v;
		if (d->cl.legacy[k]) {
			d->cur.legacy += v;
			if (num(c[2]))
				d->cur.amnesty += v;
		}
	}
	if (num(c[3]))
		d->cur.s434 += v;
	return 0;
}

static int clients_row(void *arg, int n, const char *const *c,
		       const char *const *names)
{
	struct daily *d = arg;

	(void)n;
	(void)names;
	d->cdays = xrealloc(d->cdays, (size_t)(d->ncd + 1) * 16);
	d->cn = xrealloc(d->cn, (size_t)(d->ncd + 1) * sizeof(*d->cn));
	snprintf(d->cdays[d->ncd], 16, "%s", c[0]);
	d->cn[d->ncd++] = num(c[1]);
	return 0;
}

static void daily_columns(struct daily *d)
{
	static const char *const tail[] = {
	    "legacy_requests", "legacy_share", "amnesty_requests",
	    "amnesty_share",   "status_434",   "legacy_clients"};
	int k = 0;

	d->names[k] = "day";
	d->kinds[k++] = CELL_TEXT;
	d->names[k] = "requests";
	d->kinds[k++] = CELL_NUM;
	for (int i = 0; i < d->cl.n; i++) {
		d->names[k] = d->cl.name[i];
		d->kinds[k++] = CELL_NUM;
	}
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
		d->names[k] = tail[i];
		d->kinds[k++] = CELL_NUM;
	}
	d->ncols = k;
}

static int rep_daily(struct ctx *x)
{
	struct daily d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (load_classes(x, &d.cl) < 0)
		return -1;
	rc = store_each(
	    x->st,
	    "SELECT day, count(DISTINCT client) FROM counts WHERE " WINDOW
	    " AND class IN " LEGACY " GROUP BY day ORDER BY day",
	    x->params, 2, clients_row, &d, x->err, x->errlen);
	daily_columns(&d);
	d.t = table_new(x->f, x->o->json, d.names, d.kinds, d.ncols);
	if (rc == 0)
		rc =
		    store_each(x->st,
			       "SELECT day, class, amnesty, status = 434,"
			       " sum(n) FROM counts WHERE " WINDOW
			       " GROUP BY 1, 2, 3, 4 ORDER BY 1",
			       x->params, 2, daily_row, &d, x->err, x->errlen);
	daily_flush(&d);
	if (table_end(d.t) < 0)
		rc = -1;
	free(d.cdays);
	free(d.cn);
	free_classes(&d.cl);
	return rc;
}

/* ---- summary ------------------------------------------------------ */

static const char *const summary_cols[] = {"section", "name", "value"};
static const enum cell_kind summary_kinds[] = {CELL_TEXT, CELL_TEXT, CELL_NUM};

static int summary_row(void *arg, int n, const char *const *c,
		       const char *const *names)
{
	const char *v[3] = {c[0], c[1], c[2] ? c[2] : "0"};

	(void)n;
	(void)names;
	table_row(arg, v);
	return 0;
}

#define SUMMARY_SQL                                                           \
	"WITH w AS (SELECT * FROM counts WHERE " WINDOW ")"                   \
	" SELECT 'requests', 'all', sum(n), 0 AS o1, '' AS o2 FROM w"         \
	" UNION ALL SELECT 'class', name, (SELECT sum(n) FROM w"              \
	"  WHERE w.class = classes.name), 1, printf('%04d', ord)"             \
	"  FROM classes"                                                      \
	" UNION ALL SELECT 'legacy', 'requests', sum(n), 2, 'a' FROM w"       \
	"  WHERE class IN " LEGACY                                            \
	" UNION ALL SELECT 'legacy', 'amnesty_requests', sum(n), 2, 'b'"      \
	"  FROM w WHERE class IN " LEGACY " AND amnesty = 1"                  \
	" UNION ALL SELECT 'legacy', 'clients', count(DISTINCT client), 2,"   \
	"  'c' FROM w WHERE class IN " LEGACY                                 \
	" UNION ALL SELECT 'status', (status / 100) || 'xx', sum(n), 3,"      \
	"  (status / 100) || 'xx' FROM w GROUP BY status / 100"               \
	" UNION ALL SELECT 'status', '434', sum(n), 4, '' FROM w"             \
	"  WHERE status = 434"                                                \
	" UNION ALL SELECT 'input', 'files', count(*), 5, 'a' FROM files"     \
	" UNION ALL SELECT 'input', 'lines', sum(lines), 5, 'b' FROM files"   \
	" UNION ALL SELECT 'input', 'bad_lines', sum(bad), 5, 'c'"            \
	"  FROM files"                                                        \
	" UNION ALL SELECT 'window', 'days', count(DISTINCT day), 6, ''"      \
	"  FROM w"                                                            \
	" ORDER BY 4, 5"

static int rep_summary(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, summary_cols, summary_kinds, 3);
	int rc = store_each(x->st, SUMMARY_SQL, x->params, 2, summary_row, t,
			    x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}

/* ---- files -------------------------------------------------------- */

static const char *const files_cols[] = {
    "names",	      "fingerprint",   "bytes", "lines",
    "bad_lines",      "pending_bytes", "state", "gzip",
    "first_ingested", "last_ingested"};
static const enum cell_kind files_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_NUM,  CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT};

static int plain_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	(void)n;
	(void)names;
	table_row(arg, c);
	return 0;
}

static int rep_files(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, files_cols, files_kinds, 10);
	int rc = store_each(
	    x->st,
	    "SELECT (SELECT group_concat(name, ' | ') FROM (SELECT name"
	    "  FROM file_names WHERE file_id = files.id ORDER BY name)),"
	    " head_fp, bytes, lines, bad, pending, state, gzip,"
	    " first_ingested, last_ingested FROM files ORDER BY id",
	    NULL, 0, plain_row, t, x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}

/* ---- outreach ----------------------------------------------------- */

#define DAY	      86400
#define HIGH_DAYS     7	  /* high: a legacy request this recent ... */
#define HIGH_REQUESTS 100 /* ... and at least this many */
#define MEDIUM_DAYS   30  /* medium: a legacy request this recent */

struct client {
	char *v[8]; /* client legacy amnesty last_seen agent last(epoch) */
	char *fps[16];
	int nfps;
	int prio; /* 0 high, 1 medium, 2 low */
};

struct outrow {
	const struct client *c;
	const char *const *reg; /* registry row, or NULL */
	int regi;
};

struct outreach {
	struct client *cl;
	int n;
	struct outrow *rows;
	int nrows;
	int64_t newest;
	const struct client *cur;
};

static int outreach_client(void *arg, int n, const char *const *c,
			   const char *const *names)
{
	struct outreach *o = arg;
	struct client *cl;
	static const int pick[] = {0, 1, 2, 6, 8, 10};

	(void)n;
	(void)names;
	o->cl = xrealloc(o->cl, (size_t)(o->n + 1) * sizeof(*o->cl));
	cl = &o->cl[o->n++];
	memset(cl, 0, sizeof(*cl));
	for (int i = 0; i < 6; i++)
		cl->v[i] = xstrdup(c[pick[i]] ? c[pick[i]] : "");
	return 0;
}

static int outreach_fp(void *arg, int n, const char *const *c,
		       const char *const *names)
{
	struct client *cl = arg;

	(void)n;
	(void)names;
	if (cl->nfps < 16)
		cl->fps[cl->nfps++] = xstrdup(c[0]);
	return 0;
}

static int newest_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	(void)n;
	(void)names;
	*(int64_t *)arg = num(c[0]);
	return 0;
}

static void add_row(void *arg, const char *const *reg)
{
	struct outreach *o = arg;

	o->rows = xrealloc(o->rows, (size_t)(o->nrows + 1) * sizeof(*o->rows));
	o->rows[o->nrows].c = o->cur;
	o->rows[o->nrows].reg = reg;
	o->rows[o->nrows].regi = o->nrows;
	o->nrows++;
}

static int outrow_cmp(const void *a, const void *b)
{
	const struct outrow *x = a;
	const struct outrow *y = b;
	long long lx = num(x->c->v[1]);
	long long ly = num(y->c->v[1]);
	int d;

	if (x->c->prio != y->c->prio)
		return x->c->prio - y->c->prio;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	d = strcmp(x->c->v[0], y->c->v[0]);
	return d ? d : x->regi - y->regi;
}

static const char *const prio_name[] = {"high", "medium", "low"};

static void write_outreach(struct ctx *x, struct outreach *o,
			   const struct registry *reg)
{
	const char *names[MAX_COLS];
	enum cell_kind kinds[MAX_COLS];
	char *renamed[MAX_COLS] = {NULL};
	static const char *const ours[] = {
	    "priority",	 "client",	    "in_registry",
	    "action",	 "legacy_requests", "amnesty_requests",
	    "last_seen", "top_user_agent"};
	int nours = 8;
	int ncols = nours;
	struct table *t;

	for (int i = 0; i < nours; i++) {
		names[i] = ours[i];
		kinds[i] = i == 4 || i == 5 ? CELL_NUM : CELL_TEXT;
	}
	for (int i = 0; i < reg->ncols && ncols < MAX_COLS; i++, ncols++) {
		int clash = 0;

		for (int j = 0; j < nours; j++)
			clash |= strcasecmp(reg->cols[i], ours[j]) == 0;
		if (clash) {
			renamed[i] = xmalloc(strlen(reg->cols[i]) + 10);
			sprintf(renamed[i], "registry_%s", reg->cols[i]);
		}
		names[ncols] = renamed[i] ? renamed[i] : reg->cols[i];
		kinds[ncols] = CELL_TEXT;
	}
	t = table_new(x->f, x->o->json, names, kinds, ncols);
	for (int r = 0; r < o->nrows; r++) {
		const struct outrow *w = &o->rows[r];
		const char *v[MAX_COLS];

		v[0] = prio_name[w->c->prio];
		v[1] = w->c->v[0];
		v[2] = w->reg ? "yes" : "no";
		v[3] = x->o->action ? x->o->action : REPORT_ACTION;
		v[4] = w->c->v[1];
		v[5] = w->c->v[2];
		v[6] = w->c->v[3];
		v[7] = w->c->v[4];
		for (int i = nours; i < ncols; i++)
			v[i] = w->reg ? w->reg[i - nours] : "";
		table_row(t, v);
	}
	table_end(t);
	for (int i = 0; i < MAX_COLS; i++)
		free(renamed[i]);
}

static int outreach_collect(struct ctx *x, struct outreach *o,
			    const struct registry *reg)
{
	if (store_each(x->st, "SELECT max(last) FROM counts WHERE " WINDOW,
		       x->params, 2, newest_row, &o->newest, x->err,
		       x->errlen) < 0 ||
	    store_each(x->st, MIGRATION_SQL, x->params, 2, outreach_client, o,
		       x->err, x->errlen) < 0)
		return -1;
	for (int i = 0; i < o->n; i++) {
		struct client *c = &o->cl[i];
		const char *p[3] = {x->params[0], x->params[1], c->v[0]};
		int64_t age = o->newest - num(c->v[5]);

		if (store_each(x->st,
			       "SELECT DISTINCT fp FROM creds WHERE " WINDOW
			       " AND client = ?3 AND class IN " LEGACY
			       " ORDER BY fp",
			       p, 3, outreach_fp, c, x->err, x->errlen) < 0)
			return -1;
		c->prio =
		    age < HIGH_DAYS * DAY && num(c->v[1]) >= HIGH_REQUESTS ? 0
		    : age < MEDIUM_DAYS * DAY				   ? 1
									   : 2;
		o->cur = c;
		if (registry_match(reg, c->v[0], (const char *const *)c->fps,
				   c->nfps, add_row, o) == 0)
			add_row(o, NULL);
	}
	qsort(o->rows, (size_t)o->nrows, sizeof(*o->rows), outrow_cmp);
	return 0;
}

static int rep_outreach(struct ctx *x)
{
	struct outreach o;
	struct registry *reg;
	int rc;

	if (!x->o->registry) {
		snprintf(x->err, x->errlen, "outreach needs --registry FILE");
		return -2;
	}
	reg = registry_load(x->o->registry, x->err, x->errlen);
	if (!reg)
		return -2;
	memset(&o, 0, sizeof(o));
	rc = outreach_collect(x, &o, reg);
	if (rc == 0)
		write_outreach(x, &o, reg);
	for (int i = 0; i < o.n; i++) {
		for (int j = 0; j < 6; j++)
			free(o.cl[i].v[j]);
		for (int j = 0; j < o.cl[i].nfps; j++)
			free(o.cl[i].fps[j]);
	}
	free(o.cl);
	free(o.rows);
	registry_free(reg);
	return rc;
}

static const struct {
	const char *kind;
	int listed; /* "files" is its own command */
	int (*fn)(struct ctx *x);
} reports[] = {
    {"migration", 1, rep_migration}, {"amnesty", 1, rep_amnesty},
    {"outreach", 1, rep_outreach},   {"daily", 1, rep_daily},
    {"summary", 1, rep_summary},     {"files", 0, rep_files},
};

int report_known(const char *kind, FILE *f)
{
	int found = 0;
	int first = 1;

	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (!reports[i].listed)
			continue;
		if (f)
			fprintf(f, "%s%s", first ? "" : ", ", reports[i].kind);
		first = 0;
		if (kind && strcmp(kind, reports[i].kind) == 0)
			found = 1;
	}
	return found;
}

FILE *report_open(const char *path, struct outfile **o, char *err,
		  size_t errlen)
{
	FILE *f = NULL;

	*o = outfile_open(path, &f, err, errlen);
	return *o ? f : NULL;
}

int report_close(struct outfile *o, int failed, char *err, size_t errlen)
{
	return outfile_close(o, failed, err, errlen);
}

int report_run(struct store *st, const char *kind, const struct report_opts *o,
	       char *err, size_t errlen)
{
	struct ctx x = {st, o, NULL, {NULL, NULL}, err, errlen};
	struct outfile *of = NULL;
	int rc = -1;

	x.params[0] = o->since ? o->since : "0000-00-00";
	x.params[1] = o->until ? o->until : "9999-99-99";
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (strcmp(kind, reports[i].kind) != 0)
			continue;
		x.f = report_open(o->out, &of, err, errlen);
		if (!x.f)
			return -1;
		err[0] = '\0';
		rc = reports[i].fn(&x);
		/* a report that failed writing says so at the close */
		if (report_close(of, rc < 0 && err[0], err, errlen) < 0 &&
		    rc == 0)
			rc = -1;
		if (rc < 0 && !err[0])
			snprintf(err, errlen, "%s: cannot write the report",
				 o->out ? o->out : "standard output");
		return rc;
	}
	snprintf(err, errlen, "unknown report '%s'", kind);
	return -1;
}
