/* ingest.c: drive the pipeline for the ingest command: open each log,
 * resume where the database says it stopped, parse, classify, count,
 * and commit counts and read positions together. */
#include "ingest.h"

#include <dirent.h>
#include <stddef.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fp.h"
#include "input.h"
#include "metrics.h"
#include "memo.h"
#include "msg.h"
#include "parse.h"
#include "rules.h"
#include "store.h"

#define BAD_SHOWN 5 /* bad lines quoted per run */
#define COMMIT_SECONDS 30 /* most work a crash can cost */
#define CLIENT_MAX 256
#define AGENT_MAX 512 /* as store.c keeps them */
/* Verdicts remembered: a client sends the same credential and headers
 * again and again, so most lines are judged by one lookup.  An entry
 * holds the values the rules read and what was made of them. */
#define VERDICTS 8192
#define VERDICT_ENTRY 448
#define AGENTS 1024 /* user agents scrubbed, remembered likewise */
#define AGENT_ENTRY 512

/* What the workers of one run share (--jobs). */
struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char **paths; /* files to read, directories expanded */
	int npaths;
	int next;
	/* files being read now, by the fingerprint of their first bytes:
	 * two copies of one file must not be read at the same time */
	char claimed[64][FP_HEXLEN + 1];
	int nclaimed;
	int failed; /* a worker failed: the others stop */
	int workers; /* of the run, --jobs */
	int reading; /* workers with a file in hand */
	int cores;   /* CPUs this process may run on */
	int bad_shown;
};

/* One worker: its own rules, format, database connection and counts. */
struct run {
	struct pool *pool;
	const struct config *cfg;
	struct ruleset *rs;
	struct format *fmt;
	struct store *st;
	struct fpkey key;
	struct fpcache *fpc;
	struct memo *verdicts;
	struct memo *agents;
	int inputs[RECORD_MAX_FIELDS]; /* the fields the rules read */
	int ninputs;
	uint64_t files;
	uint64_t lines;
	uint64_t bad;
	uint64_t per_class[RULES_MAX_CLASSES + 1];
	int bad_shown;
	int partial; /* some input was unreadable or incomplete */
	int progress; /* stderr is a terminal and not -q */
	double started;
	int rc; /* the worker's exit code */
	char emsg[1024];
};

/* The client's name for the report: an id, a credential fingerprint or
 * an address.  Return its length in out. */
static size_t client_name(struct run *r, const struct verdict *v,
			  const char *cred_fp, char *out)
{
	size_t n;

	switch (v->client_source) {
	case CLIENT_FIELD:
		n = v->client.len < CLIENT_MAX ? v->client.len : CLIENT_MAX;
		return fp_scrub(&r->key, v->client.p, n, out, CLIENT_MAX + 1);
	case CLIENT_CREDENTIAL:
		return (size_t)sprintf(out, "fp:%s", cred_fp);
	case CLIENT_ADDR:
		n = v->client.len < CLIENT_MAX - 5 ? v->client.len
						   : CLIENT_MAX - 5;
		memcpy(out, "addr:", 5);
		return 5 + fp_scrub(&r->key, v->client.p, n, out + 5,
				    CLIENT_MAX - 4);
	case CLIENT_NONE:
		break;
	}
	memcpy(out, "unknown", 7);
	return 7;
}

static void bad_line(struct run *r, struct file_state *fs, const char *why)
{
	fs->bad++;
	r->bad++;
	if (__atomic_fetch_add(&r->pool->bad_shown, 1, __ATOMIC_RELAXED) <
	    BAD_SHOWN)
		info("%s:%llu: bad line skipped: %s", fs->name,
		     (unsigned long long)fs->lines, why);
}

/* What a line's rule fields come to, as the verdict memo keeps it. */
struct judged {
	uint64_t client_hash;
	uint8_t cls;
	uint8_t amnesty;
	uint8_t has_cred;
	char cred_fp[FP_HEXLEN + 1];
	uint16_t client_len;
	char client[CLIENT_MAX + 8];
};

