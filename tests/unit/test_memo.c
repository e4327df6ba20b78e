/* test_memo.c: the bounded cache behind the verdict and agent memos. */
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "harness.h"
#include "memo.h"

void test_memo(void);

static const void *get(struct memo *m, const char *key, size_t *vlen)
{
	return memo_get(m, key, strlen(key), buf_hash(key, strlen(key)), vlen);
}

static void put(struct memo *m, const char *key, const char *val)
{
	memo_put(m, key, strlen(key), buf_hash(key, strlen(key)), val,
		 strlen(val) + 1);
}

void test_memo(void)
{
	struct memo *m = memo_new(64, 96);
	char key[32];
	char val[32];
	char big[100];
	size_t vlen = 0;
	const char *v;
	int kept = 0;
	int right = 0;

	OK(get(m, "absent", &vlen) == NULL, "empty memo: a miss");
	put(m, "a", "alpha");
	v = get(m, "a", &vlen);
	STR_EQ(v, "alpha", "a hit returns the value");
	INT_EQ(vlen, 6, "and its length");
	OK(((uintptr_t)v & 7) == 0, "values are aligned");
	OK(get(m, "b", &vlen) == NULL, "another key misses");

	/* far more keys than slots: the memo stays bounded, and whatever
	 * it still has is right */
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		put(m, key, val);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		v = get(m, key, &vlen);
		kept += v != NULL;
		right += v != NULL && strcmp(v, val) == 0;
	}
	OK(kept <= 64, "no more entries than slots");
	OK(kept >= 32, "recent entries are kept");
	INT_EQ(right, kept, "every kept value is its key's");
	snprintf(key, sizeof(key), "key%d", 999);
	OK(get(m, key, &vlen) != NULL, "the newest entry is there");

	/* a key and value too long together are not kept */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(m, big, "v");
	OK(get(m, big, &vlen) == NULL, "an oversized entry is not kept");
	memo_put(m, "", 0, buf_hash("", 0), "v", 2);
	OK(memo_get(m, "", 0, buf_hash("", 0), &vlen) == NULL,
	   "an empty key is not kept");
	memo_free(m);
	memo_free(NULL);
}

void test_memo_tuples(void);

/* Keys of several parts, hashed and compared where they are. */
static void tuple_keys(void)
{
	struct memo *m = memo_new_arena(64, 4096, 256);
	struct span ab[1] = {{"ab", 2}};
	struct span a_b[2] = {{"a", 1}, {"b", 1}};
	struct span b_a[2] = {{"b", 1}, {"a", 1}};
	struct span empty[3] = {{"", 0}, {"", 0}, {"", 0}};
	char copy[2] = {'a', 'b'};
	struct span a_b2[2] = {{copy, 1}, {copy + 1, 1}};
	size_t vlen = 0;
	const char *v;

	OK(memo_hash(ab, 1) != memo_hash(a_b, 2),
	   "(ab) and (a, b) hash apart");
	OK(memo_hash(a_b, 2) != memo_hash(b_a, 2), "the parts' order counts");
	INT_EQ(memo_hash(a_b, 2), memo_hash(a_b2, 2),
	       "the hash is of the bytes, wherever they are");
	memo_keep(m, ab, 1, memo_hash(ab, 1), "one", 4);
	memo_keep(m, a_b, 2, memo_hash(a_b, 2), "two", 4);
	STR_EQ(memo_find(m, ab, 1, memo_hash(ab, 1), &vlen), "one",
	       "(ab) is found");
	STR_EQ(memo_find(m, a_b2, 2, memo_hash(a_b2, 2), &vlen), "two",
	       "(a, b) is found from other copies of its parts");
	OK(memo_find(m, b_a, 2, memo_hash(b_a, 2), &vlen) == NULL,
	   "(b, a) is not (a, b)");
	/* two keys under one hash (the caller gives it) stay apart */
	memo_keep(m, ab, 1, 42, "ab42", 5);
	memo_keep(m, a_b, 2, 42, "a_b42", 6);
	STR_EQ(memo_find(m, ab, 1, 42, &vlen), "ab42",
	       "a key is told from another of the same hash");
	STR_EQ(memo_find(m, a_b, 2, 42, &vlen), "a_b42",
	       "and the other from it");
	memo_keep(m, empty, 3, memo_hash(empty, 3), "none", 5);
	v = memo_find(m, empty, 3, memo_hash(empty, 3), &vlen);
	STR_EQ(v, "none", "a key of several empty parts is kept");
	OK(((uintptr_t)v & 7) == 0, "values are aligned to 8 bytes");
	memo_keep(m, ab, 1, memo_hash(ab, 1), "uno", 4);
	STR_EQ(memo_find(m, ab, 1, memo_hash(ab, 1), &vlen), "uno",
	       "a key kept again has its newer value");
	memo_free(m);
}

static const char *find_i(struct memo *m, int i, size_t *vlen)
{
	char key[32];
	struct span k = {key, (size_t)snprintf(key, sizeof(key), "key%d", i)};

	return memo_find(m, &k, 1, memo_hash(&k, 1), vlen);
}

static void keep_i(struct memo *m, int i)
{
	char key[32];
	char val[32];
	struct span k = {key, (size_t)snprintf(key, sizeof(key), "key%d", i)};

	snprintf(val, sizeof(val), "val%d", i);
	memo_keep(m, &k, 1, memo_hash(&k, 1), val, strlen(val) + 1);
}

/* Entries take what they hold, not a fixed slot's size: an arena of
 * 64 KiB holds over a thousand small entries though one may be 4 KiB;
 * and when it is full the oldest go, but what is used stays. */
static void arena_bounds(void)
{
	struct memo *m = memo_new_arena(4096, 64 * 1024, 4096);
	char val[32];
	size_t vlen = 0;
	const char *v;
	int kept = 0;
	int right = 0;
	int hot = 1;

	for (int i = 0; i < 1200; i++)
		keep_i(m, i);
	for (int i = 0; i < 1200; i++) {
		snprintf(val, sizeof(val), "val%d", i);
		v = find_i(m, i, &vlen);
		kept += v != NULL;
		right += v != NULL && strcmp(v, val) == 0;
	}
	INT_EQ(kept, 1200, "1200 small entries fit in 64 KiB");
	INT_EQ(right, 1200, "each with its value");
	for (int i = 1200; i < 50000; i++) {
		keep_i(m, i);
		if (i % 100 == 0)
			hot &= find_i(m, 7, &vlen) != NULL;
	}
	OK(hot, "an entry found again and again outlives the ring");
	kept = right = 0;
	for (int i = 1200; i < 50000; i++) {
		snprintf(val, sizeof(val), "val%d", i);
		v = find_i(m, i, &vlen);
		kept += v != NULL;
		right += v != NULL && strcmp(v, val) == 0;
	}
	INT_EQ(right, kept, "every kept value is its key's");
	OK(kept < 64 * 1024 / 40, "no more entries than the arena holds");
	OK(kept > 500, "the newest entries are kept");
	OK(find_i(m, 49999, &vlen) != NULL, "the newest entry is there");
	OK(find_i(m, 1300, &vlen) == NULL, "an old entry is forgotten");
	memo_free(m);
}

void test_memo_tuples(void)
{
	tuple_keys();
	arena_bounds();
}
