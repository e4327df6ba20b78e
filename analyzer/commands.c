/* commands.c: report, files, rules check, rules explain, fingerprint. */
#include "commands.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fp.h"
#include "input.h"
#include "lookup.h"
#include "msg.h"
#include "outfile.h"
#include "parse.h"
#include "report.h"
#include "rules.h"
#include "store.h"

static int run_report(const struct config *cfg, const char *kind,
		      const char *out)
{
	char emsg[1024] = "";
	struct report_opts o = {
	    cfg->since,	       cfg->until,	   out,
	    cfg->json,	       cfg->registry,	   cfg->action,
	    cfg->registry_key, cfg->registry_fp,   cfg->registry_delim,
	    cfg->rules,	       cfg->migrated_days, cfg->registry_owner,
	    cfg->messages,     lookup_key_fn,	   (void *)(uintptr_t)cfg,
	    cfg->phase_dates,  cfg->nphase_dates,  cfg->succession_days};
	struct store *st = store_open(cfg->db, STORE_READ, emsg, sizeof(emsg));
	int rc = EXIT_OK;

	if (!st) {
		err("%s", emsg);
		return EXIT_FAILED;
	}
	rc = report_run(st, kind, &o, emsg, sizeof(emsg));
	if (rc < 0)
		err("%s", emsg);
	rc = rc == -2 ? EXIT_USAGE : rc < 0 ? EXIT_FAILED : EXIT_OK;
	store_close(st);
	return rc;
}

int cmd_report(const struct config *cfg)
{
	return run_report(cfg, cfg->report, cfg->out);
}

int cmd_files(const struct config *cfg)
{
	return run_report(cfg, "files", "-");
}

/* rc, or EXIT_FAILED with the reason when standard output could not be
 * written (a full disk, a closed pipe). */
static int stdout_ok(int rc)
{
	char emsg[256];

	if (outfile_check_stdout(emsg, sizeof(emsg)) == 0)
		return rc;
	err("%s", emsg);
	return rc == EXIT_USAGE ? rc : EXIT_FAILED;
}

static void warn_field(void *ctx, int line, const char *field)
{
	const struct config *cfg = *(const struct config **)ctx;

	warn("%s:%d: field '%s' is not in format '%s'; this line never "
	     "matches",
	     cfg->rules, line, field, cfg->format);
}

static void warn_unreachable(void *ctx, int line, int by_line)
{
	const struct config *cfg = *(const struct config **)ctx;

	warn("%s:%d: this rule can never match: the rule on line %d matches "
	     "first",
	     cfg->rules, line, by_line);
}

/* Fields the rules name, with how many fixed formats lack them. */
struct unbound {
	int line[64];
	char field[64][64];
	int missing[64];
	int n;
};

static void count_unbound(void *ctx, int line, const char *field)
{
	struct unbound *u = ctx;
	int i;

	for (i = 0; i < u->n; i++)
		if (u->line[i] == line && strcmp(u->field[i], field) == 0)
			break;
	if (i == u->n) {
		if (u->n == 64)
			return;
		u->line[i] = line;
		snprintf(u->field[i], sizeof(u->field[i]), "%s", field);
		u->missing[u->n++] = 0;
	}
	u->missing[i]++;
}

/* Without --format: a field (not a request header) that no format with
 * fixed fields has is most likely a typo; say so. */
static void check_fields(const struct config *cfg, struct ruleset *rs)
{
	struct unbound u;
	int nfixed = 0;
	char emsg[256];
	const char *name;

	u.n = 0;
	for (; (name = format_fixed_name(nfixed)) != NULL; nfixed++) {
		struct format *fmt = format_new(name, emsg, sizeof(emsg));

		if (fmt)
			rules_bind(rs, fmt, count_unbound, &u);
		format_free(fmt);
	}
	for (int i = 0; i < u.n; i++)
		if (u.missing[i] == nfixed &&
		    strncmp(u.field[i], "http_", 5) != 0)
			warn("%s:%d: field '%s' is in no format with fixed "
			     "fields; only an nginx:, jsonl or regex: format "
			     "can have it",
			     cfg->rules, u.line[i], u.field[i]);
}

static void warn_nested(void *ctx, int line)
{
	const struct config *cfg = *(const struct config **)ctx;

	warn("%s:%d: this pattern repeats a group that holds a repeat or "
	     "alternatives: it may take very long to fail on some values "
	     "(matches stop at PCRE2's match limit of %d and count as no "
	     "match)",
	     cfg->rules, line, RULES_MATCH_LIMIT);
}

