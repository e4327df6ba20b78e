/* commands_store.c: the commands that change what the database keeps:
 * prune and forget. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "commands.h"
#include "day.h"
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
			err("%s: no such file in %s", cfg->paths[i], cfg->db);
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
