/* commands_store.c: the commands that change what the database keeps:
 * prune and forget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "day.h"
#include "fp.h"
#include "input.h"
#include "msg.h"
#include "store.h"

/* Open the database for writing and take its run lock.  Return the
 * store, or NULL with the exit status in *rc and the reason printed. */
static struct store *open_locked(const struct config *cfg, int *rc)
{
	char emsg[1024];
	struct store *st =
	    store_open(cfg->db, STORE_WRITE, emsg, sizeof(emsg));
	int lk;

	if (!st) {
		err("%s", emsg);
		*rc = EXIT_FAILED;
		return NULL;
	}
	store_busy_wait(st, cfg->wait + 5);
	lk = store_lock(st, cfg->wait, emsg, sizeof(emsg));
	if (lk != 0) {
		err("%s", emsg);
		store_close(st);
		*rc = lk > 0 ? EXIT_BUSY : EXIT_FAILED;
		return NULL;
	}
	return st;
}

/* Today, UTC ($KEYAUDIT_NOW, epoch seconds, fixes now, as for
 * ingest), into out. */
static void today(char out[DAY_TEXT_LEN + 1])
{
	const char *env = getenv("KEYAUDIT_NOW");
	char *end = NULL;
	long long t = env && *env ? strtoll(env, &end, 10) : 0;

	if (!end || *end || t < 0)
		t = (long long)time(NULL);
	day_format(day_of_epoch((int64_t)t), out);
}

static void show_pruned(const struct config *cfg,
			const struct store_prune_info *pi, const char *kept)
{
	if (!cfg->dry_run) {
		info("counts of %lld days (%s to %s) removed, %lld requests; "
		     "the reports now cover %s on",
		     pi->days, pi->from[0] ? pi->from : "-",
		     pi->to[0] ? pi->to : "-", pi->requests, kept);
		return;
	}
	if (pi->days == 0)
		printf("would remove nothing: no count before %s\n",
		       cfg->before);
	else
		printf("would remove %lld days (%s to %s), %lld requests; "
		       "%lld clients seen on no later day\n",
		       pi->days, pi->from, pi->to, pi->requests, pi->clients);
}

int cmd_prune(const struct config *cfg)
{
	char emsg[1024];
	char now[DAY_TEXT_LEN + 1];
	struct store_prune_info pi;
	int rc = EXIT_OK;
	struct store *st = open_locked(cfg, &rc);
	int got;

	if (!st)
		return rc;
	today(now);
	got = store_prune(st, cfg->before, now, cfg->dry_run, &pi, emsg,
			  sizeof(emsg));
	if (got != 0) {
		err("%s", emsg);
		rc = got > 0 ? EXIT_USAGE : EXIT_FAILED;
	} else {
		show_pruned(cfg, &pi, store_first_day(st));
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err("stdout: cannot write");
		rc = EXIT_FAILED;
	}
	store_close(st);
	return rc;
}

struct forget_ctx {
	int dry_run;
	int listed;
};

static void show_forgotten(void *arg, const struct store_forgotten *f)
{
	struct forget_ctx *x = arg;

	x->listed++;
	if (!f->detail)
		printf("cannot forget %s: fp:%s, %lld lines, folded into the "
		       "daily totals\n",
		       f->name, f->head_fp, f->lines);
	else
		printf("%s%s: fp:%s, %lld lines, %lld requests\n",
		       x->dry_run ? "would forget " : "forgot ", f->name,
		       f->head_fp, f->lines, f->requests);
}

static void count_only(void *arg, const struct store_forgotten *f)
{
	(void)f;
	(*(int *)arg)++;
}

/* The known file whose content is at path now, into *id (0: none).
 * Return 0, or -1 with err set. */
