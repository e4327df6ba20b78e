/* store_write.c: the batch writer.  A batch's tuples (store_batch.c),
 * all of one file, are sorted by day and client, in the tables' key
 * order; each (day, client) group makes its rows of every table,
 * summed over its tuples and hourly counts, and the rows go into the
 * file's detail (or only the rollups, for a file whose detail is
 * folded) and into the rollups, in one transaction with the file's
 * read position.  A writer thread does
 * this while the next batch fills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "store_int.h"

/* Rows are written ROWS_PER_STEP to a statement: SQLite's work for a
 * statement (reset, cursors, its transaction check) is paid once for
 * them all. */
#define ROWS_PER_STEP 32

/* A row of one table, as it is bound. */
struct row {
	char day[DAY_TEXT_LEN + 1];
	uint8_t cls;
	uint8_t amnesty;
	uint16_t status;
	int has_fp;
	char fp[FP_HEXLEN + 1];
	const char *client;
	size_t clen;
	const char *text; /* the agent or the route */
	size_t tlen;
	int64_t origin;
	uint64_t n;
	int64_t first;
	int64_t last;
	uint64_t hours[24];
};

/* Where a table's rows go: a file's detail (file_id, part, the key)
 * or the rollups (the key), one row or ROWS_PER_STEP rows a step. */
struct target {
	sqlite3_stmt *one;
	sqlite3_stmt *many;
	int detail;
};

/* The writing of one table's rows. */
struct table_writer {
	struct store *st;
	enum store_kind kind;
	/* the file's detail and the rollups, or the rollups alone */
	struct target to[2];
	int nto;
	int64_t file;
	int64_t part; /* the detail's part: the file's lines at the commit */
	struct row pend[ROWS_PER_STEP];
	int npend;
};

/* ---- binding -------------------------------------------------------- */

/* amnesty and status at ?i and ?i+1. */
static int bind_st(sqlite3_stmt *s, int i, const struct row *r)
{
	sqlite3_bind_int(s, i, r->amnesty);
	sqlite3_bind_int(s, i + 1, r->status);
	return i + 2;
}

/* The credential's fingerprint: '' without one. */
static void bind_fp(sqlite3_stmt *s, int i, const struct row *r)
{
	sqlite3_bind_text(s, i, r->has_fp ? r->fp : "",
			  r->has_fp ? FP_HEXLEN : 0, SQLITE_STATIC);
}

/* Bind the columns of kind after day, client (and class); return the
 * next parameter's index. */
static int bind_rest(sqlite3_stmt *s, enum store_kind kind,
		     const struct row *r, int i)
{
	switch (kind) {
	case KIND_AGENTS:
		sqlite3_bind_text(s, i, r->text, (int)r->tlen, SQLITE_STATIC);
		return i + 1;
	case KIND_CREDS:
		bind_fp(s, i, r);
		return bind_st(s, i + 1, r);
	case KIND_CRED_AGENTS:
	case KIND_ROUTES:
		bind_fp(s, i, r);
		sqlite3_bind_text(s, i + 1, r->text, (int)r->tlen,
				  SQLITE_STATIC);
		return i + 2;
	case KIND_ORIGINS:
		bind_fp(s, i, r);
		sqlite3_bind_int64(s, i + 1, r->origin);
		return i + 2;
	case KIND_COUNTS:
	case KIND_HOURS:
	case KIND_N:
		break;
	}
	return bind_st(s, i, r);
}

/* Bind row r's columns from ?i on; return the next parameter's index. */
static int bind_row(const struct table_writer *w, const struct target *to,
		    sqlite3_stmt *s, int i, const struct row *r)
{
	const struct store *st = w->st;
	const struct store_table *t = &store_tables[w->kind];
	const char *cls =
	    r->cls < st->nclasses ? st->classes[r->cls] : "unknown";

	if (to->detail) {
		sqlite3_bind_int64(s, i++, w->file);
		sqlite3_bind_int64(s, i++, w->part);
	}
	sqlite3_bind_text(s, i++, r->day, DAY_TEXT_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, i++, r->client, (int)r->clen, SQLITE_STATIC);
	if (w->kind != KIND_CRED_AGENTS && w->kind != KIND_ROUTES)
		sqlite3_bind_text(s, i++, cls, -1, SQLITE_STATIC);
	i = bind_rest(s, w->kind, r, i);
	sqlite3_bind_int64(s, i++, (int64_t)r->n);
	if (t->range) {
		sqlite3_bind_int64(s, i++, r->first);
		sqlite3_bind_int64(s, i++, r->last);
	}
	for (int h = 0; t->hours && h < 24; h++)
		sqlite3_bind_int64(s, i++, (int64_t)r->hours[h]);
	return i;
}

