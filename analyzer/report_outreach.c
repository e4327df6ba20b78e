/* report_outreach.c: the outreach list: registry contacts joined to the
 * legacy clients and credentials they own, with what to tell each; the
 * clients are read in one pass in client order, their rows sorted by
 * SQLite from a TEMP table. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hit.h"
#include "registry.h"
#include "rules.h"
#include "table.h"

#define DAY	      86400
#define HIGH_DAYS     3	   /* high: a legacy request this recent ... */
#define HIGH_REQUESTS 100  /* ... and at least this many */
#define MEDIUM_DAYS   14   /* medium: a legacy request this recent */
#define LIST_CREDS    5	   /* credentials named in a "finish" action */
#define OUT_COLS      15   /* columns of temp.outreach */
#define LIST_MAX      2048 /* bytes of a row's list of credentials */

/* The numbers of a client (fp NULL) or of one credential under it:
 * legacy, amnesty, 434, last_seen, last (epoch), first 434 day. */
struct nums {
	char *fp;
	char *v[6];
};

/* The client being read, with its facts and legacy credentials. */
struct oclient {
	char *client;
	int have; /* its own row has come, with legacy requests */
	struct nums n;
	char *state; /* facts: enum report_state as text, or NULL */
	char *since;
	char *agent;
	char *routes;
	char *heir;	 /* facts: its probable successor, or NULL */
	struct nums *cr; /* by fp, as SQLite (memcmp) and strcmp sort */
	size_t ncr, cap;
};

/* A key of a registry row (its client, or its fingerprint normalised)
 * and the row. */
struct regkey {
	char *key;
	int r;
};

/* Registry rows by one of their keys, sorted. */
struct regkeys {
	struct regkey *v;
	size_t n;
};

struct outreach {
	struct ctx *x;
	struct registry *reg;
	struct report_tmp tmp;
	struct oclient c;
	struct regkeys by_client; /* registry rows with a client */
	struct regkeys by_fp;	  /* registry rows with a fingerprint */
	char *seen; /* seen[r]: row r has traffic in the window: its client
		     * any request, or its fingerprint a legacy one */
	int64_t newest;
	char amnesty_ends[16];	/* the day amnesty ends, "" if not dated */
	char amnesty_phase[64]; /* its phase */
	char reject_day[16];	/* the first day a phase refuses legacy
				 * requests without amnesty, "" if none */
	char reject_phase[64];
	char creds[LIST_MAX]; /* the current client's credentials */
};

static void nums_set(struct nums *e, const char *const *c)
{
	for (int i = 0; i < 6; i++)
		e->v[i] = xstrdup(c[i] ? c[i] : "");
}

static void nums_clear(struct nums *e)
{
	free(e->fp);
	for (int i = 0; i < 6; i++)
		free(e->v[i]);
	memset(e, 0, sizeof(*e));
}

static void client_clear(struct oclient *c)
{
	nums_clear(&c->n);
	for (size_t i = 0; i < c->ncr; i++)
		nums_clear(&c->cr[i]);
	free(c->client);
	free(c->state);
	free(c->since);
	free(c->heir);
	c->heir = NULL;
	free(c->agent);
	free(c->routes);
	c->client = c->state = c->since = c->agent = c->routes = NULL;
	c->have = 0;
	c->ncr = 0;
}

static int priority(const struct outreach *o, const struct nums *n, int state)
{
	int64_t age = o->newest - report_num(n->v[4]);

	if (state == CLIENT_MIGRATED || state == CLIENT_DORMANT)
		return 2;
	if (age < HIGH_DAYS * DAY && report_num(n->v[0]) >= HIGH_REQUESTS)
		return 0;
	return age < MEDIUM_DAYS * DAY ? 1 : 2;
}

static void action_text(const struct outreach *o, const struct nums *n,
			char *out, size_t cap);

/* By when the contact of a row with the numbers n must act, and the
 * phase that says so: a migrated or dormant client never; one that
 * sends the amnesty header by the end of amnesty; another by the first
 * phase that refuses it without amnesty, else the end of amnesty. */
