/* store_batch.c: requests counted in memory per file, day, client and
 * the rest of each table's key, then written per batch with UPSERTs into
 * the file's detail (or the rollups, for a file whose detail is folded)
 * in the same transaction as the file's read position, by a writer
 * thread while the next batch fills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "buf.h"
#include "day.h"
#include "store_int.h"

void store_batch_init(struct batch *b)
{
	for (int k = 0; k < KIND_N; k++)
		b->t[k] = tally_new();
	b->route_n = tally_new();
}

void store_batch_clear(struct batch *b)
{
	for (int k = 0; k < KIND_N; k++)
		tally_clear(b->t[k]);
	tally_clear(b->route_n);
	b->any = 0;
	b->has_fs = 0;
}

void store_batch_free(struct batch *b)
{
	for (int k = 0; k < KIND_N; k++)
		tally_free(b->t[k]);
	tally_free(b->route_n);
}

/* Empty b and give its memory back to the system: a batch written
 * holds none while the next one fills. */
static void release(struct batch *b)
{
	store_batch_free(b);
	store_batch_init(b);
	b->any = 0;
	b->has_fs = 0;
#ifdef __GLIBC__
	malloc_trim(0); /* free pages amid the heap, too */
#endif
}

static size_t put(char *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return n;
}

/* The key prefix every tally shares: file, day, class, client. */
#define PREFIX_MAX (8 + 4 + 1 + 2 + CLIENT_MAX)
#define KEY_MAX	   (PREFIX_MAX + FP_HEXLEN + 4 + AGENT_MAX)

struct counting {
	struct batch *b;
	const struct hit *h;
	char key[KEY_MAX];
	size_t prefix;
	uint64_t hc; /* the prefix's hash */
	int32_t day;
	const char *fp; /* FP_HEXLEN bytes, zeros without a credential */
};

/* Count the key prefix + a + b in the tally of kind k.  Its hash is h
 * when h is not 0: a function of the key's bytes alone, made of the
 * hashes of its parts, the same function for every key of the kind. */
static void add_rest(struct counting *c, enum store_kind k, const void *a,
		     size_t alen, const void *b, size_t blen, uint64_t h)
{
	size_t n = c->prefix;

	n += put(c->key + n, a, alen);
	n += put(c->key + n, b, blen);
	if (!h)
		h = buf_hash(c->key, n);
	tally_add_hashed(c->b->t[k], c->key, n, h, 1, c->h->time);
}

/* A route, or "{other}" once the client's day has ROUTES_CAP of them. */
static void add_route(struct counting *c, const char *route, size_t len)
{
	char nk[4 + 2 + CLIENT_MAX];
	uint16_t clen;
	size_t n = c->prefix;
	const struct tally_entry *e;
	uint64_t hr;
	uint64_t hn;

	n += put(c->key + n, c->fp, FP_HEXLEN);
	n += put(c->key + n, route, len);
	hr = buf_hash(c->key, n);
	if (tally_find(c->b->t[KIND_ROUTES], c->key, n, hr)) {
		tally_add_hashed(c->b->t[KIND_ROUTES], c->key, n, hr, 1,
				 c->h->time);
		return;
	}
	memcpy(&clen, c->key + 13, 2);
	memcpy(nk, &c->day, 4);
	memcpy(nk + 4, c->key + 13, 2 + clen);
	hn = buf_hash(nk, 6 + clen);
	e = tally_find(c->b->route_n, nk, 6 + clen, hn);
	if (e && e->n >= ROUTES_CAP) {
		route = "{other}";
		len = 7;
	} else {
		tally_add_hashed(c->b->route_n, nk, 6 + clen, hn, 1, 0);
	}
	add_rest(c, KIND_ROUTES, c->fp, FP_HEXLEN, route, len,
		 route == c->h->route ? hr : 0);
}

