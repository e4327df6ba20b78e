/* gonogo_csv.c: the breaking clients as CSV (-o): each client's row is
 * written as the pass reads it, into a TEMP table, then read back in
 * the list's order, so that SQLite, not gonogo, holds and sorts them. */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "gonogo.h"
#include "outfile.h"
#include "report.h"
#include "report_impl.h"
#include "table.h"

#define CSV_FIXED 10 /* columns before the shares of each class */

/* line: the client's CSV row, as written */
#define CLIENTS_TABLE                                                         \
	"CREATE TEMP TABLE gn_clients(marginal INTEGER NOT NULL,"             \
	" already INTEGER NOT NULL, client TEXT NOT NULL, line TEXT NOT "     \
	"NULL)"
#define CLIENTS_COLS 4
/* the order of the list: marginal desc, already desc, client */
#define CLIENTS_SQL                                                           \
	"SELECT line FROM temp.gn_clients"                                    \
	" ORDER BY marginal DESC, already DESC, client"

/* The CSV's columns; the arrays outlive the tables on them. */
struct csv_cols {
	const char *cols[CSV_FIXED + GN_MAXCLS];
	char names[GN_MAXCLS][80];
	enum cell_kind kinds[CSV_FIXED + GN_MAXCLS];
};

struct gn_tmp {
	struct ctx x;
	struct report_tmp b;
	char err[512];
	struct csv_cols cc;
	FILE *mem; /* a row is written here, then added to the table */
	char *buf;
	size_t len;
	struct table *t; /* on mem */
};

/* A table on f, its header written. */
static struct table *csv_table(const struct gonogo *g, FILE *f,
			       struct csv_cols *cc)
{
	static const char *const fixed[CSV_FIXED] = {
	    "client",	       "refused_requests",
	    "all_requests",    "refused_share",
	    "already_refused", "last_refused",
	    "quiet_days",      "state",
	    "active",	       "top_user_agent"};

	for (int i = 0; i < CSV_FIXED + g->ncls; i++) {
		int k = i - CSV_FIXED;

		cc->cols[i] = k < 0 ? fixed[i] : cc->names[k];
		cc->kinds[i] = (i >= 1 && i <= 4) || i == 6 || k >= 0
				   ? CELL_NUM
				   : CELL_TEXT;
		if (k >= 0)
			snprintf(cc->names[k], 80, "share_%s", g->clsname[k]);
	}
	return table_new(f, 0, cc->cols, cc->kinds, CSV_FIXED + g->ncls);
}

static void client_csv_row(const struct gonogo *g, struct table *t,
			   const struct gn_client *c)
{
	char n[5][32], last[32] = "", shares[GN_MAXCLS][16];
	const char *v[CSV_FIXED + GN_MAXCLS];
	time_t tt = (time_t)c->last;
	struct tm tm;

	snprintf(n[0], 32, "%lld", c->marginal);
	snprintf(n[1], 32, "%lld", c->total);
	snprintf(n[2], 32, "%.4f",
		 c->total ? (double)c->marginal / (double)c->total : 0);
	snprintf(n[3], 32, "%lld", c->already);
	n[4][0] = 0;
	if (c->marginal) {
		snprintf(n[4], 32, "%d", c->quiet_days);
		strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime_r(&tt, &tm));
	}
	v[0] = c->client;
	v[1] = n[0];
	v[2] = n[1];
	v[3] = n[2];
	v[4] = n[3];
	v[5] = last;
	v[6] = n[4];
	v[7] = client_state_name(c->state);
	v[8] = c->active ? "yes" : "no";
	v[9] = c->agent ? c->agent : "";
	for (int i = 0; i < g->ncls; i++) {
		snprintf(shares[i], 16, "%.4f",
			 c->total ? (double)c->cls[i] / (double)c->total : 0);
		v[CSV_FIXED + i] = shares[i];
	}
	table_row(t, v);
}

int gn_csv_start(struct gonogo *g, struct store *st, char *err, size_t errlen)
{
	struct gn_tmp *t = xcalloc(1, sizeof(*t));

	t->x.st = st;
	t->x.err = t->err;
	t->x.errlen = sizeof(t->err);
	if (report_tmp_exec(&t->x, "DROP TABLE IF EXISTS temp.gn_clients") <
		0 ||
	    report_tmp_exec(&t->x, CLIENTS_TABLE) < 0) {
		snprintf(err, errlen, "%s", t->err);
		free(t);
		return -1;
	}
	t->mem = open_memstream(&t->buf, &t->len);
	if (!t->mem) {
		snprintf(err, errlen, "cannot open a memory stream: %s",
			 strerror(errno));
		free(t);
		return -1;
	}
	/* this thread's alone: no lock for each character */
	__fsetlocking(t->mem, FSETLOCKING_BYCALLER);
	t->t = csv_table(g, t->mem, &t->cc);
	report_tmp_init(&t->b, &t->x, "gn_clients", CLIENTS_COLS);
	g->tmp = t;
	return 0;
}

int gn_csv_add(struct gonogo *g, const struct gn_client *c, char *err,
	       size_t errlen)
{
	struct gn_tmp *t = g->tmp;
	char n[2][32];
	const char *v[CLIENTS_COLS];

	/* the row alone, from the stream's start, as a string */
	rewind(t->mem);
	client_csv_row(g, t->t, c);
	fputc('\0', t->mem);
	fflush(t->mem);
	snprintf(n[0], 32, "%lld", c->marginal);
	snprintf(n[1], 32, "%lld", c->already);
	v[0] = n[0];
	v[1] = n[1];
	v[2] = c->client;
	v[3] = t->buf;
	if (report_tmp_add(&t->b, v) < 0) {
		snprintf(err, errlen, "%s", t->err);
		return -1;
	}
	return 0;
}

int gn_csv_flush(struct gonogo *g, char *err, size_t errlen)
{
	if (report_tmp_flush(&g->tmp->b) < 0) {
		snprintf(err, errlen, "%s", g->tmp->err);
		return -1;
	}
	return 0;
}

static int line_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	(void)n;
	(void)names;
	fputs(c[0] ? c[0] : "", arg);
	return 0;
}

int gn_csv_write(const struct gonogo *g, struct store *st, const char *path,
		 char *err, size_t errlen)
{
	struct csv_cols cc;
	char e[512] = "";
	struct outfile *o;
	FILE *f = report_open(path, &o, err, errlen);
	struct table *t;
	int rc;

	if (!f)
		return -1;
	t = csv_table(g, f, &cc);
	rc = store_each(st, CLIENTS_SQL, NULL, 0, line_row, f, e, sizeof(e));
	if (table_end(t) < 0 && rc == 0) {
		rc = -1;
		snprintf(e, sizeof(e), "%s: cannot write: %s", path,
			 strerror(errno ? errno : EIO));
	}
	if (rc < 0) {
		report_close(o, 1, err, errlen);
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	return report_close(o, 0, err, errlen);
}

void gn_csv_free(struct gonogo *g)
{
	struct gn_tmp *t = g->tmp;

	if (!t)
		return;
	/* rows left by a failure: freed, not written */
	t->b.failed = 1;
	report_tmp_flush(&t->b);
	table_end(t->t);
	fclose(t->mem);
	free(t->buf);
	free(t);
	g->tmp = NULL;
}
