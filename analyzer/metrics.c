/* metrics.c: Prometheus text exposition of a run's figures, merged with
 * what the file held before, written atomically. */
#include "metrics.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "options.h"
#include "outfile.h"
#include "store.h"

#define FAMILIES 64	     /* metric families a file may hold */
#define SAMPLES	 512	     /* samples a file may hold */
#define OLD_MAX	 (256 << 10) /* bytes of the previous file read */

struct family {
	char *name;
	char *help;
	char *type;
	int owned; /* written by this run: the old samples are not kept */
};

struct sample {
	int family;
	char *key; /* name and labels */
	char *value;
	int fresh; /* put by this run, not read from the previous file */
};

/* The file being made: its families in order, and their samples. */
struct exposition {
	struct family fam[FAMILIES];
	int nfam;
	struct sample smp[SAMPLES];
	int nsmp;
	const char *phase;     /* gonogo: keep old samples of other phases */
	char last_success[64]; /* from the previous file, or "" */
};

static int family(struct exposition *x, const char *name, const char *type,
		  const char *help, int owned)
{
	for (int i = 0; i < x->nfam; i++)
		if (strcmp(x->fam[i].name, name) == 0) {
			x->fam[i].owned |= owned;
			return i;
		}
	if (x->nfam == FAMILIES)
		return -1;
	x->fam[x->nfam].name = xstrdup(name);
	x->fam[x->nfam].type = xstrdup(type);
	x->fam[x->nfam].help = xstrdup(help);
	x->fam[x->nfam].owned = owned;
	return x->nfam++;
}

/* Add or replace the sample key of family f. */
static void sample(struct exposition *x, int f, const char *key,
		   const char *value, int fresh)
{
	if (f < 0)
		return;
	for (int i = 0; i < x->nsmp; i++)
		if (strcmp(x->smp[i].key, key) == 0) {
			free(x->smp[i].value);
			x->smp[i].value = xstrdup(value);
			x->smp[i].fresh |= fresh;
			return;
		}
	if (x->nsmp == SAMPLES)
		return;
	x->smp[x->nsmp].family = f;
	x->smp[x->nsmp].key = xstrdup(key);
	x->smp[x->nsmp].value = xstrdup(value);
	x->smp[x->nsmp].fresh = fresh;
	x->nsmp++;
}

/* A new sample: name{label="value"} (label NULL: none) = v. */
static void put(struct exposition *x, const char *name, const char *type,
		const char *help, const char *label, const char *lv, double v)
{
	char key[512];
	char value[64];
	size_t n = (size_t)snprintf(key, sizeof(key), "%s", name);

	if (label) {
		n += (size_t)snprintf(key + n, sizeof(key) - n, "{%s=\"",
				      label);
		/* label values escape \, " and newline */
		for (const char *p = lv; *p && n + 4 < sizeof(key); p++) {
			if (*p == '\\' || *p == '"' || *p == '\n')
				key[n++] = '\\';
			key[n++] = *p == '\n' ? 'n' : *p;
		}
		snprintf(key + n, sizeof(key) - n, "\"}");
	}
	snprintf(value, sizeof(value), "%.17g", v);
	sample(x, family(x, name, type, help, 1), key, value, 1);
}

static void free_exposition(struct exposition *x)
{
	for (int i = 0; i < x->nfam; i++) {
		free(x->fam[i].name);
		free(x->fam[i].help);
		free(x->fam[i].type);
	}
	for (int i = 0; i < x->nsmp; i++) {
		free(x->smp[i].key);
		free(x->smp[i].value);
	}
}

/* Does a HELP or TYPE line's text start with name and a space? */
static int names_family(const char *text, const char *name)
{
	size_t n = strlen(name);

	return text && strncmp(text, name, n) == 0 && text[n] == ' ';
}

