/* test_ftab.c: the tables a batch counts in. */
#include <stdio.h>
#include <string.h>

#include "ftab.h"
#include "harness.h"

void test_ftab(void);

struct ent {
	uint64_t k[2]; /* the key */
	uint64_t n;
};

/* Keys whose hashes share their upper half (the tag) and place by 50s, so
 * that a lookup must compare keys; the table grows many times. */
static void fixed(void)
{
	struct ftab *t = ftab_new(sizeof(struct ent), 16);
	struct ent *first = NULL;
	int fresh;
	int all_fresh = 1;
	int again_old = 1;
	int ordered = 1;

	for (uint64_t i = 0; i < 50000; i++) {
		struct ent key = {{i, i * 3}, 0};
		struct ent *e =
		    ftab_get(t, &key, (i % 1000) << 32 | 7, &fresh);

		all_fresh &= fresh && e->n == 0;
		e->n = i + 1;
		if (i == 0)
			first = e;
	}
	INT_EQ((int)ftab_size(t), 50000, "one entry a key");
	OK(all_fresh, "new keys are added zeroed past the key");
	for (uint64_t i = 0; i < 50000; i += 7) {
		struct ent key = {{i, i * 3}, 0};
		struct ent *e =
		    ftab_get(t, &key, (i % 1000) << 32 | 7, &fresh);

		again_old &= !fresh && e->n == i + 1;
	}
	OK(again_old, "a key met again finds its entry");
	OK(first == ftab_at(t, 0) && first->n == 1, "entries never move");
	for (size_t i = 0; i < ftab_size(t); i++)
		ordered &= ((struct ent *)ftab_at(t, i))->k[0] == i;
	OK(ordered, "entries numbered in the order they came");
	{
		struct ent key = {{1, 4}, 0}; /* i = 1 with another half */

		ftab_get(t, &key, 1ull << 32 | 7, &fresh);
		OK(fresh,
		   "a key that differs past its first half is not found");
	}
	OK(ftab_bytes(t) >= 50000 * sizeof(struct ent), "bytes held");
	ftab_free(t);
}

static void strings(void)
{
	struct strtab *s = strtab_new();
	char buf[32];
	uint32_t a = strtab_id(s, "alpha", 5, 42);
	uint32_t b = strtab_id(s, "beta", 4, 42); /* the same hash */
	uint32_t e = strtab_id(s, "", 0, 9);
	size_t len;
	const char *p;
	int same = 1;

	OK(a && b && e && a != b && a != e && b != e, "numbers from 1");
	INT_EQ((int)strtab_id(s, "alpha", 5, 42), (int)a, "same bytes");
	INT_EQ((int)strtab_id(s, "alph", 4, 42), 4, "a prefix is another");
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), "client-%d", i);

		strtab_id(s, buf, (size_t)n,
			  (uint64_t)i * 0x9e3779b97f4a7c15ULL);
	}
	for (int i = 0; i < 20000; i += 13) {
		int n = snprintf(buf, sizeof(buf), "client-%d", i);
		uint32_t id = strtab_id(s, buf, (size_t)n,
					(uint64_t)i * 0x9e3779b97f4a7c15ULL);

		p = strtab_text(s, id, &len);
		same &= len == (size_t)n && memcmp(p, buf, len) == 0;
	}
	OK(same, "each number gives its string back");
	INT_EQ((int)strtab_size(s), 20004, "one number a string");
	p = strtab_text(s, b, &len);
	OK(len == 4 && memcmp(p, "beta", 4) == 0, "beta");
	strtab_text(s, e, &len);
	INT_EQ((int)len, 0, "the empty string");
	strtab_free(s);
}

/* A table whose first string is empty holds no text yet: the
 * sanitizer build checks that nothing is copied from or to NULL. */
static void empty_first(void)
{
	struct strtab *s = strtab_new();
	uint32_t e = strtab_id(s, "", 0, 5);
	size_t len = 1;

	INT_EQ((int)strtab_id(s, "", 0, 5), (int)e, "the empty string again");
	OK(strtab_id(s, "x", 1, 5) != e, "then another");
	strtab_text(s, e, &len);
	INT_EQ((int)len, 0, "its length");
	strtab_free(s);
}

void test_ftab(void)
{
	fixed();
	strings();
	empty_first();
}
