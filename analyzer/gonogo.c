/* gonogo.c: if the next phase started now, who would break?  The
 * verdict, from the store's days and the client pass, as one finished
 * struct gonogo. */
#include "gonogo_int.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "msg.h"
#include "registry.h"

#define FAILED 3 /* a run-time failure */
#define USAGE  2 /* bad usage */

/* The verdict's run: g, its rules and phase, and where a message goes. */
struct run {
	struct gonogo *g;
	struct ruleset *rs;
	int phase;
	char *emsg;
	size_t emsglen;
	struct registry *reg; /* --registry, or NULL */
};

/* How much of the window shows no credential a rule could class. */
static void blindness(struct gonogo *g)
{
	long long seen = 0, blind = 0;

	for (int i = 0; i < g->ncls; i++)
		if (i != g->ncls - 1 && strcmp(g->clsname[i], "none") != 0 &&
		    strcmp(g->clsname[i], "hidden") != 0)
			seen += g->cls[i];
	/* no request shows a credential: the log has no field for one,
	 * and "none" says nothing */
	g->blind_none = seen == 0;
	for (int i = 0; i < g->ncls; i++)
		if (gonogo_blind_class(g, i))
			blind += g->cls[i];
	g->blind = g->total ? 100.0 * (double)blind / (double)g->total : 0;
}

/* The days of look_from..to the verdict cannot see: pruned (before the
 * store's first day kept) and without data (after the history's first
 * day, which a prune moves).  Days before the first request ever
 * counted are no gap: the history starts there. */
static void days_known(struct gonogo *g, struct store *st)
{
	long from = day_number(g->look_from), to = day_number(g->to);
	long start = from, kept;
	int i = 0;

	snprintf(g->first_kept, sizeof(g->first_kept), "%s",
		 store_first_day(st) ? store_first_day(st) : "");
	kept = g->first_kept[0] ? day_number(g->first_kept) : LONG_MIN;
	if (kept != LONG_MIN && kept > from) {
		g->npruned = (int)((kept <= to ? kept : to + 1) - from);
		start = kept;
	}
	if (g->ndays && g->days[0].dnum > start && kept == LONG_MIN)
		start = g->days[0].dnum;
	for (long d = start; d <= to; d++) {
		while (i < g->ndays && g->days[i].dnum < d)
			i++;
		if (i < g->ndays && g->days[i].dnum == d)
			continue;
		if (!g->ngaps++)
			day_format(d, g->gap_first);
	}
}

/* Decide on the marginal numbers.  NO-GO needs no more evidence than
 * it has; GO does: with days it cannot see (pruned, or without data)
 * it cannot tell, unless --accept-gaps. */
static void decide(struct gonogo *g)
{
	const struct gonogo_opts *cfg = &g->o;

	g->share =
	    g->total ? 100.0 * (double)g->refused / (double)g->total : 0.0;
	blindness(g);
	gn_forecast(g);
	if (g->share > cfg->max_share || g->nactive > cfg->max_clients ||
	    g->ndormant > cfg->max_dormant)
		g->verdict = GONOGO_NOGO;
	else if (g->blind > cfg->max_blind)
		g->verdict = GONOGO_CANNOT_TELL;
	else if ((g->npruned || g->ngaps) && !cfg->accept_gaps)
		g->verdict = GONOGO_CANNOT_TELL;
	else
		g->verdict = GONOGO_GO;
}

const char *gonogo_word(const struct gonogo *g)
{
	return g->verdict == GONOGO_GO		  ? "GO"
	       : g->verdict == GONOGO_CANNOT_TELL ? "CANNOT TELL"
						  : "NO-GO";
}

/* The owner of a client: the registry's owner column (registry.h). */
static void owner_row(void *ctx, const char *const *row, int rown,
		      const char *fp)
{
	(void)rown;
	(void)fp;
	void **a = ctx;
	const struct registry *reg = a[0];
	char **owner = a[1];
	int col = reg->owner_col;

	if (!*owner && col >= 0 && row[col][0])
		*owner = xstrdup(row[col]);
}

static void owners(struct run *r)
{
	struct gonogo *g = r->g;

	/* the clients the page shows */
	for (int i = 0; i < g->ntop; i++) {
		void *a[2] = {r->reg, &g->top[i].owner};

		registry_match(r->reg, g->top[i].client, NULL, 0, owner_row,
			       a);
	}
	for (int i = 0; i < g->nkept_dormant; i++) {
		void *a[2] = {r->reg, &g->dormant[i].owner};

		registry_match(r->reg, g->dormant[i].client, NULL, 0,
			       owner_row, a);
	}
}

/* --registry: the owners of the clients shown, and the accounts that
 * say which credential succeeded which.  Return 0, or USAGE. */