/* Step s once; 0 or -1. */
static int step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Write the pending rows into one target: in one step when they are
 * ROWS_PER_STEP, else one a step. */
static int flush_target(struct table_writer *w, const struct target *to)
{
	int i = 1;

	if (w->npend == ROWS_PER_STEP) {
		for (int r = 0; r < w->npend; r++)
			i = bind_row(w, to, to->many, i, &w->pend[r]);
		return step(to->many);
	}
	for (int r = 0; r < w->npend; r++) {
		bind_row(w, to, to->one, 1, &w->pend[r]);
		if (step(to->one) < 0)
			return -1;
	}
	return 0;
}

static int flush_rows(struct table_writer *w)
{
	for (int t = 0; t < w->nto; t++)
		if (flush_target(w, &w->to[t]) < 0)
			return -1;
	w->npend = 0;
	return 0;
}

/* ---- statements ----------------------------------------------------- */

/* The parameters of a row of kind k: of the detail, or the rollups. */
static int row_params(enum store_kind k, int detail)
{
	const struct store_table *t = &store_tables[k];

	return t->nkeys + 1 + 2 * t->range + 24 * t->hours + 2 * detail;
}

/* "INSERT INTO file_T|rollup_T(cols) VALUES(?..),.. ON CONFLICT DO ..."
 * with rows rows. */
static void upsert_sql(enum store_kind k, int detail, int rows, char *out,
		       size_t cap)
{
	const struct store_table *t = &store_tables[k];
	int ncols = row_params(k, detail);
	size_t n;

	n = (size_t)snprintf(out, cap, "INSERT INTO %s%s(%s%s, %s) VALUES",
			     detail ? "file_" : "rollup_", t->name,
			     detail ? "file_id, part, " : "", t->keys,
			     store_vals(t));
	for (int r = 0; r < rows && n < cap; r++)
		for (int i = 0; i < ncols && n < cap; i++)
			n += (size_t)snprintf(out + n, cap - n, "%s?%s",
					      i	  ? ","
					      : r ? ",("
						  : "(",
					      i + 1 < ncols ? "" : ")");
	snprintf(out + n, n < cap ? cap - n : 0, "%s", store_merge_tail(t));
}

/* Prepare w's targets: the rollups, and first the file's detail when
 * it keeps one. */
static int prepare_targets(struct table_writer *w, int detail, char *err,
			   size_t errlen)
{
	char sql[ROWS_PER_STEP * 34 * 3 + SQL_MAX];

	for (int d = detail; d >= 0; d--) {
		struct target *to = &w->to[w->nto];

		to->detail = d;
		upsert_sql(w->kind, d, 1, sql, sizeof(sql));
		to->one = store_prepare(w->st, sql, err, errlen);
		upsert_sql(w->kind, d, ROWS_PER_STEP, sql, sizeof(sql));
		to->many =
		    to->one ? store_prepare(w->st, sql, err, errlen) : NULL;
		w->nto++;
		if (!to->many)
			return -1;
	}
	return 0;
}

static void finalize_targets(struct table_writer *w)
{
	for (int t = 0; t < w->nto; t++) {
		sqlite3_finalize(w->to[t].one);
		sqlite3_finalize(w->to[t].many);
	}
	w->nto = 0;
}

/* ---- rows from tuples ----------------------------------------------- */

/* A tuple of a group, by what the table being made is keyed by after
 * file, day and client (project()). */
struct proj {
	uint64_t v[4];
	const struct tuple *t;
};

/* A tuple's place in the key order: day, then client (its rank). */
struct gkey {
	uint64_t key;
	uint32_t i;
};

/* An hourly count's place in the key order: day, client, then class,
 * amnesty, status and hour (sub). */
struct hkey {
	uint64_t key;
	uint64_t sub;
	const struct hourly *e;
};

/* A group's hourly counts. */
struct hours_run {
	const struct hkey *hk;
	size_t n;
};

