/* ingest.c: drive the pipeline for the ingest command: pick the files,
 * open each, resume where the database says it stopped, parse, count
 * (hit.c makes each record a hit), and commit counts and read positions
 * together.  A file that cannot be read, identified or parsed is named
 * and skipped; the others are read. */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "fp.h"
#include "hit.h"
#include "input.h"
#include "metrics.h"
#include "msg.h"
#include "parse.h"
#include "route.h"
#include "rules.h"
#include "store.h"

#define BAD_SHOWN      5  /* bad lines quoted per run */
#define COMMIT_SECONDS 30 /* most work a crash can cost */
/* A file's first new lines are judged before any of them is committed:
 * mostly bad (--max-bad), the file is left unread. */
#define JUDGED_LINES 1000
/* A line dated after now and this much waits, with the rest of its
 * file, for a later run: clocks disagree by seconds or minutes; a host
 * whose clock is hours behind the server's reads those lines once it
 * has caught up. */
#define FUTURE_SLACK 3600
/* A line dated this much after now is no clock's error but a broken
 * line: a bad line, so that it holds nothing back. */
#define FUTURE_BROKEN (7 * 86400)
/* Complete lines the format is told from, however long they are. */
#define DETECT_LINES   4
#define MAX_CLAIMS     64   /* as many as workers */
#define PROGRESS_EVERY 0.25 /* seconds between progress lines */
#define MAX_WARNED     32

/* The signal that asked the run to stop, or 0. */
static volatile sig_atomic_t stop_signal;

