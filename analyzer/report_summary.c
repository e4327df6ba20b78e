/* report_summary.c: the summary and files reports. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

int report_summary(struct ctx *x)
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

int report_files(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, files_cols, files_kinds, 10);
	int rc = store_each(
	    x->st,
	    "SELECT (SELECT group_concat(name, ' | ') FROM (SELECT name"
	    "  FROM file_names WHERE file_id = files.id ORDER BY name)),"
	    " head_fp, bytes, lines, bad, pending, state, gzip,"
	    " first_ingested, last_ingested FROM files ORDER BY id",
	    NULL, 0, report_plain_row, t, x->err, x->errlen);

	return table_end(t) < 0 ? -1 : rc;
}
