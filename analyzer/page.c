/* page.c: the go/no-go review page: one self-contained HTML file with an
 * inline SVG chart; no script, no font, nothing from the network. */
#include <stdio.h>
#include <string.h>

#include "gonogo.h"
#include "parse.h"
#include "report.h"

#define W	    900 /* chart width, px */
#define H	    300 /* chart height */
#define PAD	    50	/* room for the axes */
#define TOP_CLIENTS 20

/* Text into HTML: every byte that could start markup is escaped; bytes
 * outside printable ASCII are written as character references. */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "&#x%x;",
				c < 0x20 || c == 0x7f ? 0xfffd : c);
		else
			fputc(c, f);
	}
}

static long day_index(const struct gonogo *g, const char *day)
{
	int y, m, d, y0, m0, d0;

	if (!g->ndays || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    sscanf(g->days[0].day, "%4d-%2d-%2d", &y0, &m0, &d0) != 3)
		return -1;
	return (long)((civil_to_epoch(y, m, d, 0, 0, 0) -
		       civil_to_epoch(y0, m0, d0, 0, 0, 0)) /
		      86400);
}

static double xpos(const struct gonogo *g, long i)
{
	long span = day_index(g, g->days[g->ndays - 1].day);

	return PAD + (span > 0 ? (double)i * (W - 2 * PAD) / (double)span
			       : (W - 2 * PAD) / 2.0);
}

static double ypos(double share)
{
	return H - PAD + 10 - share * (H - PAD - 20);
}

static void series(FILE *f, const struct gonogo *g, int amnesty,
		   const char *color, const char *name)
{
	fprintf(f,
		"<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" "
		"stroke-width=\"2\" points=\"",
		name, color);
	for (int i = 0; i < g->ndays; i++) {
		const struct gn_day *d = &g->days[i];
		double s = d->total
			       ? (double)(amnesty ? d->amnesty : d->legacy) /
				     (double)d->total
			       : 0;

		fprintf(f, "%.1f,%.1f ", xpos(g, day_index(g, d->day)),
			ypos(s));
	}
	fputs("\"/>\n", f);
}

static void mark(FILE *f, const struct gonogo *g, const char *day,
		 const char *label, const char *color)
{
	long i = day_index(g, day);
	long last = g->ndays ? day_index(g, g->days[g->ndays - 1].day) : 0;
	double x;

	if (i < 0 || i > last)
		return;
	x = xpos(g, i);
	fprintf(f,
		"<line class=\"cutoff\" x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" "
		"y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
		x, x, H - PAD + 10, color);
	/* labels right of the line, or left of it near the right edge */
	fprintf(f,
		"<text x=\"%.1f\" y=\"22\" font-size=\"11\" fill=\"%s\" "
		"text-anchor=\"%s\">",
		x > W - 2 * PAD ? x - 3 : x + 3, color,
		x > W - 2 * PAD ? "end" : "start");
	esc(f, label);
	fputs("</text>\n", f);
}

/* Shade the verdict's window. */
static void window(FILE *f, const struct gonogo *g)
{
	long a = day_index(g, g->from);
	long b = day_index(g, g->to);
	long last = g->ndays ? day_index(g, g->days[g->ndays - 1].day) : 0;

	if (b < 0 || a > last)
		return;
	a = a < 0 ? 0 : a;
	b = b > last ? last : b;
	fprintf(f,
		"<rect id=\"window\" x=\"%.1f\" y=\"10\" width=\"%.1f\" "
		"height=\"%d\" fill=\"#f4ecf7\"/>\n",
		xpos(g, a), xpos(g, b) - xpos(g, a), H - PAD);
}