/* The tables of legacy requests only. */
static void count_legacy(struct counting *c, const unsigned char st3[3])
{
	const struct hit *h = c->h;
	size_t alen = h->agent_len < AGENT_MAX ? h->agent_len : AGENT_MAX;
	uint8_t hour = (uint8_t)((h->time - (int64_t)c->day * 86400) / 3600);
	uint64_t ha =
	    alen == h->agent_len ? h->agent_hash : buf_hash(h->agent, alen);
	uint64_t sh = (uint64_t)st3[0] << 16 | (uint64_t)st3[1] << 8 | st3[2];
	size_t n = c->prefix + put(c->key + c->prefix, h->agent, alen);

	tally_add_hashed(c->b->t[KIND_AGENTS], c->key, n, buf_mix(c->hc ^ ha),
			 1, h->time);
	/* the hour last: a day's hours of one key are written as a row */
	add_rest(c, KIND_HOURS, st3, 3, &hour, 1,
		 buf_mix(c->hc ^ (sh << 8 | hour)));
	if (h->cred_fp) {
		uint64_t hf = buf_hash(c->fp, FP_HEXLEN);

		add_rest(c, KIND_CREDS, c->fp, FP_HEXLEN, st3, 3,
			 buf_mix(c->hc ^ buf_mix(hf ^ sh)));
		add_rest(c, KIND_CRED_AGENTS, c->fp, FP_HEXLEN, h->agent, alen,
			 buf_mix(c->hc ^ buf_mix(hf ^ ha)));
	}
	if (h->route)
		add_route(c, h->route,
			  h->route_len < ROUTE_MAX ? h->route_len : ROUTE_MAX);
}

/* The cap of origins of (day, client, fp) in the batch: is this new
 * origin one too many?  Counted in route_n, apart from the routes by
 * the mark on its length. */
static int origin_capped(struct counting *c, uint16_t clen)
{
	char nk[4 + 2 + CLIENT_MAX + FP_HEXLEN];
	uint16_t mark = (uint16_t)(clen | 0x8000);
	size_t n = 6 + (size_t)clen + FP_HEXLEN;
	uint64_t hn;
	const struct tally_entry *e;

	memcpy(nk, &c->day, 4);
	memcpy(nk + 4, &mark, 2);
	memcpy(nk + 6, c->key + 15, clen);
	memcpy(nk + 6 + clen, c->fp, FP_HEXLEN);
	hn = buf_hash(nk, n);
	e = tally_find(c->b->route_n, nk, n, hn);
	if (e && e->n >= ORIGINS_CAP)
		return 1;
	tally_add_hashed(c->b->route_n, nk, n, hn, 1, 0);
	return 0;
}

/* A request with a credential, into the origins: of a client named
 * after its credential, its origin (address and agent), the first
 * ORIGINS_CAP of a (day, client) in the batch, the rest under none;
 * of another client (a client id), only a credential of a class that
 * is not legacy (the credentials keep the legacy ones), under no
 * origin: what lookup needs. */
static void count_origin(struct counting *c)
{
	static const char none[FP_HEXLEN];
	const struct hit *h = c->h;
	uint16_t clen;
	const char *fp = c->fp;
	const char *origin = none;
	size_t n = c->prefix;
	uint64_t hk;

	memcpy(&clen, c->key + 13, 2);
	if (clen == 3 + FP_HEXLEN && memcmp(c->key + 15, "fp:", 3) == 0 &&
	    memcmp(c->key + 18, c->fp, FP_HEXLEN) == 0) {
		fp = none;
		if (h->origin)
			origin = h->origin;
	} else if (h->legacy)
		return;
	n += put(c->key + n, fp, FP_HEXLEN);
	n += put(c->key + n, origin, FP_HEXLEN);
	hk = buf_hash(c->key, n);
	if (origin != none &&
	    !tally_find(c->b->t[KIND_ORIGINS], c->key, n, hk) &&
	    origin_capped(c, clen)) {
		n -= FP_HEXLEN;
		n += put(c->key + n, none, FP_HEXLEN);
		hk = buf_hash(c->key, n);
	}
	tally_add_hashed(c->b->t[KIND_ORIGINS], c->key, n, hk, 1, h->time);
}

static void track_day(struct batch *b, int32_t day)
{
	if (!b->any || day < b->min_day)
		b->min_day = day;
	if (!b->any || day > b->max_day)
		b->max_day = day;
	b->any = 1;
}

