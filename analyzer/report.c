/* report.c: SQL over the store, written as CSV through libcsv or JSON. */
#include "report.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

enum col_kind {
	COL_TEXT,  /* a text cell */
	COL_INT,   /* an integer cell */
	COL_SHARE  /* sql column a divided by sql column b, 4 decimals */
};

struct column {
	const char *name;
	enum col_kind kind;
	int a; /* sql column */
	int b; /* divisor's sql column, for COL_SHARE */
};

struct report_def {
	const char *kind;
	int listed; /* named in help; "files" is its own command */
	const char *sql; /* ?1 = since, ?2 = until */
	struct column cols[24];
};

#define LEGACY "(SELECT name FROM classes WHERE legacy = 1)"
#define WINDOW "day BETWEEN ?1 AND ?2"
#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"

static const struct report_def reports[] = {
	{"migration", 1,
	 "WITH c AS (SELECT client,"
	 " sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END) AS legacy,"
	 " sum(CASE WHEN class IN " LEGACY " AND amnesty = 1 THEN n"
	 "  ELSE 0 END) AS amnesty,"
	 " sum(n) AS total,"
	 " sum(CASE WHEN status = 434 THEN n ELSE 0 END) AS s434,"
	 " min(CASE WHEN class IN " LEGACY " THEN first END) AS first,"
	 " max(CASE WHEN class IN " LEGACY " THEN last END) AS last,"
	 " count(DISTINCT CASE WHEN class IN " LEGACY " THEN day END) AS days"
	 " FROM counts WHERE " WINDOW " GROUP BY client HAVING legacy > 0),"
	 " ua AS (SELECT client, agent, sum(n) AS n FROM agents"
	 "  WHERE " WINDOW " AND class IN " LEGACY " GROUP BY client, agent),"
	 " top AS (SELECT client, agent FROM (SELECT client, agent,"
	 "  row_number() OVER (PARTITION BY client ORDER BY n DESC, agent)"
	 "  AS r FROM ua) WHERE r = 1),"
	 " cr AS (SELECT client, count(DISTINCT fp) AS k FROM creds"
	 "  WHERE " WINDOW " AND class IN " LEGACY " GROUP BY client)"
	 " SELECT c.client, legacy, amnesty, total, s434, " ISO("first") ","
	 " " ISO("last") ", days, coalesce(top.agent, ''), coalesce(cr.k, 0)"
	 " FROM c LEFT JOIN top USING (client) LEFT JOIN cr USING (client)"
	 " ORDER BY legacy DESC, c.client",
	 {{"client", COL_TEXT, 0, 0},
	  {"legacy_requests", COL_INT, 1, 0},
	  {"amnesty_requests", COL_INT, 2, 0},
	  {"amnesty_share", COL_SHARE, 2, 1},
	  {"all_requests", COL_INT, 3, 0},
	  {"legacy_share", COL_SHARE, 1, 3},
	  {"status_434", COL_INT, 4, 0},
	  {"first_seen", COL_TEXT, 5, 0},
	  {"last_seen", COL_TEXT, 6, 0},
	  {"legacy_days", COL_INT, 7, 0},
	  {"top_user_agent", COL_TEXT, 8, 0},
	  {"credentials", COL_INT, 9, 0},
	  {NULL, COL_TEXT, 0, 0}}},
	{"files", 0,
	 "SELECT (SELECT group_concat(name, ' | ') FROM (SELECT name FROM"
	 "  file_names WHERE file_id = files.id ORDER BY name)),"
	 " head_fp, bytes, lines, bad, pending, state, gzip,"
	 " first_ingested, last_ingested FROM files"
	 " WHERE ?1 <= ?2 ORDER BY id",
	 {{"names", COL_TEXT, 0, 0},
	  {"fingerprint", COL_TEXT, 1, 0},
	  {"bytes", COL_INT, 2, 0},
	  {"lines", COL_INT, 3, 0},
	  {"bad_lines", COL_INT, 4, 0},
	  {"pending_bytes", COL_INT, 5, 0},
	  {"state", COL_TEXT, 6, 0},
	  {"gzip", COL_INT, 7, 0},
	  {"first_ingested", COL_TEXT, 8, 0},
	  {"last_ingested", COL_TEXT, 9, 0},
	  {NULL, COL_TEXT, 0, 0}}},
};

