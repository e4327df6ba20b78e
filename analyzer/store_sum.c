/* store_sum.c: the arithmetic between the detail (rows per file) and
 * the rollups (rows per day and key): one file's detail copied, added
 * into the rollups or taken out of them, deleted; the detail not yet in
 * the rollups added.  Statements and tables' text come from store.c. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* " AND <alias>day >= 'since'" when since is a day, else "". */
static const char *day_from(const char *alias, const char *since, char *buf,
			    size_t cap)
{
	if (!since || !since[0])
		return "";
	snprintf(buf, cap, " AND %sday >= '%.10s'", alias, since);
	return buf;
}

int store_detail_remove(struct store *st, int64_t file_id, const char *since,
			char *err, size_t errlen)
{
	char sql[256];
	char from[48];

	for (int k = 0; k < KIND_N; k++) {
		snprintf(sql, sizeof(sql),
			 "DELETE FROM main.file_%s WHERE file_id = ?1%s",
			 store_tables[k].name,
			 day_from("", since, from, sizeof(from)));
		if (store_exec2(st, sql, file_id, 0, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int store_detail_add(struct store *st, const char *src, int64_t from,
		     int64_t to, const char *since, char *err, size_t errlen)
{
	char sql[SQL_MAX];
	char after[48];

	for (int k = 0; k < store_kinds(st, src); k++) {
		const struct store_table *t = &store_tables[k];
		const char *vals = store_vals(t);

		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO main.file_%s(file_id, part, %s, %s) SELECT"
		    " ?2, part, %s, %s FROM %s.file_%s WHERE file_id ="
		    " ?1%s%s",
		    t->name, t->keys, vals, t->keys, vals, src, t->name,
		    day_from("", since, after, sizeof(after)),
		    store_merge_tail(t));
		if (store_exec2(st, sql, from, to, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* The sums of one key's rows (store_sums()), into buf negated when
 * sign < 0: each sum(x) becomes -sum(x); the times' min and max stay. */
static const char *sums(const struct store_table *t, int sign, char *buf,
			size_t cap)
{
	const char *p = store_sums(t);
	size_t at = 0;

	if (sign >= 0)
		return p;
	for (; *p && at + 2 < cap; p++) {
		if (strncmp(p, "sum(", 4) == 0)
			buf[at++] = '-';
		buf[at++] = *p;
	}
	buf[at] = '\0';
	return buf;
}

/* Add into main's rollup of t the sums of src's detail rows matching
 * where (alias d, ?1 = file_id), negated when sign < 0. */
static int add_detail(struct store *st, const struct store_table *t,
		      const char *src, const char *where, int sign,
		      int64_t file_id, char *err, size_t errlen)
{
	char sql[SQL_MAX];
	char neg[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.rollup_%s(%s, %s) SELECT %s, %s FROM"
		 " %s.file_%s AS d WHERE %s GROUP BY %s%s",
		 t->name, t->keys, store_vals(t), t->keys,
		 sums(t, sign, neg, sizeof(neg)), src, t->name, where, t->keys,
		 store_merge_tail(t));
	return store_exec2(st, sql, file_id, 0, err, errlen);
}

int store_rollup_add(struct store *st, const char *src, const char *where,
		     char *err, size_t errlen)
{
	for (int k = 0; k < store_kinds(st, src); k++)
		if (add_detail(st, &store_tables[k], src, where, 1, 0, err,
			       errlen) < 0)
			return -1;
	return 0;
}

int store_roll(struct store *st, char *err, size_t errlen)
{
	if (store_rollup_add(st, "main", STORE_UNROLLED("main."), err,
			     errlen) < 0)
		return -1;
	return store_exec(st,
			  "UPDATE main.files SET rolled = lines WHERE"
			  " detail = 1 AND rolled < lines",
			  err, errlen);
}

/* Delete main's rollup rows of t left with nothing by a subtraction of
 * file_id's detail. */
static int drop_empty(struct store *st, const struct store_table *t,
		      int64_t file_id, const char *since, char *err,
		      size_t errlen)
{
	char sql[SQL_MAX];
	char from[48];

	snprintf(sql, sizeof(sql),
		 "DELETE FROM main.rollup_%s WHERE n <= 0 AND (%s) IN"
		 " (SELECT %s FROM main.file_%s WHERE file_id = ?1%s)",
		 t->name, t->keys, t->keys, t->name,
		 day_from("", since, from, sizeof(from)));
	return store_exec2(st, sql, file_id, 0, err, errlen);
}

int store_detail_sum(struct store *st, const char *src, int64_t file_id,
		     int sign, const char *since, char *err, size_t errlen)
{
	char where[96];
	char from[48];

	snprintf(where, sizeof(where), "d.file_id = ?1%s",
		 day_from("d.", since, from, sizeof(from)));
	for (int k = 0; k < store_kinds(st, src); k++) {
		const struct store_table *t = &store_tables[k];

		if (add_detail(st, t, src, where, sign, file_id, err, errlen) <
			0 ||
		    (sign < 0 &&
		     drop_empty(st, t, file_id, since, err, errlen) < 0))
			return -1;
	}
	return 0;
}
