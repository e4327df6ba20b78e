/* test_gonogo.c: gonogo's calendar days and the page's text helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gonogo.h"
#include "harness.h"
#include "parse.h"
#include "rules.h"

void test_gonogo(void);

static void days(void)
{
	int bad = 0;
	char day[11];

	STR_EQ((gn_day_text(0, day), day), "1970-01-01", "epoch");
	INT_EQ(gn_dnum("2026-10-30"), 20756, "a day number");
	INT_EQ(gn_dnum("2100-01-01") - gn_dnum("2099-12-31"), 1, "new year");
	OK(gn_dnum("2026-10-3") == gn_dnum("x"), "malformed");
	/* every day from 1900 to 2200 and back */
	for (long d = -25567; d < 84000 && !bad; d++) {
		long back;

		gn_day_text(d, day);
		back = gn_dnum(day);
		bad = back != d;
	}
	OK(!bad, "day text round trip");
	INT_EQ(gn_dnum("2028-02-29") + 1, gn_dnum("2028-03-01"), "leap");
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

void test_gonogo(void)
{
	days();
	text();
	phase_days();
}
