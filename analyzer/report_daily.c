/* report_daily.c: the daily report, one row per UTC day. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "table.h"

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
		cl->legacy[cl->n++] = (int)report_num(c[1]);
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
	/* the row's client, and whether it had a legacy request that day */
	char *client;
	int client_legacy;
};

static void daily_flush(struct daily *d)
{
	char vals[MAX_COLS][32];
	const char *v[MAX_COLS];
	int k = 0;
	struct day *c = &d->cur;

	if (!c->day[0])
		return;
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
	report_share(vals[k], 32, c->legacy, c->total);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->amnesty);
	v[k] = vals[k], k++;
	report_share(vals[k], 32, c->amnesty, c->total);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->s434);
	v[k] = vals[k], k++;
	snprintf(vals[k], 32, "%lld", c->clients);
	v[k] = vals[k], k++;
	table_row(d->t, v);
	memset(c, 0, sizeof(*c));
}

/* A client's rows of the day are done: was it a legacy client? */
static void client_flush(struct daily *d)
{
	if (d->client && d->client_legacy)
		d->cur.clients++;
	free(d->client);
	d->client = NULL;
	d->client_legacy = 0;
}

/* day, client, class, amnesty, status, n; by day and client */
static int daily_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct daily *d = arg;
	int k = class_of(&d->cl, c[2]);
	long long v = report_num(c[5]);

	(void)n;
	(void)names;
	if (strcmp(c[0], d->cur.day) != 0) {
		client_flush(d);
		daily_flush(d);
		snprintf(d->cur.day, sizeof(d->cur.day), "%s", c[0]);
	}
	if (!d->client || strcmp(d->client, c[1]) != 0) {
		client_flush(d);
		d->client = xstrdup(c[1]);
	}
	d->cur.total += v;
	if (k >= 0) {
		d->cur.per_class[k] += v;
		if (d->cl.legacy[k]) {
			d->cur.legacy += v;
			d->client_legacy = 1;
			if (report_num(c[3]))
				d->cur.amnesty += v;
		}
	}
	if (report_num(c[4]) == 434)
		d->cur.s434 += v;
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

/* One sort of the window's rows by day and client gives both the
 * day's sums and its distinct legacy clients. */
int report_daily(struct ctx *x)
{
	struct daily d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (load_classes(x, &d.cl) < 0)
		return -1;
	daily_columns(&d);
	d.t = table_new(x->f, x->o->json, d.names, d.kinds, d.ncols);
	rc = store_each(x->st,
			"SELECT day, client, class, amnesty, status, n"
			" FROM counts WHERE " WINDOW " ORDER BY day, client",
			x->params, 2, daily_row, &d, x->err, x->errlen);
	client_flush(&d);
	daily_flush(&d);
	if (table_end(d.t) < 0)
		rc = -1;
	free_classes(&d.cl);
	return rc;
}
