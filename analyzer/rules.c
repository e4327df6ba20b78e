/* rules.c: parse rules files, compile their PCRE2 patterns, classify. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "fp.h"

#define MAX_RULES   256
#define MAX_DECODES 4
#define MAX_CLIENTS 8
#define MAX_PHASES  16
#define SCRATCH	    65536 /* longest decoded value; longer ones fail */

enum decode { DEC_BASIC, DEC_BEARER, DEC_URL };

/* A field, the decode steps applied to it, and a compiled pattern. */
struct matcher {
	char *field;
	int index; /* field index in the bound format, or -1 */
	enum decode dec[MAX_DECODES];
	int ndec;
	pcre2_code *re; /* NULL: any non-empty value */
	int group;	/* number of the named group we want, or 0 */
	int line;
	char *text;
	char *pattern;		  /* as written, or NULL */
	char *spec;		  /* field[:decode...] as written */
	unsigned long limit_hits; /* matches cut by the match limit */
};

struct rule {
	int cls;
	struct matcher m;
};

struct client_src {
	int credential; /* "client credential" */
	int addr;	/* the field is an address */
	struct matcher m;
};

struct phase {
	char *name;
	char date[DAY_SIZE]; /* "on YYYY-MM-DD", or "" */
	unsigned refuse;     /* bit mask of classes */
	int unless_amnesty;
};

#define DCACHE	   4096 /* decoded values remembered */
#define DCACHE_MAX 192	/* longest value remembered */

/* A remembered decode: the same Basic header comes back on every request
 * of a client, and base64 is the costliest step of a line. */
struct dentry {
	const struct matcher *m;
	size_t inlen;
	char in[DCACHE_MAX];
	size_t outlen;
	char out[DCACHE_MAX];
	const char *why;
};

struct ruleset {
	char *path;
	struct format *fmt; /* the format bound last, or NULL */
	struct dentry *dcache;
	char *classes[RULES_MAX_CLASSES + 1];
	int legacy[RULES_MAX_CLASSES + 1];
	int nclasses;
	struct rule rules[MAX_RULES];
	int nrules;
	struct matcher amnesty[MAX_CLIENTS];
	int namnesty;
	struct client_src client[MAX_CLIENTS];
	int nclient;
	struct phase phases[MAX_PHASES];
	int nphases;
	/* sdk and warning lines: the fields an SDK is read from and those
	 * of the platform's warnings, bound to the format */
	char *sdk[RULES_MAX_SDK];
	int sdk_index[RULES_MAX_SDK];
	int sdk_warning[RULES_MAX_SDK];
	int nsdk;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char scratch[2][SCRATCH];
};

/* Parse state for one file, for messages. */
struct loader {
	struct ruleset *rs;
	const char *path;
	int line;
	const char *orig; /* the current line as written */
	char *err;
	size_t errlen;
};

static int fail(struct loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set "PATH:LINE: message" and return -1. */
static int fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->path, ld->line);

	if (n > 0 && (size_t)n < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static char *next_word(char **s)
{
	char *p = *s;
	char *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return w;
}

static char *rest_of_line(char **s)
{
	char *p = *s;

	while (*p == ' ' || *p == '\t')
		p++;
	*s = p + strlen(p);
	return *p ? p : NULL;
}

static int class_index(const struct ruleset *rs, const char *name)
{
	for (int i = 0; i < rs->nclasses; i++)
		if (strcmp(rs->classes[i], name) == 0)
			return i;
	return -1;
}

static int compile_pattern(struct loader *ld, struct matcher *m,
			   const char *pat, const char *group)
{
	int code;
	PCRE2_SIZE off;
	char msg[256];
	int n;

	m->pattern = xstrdup(pat);
	m->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &code,
			      &off, NULL);
	if (!m->re) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		n = snprintf(ld->err, ld->errlen,
			     "%s:%d: bad pattern '%s': %s at offset %zu",
			     ld->path, ld->line, pat, msg, (size_t)off);
		(void)n;
		return -1;
	}
	/* JIT is an optimisation: without it pcre2_match() interprets. */
	pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE);
	m->group = 0;
	if (group) {
		n = pcre2_substring_number_from_name(m->re, (PCRE2_SPTR)group);
		m->group = n > 0 ? n : 0;
	}
	return 0;
}