/* One line of the previous file: remember HELP and TYPE, keep samples. */
static void old_line(struct exposition *x, char *line, char **help,
		     char **type)
{
	char *sp = strrchr(line, ' ');
	char name[256];

	if (strncmp(line, "# HELP ", 7) == 0) {
		*help = line + 7;
		return;
	}
	if (strncmp(line, "# TYPE ", 7) == 0) {
		*type = line + 7;
		return;
	}
	if (line[0] == '#' || !sp || strncmp(line, "keyaudit_", 9) != 0 ||
	    strncmp(line, "keyaudit_requests_total{", 24) == 0)
		return; /* (a counter once, now the gauge keyaudit_requests) */
	*sp = '\0';
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, "{ "), line);
	if (strcmp(name, "keyaudit_ingest_last_success_timestamp_seconds") ==
	    0)
		snprintf(x->last_success, sizeof(x->last_success), "%s",
			 sp + 1);
	/* "NAME TEXT", "NAME TYPE" of this family, if they came first */
	if (names_family(*help, name) && names_family(*type, name))
		sample(x,
		       family(x, name, *type + strlen(name) + 1,
			      *help + strlen(name) + 1, 0),
		       line, sp + 1, 0);
}

/* Open path for reading if it is a regular file (not through a symbolic
 * link, never waiting on a FIFO); NULL if not, or if it is missing. */
static FILE *open_old(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    !(f = fdopen(fd, "r"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* Read path's samples, if it is a regular file; anything else (missing,
 * a FIFO, a device, standard output) holds none and is no error. */
static void read_old(struct exposition *x, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? NULL : open_old(path);
	char *buf;
	size_t n;
	char *help = NULL;
	char *type = NULL;

	if (!f)
		return;
	buf = xmalloc(OLD_MAX + 1);
	n = fread(buf, 1, OLD_MAX, f);
	fclose(f);
	buf[n] = '\0';
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		old_line(x, line, &help, &type);
	}
	free(buf);
}

/* Is sample i, from the previous file, left out?  ingest replaces its
 * families whole (a class no longer counted goes); gonogo replaces one
 * phase's samples, each by its new value. */
static int dropped(const struct exposition *x, int i)
{
	const struct sample *s = &x->smp[i];

	return !s->fresh && !x->phase && x->fam[s->family].owned;
}

static void emit(FILE *f, const struct exposition *x)
{
	for (int k = 0; k < x->nfam; k++) {
		int any = 0;

		for (int i = 0; i < x->nsmp; i++)
			if (x->smp[i].family == k && !dropped(x, i))
				any = 1;
		if (!any)
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", x->fam[k].name,
			x->fam[k].help, x->fam[k].name, x->fam[k].type);
		for (int i = 0; i < x->nsmp; i++)
			if (x->smp[i].family == k && !dropped(x, i))
				fprintf(f, "%s %s\n", x->smp[i].key,
					x->smp[i].value);
	}
}

/* Write the exposition to path as outfile.c writes every output: under
 * an unpredictable name beside it, then renamed over it; a symbolic link
 * is refused, a FIFO or a device written in place.  The new file is
 * 0644 whatever the umask (keyaudit.service's is 0027), for
 * node_exporter runs as another user. */