void store_count(struct store *st, const struct file_state *fs,
		 const struct hit *h)
{
	static const char nofp[FP_HEXLEN];
	struct counting c;
	uint8_t cls = (uint8_t)h->cls;
	unsigned char st3[3];
	uint16_t status = (uint16_t)h->status;
	uint16_t clen = (uint16_t)(h->client_len < CLIENT_MAX ? h->client_len
							      : CLIENT_MAX);
	uint64_t hc =
	    clen == h->client_len ? h->client_hash : buf_hash(h->client, clen);
	size_t n;

	c.b = &st->batch[st->cur];
	c.h = h;
	c.day = (int32_t)(h->time >= 0 ? h->time / 86400
				       : (h->time - 86399) / 86400);
	c.fp = h->cred_fp ? h->cred_fp : nofp;
	track_day(c.b, c.day);
	/* every key's hash is a function of its bytes: the long parts
	 * come hashed, the rest is mixed in */
	c.hc = buf_mix(hc ^ ((uint64_t)fs->id << 40) ^
		       ((uint64_t)(uint32_t)c.day << 8) ^ cls);
	n = put(c.key, &fs->id, 8);
	n += put(c.key + n, &c.day, 4);
	n += put(c.key + n, &cls, 1);
	n += put(c.key + n, &clen, 2);
	n += put(c.key + n, h->client, clen);
	c.prefix = n;
	st3[0] = (uint8_t)(h->amnesty != 0);
	memcpy(st3 + 1, &status, 2);
	n += put(c.key + n, st3, 3);
	tally_add_hashed(c.b->t[KIND_COUNTS], c.key, n,
			 buf_mix(c.hc ^ ((uint64_t)st3[0] << 16 | status)), 1,
			 h->time);
	if (h->legacy)
		count_legacy(&c, st3);
	if (h->cred_fp)
		count_origin(&c);
}

static size_t batch_bytes(const struct batch *b)
{
	size_t bytes = tally_bytes(b->route_n);

	for (int k = 0; k < KIND_N; k++)
		bytes += tally_bytes(b->t[k]);
	return bytes;
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
	size_t bytes = batch_bytes(&st->batch[st->cur]);

	if (st->handed && bytes + st->handed > BATCH_BUDGET) {
		/* with the one handed to the writer, at the budget: go on
		 * filling this one once the writer has given that back */
		wait_handed(st);
		st->handed = 0;
	}
	return bytes > BATCH_BYTES;
}

void store_discard(struct store *st)
{
	store_batch_clear(&st->batch[st->cur]);
}

/* ---- writing ------------------------------------------------------ */

struct keyhead {
	int64_t file;
	int32_t day;
	uint8_t cls;
	uint16_t clen;
	const char *client;
	const char *rest;
	size_t restlen;
};

static void unpack(const struct tally_entry *e, struct keyhead *k)
{
	const char *p = e->key;

	memcpy(&k->file, p, 8);
	memcpy(&k->day, p + 8, 4);
	memcpy(&k->cls, p + 12, 1);
	memcpy(&k->clen, p + 13, 2);
	k->client = p + 15;
	k->rest = k->client + k->clen;
	k->restlen = e->keylen - 15 - k->clen;
}

/* "YYYY-MM-DD" of a day number (days since 1970-01-01). */
static void day_text(int64_t z, char out[32])
{
	char text[DAY_TEXT_LEN + 1];

	snprintf(out, 32, "%s", day_format(z, text));
}

/* Rows are written ROWS_PER_STEP to a statement: SQLite's work for a
 * statement (reset, cursors, its transaction check) is paid once for
 * them all. */
#define ROWS_PER_STEP 32

/* Where a batch's rows go: a file's detail (file_id, part, the key)
 * or the rollups (the key), one row or ROWS_PER_STEP rows a step. */
struct target {
	sqlite3_stmt *one;
	sqlite3_stmt *many;
	int detail;
	int ncols; /* parameters a row */
};

/* A row waiting for its step: its entry, count and (KIND_HOURS) hours. */
struct pending {
	const struct tally_entry *e;
	uint64_t n;
	uint64_t hours[24];
};

struct writer {
	struct store *st;
	enum store_kind kind;
	/* the file's detail and the rollups, or the rollups alone */
	struct target to[2];
	int nto;
	int64_t part; /* the detail's part: the file's lines at the commit */
	/* KIND_HOURS: the row being gathered, its hours so far */
	const struct tally_entry *row;
	uint64_t hours[24];
	struct pending pend[ROWS_PER_STEP];
	int npend;
	int32_t day; /* the day of day_text, or -1 */
	char day_text[32];
};
/* The fingerprint of a key's rest: '' for the zeros of no credential. */
static void bind_fp(sqlite3_stmt *s, int i, const char *fp)
{
	int none = 1;

	for (int j = 0; j < FP_HEXLEN; j++)
		none &= fp[j] == 0;
	sqlite3_bind_text(s, i, none ? "" : fp, none ? 0 : FP_HEXLEN,
			  SQLITE_STATIC);
}

/* An origin's 16 hex digits as the 64-bit integer they write; 0 for
 * the zeros of none. */
static void bind_origin(sqlite3_stmt *s, int i, const char *hex)
{
	uint64_t v = 0;

	for (int j = 0; j < FP_HEXLEN && hex[j]; j++)
		v = v << 4 | (uint64_t)buf_hexval((unsigned char)hex[j]);
	sqlite3_bind_int64(s, i, (int64_t)v);
}