/* "field" or "field:basic:url" into m. */
static int parse_field(struct loader *ld, struct matcher *m, char *spec)
{
	char *colon = strchr(spec, ':');

	m->line = ld->line;
	m->text = xstrdup(ld->orig);
	m->index = -1;
	m->ndec = 0;
	m->spec = xstrdup(spec);
	if (colon)
		*colon = '\0';
	if (!*spec)
		return fail(ld, "missing field name");
	m->field = xstrdup(spec);
	while (colon) {
		char *d = colon + 1;

		colon = strchr(d, ':');
		if (colon)
			*colon = '\0';
		if (m->ndec == MAX_DECODES)
			return fail(ld, "too many decode steps at '%s'", d);
		if (strcmp(d, "basic") == 0)
			m->dec[m->ndec++] = DEC_BASIC;
		else if (strcmp(d, "bearer") == 0)
			m->dec[m->ndec++] = DEC_BEARER;
		else if (strcmp(d, "url") == 0)
			m->dec[m->ndec++] = DEC_URL;
		else
			return fail(ld,
				    "unknown decode step '%s' (known: basic, "
				    "bearer, url)",
				    d);
	}
	return 0;
}

/* A class name is a CSV header and a JSON key in reports: a small
 * letter, then small letters, digits, '_' and '-', up to 32 bytes. */
static int safe_class_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 32 || name[0] < 'a' || name[0] > 'z')
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int do_class(struct loader *ld, char *args)
{
	struct ruleset *rs = ld->rs;
	char *name = next_word(&args);
	char *flag = next_word(&args);

	if (!name)
		return fail(ld, "class needs a name");
	if (!safe_class_name(name))
		return fail(ld,
			    "class name '%s' is not allowed (a small "
			    "letter, then small letters, digits, '_' or "
			    "'-', up to 32)",
			    name);
	if (strcmp(name, "unknown") == 0)
		return fail(ld, "'unknown' is the class of unmatched requests "
				"and cannot be declared");
	if (class_index(rs, name) >= 0)
		return fail(ld, "class '%s' declared twice", name);
	if (rs->nclasses == RULES_MAX_CLASSES)
		return fail(ld, "too many classes at '%s'", name);
	if (flag && strcmp(flag, "legacy") != 0)
		return fail(ld, "expected 'legacy' or nothing, not '%s'",
			    flag);
	if (next_word(&args))
		return fail(ld, "too many words after class '%s'", name);
	rs->legacy[rs->nclasses] = flag != NULL;
	rs->classes[rs->nclasses++] = xstrdup(name);
	return 0;
}

static int do_rule(struct loader *ld, char *args)
{
	struct ruleset *rs = ld->rs;
	char *cls = next_word(&args);
	char *field = next_word(&args);
	char *pat = rest_of_line(&args);
	struct rule *r;

	if (!cls || !field || !pat)
		return fail(ld, "expected 'rule CLASS FIELD REGEX'");
	if (rs->nrules == MAX_RULES)
		return fail(ld, "too many rules");
	r = &rs->rules[rs->nrules];
	r->cls = class_index(rs, cls);
	if (r->cls < 0)
		return fail(ld,
			    "class '%s' is not declared (add 'class NAME' "
			    "above)",
			    cls);
	rs->nrules++;
	if (parse_field(ld, &r->m, field) < 0)
		return -1;
	return compile_pattern(ld, &r->m, pat, "credential");
}

static int do_amnesty(struct loader *ld, char *args)
{
	struct ruleset *rs = ld->rs;
	char *field = next_word(&args);
	char *pat = rest_of_line(&args);
	struct matcher *m;

	if (!field || !pat)
		return fail(ld, "expected 'amnesty FIELD REGEX'");
	if (rs->namnesty == MAX_CLIENTS)
		return fail(ld, "too many amnesty lines");
	m = &rs->amnesty[rs->namnesty++];
	if (parse_field(ld, m, field) < 0)
		return -1;
	return compile_pattern(ld, m, pat, NULL);
}

static int do_client(struct loader *ld, char *args)
{
	struct ruleset *rs = ld->rs;
	char *field = next_word(&args);
	char *pat = rest_of_line(&args);
	struct client_src *c;

	if (!field)
		return fail(ld, "expected 'client FIELD [REGEX]' or 'client "
				"credential'");
	if (rs->nclient == MAX_CLIENTS)
		return fail(ld, "too many client lines");
	c = &rs->client[rs->nclient++];
	if (strcmp(field, "credential") == 0) {
		c->credential = 1;
		return pat ? fail(ld, "'client credential' takes no "
				      "pattern")
			   : 0;
	}
	c->addr = strcmp(field, "remote_addr") == 0 ||
		  strcmp(field, "client_ip") == 0 ||
		  strcmp(field, "remote_ip") == 0 ||
		  strcmp(field, "c_ip") == 0;
	if (parse_field(ld, &c->m, field) < 0)
		return -1;
	return pat ? compile_pattern(ld, &c->m, pat, "client") : 0;
}

