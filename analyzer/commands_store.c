/* commands_store.c: the commands that change what the database keeps:
 * prune and forget. */
#include <stdio.h>

#include "commands.h"
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

int cmd_prune(const struct config *cfg)
{
	char emsg[1024];
	int rc = EXIT_OK;
	struct store *st = open_locked(cfg, &rc);

	if (!st)
		return rc;
	if (store_prune(st, cfg->before, emsg, sizeof(emsg)) < 0) {
		err("%s", emsg);
		rc = EXIT_FAILED;
	} else {
		info("counts before %s removed; the reports now cover %s on",
		     cfg->before, store_first_day(st));
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

int cmd_forget(const struct config *cfg)
{
	char emsg[1024];
	struct forget_ctx x = {cfg->dry_run, 0};
	int rc = EXIT_OK;
	struct store *st = open_locked(cfg, &rc);

	if (!st)
		return rc;
	for (int i = 0; i < cfg->npaths && rc != EXIT_FAILED; i++) {
		int n = store_forget(st, cfg->paths[i], cfg->dry_run,
				     show_forgotten, &x, emsg, sizeof(emsg));

		if (n < 0) {
			err("%s", emsg);
			rc = EXIT_FAILED;
		} else if (n == 0) {
			char b[MSG_ARG_MAX];

			/* not repeated: a fingerprint's place may hold a
			 * secret */
			err("forget: argument %d names no file in %s (got %s)",
			    i + 1, cfg->db, msg_arg(b, cfg->paths[i]));
			rc = EXIT_PARTIAL;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err("stdout: cannot write");
		rc = EXIT_FAILED;
	}
	store_close(st);
	return rc;
}
