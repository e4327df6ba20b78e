/* lookup.c: "is this customer affected?": where credentials were used. */
#include "lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "msg.h"
#include "outfile.h"
#include "paste.h"
#include "report.h"
#include "store.h"

static int key_given(const struct config *cfg)
{
	const char *k = getenv("KEYAUDIT_KEY");
	const char *f = getenv("KEYAUDIT_KEY_FILE");

	return cfg->key_file || (k && *k) || (f && *f);
}

static int key_id_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	(void)n;
	(void)names;
	snprintf(arg, FP_HEXLEN + 1, "%s", c[0] ? c[0] : "");
	return 0;
}

/* Refuse key when cfg->db exists and was made with another key. */
static int same_key(const struct config *cfg, const struct fpkey *key)
{
	char emsg[1024];
	char have[FP_HEXLEN + 1] = "";
	char mine[FP_HEXLEN + 1];
	struct store *st;

	if (access(cfg->db, F_OK) != 0)
		return EXIT_OK;
	st = store_open(cfg->db, STORE_READ, emsg, sizeof(emsg));
	if (!st ||
	    store_each(st, "SELECT value FROM meta WHERE key='key_id'", NULL,
		       0, key_id_row, have, emsg, sizeof(emsg)) < 0) {
		err("%s", emsg);
		store_close(st);
		return EXIT_USAGE;
	}
	store_close(st);
	fp_key_id(key, mine);
	if (have[0] && strcmp(have, mine) != 0) {
		err("%s: this is not the database's fingerprint key (key id "
		    "%s, this key %s); use the key it was made with",
		    cfg->db, have, mine);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int lookup_key(const struct config *cfg, struct fpkey *key)
{
	char emsg[1024];
	char path[4200];

	snprintf(path, sizeof(path), "%s.key", cfg->db);
	if (!key_given(cfg) && access(path, F_OK) != 0) {
		err("%s: no fingerprint key (ingest makes it; or give "
		    "--key-file, $KEYAUDIT_KEY or $KEYAUDIT_KEY_FILE)",
		    path);
		return EXIT_USAGE;
	}
	if (fp_init() < 0 ||
	    fp_key_load(key, cfg->key_file, cfg->db, emsg, sizeof(emsg)) < 0) {
		err("%s", emsg);
		return EXIT_USAGE;
	}
	return same_key(cfg, key);
}

int lookup_key_fn(void *arg, struct fpkey *key)
{
	return lookup_key(arg, key) == EXIT_OK ? 0 : -1;
}

/* Add "fp:HEX" to *out, which holds *count. */
static void add_fp(char ***out, int *count, const char *fp)
{
	*out = xrealloc(*out, (size_t)(*count + 1) * sizeof(**out));
	(*out)[*count] = xmalloc(FP_HEXLEN + 4);
	snprintf((*out)[(*count)++], FP_HEXLEN + 4, "%s", fp);
}

/* Read what was pasted on stdin, one a line (a key or token with white
 * space around it, an Authorization header value, "fp:HEX"), into
 * "fp:HEX" strings; a line that cannot be read is named by its number
 * (never quoted) and skipped.  Return how many were read. */
static int read_secrets(const struct fpkey *key, char ***out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long no = 0;
	int count = 0;

	*out = NULL;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char fp[FP_HEXLEN + 4];
		size_t len;
		const char *why;
		char *cred = xmalloc((size_t)n + 20);
		int kind = paste_read(line, (size_t)n, cred, &len, &why);

		no++;
		if (kind < 0)
			err("standard input:%ld: %s, skipped", no, why);
		if (kind == PASTE_FP)
			add_fp(out, &count, cred);
		if (kind == PASTE_SECRET) {
			memcpy(fp, "fp:", 3);
			fp_hex(key, cred, len, fp + 3);
			add_fp(out, &count, fp);
		}
		memset(cred, 0, (size_t)n + 20); /* it held a secret */
		free(cred);
	}
	if (line)
		memset(line, 0, cap); /* it held secrets */
	free(line);
	return count;
}

/* "fp:" and the 16 hex digits of arg (any case, "fp:" optional, white
 * space around it dropped) into
 * out; return 0, or -1 when arg is not a fingerprint. */
static int fp_arg(const char *arg, char out[FP_HEXLEN + 4])
{
	const char *p = arg;
	size_t len;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "fp:", 3) == 0)
		p += 3;
	len = strlen(p);
	while (len > FP_HEXLEN && strchr(" \t\r\n", p[len - 1]))
		len--;
	if (len != FP_HEXLEN)
		return -1;
	memcpy(out, "fp:", 3);
	for (int i = 0; i < FP_HEXLEN; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c + 32);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[3 + i] = c;
	}
	out[3 + FP_HEXLEN] = '\0';
	return 0;
}

/* The fingerprint arguments, normalised; -1 after a message when one is
 * not a fingerprint. */
static int copy_args(const struct config *cfg, char ***out)
{
	char b[MSG_ARG_MAX];

	*out = xcalloc((size_t)cfg->npaths + 1, sizeof(**out));
	for (int i = 0; i < cfg->npaths; i++) {
		(*out)[i] = xmalloc(FP_HEXLEN + 4);
		if (fp_arg(cfg->paths[i], (*out)[i]) < 0) {
			/* never the argument: it may be the secret itself */
			err("lookup: argument %d is not a fingerprint, fp: "
			    "and "
			    "16 hex digits (got %s); give secrets on stdin, "
			    "one a line",
			    i + 1, msg_arg(b, cfg->paths[i]));
			for (int j = 0; j <= i; j++)
				free((*out)[j]);
			free(*out);
			return -1;
		}
	}
	return cfg->npaths;
}

static int run(const struct config *cfg, char **fps, int n)
{
	char emsg[1024];
	struct report_opts o;
	struct store *st;
	int hits;

	memset(&o, 0, sizeof(o));
	o.since = cfg->since;
	o.until = cfg->until;
	o.json = cfg->format && strcmp(cfg->format, "json") == 0;
	o.migrated_days = cfg->migrated_days;
	o.succession_days = cfg->succession_days;
	st = store_open(cfg->db, STORE_READ, emsg, sizeof(emsg));
	if (!st) {
		err("%s", emsg);
		return EXIT_FAILED;
	}
	hits = report_lookup(st, &o, (const char *const *)fps, n, emsg,
			     sizeof(emsg));
	store_close(st);
	if (hits < 0) {
		err("%s", emsg);
		return EXIT_FAILED;
	}
	info("%d of %d credential%s seen", hits, n, n == 1 ? "" : "s");
	return hits > 0 ? EXIT_OK : EXIT_PARTIAL;
}

int lookup_run(const struct config *cfg)
{
	char emsg[256];
	struct fpkey key;
	char **fps;
	int n;
	int rc;

	if (cfg->npaths) {
		n = copy_args(cfg, &fps);
		if (n < 0)
			return EXIT_USAGE;
	} else {
		rc = lookup_key(cfg, &key);
		if (rc != EXIT_OK)
			return rc;
		n = read_secrets(&key, &fps);
		memset(&key, 0, sizeof(key));
	}
	rc = n ? run(cfg, fps, n) : EXIT_PARTIAL;
	if (!n)
		err("no credential to look up (fp: arguments or secrets on "
		    "stdin)");
	/* what was written must have reached standard output */
	if (outfile_check_stdout(emsg, sizeof(emsg)) < 0) {
		err("%s", emsg);
		rc = EXIT_FAILED;
	}
	for (int i = 0; i < n; i++)
		free(fps[i]);
	free(fps);
	return rc;
}
