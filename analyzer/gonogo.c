/* gonogo.c: if the next phase started now, who would break? */
#include "gonogo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "metrics.h"
#include "msg.h"
#include "outfile.h"
#include "registry.h"
#include "report.h"

#define DAY 86400

struct run {
	struct gonogo g;
	struct ruleset *rs;
	int phase;
	char emsg[1024];
};

static int client_cmp(const void *a, const void *b)
{
	const struct gn_client *x = a;
	const struct gn_client *y = b;
	int xin = x->marginal + x->already > 0;
	int yin = y->marginal + y->already > 0;

	if (xin != yin)
		return yin - xin;
	if (x->marginal != y->marginal)
		return x->marginal > y->marginal ? -1 : 1;
	if (x->already != y->already)
		return x->already > y->already ? -1 : 1;
	return strcmp(x->client, y->client);
}

static void client_state(struct gonogo *g, struct gn_client *c)
{
	int64_t end = (int64_t)(gn_dnum(g->to) + 1) * DAY;

	c->quiet_days = (int)((end - 1 - c->last) / DAY);
	if (!c->marginal)
		c->state = GN_ALREADY;
	else if (c->quiet_days < g->cfg->min_quiet)
		c->state = GN_ACTIVE;
	else if (c->last_modern / DAY > c->last / DAY)
		c->state = GN_MIGRATED; /* modern on a later day */
	else
		c->state = GN_QUIET;
	g->nactive += c->state == GN_ACTIVE;
	g->nmigrated += c->state == GN_MIGRATED;
	g->nquiet += c->state == GN_QUIET;
	g->nalready += c->state == GN_ALREADY;
	g->refused += c->marginal;
	g->already += c->already;
}

/* Keep c among the first GN_TOP, when it is. */
static void keep_top(struct gonogo *g, const struct gn_client *c)
{
	struct gn_client out;
	int i = gn_top_rank(g->top, g->ntop, sizeof(*c), c, client_cmp);

	if (i < 0)
		return;
	if (gn_top_open(g->top, &g->ntop, sizeof(*c), i, &out)) {
		free(out.client);
		free(out.agent);
		free(out.owner);
	}
	g->top[i] = *c;
	g->top[i].client = xstrdup(c->client);
	g->top[i].agent = c->agent ? xstrdup(c->agent) : NULL;
	g->top[i].owner = NULL;
	g->top[i].days = NULL;
	g->top[i].ndays = 0;
}

int gn_client_done(struct gonogo *g, struct gn_client *c, char *err,
		   size_t errlen)
{
	if (c->marginal + c->already <= 0)
		return 0;
	client_state(g, c);
	g->ncl++;
	keep_top(g, c);
	return g->tmp ? gn_csv_add(g, c, err, errlen) : 0;
}

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
		if (gn_blind_class(g, i))
			blind += g->cls[i];
	g->blind = g->total ? 100.0 * (double)blind / (double)g->total : 0;
}

/* Decide on the marginal numbers.  NO-GO needs no more evidence than
 * it has; GO does. */
static void decide(struct gonogo *g)
{
	const struct config *cfg = g->cfg;

	g->share =
	    g->total ? 100.0 * (double)g->refused / (double)g->total : 0.0;
	blindness(g);
	gn_forecast(g);
	if (g->share > cfg->max_share || g->nactive > cfg->max_clients ||
	    g->ndormant > cfg->max_dormant)
		g->verdict = EXIT_PARTIAL;
	else if (g->blind > cfg->max_blind)
		g->verdict = EXIT_BLIND;
	else
		g->verdict = EXIT_OK;
}

static const char *verdict_word(const struct gonogo *g)
{
	return g->verdict == EXIT_OK	  ? "GO"
	       : g->verdict == EXIT_BLIND ? "CANNOT TELL"
					  : "NO-GO";
}

