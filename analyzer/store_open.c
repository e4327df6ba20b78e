/* store_open.c: the top of the store: store_open() and store_close(),
 * which put the layers below together (the connection, the schema, the
 * batch writer), and store_merge(), which checks a shard on its own
 * before merging it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "store_int.h"

/* Upgrade an older database before reading it, when it may be written. */
static int upgrade_first(const char *path, char *err, size_t errlen)
{
	struct store *w;

	if (access(path, W_OK) != 0) {
		snprintf(err, errlen,
			 "%s: made by an older keyaudit and read-only here: "
			 "run 'keyaudit ingest' or 'merge' on it once where "
			 "it may be written, to upgrade it",
			 path);
		return -1;
	}
	w = store_open(path, STORE_WRITE, err, errlen);
	store_close(w);
	return w ? 0 : -1;
}

static int open_write(struct store *st, char *err, size_t errlen)
{
	if (store_connect_write(st, err, errlen) < 0 ||
	    store_schema_check(st, err, errlen) < 0 ||
	    store_connect_wal(st, err, errlen) < 0)
		return -1;
	return store_schema_write(st, err, errlen);
}

static int open_read(struct store *st, char *err, size_t errlen)
{
	int rc;

	if (store_connect_read(st, err, errlen) < 0)
		return -1;
	rc = store_schema_read(st, err, errlen);
	if (rc == 1) {
		if (upgrade_first(st->path, err, errlen) < 0)
			return -1;
		return open_read(st, err, errlen);
	}
	return rc;
}

struct store *store_open(const char *path, enum store_mode mode, char *err,
			 size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int rc;

	st->path = xstrdup(path);
	st->lockfd = -1;
	st->readonly = mode == STORE_READ;
	rc = mode == STORE_WRITE ? open_write(st, err, errlen)
				 : open_read(st, err, errlen);
	if (rc < 0) {
		store_close(st);
		return NULL;
	}
	store_read_first_day(st);
	for (int i = 0; i < 2; i++)
		store_batch_init(&st->batch[i]);
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->batch[0].tuples) {
		store_stop_writer(st);
		pthread_mutex_destroy(&st->mu);
		pthread_cond_destroy(&st->cv);
	}
	for (int i = 0; i < 2; i++)
		store_batch_free(&st->batch[i]);
	store_disconnect(st);
}

/* Open the shard once on its own: that checks its schema and upgrades
 * an older one. */
static int check_shard(const char *path, char *err, size_t errlen)
{
	struct store *s;

	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	s = store_open(path, STORE_READ, err, errlen);
	store_close(s);
	return s ? 0 : -1;
}

int store_merge(struct store *st, const char *path, char *err, size_t errlen)
{
	if (store_wait_writer(st, err, errlen) < 0)
		return -1;
	if (store_same_file(st, path)) {
		snprintf(err, errlen,
			 "%s: is this database itself (%s, the same file): a "
			 "database holds all of its own counts already; "
			 "nothing merged",
			 path, st->path);
		return -1;
	}
	if (check_shard(path, err, errlen) < 0)
		return -1;
	return store_merge_shard(st, path, err, errlen);
}