int report_known(const char *kind, FILE *f)
{
	int found = 0;

	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (!reports[i].listed)
			continue;
		if (f)
			fprintf(f, "%s%s", i ? ", " : "", reports[i].kind);
		if (kind && strcmp(kind, reports[i].kind) == 0)
			found = 1;
	}
	return found;
}

int report_csv_text(FILE *f, const char *s, size_t len)
{
	if (len && strchr("=+-@\t\r", s[0])) {
		struct buf b;
		int rc;

		buf_init(&b, len + 2);
		buf_put(&b, "'", 1);
		buf_put(&b, s, len);
		rc = csv_fwrite(f, b.data, b.len);
		buf_free(&b);
		return rc;
	}
	return csv_fwrite(f, s, len);
}

static void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

struct out {
	FILE *f;
	const struct report_def *def;
	int json;
	long rows;
};

static double share(const char *a, const char *b)
{
	long long x = a ? atoll(a) : 0;
	long long y = b ? atoll(b) : 0;

	return y ? (double)x / (double)y : 0.0;
}

static int write_row(void *ctx, int ncols, const char *const *cols,
		     const char *const *names)
{
	struct out *o = ctx;

	(void)names;
	fputs(o->json ? (o->rows ? ",\n  {" : "\n  {") : "", o->f);
	for (int i = 0; o->def->cols[i].name; i++) {
		const struct column *c = &o->def->cols[i];
		const char *v = c->a < ncols && cols[c->a] ? cols[c->a] : "";

		if (o->json)
			fprintf(o->f, "%s\"%s\": ", i ? ", " : "", c->name);
		else if (i)
			fputc(',', o->f);
		if (c->kind == COL_SHARE)
			fprintf(o->f, "%.4f", share(v, cols[c->b]));
		else if (c->kind == COL_INT)
			fputs(*v ? v : "0", o->f);
		else if (o->json)
			json_text(o->f, v);
		else
			report_csv_text(o->f, v, strlen(v));
	}
	fputs(o->json ? "}" : "\r\n", o->f);
	o->rows++;
	return 0;
}

static void write_header(struct out *o)
{
	if (o->json) {
		fputc('[', o->f);
		return;
	}
	for (int i = 0; o->def->cols[i].name; i++)
		fprintf(o->f, "%s%s", i ? "," : "", o->def->cols[i].name);
	fputs("\r\n", o->f);
}

/* Open the output: stdout, or a temporary file beside path. */
static FILE *open_out(const char *path, char *tmp, size_t tmplen, char *err,
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

static int close_out(FILE *f, const char *path, const char *tmp, int failed,
		     char *err, size_t errlen)
{
	int bad = ferror(f);

	if (f == stdout) {
		if (fflush(f) == 0 && !bad)
			return 0;
		if (!failed)
			snprintf(err, errlen, "standard output: write failed: "
					      "%s", strerror(errno));
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

int report_run(struct store *st, const char *kind,
	       const struct report_opts *o, char *err, size_t errlen)
{
	const struct report_def *def = NULL;
	const char *params[2];
	char tmp[4200];
	struct out out = {NULL, NULL, o->json, 0};
	int rc;

	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(kind, reports[i].kind) == 0)
			def = &reports[i];
	if (!def) {
		snprintf(err, errlen, "unknown report '%s'", kind);
		return -1;
	}
	params[0] = o->since ? o->since : "0000-00-00";
	params[1] = o->until ? o->until : "9999-99-99";
	out.def = def;
	out.f = open_out(o->out, tmp, sizeof(tmp), err, errlen);
	if (!out.f)
		return -1;
	write_header(&out);
	rc = store_each(st, def->sql, params, 2, write_row, &out, err, errlen);
	if (o->json)
		fputs(out.rows ? "\n]\n" : "]\n", out.f);
	return close_out(out.f, o->out, tmp, rc < 0, err, errlen) < 0 ? -1
									: 0;
}
