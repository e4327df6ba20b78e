/* test_store.c: what the store says of the days its counts cover. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "store.h"

void test_store(void);

static int none(void *ctx, int ncols, const char *const *cols,
		const char *const *names)
{
	(void)ctx;
	(void)ncols;
	(void)cols;
	(void)names;
	return 0;
}

static void add_day(struct store *st, const char *day)
{
	char err[256];
	const char *p[1] = {day};

	OK(store_each(
	       st,
	       "INSERT INTO rollup_counts VALUES(?1, 'c', 'pat', 0, 200,"
	       " 1, 0, 0)",
	       p, 1, none, NULL, err, sizeof(err)) == 0,
	   "a row of a day");
}

void test_store(void)
{
	char dir[] = "/tmp/keyaudit-unit-XXXXXX";
	char path[64];
	char err[256];
	struct store_cover c;
	struct store *st;
	const char *days[] = {"2026-11-01", "2026-11-02", "2026-11-05",
			      "2026-11-06", "2026-11-09"};

	if (!mkdtemp(dir)) {
		OK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/u.db", dir);
	st = store_open(path, STORE_WRITE, err, sizeof(err));
	OK(st != NULL, "store_open");
	if (!st)
		return;
	OK(store_cover(st, &c, err, sizeof(err)) == 0, "cover of nothing");
	STR_EQ(c.first, "", "no first day");
	INT_EQ(c.ngaps, 0, "no gap");
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		add_day(st, days[i]);
	OK(store_cover(st, &c, err, sizeof(err)) == 0, "store_cover");
	STR_EQ(c.first, "2026-11-01", "first day");
	STR_EQ(c.last, "2026-11-09", "last day");
	STR_EQ(c.kept, "", "nothing pruned");
	INT_EQ(c.ngaps, 2, "two gaps");
	STR_EQ(c.gap[0].from, "2026-11-03", "first gap from");
	STR_EQ(c.gap[0].to, "2026-11-04", "first gap to");
	STR_EQ(c.gap[1].from, "2026-11-07", "second gap from");
	STR_EQ(c.gap[1].to, "2026-11-08", "second gap to");
	store_close(st);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	OK(system(path) == 0, "clean up");
}
