/* report_summary.c: the summary and files reports. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "table.h"

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

#define SUMMARY_CLASSES 64 /* classes listed; the rules allow fewer */
#define SUMMARY_STATUS	64 /* status groups (a hundred each) */

/* The window's sums, from one pass over its rows in client order. */
struct summary {
	struct table *t;
	char *cname[SUMMARY_CLASSES];
	int clegacy[SUMMARY_CLASSES];
	long long csum[SUMMARY_CLASSES];
	int ncl;
	long long requests, legacy, amnesty, clients, s434;
	struct status_sum {
		char label[24]; /* "2xx": status / 100, then "xx" */
		long long n;
	} st[SUMMARY_STATUS];
	int nst;
	char *client; /* the previous row's, and whether it was legacy */
	int client_legacy;
	int64_t *days; /* distinct day numbers seen, sorted */
	size_t ndays, capdays;
	char lastday[DAY_SIZE];
};

static int sum_class_row(void *arg, int n, const char *const *c,
			 const char *const *names)
{
	struct summary *s = arg;

	(void)n;
	(void)names;
	if (s->ncl < SUMMARY_CLASSES) {
		s->cname[s->ncl] = xstrdup(c[0]);
		s->clegacy[s->ncl++] = (int)report_num(c[1]);
	}
	return 0;
}

static void day_seen(struct summary *s, const char *day)
{
	int64_t d;
	size_t lo = 0, hi = s->ndays;

	if (strcmp(day, s->lastday) == 0)
		return;
	snprintf(s->lastday, sizeof(s->lastday), "%s", day);
	d = day_number(day);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->days[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->ndays && s->days[lo] == d)
		return;
	if (s->ndays == s->capdays) {
		s->capdays = s->capdays ? 2 * s->capdays : 64;
		s->days = xrealloc(s->days, s->capdays * sizeof(*s->days));
	}
	memmove(s->days + lo + 1, s->days + lo,
		(s->ndays - lo) * sizeof(*s->days));
	s->days[lo] = d;
	s->ndays++;
}

static void status_add(struct summary *s, long long status, long long v)
{
	char label[24];
	int i;

	snprintf(label, sizeof(label), "%lldxx", status / 100);
	for (i = 0; i < s->nst; i++)
		if (strcmp(s->st[i].label, label) == 0)
			break;
	if (i == s->nst) {
		if (s->nst == SUMMARY_STATUS)
			return;
		snprintf(s->st[s->nst++].label, sizeof(label), "%s", label);
	}
	s->st[i].n += v;
}

static void client_seen(struct summary *s, const char *client)
{
	if (s->client && client && strcmp(s->client, client) == 0)
		return;
	s->clients += s->client_legacy;
	free(s->client);
	s->client = client ? xstrdup(client) : NULL;
	s->client_legacy = 0;
}

/* client, day, class, amnesty, status, n */
static int sum_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct summary *s = arg;
	long long v = report_num(c[5]);
	long long status = report_num(c[4]);

	(void)n;
	(void)names;
	client_seen(s, c[0]);
	day_seen(s, c[1]);
	s->requests += v;
	for (int i = 0; i < s->ncl; i++) {
		if (strcmp(s->cname[i], c[2]) != 0)
			continue;
		s->csum[i] += v;
		if (s->clegacy[i]) {
			s->legacy += v;
			s->client_legacy = 1;
			if (report_num(c[3]) == 1)
				s->amnesty += v;
		}
	}
	status_add(s, status, v);
	if (status == 434)
		s->s434 += v;
	return 0;
}

static void put(struct summary *s, const char *section, const char *name,
		long long v)
{
	char num[32];
	const char *row[3] = {section, name, num};

	snprintf(num, sizeof(num), "%lld", v);
	table_row(s->t, row);
}

static int cmp_status(const void *a, const void *b)
{
	return strcmp(((const struct status_sum *)a)->label,
		      ((const struct status_sum *)b)->label);
}

