/* store_file.c: file identity: which known file a log is (by its first
 * bytes, never its name), whether a file on disk is unchanged since it
 * was read, and the ledger row written with each batch. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "store_int.h"

/* New file ids, shared by the connections of one process (--jobs). */
static pthread_mutex_t id_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t next_id;

/* marks[i]: 8 bytes of the keyed BLAKE2b of head[0..64 (i + 1)).  One
 * pass: the state is copied and finished at every step. */
static int make_marks(const struct fpkey *key, const char *head, size_t len,
		      uint64_t *marks)
{
	crypto_generichash_state s;
	int n = (int)(len / STORE_MARK_STEP);

	if (n > STORE_MARKS_MAX)
		n = STORE_MARKS_MAX;
	crypto_generichash_init(&s, key->k, sizeof(key->k), 8);
	for (int i = 0; i < n; i++) {
		crypto_generichash_state c;
		unsigned char out[8];

		crypto_generichash_update(
		    &s, (const unsigned char *)head + i * STORE_MARK_STEP,
		    STORE_MARK_STEP);
		c = s;
		crypto_generichash_final(&c, out, sizeof(out));
		memcpy(&marks[i], out, sizeof(out));
	}
	sodium_memzero(&s, sizeof(s));
	return n;
}

#define FILE_COLS                                                             \
	"SELECT f.id, f.bytes, f.lines, f.bad, f.detail, f.head_len, f.crc,"  \
	" f.format"

/* Fill fs from the first row of s (FILE_COLS).  Return 1 found, 0 not,
 * -1 error.  Finalizes s. */
static int load_row(struct store *st, sqlite3_stmt *s, struct file_state *fs,
		    char *err, size_t errlen)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		fs->id = sqlite3_column_int64(s, 0);
		fs->bytes = (uint64_t)sqlite3_column_int64(s, 1);
		fs->lines = (uint64_t)sqlite3_column_int64(s, 2);
		fs->bad = (uint64_t)sqlite3_column_int64(s, 3);
		fs->detail = sqlite3_column_int(s, 4);
		fs->has_crc = sqlite3_column_type(s, 6) != SQLITE_NULL;
		fs->crc = (uint32_t)sqlite3_column_int64(s, 6);
		snprintf(fs->read_as, sizeof(fs->read_as), "%s",
			 sqlite3_column_type(s, 7) == SQLITE_NULL
			     ? ""
			     : (const char *)sqlite3_column_text(s, 7));
		fs->known = 1;
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, "database error", err, errlen);
	}
	sqlite3_finalize(s);
	return rc;
}

static int find_exact(struct store *st, const struct file_state *q,
		      struct file_state *fs, char *err, size_t errlen)
{
	sqlite3_stmt *s =
	    store_prepare(st,
			  FILE_COLS " FROM files AS f WHERE head_fp = ?1 AND "
				    "head_len = ?2 ORDER BY id LIMIT 1",
			  err, errlen);

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, q->head_fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)q->head_len);
	return load_row(st, s, fs, err, errlen);
}

/* A known file with a shorter head of length n that this head starts
 * with (checked byte-exactly, through the fingerprint). */
static int grown_of(struct store *st, const struct fpkey *key,
		    const char *head, sqlite3_stmt *s, struct file_state *fs,
		    char *err, size_t errlen)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(s, 0);
		const unsigned char *fp = sqlite3_column_text(s, 1);
		char mine[FP_HEXLEN + 1];

		fp_hex(key, head, (size_t)n, mine);
		if (fp && strcmp((const char *)fp, mine) == 0) {
			sqlite3_stmt *one = store_prepare(
			    st, FILE_COLS " FROM files AS f WHERE id = ?1",
			    err, errlen);

			if (!one) {
				sqlite3_finalize(s);
				return -1;
			}
			sqlite3_bind_int64(one, 1, sqlite3_column_int64(s, 2));
			sqlite3_finalize(s);
			return load_row(st, one, fs, err, errlen);
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(st, "database error", err, errlen);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The longest known head that is a prefix of this one: found by its
 * last mark among ours, or among the few heads under one mark long. */
static int find_grown(struct store *st, const struct fpkey *key,
		      const char *head, const struct file_state *q,
		      struct file_state *fs, char *err, size_t errlen)
{
	for (int i = q->nmarks; i >= 1; i--) {
		sqlite3_stmt *s = store_prepare(
		    st,
		    "SELECT head_len, head_fp, id FROM files WHERE "
		    "last_mark = ?1 AND head_len < ?2 AND head_len >= ?3 "
		    "ORDER BY head_len DESC, id",
		    err, errlen);
		int rc;

		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, (int64_t)q->marks[i - 1]);
		sqlite3_bind_int64(s, 2, (int64_t)q->head_len);
		sqlite3_bind_int64(s, 3, (int64_t)i * STORE_MARK_STEP);
		rc = grown_of(st, key, head, s, fs, err, errlen);
		if (rc != 0)
			return rc;
	}
	sqlite3_stmt *s = store_prepare(
	    st,
	    "SELECT DISTINCT head_len, head_fp, id FROM files WHERE "
	    "head_len < 64 AND head_len < ?1 ORDER BY head_len DESC, id",
	    err, errlen);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)q->head_len);
	return grown_of(st, key, head, s, fs, err, errlen);
}