static void warn_limit(void *ctx, int line, unsigned long hits)
{
	const char *path = ctx;

	warn("%s:%d: %lu match%s stopped at PCRE2's match limit and counted "
	     "as no match",
	     path, line, hits, hits == 1 ? "" : "es");
}

int cmd_limit_report(struct ruleset *rs, const char *path, int rc)
{
	if (rules_limit_each(rs, warn_limit, (void *)(uintptr_t)path) == 0)
		return rc;
	return rc == EXIT_OK ? EXIT_PARTIAL : rc;
}

int cmd_rules_check(const struct config *cfg)
{
	char emsg[1024];
	struct ruleset *rs = rules_load(cfg->rules, emsg, sizeof(emsg));
	struct format *fmt = NULL;
	int legacy = 0;
	const struct config *ctx = cfg;

	if (!rs) {
		err("%s", emsg);
		return EXIT_USAGE;
	}
	if (cfg->format) {
		fmt = format_new(cfg->format, emsg, sizeof(emsg));
		if (!fmt) {
			err("%s", emsg);
			rules_free(rs);
			return EXIT_USAGE;
		}
		rules_bind(rs, fmt, warn_field, &ctx);
	} else {
		check_fields(cfg, rs);
	}
	rules_unreachable(rs, warn_unreachable, &ctx);
	rules_nested_repeats(rs, warn_nested, &ctx);
	for (int i = 0; i < rules_nclasses(rs); i++)
		legacy += rules_class_legacy(rs, i);
	printf("%s: ok: %d classes (%d legacy), %d rules, %d phases\n",
	       cfg->rules, rules_nclasses(rs), legacy, rules_nrules(rs),
	       rules_nphases(rs));
	format_free(fmt);
	rules_free(rs);
	return stdout_ok(EXIT_OK);
}

struct explain {
	const struct fpkey *key;
};

/* Print a value as a quoted string, escaping what a terminal would
 * interpret, with anything shaped like a credential scrubbed. */
