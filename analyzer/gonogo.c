/* gonogo.c: if the next phase started now, who would break? */
#include "gonogo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "metrics.h"
#include "msg.h"
#include "outfile.h"
#include "parse.h"
#include "report.h"
#include "rules.h"
#include "store.h"
#include "table.h"

#define DAY 86400

struct run {
	struct gonogo g;
	struct ruleset *rs;
	int phase;
	char newest[11];
	char emsg[1024];
};

/* An SQL integer as text; NULL (an empty sum) is 0. */
static long long num(const char *s)
{
	return s ? atoll(s) : 0;
}

static int64_t day_start(const char *day)
{
	int y, m, d;

	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	return civil_to_epoch(y, m, d, 0, 0, 0);
}

static void day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	strftime(out, 11, "%Y-%m-%d", gmtime_r(&tt, &tm));
}

static int text_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	(void)n;
	(void)names;
	snprintf(arg, 11, "%s", c[0] ? c[0] : "");
	return 0;
}

static struct gn_client *client_named(struct gonogo *g, const char *name)
{
	/* rows arrive ordered by client: the match is the last one */
	if (g->ncl && strcmp(g->cl[g->ncl - 1].client, name) == 0)
		return &g->cl[g->ncl - 1];
	g->cl = xrealloc(g->cl, (size_t)(g->ncl + 1) * sizeof(*g->cl));
	memset(&g->cl[g->ncl], 0, sizeof(*g->cl));
	g->cl[g->ncl].client = xstrdup(name);
	return &g->cl[g->ncl++];
}

/* client, class, amnesty, sum(n), max(last), top agent */
static int window_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	struct run *r = arg;
	struct gn_client *cl = client_named(&r->g, c[0]);
	int cls = rules_class_find(r->rs, c[1]);
	long long v = num(c[3]);

	(void)n;
	(void)names;
	cl->total += v;
	r->g.total += v;
	if (!cl->agent && c[5])
		cl->agent = xstrdup(c[5]);
	if (!rules_phase_refuses(r->rs, r->phase, cls, (int)num(c[2])))
		return 0;
	cl->refused += v;
	r->g.refused += v;
	if (num(c[4]) > cl->last)
		cl->last = num(c[4]);
	return 0;
}

#define WINDOW_SQL                                                            \
	"WITH ua AS (SELECT client, agent, sum(n) AS n FROM agents"           \
	"  WHERE day BETWEEN ?1 AND ?2 AND class IN (SELECT name FROM"        \
	"  classes WHERE legacy = 1) GROUP BY client, agent),"                \
	" top AS (SELECT client, agent FROM (SELECT client, agent,"           \
	"  row_number() OVER (PARTITION BY client ORDER BY n DESC, agent)"    \
	"  AS r FROM ua) WHERE r = 1)"                                        \
	" SELECT c.client, class, amnesty, sum(n), max(last), top.agent"      \
	" FROM counts AS c LEFT JOIN top USING (client)"                      \
	" WHERE day BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3 ORDER BY 1"

static int client_cmp(const void *a, const void *b)
{
	const struct gn_client *x = a;
	const struct gn_client *y = b;

	if (x->refused != y->refused)
		return x->refused > y->refused ? -1 : 1;
	return strcmp(x->client, y->client);
}

/* Keep the clients the phase would break; decide. */
static void decide(struct run *r)
{
	struct gonogo *g = &r->g;
	int64_t end = day_start(g->to) + DAY;
	int k = 0;

	for (int i = 0; i < g->ncl; i++) {
		struct gn_client *c = &g->cl[i];

		if (!c->refused) {
			free(c->client);
			free(c->agent);
			continue;
		}
		c->quiet_days = (int)((end - 1 - c->last) / DAY);
		c->active = c->quiet_days < g->min_quiet;
		g->nactive += c->active;
		g->cl[k++] = *c;
	}
	g->ncl = k;
	qsort(g->cl, (size_t)k, sizeof(*g->cl), client_cmp);
	g->share =
	    g->total ? 100.0 * (double)g->refused / (double)g->total : 0.0;
	g->go = g->share <= g->max_share && g->nactive <= g->max_clients;
}

static int day_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct gonogo *g = arg;
	struct gn_day *d;

	(void)n;
	(void)names;
	g->days = xrealloc(g->days, (size_t)(g->ndays + 1) * sizeof(*d));
	d = &g->days[g->ndays++];
	snprintf(d->day, sizeof(d->day), "%s", c[0]);
	d->total = num(c[1]);
	d->legacy = num(c[2]);
	d->amnesty = num(c[3]);
	return 0;
}

static int load_history(struct run *r, struct store *st)
{
	return store_each(
	    st,
	    "SELECT day, sum(n), sum(CASE WHEN legacy THEN n ELSE 0 END),"
	    " sum(CASE WHEN legacy AND amnesty = 1 THEN n ELSE 0 END)"
	    " FROM (SELECT day, n, amnesty, class IN (SELECT name FROM"
	    "  classes WHERE legacy = 1) AS legacy FROM counts)"
	    " GROUP BY day ORDER BY day",
	    NULL, 0, day_row, &r->g, r->emsg, sizeof(r->emsg));
}