static int write_file(const char *path, const struct exposition *x, char *err,
		      size_t errlen)
{
	FILE *f;
	struct outfile *o = outfile_open(path, &f, err, errlen);
	struct stat sb;

	if (!o)
		return -1;
	if (f != stdout && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		fchmod(fileno(f), 0644); /* our temporary file */
	emit(f, x);
	return outfile_close(o, 0, err, errlen);
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define G	"gauge"
#define COUNTER "counter"

static int class_row(void *ctx, int n, const char *const *c,
		     const char *const *names)
{
	struct exposition *x = ctx;
	char key[512];
	char value[32];
	/* a gauge: prune and --keep-days take old days out */
	int f = family(x, "keyaudit_requests", G,
		       "Requests in the database, by auth class.", 1);

	snprintf(key, sizeof(key),
		 "keyaudit_requests{class=\"%s\",legacy=\"%s\"}",
		 c[0] ? c[0] : "", c[1] && atoi(c[1]) ? "true" : "false");
	snprintf(value, sizeof(value), "%s", c[2] ? c[2] : "0");
	sample(x, f, key, value, 1);
	return 0;
}

static int totals_row(void *ctx, int n, const char *const *c,
		      const char *const *names)
{
	struct exposition *x = ctx;

	put(x, "keyaudit_files_total", COUNTER,
	    "Log files the database has read.", NULL, NULL,
	    c[0] ? atof(c[0]) : 0);
	put(x, "keyaudit_lines_total", COUNTER,
	    "Log lines the database has read.", NULL, NULL,
	    c[1] ? atof(c[1]) : 0);
	put(x, "keyaudit_bad_lines_total", COUNTER,
	    "Log lines that did not fit their format, counted and skipped.",
	    NULL, NULL, c[2] ? atof(c[2]) : 0);
	return 0;
}

static int legacy_row(void *ctx, int n, const char *const *c,
		      const char *const *names)
{
	put(ctx, "keyaudit_legacy_clients", G,
	    "Clients with a legacy request in the last 7 days of data.", NULL,
	    NULL, c[0] ? atof(c[0]) : 0);
	return 0;
}

static int dormant_row(void *ctx, int n, const char *const *c,
		       const char *const *names)
{
	put(ctx, "keyaudit_dormant_clients", G,
	    "Clients that used a legacy credential and sent no request in "
	    "the database's last 14 days of data: they may come back.",
	    NULL, NULL, c[0] ? atof(c[0]) : 0);
	return 0;
}

static int days_row(void *ctx, int n, const char *const *c,
		    const char *const *names)
{
	put(ctx, "keyaudit_covered_dates", G,
	    "Days (UTC dates) with counts in the database.", NULL, NULL,
	    c[0] ? atof(c[0]) : 0);
	if (c[1])
		put(ctx, "keyaudit_first_day_timestamp_seconds", G,
		    "The first day the database covers (00:00 UTC).", NULL,
		    NULL, atof(c[1]));
	if (c[2])
		put(ctx, "keyaudit_last_day_timestamp_seconds", G,
		    "The last day the database covers (00:00 UTC).", NULL,
		    NULL, atof(c[2]));
	return 0;
}

/* Dormant clients and the days covered. */
static int db_days(struct store *st, struct exposition *x, char *err,
		   size_t errlen)
{
	int rc = store_each(
	    st,
	    "SELECT count(*) FROM (SELECT client FROM counts GROUP BY client"
	    " HAVING max(class IN (SELECT name FROM classes WHERE legacy = 1))"
	    " = 1 AND max(day) <= date((SELECT max(day) FROM counts),"
	    " '-14 days'))",
	    NULL, 0, dormant_row, x, err, errlen);

	if (rc == 0)
		rc = store_each(st,
				"SELECT count(DISTINCT day), strftime('%s',"
				" min(day)), strftime('%s', max(day)) FROM"
				" counts",
				NULL, 0, days_row, x, err, errlen);
	return rc;
}

/* The database's figures; no client is named. */
static int db_figures(struct exposition *x, const char *db, char *err,
		      size_t errlen)
{
	struct store *st = store_open(db, STORE_READ, err, errlen);
	int rc;

	if (!st)
		return -1;
	rc = store_each(st, "SELECT count(*), sum(lines), sum(bad) FROM files",
			NULL, 0, totals_row, x, err, errlen);
	if (rc == 0)
		rc = store_each(
		    st,
		    "WITH t AS (SELECT class, sum(n) AS n FROM counts"
		    " GROUP BY class) SELECT name, legacy, coalesce((SELECT"
		    " n FROM t WHERE class = name), 0) FROM classes UNION"
		    " ALL SELECT class, 0, n FROM t WHERE class NOT IN"
		    " (SELECT name FROM classes) ORDER BY 1",
		    NULL, 0, class_row, x, err, errlen);
	if (rc == 0)
		rc = store_each(
		    st,
		    "SELECT count(DISTINCT client) FROM counts WHERE class"
		    " IN (SELECT name FROM classes WHERE legacy = 1) AND"
		    " day > date((SELECT max(day) FROM counts), '-7 days')",
		    NULL, 0, legacy_row, x, err, errlen);
	if (rc == 0)
		rc = db_days(st, x, err, errlen);
	store_close(st);
	return rc < 0 ? -1 : 0;
}

int metrics_write_ingest(const char *path, const char *db,
			 const struct metrics_ingest *m, char *err,
			 size_t errlen)
{
	static struct exposition x;
	double end = wall();
	/* it committed; and read every input */
	int ok = m->exit_status == EXIT_OK || m->exit_status == EXIT_PARTIAL ||
		 m->exit_status == EXIT_NOINPUT;
	int whole = m->exit_status == EXIT_OK;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	read_old(&x, path);
	put(&x, "keyaudit_ingest_last_run_timestamp_seconds", G,
	    "When the last ingest run ended.", NULL, NULL, end);
	if (whole || x.last_success[0])
		put(&x, "keyaudit_ingest_last_success_timestamp_seconds", G,
		    "When the last ingest run that read every input (exit "
		    "status 0) ended.",
		    NULL, NULL, whole ? end : atof(x.last_success));
	put(&x, "keyaudit_ingest_exit_status", G,
	    "The exit status of the last ingest run.", NULL, NULL,
	    m->exit_status);
	put(&x, "keyaudit_ingest_duration_seconds", G,
	    "How long the last ingest run took.", NULL, NULL, m->duration);
	put(&x, "keyaudit_ingest_files", G, "Files the last run read.", NULL,
	    NULL, (double)m->files);
	put(&x, "keyaudit_ingest_lines", G, "New lines the last run read.",
	    NULL, NULL, (double)m->lines);
	put(&x, "keyaudit_ingest_bad_lines", G,
	    "Bad lines among the last run's new lines.", NULL, NULL,
	    (double)m->bad);
	put(&x, "keyaudit_ingest_missing_inputs", G,
	    "Paths of the last run that gave no input at all: missing, or "
	    "a directory with no file to read (exit status 7).",
	    NULL, NULL, (double)m->absent);
	put(&x, "keyaudit_ingest_not_access_logs", G,
	    "Files of the last run skipped as web server error logs.", NULL,
	    NULL, (double)m->not_access);
	if (ok)
		rc = db_figures(&x, db, err, errlen);
	if (rc == 0)
		rc = write_file(path, &x, err, errlen);
	free_exposition(&x);
	return rc;
}

int metrics_write_gonogo(const char *path, const struct metrics_gonogo *m,
			 char *err, size_t errlen)
{
	static struct exposition x;
	const char *p = m->phase;
	int rc;

	memset(&x, 0, sizeof(x));
	read_old(&x, path);
	x.phase = p;
	put(&x, "keyaudit_gonogo_go", G,
	    "1 if the phase could start now (GO), 0 if not (NO-GO).", "phase",
	    p, m->go);
	put(&x, "keyaudit_gonogo_cannot_tell", G,
	    "1 if too few requests of the window showed a credential to "
	    "decide (CANNOT TELL).",
	    "phase", p, m->cannot_tell);
	put(&x, "keyaudit_gonogo_refused_ratio", G,
	    "Share of the window's requests the phase would refuse.", "phase",
	    p, m->total ? (double)m->refused / (double)m->total : 0);
	put(&x, "keyaudit_gonogo_refused_requests", G,
	    "Requests of the window the phase would refuse.", "phase", p,
	    (double)m->refused);
	put(&x, "keyaudit_gonogo_window_requests", G,
	    "Requests in the window looked at.", "phase", p, (double)m->total);
	put(&x, "keyaudit_gonogo_breaking_clients", G,
	    "Active clients the phase would break.", "phase", p, m->breaking);
	put(&x, "keyaudit_gonogo_last_run_timestamp_seconds", G,
	    "When the verdict was last made.", "phase", p, wall());
	rc = write_file(path, &x, err, errlen);
	free_exposition(&x);
	return rc;
}