/* A known, longer file whose head starts like this whole head, at the
 * marks' resolution: this is a copy of it still being written (or a
 * gzip of it still being compressed). */
static int find_longer(struct store *st, const struct file_state *q,
		       struct file_state *fs, char *err, size_t errlen)
{
	sqlite3_stmt *s;

	if (q->nmarks == 0)
		return 0;
	s = store_prepare(st,
			  FILE_COLS " FROM file_marks AS m JOIN files AS f ON"
				    " f.id = m.file_id WHERE m.mark = ?1 AND"
				    " f.head_len > ?2 ORDER BY f.id LIMIT 1",
			  err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)q->marks[q->nmarks - 1]);
	sqlite3_bind_int64(s, 2, (int64_t)q->head_len);
	return load_row(st, s, fs, err, errlen);
}

static int new_id(struct store *st, struct file_state *fs, char *err,
		  size_t errlen)
{
	int64_t next;

	if (store_one_int(st, "SELECT coalesce(max(id), 0) + 1 FROM files",
			  &next, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&id_mu);
	fs->id = next < next_id ? next_id : next;
	next_id = fs->id + 1;
	pthread_mutex_unlock(&id_mu);
	fs->detail = 1;
	return 0;
}

int store_file_find(struct store *st, const struct fpkey *key,
		    const char *head, size_t len, struct file_state *fs,
		    char *err, size_t errlen)
{
	struct file_state q;
	int rc;

	memset(&q, 0, sizeof(q));
	if (store_wait_writer(st, err, errlen) < 0)
		return -1;
	fp_hex(key, head, len, q.head_fp);
	q.head_len = len;
	q.nmarks = make_marks(key, head, len, q.marks);
	*fs = q;
	rc = find_exact(st, &q, fs, err, errlen);
	if (rc == 0)
		rc = find_grown(st, key, head, &q, fs, err, errlen);
	if (rc == 0)
		rc = find_longer(st, &q, fs, err, errlen);
	if (rc < 0)
		return -1;
	return rc == 0 ? new_id(st, fs, err, errlen) : 0;
}

int store_disk_probe(const struct fpkey *key, const char *path,
		     struct store_disk *d)
{
	char buf[STORE_RAW_HEAD];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int saved;

	if (fd < 0)
		return -1;
	saved = fstat(fd, &sb) < 0 ? errno : S_ISREG(sb.st_mode) ? 0 : EINVAL;
	if (saved) {
		close(fd);
		errno = saved;
		return -1;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	d->dev = (int64_t)sb.st_dev;
	d->ino = (int64_t)sb.st_ino;
	d->size = (int64_t)sb.st_size;
	d->mtime_ns =
	    (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	fp_hex(key, buf, (size_t)n, d->raw_fp);
	return 0;
}

int store_file_unchanged(struct store *st, const struct store_disk *d,
			 char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st,
	    "SELECT count(*) FROM file_disks WHERE ino = ?1 AND dev = ?2"
	    " AND size = ?3 AND mtime_ns = ?4 AND raw_fp = ?5",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, d->ino);
	sqlite3_bind_int64(s, 2, d->dev);
	sqlite3_bind_int64(s, 3, d->size);
	sqlite3_bind_int64(s, 4, d->mtime_ns);
	sqlite3_bind_text(s, 5, d->raw_fp, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	rc = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) > 0
			      : store_fail(st, "database error", err, errlen);
	sqlite3_finalize(s);
	return rc;
}

int store_file_read_as(struct store *st, const struct store_disk *d,
		       int64_t *id, char *read_as, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st,
	    "SELECT f.id, f.format FROM file_disks AS d JOIN files AS f"
	    " ON f.id = d.file_id WHERE d.ino = ?1 AND d.dev = ?2",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, d->ino);
	sqlite3_bind_int64(s, 2, d->dev);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		snprintf(read_as, STORE_FORMAT_MAX, "%s",
			 sqlite3_column_type(s, 1) == SQLITE_NULL
			     ? ""
			     : (const char *)sqlite3_column_text(s, 1));
	}
	rc = rc == SQLITE_ROW ? 1
	     : rc == SQLITE_DONE
		 ? 0
		 : store_fail(st, "database error", err, errlen);
	sqlite3_finalize(s);
	return rc;
}