/* amnesty and status from 3 bytes at p, at ?i and ?i+1. */
static void bind_st3(sqlite3_stmt *s, int i, const char *p)
{
	uint16_t status;

	memcpy(&status, p + 1, 2);
	sqlite3_bind_int(s, i, (unsigned char)p[0]);
	sqlite3_bind_int(s, i + 1, status);
}

/* Bind the columns of kind after day, client (and class); return the
 * next parameter's index. */
static int bind_rest(sqlite3_stmt *s, enum store_kind kind,
		     const struct keyhead *k, int i)
{
	switch (kind) {
	case KIND_COUNTS:
		bind_st3(s, i, k->rest);
		return i + 2;
	case KIND_AGENTS:
		sqlite3_bind_text(s, i, k->rest, (int)k->restlen,
				  SQLITE_STATIC);
		return i + 1;
	case KIND_CREDS:
		bind_fp(s, i, k->rest);
		bind_st3(s, i + 1, k->rest + FP_HEXLEN);
		return i + 3;
	case KIND_CRED_AGENTS:
	case KIND_ROUTES:
		bind_fp(s, i, k->rest);
		sqlite3_bind_text(s, i + 1, k->rest + FP_HEXLEN,
				  (int)(k->restlen - FP_HEXLEN),
				  SQLITE_STATIC);
		return i + 2;
	case KIND_ORIGINS:
		bind_fp(s, i, k->rest);
		bind_origin(s, i + 1, k->rest + FP_HEXLEN);
		return i + 2;
	case KIND_HOURS:
	case KIND_N:
		break;
	}
	bind_st3(s, i, k->rest); /* the hour after them goes in a column */
	return i + 2;
}

/* The text of day z, made once for a run of rows of one day. */
static const char *writer_day(struct writer *w, int32_t z)
{
	if (w->day != z) {
		day_text(z, w->day_text);
		w->day = z;
	}
	return w->day_text;
}

