/* page_chart.c: the review page's inline SVG charts: daily shares and
 * daily clients, on a dated axis with the planned cutoffs marked. */
#include <stdio.h>
#include <string.h>

#include "day.h"
#include "page_int.h"

#define W   900 /* chart width, px */
#define PAD 50	/* room for the axes */
#define AHEAD                                                                 \
	180 /* planned days this far past the as-of day widen the             \
	       axis */

struct axis {
	long first, last; /* day numbers at the ends */
	int h;		  /* chart height */
	double ymax;	  /* value at the top */
};

static double xpos(const struct axis *a, long dn)
{
	long span = a->last - a->first;

	return PAD + (span > 0 ? (double)(dn - a->first) * (W - 2 * PAD) /
				     (double)span
			       : (W - 2 * PAD) / 2.0);
}

static double ypos(const struct axis *a, double v)
{
	return a->h - PAD + 10 - v / a->ymax * (a->h - PAD - 20);
}

static struct axis axis_of(const struct gonogo *g, int h, double ymax)
{
	struct axis a = {g->days[0].dnum, day_number(g->to), h, ymax};

	for (int i = 0; i < g->nmarks; i++) {
		long d = day_number(g->marks[i].day);

		if (d > a.last && d <= a.last + AHEAD)
			a.last = d;
	}
	return a;
}

/* A dated tick every 1, 2, 7, 14, 28 or more days: at most 9. */
static void ticks(FILE *f, const struct axis *a)
{
	static const int steps[] = {1, 2, 7, 14, 28, 56, 91, 182, 364};
	long span = a->last - a->first;
	int step = 728;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 8) {
			step = steps[i];
			break;
		}
	for (long d = a->first; d <= a->last; d += step) {
		char day[DAY_SIZE];
		double x = xpos(a, d);

		day_format(d, day);
		fprintf(f,
			"<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" "
			"y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%d\" "
			"font-size=\"10\" text-anchor=\"middle\">%s"
			"</text>\n",
			x, x, a->h - PAD + 10, a->h - PAD + 15, x,
			a->h - PAD + 27, day);
	}
}

static void mark(FILE *f, const struct axis *a, const char *day,
		 const char *label, const char *color, int row)
{
	long d = day_number(day);
	double x;

	if (d < a->first || d > a->last)
		return;
	x = xpos(a, d);
	fprintf(f,
		"<line class=\"cutoff\" x1=\"%.1f\" x2=\"%.1f\" y1=\"10\" "
		"y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
		x, x, a->h - PAD + 10, color);
	/* labels right of the line, or left of it near the right edge */
	/* one row of labels per mark, so that near ones do not overlap */
	fprintf(f,
		"<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\" "
		"text-anchor=\"%s\">",
		x > W - 2 * PAD ? x - 3 : x + 3, 22 + 13 * row, color,
		x > W - 2 * PAD ? "end" : "start");
	page_esc(f, label);
	fputs(" ", f);
	page_esc(f, day);
	fputs("</text>\n", f);
}

/* which: 0 legacy share, 1 amnesty share, 2 434 share, 3 legacy
 * clients, 4 clients the phase would newly break */
static double value(const struct gn_day *d, int which)
{
	long long v = which == 0   ? d->legacy
		      : which == 1 ? d->amnesty
		      : which == 2 ? d->s434
		      : which == 3 ? d->legacy_clients
				   : d->marginal_clients;

	if (which >= 3)
		return (double)v;
	return d->total ? 100.0 * (double)v / (double)d->total : 0;
}

static void series(FILE *f, const struct gonogo *g, const struct axis *a,
		   int which, const char *color, const char *name)
{
	fprintf(f,
		"<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" "
		"stroke-width=\"2\" points=\"",
		name, color);
	for (int i = 0; i < g->ndays; i++)
		if (g->days[i].dnum <= a->last)
			fprintf(f, "%.1f,%.1f ", xpos(a, g->days[i].dnum),
				ypos(a, value(&g->days[i], which)));
	fputs("\"/>\n", f);
}

static void frame(FILE *f, const struct gonogo *g, const struct axis *a,
		  const char *id, const char *unit)
{
	double x0 = xpos(a, day_number(g->from)),
	       x1 = xpos(a, day_number(g->to));

	fprintf(f,
		"<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" role=\"img\">\n"
		"<rect id=\"window-%s\" x=\"%.1f\" y=\"10\" width=\"%.1f\" "
		"height=\"%d\" fill=\"#f4ecf7\"/>\n",
		id, W, a->h, id, x0 < PAD ? PAD : x0,
		x1 - (x0 < PAD ? PAD : x0), a->h - PAD);
	for (int p = 0; p <= 4; p++) {
		double v = a->ymax * p / 4;
		double y = ypos(a, v);

		fprintf(f,
			"<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/><text x=\"4\" y=\"%.1f\" "
			"font-size=\"11\">%.0f%s</text>\n",
			PAD, W - PAD, y, y, y + 4, v, unit);
	}
	ticks(f, a);
	for (int i = 0; i < g->nmarks; i++)
		mark(f, a, g->marks[i].day, g->marks[i].name, "#7d3c98",
		     i + 1);
	mark(f, a, g->to, "as of", "#555", 0);
}

void page_chart_shares(FILE *f, const struct gonogo *g)
{
	struct axis a;

	if (!g->ndays)
		return;
	a = axis_of(g, 300, 100);
	frame(f, g, &a, "chart", "%");
	series(f, g, &a, 0, "#c0392b", "legacy");
	series(f, g, &a, 1, "#2471a3", "amnesty");
	series(f, g, &a, 2, "#e67e22", "refused434");
	fputs("</svg>\n<p class=\"legend\"><span style=\"color:#c0392b\">"
	      "&#9632; legacy share</span> &nbsp; <span style=\"color:"
	      "#2471a3\">&#9632; amnesty share</span> &nbsp; <span style="
	      "\"color:#e67e22\">&#9632; refused (434) share</span> (of all "
	      "requests, per UTC day); dashed: planned cutoffs and the "
	      "as-of day; shaded: the verdict's window</p>\n",
	      f);
}

void page_chart_clients(FILE *f, const struct gonogo *g)
{
	struct axis a;
	double top = 1;

	if (!g->ndays)
		return;
	for (int i = 0; i < g->ndays; i++)
		if (g->days[i].legacy_clients > top)
			top = g->days[i].legacy_clients;
	a = axis_of(g, 220,
		    4 * (double)(long)((top + 3) / 4)); /* whole ticks */
	frame(f, g, &a, "clients-chart", "");
	series(f, g, &a, 3, "#c0392b", "legacy-clients");
	series(f, g, &a, 4, "#117a65", "breaking-clients");
	fputs("</svg>\n<p class=\"legend\"><span style=\"color:#c0392b\">"
	      "&#9632; clients with a legacy request</span> &nbsp; <span "
	      "style=\"color:#117a65\">&#9632; clients the phase would "
	      "newly break</span> (per UTC day)</p>\n",
	      f);
}
