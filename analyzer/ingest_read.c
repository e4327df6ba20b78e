/* ingest_read.c: one file of an ingest run: skip it when unchanged,
 * tell it from others by its head, detect or check its format, resume
 * where the database says it stopped, then the per-line path (parse,
 * hit_make(), store_count()) and the commits of counts and read
 * position together.  A file that cannot be read, identified or parsed
 * is named and skipped. */
#include "ingest_int.h"

#include <stdio.h>
#include <string.h>

#include "hit.h"
#include "msg.h"
#include "parse.h"
#include "store.h"

#define BAD_SHOWN      5  /* bad lines quoted per run */
#define COMMIT_SECONDS 30 /* most work a crash can cost */
/* A file's first new lines are judged before any of them is committed:
 * mostly bad (--max-bad), the file is left unread. */
#define JUDGED_LINES 1000
/* A line dated this much after now is no clock's error but a broken
 * line: a bad line, so that it holds nothing back. */
#define FUTURE_BROKEN (7 * 86400)
/* Complete lines the format is told from, however long they are. */
#define DETECT_LINES 4

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
		pool_now() - last_commit > COMMIT_SECONDS);
}

/* Read lines from in (positioned by resume) and count them.  Return 0,
 * 1 when the file was rejected as mostly bad, -1 on a store failure. */
static int read_lines(struct run *r, struct input *in, struct file_state *fs)
{
	uint64_t lines_at_commit = fs->lines;
	double last_commit = pool_now();
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
			last_commit = pool_now();
		}
		if ((fs->lines & 0xfff) == 0)
			pool_show_progress(r, in, 0);
	}
	if (!judged && reject_mostly_bad(r, fs, &m))
		return 1;
	if (strcmp(fs->state, "waiting") != 0)
		fs->state = rc > 0 ? "interrupted" : state_of(in);
	return commit_sync(r, in, fs);
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
	if (!m->nn || pool_warned_before(r->pool, what))
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
void ingest_bind_format(struct run *r, const char *path)
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
	ingest_bind_format(r, path);
	ignored = format_detect_ignored(r->fmt, head, len);
	snprintf(emsg, sizeof(emsg), "ignored %d %s", ignored,
		 format_spec(r->fmt));
	if (ignored && !pool_warned_before(r->pool, emsg))
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
	if (pool_warned_before(r->pool, what))
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

int ingest_file(struct run *r, int idx, int thread)
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
		pool_no_claim(r->pool, idx);
		r->unchanged++;
		reformat_unchanged(r, path, &disk);
		pool_file_done(r, (uint64_t)disk.size);
		return 0;
	}
	in = input_open(path, thread, emsg, sizeof(emsg));
	if (!in) {
		pool_no_claim(r->pool, idx);
		err("%s: skipped", emsg);
		r->partial = 1;
		r->skipped++;
		return 0;
	}
	rc = check_head(r, in, path);
	if (rc) {
		pool_no_claim(r->pool, idx);
		if (rc == 1) {
			r->partial = 1;
			r->skipped++;
		}
		if (rc == 3)
			r->not_access++;
		pool_file_done(r, input_size(in));
		input_close(in);
		return 0;
	}
	input_head(in, &head, &headlen);
	slot = pool_claim(r->pool, idx, head, headlen);
	if (store_file_find(r->st, &r->key, head, headlen, &fs, r->emsg,
			    sizeof(r->emsg)) < 0) {
		err("%s", r->emsg);
		pool_release(r->pool, slot);
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
	pool_release(r->pool, slot);
	pool_file_done(r, input_size(in));
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