static double pct(long long a, long long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_verdict(const struct gonogo *g)
{
	const struct config *cfg = g->cfg;

	printf(
	    "%s: phase %s would refuse %lld of %lld requests (%.2f%%, "
	    "max %.2f%%) that succeed today and break %d active "
	    "client%s (max %d) and %d dormant (max %d); already refused "
	    "(434): %lld requests, %d client%s refused already and no more; "
	    "blind %.2f%% (max %.2f%%):",
	    verdict_word(g), g->phase, g->refused, g->total, g->share,
	    cfg->max_share, g->nactive, g->nactive == 1 ? "" : "s",
	    cfg->max_clients, g->ndormant, cfg->max_dormant, g->already,
	    g->nalready, g->nalready == 1 ? "" : "s", g->blind,
	    cfg->max_blind);
	for (int i = 0; i < g->ncls; i++)
		printf(" %s %.2f%%%s", g->clsname[i], pct(g->cls[i], g->total),
		       i + 1 < g->ncls ? "," : ";");
	printf(" in %s..%s\n", g->from, g->to);
}

static void print_clients(const struct gonogo *g)
{
	if (g->asof_default && strcmp(g->to, g->newest) != 0)
		printf("  as of %s: the newest day with a tenth of the median "
		       "day's requests (the newest request is of %s)\n",
		       g->to, g->newest);
	printf("  clients with refused requests: %d (%d active, %d "
	       "migrated, %d quiet for %d days or more, %d refused "
	       "already)\n",
	       g->ncl, g->nactive, g->nmigrated, g->nquiet, g->cfg->min_quiet,
	       g->nalready);
	for (int i = 0; i < g->ntop && i < 5; i++) {
		const struct gn_client *c = &g->top[i];
		static const char *const st[] = {"active", "quiet", "migrated",
						 "refused already"};

		printf("  %s: %lld refused, %lld already; the last %d day%s "
		       "before %s's end; %s\n",
		       c->client, c->marginal, c->already, c->quiet_days,
		       c->quiet_days == 1 ? "" : "s", g->to, st[c->state]);
	}
}

static void print_dormant(const struct gonogo *g)
{
	printf("  dormant (legacy use in %s..the window, none in it): %d\n",
	       g->look_from, g->ndormant);
	for (int i = 0; i < g->nkept_dormant && i < 5; i++) {
		const struct gn_dormant *d = &g->dormant[i];

		if (d->period)
			printf("  %s: last %s, every ~%d day%s, next expected "
			       "~%s\n",
			       d->client, d->last, d->period,
			       d->period == 1 ? "" : "s", d->next);
		else
			printf("  %s: last %s, once\n", d->client, d->last);
	}
}

static void print_brownouts(const struct gonogo *g)
{
	for (int i = 0; i < g->nbo; i++) {
		const struct gn_brownout *b = &g->bo[i];

		if (!b->replayed) {
			printf("  brownout %s: not replayed, the database "
			       "has no hourly counts\n",
			       b->spec);
			continue;
		}
		printf("  brownout %s (replayed on %s, %d hours): %lld "
		       "requests of %d clients would be refused; 434s in "
		       "it: %lld\n",
		       b->spec, b->day, b->nhours, b->would, b->nhits,
		       b->s434);
		for (int j = 0; j < b->nkept && j < 5; j++)
			printf("    %s: %lld in %d of %d hours; 434: %lld%s\n",
			       b->hits[j].client, b->hits[j].would,
			       __builtin_popcountll(b->hits[j].hours),
			       b->nhours, b->hits[j].s434,
			       b->hits[j].s434
				   ? (b->hits[j].migrated ? ", migrated since"
							  : ", not migrated")
				   : "");
	}
}

static void print_forecast(const struct gonogo *g)
{
	const struct gn_forecast *f = &g->fc;

	if (f->ndays < 3) {
		printf("  forecast: too few days to fit\n");
		return;
	}
	printf("  forecast (a projection, not a verdict; least squares over "
	       "%d days from %s): refused share %.2f%% today, %+.3f points "
	       "a day, %s%s; breaking clients %.1f today, %+.2f a day, "
	       "%s%s\n",
	       f->ndays, f->from, f->share_now, f->share_slope,
	       f->share_day[0] ? "under the maximum ~" : "not falling",
	       f->share_day, f->clients_now, f->clients_slope,
	       f->clients_day[0] ? "at the maximum ~" : "not falling",
	       f->clients_day);
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

static int owners(struct run *r)
{
	struct gonogo *g = &r->g;
	/* no key: a credential in its fingerprint column is refused */
	struct registry_opts ro = {g->cfg->registry_key,
				   g->cfg->registry_fp,
				   g->cfg->registry_delim,
				   g->cfg->registry_owner,
				   NULL,
				   NULL};
	struct registry *reg =
	    registry_load(g->cfg->registry, &ro, r->emsg, sizeof(r->emsg));

	if (!reg)
		return -1;
	/* the clients the page shows */
	for (int i = 0; i < g->ntop; i++) {
		void *a[2] = {reg, &g->top[i].owner};

		registry_match(reg, g->top[i].client, NULL, 0, owner_row, a);
	}
	for (int i = 0; i < g->nkept_dormant; i++) {
		void *a[2] = {reg, &g->dormant[i].owner};

		registry_match(reg, g->dormant[i].client, NULL, 0, owner_row,
			       a);
	}
	registry_free(reg);
	return 0;
}

/* Rules, phase, thresholds and the store. */
static int prepare(struct run *r, const struct config *cfg, struct store **st)
{
	struct gonogo *g = &r->g;

	g->cfg = cfg;
	r->rs = rules_load(cfg->rules, r->emsg, sizeof(r->emsg));
	if (!r->rs)
		return EXIT_USAGE;
	if (rules_nphases(r->rs) == 0) {
		snprintf(r->emsg, sizeof(r->emsg), "%s: defines no phase",
			 cfg->rules);
		return EXIT_USAGE;
	}
	r->phase = cfg->phase ? rules_phase_find(r->rs, cfg->phase) : 0;
	if (r->phase < 0) {
		snprintf(r->emsg, sizeof(r->emsg), "%s: no phase named '%s'",
			 cfg->rules, cfg->phase);
		return EXIT_USAGE;
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
	*st = store_open(cfg->db, STORE_READ, r->emsg, sizeof(r->emsg));
	return *st ? EXIT_OK : EXIT_FAILED;
}

/* The clients, the window's agents and the brownouts in one pass. */
static int scan_clients(struct run *r, struct store *st, const char *first)
{
	struct gonogo *g = &r->g;

	if ((g->cfg->out &&
	     gn_csv_start(g, st, r->emsg, sizeof(r->emsg)) < 0) ||
	    gn_brownout_hourly(g, st, r->emsg, sizeof(r->emsg)) < 0 ||
	    gn_scan_clients(g, st, r->rs, r->phase, first, r->emsg,
			    sizeof(r->emsg)) < 0)
		return -1;
	return g->tmp ? gn_csv_flush(g, r->emsg, sizeof(r->emsg)) : 0;
}

/* The history, the as-of day, the window and lookback, the clients. */
static int scan(struct run *r, struct store *st)
{
	struct gonogo *g = &r->g;
	char first[11];

	if (g->cfg->as_of)
		snprintf(g->to, sizeof(g->to), "%s", g->cfg->as_of);
	if (gn_scan_days(g, st, r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_FAILED;
	if (!g->to[0]) {
		snprintf(r->emsg, sizeof(r->emsg),
			 "%s: no requests counted yet", g->cfg->db);
		return EXIT_FAILED;
	}
	gn_day_text(gn_dnum(g->to) - (g->cfg->window - 1), g->from);
	gn_day_text(gn_dnum(g->from) - g->cfg->lookback, g->look_from);
	gn_brownout_plan(g, first);
	if (scan_clients(r, st, first) < 0)
		return EXIT_FAILED;
	if (g->total == 0) {
		/* no data is no evidence: never answer GO on it */
		snprintf(r->emsg, sizeof(r->emsg),
			 "no requests in %s..%s (the newest is from %s)",
			 g->from, g->to, g->newest[0] ? g->newest : "nowhere");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int report(struct run *r, struct store *st)
{
	struct gonogo *g = &r->g;
	const struct config *cfg = g->cfg;

	if (cfg->verbosity > 0 || g->verdict != EXIT_OK)
		print_verdict(g);
	if (cfg->verbosity > 0) {
		print_clients(g);
		print_dormant(g);
		print_brownouts(g);
		print_forecast(g);
	}
	if (cfg->registry && owners(r) < 0)
		return EXIT_USAGE;
	if ((cfg->out &&
	     gn_csv_write(g, st, cfg->out, r->emsg, sizeof(r->emsg)) < 0) ||
	    (cfg->html &&
	     gonogo_html(g, cfg->html, r->emsg, sizeof(r->emsg)) < 0))
		return EXIT_FAILED;
	if (outfile_check_stdout(r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_FAILED;
	return g->verdict;
}

int gonogo_run(const struct config *cfg)
{
	struct run r;
	struct store *st = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = prepare(&r, cfg, &st);
	if (rc == EXIT_OK)
		rc = scan(&r, st);
	if (rc == EXIT_OK) {
		decide(&r.g);
		rc = report(&r, st);
	}
	if (rc == EXIT_OK || rc == EXIT_PARTIAL || rc == EXIT_BLIND) {
		struct metrics_gonogo m = {r.g.phase,
					   r.g.verdict == EXIT_OK,
					   r.g.verdict == EXIT_BLIND,
					   r.g.refused,
					   r.g.total,
					   r.g.nactive};

		if (cfg->metrics &&
		    metrics_write_gonogo(cfg->metrics, &m, r.emsg,
					 sizeof(r.emsg)) < 0)
			rc = EXIT_FAILED;
	}
	if (rc == EXIT_USAGE || rc == EXIT_FAILED) {
		err("%s", r.emsg);
		if (rc == EXIT_USAGE)
			fputs("try 'keyaudit gonogo --help'\n", stderr);
	}
	gn_csv_free(&r.g);
	store_close(st);
	gn_free_clients(&r.g);
	rules_free(r.rs);
	return rc;
}