/* The bytes of judged that hold something. */
static size_t judged_size(const struct judged *j)
{
	return offsetof(struct judged, client) + j->client_len;
}

static void judge_fresh(struct run *r, const struct record *rec,
			struct judged *j)
{
	struct verdict v;

	rules_classify(r->rs, rec, &v, NULL, NULL);
	j->cls = (uint8_t)v.cls;
	j->amnesty = (uint8_t)(v.amnesty != 0);
	j->has_cred = v.credential.len > 0;
	if (j->has_cred)
		fpcache_hex(r->fpc, v.credential.p, v.credential.len,
			    j->cred_fp);
	else
		j->cred_fp[0] = '\0';
	j->client_len = (uint16_t)client_name(r, &v, j->cred_fp, j->client);
	j->client_hash = buf_hash(j->client, j->client_len);
}

/* The values of the rule fields, each after its length: the memo key.
 * Return its length, or 0 when it is too long to remember. */
static size_t verdict_key(const struct run *r, const struct record *rec,
			  char *key, size_t cap)
{
	size_t n = 0;

	for (int i = 0; i < r->ninputs; i++) {
		struct span f = rec->field[r->inputs[i]];
		uint16_t len = (uint16_t)f.len;

		if (f.len > cap - n - sizeof(len) || f.len > UINT16_MAX)
			return 0;
		memcpy(key + n, &len, sizeof(len));
		memcpy(key + n + sizeof(len), f.p, f.len);
		n += sizeof(len) + f.len;
	}
	return n;
}

/* Classify rec and name its client and credential, through the memo. */
static const struct judged *judge(struct run *r, const struct record *rec,
				  struct judged *fresh)
{
	char key[VERDICT_ENTRY];
	size_t klen = verdict_key(r, rec, key, sizeof(key));
	uint64_t h = 0;

	if (klen) {
		size_t vlen;
		const void *hit;

		h = buf_hash(key, klen);
		hit = memo_get(r->verdicts, key, klen, h, &vlen);
		if (hit)
			return hit;
	}
	judge_fresh(r, rec, fresh);
	if (klen)
		memo_put(r->verdicts, key, klen, h, fresh,
			 judged_size(fresh));
	return fresh;
}

/* A user agent with credential-shaped runs fingerprinted, and the
 * hash of that, as the agent memo keeps them. */
struct agent {
	uint64_t hash;
	char text[AGENT_MAX + 1];
};

static const struct agent *agent_name(struct run *r, struct span a,
				      struct agent *fresh, size_t *len)
{
	size_t n = a.len < AGENT_MAX ? a.len : AGENT_MAX;
	uint64_t h = buf_hash(a.p, n);
	size_t vlen;
	const struct agent *hit = memo_get(r->agents, a.p, n, h, &vlen);

	if (hit) {
		*len = vlen - offsetof(struct agent, text);
		return hit;
	}
	*len = fp_scrub(&r->key, a.p, n, fresh->text, sizeof(fresh->text));
	fresh->hash = buf_hash(fresh->text, *len);
	memo_put(r->agents, a.p, n, h, fresh,
		 offsetof(struct agent, text) + *len);
	return fresh;
}

