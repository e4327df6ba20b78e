/* report.c: the reports: SQL over the store, rows through table.c. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "report_impl.h"
#include "table.h"

void report_share(char *out, size_t n, long long a, long long b)
{
	snprintf(out, n, "%.4f", b ? (double)a / (double)b : 0.0);
}

long long report_num(const char *s)
{
	return s ? atoll(s) : 0;
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

FILE *report_open(const char *path, char *tmp, size_t tmplen, char *err,
		  size_t errlen)
{
	int fd;
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	snprintf(tmp, tmplen, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: cannot write: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

int report_close(FILE *f, const char *path, const char *tmp, int failed,
		 char *err, size_t errlen)
{
	int bad = ferror(f);

	if (f == stdout) {
		if (fflush(f) == 0 && !bad)
			return failed ? -1 : 0;
		if (!failed)
			snprintf(err, errlen,
				 "standard output: write failed: %s",
				 strerror(errno));
		return -1;
	}
	if (fclose(f) != 0)
		bad = 1;
	if (!failed && bad)
		snprintf(err, errlen, "%s: write failed: %s", path,
			 strerror(errno));
	if (failed || bad || rename(tmp, path) != 0) {
		if (!failed && !bad)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int report_run(struct store *st, const char *kind, const struct report_opts *o,
	       char *err, size_t errlen)
{
	struct ctx x = {st, o, NULL, {NULL, NULL}, err, errlen};
	char tmp[4200];
	int rc = -1;

	x.params[0] = o->since ? o->since : "0000-00-00";
	x.params[1] = o->until ? o->until : "9999-99-99";
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (strcmp(kind, reports[i].kind) != 0)
			continue;
		x.f = report_open(o->out, tmp, sizeof(tmp), err, errlen);
		if (!x.f)
			return -1;
		rc = reports[i].fn(&x);
		if (report_close(x.f, o->out, tmp, rc < 0, err, errlen) < 0 &&
		    rc == 0)
			rc = -1;
		return rc;
	}
	snprintf(err, errlen, "unknown report '%s'", kind);
	return -1;
}