static void chart(FILE *f, const struct gonogo *g)
{
	fprintf(f,
		"<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"daily "
		"legacy and amnesty share\">\n",
		W, H);
	window(f, g);
	for (int p = 0; p <= 100; p += 25) {
		double y = ypos(p / 100.0);

		fprintf(f,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/><text x=\"8\" y=\"%.1f\" "
			"font-size=\"11\">%d%%</text>\n",
			PAD, W - PAD, y, y, y + 4, p);
	}
	if (g->ndays) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", PAD,
			H - 10);
		esc(f, g->days[0].day);
		fprintf(f,
			"</text><text x=\"%d\" y=\"%d\" font-size=\"11\" "
			"text-anchor=\"end\">",
			W - PAD, H - 10);
		esc(f, g->days[g->ndays - 1].day);
		fputs("</text>\n", f);
		series(f, g, 0, "#c0392b", "legacy");
		series(f, g, 1, "#2471a3", "amnesty");
	}
	for (int i = 0; i < g->nmarks; i++)
		mark(f, g, g->marks[i].day, g->marks[i].name, "#7d3c98");
	mark(f, g, g->to, "as of", "#555");
	fputs("</svg>\n<p class=\"legend\"><span style=\"color:#c0392b\">"
	      "&#9632; legacy share</span> &nbsp; <span style=\"color:"
	      "#2471a3\">&#9632; amnesty share</span> (of all requests, per "
	      "UTC day); dashed: planned cutoffs and the verdict's day; "
	      "shaded: the verdict's window</p>\n",
	      f);
}

static void clients(FILE *f, const struct gonogo *g)
{
	fputs("<table id=\"clients\">\n<thead><tr><th>client</th><th>refused"
	      "</th><th>of all</th><th>last refused</th><th>active</th>"
	      "<th>user agent</th></tr></thead>\n<tbody>\n",
	      f);
	for (int i = 0; i < g->ncl && i < TOP_CLIENTS; i++) {
		const struct gn_client *c = &g->cl[i];

		fputs("<tr><td>", f);
		esc(f, c->client);
		fprintf(f,
			"</td><td class=\"n\">%lld</td><td class=\"n\">"
			"%.1f%%</td><td class=\"n\">%d day%s before</td>"
			"<td>%s</td><td>",
			c->refused,
			c->total
			    ? 100.0 * (double)c->refused / (double)c->total
			    : 0.0,
			c->quiet_days, c->quiet_days == 1 ? "" : "s",
			c->active ? "yes" : "no");
		esc(f, c->agent ? c->agent : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	if (g->ncl > TOP_CLIENTS)
		fprintf(f, "<p>and %d more (see the CSV from -o).</p>\n",
			g->ncl - TOP_CLIENTS);
}

static void figures(FILE *f, const struct gonogo *g)
{
	fprintf(f,
		"<table id=\"figures\">\n"
		"<tr><th>window</th><td>%s .. %s</td></tr>\n"
		"<tr><th>requests</th><td class=\"n\">%lld</td></tr>\n"
		"<tr><th>would be refused</th><td class=\"n\">%lld (%.2f%%; "
		"NO-GO above %.2f%%)</td></tr>\n"
		"<tr><th>clients that would break</th><td class=\"n\">%d, "
		"%d active (NO-GO above %d; quiet for %d days or more is not "
		"active)</td></tr>\n</table>\n",
		g->from, g->to, g->total, g->refused, g->share, g->max_share,
		g->ncl, g->nactive, g->max_clients, g->min_quiet);
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
	esc(f, g->phase);
	fputs("</title>\n<style>body{font:14px/1.4 sans-serif;margin:2em;"
	      "color:#222}h1{font-size:1.4em}.go{background:#d5f5e3;"
	      "border-left:8px solid #1e8449}.nogo{background:#fadbd8;"
	      "border-left:8px solid #c0392b}#verdict{padding:.8em 1em;"
	      "font-size:1.2em}table{border-collapse:collapse;margin:1em 0}"
	      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
	      ".n{text-align:right}.legend{font-size:12px}</style>\n"
	      "</head><body>\n<h1>Go/no-go: phase ",
	      f);
	esc(f, g->phase);
	fprintf(f,
		"</h1>\n<p id=\"verdict\" class=\"%s\"><b>%s</b>: %lld of "
		"%lld requests (%.2f%%) would be refused and %d active "
		"client%s would break, %s..%s.</p>\n",
		g->go ? "go" : "nogo", g->go ? "GO" : "NO-GO", g->refused,
		g->total, g->share, g->nactive, g->nactive == 1 ? "" : "s",
		g->from, g->to);
	fputs("<h2>Legacy and amnesty share, whole history</h2>\n", f);
	chart(f, g);
	fputs("<h2>Figures</h2>\n", f);
	figures(f, g);
	fputs("<h2>Clients that would break</h2>\n", f);
	clients(f, g);
	fputs("</body></html>\n", f);
	return report_close(o, 0, err, errlen);
}