static void by_when(const struct outreach *o, const struct nums *n, int state,
		    const char **day, const char **phase)
{
	int amnesty = report_num(n->v[1]) > 0;

	*day = *phase = NULL;
	if (state == CLIENT_MIGRATED || state == CLIENT_DORMANT)
		return;
	if (!amnesty && o->reject_day[0]) {
		*day = o->reject_day;
		*phase = o->reject_phase;
	} else if (o->amnesty_ends[0]) {
		*day = o->amnesty_ends;
		*phase = o->amnesty_phase;
	}
}

/* The action of --action, else the default one. */
static const char *default_action(const struct ctx *x)
{
	return x->o->action ? x->o->action : REPORT_ACTION;
}

/* One output row of the current client: its sort keys and what is
 * needed to write it, into the TEMP table. */
static void add_row(struct outreach *o, const struct nums *n, int regi)
{
	const struct oclient *c = &o->c;
	int state = c->state ? (int)report_num(c->state) : -1;
	char prio[8], ri[16], action[1024];
	const char *v[OUT_COLS];

	snprintf(prio, sizeof(prio), "%d", priority(o, n, state));
	snprintf(ri, sizeof(ri), "%d", regi);
	action_text(o, n, action, sizeof(action));
	v[0] = prio;
	v[1] = n->v[0];
	v[2] = c->client;
	v[3] = ri;
	v[4] = n->fp;
	/* the usual action is NULL: most rows carry it, the sort need not */
	v[5] = strcmp(action, default_action(o->x)) ? action : NULL;
	v[6] = n->v[1];
	v[7] = n->v[2];
	v[8] = n->v[3];
	v[9] = c->state;
	v[10] = c->agent;
	v[11] = c->routes;
	v[12] = o->creds;
	by_when(o, n, state, &v[13], &v[14]);
	report_tmp_add(&o->tmp, v);
}

static int cmp_fp(const void *a, const void *b)
{
	return strcmp(((const struct nums *)a)->fp,
		      ((const struct nums *)b)->fp);
}

static void on_match(void *arg, const char *const *row, int r, const char *fp)
{
	struct outreach *o = arg;
	struct nums key = {.fp = (char *)(uintptr_t)fp};
	const struct nums *n = NULL;

	(void)row;
	if (fp && o->c.ncr)
		n = bsearch(&key, o->c.cr, o->c.ncr, sizeof(*o->c.cr), cmp_fp);
	add_row(o, n ? n : &o->c.n, r);
}

/* "fp:a, fp:b and 3 more": the client's credentials, as many as cap
 * bytes hold. */
static void creds_text(const struct oclient *c, char *out, size_t cap)
{
	size_t at = 0;
	size_t k = 0;

	out[0] = '\0';
	/* room for the tail: ", " and an fp, and " and N more" */
	for (; k < c->ncr && at + strlen(c->cr[k].fp) + 40 < cap; k++)
		at += (size_t)snprintf(out + at, cap - at, "%s%s",
				       k ? ", " : "", c->cr[k].fp);
	if (k < c->ncr)
		snprintf(out + at, cap - at, " and %zu more", c->ncr - k);
}

/* The current client is complete: its rows, one a registry row matched
 * (by client, or by one of its credentials), else one unmatched. */
static void client_done(struct outreach *o)
{
	struct oclient *c = &o->c;
	const char **fps;

	if (c->have) {
		fps = xmalloc((c->ncr + 1) * sizeof(*fps));
		for (size_t i = 0; i < c->ncr; i++)
			fps[i] = c->cr[i].fp;
		creds_text(c, o->creds, sizeof(o->creds));
		if (registry_match(o->reg, c->client, fps, (int)c->ncr,
				   on_match, o) == 0)
			add_row(o, &c->n, -1);
		free(fps);
	}
	client_clear(c);
}

static int cmp_regkey(const void *a, const void *b)
{
	const struct regkey *x = a;
	const struct regkey *y = b;
	int d = strcmp(x->key, y->key);

	return d ? d : x->r - y->r;
}