/* The head of a file a worker is reading. */
struct claim {
	int used;
	size_t len;
	char head[INPUT_HEAD_MAX];
};

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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Has this warning been given in this run?  If not, note it. */
static int warned_before(struct pool *p, const char *what)
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
static void show_progress(struct run *r, struct input *in, int force)
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
	t = now();
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
static void file_done(struct run *r, uint64_t size)
{
	__atomic_add_fetch(&r->pool->done_bytes, size, __ATOMIC_RELAXED);
	show_progress(r, NULL, 1);
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

/* Count one line.  Return 0, or 1 when it is dated in the future: it
 * is not counted, and it and the rest of the file wait. */
static int count_line(struct run *r, struct file_state *fs, const char *line,
		      size_t len)
{
	struct record rec;
	struct hit h;

	/* the hole a copytruncate leaves before a writer's next line */
	while (len && *line == '\0') {
		line++;
		len--;
	}
	rec.lineno = fs->lines;
	if (parse_line(r->fmt, line, len, &rec) < 0) {
		/* a W3C log's own header lines are no requests, and fine */
		if (!format_is_directive(r->fmt, line, len))
			bad_line(r, fs, rec.error);
		return 0;
	}
	if (rec.time > r->pool->future + FUTURE_BROKEN - FUTURE_SLACK) {
		bad_line(r, fs, "dated more than 7 days in the future");
		return 0;
	}
	if (rec.time > r->pool->future)
		return 1;
	if (!store_day_kept(r->st, rec.time)) {
		bad_line(r, fs, "dated before the first day kept (pruned)");
		return 0;
	}
	hit_make(r->hm, &rec, &h);
	store_count(r->st, fs, &h);
	r->per_class[h.cls]++;
	return 0;
}

/* The file's line fs->lines + 1 is dated in the future: say so once,
 * and leave it and the rest of the file for a later run. */
static void wait_future(struct run *r, struct file_state *fs)
{
	warn("%s:%llu: dated more than %d s after this host's clock: it "
	     "and the rest of the file wait for a later run",
	     fs->name, (unsigned long long)fs->lines + 1, FUTURE_SLACK);
	fs->state = "waiting";
	r->partial = 1;
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

	if (strcmp(fs->state, "waiting") == 0) {
		/* fs->bytes stops before the line that waits */
		fs->has_crc = 0;
		fs->pending = 0;
	} else {
		if (at >= fs->bytes) {
			fs->bytes = at;
			fs->has_crc = input_crc(in, &fs->crc) == 0;
		}
		fs->pending = input_pending(in);
	}
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

/* The run's counters at the start of a file, to take back the file's
 * lines when it is not read after all. */
struct mark {
	uint64_t lines;
	uint64_t bad;
	uint64_t fs_lines;
	uint64_t fs_bad;
	uint64_t per_class[RULES_MAX_CLASSES + 1];
};

static void mark_set(const struct run *r, const struct file_state *fs,
		     struct mark *m)
{
	m->lines = r->lines;
	m->bad = r->bad;
	m->fs_lines = fs->lines;
	m->fs_bad = fs->bad;
	memcpy(m->per_class, r->per_class, sizeof(m->per_class));
}

/* Are the lines since m mostly bad?  Then drop their counts, name the
 * file and return 1: nothing of it is committed, and its position stays
 * where these lines began. */
static int reject_mostly_bad(struct run *r, const struct file_state *fs,
			     const struct mark *m)
{
	uint64_t n = fs->lines - m->fs_lines;
	uint64_t bad = fs->bad - m->fs_bad;

	if (n == 0 || bad * 100 <= (uint64_t)r->cfg->max_bad * n)
		return 0;
	store_discard(r->st);
	r->lines = m->lines;
	r->bad = m->bad;
	memcpy(r->per_class, m->per_class, sizeof(r->per_class));
	if (n == 1)
		err("%s: skipped: its one new line is bad as format %s; "
		    "nothing of it was counted",
		    fs->name, format_spec(r->fmt));
	else
		err("%s: skipped: %llu of its first %llu new lines are bad "
		    "(more than --max-bad %d%%) as format %s; nothing of it "
		    "was counted",
		    fs->name, (unsigned long long)bad, (unsigned long long)n,
		    r->cfg->max_bad, format_spec(r->fmt));
	r->partial = 1;
	r->skipped++;
	return 1;
}

/* Is it time to commit the lines counted since the last commit? */
static int commit_due(const struct run *r, const struct file_state *fs,
		      uint64_t lines_at_commit, double last_commit)
{
	return store_batch_full(r->st) ||
	       (r->cfg->commit_every && fs->lines - lines_at_commit >=
					    (uint64_t)r->cfg->commit_every) ||
	       ((fs->lines & 0xffff) == 0 &&
		now() - last_commit > COMMIT_SECONDS);
}

/* Read lines from in (positioned by resume) and count them.  Return 0,
 * 1 when the file was rejected as mostly bad, -1 on a store failure. */
static int read_lines(struct run *r, struct input *in, struct file_state *fs)
{
	uint64_t lines_at_commit = fs->lines;
	double last_commit = now();
	struct mark m;
	int judged = 0;
	const char *line;
	size_t len;
	int rc = 1;

	mark_set(r, fs, &m);
	fs->state = "reading";
	while (!stop_signal && (rc = input_next_line(in, &line, &len)) > 0) {
		fs->lines++;
		r->lines++;
		if (rc == 2) {
			bad_line(r, fs, "line longer than 1 MiB");
		} else if (count_line(r, fs, line, len)) {
			if (strcmp(fs->name, "-") == 0) {
				/* a pipe is not read again: no line waits */
				bad_line(r, fs, "dated in the future");
			} else {
				fs->lines--;
				r->lines--;
				wait_future(r, fs);
				break;
			}
		}
		fs->bytes = input_offset(in);
		if (!judged) {
			if (fs->lines - m.fs_lines < JUDGED_LINES)
				continue;
			judged = 1;
			if (reject_mostly_bad(r, fs, &m))
				return 1;
		}
		if (commit_due(r, fs, lines_at_commit, last_commit)) {
			if (commit(r, in, fs) < 0)
				return -1;
			lines_at_commit = fs->lines;
			last_commit = now();
		}
		if ((fs->lines & 0xfff) == 0)
			show_progress(r, in, 0);
	}
	if (!judged && reject_mostly_bad(r, fs, &m))
		return 1;
	if (strcmp(fs->state, "waiting") != 0)
		fs->state = rc > 0 ? "interrupted" : state_of(in);
	return commit_sync(r, in, fs);
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
static void no_claim(struct pool *p, int idx)
{
	pthread_mutex_lock(&p->mu);
	pass_turn(p, idx);
	pthread_mutex_unlock(&p->mu);
}

/* Wait for the files listed before idx to claim, then until no other
 * worker reads a file whose head matches this one (see same_head()),
 * then mark it ours.  Return the claim's slot. */
static int claim(struct pool *p, int idx, const char *head, size_t len)
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

static void release(struct pool *p, int slot)
{
	pthread_mutex_lock(&p->mu);
	p->claims[slot].used = 0;
	/* the head may hold secrets: leave none behind */
	memset(p->claims[slot].head, 0, p->claims[slot].len);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Names and rules file lines of the rules on fields a format lacks. */
struct names {
	char names[512];
	size_t nn;
	int lines[64];
	int nl;
};

/* Rules that name fields the format lacks, as rules_bind() reports
 * them: request headers (which a log has only when its format was set
 * up to write them) apart from other fields. */
struct missing {
	struct names header;
	struct names other;
};

static void add_name(struct names *m, int line, const char *field)
{
	size_t flen = strlen(field);
	const char *p = m->names;

	/* each name once: it may be followed by ", " or end the list */
	while ((p = strstr(p, field)) != NULL &&
	       !((p == m->names || p[-1] == ' ') &&
		 (p[flen] == ',' || p[flen] == '\0')))
		p++;
	if (!p && m->nn < sizeof(m->names))
		m->nn += (size_t)snprintf(m->names + m->nn,
					  sizeof(m->names) - m->nn, "%s%s",
					  m->nn ? ", " : "", field);
	if (m->nl < (int)(sizeof(m->lines) / sizeof(m->lines[0])))
		m->lines[m->nl++] = line;
}

/* "the rule on line 4" or "the rules on lines 2, 5, 9", in order. */
static void rule_lines(const struct names *m, char *out, size_t outlen)
{
	int v[64];
	int n = 0;
	size_t used;

	for (int i = 0; i < m->nl; i++) {
		int j = n;

		for (; j > 0 && v[j - 1] > m->lines[i]; j--)
			v[j] = v[j - 1];
		v[j] = m->lines[i];
		n++;
	}
	used = (size_t)snprintf(out, outlen, "%s",
				n == 1 ? "the rule on line"
				       : "the rules on lines");
	for (int i = 0; i < n && used < outlen; i++)
		if (i == 0 || v[i] != v[i - 1])
			used += (size_t)snprintf(out + used, outlen - used,
						 "%s %d", i ? "," : "", v[i]);
}

/* Is field a field of some format with fixed fields (remote_user is,
 * of combined; remote_usr is of none)? */
static int fixed_field(const char *field)
{
	char emsg[256];
	const char *name;
	int found = 0;

	for (int i = 0; !found && (name = format_fixed_name(i)) != NULL; i++) {
		struct format *fmt = format_new(name, emsg, sizeof(emsg));

		found = fmt && format_field_index(fmt, field) >= 0;
		format_free(fmt);
	}
	return found;
}

static void note_missing(void *ctx, int line, const char *field)
{
	struct missing *m = ctx;
	int usual = strncmp(field, "http_", 5) == 0 || fixed_field(field);

	add_name(usual ? &m->header : &m->other, line, field);
}

/* Say once a run, and only in the first ingest of a database (rules
 * check says it any time; -v every run), that the format lacks fields
 * the rules read: always (-q too) for a field no fixed format has and
 * that is no request header (a typo in the rules, or a field only the
 * log's own format can have), at the normal level for the others
 * (request headers, which most formats never log; a user name, which
 * AWS logs never have). */
static void say_missing(struct run *r, const char *path, const struct names *m,
			int loud)
{
	char what[600];
	char lines[512];

	snprintf(what, sizeof(what), "%s %s", loud ? "field" : "header",
		 format_spec(r->fmt));
	if (!m->nn || warned_before(r->pool, what))
		return;
	rule_lines(m, lines, sizeof(lines));
	if (!r->pool->first_ingest)
		debug("%s: format %s has no field %s: %s of %s never match",
		      path, format_spec(r->fmt), m->names, lines,
		      r->cfg->rules);
	else if (loud)
		warn("%s: format %s has no field %s: %s of %s never match",
		     path, format_spec(r->fmt), m->names, lines,
		     r->cfg->rules);
	else
		info("%s: format %s has no field %s: %s of %s never match",
		     path, format_spec(r->fmt), m->names, lines,
		     r->cfg->rules);
}

/* Bind the rules to the format; verdicts made for another format's
 * fields no longer hold. */
static void bind_format(struct run *r, const char *path)
{
	struct missing m;

	memset(&m, 0, sizeof(m));
	rules_bind(r->rs, r->fmt, note_missing, &m);
	hit_maker_rebind(r->hm, r->fmt);
	say_missing(r, path, &m.other, 1);
	say_missing(r, path, &m.header, 0);
}

/* A given nginx format whose quoting the log does not share: most
 * lines would be cut at a blank inside a quoted value.  Return 0, or -1
 * when the file is skipped (said). */
static int check_quotes(struct run *r, struct input *in, const char *path)
{
	const char *head;
	size_t len;
	const char *name;

	input_peek_lines(in, DETECT_LINES, &head, &len);
	name = format_quote_mismatch(r->fmt, head, len);
	if (!name)
		return 0;
	err("%s: skipped, nothing counted: the log has $%s in double quotes "
	    "and the format does not; give \"$%s\" in --format, as the "
	    "nginx log_format has it",
	    path, name, name);
	return -1;
}

/* Auto-detection that is not sure does not count: quoted values after
 * the detected layout (an nginx log_format that appends headers) would
 * be dropped.  Return 0, or -1 when the file is skipped (said, with the
 * --format to give). */
static int check_unplaced(struct run *r, const char *path, const char *head,
			  size_t len)
{
	char suggest[2048];
	int n =
	    format_detect_suggest(r->fmt, head, len, suggest, sizeof(suggest));

	if (!n)
		return 0;
	err("%s: skipped, nothing counted: its lines have %d field%s "
	    "after the %s layout, which auto-detection cannot place; give "
	    "the log's format, with the names its nginx log_format gives "
	    "them: --format '%s'",
	    path, n, n > 1 ? "s" : "", format_spec(r->fmt), suggest);
	return -1;
}

/* Detect the format of the file from its first lines, if asked; check a
 * given one.  Return 0, or -1 when the format cannot be told or is not
 * the log's (said, and the file skipped). */
static int detect(struct run *r, struct input *in, const char *path)
{
	char emsg[512];
	const char *head;
	size_t len;
	int ignored;

	if (r->cfg->format && strcmp(r->cfg->format, "auto") != 0)
		return check_quotes(r, in, path);
	input_peek_lines(in, DETECT_LINES, &head, &len);
	format_free(r->fmt);
	r->fmt = format_detect(head, len, emsg, sizeof(emsg));
	if (!r->fmt) {
		err("%s: skipped: %s", path, emsg);
		return -1;
	}
	debug("%s: format %s", path, format_spec(r->fmt));
	if (check_unplaced(r, path, head, len) < 0)
		return -1;
	bind_format(r, path);
	ignored = format_detect_ignored(r->fmt, head, len);
	snprintf(emsg, sizeof(emsg), "ignored %d %s", ignored,
		 format_spec(r->fmt));
	if (ignored && !warned_before(r->pool, emsg))
		warn("%s: %d field%s after the %s layout %s ignored; give "
		     "--format nginx:... to use them",
		     path, ignored, ignored > 1 ? "s" : "",
		     format_spec(r->fmt), ignored > 1 ? "are" : "is");
	return 0;
}

static int read_file(struct run *r, struct input *in, struct file_state *fs);

_Static_assert(FORMAT_LABEL_MAX == STORE_FORMAT_MAX,
	       "a format's name fits the ledger");

/* s in single quotes for a shell, as a command to copy.  Return 0, or
 * -1 when out (len bytes) is too small. */
static int shell_quote(const char *s, char *out, size_t len)
{
	size_t n = 0;

	if (len < 3)
		return -1;
	out[n++] = '\'';
	for (; *s; s++) {
		if (n + 6 > len)
			return -1;
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else
			out[n++] = *s;
	}
	out[n++] = '\'';
	out[n] = '\0';
	return 0;
}

/* A known file whose lines were counted with another format than the
 * one this run reads with (the ledger says which; nothing is said of a
 * file read before formats were recorded): said once per file in a run,
 * with the commands that count it again, and the run's exit status
 * says so (1), night after night until it is counted again or gone. */
static void reformat(struct run *r, int64_t id, const char *path,
		     const char *before, const char *now)
{
	char what[64], qdb[1024], qpath[4200], qfmt[4200];

	if (!before[0] || strcmp(before, now) == 0)
		return;
	r->partial = 1;
	snprintf(what, sizeof(what), "reformat %lld", (long long)id);
	if (warned_before(r->pool, what))
		return;
	if (strcmp(path, "-") == 0 ||
	    shell_quote(r->cfg->db, qdb, sizeof(qdb)) < 0 ||
	    shell_quote(path, qpath, sizeof(qpath)) < 0 ||
	    shell_quote(format_spec(r->fmt), qfmt, sizeof(qfmt)) < 0) {
		err("%s: its lines were counted as format %s, this run reads "
		    "it as %s (only lines it had not read): to count it "
		    "again, forget it (keyaudit forget, by the fingerprint "
		    "keyaudit files shows) and ingest it",
		    path, before, now);
		return;
	}
	err("%s: its lines were counted as format %s, this run reads it as "
	    "%s (only lines it had not read): to count it again as %s, run: "
	    "keyaudit forget --db %s %s && keyaudit ingest --db %s "
	    "--format %s %s",
	    path, before, now, now, qdb, qpath, qdb, qfmt, qpath);
}

/* An unchanged file is not opened: with a given format, the one it was
 * read with is checked from the ledger (with auto-detection there is
 * nothing to compare without opening it). */
static void reformat_unchanged(struct run *r, const char *path,
			       const struct store_disk *d)
{
	char before[STORE_FORMAT_MAX], now[FORMAT_LABEL_MAX];
	int64_t id;

	int rc;

	if (!r->cfg->format || strcmp(r->cfg->format, "auto") == 0)
		return;
	rc = store_file_read_as(r->st, d, &id, before, r->emsg,
				sizeof(r->emsg));
	if (rc < 0) {
		err("%s", r->emsg);
		r->partial = 1;
	}
	if (rc != 1)
		return;
	format_label(r->fmt, now);
	reformat(r, id, path, before, now);
}

/* The file is open: can it be told from others and read?  Return 0
 * when it can, 1 when it was skipped (said), 2 when it is empty, 3 when
 * it is a web server's error log (said). */
static int check_head(struct run *r, struct input *in, const char *path)
{
	const char *head;
	size_t headlen;

	input_head(in, &head, &headlen);
	if (headlen == 0 && input_end(in) != INPUT_END_CLEAN) {
		err("%s: skipped: %s", path, input_end_message(in));
		return 1;
	}
	if (headlen == 0) {
		debug("%s: empty", path);
		return 2;
	}
	if (head[0] == '\0')
		/* no content within reach to tell it from other files */
		warn("%s: begins with over 1 MiB of NUL bytes: known by "
		     "them, as any file that does would be",
		     path);
	if (format_error_log(head, headlen)) {
		info("%s: not an access log (%s), skipped", path,
		     format_error_log(head, headlen));
		return 3;
	}
	if (headlen < INPUT_HEAD_MAX && input_end(in) != INPUT_END_CLEAN) {
		/* Too little to tell it from a copy of a file read before,
		 * and not whole: a gzip being written.  Wait for it. */
		err("%s: %s, too short to identify; it will be read once "
		    "whole",
		    path, input_end_message(in));
		return 1;
	}
	return detect(r, in, path) < 0 ? 1 : 0;
}

/* Is path a file read to its end before and unchanged since?  Then it
 * is not opened.  d is filled for the ledger (has_disk) either way. */
static int unchanged(struct run *r, const char *path, struct store_disk *d,
		     int *has_disk)
{
	int rc;

	*has_disk =
	    strcmp(path, "-") != 0 && store_disk_probe(&r->key, path, d) == 0;
	if (!*has_disk)
		return 0;
	rc = store_file_unchanged(r->st, d, r->emsg, sizeof(r->emsg));
	if (rc < 0) {
		/* the file is read as if it were new to this check */
		err("%s", r->emsg);
		r->partial = 1;
		*has_disk = 0;
		return 0;
	}
	if (rc)
		debug("%s: read before and unchanged since", path);
	return rc;
}

static int ingest_file(struct run *r, int idx, int thread)
{
	const char *path = r->pool->paths[idx];
	char emsg[512];
	struct store_disk disk;
	int has_disk;
	struct input *in;
	struct file_state fs;
	const char *head;
	size_t headlen;
	int slot;
	int rc;

	r->files++;
	if (unchanged(r, path, &disk, &has_disk)) {
		no_claim(r->pool, idx);
		r->unchanged++;
		reformat_unchanged(r, path, &disk);
		file_done(r, (uint64_t)disk.size);
		return 0;
	}
	in = input_open(path, thread, emsg, sizeof(emsg));
	if (!in) {
		no_claim(r->pool, idx);
		err("%s: skipped", emsg);
		r->partial = 1;
		r->skipped++;
		return 0;
	}
	rc = check_head(r, in, path);
	if (rc) {
		no_claim(r->pool, idx);
		if (rc == 1) {
			r->partial = 1;
			r->skipped++;
		}
		if (rc == 3)
			r->not_access++;
		file_done(r, input_size(in));
		input_close(in);
		return 0;
	}
	input_head(in, &head, &headlen);
	slot = claim(r->pool, idx, head, headlen);
	if (store_file_find(r->st, &r->key, head, headlen, &fs, r->emsg,
			    sizeof(r->emsg)) < 0) {
		err("%s", r->emsg);
		release(r->pool, slot);
		input_close(in);
		return -1;
	}
	fs.name = path;
	fs.disk = disk;
	fs.has_disk = has_disk;
	format_label(r->fmt, fs.format);
	if (fs.known)
		reformat(r, fs.id, path, fs.read_as, fs.format);
	rc = read_file(r, in, &fs);
	release(r->pool, slot);
	file_done(r, input_size(in));
	input_close(in);
	return rc;
}

/* The file is identified and ours: skip what was read before, count
 * the rest. */
static int read_file(struct run *r, struct input *in, struct file_state *fs)
{
	int rc;

	fs->gzip = input_is_gzip(in);
	if (fs->known)
		debug("%s: known, resuming after line %llu", fs->name,
		      (unsigned long long)fs->lines);
	if (fs->known && fs->bytes) {
		/* a gzip made of what was read is known by its trailer */
		int skip = fs->has_crc
			       ? input_skip_known(in, fs->bytes, fs->crc)
			       : input_skip(in, fs->bytes);

		if (skip < 0) {
			/* a damaged or unfinished copy of what was read */
			err("%s: %s, within the %llu lines already counted "
			    "from this file",
			    fs->name, input_end_message(in),
			    (unsigned long long)fs->lines);
			r->partial = 1;
		}
		if (skip == 2)
			debug("%s: its gzip trailer shows it holds the %llu "
			      "bytes read before and no more: not inflated",
			      fs->name, (unsigned long long)fs->bytes);
		else if (skip != 0) {
			debug("%s: nothing new", fs->name);
			return 0;
		}
	}
	rc = read_lines(r, in, fs);
	if (rc > 0)
		return 0; /* rejected, and said so */
	if (rc == 0 && (strcmp(fs->state, "truncated") == 0 ||
			strcmp(fs->state, "corrupt") == 0 ||
			strcmp(fs->state, "read error") == 0)) {
		err("%s: %s; kept the %llu complete lines before it", fs->name,
		    input_end_message(in), (unsigned long long)fs->lines);
		r->partial = 1;
	}
	return rc;
}

static void add_path(struct pool *p, const char *path, uint64_t size)
{
	p->paths =
	    xrealloc(p->paths, (size_t)(p->npaths + 1) * sizeof(*p->paths));
	p->sizes =
	    xrealloc(p->sizes, (size_t)(p->npaths + 1) * sizeof(*p->sizes));
	p->sizes[p->npaths] = size;
	p->paths[p->npaths++] = xstrdup(path);
	p->total_bytes += size;
}

/* Is a directory's file called name to be read (--include, --exclude)? */
static int picked(const struct config *cfg, const char *name)
{
	int in = cfg->ninclude == 0;

	for (int i = 0; i < cfg->ninclude && !in; i++)
		in = fnmatch(cfg->include[i], name, 0) == 0;
	for (int i = 0; i < cfg->nexclude && in; i++)
		in = fnmatch(cfg->exclude[i], name, 0) != 0;
	return in;
}

/* Is the directory entry path, of stat sb, a file to read?  Say why
 * not when it is not: nothing in a directory is passed over unsaid. */
static int readable_entry(const char *path, const struct stat *sb)
{
	if (S_ISREG(sb->st_mode))
		return 1;
	if (S_ISDIR(sb->st_mode))
		err("%s: a directory, not read (give it as a path, or "
		    "--exclude it)",
		    path);
	else
		err("%s: not a regular file, not read (--exclude it)", path);
	return 0;
}

/* A directory's regular files, in name order, hidden ones skipped;
 * every other entry --include and --exclude pick (a subdirectory, a
 * fifo, a dangling link, a name too long) is said and counted in
 * *unread.  Return -1 if the directory could not be read, else the
 * number of entries picked. */
static int add_dir(struct pool *p, const struct config *cfg, const char *dir,
		   uint64_t *unread)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int picks = 0;

	if (n < 0) {
		err("%s: cannot read directory: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		const char *name = names[i]->d_name;
		int len;

		if (name[0] == '.' || !picked(cfg, name)) {
			free(names[i]);
			continue;
		}
		picks++;
		len = snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			err("%s/%.64s...: path too long, not read", dir, name);
			(*unread)++;
		} else if (stat(path, &sb) != 0) {
			err("%s: cannot stat: %s", path, strerror(errno));
			(*unread)++;
		} else if (readable_entry(path, &sb)) {
			add_path(p, path, (uint64_t)sb.st_size);
		} else {
			(*unread)++;
		}
		free(names[i]);
	}
	free(names);
	return picks;
}

/* Every file to read, in *unread the directory entries not read and in
 * *absent the paths that give no input at all, a missing path or a
 * directory with no file to read (said); return -1 if a directory could
 * not be read. */
static int collect(struct pool *p, const struct config *cfg, uint64_t *unread,
		   uint64_t *absent)
{
	int rc = 0;

	for (int i = 0; i < cfg->npaths; i++) {
		struct stat sb;
		const char *path = cfg->paths[i];
		int stdin_ = strcmp(path, "-") == 0;
		int found = !stdin_ && stat(path, &sb) == 0;
		int picks;

		if (!stdin_ && !found && errno == ENOENT) {
			err("%s: no such file or directory: no input", path);
			(*absent)++;
		} else if (found && S_ISDIR(sb.st_mode)) {
			picks = add_dir(p, cfg, path, unread);
			if (picks == 0) {
				err("%s: no file to read (an empty directory, "
				    "or none that --include picks): no input",
				    path);
				(*absent)++;
			}
			rc |= picks < 0 ? -1 : 0;
		} else
			add_path(p, path,
				 found && S_ISREG(sb.st_mode)
				     ? (uint64_t)sb.st_size
				     : 0);
	}
	return rc;
}

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
		bind_format(r, r->cfg->npaths ? r->cfg->paths[0] : "-");
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
static int take(struct pool *p, int *thread)
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

/* Take files from the pool until none is left, a worker failed or the
 * run was asked to stop. */
static void *worker(void *arg)
{
	struct run *r = arg;
	struct pool *p = r->pool;
	int idx;
	int thread = 0;

	while ((idx = take(p, &thread)) >= 0) {
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
static void catch_signals(struct sigaction old[2])
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

static void pool_init(struct pool *p, const struct config *cfg, int n)
{
	memset(p, 0, sizeof(*p));
	p->workers = n;
	p->cores = cores();
	p->claims = xcalloc(MAX_CLAIMS, sizeof(*p->claims));
	p->started = now();
	p->progress = cfg->verbosity > 0 && isatty(2);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

static void pool_free(struct pool *p)
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
	struct metrics_ingest m = {rc,		 now() - started, r->files,
				   r->lines,	 r->bad,	  r->absent,
				   r->not_access};
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
	if (collect(&pool, cfg, &w[0].skipped, &w[0].absent) < 0 ||
	    w[0].skipped)
		w[0].partial = 1;
	w[0].files = w[0].skipped; /* "N files, M skipped": M among N */
	pool.turned = xcalloc((size_t)pool.npaths + 1, 1);
	catch_signals(old);
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
