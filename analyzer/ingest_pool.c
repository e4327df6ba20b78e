/* ingest_pool.c: what the workers of one ingest run share: the files
 * they take in turn, the claims that keep two workers off one file (or
 * a copy of it), the progress line, warnings given once a run, and the
 * signals that stop the run. */
#include "ingest_int.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

#define MAX_CLAIMS     64   /* as many as workers */
#define PROGRESS_EVERY 0.25 /* seconds between progress lines */

/* The signal that asked the run to stop, or 0. */
volatile sig_atomic_t stop_signal;

/* The head of a file a worker is reading. */
struct claim {
	int used;
	size_t len;
	char head[INPUT_HEAD_MAX];
};

double pool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Has this warning been given in this run?  If not, note it. */
int pool_warned_before(struct pool *p, const char *what)
{
	int seen = 0;

	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nwarned && !seen; i++)
		seen = strcmp(p->warned[i], what) == 0;
	if (!seen && p->nwarned < MAX_WARNED)
		p->warned[p->nwarned++] = xstrdup(what);
	pthread_mutex_unlock(&p->mu);
	return seen;
}

/* One line of progress for the whole run: compressed bytes read
 * against the files' sizes.  At most every PROGRESS_EVERY seconds
 * unless force. */
void pool_show_progress(struct run *r, struct input *in, int force)
{
	struct pool *p = r->pool;
	uint64_t done;
	double t;
	double el;
	double pct;
	char left[32] = "";

	if (!p->progress)
		return;
	__atomic_store_n(&r->at, in ? input_raw_offset(in) : 0,
			 __ATOMIC_RELAXED);
	pthread_mutex_lock(&p->mu);
	t = pool_now();
	if (!force && t - p->last_shown < PROGRESS_EVERY) {
		pthread_mutex_unlock(&p->mu);
		return;
	}
	done = __atomic_load_n(&p->done_bytes, __ATOMIC_RELAXED);
	for (int i = 0; i < p->nruns; i++)
		done += __atomic_load_n(&p->runs[i].at, __ATOMIC_RELAXED);
	if (done > p->total_bytes)
		done = p->total_bytes;
	el = t - p->started;
	pct =
	    p->total_bytes ? 100.0 * (double)done / (double)p->total_bytes : 0;
	if (done > 0)
		snprintf(left, sizeof(left), ", %.0f s left",
			 el * (double)(p->total_bytes - done) / (double)done);
	fprintf(stderr, "\rkeyaudit: %.0f%% of %.1f MB%s\033[K", pct,
		(double)p->total_bytes / 1e6, left);
	p->last_shown = t;
	p->shown = 1;
	pthread_mutex_unlock(&p->mu);
}

/* The file in hand is done with (read or skipped): its size counts as
 * read for the progress. */
void pool_file_done(struct run *r, uint64_t size)
{
	__atomic_add_fetch(&r->pool->done_bytes, size, __ATOMIC_RELAXED);
	pool_show_progress(r, NULL, 1);
}

/* Does a claimed head match this one: one of them a prefix of the
 * other (the same file, a copy, or a file and an earlier copy of it)? */
static int same_head(const struct claim *c, const char *head, size_t len)
{
	return memcmp(c->head, head, c->len < len ? c->len : len) == 0;
}

/* File idx of the paths has claimed or will not: the next may.  Call
 * with the pool's lock held. */
static void pass_turn(struct pool *p, int idx)
{
	p->turned[idx] = 1;
	while (p->turn < p->npaths && p->turned[p->turn])
		p->turn++;
	pthread_cond_broadcast(&p->cv);
}

/* File idx will not claim (skipped, empty). */
void pool_no_claim(struct pool *p, int idx)
{
	pthread_mutex_lock(&p->mu);
	pass_turn(p, idx);
	pthread_mutex_unlock(&p->mu);
}

/* Wait for the files listed before idx to claim, then until no other
 * worker reads a file whose head matches this one (see same_head()),
 * then mark it ours.  Return the claim's slot. */
int pool_claim(struct pool *p, int idx, const char *head, size_t len)
{
	int slot = -1;

	pthread_mutex_lock(&p->mu);
	while (p->turn < idx)
		pthread_cond_wait(&p->cv, &p->mu);
	for (int i = 0; i < MAX_CLAIMS;) {
		if (!p->claims[i].used) {
			i++;
			continue;
		}
		if (!same_head(&p->claims[i], head, len)) {
			i++;
			continue;
		}
		pthread_cond_wait(&p->cv, &p->mu);
		i = 0;
	}
	for (int i = 0; i < MAX_CLAIMS && slot < 0; i++)
		if (!p->claims[i].used)
			slot = i;
	p->claims[slot].used = 1;
	p->claims[slot].len = len;
	memcpy(p->claims[slot].head, head, len);
	pass_turn(p, idx);
	pthread_mutex_unlock(&p->mu);
	return slot;
}

void pool_release(struct pool *p, int slot)
{
	pthread_mutex_lock(&p->mu);
	p->claims[slot].used = 0;
	/* the head may hold secrets: leave none behind */
	memset(p->claims[slot].head, 0, p->claims[slot].len);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The CPUs this process may run on. */
static int cores(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The index of the next file to read, or -1; *thread says whether to
 * inflate it in a thread of its own. */
int pool_take(struct pool *p, int *thread)
{
	int idx = -1;

	pthread_mutex_lock(&p->mu);
	if (!p->failed && !stop_signal && p->next < p->npaths) {
		int busy;

		idx = p->next++;
		/* the workers that will be reading with this one: a thread
		 * to inflate only on a core they leave */
		busy = ++p->reading + (p->npaths - p->next);
		*thread = (busy < p->workers ? busy : p->workers) < p->cores;
	} else {
		/* no file will be taken after these: none waits for them */
		while (p->next < p->npaths)
			pass_turn(p, p->next++);
	}
	pthread_mutex_unlock(&p->mu);
	return idx;
}

static void on_signal(int sig)
{
	if (stop_signal) {
		/* asked twice: stop now (the database stays consistent) */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
}

/* SIGINT and SIGTERM end the run at the next line, as if it were the
 * end of the input, without SA_RESTART: a read from a pipe ends too. */
void pool_catch_signals(struct sigaction old[2])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	input_set_stop_flag(&stop_signal);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
}

void pool_init(struct pool *p, const struct config *cfg, int n)
{
	memset(p, 0, sizeof(*p));
	p->workers = n;
	p->cores = cores();
	p->claims = xcalloc(MAX_CLAIMS, sizeof(*p->claims));
	p->started = pool_now();
	p->progress = cfg->verbosity > 0 && isatty(2);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

void pool_free(struct pool *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	for (int i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	for (int i = 0; i < p->nwarned; i++)
		free(p->warned[i]);
	free(p->paths);
	free(p->sizes);
	free(p->claims);
	free(p->turned);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}