/* Mark as seen the registry rows of k whose key is key. */
static void seen_mark(struct outreach *o, const struct regkeys *k,
		      const char *key)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < k->n && strcmp(k->v[lo].key, key) == 0; lo++)
		o->seen[k->v[lo].r] = 1;
}

/* facts_table_each(): client has a request in the window. */
static void seen_client(void *arg, const char *client)
{
	struct outreach *o = arg;
	char key[512];

	registry_client_norm(client, key, sizeof(key));
	seen_mark(o, &o->by_client, key);
}

static void cred_add(struct oclient *c, const char *const *col)
{
	struct nums *e;

	c->cr = xgrow(c->cr, c->ncr, &c->cap, sizeof(*c->cr), 16);
	e = &c->cr[c->ncr++];
	memset(e, 0, sizeof(*e));
	e->fp = xstrdup(col[2] ? col[2] : "");
	nums_set(e, col + 4);
}

/* Rows of (client, src, 'fp:' || fp, fp, legacy, amnesty, 434, last
 * ISO, last, first 434 day, state, since, agent, routes) in client
 * order (outreach_merge()): src 0 the client (with its facts), any
 * client with a legacy request in the window; 1 each of its legacy
 * credentials, by fp. */
static int stream_row(struct outreach *o, const char *const *col)
{
	struct oclient *c = &o->c;

	if (!c->client || strcmp(c->client, col[0]) != 0) {
		client_done(o);
		c->client = xstrdup(col[0]);
	}
	if (report_num(col[1]) == 0) {
		c->have = 1;
		nums_set(&c->n, col + 4);
		c->state = col[10] ? xstrdup(col[10]) : NULL;
		c->since = xstrdup(col[11] ? col[11] : "");
		c->agent = col[12] ? xstrdup(col[12]) : NULL;
		c->routes = col[13] ? xstrdup(col[13]) : NULL;
		c->heir = col[14] ? xstrdup(col[14]) : NULL;
	} else {
		cred_add(c, col);
		if (col[3])
			seen_mark(o, &o->by_fp, col[3]);
	}
	/* stop at a failed insert: the flush reports it */
	return o->tmp.failed;
}

/* each legacy client, its numbers and facts from facts_table(), in
 * client order (temp.facts' key) */
#define LAST_SEEN ISO("llast")
#define CLIENT_ROWS                                                           \
	"SELECT client, 0, NULL, NULL, legacy, amnesty, s434, " LAST_SEEN     \
	", llast, d434, state, since, agent, routes, successor"               \
	" FROM temp.facts ORDER BY client"
/* each client's legacy credentials, in client and fp order, as its
 * GROUP BY makes them */
#define CRED_LAST ISO("max(last)")
#define CRED_ROWS                                                             \
	"SELECT client, 1, 'fp:' || fp, fp, sum(n),"                          \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END), " CRED_LAST ","      \
	" max(last), min(CASE WHEN status = 434 THEN day END),"               \
	" NULL, NULL, NULL, NULL, NULL FROM creds WHERE " WINDOW              \
	" AND class IN " LEGACY " GROUP BY client, fp ORDER BY client, fp"
#define STREAM_COLS 15

/* The rows to write, sort keys first (temp.outreach). */
#define OUT_TABLE                                                             \
	"CREATE TEMP TABLE outreach(prio INTEGER, legacy INTEGER,"            \
	" client TEXT, regi INTEGER, fp TEXT, action TEXT, amnesty TEXT,"     \
	" s434 TEXT, last_seen TEXT, state INTEGER, agent TEXT,"              \
	" routes TEXT, creds TEXT, by_when TEXT, phase TEXT)"
/* the order of the list: priority, legacy requests (most first),
 * client, registry row; rowid only makes ties stable */
