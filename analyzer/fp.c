/* fp.c: keyed BLAKE2b fingerprints through libsodium. */
#include "fp.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fp_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int fp_key_parse(struct fpkey *key, const char *text, size_t len)
{
	size_t i = 0;
	size_t n = 0;

	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	for (; n < FP_KEYBYTES; n++, i += 2) {
		int hi;
		int lo;

		if (i + 2 > len)
			return -1;
		hi = buf_hexval((unsigned char)text[i]);
		lo = buf_hexval((unsigned char)text[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key->k[n] = (unsigned char)(hi << 4 | lo);
	}
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	return i == len ? 0 : -1;
}

/* Is the open key file fd safe, as ssh checks its keys: a regular file
 * owned by this user or root, that nobody else may read or write?
 * Return 0, or -1 with err saying what to fix. */
static int key_file_safe(int fd, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: cannot read key file: %s", path,
			 strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: key file is not a regular file",
			 path);
		return -1;
	}
	if (sb.st_uid != geteuid() && sb.st_uid != 0) {
		snprintf(
		    err, errlen,
		    "%s: key file is owned by uid %u, not by you (uid %u) "
		    "or root: its owner chose the key; use a key file of "
		    "your own",
		    path, (unsigned)sb.st_uid, (unsigned)geteuid());
		return -1;
	}
	if (sb.st_mode & 077) {
		snprintf(err, errlen,
			 "%s: key file may be read or written by others (mode "
			 "%04o): whoever reads it can check guessed "
			 "credentials against fingerprints; chmod 600 %s",
			 path, (unsigned)(sb.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

static int read_key_file(struct fpkey *key, const char *path, char *err,
			 size_t errlen)
{
	char text[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read key file: %s", path,
			 strerror(errno));
		return -1;
	}
	if (key_file_safe(fd, path, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0 || fp_key_parse(key, text, (size_t)n) < 0) {
		snprintf(err, errlen, "%s: not a key file (64 hex digits)",
			 path);
		return -1;
	}
	return 0;
}

/* May a key be made at path: is its directory one that nobody else may
 * write, or a sticky one (where O_EXCL makes the file ours)?  Return 0,
 * or -1 with err set. */
static int key_dir_safe(const char *path, char *err, size_t errlen)
{
	char *copy = xstrdup(path);
	struct stat sb;
	int rc = stat(dirname(copy), &sb);

	if (rc == 0 && (sb.st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(sb.st_mode & S_ISVTX)) {
		snprintf(err, errlen,
			 "%s: will not make a key file in %s: others may "
			 "write there, and replace it; give --key-file or "
			 "KEYAUDIT_KEY, or put the database in a directory of "
			 "your own",
			 path, copy);
		rc = -1;
	} else {
		rc = 0;
	}
	free(copy);
	return rc;
}

static int create_key_file(struct fpkey *key, const char *path, char *err,
			   size_t errlen)
{
	char hex[FP_KEYBYTES * 2 + 2];
	int fd;
	ssize_t w;

	randombytes_buf(key->k, sizeof(key->k));
	sodium_bin2hex(hex, sizeof(hex), key->k, sizeof(key->k));
	strcat(hex, "\n");
	/* O_EXCL: two runs creating the key at once must not overwrite each
	 * other; the loser reads the winner's key. */
	if (key_dir_safe(path, err, errlen) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 && errno == EEXIST)
		return read_key_file(key, path, err, errlen);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create key file: %s", path,
			 strerror(errno));
		return -1;
	}
	w = write(fd, hex, strlen(hex));
	if (w != (ssize_t)strlen(hex) || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: cannot write key file: %s", path,
			 strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

int fp_key_load(struct fpkey *key, const char *key_file, const char *db_path,
		char *err, size_t errlen)
{
	const char *env;
	char path[4096];

	if (key_file)
		return read_key_file(key, key_file, err, errlen);
	env = getenv("KEYAUDIT_KEY");
	if (env && *env) {
		if (fp_key_parse(key, env, strlen(env)) == 0)
			return 0;
		snprintf(err, errlen, "KEYAUDIT_KEY is not 64 hex digits");
		return -1;
	}
	env = getenv("KEYAUDIT_KEY_FILE");
	if (env && *env)
		return read_key_file(key, env, err, errlen);
	if ((size_t)snprintf(path, sizeof(path), "%s.key", db_path) >=
	    sizeof(path)) {
		snprintf(err, errlen, "database path too long");
		return -1;
	}
	if (access(path, F_OK) == 0)
		return read_key_file(key, path, err, errlen);
	return create_key_file(key, path, err, errlen);
}

void fp_hex(const struct fpkey *key, const void *data, size_t len,
	    char out[FP_HEXLEN + 1])
{
	/* 16 bytes is BLAKE2b's shortest output in libsodium; the first 8
	 * (64 bits) are kept. */
	unsigned char h[crypto_generichash_BYTES_MIN];

	crypto_generichash(h, sizeof(h), data, len, key->k, sizeof(key->k));
	sodium_bin2hex(out, FP_HEXLEN + 1, h, FP_HEXLEN / 2);
}

void fp_key_id(const struct fpkey *key, char out[FP_HEXLEN + 1])
{
	static const char probe[] = "keyaudit key id v1";

	fp_hex(key, probe, sizeof(probe) - 1, out);
}

#define CACHE_SLOTS  4096 /* direct-mapped: a slot per hash value */
#define CACHE_KEYMAX 160  /* longer credentials are not cached */

struct fpslot {
	size_t len; /* 0: empty */
	unsigned char data[CACHE_KEYMAX];
	char hex[FP_HEXLEN + 1];
};

struct fpcache {
	struct fpkey key;
	struct fpslot slot[CACHE_SLOTS];
};

struct fpcache *fpcache_new(const struct fpkey *key)
{
	struct fpcache *c = xcalloc(1, sizeof(*c));

	c->key = *key;
	return c;
}

void fpcache_free(struct fpcache *c)
{
	if (!c)
		return;
	sodium_memzero(c, sizeof(*c));
	free(c);
}

void fpcache_hex(struct fpcache *c, const void *data, size_t len,
		 char out[FP_HEXLEN + 1])
{
	struct fpslot *s;

	if (len == 0 || len > CACHE_KEYMAX) {
		fp_hex(&c->key, data, len, out);
		return;
	}
	s = &c->slot[buf_hash(data, len) & (CACHE_SLOTS - 1)];
	if (s->len != len || memcmp(s->data, data, len) != 0) {
		s->len = len;
		memcpy(s->data, data, len);
		fp_hex(&c->key, data, len, s->hex);
	}
	memcpy(out, s->hex, FP_HEXLEN + 1);
}
