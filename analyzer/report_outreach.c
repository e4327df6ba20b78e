/* report_outreach.c: the outreach list: registry contacts joined to the
 * legacy clients and credentials they own, with what to tell each. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "registry.h"
#include "rules.h"
#include "table.h"

#define DAY	      86400
#define HIGH_DAYS     3	  /* high: a legacy request this recent ... */
#define HIGH_REQUESTS 100 /* ... and at least this many */
#define MEDIUM_DAYS   14  /* medium: a legacy request this recent */
#define LIST_CREDS    5	  /* credentials named in a "finish" action */

/* The numbers of a client (fp NULL) or of one credential under it:
 * legacy, amnesty, 434, last_seen, last (epoch), first 434 day. */
struct nums {
	char *client;
	char *fp;
	char *v[6];
};

struct outrow {
	const struct nums *n;
	const struct client_facts *cf;
	const char *const *reg; /* registry row, or NULL */
	int regi;
	const char *by; /* "client", "fingerprint" or "" */
	int prio;	/* 0 high, 1 medium, 2 low */
};

struct outreach {
	struct ctx *x;
	struct facts f;
	struct nums *cl; /* legacy clients, by legacy requests */
	size_t ncl, capcl;
	struct nums *cr; /* their credentials, by client and fp */
	size_t ncr, capcr;
	struct outrow *rows;
	size_t nrows, caprows;
	int64_t newest;
	const struct nums *cur;
	char amnesty_ends[16];
};

static struct nums *push(struct nums **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

/* Rows of (client, fp or NULL, legacy, amnesty, 434, last ISO, last,
 * first 434 day). */
static int nums_row(void *arg, int n, const char *const *c,
		    const char *const *names, int cred)
{
	struct outreach *o = arg;
	struct nums *e = cred ? push(&o->cr, &o->ncr, &o->capcr)
			      : push(&o->cl, &o->ncl, &o->capcl);

	(void)n;
	(void)names;
	e->client = xstrdup(c[0]);
	e->fp = cred ? xstrdup(c[1]) : NULL;
	for (int i = 0; i < 6; i++)
		e->v[i] = xstrdup(c[i + 2] ? c[i + 2] : "");
	return 0;
}

static int client_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	return nums_row(arg, n, c, names, 0);
}

static int cred_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	return nums_row(arg, n, c, names, 1);
}

#define NUMS_COLS(legacy_only)                                                \
	" sum(" legacy_only "n ELSE 0 END) AS legacy,"                        \
	" sum(" legacy_only "CASE WHEN amnesty = 1 THEN n ELSE 0 END"         \
	"  ELSE 0 END),"                                                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO("max(" legacy_only                                            \
		"last END)") ","                                              \
			     " max(" legacy_only "last END),"                 \
			     " min(CASE WHEN status = 434 THEN day END)"
#define CLIENTS_SQL                                                           \
	"SELECT client, NULL," NUMS_COLS(                                     \
	    "CASE WHEN class IN " LEGACY                                      \
	    " THEN ") " FROM counts WHERE " WINDOW                            \
		      " GROUP BY client HAVING legacy > 0"                    \
		      " ORDER BY legacy DESC, client"
#define CREDS_SQL                                                             \
	"SELECT client, 'fp:' || fp, " NUMS_COLS(                             \
	    "CASE WHEN 1 THEN ") " FROM creds WHERE " WINDOW                  \
				 " AND class IN " LEGACY                      \
				 " GROUP BY client, fp ORDER BY client, fp"

static int newest_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	(void)n;
	(void)names;
	*(int64_t *)arg = report_num(c[0]);
	return 0;
}

