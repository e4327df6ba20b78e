/* ingest.c: the ingest command: check the rules and format, open and
 * lock the database, run the workers (each takes files in turn,
 * ingest_pool.c, and reads them, ingest_read.c), then fold and prune,
 * sum up and write the metrics. */
#include "ingest.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "fp.h"
#include "hit.h"
#include "ingest_int.h"
#include "metrics.h"
#include "msg.h"
#include "parse.h"
#include "rules.h"
#include "store.h"

static void summary(const struct run *r)
{
	char line[1024];
	size_t n = 0;
	int nc = rules_nclasses(r->rs);

	n += (size_t)snprintf(line + n, sizeof(line) - n, "%llu file%s, ",
			      (unsigned long long)r->files,
			      r->files == 1 ? "" : "s");
	if (r->unchanged)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      "%llu unchanged, ",
				      (unsigned long long)r->unchanged);
	if (r->skipped)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      "%llu skipped, ",
				      (unsigned long long)r->skipped);
	if (r->not_access)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      "%llu not access log%s, skipped, ",
				      (unsigned long long)r->not_access,
				      r->not_access == 1 ? "" : "s");
	if (r->absent)
		n += (size_t)snprintf(
		    line + n, sizeof(line) - n, "%llu path%s with no input, ",
		    (unsigned long long)r->absent, r->absent == 1 ? "" : "s");
	n += (size_t)snprintf(
	    line + n, sizeof(line) - n, "%llu new lines, %llu bad;",
	    (unsigned long long)r->lines, (unsigned long long)r->bad);
	for (int i = 0; i <= nc && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %llu%s",
				      rules_class_name(r->rs, i),
				      (unsigned long long)r->per_class[i],
				      i < nc ? "," : "");
	if (stop_signal)
		err("%s (interrupted)", line);
	else
		info("%s", line);
}

/* A worker's own rules, format, memos and database connection. */
static int worker_setup(struct run *r)
{
	const char *names[RULES_MAX_CLASSES];
	int legacy[RULES_MAX_CLASSES];

	r->rs = rules_load(r->cfg->rules, r->emsg, sizeof(r->emsg));
	if (!r->rs)
		return EXIT_USAGE;
	r->hm = hit_maker_new(r->rs, &r->key);
	if (r->cfg->format && strcmp(r->cfg->format, "auto") != 0) {
		r->fmt = format_new(r->cfg->format, r->emsg, sizeof(r->emsg));
		if (!r->fmt)
			return EXIT_USAGE;
		ingest_bind_format(r, r->cfg->npaths ? r->cfg->paths[0] : "-");
	}
	if (!r->st) {
		r->st = store_open(r->cfg->db, STORE_WRITE, r->emsg,
				   sizeof(r->emsg));
		if (!r->st)
			return EXIT_FAILED;
		/* the other workers' commits: a batch can take a while */
		store_busy_wait(r->st, 600);
	}
	for (int i = 0; i < rules_nclasses(r->rs); i++) {
		names[i] = rules_class_name(r->rs, i);
		legacy[i] = rules_class_legacy(r->rs, i);
	}
	store_set_classes(r->st, names, legacy, rules_nclasses(r->rs));
	return EXIT_OK;
}

/* Take files from the pool until none is left, a worker failed or the
 * run was asked to stop. */
static void *worker(void *arg)
{
	struct run *r = arg;
	struct pool *p = r->pool;
	int idx;
	int thread = 0;

	while ((idx = pool_take(p, &thread)) >= 0) {
		int got = ingest_file(r, idx, thread);

		pthread_mutex_lock(&p->mu);
		p->reading--;
		if (got < 0)
			p->failed = 1;
		pthread_mutex_unlock(&p->mu);
		if (got < 0)
			r->rc = EXIT_FAILED;
	}
	return NULL;
}

/* When lines are in the future: now ($KEYAUDIT_NOW, epoch seconds,
 * fixes it) and FUTURE_SLACK.  Return 0, or -1 with err set. */