#define OUT_SQL                                                               \
	"SELECT o.prio, o.client, coalesce(o.fp, ''), o.regi, o.state,"       \
	" o.action, o.legacy, o.amnesty, o.s434, o.last_seen,"                \
	" coalesce(o.agent, ''), coalesce(o.routes, ''), o.creds,"            \
	" coalesce(o.by_when, ''), coalesce(o.phase, ''),"                    \
	" coalesce(w.since, '') FROM temp.outreach o"                         \
	" LEFT JOIN temp.warned w ON w.client = o.client"                     \
	" ORDER BY o.prio, o.legacy DESC, o.client, o.regi, o.rowid"
/* Phase i's day: from --plan, else the rules' "on DAY", else "". */
static const char *phase_day(const struct report_opts *ro,
			     const struct ruleset *rs, int i)
{
	const char *name = rules_phase_name(rs, i);
	size_t n = strlen(name);

	for (int k = ro->nphase_dates - 1; k >= 0; k--)
		if (strncmp(ro->phase_dates[k], name, n) == 0 &&
		    ro->phase_dates[k][n] == '=')
			return ro->phase_dates[k] + n + 1;
	return rules_phase_date(rs, i);
}

/* A --plan that names no phase of rs: -2 with x->err set. */
static int phase_dates_known(struct ctx *x, const struct ruleset *rs)
{
	const struct report_opts *ro = x->o;

	for (int k = 0; k < ro->nphase_dates; k++) {
		const char *d = ro->phase_dates[k];
		size_t n = (size_t)(strchr(d, '=') - d);
		int found = 0;

		for (int i = 0; i < rules_nphases(rs); i++)
			found |= strlen(rules_phase_name(rs, i)) == n &&
				 strncmp(rules_phase_name(rs, i), d, n) == 0;
		if (!found) {
			snprintf(x->err, x->errlen,
				 "--plan: no phase '%.*s' in %s", (int)n, d,
				 ro->rules ? ro->rules : "the rules");
			return -2;
		}
	}
	return 0;
}

/* The day of the first dated phase that refuses a legacy request with
 * this amnesty flag, and its name; "" when none is dated. */
static void first_refusal(const struct report_opts *ro,
			  const struct ruleset *rs, int amnesty, char day[16],
			  char phase[64])
{
	day[0] = phase[0] = '\0';
	for (int i = 0; i < rules_nphases(rs) && !day[0]; i++) {
		const char *d = phase_day(ro, rs, i);

		for (int c = 0; c < rules_nclasses(rs) && !day[0]; c++)
			if (rules_class_legacy(rs, c) &&
			    rules_phase_refuses(rs, i, c, amnesty) && d[0]) {
				snprintf(day, 16, "%s", d);
				snprintf(phase, 64, "%s",
					 rules_phase_name(rs, i));
			}
	}
}

/* The days amnesty ends and a phase first refuses legacy requests
 * without it, from the rules and --plan.  Return 0, or -2 with
 * x->err set for a --plan that names no phase. */
static int phase_days(struct outreach *o)
{
	const struct report_opts *ro = o->x->o;
	char err[512];
	struct ruleset *rs =
	    ro->rules ? rules_load(ro->rules, err, sizeof(err)) : NULL;
	int rc = 0;

	if (rs)
		rc = phase_dates_known(o->x, rs);
	if (rs && rc == 0) {
		first_refusal(ro, rs, 1, o->amnesty_ends, o->amnesty_phase);
		first_refusal(ro, rs, 0, o->reject_day, o->reject_phase);
	}
	rules_free(rs);
	return rc;
}

/* The rows of reg with a non-empty cell in col, by that cell
 * normalised (registry_client_norm(), registry_fp_norm()). */
static void regkeys_index(const struct registry *reg, int col,
			  struct regkeys *k)
{
	k->v = xmalloc(((size_t)reg->nrows + 1) * sizeof(*k->v));
	k->n = 0;
	for (int r = 0; r < reg->nrows && col >= 0; r++) {
		char key[512];

		if (!reg->rows[r][col][0])
			continue;
		if (col == reg->fp_col)
			registry_fp_norm(reg->rows[r][col], key, sizeof(key));
		else
			registry_client_norm(reg->rows[r][col], key,
					     sizeof(key));
		k->v[k->n].key = xstrdup(key);
		k->v[k->n++].r = r;
	}
	qsort(k->v, k->n, sizeof(*k->v), cmp_regkey);
}

