/* ingest_int.h: what the ingest command's files share; nothing outside
 * them includes it (ingest.h is the contract).  They stand in layers,
 * each calling only those before it:
 *   ingest_pool.c   what the workers share: the files to take in turn,
 *                   claims on files, progress, warnings given once,
 *                   signals and stopping
 *   ingest_files.c  the files to read: paths, directories, --include
 *                   and --exclude, in the order given
 *   ingest_read.c   one file: identify it, detect its format, resume,
 *                   read and count its lines, commit
 *   ingest.c        ingest_run(): checks, setup, the workers, fold and
 *                   prune, summary, metrics
 * The declarations below follow the same order. */
#ifndef KEYAUDIT_INGEST_INT_H
#define KEYAUDIT_INGEST_INT_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "fp.h"
#include "input.h"
#include "options.h"
#include "rules.h"

/* A line dated after now and this much waits, with the rest of its
 * file, for a later run: clocks disagree by seconds or minutes; a host
 * whose clock is hours behind the server's reads those lines once it
 * has caught up. */
#define FUTURE_SLACK 3600

#define MAX_WARNED 32

/* The signal that asked the run to stop, or 0. */
extern volatile sig_atomic_t stop_signal;

/* What the workers of one run share (--jobs). */
struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **paths;	 /* files to read, directories expanded */
	uint64_t *sizes; /* their sizes when listed, for progress */
	int npaths;
	int next;
	/* files being read now: two names or copies of one file, or a
	 * file and a prefix of it, must not be read at the same time */
	struct claim *claims;
	/* claims are made in the order of paths, as if serially: the
	 * files before turn have claimed, or will not */
	unsigned char *turned;
	int turn;
	int failed;  /* a worker failed: the others stop */
	int workers; /* of the run, --jobs */
	int reading; /* workers with a file in hand */
	int cores;   /* CPUs this process may run on */
	int bad_shown;
	int64_t future; /* lines dated after this wait for a later run */
	/* progress on a terminal */
	int progress;
	double started;
	double last_shown;
	int shown;
	uint64_t total_bytes;
	uint64_t done_bytes; /* of the files finished */
	struct run *runs;
	int nruns;
	/* warnings given once a run */
	char *warned[MAX_WARNED];
	int nwarned;
	/* the database is new: rules on fields the format lacks are said */
	int first_ingest;
};

/* One worker: its own rules, format, database connection and counts. */
struct run {
	struct pool *pool;
	const struct config *cfg;
	struct ruleset *rs;
	struct format *fmt;
	struct store *st;
	struct fpkey key;
	struct hit_maker *hm;
	uint64_t files;
	uint64_t unchanged;  /* files known as read whole and not opened */
	uint64_t skipped;    /* not read: unreadable, unknown, mostly bad */
	uint64_t absent;     /* paths missing, directories with no file */
	uint64_t not_access; /* error logs, skipped */
	uint64_t lines;
	uint64_t bad;
	uint64_t per_class[RULES_MAX_CLASSES + 1];
	int partial; /* some input was unreadable or incomplete */
	uint64_t at; /* compressed bytes read of the file in hand */
	int rc;	     /* the worker's exit code */
	char emsg[1024];
};

/* ---- ingest_pool.c: what the workers share ------------------------ */

/* Seconds on the monotonic clock. */
double pool_now(void);
/* Has this warning been given in this run?  If not, note it. */
int pool_warned_before(struct pool *p, const char *what);
/* The run's progress line (on a terminal), at most every quarter of a
 * second unless force. */
void pool_show_progress(struct run *r, struct input *in, int force);
/* The file in hand is done with: its size counts as read. */
void pool_file_done(struct run *r, uint64_t size);
/* File idx will not claim (skipped, empty). */
void pool_no_claim(struct pool *p, int idx);
/* Claim file idx, whose head is head[0..len), in its turn and once no
 * other worker reads it or a copy; return the claim's slot, for
 * pool_release(). */
int pool_claim(struct pool *p, int idx, const char *head, size_t len);
void pool_release(struct pool *p, int slot);
/* The index of the next file to read, or -1. */
int pool_take(struct pool *p, int *thread);
/* Catch SIGINT and SIGTERM into stop_signal; old keeps the handlers
 * to put back. */
void pool_catch_signals(struct sigaction old[2]);
void pool_init(struct pool *p, const struct config *cfg, int n);
void pool_free(struct pool *p);

/* ---- ingest_files.c: the files to read ---------------------------- */

/* Every path of cfg into p's files, directories expanded.  Return -1
 * when a directory could not be read, else 0. */
int ingest_collect(struct pool *p, const struct config *cfg, uint64_t *unread,
		   uint64_t *absent);

/* ---- ingest_read.c: one file -------------------------------------- */

/* Bind r's rules and hit maker to r->fmt; rules on fields it lacks
 * are said, naming path. */
void ingest_bind_format(struct run *r, const char *path);
/* Read file idx of the pool, inflating it in a thread of its own when
 * thread.  Return 0, or -1 when the store failed. */
int ingest_file(struct run *r, int idx, int thread);

#endif