static void count_line(struct run *r, struct file_state *fs,
		       const char *line, size_t len)
{
	struct record rec;
	struct judged fresh;
	const struct judged *j;
	struct hit h;
	struct agent fresh_agent;

	rec.lineno = fs->lines;
	if (parse_line(r->fmt, line, len, &rec) < 0) {
		bad_line(r, fs, rec.error);
		return;
	}
	j = judge(r, &rec, &fresh);
	h.client = j->client;
	h.client_len = j->client_len;
	h.client_hash = j->client_hash;
	h.time = rec.time;
	h.cls = j->cls;
	h.amnesty = j->amnesty;
	h.legacy = rules_class_legacy(r->rs, j->cls);
	h.status = rec.status;
	h.agent = "";
	h.agent_len = 0;
	h.agent_hash = 0;
	if (h.legacy) {
		const struct agent *a = agent_name(r, rec.agent, &fresh_agent,
						   &h.agent_len);

		h.agent = a->text;
		h.agent_hash = a->hash;
	}
	h.cred_fp = j->has_cred ? j->cred_fp : NULL;
	h.route = NULL;
	h.route_len = 0;
	store_count(r->st, fs, &h);
	r->per_class[j->cls]++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of progress on a terminal: MB read, lines/s, time left. */
static void show_progress(struct run *r, struct input *in,
			  const struct file_state *fs)
{
	double el = now() - r->started;
	uint64_t at = input_raw_offset(in);
	uint64_t size = input_size(in);
	char left[32] = "";

	if (el < 1)
		return;
	if (size > at && at > 0)
		snprintf(left, sizeof(left), ", %.0f s left",
			 el * (double)(size - at) / (double)at);
	fprintf(stderr, "\rkeyaudit: %s: %.0f MB, %.0f lines/s%s   ",
		fs->name, (double)at / 1e6, (double)r->lines / el, left);
}

static const char *state_of(struct input *in)
{
	switch (input_end(in)) {
	case INPUT_END_CLEAN:
		return input_is_gzip(in) ? "complete" : "read";
	case INPUT_END_PARTIAL:
		return "growing";
	case INPUT_END_TRUNCATED:
		return "truncated";
	case INPUT_END_CORRUPT:
		return "corrupt";
	case INPUT_END_IOERROR:
		break;
	}
	return "read error";
}

static int commit(struct run *r, struct input *in, struct file_state *fs)
{
	uint64_t at = input_offset(in);

	if (at > fs->bytes)
		fs->bytes = at;
	fs->pending = input_pending(in);
	if (store_commit(r->st, fs, r->emsg, sizeof(r->emsg)) < 0) {
		err("%s", r->emsg);
		return -1;
	}
	return 0;
}

/* The last commit of a file: written before the next file is looked
 * up, so that a copy of it is known. */
static int commit_sync(struct run *r, struct input *in, struct file_state *fs)
{
	if (commit(r, in, fs) < 0)
		return -1;
	if (store_sync(r->st, r->emsg, sizeof(r->emsg)) < 0) {
		err("%s", r->emsg);
		return -1;
	}
	return 0;
}

/* Read lines from in (positioned by resume) and count them. */
static int read_lines(struct run *r, struct input *in, struct file_state *fs)
{
	uint64_t lines_at_commit = fs->lines;
	double last_commit = now();
	const char *line;
	size_t len;
	int rc;

	fs->state = "reading";
	while ((rc = input_next_line(in, &line, &len)) > 0) {
		fs->lines++;
		r->lines++;
		if (rc == 2)
			bad_line(r, fs, "line longer than 1 MiB");
		else
			count_line(r, fs, line, len);
		if (store_batch_full(r->st) ||
		    (r->cfg->commit_every &&
		     fs->lines - lines_at_commit >=
			     (uint64_t)r->cfg->commit_every) ||
		    ((fs->lines & 0xffff) == 0 &&
		     now() - last_commit > COMMIT_SECONDS)) {
			if (commit(r, in, fs) < 0)
				return -1;
			lines_at_commit = fs->lines;
			last_commit = now();
		}
		if (r->progress && (fs->lines & 0xffff) == 0)
			show_progress(r, in, fs);
	}
	if (r->progress)
		fputs("\r\033[K", stderr);
	fs->state = state_of(in);
	return commit_sync(r, in, fs);
}

/* Wait until no other worker reads a file starting like this one (the
 * same file under two names, or a gzip copy), then mark it ours. */
static void claim(struct pool *p, const struct fpkey *key, const char *head,
		  size_t len, char fp[FP_HEXLEN + 1])
{
	/* the first 256 bytes: what store.c calls the short head */
	fp_hex(key, head, len < 256 ? len : 256, fp);
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nclaimed;) {
		if (strcmp(p->claimed[i], fp) != 0) {
			i++;
			continue;
		}
		pthread_cond_wait(&p->cv, &p->mu);
		i = 0;
	}
	memcpy(p->claimed[p->nclaimed++], fp, FP_HEXLEN + 1);
	pthread_mutex_unlock(&p->mu);
}

