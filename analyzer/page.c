/* page.c: the go/no-go review page: one self-contained HTML file with
 * inline SVG charts; no script, no font, nothing from the network. */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "page_int.h"
#include "report.h"

#define TOP_CLIENTS GN_TOP

/* A user agent as the log escaped it (\xHH, as nginx writes '"'),
 * decoded, then escaped for HTML. */
static void esc_agent(FILE *f, const char *s)
{
	char out[1024];
	size_t n = 0;

	while (*s && n + 1 < sizeof(out)) {
		int hi = s[0] == '\\' && s[1] == 'x' ? buf_hexval(s[2]) : -1;
		int lo = hi >= 0 ? buf_hexval(s[3]) : -1;
		int v = hi * 16 + lo;

		if (hi >= 0 && lo >= 0 && v != 0) {
			out[n++] = (char)v;
			s += 4;
		} else
			out[n++] = *s++;
	}
	out[n] = 0;
	page_esc(f, out);
}

/* "the last day", "the day before", "N days before". */
static void days_before(FILE *f, int n)
{
	if (n < 0)
		fputs("none newly refused", f);
	else if (n == 0)
		fputs("on the window's last day", f);
	else if (n == 1)
		fputs("the day before its end", f);
	else
		fprintf(f, "%d days before its end", n);
}

/* "in 3 days", "2 days ago", "the as-of day" for a planned day. */
static void relative(FILE *f, const struct gonogo *g, const char *day)
{
	long n = day_number(day) - day_number(g->to);

	if (n == 0)
		fputs("the as-of day", f);
	else
		fprintf(f, "%ld day%s %s the as-of day", n < 0 ? -n : n,
			n == 1 || n == -1 ? "" : "s",
			n < 0 ? "before" : "after");
}

