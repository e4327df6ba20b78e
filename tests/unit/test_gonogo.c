/* test_gonogo.c: gonogo's calendar days and the page's text helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gonogo_int.h"
#include "harness.h"
#include "page_int.h"
#include "parse.h"
#include "rules.h"

void test_gonogo(void);

static void days(void)
{
	int bad = 0;
	char day[11];

	STR_EQ((day_format(0, day), day), "1970-01-01", "epoch");
	INT_EQ(day_number("2026-10-30"), 20756, "a day number");
	INT_EQ(day_number("2100-01-01") - day_number("2099-12-31"), 1,
	       "new year");
	OK(day_number("2026-10-3") == day_number("x"), "malformed");
	/* every day from 1900 to 2200 and back */
	for (long d = -25567; d < 84000 && !bad; d++) {
		long back;

		day_format(d, day);
		back = day_number(day);
		bad = back != d;
	}
	OK(!bad, "day text round trip");
	INT_EQ(day_number("2028-02-29") + 1, day_number("2028-03-01"), "leap");
}

static char *render(void (*fn)(FILE *, const void *), const void *arg)
{
	static char out[256];
	FILE *f = tmpfile();
	size_t n;

	fn(f, arg);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	fclose(f);
	return out;
}

static void num_fn(FILE *f, const void *v)
{
	page_num(f, *(const long long *)v);
}

static void esc_fn(FILE *f, const void *s)
{
	page_esc(f, s);
}

static void text(void)
{
	long long v[] = {0, 999, 1000, 1234567, -45678};

	STR_EQ(render(num_fn, &v[0]), "0", "0");
	STR_EQ(render(num_fn, &v[1]), "999", "999");
	STR_EQ(render(num_fn, &v[2]), "1,000", "1,000");
	STR_EQ(render(num_fn, &v[3]), "1,234,567", "1,234,567");
	STR_EQ(render(num_fn, &v[4]), "-45,678", "negative");
	STR_EQ(render(esc_fn, "<a href='x'>&\"</a>"),
	       "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;", "markup");
	STR_EQ(render(esc_fn, "caf\xc3\xa9 \xe2\x82\xac"),
	       "caf\xc3\xa9 \xe2\x82\xac", "UTF-8 kept");
	STR_EQ(render(esc_fn, "a\xff\x01z\xc3"), "a&#xfffd;&#xfffd;z&#xfffd;",
	       "stray bytes and controls");
}

static void phase_days(void)
{
	static const char *const ok[] = {"2026-02-28", "2028-02-29",
					 "2026-12-31"};
	static const char *const bad[] = {"2026-13-45", "2026-02-29",
					  "2026-04-31", "2026-00-10",
					  "2026-1-105"};
	char path[] = "/tmp/keyaudit-test-XXXXXX";
	char err[512];

	for (size_t i = 0; i < 8; i++) {
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");
		const char *day = i < 3 ? ok[i] : bad[i - 3];
		struct ruleset *rs;

		fprintf(f,
			"class k legacy\nrule k remote_user .\n"
			"phase p refuse k on %s\n",
			day);
		fclose(f);
		rs = rules_load(path, err, sizeof(err));
		OK((rs != NULL) == (i < 3), day);
		if (i < 3 && rs)
			STR_EQ(rules_phase_date(rs, 0), day, "phase day");
		rules_free(rs);
		unlink(path);
		strcpy(path, "/tmp/keyaudit-test-XXXXXX");
	}
}

/* After a steep migration the line is drawn through today's figures
 * (the headline's), and its days are never before the as-of day. */
static void forecast(void)
{
	struct gonogo g;
	struct gn_day d[28];
	long asof = day_number("2026-07-10");

	memset(&g, 0, sizeof(g));
	g.o.max_share = 0.1;
	snprintf(g.to, sizeof(g.to), "2026-07-10");
	for (int i = 0; i < 28; i++) {
		int steep = i < 20;

		memset(&d[i], 0, sizeof(d[i]));
		d[i].dnum = asof - 27 + i;
		d[i].total = 1000;
		d[i].marginal = steep ? 600 - 30 * i : 20;
		d[i].marginal_clients = steep ? 40 - 2 * i : 3;
	}
	g.days = d;
	g.ndays = 28;
	g.share = 2.0; /* the headline: 20 of 1000 */
	g.nactive = 3;
	gn_forecast(&g);
	OK(g.fc.share_now == 2.0, "forecast: today's share is the headline's");
	OK(g.fc.clients_now == 3.0,
	   "forecast: today's clients, the headline's");
	OK(g.fc.share_now >= 0 && g.fc.clients_now >= 0, "forecast: bounded");
	OK(!g.fc.share_day[0] || day_number(g.fc.share_day) >= asof,
	   "forecast: no day before the as-of day");
	OK(!g.fc.clients_day[0] || day_number(g.fc.clients_day) >= asof,
	   "forecast: no clients' day before the as-of day");
}

/* A dormant client's next expected use is never before the as-of day. */
static void dormant_next(void)
{
	struct gonogo g;
	struct gn_client c;
	int used[] = {0, 2, 4}; /* every 2 days, the last on 2026-06-05 */
	char name[] = "sleeper";
	long last = day_number("2026-06-05");

	memset(&g, 0, sizeof(g));
	memset(&c, 0, sizeof(c));
	snprintf(g.to, sizeof(g.to), "2026-07-10");
	for (int i = 0; i < 3; i++)
		used[i] += (int)last - 4;
	c.client = name;
	c.state = CLIENT_DORMANT;
	c.look = 3;
	c.look_last = (int64_t)last * 86400 + 3600;
	c.days = used;
	c.ndays = 3;
	gn_dormant_add(&g, &c);
	INT_EQ(g.ndormant, 1, "dormant: counted");
	STR_EQ(g.dormant[0].last, "2026-06-05", "dormant: last use");
	INT_EQ(g.dormant[0].period, 2, "dormant: period");
	STR_EQ(g.dormant[0].next, "2026-07-11", "dormant: next after as-of");
	free(g.dormant[0].client);
}

void test_gonogo(void)
{
	days();
	text();
	phase_days();
	forecast();
	dormant_next();
}