/* Whether t goes into kind's table, and (into v) what its row is keyed
 * by there after file, day and client, in the table's key order. */
static int project(enum store_kind kind, const struct tuple *t, uint64_t v[4])
{
	memset(v, 0, 4 * sizeof(*v));
	switch (kind) {
	case KIND_COUNTS:
		v[0] = t->cls, v[1] = t->amnesty, v[2] = t->status;
		return 1;
	case KIND_AGENTS:
		v[0] = t->cls, v[1] = t->agent;
		return t->legacy;
	case KIND_CREDS:
		v[0] = t->cls, v[1] = t->cred, v[2] = t->amnesty;
		v[3] = t->status;
		return t->legacy && t->has_cred;
	case KIND_CRED_AGENTS:
		v[0] = t->cred, v[1] = t->agent;
		return t->legacy && t->has_cred;
	case KIND_ROUTES:
		v[0] = t->has_cred, v[1] = t->cred, v[2] = t->route_to;
		return t->legacy && t->route;
	case KIND_ORIGINS:
		/* of a client named after its credential, its origin (fp
		 * ''); of another, a credential that is not legacy */
		v[0] = t->cls, v[1] = !t->fp_client;
		v[2] = t->fp_client ? 0 : t->cred;
		v[3] = t->fp_client && !t->origin_cut ? t->origin : 0;
		return t->has_cred && (t->fp_client || !t->legacy);
	case KIND_HOURS: /* from the hourly counts */
	case KIND_N:
		break;
	}
	return 0;
}

static int proj_order(const void *a, const void *b)
{
	const struct proj *x = a;
	const struct proj *y = b;

	for (int i = 0; i < 4; i++)
		if (x->v[i] != y->v[i])
			return x->v[i] < y->v[i] ? -1 : 1;
	return 0;
}

/* The numbers of a batch's strings, as the writer reads them. */
struct names {
	const struct batch *b;
	uint32_t *rank; /* a client's place in the key order, by number */
};

/* The text of a string's number in tab. */
static const char *text_of(const struct strtab *tab, uint32_t id, size_t *len)
{
	const char *p = "";

	*len = 0;
	if (id)
		p = strtab_text(tab, id, len);
	return *len ? p : ""; /* an empty string's text may be NULL */
}

/* Row r, empty, of day, client, class, amnesty and status. */
static void row_head(const struct names *nm, int32_t day, uint32_t client,
		     uint8_t cls, uint8_t amnesty, uint16_t status,
		     struct row *r)
{
	memset(r, 0, sizeof(*r));
	day_format(day, r->day);
	r->cls = cls;
	r->amnesty = amnesty;
	r->status = status;
	r->client = text_of(nm->b->clients, client, &r->clen);
}

/* Row r's key, from its first tuple t and its projection v. */
static void row_key(const struct names *nm, enum store_kind kind,
		    const struct tuple *t, const uint64_t v[4], struct row *r)
{
	const struct batch *b = nm->b;
	uint64_t fp = kind == KIND_ORIGINS ? v[2] : t->cred;

	row_head(nm, t->day, t->client, t->cls, t->amnesty, t->status, r);
	r->has_fp = kind == KIND_ORIGINS ? (int)v[1] : t->has_cred;
	for (int i = FP_HEXLEN - 1; i >= 0; i--, fp >>= 4)
		r->fp[i] = "0123456789abcdef"[fp & 15];
	if (kind == KIND_ROUTES)
		r->text = text_of(b->routes, t->route_to, &r->tlen);
	else
		r->text = text_of(b->agents, t->agent, &r->tlen);
	r->origin = (int64_t)v[3];
}

static void add_tuple(struct row *r, const struct tuple *t)
{
	int64_t day = (int64_t)t->day * 86400;

	if (day + t->first < r->first)
		r->first = day + t->first;
	if (day + t->last > r->last)
		r->last = day + t->last;
	r->n += t->n;
}

/* Make kind's rows of the group's tuples p[0..n) (projected and
 * sorted), each the sum of a run of equal keys, and write them. */
static int group_rows(struct table_writer *w, const struct names *nm,
		      const struct proj *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct row *r = &w->pend[w->npend];
		size_t j;

		row_key(nm, w->kind, p[i].t, p[i].v, r);
		r->first = INT64_MAX;
		r->last = INT64_MIN;
		for (j = i; j < n && proj_order(&p[i], &p[j]) == 0; j++)
			add_tuple(r, p[j].t);
		i = j;
		if (++w->npend == ROWS_PER_STEP && flush_rows(w) < 0)
			return -1;
	}
	return 0;
}