static const char file_upsert[] =
    "INSERT INTO files(id, head_fp, head_len, marks, last_mark, bytes,"
    " lines, bad, pending, gzip, state, first_ingested, last_ingested,"
    " first_day, last_day, detail, crc, format)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
    " ?13, ?14, ?15, ?16, ?17)"
    " ON CONFLICT(id) DO UPDATE SET"
    " head_fp = CASE WHEN excluded.head_len > head_len"
    "  THEN excluded.head_fp ELSE head_fp END,"
    " marks = CASE WHEN excluded.head_len > head_len"
    "  THEN excluded.marks ELSE marks END,"
    " last_mark = CASE WHEN excluded.head_len > head_len"
    "  THEN excluded.last_mark ELSE last_mark END,"
    " head_len = max(head_len, excluded.head_len),"
    " bytes = excluded.bytes, crc = excluded.crc, lines = excluded.lines,"
    " bad = excluded.bad, pending = excluded.pending,"
    " gzip = excluded.gzip, state = excluded.state,"
    " last_ingested = excluded.last_ingested,"
    " format = coalesce(excluded.format, format),"
    " first_day = coalesce(min(first_day, excluded.first_day),"
    "  first_day, excluded.first_day),"
    " last_day = coalesce(max(last_day, excluded.last_day),"
    "  last_day, excluded.last_day)";

/* The copy on disk fs was read from: known as read whole when it was
 * read to a clean end with no unfinished line, else forgotten. */
static int write_disk(struct store *st, const struct file_state *fs, char *err,
		      size_t errlen)
{
	int whole = fs->pending == 0 && (strcmp(fs->state, "complete") == 0 ||
					 strcmp(fs->state, "read") == 0);
	sqlite3_stmt *s;
	int rc;

	if (!fs->has_disk)
		return 0;
	s = store_prepare(st,
			  whole ? "INSERT OR REPLACE INTO file_disks VALUES("
				  "?1, ?2, ?3, ?4, ?5, ?6)"
				: "DELETE FROM file_disks WHERE ino = ?1 AND "
				  "dev = ?2",
			  err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, fs->disk.ino);
	sqlite3_bind_int64(s, 2, fs->disk.dev);
	if (whole) {
		sqlite3_bind_int64(s, 3, fs->disk.size);
		sqlite3_bind_int64(s, 4, fs->disk.mtime_ns);
		sqlite3_bind_text(s, 5, fs->disk.raw_fp, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 6, fs->id);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "cannot record file", err, errlen);
}

static void bind_file(sqlite3_stmt *s, const struct file_state *fs,
		      const char *now, const char *first, const char *last)
{
	sqlite3_bind_int64(s, 1, fs->id);
	sqlite3_bind_text(s, 2, fs->head_fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)fs->head_len);
	sqlite3_bind_blob(s, 4, fs->marks, fs->nmarks * 8, SQLITE_STATIC);
	if (fs->nmarks)
		sqlite3_bind_int64(s, 5, (int64_t)fs->marks[fs->nmarks - 1]);
	sqlite3_bind_int64(s, 6, (int64_t)fs->bytes);
	sqlite3_bind_int64(s, 7, (int64_t)fs->lines);
	sqlite3_bind_int64(s, 8, (int64_t)fs->bad);
	sqlite3_bind_int64(s, 9, (int64_t)fs->pending);
	sqlite3_bind_int(s, 10, fs->gzip);
	sqlite3_bind_text(s, 11, fs->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, now, -1, SQLITE_STATIC);
	if (first)
		sqlite3_bind_text(s, 13, first, -1, SQLITE_STATIC);
	if (last)
		sqlite3_bind_text(s, 14, last, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 15, fs->detail);
	if (fs->has_crc)
		sqlite3_bind_int64(s, 16, (int64_t)fs->crc);
	if (fs->format[0])
		sqlite3_bind_text(s, 17, fs->format, -1, SQLITE_STATIC);
}

/* Every mark of fs, for find_longer(). */
static int write_marks(struct store *st, const struct file_state *fs,
		       char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st, "INSERT OR IGNORE INTO file_marks VALUES(?1, ?2)", err,
	    errlen);
	int rc = SQLITE_DONE;

	if (!s)
		return -1;
	for (int i = 0; i < fs->nmarks && rc == SQLITE_DONE; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, (int64_t)fs->marks[i]);
		sqlite3_bind_int64(s, 2, fs->id);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "cannot record file", err, errlen);
}

int store_file_write(struct store *st, const struct file_state *fs,
		     const char *first_day, const char *last_day, char *err,
		     size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, file_upsert, err, errlen);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	if (!s)
		return -1;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	bind_file(s, fs, now, first_day, last_day);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "cannot record file", err, errlen);
	if (write_marks(st, fs, err, errlen) < 0 ||
	    write_disk(st, fs, err, errlen) < 0)
		return -1;
	s = store_prepare(st,
			  "INSERT OR IGNORE INTO file_names VALUES(?1, ?2)",
			  err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, fs->id);
	sqlite3_bind_text(s, 2, fs->name ? fs->name : "-", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "cannot record file", err, errlen);
}