static void release(struct pool *p, const char fp[FP_HEXLEN + 1])
{
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < p->nclaimed; i++)
		if (strcmp(p->claimed[i], fp) == 0) {
			p->claimed[i][0] = '\0';
			memcpy(p->claimed[i], p->claimed[--p->nclaimed],
			       FP_HEXLEN + 1);
			break;
		}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static int read_file(struct run *r, struct input *in, const char *path,
		     const char *head, size_t headlen, struct file_state *fs);

/* Bind the rules to the format; verdicts made for another format's
 * fields no longer hold. */
static void bind_format(struct run *r)
{
	rules_bind(r->rs, r->fmt, NULL, NULL);
	r->ninputs = rules_inputs(r->rs, r->inputs);
	if (r->verdicts) {
		memo_free(r->verdicts);
		r->verdicts = memo_new(VERDICTS, VERDICT_ENTRY);
	}
}

static int ingest_file(struct run *r, const char *path, int thread)
{
	char emsg[512];
	struct input *in = input_open(path, thread, emsg, sizeof(emsg));
	struct file_state fs;
	const char *head;
	size_t headlen;
	char claim_fp[FP_HEXLEN + 1];
	int rc = 0;

	if (!in) {
		err("%s", emsg);
		r->partial = 1;
		return 0;
	}
	r->files++;
	input_head(in, &head, &headlen);
	if (headlen == 0) {
		debug("%s: empty", path);
		input_close(in);
		return 0;
	}
	if (headlen < INPUT_HEAD_MAX && input_end(in) != INPUT_END_CLEAN) {
		/* Too little to tell it from a copy of a file read before,
		 * and not whole: a gzip being written.  Wait for it. */
		err("%s: %s, too short to identify; it will be read once "
		    "whole",
		    path, input_end_message(in));
		r->partial = 1;
		input_close(in);
		return 0;
	}
	claim(r->pool, &r->key, head, headlen, claim_fp);
	if (store_file_find(r->st, &r->key, head, headlen, &fs, r->emsg,
			    sizeof(r->emsg)) < 0) {
		err("%s", r->emsg);
		release(r->pool, claim_fp);
		input_close(in);
		return -1;
	}
	rc = read_file(r, in, path, head, headlen, &fs);
	release(r->pool, claim_fp);
	input_close(in);
	return rc;
}

/* The file is identified and ours: detect its format if asked, skip
 * what was read before, count the rest. */
static int read_file(struct run *r, struct input *in, const char *path,
		     const char *head, size_t headlen, struct file_state *fs)
{
	char emsg[512];
	int rc;

	if (!r->cfg->format || strcmp(r->cfg->format, "auto") == 0) {
		format_free(r->fmt);
		r->fmt = format_detect(head, headlen, emsg, sizeof(emsg));
		if (!r->fmt) {
			err("%s: %s", path, emsg);
			return -2;
		}
		debug("%s: format %s", path, format_spec(r->fmt));
		bind_format(r);
	}
	fs->name = path;
	fs->gzip = input_is_gzip(in);
	if (fs->known)
		debug("%s: known, resuming after line %llu", path,
		      (unsigned long long)fs->lines);
	if (fs->known && fs->bytes) {
		int skip = input_skip(in, fs->bytes);

		if (skip < 0) {
			/* a damaged or unfinished copy of what was read */
			err("%s: %s, within the %llu lines already counted "
			    "from this file",
			    path, input_end_message(in),
			    (unsigned long long)fs->lines);
			r->partial = 1;
		}
		if (skip != 0) {
			debug("%s: nothing new", path);
			return 0;
		}
	}
	rc = read_lines(r, in, fs);
	if (rc == 0 && (strcmp(fs->state, "truncated") == 0 ||
			strcmp(fs->state, "corrupt") == 0 ||
			strcmp(fs->state, "read error") == 0)) {
		err("%s: %s; kept the %llu complete lines before it", path,
		    input_end_message(in), (unsigned long long)fs->lines);
		r->partial = 1;
	}
	return rc;
}