/* The hours rows of a group's hourly counts: runs of one class,
 * amnesty and status, their hours summed. */
static int hour_rows(struct table_writer *w, const struct names *nm,
		     struct hours_run h)
{
	size_t i = 0;

	while (i < h.n) {
		struct row *r = &w->pend[w->npend];
		const struct hourly *e = h.hk[i].e;
		size_t j;

		row_head(nm, e->day, e->client, e->cls, e->amnesty, e->status,
			 r);
		for (j = i; j < h.n && h.hk[j].sub >> 8 == h.hk[i].sub >> 8;
		     j++) {
			r->n += h.hk[j].e->n;
			r->hours[h.hk[j].e->hour % 24] += h.hk[j].e->n;
		}
		i = j;
		if (++w->npend == ROWS_PER_STEP && flush_rows(w) < 0)
			return -1;
	}
	return 0;
}

/* Make and write every table's rows of the group g[0..n): the tuples
 * of one day and client, and h, their hourly counts.  p has room for
 * n. */
static int write_group(struct table_writer *w, const struct names *nm,
		       const struct gkey *g, size_t n, struct hours_run h,
		       struct proj *p)
{
	for (int k = 0; k < KIND_N; k++) {
		size_t m = 0;

		if (k == KIND_HOURS) {
			if (hour_rows(&w[k], nm, h) < 0)
				return -1;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			p[m].t = ftab_at(nm->b->tuples, g[i].i);
			m += (size_t)project((enum store_kind)k, p[m].t,
					     p[m].v);
		}
		qsort(p, m, sizeof(*p), proj_order);
		if (group_rows(&w[k], nm, p, m) < 0)
			return -1;
	}
	return 0;
}

/* A client's text and number, to sort. */
struct cname {
	const char *p;
	size_t len;
	uint32_t id;
};

static int cname_order(const void *a, const void *b)
{
	const struct cname *x = a;
	const struct cname *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (c || x->len == y->len)
		return c;
	return x->len < y->len ? -1 : 1;
}

/* Each client's place in the order of their text (as SQLite sorts
 * it), by number: an array to free. */
static uint32_t *client_ranks(const struct strtab *tab)
{
	size_t n = strtab_size(tab);
	struct cname *c = xmalloc((n + 1) * sizeof(*c));
	uint32_t *rank = xcalloc(n + 1, sizeof(*rank));

	for (size_t i = 0; i < n; i++) {
		c[i].id = (uint32_t)(i + 1);
		c[i].p = strtab_text(tab, c[i].id, &c[i].len);
	}
	qsort(c, n, sizeof(*c), cname_order);
	for (size_t i = 0; i < n; i++)
		rank[c[i].id] = (uint32_t)i;
	free(c);
	return rank;
}

/* Where day and a client of that rank sort. */
static uint64_t place(int32_t day, uint32_t rank)
{
	return (uint64_t)((uint32_t)day ^ 0x80000000u) << 32 | rank;
}

static int hkey_order(const void *a, const void *b)
{
	const struct hkey *x = a;
	const struct hkey *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* The batch's hourly counts in key order: an array to free. */
static struct hkey *hour_order(const struct batch *b, const uint32_t *rank)
{
	size_t n = ftab_size(b->hours);
	struct hkey *h = xmalloc((n + 1) * sizeof(*h));

	for (size_t i = 0; i < n; i++) {
		const struct hourly *e = ftab_at(b->hours, i);

		h[i].key = place(e->day, rank[e->client]);
		h[i].sub = (uint64_t)e->cls << 32 |
			   (uint64_t)e->amnesty << 24 |
			   (uint64_t)e->status << 8 | e->hour;
		h[i].e = e;
	}
	qsort(h, n, sizeof(*h), hkey_order);
	return h;
}

static int gkey_order(const void *a, const void *b)
{
	const struct gkey *x = a;
	const struct gkey *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The batch's tuples in key order (day, then client): an array of
 * ftab_size() to free; *most is set to the largest group's size. */
static struct gkey *key_order(const struct batch *b, const uint32_t *rank,
			      size_t *most)
{
	size_t n = ftab_size(b->tuples);
	struct gkey *g = xmalloc((n + 1) * sizeof(*g));

	for (size_t i = 0; i < n; i++) {
		const struct tuple *t = ftab_at(b->tuples, i);

		g[i].key = place(t->day, rank[t->client]);
		g[i].i = (uint32_t)i;
	}
	qsort(g, n, sizeof(*g), gkey_order);
	*most = 0;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && g[j].key == g[i].key; j++)
			;
		if (j - i > *most)
			*most = j - i;
	}
	return g;
}