static void put_window(struct summary *s)
{
	put(s, "requests", "all", s->requests);
	for (int i = 0; i < s->ncl; i++)
		put(s, "class", s->cname[i], s->csum[i]);
	put(s, "legacy", "requests", s->legacy);
	put(s, "legacy", "amnesty_requests", s->amnesty);
	put(s, "legacy", "clients", s->clients);
	qsort(s->st, (size_t)s->nst, sizeof(s->st[0]), cmp_status);
	for (int i = 0; i < s->nst; i++)
		put(s, "status", s->st[i].label, s->st[i].n);
	put(s, "status", "434", s->s434);
}

#define INPUT_SQL                                                             \
	"SELECT 'input', 'files', count(*) FROM files"                        \
	" UNION ALL SELECT 'input', 'lines', sum(lines) FROM files"           \
	" UNION ALL SELECT 'input', 'bad_lines', sum(bad) FROM files"

/* Every sum in one sort of the window's rows by client (for the
 * distinct legacy clients); the classes in rules order. */
int report_summary(struct ctx *x)
{
	struct summary s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.t = table_new(x->f, x->o->json, summary_cols, summary_kinds, 3);
	rc = store_each(x->st,
			"SELECT name, legacy FROM classes"
			" ORDER BY printf('%04d', ord)",
			NULL, 0, sum_class_row, &s, x->err, x->errlen);
	if (rc == 0)
		rc =
		    store_each(x->st,
			       "SELECT client, day, class, amnesty, status, n"
			       " FROM counts WHERE " WINDOW " ORDER BY client",
			       x->params, 2, sum_row, &s, x->err, x->errlen);
	client_seen(&s, NULL);
	if (rc == 0) {
		put_window(&s);
		rc = store_each(x->st, INPUT_SQL, NULL, 0, summary_row, s.t,
				x->err, x->errlen);
	}
	if (rc == 0)
		put(&s, "window", "days", (long long)s.ndays);
	for (int i = 0; i < s.ncl; i++)
		free(s.cname[i]);
	free(s.days);
	return table_end(s.t) < 0 ? -1 : rc;
}

/* ---- files -------------------------------------------------------- */

static const char *const files_cols[] = {
    "names",	      "fingerprint",   "bytes", "lines",
    "bad_lines",      "pending_bytes", "state", "gzip",
    "first_ingested", "last_ingested", "format"};
static const enum cell_kind files_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM,  CELL_NUM,	CELL_NUM, CELL_NUM,
    CELL_TEXT, CELL_NUM,  CELL_TEXT, CELL_TEXT, CELL_TEXT};

/* The count of the ledger's format columns: a database read as it is
 * may be from before schema 6, which records no format. */
static int has_format(void *ctx, int ncols, const char *const *cols,
		      const char *const *names)
{
	(void)ncols;
	(void)names;
	*(int *)ctx = cols[0] && strcmp(cols[0], "0") != 0;
	return 0;
}

int report_files(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, files_cols, files_kinds, 11);
	int with_format = 0;
	int rc =
	    store_each(x->st,
		       "SELECT count(*) FROM pragma_table_info('files')"
		       " WHERE name = 'format'",
		       NULL, 0, has_format, &with_format, x->err, x->errlen);

	if (rc == 0)
		rc = store_each(
		    x->st,
		    with_format
			? "SELECT (SELECT group_concat(name, ' | ') FROM"
			  " (SELECT name FROM file_names WHERE file_id ="
			  " files.id ORDER BY name)), head_fp, bytes, lines,"
			  " bad, pending, state, gzip, first_ingested,"
			  " last_ingested, coalesce(format, '') FROM files"
			  " ORDER BY id"
			: "SELECT (SELECT group_concat(name, ' | ') FROM"
			  " (SELECT name FROM file_names WHERE file_id ="
			  " files.id ORDER BY name)), head_fp, bytes, lines,"
			  " bad, pending, state, gzip, first_ingested,"
			  " last_ingested, '' FROM files ORDER BY id",
		    NULL, 0, report_plain_row, t, x->err, x->errlen);
	return table_end(t) < 0 ? -1 : rc;
}