static int do_phase(struct loader *ld, char *args)
{
	struct ruleset *rs = ld->rs;
	char *name = next_word(&args);
	char *verb = next_word(&args);
	char *what = next_word(&args);
	char *w;
	struct phase *ph;

	if (!name || !verb || strcmp(verb, "refuse") != 0 || !what)
		return fail(ld, "expected 'phase NAME refuse CLASS|legacy "
				"[unless amnesty]'");
	if (rs->nphases == MAX_PHASES)
		return fail(ld, "too many phases");
	ph = &rs->phases[rs->nphases++];
	ph->name = xstrdup(name);
	for (char *c = strtok(what, ","); c; c = strtok(NULL, ",")) {
		int i = class_index(rs, c);

		if (strcmp(c, "legacy") == 0) {
			for (i = 0; i < rs->nclasses; i++)
				if (rs->legacy[i])
					ph->refuse |= 1u << i;
		} else if (i < 0)
			return fail(ld, "class '%s' is not declared", c);
		else
			ph->refuse |= 1u << i;
	}
	w = next_word(&args);
	if (w && strcmp(w, "unless") == 0) {
		if (!(w = next_word(&args)) || strcmp(w, "amnesty") != 0)
			return fail(ld, "expected 'unless amnesty'");
		ph->unless_amnesty = 1;
		w = next_word(&args);
	}
	if (w && strcmp(w, "on") == 0) {
		int y, m, d;
		char tail;

		w = next_word(&args);
		if (!w || strlen(w) != DAY_TEXT_LEN || w[4] != '-' ||
		    w[7] != '-' ||
		    sscanf(w, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
			return fail(ld, "expected 'on YYYY-MM-DD'");
		if (!day_valid(y, m, d))
			return fail(ld, "'%s' is not a day of the calendar",
				    w);
		memcpy(ph->date, w, DAY_SIZE);
		w = next_word(&args);
	}
	if (w)
		return fail(ld,
			    "unexpected '%s' in phase (expected "
			    "'[unless amnesty] [on YYYY-MM-DD]')",
			    w);
	return 0;
}

/* "sdk FIELD": a field the SDK is read from; "warning FIELD": a
 * response header of the platform's warnings. */
static int do_sdk(struct loader *ld, char *args, int warning)
{
	struct ruleset *rs = ld->rs;
	char *field = next_word(&args);

	if (!field || next_word(&args))
		return fail(ld, "expected '%s FIELD'",
			    warning ? "warning" : "sdk");
	if (rs->nsdk == RULES_MAX_SDK)
		return fail(ld, "too many sdk and warning lines (at most %d)",
			    RULES_MAX_SDK);
	rs->sdk_index[rs->nsdk] = RULES_SDK_UNBOUND;
	rs->sdk_warning[rs->nsdk] = warning;
	rs->sdk[rs->nsdk++] = xstrdup(field);
	return 0;
}

static int parse_rule_line(struct loader *ld, char *s)
{
	char *kw = next_word(&s);

	if (!kw || kw[0] == '#')
		return 0;
	if (strcmp(kw, "class") == 0)
		return do_class(ld, s);
	if (strcmp(kw, "rule") == 0)
		return do_rule(ld, s);
	if (strcmp(kw, "amnesty") == 0)
		return do_amnesty(ld, s);
	if (strcmp(kw, "client") == 0)
		return do_client(ld, s);
	if (strcmp(kw, "phase") == 0)
		return do_phase(ld, s);
	if (strcmp(kw, "sdk") == 0 || strcmp(kw, "warning") == 0)
		return do_sdk(ld, s, kw[0] == 'w');
	return fail(ld,
		    "unknown directive '%s' (known: class, rule, "
		    "amnesty, client, phase, sdk, warning)",
		    kw);
}

static int check_complete(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	int maxgroups = 1;

	if (rs->nclasses == 0)
		return fail(ld, "no class declared");
	if (rs->nrules == 0)
		return fail(ld, "no rule");
	for (int i = 0; i < rs->nrules; i++) {
		uint32_t n = 0;

		pcre2_pattern_info(rs->rules[i].m.re, PCRE2_INFO_CAPTURECOUNT,
				   &n);
		if ((int)n + 1 > maxgroups)
			maxgroups = (int)n + 1;
	}
	for (int i = 0; i < rs->nclient; i++) {
		uint32_t n = 0;

		if (rs->client[i].m.re)
			pcre2_pattern_info(rs->client[i].m.re,
					   PCRE2_INFO_CAPTURECOUNT, &n);
		if ((int)n + 1 > maxgroups)
			maxgroups = (int)n + 1;
	}
	rs->dcache = xcalloc(DCACHE, sizeof(*rs->dcache));
	rs->md = pcre2_match_data_create((uint32_t)maxgroups, NULL);
	rs->mctx = pcre2_match_context_create(NULL);
	if (rs->mctx) {
		pcre2_set_match_limit(rs->mctx, RULES_MATCH_LIMIT);
		pcre2_set_depth_limit(rs->mctx, RULES_MATCH_LIMIT);
	}
	if (!rs->md || !rs->mctx) {
		fputs("keyaudit: out of memory\n", stderr);
		exit(3);
	}
	return 0;
}

struct ruleset *rules_load(const char *path, char *err, size_t errlen)
{
	struct ruleset *rs = xcalloc(1, sizeof(*rs));
	struct loader ld = {rs, path, 0, NULL, err, errlen};
	char *orig = NULL;
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	rs->path = xstrdup(path);
	if (!f) {
		snprintf(err, errlen, "%s: cannot open rules: %s", path,
			 strerror(errno));
		rules_free(rs);
		return NULL;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		ld.line++;
		/* a UTF-8 byte order mark, as editors on Windows write */
		if (ld.line == 1 && n >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, (size_t)n - 2);
			n -= 3;
		}
		while (n > 0 && strchr("\r\n \t", line[n - 1]))
			line[--n] = '\0';
		if (memchr(line, '\0', (size_t)n))
			rc = fail(&ld, "NUL byte in rules file");
		free(orig);
		orig = xstrdup(line);
		ld.orig = orig;
		if (rc == 0)
			rc = parse_rule_line(&ld, line);
	}
	free(orig);
	free(line);
	fclose(f);
	if (rc == 0)
		rc = check_complete(&ld);
	if (rc < 0) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

static void matcher_free(struct matcher *m)
{
	pcre2_code_free(m->re);
	free(m->field);
	free(m->text);
	free(m->pattern);
	free(m->spec);
}

void rules_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (int i = 0; i < rs->nclasses; i++)
		free(rs->classes[i]);
	for (int i = 0; i < rs->nrules; i++)
		matcher_free(&rs->rules[i].m);
	for (int i = 0; i < rs->namnesty; i++)
		matcher_free(&rs->amnesty[i]);
	for (int i = 0; i < rs->nclient; i++)
		matcher_free(&rs->client[i].m);
	for (int i = 0; i < rs->nphases; i++)
		free(rs->phases[i].name);
	for (int i = 0; i < rs->nsdk; i++)
		free(rs->sdk[i]);
	pcre2_match_data_free(rs->md);
	pcre2_match_context_free(rs->mctx);
	if (rs->dcache)
		sodium_memzero(rs->dcache, DCACHE * sizeof(*rs->dcache));
	free(rs->dcache);
	free(rs->path);
	free(rs);
}

static int bind_one(struct matcher *m, struct format *fmt,
		    void (*warn_fn)(void *, int, const char *), void *ctx)
{
	if (!m->field)
		return 0;
	m->index = format_field_index(fmt, m->field);
	if (m->index >= 0)
		return 0;
	if (warn_fn)
		warn_fn(ctx, m->line, m->field);
	return 1;
}

int rules_bind(struct ruleset *rs, struct format *fmt,
	       void (*warn_fn)(void *ctx, int line, const char *field),
	       void *ctx)
{
	int unknown = 0;

	rs->fmt = fmt;
	for (int i = 0; i < rs->nrules; i++)
		unknown += bind_one(&rs->rules[i].m, fmt, warn_fn, ctx);
	for (int i = 0; i < rs->namnesty; i++)
		unknown += bind_one(&rs->amnesty[i], fmt, warn_fn, ctx);
	for (int i = 0; i < rs->nclient; i++)
		unknown += bind_one(&rs->client[i].m, fmt, warn_fn, ctx);
	/* an sdk field the format lacks is passed over without a word:
	 * the shipped rules name headers few logs have */
	for (int i = 0; i < rs->nsdk; i++)
		rs->sdk_index[i] = strcmp(rs->sdk[i], "http_user_agent") == 0
				       ? RULES_SDK_AGENT
				   : format_field_index(fmt, rs->sdk[i]) >= 0
				       ? format_field_index(fmt, rs->sdk[i])
				       : RULES_SDK_UNBOUND;
	return unknown;
}

int rules_sdk_fields(const struct ruleset *rs, int idx[RULES_MAX_SDK],
		     int warning[RULES_MAX_SDK])
{
	for (int i = 0; i < rs->nsdk; i++) {
		idx[i] = rs->sdk_index[i];
		warning[i] = rs->sdk_warning[i];
	}
	return rs->nsdk;
}

static int same_input(const struct matcher *a, const struct matcher *b)
{
	if (strcmp(a->field, b->field) != 0 || a->ndec != b->ndec)
		return 0;
	for (int i = 0; i < a->ndec; i++)
		if (a->dec[i] != b->dec[i])
			return 0;
	return 1;
}

/* Does m match every value among varied probes (all non-empty ones, and
 * the empty one too when want_empty)? */
static int catch_all(const struct matcher *m, int want_empty)
{
	static const char *const probe[] = {
	    "a",
	    "Z",
	    "0",
	    "-",
	    "abc def",
	    " x ",
	    "\t",
	    "\xff\xfe",
	    "0/0123456789abcdef0123456789abcdef",
	    "1/1234567890123456:0123456789abcdef0123456789abcdef",
	    "ABCDEFGH.abcdefghijklmnopqrstuvwx",
	    "user:pass",
	    "a/b?c=d&e#f",
	    "%41%zz",
	    "\"quoted\"",
	    "line\nbreak",
	    "::::",
	    "....",
	    "very long value very long value very long value very long"};
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int all = 1;

	if (!m->re || !md) {
		pcre2_match_data_free(md);
		return !m->re;
	}
	for (size_t i = 0; all && i < sizeof(probe) / sizeof(probe[0]); i++)
		all = pcre2_match(m->re, (PCRE2_SPTR)probe[i],
				  strlen(probe[i]), 0, 0, md, NULL) >= 0;
	if (all && want_empty)
		all = pcre2_match(m->re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) >=
		      0;
	pcre2_match_data_free(md);
	return all;
}

int rules_unreachable(const struct ruleset *rs,
		      void (*fn)(void *ctx, int line, int by_line), void *ctx)
{
	int found = 0;

	for (int j = 1; j < rs->nrules; j++) {
		const struct matcher *late = &rs->rules[j].m;
		/* could the later rule match an empty value? */
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		int empty = md && late->re &&
			    pcre2_match(late->re, (PCRE2_SPTR) "", 0, 0, 0, md,
					NULL) >= 0;

		pcre2_match_data_free(md);
		for (int i = 0; i < j; i++) {
			const struct matcher *early = &rs->rules[i].m;
			if (!same_input(early, late))
				continue;
			if (strcmp(early->pattern, late->pattern) == 0 ||
			    catch_all(early, empty)) {
				if (fn)
					fn(ctx, late->line, early->line);
				found++;
				break;
			}
		}
	}
	return found;
}

/* The fields of rules and amnesty lines, and of client lines too when
 * with_client, in increasing order into fields; return how many. */
static int inputs(const struct ruleset *rs, int with_client,
		  int fields[RECORD_MAX_FIELDS])
{
	char used[RECORD_MAX_FIELDS] = {0};
	int n = 0;

	for (int i = 0; i < rs->nrules; i++)
		if (rs->rules[i].m.index >= 0)
			used[rs->rules[i].m.index] = 1;
	for (int i = 0; i < rs->namnesty; i++)
		if (rs->amnesty[i].index >= 0)
			used[rs->amnesty[i].index] = 1;
	for (int i = 0; i < rs->nclient && with_client; i++)
		if (!rs->client[i].credential && rs->client[i].m.index >= 0)
			used[rs->client[i].m.index] = 1;
	for (int i = 0; i < RECORD_MAX_FIELDS; i++)
		if (used[i])
			fields[n++] = i;
	return n;
}

int rules_inputs(const struct ruleset *rs, int fields[RECORD_MAX_FIELDS])
{
	return inputs(rs, 1, fields);
}

int rules_verdict_inputs(const struct ruleset *rs,
			 int fields[RECORD_MAX_FIELDS])
{
	return inputs(rs, 0, fields);
}

int rules_nclient(const struct ruleset *rs)
{
	return rs->nclient;
}

int rules_client_field(const struct ruleset *rs, int i)
{
	return rs->client[i].credential ? RULES_CLIENT_CREDENTIAL
					: rs->client[i].m.index;
}

int rules_field_secret(const struct ruleset *rs, int i)
{
	const char *name;

	for (int r = 0; r < rs->nrules; r++)
		if (rs->rules[r].m.index == i && rs->rules[r].m.group > 0)
			return 1;
	/* a credential's field by its name, whether a rule reads it or
	 * not ($http_x_api_key, $cookie_sessionid, $http_cookie) */
	name = rs->fmt && i >= 0 ? format_field_name(rs->fmt, i) : NULL;
	return name && fp_secret_name(name, strlen(name));
}

int rules_nclasses(const struct ruleset *rs)
{
	return rs->nclasses;
}

const char *rules_class_name(const struct ruleset *rs, int i)
{
	return i < rs->nclasses ? rs->classes[i] : "unknown";
}

int rules_class_legacy(const struct ruleset *rs, int i)
{
	return i < rs->nclasses && rs->legacy[i];
}

int rules_nrules(const struct ruleset *rs)
{
	return rs->nrules;
}

int rules_nphases(const struct ruleset *rs)
{
	return rs->nphases;
}

const char *rules_phase_name(const struct ruleset *rs, int i)
{
	return rs->phases[i].name;
}

const char *rules_phase_date(const struct ruleset *rs, int i)
{
	return rs->phases[i].date;
}

int rules_phase_find(const struct ruleset *rs, const char *name)
{
	for (int i = 0; i < rs->nphases; i++)
		if (strcmp(rs->phases[i].name, name) == 0)
			return i;
	return -1;
}

int rules_class_find(const struct ruleset *rs, const char *name)
{
	int i = class_index(rs, name);

	return i < 0 ? rs->nclasses : i;
}

int rules_phase_refuses(const struct ruleset *rs, int i, int cls, int amnesty)
{
	const struct phase *ph = &rs->phases[i];

	if (cls >= rs->nclasses || !(ph->refuse & (1u << cls)))
		return 0;
	return !(ph->unless_amnesty && amnesty);
}

/* Strip an auth scheme ("Basic ", "Bearer ") case-insensitively. */
static int strip_scheme(struct span *v, const char *scheme)
{
	size_t n = strlen(scheme);

	if (v->len <= n || strncasecmp(v->p, scheme, n) != 0 ||
	    (v->p[n] != ' ' && v->p[n] != '\t'))
		return -1;
	v->p += n;
	v->len -= n;
	while (v->len && (*v->p == ' ' || *v->p == '\t')) {
		v->p++;
		v->len--;
	}
	return v->len ? 0 : -1;
}

/* Basic credentials: base64, then the user part: everything before the
 * last ':', so that "1/123:abc" with an empty password stays whole. */
static const char *decode_basic(struct span *v, char *out)
{
	size_t n = 0;
	const char *colon = NULL;

	if (strip_scheme(v, "Basic") < 0)
		return "not Basic credentials";
	if (sodium_base642bin((unsigned char *)out, SCRATCH / 2, v->p, v->len,
			      NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 &&
	    sodium_base642bin((unsigned char *)out, SCRATCH / 2, v->p, v->len,
			      NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return "Basic credentials are not valid base64";
	for (size_t i = 0; i < n; i++)
		if (out[i] == ':')
			colon = out + i;
	v->p = out;
	v->len = colon ? (size_t)(colon - out) : n;
	return NULL;
}

static const char *decode_url(struct span *v, char *out)
{
	if (v->len > SCRATCH / 2)
		return "value too long to decode";
	v->len = buf_url_decode(v->p, v->len, out);
	v->p = out;
	return NULL;
}

/* Value of m's field in rec after its decode steps, in *v.  Return NULL,
 * or a static reason why the value could not be decoded. */
static const char *field_value(const struct matcher *m,
			       const struct record *rec, char *scratch,
			       struct span *v)
{
	*v = rec->field[m->index];
	for (int i = 0; i < m->ndec; i++) {
		const char *why = NULL;
		/* Each step writes into a buffer it does not read from. */
		char *out = scratch + (i % 2) * (SCRATCH / 2);

		if (m->dec[i] == DEC_BEARER)
			why = strip_scheme(v, "Bearer") < 0
				  ? "not Bearer credentials"
				  : NULL;
		else if (v->len > SCRATCH / 2)
			why = "value too long to decode";
		else if (m->dec[i] == DEC_BASIC)
			why = decode_basic(v, out);
		else
			why = decode_url(v, out);
		if (why)
			return why;
	}
	return NULL;
}

/* field_value() through the decode cache.  The value is copied into
 * scratch, so that a later lookup cannot change it. */
static const char *cached_value(struct ruleset *rs, const struct matcher *m,
				const struct record *rec, char *scratch,
				struct span *v)
{
	struct span raw = rec->field[m->index];
	struct dentry *e;
	const char *why;

	if (m->ndec == 0 || raw.len > DCACHE_MAX)
		return field_value(m, rec, scratch, v);
	e = &rs->dcache[(buf_hash(raw.p, raw.len) ^ (uintptr_t)m) &
			(DCACHE - 1)];
	if (e->m != m || e->inlen != raw.len ||
	    memcmp(e->in, raw.p, raw.len) != 0) {
		why = field_value(m, rec, scratch, v);
		if (!why && v->len > DCACHE_MAX)
			return NULL; /* too long to remember */
		e->m = m;
		e->inlen = raw.len;
		memcpy(e->in, raw.p, raw.len);
		e->why = why;
		e->outlen = why ? 0 : v->len;
		memcpy(e->out, why ? "" : v->p, e->outlen);
	}
	/* decoded values go to the upper half, where the steps never
	 * write their last output when there is one step */
	memcpy(scratch + SCRATCH / 2, e->out, e->outlen);
	v->p = scratch + SCRATCH / 2;
	v->len = e->outlen;
	return e->why;
}

/* Match m against its value in rec.  Return 1 and the wanted group (or
 * the whole match) in *cap, or 0. */
static int matcher_run(struct ruleset *rs, struct matcher *m,
		       const struct record *rec, char *scratch,
		       struct span *value, const char **why, struct span *cap)
{
	PCRE2_SIZE *ov;
	int g;
	int rc;

	*why = NULL;
	value->p = "";
	value->len = 0;
	if (m->index < 0)
		return 0;
	*why = cached_value(rs, m, rec, scratch, value);
	if (*why)
		return 0;
	if (!m->re) {
		*cap = *value;
		return value->len > 0;
	}
	rc = pcre2_match(m->re, (PCRE2_SPTR)value->p, value->len, 0, 0, rs->md,
			 rs->mctx);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		m->limit_hits++;
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(rs->md);
	g = m->group;
	if (g && ov[2 * g] == PCRE2_UNSET) {
		cap->p = value->p;
		cap->len = 0;
		return 1;
	}
	cap->p = value->p + ov[2 * g];
	cap->len = ov[2 * g + 1] - ov[2 * g];
	return 1;
}

enum client_source rules_client_line(struct ruleset *rs, int i,
				     const struct record *rec, struct span *id)
{
	struct client_src *c = &rs->client[i];
	struct span val;
	const char *why;

	if (c->credential ||
	    !matcher_run(rs, &c->m, rec, rs->scratch[1], &val, &why, id) ||
	    !id->len)
		return CLIENT_NONE;
	return c->addr ? CLIENT_ADDR : CLIENT_FIELD;
}

static void classify_client(struct ruleset *rs, const struct record *rec,
			    struct verdict *v)
{
	v->client_source = CLIENT_NONE;
	v->client.p = "";
	v->client.len = 0;
	for (int i = 0; i < rs->nclient; i++) {
		struct span cap;
		enum client_source src;

		if (rs->client[i].credential) {
			if (v->credential.len) {
				v->client_source = CLIENT_CREDENTIAL;
				return;
			}
			continue;
		}
		src = rules_client_line(rs, i, rec, &cap);
		if (src != CLIENT_NONE) {
			v->client_source = src;
			v->client = cap;
			return;
		}
	}
}

void rules_classify(struct ruleset *rs, const struct record *rec,
		    struct verdict *v,
		    void (*trace_fn)(void *ctx, const struct rule_trace *t),
		    void *ctx)
{
	struct span val;
	struct span cap;
	const char *why;

	v->cls = rs->nclasses;
	v->rule = -1;
	v->credential.p = "";
	v->credential.len = 0;
	for (int i = 0; i < rs->nrules && v->rule < 0; i++) {
		struct matcher *m = &rs->rules[i].m;
		int hit =
		    matcher_run(rs, m, rec, rs->scratch[0], &val, &why, &cap);

		if (trace_fn) {
			struct rule_trace t = {
			    i,
			    m->line,
			    m->text,
			    m->spec,
			    m->index >= 0,
			    val,
			    rules_field_secret(rs, m->index),
			    why,
			    hit};
			trace_fn(ctx, &t);
		}
		if (!hit)
			continue;
		v->cls = rs->rules[i].cls;
		v->rule = i;
		if (m->group && cap.p >= val.p && cap.len)
			v->credential = cap;
	}
	v->amnesty = 0;
	for (int i = 0; i < rs->namnesty && !v->amnesty; i++)
		v->amnesty = matcher_run(rs, &rs->amnesty[i], rec,
					 rs->scratch[1], &val, &why, &cap);
	classify_client(rs, rec, v);
}

/* Every matcher of rs, in file order of kind: rules, amnesty, client. */
static struct matcher *matcher_at(struct ruleset *rs, int i)
{
	if (i < rs->nrules)
		return &rs->rules[i].m;
	i -= rs->nrules;
	if (i < rs->namnesty)
		return &rs->amnesty[i];
	i -= rs->namnesty;
	return i < rs->nclient ? &rs->client[i].m : NULL;
}

void rules_limit_merge(struct ruleset *into, struct ruleset *from)
{
	struct matcher *a;
	struct matcher *b;

	for (int i = 0; (a = matcher_at(into, i)) && (b = matcher_at(from, i));
	     i++)
		a->limit_hits += b->limit_hits;
}

unsigned long rules_limit_each(struct ruleset *rs,
			       void (*fn)(void *ctx, int line,
					  unsigned long hits),
			       void *ctx)
{
	unsigned long total = 0;
	struct matcher *m;

	for (int i = 0; (m = matcher_at(rs, i)); i++) {
		if (!m->limit_hits)
			continue;
		total += m->limit_hits;
		if (fn)
			fn(ctx, m->line, m->limit_hits);
	}
	return total;
}

/* Groups open while a pattern is read. */
struct grp {
	int unbounded; /* holds an unbounded repeat */
	int alt;       /* holds alternatives */
};

/* Length of an unbounded repeat (+ * {n,}) at p, or 0. */
static size_t unbounded_at(const char *p)
{
	const char *q = p + 1;

	if (*p == '+' || *p == '*')
		return 1;
	if (*p != '{' || !isdigit((unsigned char)*q))
		return 0;
	while (isdigit((unsigned char)*q))
		q++;
	return q[0] == ',' && q[1] == '}' ? (size_t)(q + 2 - p) : 0;
}

/* Does pat repeat, without bound, a group that holds an unbounded repeat
 * or alternatives ((a+)+, (a|aa)+)?  Such a pattern can take time
 * exponential in the value's length to fail. */
static int nested_repeat(const char *pat)
{
	struct grp st[64];
	int depth = 0;

	memset(st, 0, sizeof(st));
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			p += p[1] == ']' ? 2 : 1;
			while (*p && *p != ']')
				p += *p == '\\' && p[1] ? 2 : 1;
			if (!*p)
				break;
		} else if (*p == '(' && depth < 63) {
			st[++depth] = (struct grp){0, 0};
		} else if (*p == '|') {
			st[depth].alt = 1;
		} else if (*p == ')' && depth > 0) {
			struct grp g = st[depth--];
			int rep = unbounded_at(p + 1) > 0;

			if (rep && (g.unbounded || g.alt))
				return 1;
			st[depth].unbounded |= g.unbounded || rep;
		} else if (unbounded_at(p)) {
			st[depth].unbounded = 1;
		}
	}
	return 0;
}

int rules_nested_repeats(const struct ruleset *rs,
			 void (*fn)(void *ctx, int line), void *ctx)
{
	int found = 0;

	for (int i = 0; i < rs->nrules + rs->namnesty + rs->nclient; i++) {
		const struct matcher *m =
		    matcher_at((struct ruleset *)(uintptr_t)rs, i);

		if (m->pattern && nested_repeat(m->pattern)) {
			found++;
			if (fn)
				fn(ctx, m->line);
		}
	}
	return found;
}