/* Write every group's rows through w (prepared).  Every hourly count
 * has tuples of its day and client (store_count() adds to both). */
static int write_groups(struct table_writer *w, const struct batch *b)
{
	struct names nm = {b, client_ranks(b->clients)};
	size_t most;
	struct gkey *g = key_order(b, nm.rank, &most);
	struct hkey *hk = hour_order(b, nm.rank);
	struct proj *p = xmalloc((most + 1) * sizeof(*p));
	size_t n = ftab_size(b->tuples);
	size_t nh = ftab_size(b->hours);
	size_t at = 0;
	int rc = 0;

	for (size_t i = 0, j; rc == 0 && i < n; i = j) {
		struct hours_run h = {hk + at, 0};

		for (j = i + 1; j < n && g[j].key == g[i].key; j++)
			;
		while (at < nh && hk[at].key == g[i].key)
			at++, h.n++;
		rc = write_group(w, &nm, g + i, j - i, h, p);
	}
	if (at != nh)
		rc = -1; /* not reached: never leave a count out quietly */
	for (int k = 0; rc == 0 && k < KIND_N; k++)
		rc = flush_rows(&w[k]);
	free(p);
	free(hk);
	free(g);
	free(nm.rank);
	return rc;
}

/* Write b's tuples as rows of every table: into the file's detail as
 * a part of its own and, in the same transaction, into the rollups. */
static int write_tables(struct store *st, const struct batch *b, char *err,
			size_t errlen)
{
	int detail = b->has_fs && b->fs.detail;
	struct table_writer *w = xcalloc(KIND_N, sizeof(*w));
	int rc = 0;

	if (ftab_size(b->tuples) == 0) {
		free(w);
		return 0;
	}
	for (int k = 0; k < KIND_N && rc == 0; k++) {
		w[k].st = st;
		w[k].kind = (enum store_kind)k;
		w[k].part = detail ? (int64_t)b->fs.lines : 0;
		w[k].file = b->file;
		rc = prepare_targets(&w[k], detail, err, errlen);
	}
	if (rc == 0 && write_groups(w, b) < 0)
		rc = store_fail(st, "cannot write counts", err, errlen);
	for (int k = 0; k < KIND_N; k++)
		finalize_targets(&w[k]);
	free(w);
	return rc;
}

/* ---- transactions and the writer thread ---------------------------- */

static int write_classes(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *s =
	    store_prepare(st,
			  "INSERT INTO classes VALUES(?1, ?2, ?3) "
			  "ON CONFLICT DO UPDATE SET legacy = "
			  "excluded.legacy, ord = excluded.ord",
			  err, errlen);
	int rc = SQLITE_DONE;

	if (!s)
		return -1;
	for (int i = 0; i <= st->nclasses && rc == SQLITE_DONE; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(
		    s, 1, i < st->nclasses ? st->classes[i] : "unknown", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 2, i < st->nclasses && st->legacy[i]);
		sqlite3_bind_int(s, 3, i);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "database error", err, errlen);
}

static int write_position(struct store *st, const struct batch *b, char *err,
			  size_t errlen)
{
	char first[DAY_TEXT_LEN + 1];
	char last[DAY_TEXT_LEN + 1];

	if (!b->has_fs)
		return 0;
	day_format(b->min_day, first);
	day_format(b->max_day, last);
	return store_file_write(st, &b->fs, b->any ? first : NULL,
				b->any ? last : NULL, err, errlen);
}

/* The file's detail is all in the rollups, up to this commit. */
static int write_rolled(struct store *st, const struct batch *b, char *err,
			size_t errlen)
{
	if (!b->has_fs || !b->fs.detail)
		return 0;
	return store_exec2(st,
			   "UPDATE files SET rolled = lines WHERE id = ?1"
			   " AND detail = 1",
			   b->fs.id, 0, err, errlen);
}

