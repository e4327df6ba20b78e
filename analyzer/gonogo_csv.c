/* gonogo_csv.c: the verdict's clients with refused requests as CSV
 * (-o), read from its full list in the list's order. */
#include "gonogo_csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "table.h"

#define CSV_FIXED 10 /* columns before the shares of each class */

/* The CSV's columns; the arrays outlive the tables on them. */
struct csv_cols {
	const char *cols[CSV_FIXED + GN_MAXCLS];
	char names[GN_MAXCLS][80];
	enum cell_kind kinds[CSV_FIXED + GN_MAXCLS];
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

/* The row of r, its class counts read from r->cls. */
static void client_csv_row(const struct gonogo *g, struct table *t,
			   const struct gonogo_row *r)
{
	char n[5][32], last[32] = "", shares[GN_MAXCLS][16];
	const char *v[CSV_FIXED + GN_MAXCLS];
	const char *p = r->cls;
	time_t tt = (time_t)r->last;
	struct tm tm;

	snprintf(n[0], 32, "%lld", r->marginal);
	snprintf(n[1], 32, "%lld", r->total);
	snprintf(n[2], 32, "%.4f",
		 r->total ? (double)r->marginal / (double)r->total : 0);
	snprintf(n[3], 32, "%lld", r->already);
	n[4][0] = 0;
	if (r->marginal) {
		snprintf(n[4], 32, "%d", r->quiet_days);
		strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime_r(&tt, &tm));
	}
	v[0] = r->client;
	v[1] = n[0];
	v[2] = n[1];
	v[3] = n[2];
	v[4] = n[3];
	v[5] = last;
	v[6] = n[4];
	v[7] = client_state_name(r->state);
	v[8] = r->active ? "yes" : "no";
	v[9] = r->agent ? r->agent : "";
	for (int i = 0; i < g->ncls; i++) {
		char *end;
		long long k = strtoll(p, &end, 10);

		p = end;
		snprintf(shares[i], 16, "%.4f",
			 r->total ? (double)k / (double)r->total : 0);
		v[CSV_FIXED + i] = shares[i];
	}
	table_row(t, v);
}

struct csv_out {
	const struct gonogo *g;
	struct table *t;
};

static int csv_row(void *arg, const struct gonogo_row *r)
{
	struct csv_out *o = arg;

	client_csv_row(o->g, o->t, r);
	return 0;
}

int gonogo_csv_write(const struct gonogo *g, struct store *st,
		     const char *path, char *err, size_t errlen)
{
	struct csv_cols cc;
	char e[512] = "";
	struct outfile *o;
	FILE *f = report_open(path, &o, err, errlen);
	struct csv_out out;
	int rc;

	if (!f)
		return -1;
	out.g = g;
	out.t = csv_table(g, f, &cc);
	rc = gonogo_each_client(g, st, csv_row, &out, e, sizeof(e));
	if (table_end(out.t) < 0 && rc == 0) {
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