static void regkeys_free(struct regkeys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].key);
	free(k->v);
}

static int out_temp(struct ctx *x)
{
	static const char *const sql[] = {
	    "DROP TABLE IF EXISTS temp.outreach", OUT_TABLE,
	    REPORT_WARNED_DROP, REPORT_WARNED_TABLE, REPORT_WARNED_SQL};

	for (size_t i = 0; i < sizeof(sql) / sizeof(*sql); i++)
		if (report_tmp_exec(x, sql[i]) < 0)
			return -1;
	return 0;
}

/* Which of the two streams' rows comes first: the lower client, a
 * client's own row (0) before its credentials (1). */
static int first_of(struct store_rows *const *r, const int *have)
{
	if (have[0] != 1 || have[1] != 1)
		return have[0] == 1 ? 0 : 1;
	return strcmp(store_rows_col(r[0], 0), store_rows_col(r[1], 0)) <= 0
		   ? 0
		   : 1;
}

/* CLIENT_ROWS and CRED_ROWS merged by client, to stream_row(): no sort
 * after the credentials' GROUP BY.  Return 0, or -1 with x->err set. */
static int outreach_merge(struct outreach *o)
{
	struct ctx *x = o->x;
	struct store_rows *r[2];
	const char *col[STREAM_COLS];
	int have[2] = {0, 0};

	r[0] = store_rows_open(x->st, CLIENT_ROWS, x->params, 2, x->err,
			       x->errlen);
	r[1] = !r[0] ? NULL
		     : store_rows_open(x->st, CRED_ROWS, x->params, 2, x->err,
				       x->errlen);
	for (int i = 0; r[1] && i < 2; i++)
		have[i] = store_rows_next(r[i]);
	while (have[0] == 1 || have[1] == 1) {
		int i = first_of(r, have);

		for (int c = 0; c < STREAM_COLS; c++)
			col[c] = store_rows_col(r[i], c);
		if (stream_row(o, col))
			break;
		have[i] = store_rows_next(r[i]);
	}
	store_rows_close(r[0]);
	store_rows_close(r[1]);
	return !r[1] || have[0] < 0 || have[1] < 0 ? -1 : 0;
}

/* Every output row of the legacy clients into temp.outreach, one pass
 * in client order.  Return 0, or -1 with x->err set. */
static int outreach_collect(struct outreach *o)
{
	struct ctx *x = o->x;
	struct facts f;
	int rc;

	o->seen = xcalloc((size_t)o->reg->nrows + 1, 1);
	regkeys_index(o->reg, o->reg->client_col, &o->by_client);
	regkeys_index(o->reg, o->reg->fp_col, &o->by_fp);
	rc = facts_table_each(
	    x, &f, FACTS_AGENTS | FACTS_ROUTES | FACTS_NUMS | FACTS_NEWEST, 1,
	    seen_client, o);
	o->newest = f.newest;
	facts_free(&f);
	if (rc < 0 || out_temp(x) < 0)
		return -1;
	report_tmp_init(&o->tmp, x, "outreach", OUT_COLS);
	rc = outreach_merge(o);
	if (rc == 0)
		client_done(o);
	client_clear(&o->c);
	if (report_tmp_flush(&o->tmp) < 0)
		rc = -1;
	return rc;
}