static int registry(struct run *r)
{
	struct gonogo *g = r->g;
	struct registry_opts ro = {g->o.registry_key,
				   g->o.registry_fp,
				   g->o.registry_delim,
				   g->o.registry_owner,
				   NULL,
				   NULL};

	r->reg = registry_load(g->o.registry, &ro, r->emsg, r->emsglen);
	if (!r->reg)
		return USAGE;
	gn_succ_start(g, r->reg);
	return 0;
}

/* The phase, the classes and the planned days of the rules. */
static int prepare(struct run *r)
{
	struct gonogo *g = r->g;

	if (!g->o.migrated_days)
		g->o.migrated_days = CLIENT_MIGRATED_DAYS;
	g->migrated_days = g->o.migrated_days;
	if (rules_nphases(r->rs) == 0) {
		snprintf(r->emsg, r->emsglen, "the rules define no phase");
		return USAGE;
	}
	r->phase = g->o.phase ? rules_phase_find(r->rs, g->o.phase) : 0;
	if (r->phase < 0) {
		char b[MSG_ARG_MAX];

		/* not repeated: a secret may have been typed there */
		snprintf(r->emsg, r->emsglen,
			 "--phase: the rules have no such phase (got %s)",
			 msg_arg(b, g->o.phase));
		return USAGE;
	}
	g->phase = rules_phase_name(r->rs, r->phase);
	g->ncls = rules_nclasses(r->rs) + 1;
	for (int i = 0; i < g->ncls; i++)
		g->clsname[i] = rules_class_name(r->rs, i);
	for (int i = 0; i < rules_nphases(r->rs) && g->nmarks < 16; i++)
		if (rules_phase_date(r->rs, i)[0]) {
			g->marks[g->nmarks].name = rules_phase_name(r->rs, i);
			g->marks[g->nmarks++].day = rules_phase_date(r->rs, i);
		}
	return 0;
}

/* The clients, the window's agents and the brownouts in one pass. */
static int scan_clients(struct run *r, struct store *st, const char *first)
{
	struct gonogo *g = r->g;

	if ((g->o.list && gn_list_start(g, st, r->emsg, r->emsglen) < 0) ||
	    gn_brownout_hourly(g, st, r->emsg, r->emsglen) < 0 ||
	    gn_scan_clients(g, st, r->rs, r->phase, first, r->emsg,
			    sizeof(r->emsg)) < 0)
		return -1;
	return g->list ? gn_list_flush(g, r->emsg, r->emsglen) : 0;
}

/* The history, the as-of day, the window and lookback, the clients. */
static int scan(struct run *r, struct store *st)
{
	struct gonogo *g = r->g;
	char first[DAY_SIZE];

	if (g->o.as_of)
		snprintf(g->to, sizeof(g->to), "%s", g->o.as_of);
	if (gn_scan_days(g, st, r->emsg, r->emsglen) < 0)
		return FAILED;
	if (!g->to[0]) {
		snprintf(r->emsg, r->emsglen, "%s: no requests counted yet",
			 g->o.db);
		return FAILED;
	}
	day_format(day_number(g->to) - (g->o.window - 1), g->from);
	day_format(day_number(g->from) - g->o.lookback, g->look_from);
	days_known(g, st);
	gn_brownout_plan(g, first);
	/* every client's story from its first day: the pass starts with
	 * the history */
	if (g->ndays && strcmp(g->days[0].day, first) < 0)
		snprintf(first, sizeof(first), "%s", g->days[0].day);
	if (scan_clients(r, st, first) < 0)
		return FAILED;
	if (g->total == 0) {
		/* no data is no evidence: never answer GO on it */
		snprintf(r->emsg, r->emsglen,
			 "no requests in %s..%s (the newest is from %s)",
			 g->from, g->to, g->newest[0] ? g->newest : "nowhere");
		return FAILED;
	}
	return 0;
}

int gonogo_verdict(struct store *st, struct ruleset *rs,
		   const struct gonogo_opts *o, struct gonogo *g, char *err,
		   size_t errlen)
{
	struct run r = {g, rs, 0, err, errlen, NULL};
	int rc;

	memset(g, 0, sizeof(*g));
	g->o = *o;
	rc = prepare(&r);
	if (rc == 0 && o->registry)
		rc = registry(&r);
	if (rc == 0)
		rc = scan(&r, st);
	if (rc == 0) {
		gn_succ_resolve(g);
		decide(g);
		if (r.reg)
			owners(&r);
	}
	gn_succ_done(g);
	registry_free(r.reg);
	return rc;
}

void gonogo_free(struct gonogo *g)
{
	for (int i = 0; i < g->nkept_probable; i++) {
		free(g->probable[i].client);
		free(g->probable[i].by);
	}
	for (int i = 0; i < g->nkept_succeeded; i++) {
		free(g->succeeded[i].client);
		free(g->succeeded[i].account);
		free(g->succeeded[i].by);
	}
	gn_list_free(g);
	gn_free_clients(g);
	memset(g, 0, sizeof(*g));
}
