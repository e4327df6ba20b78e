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