static int file_at(struct store *st, const struct fpkey *key, const char *path,
		   int64_t *id, char *err, size_t errlen)
{
	struct file_state fs;
	struct input *in = input_open(path, 0, err, errlen);
	const char *head;
	size_t len;
	int rc = 0;

	*id = 0;
	if (!in)
		return -1;
	input_head(in, &head, &len);
	if (len > 0)
		rc = store_file_find(st, key, head, len, &fs, err, errlen);
	if (len > 0 && rc == 0 && fs.known)
		*id = fs.id;
	input_close(in);
	return rc;
}

/* Say that argument i names nothing: not repeated, since a name or a
 * fingerprint's place may hold a secret typed there. */
static void forget_none(const struct config *cfg, const char *arg, int i)
{
	char b[MSG_ARG_MAX];

	err("forget: argument %d names no file in %s (got %s)", i + 1, cfg->db,
	    msg_arg(b, arg));
}

/* What arg names: the file at a path, by its content; else a head
 * fingerprint; else (force) the name files were read under.  Return
 * 0 with w set, 1 when refused (said), -1 on error (err set). */
static int forget_what(const struct config *cfg, struct store *st,
		       const struct fpkey *key, const char *arg, int i,
		       struct store_forget_what *w, char *emsg, size_t emsglen)
{
	struct stat sb;
	int named = 0;
	struct store_forget_what byname = {0, NULL, arg};

	memset(w, 0, sizeof(*w));
	if (stat(arg, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if (file_at(st, key, arg, &w->id, emsg, emsglen) < 0)
			return -1;
		if (w->id)
			return 0;
		err("%s: its content is no file read into %s", arg, cfg->db);
		return 1;
	}
	if (strncmp(arg, "fp:", 3) == 0 ||
	    (strspn(arg, "0123456789abcdef") == FP_HEXLEN &&
	     !arg[FP_HEXLEN])) {
		w->fp = arg;
		return 0;
	}
	if (store_forget(st, &byname, 1, count_only, &named, emsg, emsglen) <
	    0)
		return -1;
	if (named == 0) {
		forget_none(cfg, arg, i);
		return 1;
	}
	if (!cfg->force) {
		err("%s: not here to be read again (%d file%s read under this "
		    "name); --force forgets %s anyway",
		    arg, named, named == 1 ? " was" : "s were",
		    named == 1 ? "it" : "them");
		return 1;
	}
	*w = byname;
	return 0;
}

/* Forget what arg names.  Return an exit status. */
static int forget_one(const struct config *cfg, struct store *st,
		      const struct fpkey *key, const char *arg, int i,
		      struct forget_ctx *x)
{
	char emsg[1024];
	struct store_forget_what w;
	int n = forget_what(cfg, st, key, arg, i, &w, emsg, sizeof(emsg));

	if (n > 0)
		return EXIT_PARTIAL;
	if (n == 0)
		n = store_forget(st, &w, cfg->dry_run, show_forgotten, x, emsg,
				 sizeof(emsg));
	if (n < 0) {
		err("%s", emsg);
		return EXIT_FAILED;
	}
	if (n == 0) {
		forget_none(cfg, arg, i);
		return EXIT_PARTIAL;
	}
	return EXIT_OK;
}

int cmd_forget(const struct config *cfg)
{
	char emsg[1024];
	struct forget_ctx x = {cfg->dry_run, 0};
	struct fpkey key;
	int rc = EXIT_OK;
	struct store *st = open_locked(cfg, &rc);

	if (!st)
		return rc;
	if (fp_init() < 0 || fp_key_load(&key, cfg->key_file, cfg->db, emsg,
					 sizeof(emsg)) < 0) {
		err("%s", emsg);
		store_close(st);
		return EXIT_FAILED;
	}
	for (int i = 0; i < cfg->npaths && rc != EXIT_FAILED; i++) {
		int got = forget_one(cfg, st, &key, cfg->paths[i], i, &x);

		if (got != EXIT_OK)
			rc = got;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err("stdout: cannot write");
		rc = EXIT_FAILED;
	}
	store_close(st);
	return rc;
}