/* "finish moving these credentials: fp:a, fp:b and 3 more" */
static void finish_text(const struct oclient *c, char *out, size_t cap)
{
	size_t at =
	    (size_t)snprintf(out, cap, "finish moving these credentials:");
	size_t k = 0;

	for (; k < c->ncr; k++)
		if (k < LIST_CREDS && at < cap)
			at += (size_t)snprintf(out + at, cap - at, "%s %s",
					       k ? "," : "", c->cr[k].fp);
	if (k > LIST_CREDS && at < cap)
		snprintf(out + at, cap - at, " and %d more",
			 (int)k - LIST_CREDS);
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

/* What to tell the contact of a row of the current client with the
 * numbers n, from its state and numbers. */
static void action_text(const struct outreach *o, const struct nums *n,
			char *out, size_t cap)
{
	const struct oclient *c = &o->c;
	const char *def = default_action(o->x);
	int state = c->state ? (int)report_num(c->state) : CLIENT_LEGACY_ONLY;
	int refused = report_num(n->v[2]) > 0;
	int amnesty = report_num(n->v[1]) > 0;
	const char *day = c->state && c->since ? c->since : "";
	char amn[64];

	if (state == CLIENT_MIGRATED && c->heir)
		snprintf(out, cap,
			 "probably migrated: no legacy request since %s;"
			 " succeeded by %s",
			 day, c->heir);
	else if (state == CLIENT_MIGRATED)
		snprintf(out, cap, "migrated: no legacy request since %s",
			 day);
	else if (state == CLIENT_DORMANT)
		snprintf(out, cap,
			 "dormant since %s: confirm it is retired, then "
			 "revoke the key",
			 day);
	else if (refused && amnesty)
		snprintf(out, cap,
			 "your requests without the amnesty header are being "
			 "refused since %s, and %s: %s",
			 n->v[5], amnesty_text(o, amn, sizeof(amn)), def);
	else if (refused)
		snprintf(out, cap,
			 "your requests are being refused since %s: %s",
			 n->v[5], def);
	else if (amnesty)
		snprintf(out, cap, "%s: %s", amnesty_text(o, amn, sizeof(amn)),
			 def);
	else if (state == CLIENT_MIXED)
		finish_text(c, out, cap);
	else if (state == CLIENT_REGRESSED)
		snprintf(out, cap, "legacy requests again since %s: %s", day,
			 def);
	else
		snprintf(out, cap, "%s", def);
}

static const char *const prio_name[] = {"high", "medium", "low", "none"};
static const char *const ours[] = {
    "priority",		"client",      "credential", "in_registry",
    "matched_by",	"state",       "action",     "legacy_requests",
    "amnesty_requests", "status_434",  "last_seen",  "top_user_agent",
    "legacy_routes",	"by_when",     "phase",	     "owner_contact",
    "to_reach",		"warned_since"};
#define NOURS 18
#define NSQL  13 /* ours[0..NSQL) come from OUT_SQL's row */

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

/* Where the rows of OUT_SQL go. */
struct writer {
	const char *action; /* the default action */
	const struct registry *reg;
	struct table *t;
	int ncols;
	struct drafts *drafts; /* --messages, or NULL */
};

/* What would give a row without a contact one, into out. */
static void reach_text(const struct registry *reg, long long regi,
		       const char *client, char *out, size_t cap)
{
	if (regi >= 0 && reg->owner_col < 0)
		snprintf(out, cap,
			 "the registry has no e-mail, owner or contact "
			 "column: name one with --registry-owner");
	else if (regi >= 0)
		snprintf(out, cap, "fill in '%s' on line %ld of the registry",
			 reg->cols[reg->owner_col], reg->line[regi]);
	else if (strncmp(client, "fp:", 3) == 0)
		snprintf(out, cap,
			 "add a registry row with this fingerprint and its "
			 "owner's e-mail; 'keyaudit lookup' finds it from the "
			 "key a customer sends");
	else if (strncmp(client, "addr:", 5) == 0)
		snprintf(out, cap,
			 "no client id: find who runs %s, or have the client "
			 "send its id (X-Client-Id), then add a registry row",
			 client + 5);
	else
		snprintf(out, cap,
			 "add a registry row for this client id with its "
			 "owner's e-mail");
}

/* A row of OUT_SQL: (prio, client, fp, regi, state, action, legacy,
 * amnesty, 434, last_seen, agent, routes, creds, by_when, phase,
 * warned since). */
static int out_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	const struct writer *w = arg;
	long long prio = report_num(c[0]);
	long long regi = report_num(c[3]);
	const char *const *reg =
	    regi >= 0 ? (const char *const *)w->reg->rows[regi] : NULL;
	const char *v[MAX_COLS];
	char reach[512] = "";

	(void)n;
	(void)names;
	v[0] = prio_name[prio >= 0 && prio < 3 ? prio : 2];
	v[1] = c[1];
	v[2] = c[2][0] ? c[2] : c[12] ? c[12] : "";
	v[3] = reg ? "yes" : "no";
	v[4] = !reg ? "" : c[2][0] ? "fingerprint" : "client";
	v[5] = c[4] ? client_state_name((int)report_num(c[4])) : "";
	for (int i = 6; i < NSQL; i++)
		v[i] = c[i - 1] ? c[i - 1] : "";
	v[6] = c[5] ? c[5] : w->action;
	v[13] = c[13];
	v[14] = c[14];
	v[15] = reg && w->reg->owner_col >= 0 ? reg[w->reg->owner_col] : "";
	if (!v[15][0])
		reach_text(w->reg, regi, c[1], reach, sizeof(reach));
	v[16] = reach;
	v[17] = c[15];
	for (int i = NOURS; i < w->ncols; i++)
		v[i] = reg ? reg[i - NOURS] : "";
	table_row(w->t, v);
	if (w->drafts && v[15][0] && strcmp(v[5], "migrated") != 0 &&
	    strcmp(v[5], "dormant") != 0)
		drafts_add(w->drafts, v[15], v[1], c[2], v[6], v[13], v[14],
			   v[17]);
	return 0;
}