static int set_future(struct pool *p, char *err, size_t errlen)
{
	const char *env = getenv("KEYAUDIT_NOW");
	char *end;
	long long t;

	if (!env || !*env) {
		p->future = (int64_t)time(NULL) + FUTURE_SLACK;
		return 0;
	}
	errno = 0;
	t = strtoll(env, &end, 10);
	if (*end || errno || t < 0) {
		snprintf(err, errlen, "KEYAUDIT_NOW is not epoch seconds: %s",
			 env);
		return -1;
	}
	p->future = (int64_t)t + FUTURE_SLACK;
	return 0;
}

/* Key, database, lock: checked once, before any worker starts. */
static int setup(struct run *r)
{
	const struct config *cfg = r->cfg;
	char id[FP_HEXLEN + 1];
	int rc;

	if (set_future(r->pool, r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_USAGE;
	if (fp_init() < 0 || fp_key_load(&r->key, cfg->key_file, cfg->db,
					 r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_FAILED;
	r->st = store_open(cfg->db, STORE_WRITE, r->emsg, sizeof(r->emsg));
	if (!r->st)
		return EXIT_FAILED;
	store_busy_wait(r->st, cfg->jobs > 1 ? 600 : cfg->wait + 5);
	rc = store_lock(r->st, cfg->wait, r->emsg, sizeof(r->emsg));
	if (rc)
		return rc > 0 ? EXIT_BUSY : EXIT_FAILED;
	fp_key_id(&r->key, id);
	if (store_check_key(r->st, id, r->emsg, sizeof(r->emsg)) < 0)
		return EXIT_FAILED;
	return worker_setup(r);
}

static int prune_old(struct run *r)
{
	return store_prune_keep(r->st, r->cfg->keep_days, r->emsg,
				sizeof(r->emsg));
}

/* After the run: fold old files' detail, prune past --keep-days. */
static int retain(struct run *r)
{
	const struct config *cfg = r->cfg;
	int n = store_fold(r->st, cfg->detail_days, r->emsg, sizeof(r->emsg));

	if (n >= 0 && n)
		debug("per-file detail of %d file%s folded", n,
		      n == 1 ? "" : "s");
	if (n >= 0 && cfg->keep_days)
		n = prune_old(r);
	if (n < 0) {
		err("%s", r->emsg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void run_free(struct run *r)
{
	store_close(r->st);
	hit_maker_free(r->hm);
	format_free(r->fmt);
	rules_free(r->rs);
}

/* Add a finished worker's counters to the main one's. */
static void run_add(struct run *to, const struct run *from)
{
	to->files += from->files;
	to->skipped += from->skipped;
	to->not_access += from->not_access;
	to->unchanged += from->unchanged;
	to->lines += from->lines;
	to->bad += from->bad;
	to->partial |= from->partial;
	for (int k = 0; k <= RULES_MAX_CLASSES; k++)
		to->per_class[k] += from->per_class[k];
}

/* Run the extra workers (w[1..n)) beside the main one (w[0]), then add
 * their counters to w[0]'s. */
static int run_workers(struct run *w, int n)
{
	pthread_t tid[64];
	int started[64] = {0};
	int rc = EXIT_OK;

	for (int i = 1; i < n; i++) {
		w[i] = w[0];
		w[i].st = NULL;
		w[i].rs = NULL;
		w[i].fmt = NULL;
		w[i].hm = NULL;
		w[i].files = w[i].skipped = w[i].lines = w[i].bad = 0;
		w[i].not_access = w[i].absent = 0;
		memset(w[i].per_class, 0, sizeof(w[i].per_class));
		if (worker_setup(&w[i]) == EXIT_OK)
			started[i] =
			    pthread_create(&tid[i], NULL, worker, &w[i]) == 0;
	}
	worker(&w[0]);
	for (int i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		if (w[i].rc != EXIT_OK && rc == EXIT_OK)
			rc = w[i].rc;
		run_add(&w[0], &w[i]);
		if (w[i].rs)
			rules_limit_merge(w[0].rs, w[i].rs);
		run_free(&w[i]);
	}
	return w[0].rc != EXIT_OK ? w[0].rc : rc;
}

/* The rules and the format, checked before anything is made: a usage
 * error leaves no database, key or metrics file.  EXIT_OK or EXIT_USAGE
 * (said). */
static int precheck(const struct config *cfg)
{
	char emsg[1024];
	struct ruleset *rs = rules_load(cfg->rules, emsg, sizeof(emsg));
	struct format *fmt = NULL;

	if (rs && cfg->format && strcmp(cfg->format, "auto") != 0)
		fmt = format_new(cfg->format, emsg, sizeof(emsg));
	if (!rs || (!fmt && cfg->format && strcmp(cfg->format, "auto") != 0)) {
		err("%s", emsg);
		fputs("try 'keyaudit --help'\n", stderr);
		rules_free(rs);
		return EXIT_USAGE;
	}
	format_free(fmt);
	rules_free(rs);
	return EXIT_OK;
}

/* The run's status from its counters, once it committed. */
static int final_status(const struct run *r, int rc)
{
	if (stop_signal)
		return EXIT_INTERRUPTED;
	if (r->absent)
		return EXIT_NOINPUT;
	if (r->partial)
		return EXIT_PARTIAL;
	return rc;
}

/* The run's metrics; a failure after the commit is EXIT_METRICS. */
static int write_metrics(const struct config *cfg, const struct run *r,
			 double started, int rc)
{
	struct metrics_ingest m = {
	    rc,	       pool_now() - started, r->files, r->lines, r->bad,
	    r->absent, r->not_access};
	char emsg[1024];

	if (metrics_write_ingest(cfg->metrics, cfg->db, &m, emsg,
				 sizeof(emsg)) == 0)
		return rc;
	if (rc != EXIT_OK && rc != EXIT_PARTIAL && rc != EXIT_NOINPUT) {
		err("%s", emsg);
		return rc;
	}
	err("%s; the counts were committed, only the metrics are missing",
	    emsg);
	return EXIT_METRICS;
}

int ingest_run(const struct config *cfg)
{
	struct pool pool;
	int n = cfg->jobs > 1 ? (cfg->jobs < 64 ? cfg->jobs : 64) : 1;
	struct run *w = xcalloc((size_t)n, sizeof(*w));
	struct sigaction old[2];
	int rc = precheck(cfg);

	if (rc != EXIT_OK) {
		free(w);
		return rc;
	}
	pool_init(&pool, cfg, n);
	pool.first_ingest = access(cfg->db, F_OK) != 0;
	pool.runs = w;
	pool.nruns = n;
	w[0].pool = &pool;
	w[0].cfg = cfg;
	if (ingest_collect(&pool, cfg, &w[0].skipped, &w[0].absent) < 0 ||
	    w[0].skipped)
		w[0].partial = 1;
	w[0].files = w[0].skipped; /* "N files, M skipped": M among N */
	pool.turned = xcalloc((size_t)pool.npaths + 1, 1);
	pool_catch_signals(old);
	rc = setup(&w[0]);
	if (rc != EXIT_OK) {
		err("%s", w[0].emsg);
		if (rc == EXIT_USAGE)
			fputs("try 'keyaudit --help'\n", stderr);
	} else {
		rc = run_workers(w, n);
	}
	if (pool.shown)
		fputs("\r\033[K", stderr);
	pool.shown = 0;
	if (rc == EXIT_OK)
		rc = retain(&w[0]);
	if (rc == EXIT_OK) {
		summary(&w[0]);
		rc = final_status(&w[0], rc);
		rc = cmd_limit_report(w[0].rs, cfg->rules, rc);
	}
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	input_set_stop_flag(NULL);
	run_free(&w[0]);
	/* a usage error found late (a rules file that changed) writes
	 * nothing either */
	if (cfg->metrics && rc != EXIT_USAGE)
		rc = write_metrics(cfg, &w[0], pool.started, rc);
	pool_free(&pool);
	free(w);
	return rc;
}