static void add_path(struct pool *p, const char *path)
{
	p->paths = xrealloc(p->paths,
			    (size_t)(p->npaths + 1) * sizeof(*p->paths));
	p->paths[p->npaths++] = xstrdup(path);
}

/* A directory's regular files, in name order, hidden ones skipped. */
static int add_dir(struct pool *p, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0) {
		err("%s: cannot read directory", dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;

		if (names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]->d_name) < sizeof(path) &&
		    stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			add_path(p, path);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Every file to read; return -1 if a directory could not be read. */
static int collect(struct pool *p, const struct config *cfg)
{
	int rc = 0;

	for (int i = 0; i < cfg->npaths; i++) {
		struct stat sb;
		const char *path = cfg->paths[i];

		if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
		    S_ISDIR(sb.st_mode))
			rc |= add_dir(p, path);
		else
			add_path(p, path);
	}
	return rc;
}

static void summary(const struct run *r)
{
	char line[1024];
	size_t n = 0;
	int nc = rules_nclasses(r->rs);

	n += (size_t)snprintf(line + n, sizeof(line) - n,
			      "%llu file%s, %llu new lines, %llu bad;",
			      (unsigned long long)r->files,
			      r->files == 1 ? "" : "s",
			      (unsigned long long)r->lines,
			      (unsigned long long)r->bad);
	for (int i = 0; i <= nc && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %llu%s",
				      rules_class_name(r->rs, i),
				      (unsigned long long)r->per_class[i],
				      i < nc ? "," : "");
	info("%s", line);
}

/* A worker's own rules, format, cache and database connection. */
static int worker_setup(struct run *r)
{
	const char *names[RULES_MAX_CLASSES];
	int legacy[RULES_MAX_CLASSES];

	r->rs = rules_load(r->cfg->rules, r->emsg, sizeof(r->emsg));
	if (!r->rs)
		return EXIT_USAGE;
	if (r->cfg->format && strcmp(r->cfg->format, "auto") != 0) {
		r->fmt = format_new(r->cfg->format, r->emsg, sizeof(r->emsg));
		if (!r->fmt)
			return EXIT_USAGE;
		bind_format(r);
	}
	if (!r->st) {
		r->st = store_open(r->cfg->db, STORE_WRITE, r->emsg,
				   sizeof(r->emsg));
		if (!r->st)
			return EXIT_FAILED;
		/* the other workers' commits: a batch can take a while */
		store_busy_wait(r->st, 600);
	}
	r->fpc = fpcache_new(&r->key);
	r->verdicts = memo_new(VERDICTS, VERDICT_ENTRY);
	r->agents = memo_new(AGENTS, AGENT_ENTRY);
	for (int i = 0; i < rules_nclasses(r->rs); i++) {
		names[i] = rules_class_name(r->rs, i);
		legacy[i] = rules_class_legacy(r->rs, i);
	}
	store_set_classes(r->st, names, legacy, rules_nclasses(r->rs));
	return EXIT_OK;
}