/* Write b's rows, into the detail and the rollups, and its read
 * position; first (once a run) add into the rollups any detail an
 * interrupted run left out of them, so that files.rolled can follow. */
static int write_rows(struct store *st, struct batch *b, char *err,
		      size_t errlen)
{
	int rc = write_classes(st, err, errlen);

	if (rc == 0 && !st->rolled)
		rc = store_roll(st, err, errlen);
	if (rc == 0)
		rc = write_tables(st, b, err, errlen);
	if (rc == 0)
		rc = write_position(st, b, err, errlen);
	if (rc == 0)
		rc = write_rolled(st, b, err, errlen);
	return rc;
}

/* Write b in one transaction, and empty it. */
static int write_batch(struct store *st, struct batch *b, char *err,
		       size_t errlen)
{
	int rc = store_write_begin(st, err, errlen);

	if (rc == 0) {
		rc = store_write_end(st, write_rows(st, b, err, errlen), err,
				     errlen);
		if (rc == 0)
			st->rolled = 1;
	}
	store_batch_clear(b);
	return rc;
}

/* The writer thread: write each batch handed to it, in turn. */
static void *writer(void *arg)
{
	struct store *st = arg;

	/* at the same priority as the reading and counting threads: it
	 * has as much to do as they have (it ran at nice 10 while it had
	 * less) */
	pthread_mutex_lock(&st->mu);
	for (;;) {
		struct batch *b;
		int rc;

		while (!st->queued && !st->stop)
			pthread_cond_wait(&st->cv, &st->mu);
		if (!st->queued)
			break;
		b = &st->batch[!st->cur];
		pthread_mutex_unlock(&st->mu);
		rc = write_batch(st, b, st->wmsg, sizeof(st->wmsg));
		pthread_mutex_lock(&st->mu);
		st->failed = rc < 0;
		st->queued = 0;
		pthread_cond_broadcast(&st->cv);
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

void store_stop_writer(struct store *st)
{
	if (!st->writer_started)
		return;
	pthread_mutex_lock(&st->mu);
	while (st->queued)
		pthread_cond_wait(&st->cv, &st->mu);
	st->stop = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	pthread_join(st->writer, NULL);
	st->writer_started = 0;
}

/* SQLite's page cache for the batches: 1 MiB, not the default 2 MiB.
 * A batch writes pages in key order, the new rows of a day or two, so
 * the cache needs few; on 5 M lines the peak memory is 1.1 MiB lower and
 * the writer no slower. */
static int small_cache(struct store *st, char *err, size_t errlen)
{
	return store_exec(st, "PRAGMA cache_size = -1024", err, errlen);
}

int store_sync(struct store *st, char *err, size_t errlen)
{
	return store_wait_writer(st, err, errlen);
}

int store_commit(struct store *st, struct file_state *fs, char *err,
		 size_t errlen)
{
	struct batch *b = &st->batch[st->cur];

	if (fs) {
		b->fs = *fs;
		b->has_fs = 1;
		fs->known = 1;
	}
	if (store_wait_writer(st, err, errlen) < 0) {
		/* the batch before failed: this one is not written either */
		store_batch_clear(b);
		return -1;
	}
	if (!st->writer_started && small_cache(st, err, errlen) < 0)
		return -1;
	if (!st->writer_started)
		st->writer_started =
		    pthread_create(&st->writer, NULL, writer, st) == 0;
	if (!st->writer_started)
		return write_batch(st, b, err, errlen); /* no thread: inline */
	st->handed = store_batch_bytes(b);
	pthread_mutex_lock(&st->mu);
	st->cur = !st->cur;
	st->queued = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return 0;
}

/* Wait until the writer has written the batch handed to it, and given
 * back its memory. */
static void wait_handed(struct store *st)
{
	pthread_mutex_lock(&st->mu);
	while (st->queued)
		pthread_cond_wait(&st->cv, &st->mu);
	pthread_mutex_unlock(&st->mu);
}

int store_batch_full(struct store *st)
{
	size_t bytes = store_batch_bytes(&st->batch[st->cur]);

	if (st->handed && bytes + st->handed > BATCH_BUDGET) {
		/* with the one handed to the writer, at the budget: go on
		 * filling this one once the writer has given that back */
		wait_handed(st);
		st->handed = 0;
	}
	return bytes > BATCH_BYTES;
}
