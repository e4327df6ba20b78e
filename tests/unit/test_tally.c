/* test_tally.c: the in-memory counter table. */
#include "harness.h"
#include "tally.h"

void test_tally(void);

static int sum(void *ctx, const struct tally_entry *e)
{
	*(long long *)ctx += (long long)e->n;
	return 0;
}

static int byte_order(const void *a, const void *b)
{
	const struct tally_entry *x = *(const struct tally_entry *const *)a;
	const struct tally_entry *y = *(const struct tally_entry *const *)b;

	return (unsigned char)x->key[0] - (unsigned char)y->key[0];
}

struct seen {
	int last;
	int sorted;
	int n;
};

static int check_order(void *ctx, const struct tally_entry *e)
{
	struct seen *s = ctx;

	s->sorted &= (unsigned char)e->key[0] > s->last;
	s->last = (unsigned char)e->key[0];
	s->n++;
	return 0;
}

static void sorted(void)
{
	struct tally *t = tally_new();
	struct seen s = {-1, 1, 0};

	for (int i = 0; i < 2000; i++) {
		char k = (char)(i * 37 % 251);

		tally_add_hashed(t, &k, 1, (uint64_t)(i % 251) * 7919, 1, i);
	}
	tally_each_sorted(t, byte_order, check_order, &s);
	INT_EQ(s.n, 251, "each key once");
	OK(s.sorted, "in the comparator's order");
	tally_free(t);
}

void test_tally(void)
{
	struct tally *t = tally_new();
	long long total = 0;
	char key[32];

	/* enough keys to make the table grow several times */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "k%d", i % 5000);

		tally_add(t, key, (size_t)n, 1, 1000 - i % 7);
	}
	INT_EQ(tally_size(t), 5000, "distinct keys");
	tally_each(t, sum, &total);
	INT_EQ(total, 100000, "every add counted");
	tally_add(t, "k1", 2, 0, 5);
	tally_add(t, "k1", 2, 0, 5000);
	total = 0;
	tally_clear(t);
	INT_EQ(tally_size(t), 0, "cleared");
	tally_add(t, "x", 1, 2, 7);
	tally_each(t, sum, &total);
	INT_EQ(total, 2, "usable after clear");
	tally_free(t);
	sorted();
}