static void print_value(const struct fpkey *key, struct span raw)
{
	static char buf[INPUT_LINE_MAX + 16];
	struct span v = {buf, fp_scrub(key, raw.p, raw.len, buf, sizeof(buf))};

	putchar('"');
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_secret(const struct fpkey *key, struct span v)
{
	char fp[FP_HEXLEN + 1];

	if (!v.len) {
		fputs("\"\"", stdout);
		return;
	}
	fp_hex(key, v.p, v.len, fp);
	printf("<secret, %zu bytes, fp:%s>", v.len, fp);
}

static void trace_rule(void *ctx, const struct rule_trace *t)
{
	const struct explain *x = ctx;

	printf("  rule %d (line %d): %s\n", t->rule + 1, t->line, t->text);
	if (!t->field_known) {
		puts("    field not in this format: no match");
		return;
	}
	if (t->decode_failed) {
		printf("    decode failed: %s: no match\n", t->decode_failed);
		return;
	}
	printf("    %s%s = ", t->spec,
	       strchr(t->spec, ':') ? " (decoded)" : "");
	if (t->secret)
		print_secret(x->key, t->value);
	else
		print_value(x->key, t->value);
	puts(t->matched ? ": MATCH" : ": no match");
}

static void explain_line(struct ruleset *rs, struct format *fmt,
			 const struct fpkey *key, const char *line, size_t len,
			 uint64_t lineno)
{
	struct record rec;
	struct verdict v;
	struct explain x = {key};

	printf("line %llu:\n", (unsigned long long)lineno);
	if (parse_line(fmt, line, len, &rec) < 0) {
		printf("  bad line: %s\n", rec.error);
		return;
	}
	for (int i = 0; i < format_nfields(fmt); i++) {
		printf("  field %s = ", format_field_name(fmt, i));
		if (rules_field_secret(rs, i))
			print_secret(key, rec.field[i]);
		else
			print_value(key, rec.field[i]);
		putchar('\n');
	}
	rules_classify(rs, &rec, &v, trace_rule, &x);
	printf("  class %s%s, amnesty %s\n", rules_class_name(rs, v.cls),
	       rules_class_legacy(rs, v.cls) ? " (legacy)" : "",
	       v.amnesty ? "yes" : "no");
	fputs("  credential ", stdout);
	print_secret(key, v.credential);
	fputs("\n  client ", stdout);
	if (v.client_source == CLIENT_CREDENTIAL) {
		char fp[FP_HEXLEN + 1];

		fp_hex(key, v.credential.p, v.credential.len, fp);
		printf("fp:%s (from the credential)\n", fp);
	} else if (v.client_source == CLIENT_NONE) {
		puts("unknown");
	} else {
		if (v.client_source == CLIENT_ADDR)
			fputs("addr:", stdout);
		print_value(key, v.client);
		putchar('\n');
	}
}

static int auto_format(const struct config *cfg)
{
	return !cfg->format || strcmp(cfg->format, "auto") == 0;
}

int cmd_rules_explain(const struct config *cfg)
{
	char emsg[1024];
	const char *path = cfg->npaths ? cfg->paths[0] : "-";
	struct ruleset *rs = rules_load(cfg->rules, emsg, sizeof(emsg));
	struct format *fmt = NULL;
	struct input *in = NULL;
	struct fpkey key;
	const char *line;
	size_t len;
	uint64_t n = 0;
	int rc = EXIT_OK;
	int got;

	if (!rs || (!auto_format(cfg) &&
		    !(fmt = format_new(cfg->format, emsg, sizeof(emsg))))) {
		err("%s", emsg);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = lookup_key(cfg, &key);
	if (rc != EXIT_OK)
		goto out;
	if (!(in = input_open(path, 1, emsg, sizeof(emsg)))) {
		err("%s", emsg);
		rc = EXIT_FAILED;
		goto out;
	}
	if (!fmt) {
		const char *head;
		size_t headlen;

		input_head(in, &head, &headlen);
		fmt = format_detect(head, headlen, emsg, sizeof(emsg));
		if (!fmt) {
			err("%s: %s", path, emsg);
			rc = EXIT_USAGE;
			goto out;
		}
		printf("format %s\n", format_spec(fmt));
	}
	rules_bind(rs, fmt, NULL, NULL);
	input_hold_partial(in, 0);
	while ((got = input_next_line(in, &line, &len)) > 0) {
		n++;
		if (got == 2)
			printf("line %llu:\n  bad line: longer than 1 MiB\n",
			       (unsigned long long)n);
		else
			explain_line(rs, fmt, &key, line, len, n);
	}
	if (input_end(in) != INPUT_END_CLEAN) {
		err("%s: %s", path, input_end_message(in));
		rc = EXIT_PARTIAL;
	}
	rc = cmd_limit_report(rs, cfg->rules, rc);
out:
	input_close(in);
	format_free(fmt);
	rules_free(rs);
	return stdout_ok(rc);
}

int cmd_fingerprint(const struct config *cfg)
{
	struct fpkey key;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	char fp[FP_HEXLEN + 1];
	int rc = lookup_key(cfg, &key);

	if (rc != EXIT_OK)
		return rc;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		fp_hex(&key, line, (size_t)n, fp);
		printf("fp:%s\n", fp);
	}
	free(line);
	return stdout_ok(EXIT_OK);
}

/* Merge shards into st, holding its lock. */
static int merge_into(struct store *st, const char *const *shards, int n)
{
	char emsg[2048];

	for (int i = 0; i < n; i++) {
		if (store_merge(st, shards[i], emsg, sizeof(emsg)) < 0) {
			err("%s", emsg);
			return EXIT_FAILED;
		}
		debug("%s: merged", shards[i]);
	}
	return EXIT_OK;
}

int cmd_merge(const struct config *cfg)
{
	char emsg[1024];
	struct store *st =
	    store_open(cfg->db, STORE_WRITE, emsg, sizeof(emsg));
	int rc;

	if (!st) {
		err("%s", emsg);
		return EXIT_FAILED;
	}
	rc = store_lock(st, cfg->wait, emsg, sizeof(emsg));
	if (rc) {
		err("%s", emsg);
		store_close(st);
		return rc > 0 ? EXIT_BUSY : EXIT_FAILED;
	}
	rc = merge_into(st, (const char *const *)cfg->paths, cfg->npaths);
	store_close(st);
	if (rc == EXIT_OK)
		info("%s: merged %d shard%s", cfg->db, cfg->npaths,
		     cfg->npaths == 1 ? "" : "s");
	return rc;
}

int cmd_merge_temp(const char *const *shards, int n, char *path)
{
	char emsg[1024];
	const char *dir = getenv("TMPDIR");
	struct store *st;
	int fd;
	int rc;

	snprintf(path, PATH_MAX, "%s/keyaudit-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path); /* mode 0600 */
	if (fd < 0) {
		err("%s: cannot make a temporary database", path);
		return EXIT_FAILED;
	}
	close(fd);
	st = store_open(path, STORE_WRITE, emsg, sizeof(emsg));
	if (!st) {
		err("%s", emsg);
		cmd_merge_cleanup(path);
		return EXIT_FAILED;
	}
	rc = merge_into(st, shards, n);
	store_close(st);
	if (rc != EXIT_OK)
		cmd_merge_cleanup(path);
	return rc;
}

void cmd_merge_cleanup(const char *path)
{
	char p[PATH_MAX + 8];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}
