/* report.c: the reports: SQL over the store, rows through table.c. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "msg.h"
#include "report_impl.h"
#include "table.h"

void report_share(char *out, size_t n, long long a, long long b)
{
	snprintf(out, n, "%.4f", b ? (double)a / (double)b : 0.0);
}

/* Plain decimal digits (as SQLite writes an integer) are read here,
 * at most 18 of them, so that no overflow is possible; anything else
 * goes to atoll(). */
long long report_num(const char *s)
{
	const char *p = s;
	long long v = 0;
	int neg;

	if (!s)
		return 0;
	neg = *p == '-';
	p += neg;
	for (int i = 0; i < 18 && *p >= '0' && *p <= '9'; i++, p++)
		v = v * 10 + (*p - '0');
	if (*p || p == s + neg)
		return atoll(s);
	return neg ? -v : v;
}

int report_plain_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	(void)n;
	(void)names;
	table_row(arg, c);
	return 0;
}

static const struct {
	const char *kind;
	int listed; /* "files" is its own command */
	int (*fn)(struct ctx *x);
} reports[] = {
    {"migration", 1, report_migration}, {"amnesty", 1, report_amnesty},
    {"outreach", 1, report_outreach},	{"credentials", 1, report_credentials},
    {"sdks", 1, report_sdks},		{"progress", 1, report_progress},
    {"daily", 1, report_daily},		{"summary", 1, report_summary},
    {"files", 0, report_files},
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
		/* after a prune, say where the counts begin */
		if (rc == 0 && store_first_day(st)[0])
			info("the counts cover %s on: the days before were "
			     "pruned",
			     store_first_day(st));
		return rc;
	}
	snprintf(err, errlen, "unknown report '%s'", kind);
	return -1;
}