/* Bind row p's columns from ?i on; return the next parameter's index. */
static int bind_row(struct writer *w, const struct target *to, sqlite3_stmt *s,
		    int i, const struct pending *p)
{
	struct keyhead k;
	const char *cls;
	int classed = w->kind != KIND_CRED_AGENTS && w->kind != KIND_ROUTES;

	unpack(p->e, &k);
	cls = k.cls < w->st->nclasses ? w->st->classes[k.cls] : "unknown";
	if (to->detail) {
		sqlite3_bind_int64(s, i++, k.file);
		sqlite3_bind_int64(s, i++, w->part);
	}
	sqlite3_bind_text(s, i++, writer_day(w, k.day), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, i++, k.client, k.clen, SQLITE_STATIC);
	if (classed)
		sqlite3_bind_text(s, i++, cls, -1, SQLITE_STATIC);
	i = bind_rest(s, w->kind, &k, i);
	sqlite3_bind_int64(s, i++, (int64_t)p->n);
	if (store_tables[w->kind].range) {
		sqlite3_bind_int64(s, i++, p->e->first);
		sqlite3_bind_int64(s, i++, p->e->last);
	}
	for (int h = 0; store_tables[w->kind].hours && h < 24; h++)
		sqlite3_bind_int64(s, i++, (int64_t)p->hours[h]);
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
static int flush_target(struct writer *w, const struct target *to)
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

static int flush_rows(struct writer *w)
{
	for (int t = 0; t < w->nto; t++)
		if (flush_target(w, &w->to[t]) < 0)
			return -1;
	w->npend = 0;
	return 0;
}

/* Write e's key with n (e->n, or the sum of a row's hours), when
 * ROWS_PER_STEP rows wait. */
static int write_row(struct writer *w, const struct tally_entry *e, uint64_t n)
{
	struct pending *p = &w->pend[w->npend++];

	p->e = e;
	p->n = n;
	if (store_tables[w->kind].hours)
		memcpy(p->hours, w->hours, sizeof(p->hours));
	return w->npend == ROWS_PER_STEP ? flush_rows(w) : 0;
}

/* The hours row gathered so far, with n their sum; the entry's last
 * byte, its hour, is not read. */
static int write_hours(struct writer *w)
{
	uint64_t n = 0;
	int rc;

	for (int h = 0; h < 24; h++)
		n += w->hours[h];
	rc = write_row(w, w->row, n);
	memset(w->hours, 0, sizeof(w->hours));
	w->row = NULL;
	return rc;
}

/* Write e, or (KIND_HOURS) add it to its day's row, written when the
 * next entry is of another key (entries come in key order, the hour
 * last) or after the last. */
static int write_entry(void *arg, const struct tally_entry *e)
{
	struct writer *w = arg;

	if (w->kind != KIND_HOURS)
		return write_row(w, e, e->n);
	if (w->row &&
	    (w->row->keylen != e->keylen ||
	     memcmp(w->row->key, e->key, e->keylen - 1) != 0) &&
	    write_hours(w) < 0)
		return -1;
	w->row = e;
	w->hours[(unsigned char)e->key[e->keylen - 1] % 24] += e->n;
	return 0;
}

/* Primary-key order: file, day (as its text sorts), client, then the rest
 * (class by index: within one client and day it hardly matters). */
static int key_order(const void *a, const void *b)
{
	const struct tally_entry *x = *(const struct tally_entry *const *)a;
	const struct tally_entry *y = *(const struct tally_entry *const *)b;
	struct keyhead kx;
	struct keyhead ky;
	int c;

	unpack(x, &kx);
	unpack(y, &ky);
	if (kx.file != ky.file)
		return kx.file < ky.file ? -1 : 1;
	if (kx.day != ky.day)
		return kx.day < ky.day ? -1 : 1;
	c = memcmp(kx.client, ky.client,
		   kx.clen < ky.clen ? kx.clen : ky.clen);
	if (c || kx.clen != ky.clen)
		return c ? c : kx.clen < ky.clen ? -1 : 1;
	if (kx.cls != ky.cls)
		return kx.cls < ky.cls ? -1 : 1;
	c = memcmp(kx.rest, ky.rest,
		   kx.restlen < ky.restlen ? kx.restlen : ky.restlen);
	if (c || kx.restlen == ky.restlen)
		return c;
	return kx.restlen < ky.restlen ? -1 : 1;
}

/* The parameters of a row of kind k: of the detail, or the rollups. */
static int row_params(enum store_kind k, int detail)
{
	const struct store_table *t = &store_tables[k];

	return t->nkeys + 1 + 2 * t->range + 24 * t->hours + 2 * detail;
}

/* "INSERT INTO file_T|rollup_T(cols) VALUES(?..),.. ON CONFLICT DO ..."
 * with rows rows of ncols parameters. */
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

/* Prepare the writer's targets for kind k: the rollups, and first the
 * file's detail when it keeps one. */
static int prepare_targets(struct writer *w, int detail, char *err,
			   size_t errlen)
{
	char sql[ROWS_PER_STEP * 33 * 3 + SQL_MAX];

	for (int d = detail; d >= 0; d--) {
		struct target *to = &w->to[w->nto];

		to->detail = d;
		to->ncols = row_params(w->kind, d);
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

/* Write the rows of kind k: into the file's detail as a part of its
 * own and, in the same transaction, added into the rollups. */
static int write_kind(struct store *st, const struct batch *b,
		      enum store_kind k, char *err, size_t errlen)
{
	int detail = b->has_fs && b->fs.detail;
	struct writer w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.kind = k;
	w.part = detail ? (int64_t)b->fs.lines : 0;
	w.day = -1;

	if (tally_size(b->t[k]) == 0)
		return 0;
	rc = prepare_targets(&w, detail, err, errlen);
	if (rc == 0) {
		rc = tally_each_sorted(b->t[k], key_order, write_entry, &w);
		if (rc == 0 && w.row)
			rc = write_hours(&w);
		if (rc == 0)
			rc = flush_rows(&w);
		if (rc)
			store_fail(st, "cannot write counts", err, errlen);
	}
	for (int t = 0; t < w.nto; t++) {
		sqlite3_finalize(w.to[t].one);
		sqlite3_finalize(w.to[t].many);
	}
	return rc ? -1 : 0;
}

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
	char first[32];
	char last[32];

	if (!b->has_fs)
		return 0;
	day_text(b->min_day, first);
	day_text(b->max_day, last);
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
	for (int k = 0; rc == 0 && k < KIND_N; k++)
		rc = write_kind(st, b, (enum store_kind)k, err, errlen);
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
	release(b);
	return rc;
}

/* The writer thread: write each batch handed to it, in turn. */
static void *writer(void *arg)
{
	struct store *st = arg;

	/* Linux: a thread's own nice value.  The reading and counting
	 * threads come first; this one only has to keep up. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);

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
	st->handed = batch_bytes(b);
	pthread_mutex_lock(&st->mu);
	st->cur = !st->cur;
	st->queued = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return 0;
}