/* Registry rows matched to no legacy client and with no traffic. */
static void write_unseen(const struct outreach *o, struct table *t,
			 const struct registry *reg, int ncols)
{
	const char *v[MAX_COLS];

	for (int r = 0; r < reg->nrows; r++) {
		if (reg->matched[r] || o->seen[r])
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
		v[15] =
		    reg->owner_col >= 0 ? reg->rows[r][reg->owner_col] : "";
		for (int i = NOURS; i < ncols; i++)
			v[i] = reg->rows[r][i - NOURS];
		table_row(t, v);
	}
}

static int write_outreach(struct outreach *o, const struct registry *reg,
			  struct drafts *drafts)
{
	struct outcols oc;
	struct writer w;
	int rc;

	columns(&oc, reg);
	w.action = default_action(o->x);
	w.reg = reg;
	w.ncols = oc.n;
	w.drafts = drafts;
	w.t = table_new(o->x->f, o->x->o->json, oc.names, oc.kinds, oc.n);
	rc = store_each(o->x->st, OUT_SQL, NULL, 0, out_row, &w, o->x->err,
			o->x->errlen);
	if (rc == 0)
		write_unseen(o, w.t, reg, oc.n);
	if (table_end(w.t) < 0)
		rc = -1;
	for (int i = 0; i < MAX_COLS; i++)
		free(oc.renamed[i]);
	return rc;
}

static void outreach_free(struct outreach *o)
{
	client_clear(&o->c);
	free(o->c.cr);
	regkeys_free(&o->by_client);
	regkeys_free(&o->by_fp);
	free(o->seen);
}

int report_outreach(struct ctx *x)
{
	const struct report_opts *ro = x->o;
	struct registry_opts rgo = {ro->registry_key,	ro->registry_fp,
				    ro->registry_delim, ro->registry_owner,
				    ro->key_fn,		ro->key_arg};
	struct outreach o;
	struct registry *reg;
	struct drafts *drafts = NULL;
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
	o.reg = reg;
	rc = phase_days(&o);
	if (rc == 0)
		rc = outreach_collect(&o);
	if (rc == 0 && ro->messages)
		drafts = drafts_new();
	if (rc == 0 && write_outreach(&o, reg, drafts) < 0)
		rc = -1;
	if (rc == 0 && drafts && drafts_write(drafts, x, ro->messages) < 0)
		rc = -1;
	drafts_free(drafts);
	outreach_free(&o);
	registry_free(reg);
	return rc;
}