/* Index of the first credential of client in o->cr. */
static size_t first_cred(const struct outreach *o, const char *client)
{
	size_t lo = 0, hi = o->ncr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(o->cr[mid].client, client) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The credential fp of client, by binary search (o->cr is sorted by
 * client, then fp), or NULL. */
static const struct nums *cred_of(const struct outreach *o, const char *client,
				  const char *fp)
{
	size_t lo = 0, hi = o->ncr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(o->cr[mid].client, client);

		if (!d)
			d = strcmp(o->cr[mid].fp, fp);
		if (!d)
			return &o->cr[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int priority(const struct outreach *o, const struct nums *n,
		    const struct client_facts *cf)
{
	int64_t age = o->newest - report_num(n->v[4]);

	if (cf && (cf->state == STATE_MIGRATED || cf->state == STATE_DORMANT))
		return 2;
	if (age < HIGH_DAYS * DAY && report_num(n->v[0]) >= HIGH_REQUESTS)
		return 0;
	return age < MEDIUM_DAYS * DAY ? 1 : 2;
}

static void add_row(struct outreach *o, const struct nums *n,
		    const char *const *reg, int regi, const char *by)
{
	struct outrow *w;

	if (o->nrows == o->caprows) {
		o->caprows = o->caprows ? 2 * o->caprows : 256;
		o->rows = xrealloc(o->rows, o->caprows * sizeof(*o->rows));
	}
	w = &o->rows[o->nrows++];
	w->n = n;
	w->cf = facts_find(&o->f, n->client);
	w->reg = reg;
	w->regi = regi;
	w->by = by;
	w->prio = priority(o, n, w->cf);
}

static void on_match(void *arg, const char *const *row, int r, const char *fp)
{
	struct outreach *o = arg;
	const struct nums *n = fp ? cred_of(o, o->cur->client, fp) : o->cur;

	add_row(o, n ? n : o->cur, row, r, fp ? "fingerprint" : "client");
}

static int outrow_cmp(const void *a, const void *b)
{
	const struct outrow *x = a;
	const struct outrow *y = b;
	long long lx = report_num(x->n->v[0]);
	long long ly = report_num(y->n->v[0]);
	int d;

	if (x->prio != y->prio)
		return x->prio - y->prio;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	d = strcmp(x->n->client, y->n->client);
	if (d)
		return d;
	return x->regi - y->regi;
}

/* The first day of the first phase that refuses legacy requests even
 * with amnesty, from the rules; "" when none is dated. */
static void amnesty_end(const char *rules, char out[16])
{
	char err[512];
	struct ruleset *rs =
	    rules ? rules_load(rules, err, sizeof(err)) : NULL;

	out[0] = '\0';
	for (int i = 0; rs && i < rules_nphases(rs) && !out[0]; i++) {
		const char *day = rules_phase_date(rs, i);

		for (int c = 0; c < rules_nclasses(rs); c++)
			if (rules_class_legacy(rs, c) &&
			    rules_phase_refuses(rs, i, c, 1) && day[0])
				snprintf(out, 16, "%s", day);
	}
	rules_free(rs);
}

static int outreach_collect(struct outreach *o, struct registry *reg)
{
	struct ctx *x = o->x;
	const char **fps;

	if (facts_load(x, &o->f, FACTS_AGENTS | FACTS_ROUTES) < 0 ||
	    store_each(x->st, "SELECT max(last) FROM counts WHERE " WINDOW,
		       x->params, 2, newest_row, &o->newest, x->err,
		       x->errlen) < 0 ||
	    store_each(x->st, CLIENTS_SQL, x->params, 2, client_row, o, x->err,
		       x->errlen) < 0 ||
	    store_each(x->st, CREDS_SQL, x->params, 2, cred_row, o, x->err,
		       x->errlen) < 0)
		return -1;
	fps = xmalloc((o->ncr + 1) * sizeof(*fps));
	for (size_t i = 0; i < o->ncl; i++) {
		int nfps = 0;

		o->cur = &o->cl[i];
		for (size_t j = first_cred(o, o->cur->client);
		     j < o->ncr &&
		     strcmp(o->cr[j].client, o->cur->client) == 0;
		     j++)
			fps[nfps++] = o->cr[j].fp;
		if (registry_match(reg, o->cur->client, fps, nfps, on_match,
				   o) == 0)
			add_row(o, o->cur, NULL, -1, "");
	}
	free(fps);
	qsort(o->rows, o->nrows, sizeof(*o->rows), outrow_cmp);
	return 0;
}

/* "finish moving these credentials: fp:a, fp:b and 3 more" */
static void finish_text(const struct outreach *o, const char *client,
			char *out, size_t cap)
{
	size_t at =
	    (size_t)snprintf(out, cap, "finish moving these credentials:");
	size_t i = first_cred(o, client);
	int k = 0;

	for (; i < o->ncr && strcmp(o->cr[i].client, client) == 0; i++, k++)
		if (k < LIST_CREDS && at < cap)
			at += (size_t)snprintf(out + at, cap - at, "%s %s",
					       k ? "," : "", o->cr[i].fp);
	if (k > LIST_CREDS && at < cap)
		snprintf(out + at, cap - at, " and %d more", k - LIST_CREDS);
}

/* "amnesty ends on DAY" or, with no dated phase, "amnesty will end". */
static const char *amnesty_text(const struct outreach *o, char *out,
				size_t cap)
{
	if (o->amnesty_ends[0])
		snprintf(out, cap, "amnesty ends on %s", o->amnesty_ends);
	else
		snprintf(out, cap, "amnesty will end");
	return out;
}

/* What to tell the contact of row w, from its state and numbers. */
static void action_text(const struct outreach *o, const struct outrow *w,
			char *out, size_t cap)
{
	const char *def = o->x->o->action ? o->x->o->action : REPORT_ACTION;
	int state = w->cf ? w->cf->state : STATE_LEGACY_ONLY;
	int refused = report_num(w->n->v[2]) > 0;
	int amnesty = report_num(w->n->v[1]) > 0;
	char day[16] = "";
	char amn[64];

	if (w->cf)
		report_day_text(w->cf->since, day);
	if (state == STATE_MIGRATED)
		snprintf(out, cap, "migrated: no legacy request since %s",
			 day);
	else if (state == STATE_DORMANT)
		snprintf(out, cap,
			 "dormant since %s: confirm it is retired, then "
			 "revoke the key",
			 day);
	else if (refused && amnesty)
		snprintf(out, cap,
			 "your requests without the amnesty header are being "
			 "refused since %s, and %s: %s",
			 w->n->v[5], amnesty_text(o, amn, sizeof(amn)), def);
	else if (refused)
		snprintf(out, cap,
			 "your requests are being refused since %s: %s",
			 w->n->v[5], def);
	else if (amnesty)
		snprintf(out, cap, "%s: %s", amnesty_text(o, amn, sizeof(amn)),
			 def);
	else if (state == STATE_MIXED)
		finish_text(o, w->n->client, out, cap);
	else if (state == STATE_REGRESSED)
		snprintf(out, cap, "legacy requests again since %s: %s", day,
			 def);
	else
		snprintf(out, cap, "%s", def);
}

static const char *const prio_name[] = {"high", "medium", "low", "none"};
static const char *const ours[] = {
    "priority",		"client",     "credential", "in_registry",
    "matched_by",	"state",      "action",	    "legacy_requests",
    "amnesty_requests", "status_434", "last_seen",  "top_user_agent",
    "legacy_routes"};
#define NOURS 13

struct outcols {
	const char *names[MAX_COLS];
	enum cell_kind kinds[MAX_COLS];
	char *renamed[MAX_COLS];
	int n;
};

static void columns(struct outcols *oc, const struct registry *reg)
{
	memset(oc, 0, sizeof(*oc));
	for (int i = 0; i < NOURS; i++) {
		oc->names[i] = ours[i];
		oc->kinds[i] = i >= 7 && i <= 9 ? CELL_NUM : CELL_TEXT;
	}
	oc->n = NOURS;
	for (int i = 0; i < reg->ncols && oc->n < MAX_COLS; i++, oc->n++) {
		int clash = 0;

		for (int j = 0; j < NOURS; j++)
			clash |= strcasecmp(reg->cols[i], ours[j]) == 0;
		if (clash) {
			size_t len = strlen(reg->cols[i]) + 10;

			oc->renamed[i] = xmalloc(len);
			snprintf(oc->renamed[i], len, "registry_%s",
				 reg->cols[i]);
		}
		oc->names[oc->n] =
		    oc->renamed[i] ? oc->renamed[i] : reg->cols[i];
		oc->kinds[oc->n] = CELL_TEXT;
	}
}

static void write_row(const struct outreach *o, struct table *t,
		      const struct outrow *w, int ncols)
{
	char action[1024];
	const char *v[MAX_COLS];

	action_text(o, w, action, sizeof(action));
	v[0] = prio_name[w->prio];
	v[1] = w->n->client;
	v[2] = w->n->fp ? w->n->fp : "";
	v[3] = w->reg ? "yes" : "no";
	v[4] = w->by;
	v[5] = w->cf ? report_state_name(w->cf->state) : "";
	v[6] = action;
	v[7] = w->n->v[0];
	v[8] = w->n->v[1];
	v[9] = w->n->v[2];
	v[10] = w->n->v[3];
	v[11] = w->cf && w->cf->agent ? w->cf->agent : "";
	v[12] = w->cf && w->cf->routes ? w->cf->routes : "";
	for (int i = NOURS; i < ncols; i++)
		v[i] = w->reg ? w->reg[i - NOURS] : "";
	table_row(t, v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Strings, as a query returns them. */
struct strs {
	char **v;
	size_t n, cap;
};

static int strs_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	struct strs *s = arg;

	(void)n;
	(void)names;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(c[0] ? c[0] : "");
	return 0;
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

#define SEEN_SET "outreach_registered"
#define SEEN_SQL                                                              \
	"SELECT DISTINCT client FROM counts WHERE " WINDOW                    \
	" AND client IN (SELECT v FROM temp." SEEN_SET ") ORDER BY client"

/* The clients of the registry rows matched to no legacy client that
 * have traffic in the window, sorted: one scan of the counts for all of
 * them.  Return 0, or -1 with o->x->err set. */
static int seen_clients(const struct outreach *o, const struct registry *reg,
			struct strs *out)
{
	const char **cells =
	    xmalloc(((size_t)reg->nrows + 1) * sizeof(*cells));
	size_t n = 0;
	int rc;

	for (int r = 0; r < reg->nrows && reg->client_col >= 0; r++)
		if (!reg->matched[r] && reg->rows[r][reg->client_col][0])
			cells[n++] = reg->rows[r][reg->client_col];
	rc = store_temp_set(o->x->st, SEEN_SET, cells, n, o->x->err,
			    o->x->errlen);
	free(cells);
	if (rc == 0 && n)
		rc = store_each(o->x->st, SEEN_SQL, o->x->params, 2, strs_row,
				out, o->x->err, o->x->errlen);
	return rc;
}

/* Has the registry row r any traffic in the window: its client among
 * the clients seen (sorted), or its fingerprint among the legacy
 * credentials (fps, sorted)? */
static int seen(const struct outreach *o, const struct registry *reg, int r,
		const struct strs *clients, char **fps)
{
	const char *cell =
	    reg->client_col >= 0 ? reg->rows[r][reg->client_col] : "";
	const char *fp = reg->fp_col >= 0 ? reg->rows[r][reg->fp_col] : "";
	char key[512] = "fp:";
	const char *kp = key;

	if (cell[0] && clients->n &&
	    bsearch(&cell, clients->v, clients->n, sizeof(*clients->v),
		    cmp_str))
		return 1;
	if (!fp[0] || !o->ncr)
		return 0;
	registry_fp_norm(fp, key + 3, sizeof(key) - 3);
	return bsearch(&kp, fps, o->ncr, sizeof(*fps), cmp_str) != NULL;
}

/* Registry rows matched to no legacy client and with no traffic.
 * Return 0, or -1 with o->x->err set. */
static int write_unseen(const struct outreach *o, struct table *t,
			const struct registry *reg, int ncols)
{
	char **fps;
	struct strs clients = {NULL, 0, 0};
	const char *v[MAX_COLS];

	if (seen_clients(o, reg, &clients) < 0) {
		strs_free(&clients);
		return -1;
	}
	fps = xmalloc((o->ncr + 1) * sizeof(*fps));
	for (size_t i = 0; i < o->ncr; i++)
		fps[i] = o->cr[i].fp;
	qsort(fps, o->ncr, sizeof(*fps), cmp_str);
	for (int r = 0; r < reg->nrows; r++) {
		if (reg->matched[r] || seen(o, reg, r, &clients, fps))
			continue;
		for (int i = 0; i < NOURS; i++)
			v[i] = "";
		v[0] = prio_name[3];
		v[1] =
		    reg->client_col >= 0 ? reg->rows[r][reg->client_col] : "";
		v[2] = reg->fp_col >= 0 ? reg->rows[r][reg->fp_col] : "";
		v[3] = "yes";
		v[5] = "registered, no traffic";
		v[6] = "no request in the window: safe to cut now, or its "
		       "logs are missing";
		v[7] = v[8] = v[9] = "0";
		for (int i = NOURS; i < ncols; i++)
			v[i] = reg->rows[r][i - NOURS];
		table_row(t, v);
	}
	free(fps);
	strs_free(&clients);
	return 0;
}

static int write_outreach(struct outreach *o, const struct registry *reg)
{
	struct outcols oc;
	struct table *t;
	int rc;

	columns(&oc, reg);
	t = table_new(o->x->f, o->x->o->json, oc.names, oc.kinds, oc.n);
	for (size_t r = 0; r < o->nrows; r++)
		write_row(o, t, &o->rows[r], oc.n);
	rc = write_unseen(o, t, reg, oc.n);
	if (table_end(t) < 0)
		rc = -1;
	for (int i = 0; i < MAX_COLS; i++)
		free(oc.renamed[i]);
	return rc;
}

static void nums_free(struct nums *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].client);
		free(v[i].fp);
		for (int j = 0; j < 6; j++)
			free(v[i].v[j]);
	}
	free(v);
}

int report_outreach(struct ctx *x)
{
	const struct report_opts *ro = x->o;
	struct registry_opts rgo = {ro->registry_key, ro->registry_fp,
				    ro->registry_delim};
	struct outreach o;
	struct registry *reg;
	int rc;

	if (!ro->registry) {
		snprintf(x->err, x->errlen, "outreach needs --registry FILE");
		return -2;
	}
	reg = registry_load(ro->registry, &rgo, x->err, x->errlen);
	if (!reg)
		return -2;
	memset(&o, 0, sizeof(o));
	o.x = x;
	amnesty_end(ro->rules, o.amnesty_ends);
	rc = outreach_collect(&o, reg);
	if (rc == 0 && write_outreach(&o, reg) < 0)
		rc = -1;
	nums_free(o.cl, o.ncl);
	nums_free(o.cr, o.ncr);
	free(o.rows);
	facts_free(&o.f);
	registry_free(reg);
	return rc;
}