/* The CPUs this process may run on. */
static int cores(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* Take files from the pool until none is left or a worker failed. */
static void *worker(void *arg)
{
	struct run *r = arg;
	struct pool *p = r->pool;

	for (;;) {
		const char *path = NULL;
		int thread = 0;
		int got;

		pthread_mutex_lock(&p->mu);
		if (!p->failed && p->next < p->npaths) {
			int busy;

			path = p->paths[p->next++];
			/* the workers that will be reading with this one:
			 * a thread to inflate only on a core they leave */
			busy = ++p->reading + (p->npaths - p->next);
			thread = (busy < p->workers ? busy : p->workers) <
				 p->cores;
		}
		pthread_mutex_unlock(&p->mu);
		if (!path)
			break;
		got = ingest_file(r, path, thread);
		pthread_mutex_lock(&p->mu);
		p->reading--;
		pthread_mutex_unlock(&p->mu);
		if (got < 0) {
			r->rc = got == -2 ? EXIT_USAGE : EXIT_FAILED;
			pthread_mutex_lock(&p->mu);
			p->failed = 1;
			pthread_mutex_unlock(&p->mu);
		}
	}
	return NULL;
}

/* Key, database, lock: checked once, before any worker starts. */
static int setup(struct run *r)
{
	const struct config *cfg = r->cfg;
	char id[FP_HEXLEN + 1];
	int rc;

	if (fp_init() < 0 ||
	    fp_key_load(&r->key, cfg->key_file, cfg->db, r->emsg,
			sizeof(r->emsg)) < 0)
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

static void run_free(struct run *r)
{
	store_close(r->st);
	fpcache_free(r->fpc);
	memo_free(r->verdicts);
	memo_free(r->agents);
	format_free(r->fmt);
	rules_free(r->rs);
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
		w[i].fpc = NULL;
		w[i].verdicts = NULL;
		w[i].agents = NULL;
		memset(w[i].per_class, 0, sizeof(w[i].per_class));
		if (worker_setup(&w[i]) == EXIT_OK)
			started[i] = pthread_create(&tid[i], NULL, worker,
						    &w[i]) == 0;
	}
	worker(&w[0]);
	for (int i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		if (w[i].rc != EXIT_OK && rc == EXIT_OK)
			rc = w[i].rc;
		w[0].files += w[i].files;
		w[0].lines += w[i].lines;
		w[0].bad += w[i].bad;
		w[0].partial |= w[i].partial;
		for (int k = 0; k <= RULES_MAX_CLASSES; k++)
			w[0].per_class[k] += w[i].per_class[k];
		run_free(&w[i]);
	}
	return w[0].rc != EXIT_OK ? w[0].rc : rc;
}

int ingest_run(const struct config *cfg)
{
	struct pool pool;
	int n = cfg->jobs > 1 ? (cfg->jobs < 64 ? cfg->jobs : 64) : 1;
	struct run *w = xcalloc((size_t)n, sizeof(*w));
	int rc;

	memset(&pool, 0, sizeof(pool));
	pool.workers = n;
	pool.cores = cores();
	pthread_mutex_init(&pool.mu, NULL);
	pthread_cond_init(&pool.cv, NULL);
	w[0].pool = &pool;
	w[0].cfg = cfg;
	w[0].progress = n == 1 && cfg->verbosity > 0 && isatty(2);
	w[0].started = now();
	if (collect(&pool, cfg) < 0)
		w[0].partial = 1;
	rc = setup(&w[0]);
	if (rc != EXIT_OK) {
		err("%s", w[0].emsg);
		if (rc == EXIT_USAGE)
			fputs("try 'keyaudit --help'\n", stderr);
	} else {
		rc = run_workers(w, n);
	}
	if (rc == EXIT_OK) {
		summary(&w[0]);
		if (w[0].partial)
			rc = EXIT_PARTIAL;
	}
	run_free(&w[0]);
	if (cfg->metrics) {
		struct metrics_ingest m = {rc, now() - w[0].started, w[0].files,
					   w[0].lines, w[0].bad};
		char emsg[1024];

		if (metrics_write_ingest(cfg->metrics, cfg->db, &m, emsg,
					 sizeof(emsg)) < 0) {
			err("%s", emsg);
			rc = rc == EXIT_OK || rc == EXIT_PARTIAL ? EXIT_FAILED
								 : rc;
		}
	}
	for (int i = 0; i < pool.npaths; i++)
		free(pool.paths[i]);
	free(pool.paths);
	pthread_mutex_destroy(&pool.mu);
	pthread_cond_destroy(&pool.cv);
	free(w);
	return rc;
}
