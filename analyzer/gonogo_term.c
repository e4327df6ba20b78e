/* gonogo_term.c: the verdict on the terminal: its line, then (unless
 * quiet) the clients, dormant clients, brownouts and the forecast. */
#include "gonogo_term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double pct(long long a, long long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_verdict(const struct gonogo *g)
{
	const struct gonogo_opts *cfg = &g->o;

	printf(
	    "%s: phase %s would refuse %lld of %lld requests (%.2f%%, "
	    "max %.2f%%) that succeed today and break %d active "
	    "client%s (max %d) and %d dormant (max %d); already refused "
	    "(434): %lld requests, %d client%s refused already and no more; "
	    "blind %.2f%% (max %.2f%%):",
	    gonogo_word(g), g->phase, g->refused, g->total, g->share,
	    cfg->max_share, g->nactive, g->nactive == 1 ? "" : "s",
	    cfg->max_clients, g->ndormant, cfg->max_dormant, g->already,
	    g->nalready, g->nalready == 1 ? "" : "s", g->blind,
	    cfg->max_blind);
	for (int i = 0; i < g->ncls; i++)
		printf(" %s %.2f%%%s", g->clsname[i], pct(g->cls[i], g->total),
		       i + 1 < g->ncls ? "," : ";");
	printf(" in %s..%s\n", g->from, g->to);
	if (g->npruned)
		printf("  %d day%s of %s..%s pruned (the first day kept is "
		       "%s): clients that used them are not seen%s\n",
		       g->npruned, g->npruned == 1 ? "" : "s", g->look_from,
		       g->to, g->first_kept,
		       cfg->accept_gaps ? "" : "; --accept-gaps to answer");
	if (g->ngaps)
		printf("  %d day%s of %s..%s without data, the first %s%s\n",
		       g->ngaps, g->ngaps == 1 ? "" : "s", g->look_from, g->to,
		       g->gap_first,
		       cfg->accept_gaps ? "" : "; --accept-gaps to answer");
}

static void print_clients(const struct gonogo *g)
{
	if (g->asof_default && strcmp(g->to, g->newest) != 0)
		printf("  as of %s: the newest day with a tenth of the median "
		       "day's requests (the newest request is of %s)\n",
		       g->to, g->newest);
	printf("  clients with refused requests: %d (%d active, %d "
	       "migrated, %d quiet for %d days or more, %d refused "
	       "already, %d in state refused)\n",
	       g->ncl, g->nactive, g->nmigrated, g->nquiet, g->o.min_quiet,
	       g->nalready, g->nrefused);
	for (int i = 0; i < g->ntop && i < 5; i++) {
		const struct gn_client *c = &g->top[i];

		printf("  %s: %lld refused, %lld already; ", c->client,
		       c->marginal, c->already);
		if (c->quiet_days == 0)
			printf("a refused request on %s, the window's last "
			       "day; ",
			       g->to);
		else if (c->quiet_days > 0)
			printf("the last %d day%s before %s's end; ",
			       c->quiet_days, c->quiet_days == 1 ? "" : "s",
			       g->to);
		printf("%s%s\n", client_state_name(c->state),
		       c->active ? ", breaking" : "");
	}
}

static void print_dormant(const struct gonogo *g)
{
	/* the days searched: those kept of the lookback */
	printf("  dormant (legacy use in %s..the window, none in it): %d\n",
	       g->npruned ? g->first_kept : g->look_from, g->ndormant);
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

static void print_probable(const struct gonogo *g)
{
	if (!g->nprobable)
		return;
	printf("  probably succeeded (a credential of another class first "
	       "seen from the same address and user agent): %d, %s\n",
	       g->nprobable,
	       g->o.strict_succession ? "counted as dormant (strict)"
				      : "migrated, not dormant");
	for (int i = 0; i < g->nkept_probable && i < 5; i++) {
		const struct gn_probable *e = &g->probable[i];

		int named = strcmp(e->by, e->fp) == 0;

		printf("  %s: probably migrated: last legacy %s; %s%s%s%s "
		       "first seen %s from the same address and user agent "
		       "(origin %s), %d day%s %s\n",
		       e->client, e->last, e->by, named ? "" : " (",
		       named ? "" : e->fp, named ? "" : ")", e->first,
		       e->origin, abs(e->days), abs(e->days) == 1 ? "" : "s",
		       e->days < 0 ? "before" : "after");
	}
}

static void print_succeeded(const struct gonogo *g)
{
	print_probable(g);
	if (!g->o.registry)
		return;
	printf("  succeeded (another credential of the same registry "
	       "account used since): %d, %s\n",
	       g->nsucceeded,
	       g->o.strict_succession ? "counted as dormant (strict)"
				      : "migrated, not dormant");
	for (int i = 0; i < g->nkept_succeeded && i < 5; i++) {
		const struct gn_succeeded *e = &g->succeeded[i];

		printf("  %s: migrated (registry): last legacy %s; account "
		       "%s's %s used %s\n",
		       e->client, e->last, e->account, e->by, e->by_day);
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
			printf("    %s: %lld in %d of %d hours; 434: %lld; "
			       "now %s\n",
			       b->hits[j].client, b->hits[j].would,
			       __builtin_popcountll(b->hits[j].hours),
			       b->nhours, b->hits[j].s434,
			       client_state_name(b->hits[j].state));
	}
}

static void print_forecast(const struct gonogo *g)
{
	const struct gn_forecast *f = &g->fc;

	if (f->ndays < 3) {
		printf("  forecast: too few days to fit\n");
		return;
	}
	printf("  forecast (a projection, not a verdict; a least-squares "
	       "line through today's figures over %d days from %s): refused "
	       "share %.2f%% today, %+.3f points "
	       "a day, %s%s; breaking clients %.1f today, %+.2f a day, "
	       "%s%s\n",
	       f->ndays, f->from, f->share_now, f->share_slope,
	       f->share_day[0] ? "under the maximum ~" : "not falling",
	       f->share_day, f->clients_now, f->clients_slope,
	       f->clients_day[0] ? "at the maximum ~" : "not falling",
	       f->clients_day);
}

void gonogo_print(const struct gonogo *g, int verbosity)
{
	if (verbosity > 0 || g->verdict != GONOGO_GO)
		print_verdict(g);
	if (verbosity <= 0)
		return;
	print_clients(g);
	print_dormant(g);
	print_succeeded(g);
	print_brownouts(g);
	print_forecast(g);
}