static void print_verdict(const struct gonogo *g)
{
	printf("%s: phase %s would refuse %lld of %lld requests (%.2f%%, "
	       "max %.2f%%) and break %d active client%s (max %d) in "
	       "%s..%s\n",
	       g->go ? "GO" : "NO-GO", g->phase, g->refused, g->total,
	       g->share, g->max_share, g->nactive, g->nactive == 1 ? "" : "s",
	       g->max_clients, g->from, g->to);
	printf("  clients with refused requests: %d (%d quiet for %d days or "
	       "more)\n",
	       g->ncl, g->ncl - g->nactive, g->min_quiet);
	for (int i = 0; i < g->ncl && i < 5; i++)
		printf("  %s: %lld refused, the last %d day%s before %s's "
		       "end\n",
		       g->cl[i].client, g->cl[i].refused, g->cl[i].quiet_days,
		       g->cl[i].quiet_days == 1 ? "" : "s", g->to);
}

static const char *const gn_cols[] = {
    "client",	    "refused_requests", "all_requests", "refused_share",
    "last_refused", "quiet_days",	"active",	"top_user_agent"};
static const enum cell_kind gn_kinds[] = {CELL_TEXT, CELL_NUM,	CELL_NUM,
					  CELL_NUM,  CELL_TEXT, CELL_NUM,
					  CELL_TEXT, CELL_TEXT};

static int write_clients(const struct gonogo *g, const char *path, char *err,
			 size_t errlen)
{
	struct outfile *o;
	FILE *f = report_open(path, &o, err, errlen);
	struct table *t;

	if (!f)
		return -1;
	t = table_new(f, 0, gn_cols, gn_kinds, 8);
	for (int i = 0; i < g->ncl; i++) {
		const struct gn_client *c = &g->cl[i];
		char n[3][32];
		char share[32];
		char last[32];
		time_t tt = (time_t)c->last;
		struct tm tm;
		const char *v[8] = {c->client,
				    n[0],
				    n[1],
				    share,
				    last,
				    n[2],
				    c->active ? "yes" : "no",
				    c->agent ? c->agent : ""};

		snprintf(n[0], 32, "%lld", c->refused);
		snprintf(n[1], 32, "%lld", c->total);
		snprintf(n[2], 32, "%d", c->quiet_days);
		snprintf(share, 32, "%.4f",
			 c->total ? (double)c->refused / (double)c->total : 0);
		strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime_r(&tt, &tm));
		table_row(t, v);
	}
	table_end(t);
	return report_close(o, 0, err, errlen);
}

/* Rules, phase, window: everything before the verdict. */
static int prepare(struct run *r, const struct config *cfg, struct store **st)
{
	struct gonogo *g = &r->g;

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
	g->max_share = cfg->max_share;
	g->max_clients = cfg->max_clients;
	g->min_quiet = cfg->min_quiet;
	for (int i = 0; i < rules_nphases(r->rs) && g->nmarks < 16; i++)
		if (rules_phase_date(r->rs, i)[0]) {
			g->marks[g->nmarks].name = rules_phase_name(r->rs, i);
			g->marks[g->nmarks++].day = rules_phase_date(r->rs, i);
		}
	*st = store_open(cfg->db, STORE_READ, r->emsg, sizeof(r->emsg));
	if (!*st)
		return EXIT_FAILED;
	if (store_each(*st, "SELECT max(day) FROM counts", NULL, 0, text_row,
		       r->newest, r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_FAILED;
	if (!r->newest[0] && !cfg->as_of) {
		snprintf(r->emsg, sizeof(r->emsg),
			 "%s: no requests counted yet", cfg->db);
		return EXIT_FAILED;
	}
	snprintf(g->to, sizeof(g->to), "%s",
		 cfg->as_of ? cfg->as_of : r->newest);
	day_of(day_start(g->to) - (int64_t)(cfg->window - 1) * DAY, g->from);
	return EXIT_OK;
}

static void free_run(struct run *r)
{
	for (int i = 0; i < r->g.ncl; i++) {
		free(r->g.cl[i].client);
		free(r->g.cl[i].agent);
	}
	free(r->g.cl);
	free(r->g.days);
	rules_free(r->rs);
}

int gonogo_run(const struct config *cfg)
{
	struct run r;
	struct store *st = NULL;
	const char *params[2];
	int rc;

	memset(&r, 0, sizeof(r));
	rc = prepare(&r, cfg, &st);
	params[0] = r.g.from;
	params[1] = r.g.to;
	if (rc == EXIT_OK && (store_each(st, WINDOW_SQL, params, 2, window_row,
					 &r, r.emsg, sizeof(r.emsg)) < 0 ||
			      load_history(&r, st) < 0))
		rc = EXIT_FAILED;
	if (rc == EXIT_OK && r.g.total == 0) {
		/* no data is no evidence: never answer GO on it */
		snprintf(r.emsg, sizeof(r.emsg),
			 "no requests in %s..%s (the newest is from %s)",
			 r.g.from, r.g.to, r.newest[0] ? r.newest : "nowhere");
		rc = EXIT_FAILED;
	}
	if (rc == EXIT_OK) {
		decide(&r);
		print_verdict(&r.g);
		if ((cfg->out && write_clients(&r.g, cfg->out, r.emsg,
					       sizeof(r.emsg)) < 0) ||
		    (cfg->html && gonogo_html(&r.g, cfg->html, r.emsg,
					      sizeof(r.emsg)) < 0) ||
		    outfile_check_stdout(r.emsg, sizeof(r.emsg)) < 0)
			rc = EXIT_FAILED;
		else
			rc = r.g.go ? EXIT_OK : EXIT_PARTIAL;
	}
	if (rc == EXIT_OK || rc == EXIT_PARTIAL) {
		struct metrics_gonogo m = {r.g.phase, r.g.go, r.g.refused,
					   r.g.total, r.g.nactive};

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
	store_close(st);
	free_run(&r);
	return rc;
}
