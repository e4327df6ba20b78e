/* rules_load.c: read a rules file, parse its lines, compile their PCRE2
 * patterns (rules_load()); bind the rules' fields to a format; free. */
#include "rules_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"

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

int rules_class_index(const struct ruleset *rs, const char *name)
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
	if (rules_class_index(rs, name) >= 0)
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
	r->cls = rules_class_index(rs, cls);
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
		int i = rules_class_index(rs, c);

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