static double pct(long long a, long long b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void td_num(FILE *f, long long v)
{
	fputs("<td class=\"n\">", f);
	page_num(f, v);
	fputs("</td>", f);
}

static void sec_verdict(FILE *f, const struct gonogo *g)
{
	const char *cls = g->verdict == GONOGO_GO	     ? "go"
			  : g->verdict == GONOGO_CANNOT_TELL ? "blind"
							     : "nogo";
	fprintf(f, "<p id=\"verdict\" class=\"%s\"><b>%s</b>: ", cls,
		gonogo_word(g));
	page_num(f, g->refused);
	fputs(" of ", f);
	page_num(f, g->total);
	fprintf(f,
		" requests (%.2f%%) that succeed today would be refused, "
		"%d active client%s and %d dormant would break, in %s .. "
		"%s; ",
		g->share, g->nactive, g->nactive == 1 ? "" : "s", g->ndormant,
		g->from, g->to);
	page_num(f, g->already);
	fprintf(f,
		" requests are refused (434) already.  %.2f%% of the "
		"requests show no credential a rule could class.",
		g->blind);
	if (g->npruned)
		fprintf(f,
			"  %d day%s of %s .. %s pruned (the first day kept "
			"is %s).",
			g->npruned, g->npruned == 1 ? "" : "s", g->look_from,
			g->to, g->first_kept);
	if (g->ngaps)
		fprintf(f,
			"  %d day%s of %s .. %s without data, the first %s.",
			g->ngaps, g->ngaps == 1 ? "" : "s", g->look_from,
			g->to, g->gap_first);
	fputs("</p>\n", f);
}

static void sec_planned(FILE *f, const struct gonogo *g)
{
	fprintf(f, "<p id=\"asof\">As of <b>%s</b>", g->to);
	if (g->asof_default && strcmp(g->to, g->newest) != 0)
		fprintf(f,
			" (the newest day with a tenth of the median day's "
			"requests; the newest request is of %s)",
			g->newest);
	fputs(".</p>\n<ul id=\"phases\">\n", f);
	for (int i = 0; i < g->nmarks; i++) {
		fputs("<li>phase ", f);
		page_esc(f, g->marks[i].name);
		fprintf(f, " on <b>%s</b>, ", g->marks[i].day);
		relative(f, g, g->marks[i].day);
		fputs("</li>\n", f);
	}
	if (!g->nmarks)
		fputs("<li>the rules plan no phase on a day</li>\n", f);
	fputs("</ul>\n", f);
}

static void sec_classes(FILE *f, const struct gonogo *g)
{
	fputs("<table id=\"classes\">\n<thead><tr><th>class</th><th>requests"
	      "</th><th>share</th><th>credential</th></tr></thead>\n<tbody>\n",
	      f);
	for (int i = 0; i < g->ncls; i++) {
		fputs("<tr><td>", f);
		page_esc(f, g->clsname[i]);
		fputs("</td>", f);
		td_num(f, g->cls[i]);
		fprintf(f, "<td class=\"n\">%.2f%%</td><td>%s</td></tr>\n",
			pct(g->cls[i], g->total),
			gonogo_blind_class(g, i) ? "not seen (blind)"
						 : "seen");
	}
	fprintf(f,
		"</tbody>\n</table>\n<p>Blind: %.2f%% (CANNOT TELL above "
		"%.2f%%).</p>\n",
		g->blind, g->o.max_blind);
}

static void sec_figures(FILE *f, const struct gonogo *g)
{
	fprintf(f,
		"<table id=\"figures\">\n<tr><th>window</th><td>%s .. %s"
		"</td></tr>\n<tr><th>requests</th>",
		g->from, g->to);
	td_num(f, g->total);
	fputs("</tr>\n<tr><th>newly refused (succeed today)</th>", f);
	td_num(f, g->refused);
	fprintf(f,
		"</tr>\n<tr><th>share</th><td class=\"n\">%.2f%% (NO-GO "
		"above %.2f%%)</td></tr>\n<tr><th>refused already (434)"
		"</th>",
		g->share, g->o.max_share);
	td_num(f, g->already);
	fprintf(f,
		"</tr>\n<tr><th>clients newly broken</th><td class=\"n\">"
		"%d active (NO-GO above %d), %d migrated, %d quiet</td>"
		"</tr>\n<tr><th>clients refused already, nothing more"
		"</th><td class=\"n\">%d</td></tr>\n</table>\n",
		g->nactive, g->o.max_clients, g->nmigrated, g->nquiet,
		g->nalready);
}

static void client_row(FILE *f, const struct gn_client *c)
{
	fputs("<tr><td>", f);
	page_esc(f, c->client);
	fputs("</td><td>", f);
	page_esc(f, c->owner ? c->owner : "");
	fputs("</td>", f);
	td_num(f, c->marginal);
	td_num(f, c->already);
	fprintf(f, "<td class=\"n\">%.1f%%</td><td>",
		pct(c->marginal, c->total));
	days_before(f, c->quiet_days);
	fprintf(f, "</td><td>%s</td><td>%s</td><td>",
		client_state_name(c->state), c->active ? "yes" : "no");
	esc_agent(f, c->agent ? c->agent : "");
	fputs("</td></tr>\n", f);
}

static void sec_clients(FILE *f, const struct gonogo *g)
{
	fputs("<table id=\"clients\">\n<thead><tr><th>client</th><th>owner"
	      "</th><th>newly refused</th><th>refused already</th><th>of "
	      "its requests</th><th>last "
	      "refused</th><th>state</th><th>breaking</th>"
	      "<th>user agent</th></tr></thead>\n<tbody>\n",
	      f);
	for (int i = 0; i < g->ntop && i < TOP_CLIENTS; i++)
		client_row(f, &g->top[i]);
	fputs("</tbody>\n</table>\n", f);
	if (g->ncl > TOP_CLIENTS)
		fprintf(f, "<p>and %d more (see the CSV from -o).</p>\n",
			g->ncl - TOP_CLIENTS);
}

static void sec_dormant(FILE *f, const struct gonogo *g)
{
	fprintf(f,
		"<p>Legacy use in %s .. the window, none in it, neither "
		"migrated nor refused: %d (NO-GO above %d).%s</p>\n<table "
		"id=\"dormant\">\n<thead><tr><th>client</th><th>owner</th>"
		"<th>last use</th><th>usual period</th></tr></thead>\n"
		"<tbody>\n",
		g->npruned ? g->first_kept : g->look_from, g->ndormant,
		g->o.max_dormant,
		g->npruned ? " The days before were pruned: a client that "
			     "used only them is not seen."
			   : "");
	for (int i = 0; i < g->nkept_dormant && i < TOP_CLIENTS; i++) {
		const struct gn_dormant *d = &g->dormant[i];

		fputs("<tr><td>", f);
		page_esc(f, d->client);
		fputs("</td><td>", f);
		page_esc(f, d->owner ? d->owner : "");
		fprintf(f, "</td><td>%s</td><td>", d->last);
		if (d->period)
			fprintf(f, "every ~%d day%s, next expected ~%s",
				d->period, d->period == 1 ? "" : "s", d->next);
		else
			fputs("once", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void sec_probable(FILE *f, const struct gonogo *g)
{
	if (!g->nprobable)
		return;
	fprintf(f,
		"<p>Probably succeeded by a credential of another class first "
		"seen from the same address and user agent: %d, %s.</p>\n"
		"<table id=\"probable\">\n<thead><tr><th>client</th>"
		"<th>last legacy</th><th>successor</th><th>its fingerprint"
		"</th><th>first seen</th><th>days after</th><th>origin</th>"
		"</tr></thead>\n<tbody>\n",
		g->nprobable,
		g->o.strict_succession ? "counted as dormant (strict)"
				       : "migrated, not dormant");
	for (int i = 0; i < g->nkept_probable; i++) {
		const struct gn_probable *e = &g->probable[i];

		fputs("<tr><td>", f);
		page_esc(f, e->client);
		fprintf(f, "</td><td>%s</td><td>", e->last);
		page_esc(f, e->by);
		fprintf(f,
			"</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
			"</tr>\n",
			e->fp, e->first, e->days, e->origin);
	}
	fputs("</tbody></table>\n", f);
}

static void sec_succeeded(FILE *f, const struct gonogo *g)
{
	sec_probable(f, g);
	if (!g->o.registry)
		return;
	fprintf(f,
		"<p>Succeeded by another credential of their registry "
		"account: %d, %s.</p>\n<table id=\"succeeded\">\n<thead>"
		"<tr><th>client</th><th>last legacy</th><th>account</th>"
		"<th>successor</th><th>its last use</th></tr></thead>\n"
		"<tbody>\n",
		g->nsucceeded,
		g->o.strict_succession ? "counted as dormant (strict)"
				       : "migrated, not dormant");
	for (int i = 0; i < g->nkept_succeeded; i++) {
		const struct gn_succeeded *e = &g->succeeded[i];

		fputs("<tr><td>", f);
		page_esc(f, e->client);
		fprintf(f, "</td><td>%s</td><td>", e->last);
		page_esc(f, e->account);
		fputs("</td><td>", f);
		page_esc(f, e->by);
		fprintf(f, "</td><td>%s</td></tr>\n", e->by_day);
	}
	fputs("</tbody></table>\n", f);
}

static void sec_brownout(FILE *f, const struct gn_brownout *b)
{
	fputs("<h3>", f);
	page_esc(f, b->spec);
	fputs("</h3>\n", f);
	if (!b->replayed) {
		fputs("<p>Not replayed: the database has no hourly counts."
		      "</p>\n",
		      f);
		return;
	}
	fprintf(f, "<p>Replayed on %s%s: ", b->day,
		b->shifted ? " (the same weekday, in the data)" : "");
	page_num(f, b->would);
	fprintf(f, " requests of %d clients would be refused; ", b->nhits);
	page_num(f, b->s434);
	fputs(" were refused (434) in it.</p>\n<table class=\"brownout\">\n"
	      "<thead><tr><th>client</th><th>would be refused</th><th>hours "
	      "hit</th><th>434 in it</th><th>since</th></tr></thead><tbody>\n",
	      f);
	for (int i = 0; i < b->nkept && i < TOP_CLIENTS; i++) {
		fputs("<tr><td>", f);
		page_esc(f, b->hits[i].client);
		fputs("</td>", f);
		td_num(f, b->hits[i].would);
		fprintf(f, "<td class=\"n\">%d of %d</td>",
			__builtin_popcountll(b->hits[i].hours), b->nhours);
		td_num(f, b->hits[i].s434);
		fprintf(f, "<td>%s</td></tr>\n",
			client_state_name(b->hits[i].state));
	}
	fputs("</tbody></table>\n", f);
}

static void sec_forecast(FILE *f, const struct gonogo *g)
{
	const struct gn_forecast *c = &g->fc;

	fputs("<p id=\"forecast\"><i>A projection, not a verdict.</i> ", f);
	if (c->ndays < 3) {
		fputs("Too few days to fit.</p>\n", f);
		return;
	}
	fprintf(f,
		"A least-squares line through today's figures over the %d "
		"days from %s: the newly "
		"refused share is %.2f%% today and moves %+.3f points a "
		"day, %s%s; the clients the phase would newly break are "
		"%.1f today, %+.2f a day, %s%s.</p>\n",
		c->ndays, c->from, c->share_now, c->share_slope,
		c->share_day[0] ? "under the maximum ~" : "not falling",
		c->share_day, c->clients_now, c->clients_slope,
		c->clients_day[0] ? "at the maximum ~" : "not falling",
		c->clients_day);
}

static const char style[] =
    "<style>body{font:14px/1.4 sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.4em}.go{background:#d5f5e3;border-left:8px solid "
    "#1e8449}.nogo{background:#fadbd8;border-left:8px solid #c0392b}"
    ".blind{background:#fcf3cf;border-left:8px solid #b7950b}"
    "#verdict{padding:.8em 1em;font-size:1.1em}table{border-collapse:"
    "collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left}.n{text-align:right}.legend{font-size:12px}"
    "</style>\n";

static void sec_body(FILE *f, const struct gonogo *g)
{
	sec_verdict(f, g);
	sec_planned(f, g);
	fputs("<h2>Legacy, amnesty and refused share</h2>\n", f);
	page_chart_shares(f, g);
	fputs("<h2>Legacy clients per day</h2>\n", f);
	page_chart_clients(f, g);
	fputs("<h2>Credentials in the window</h2>\n", f);
	sec_classes(f, g);
	fputs("<h2>Figures</h2>\n", f);
	sec_figures(f, g);
	fputs("<h2>Clients that would break</h2>\n", f);
	sec_clients(f, g);
	fputs("<h2>Dormant clients</h2>\n", f);
	sec_dormant(f, g);
	sec_succeeded(f, g);
	if (g->nbo)
		fputs("<h2>Brownouts</h2>\n", f);
	for (int i = 0; i < g->nbo; i++)
		sec_brownout(f, &g->bo[i]);
	fputs("<h2>Forecast</h2>\n", f);
	sec_forecast(f, g);
}

int gonogo_html(const struct gonogo *g, const char *path, char *err,
		size_t errlen)
{
	struct outfile *o;
	FILE *f = report_open(path, &o, err, errlen);

	if (!f)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8"
	      "\">\n<title>keyaudit go/no-go: ",
	      f);
	page_esc(f, g->phase);
	fputs("</title>\n", f);
	fputs(style, f);
	fputs("</head><body>\n<h1>Go/no-go: phase ", f);
	page_esc(f, g->phase);
	fputs("</h1>\n", f);
	sec_body(f, g);
	fputs("</body></html>\n", f);
	return report_close(o, 0, err, errlen);
}
