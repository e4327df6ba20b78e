/* parse_nginx.c: "nginx:<log_format>": a template of literal text and
 * $variables, matched against each line. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "buf.h"

#define MAX_TOKENS (2 * RECORD_MAX_FIELDS + 1)

/* A variable's value runs up to the literal that follows it.  Inside
 * double quotes a backslash escapes the next byte, as Apache writes
 * them (nginx writes \x22, which holds no quote). */
struct token {
	const char *lit; /* literal text, or NULL for a variable */
	size_t litlen;
	int field;  /* the variable's field index */
	int quoted; /* the variable sits inside "..." */
};

enum time_kind { T_LOCAL, T_ISO, T_MSEC };

struct tmpl {
	char *text; /* the template; token literals point into it */
	struct token tok[MAX_TOKENS];
	int ntok;
	int f_time, f_status, f_agent, f_request;
	enum time_kind time_kind;
	int f_method, f_uri, f_proto; /* derived from $request */
};

static int is_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The variable name at s ("$name" or "${name}"): set *name, *n, and
 * return the text after it, or NULL with err set. */
static char *var_name(char *s, char **name, size_t *n, char *err,
		      size_t errlen)
{
	if (s[1] == '{') {
		*name = s + 2;
		*n = strcspn(*name, "}");
		if ((*name)[*n] != '}' || *n == 0) {
			snprintf(err, errlen, "format: unterminated ${...}");
			return NULL;
		}
		return *name + *n + 1;
	}
	*name = s + 1;
	for (*n = 0; is_namechar((unsigned char)(*name)[*n]); (*n)++)
		;
	if (*n == 0) {
		snprintf(err, errlen, "format: '$' without a variable name");
		return NULL;
	}
	return *name + *n;
}

/* Split t->text into tokens.  Return 0 or -1 with err set. */
static int compile(struct format *fmt, struct tmpl *t, char *err,
		   size_t errlen)
{
	char *s = t->text;

	while (*s) {
		struct token *k = &t->tok[t->ntok];
		const struct token *prev = t->ntok ? k - 1 : NULL;
		char *name;
		size_t n;

		if (t->ntok == MAX_TOKENS) {
			snprintf(err, errlen, "format has too many fields");
			return -1;
		}
		if (*s != '$') {
			n = strcspn(s, "$");
			k->lit = s;
			k->litlen = n;
			s += n;
			t->ntok++;
			continue;
		}
		s = var_name(s, &name, &n, err, errlen);
		if (!s)
			return -1;
		if (prev && !prev->lit) {
			snprintf(err, errlen,
				 "format: two variables with nothing between "
				 "them cannot be told apart");
			return -1;
		}
		k->lit = NULL;
		k->field = format_add_field(fmt, name, n);
		if (k->field < 0) {
			snprintf(err, errlen, "format has too many fields");
			return -1;
		}
		k->quoted = prev && prev->litlen > 0 &&
			    prev->lit[prev->litlen - 1] == '"';
		t->ntok++;
	}
	return 0;
}

static int find_special(struct format *fmt, struct tmpl *t)
{
	static const char *const times[] = {"time_local", "time_iso8601",
					    "msec"};

	t->f_time = -1;
	for (int i = 0; i < 3 && t->f_time < 0; i++) {
		t->f_time = format_field_index(fmt, times[i]);
		t->time_kind = (enum time_kind)i;
	}
	t->f_status = format_field_index(fmt, "status");
	t->f_agent = format_field_index(fmt, "http_user_agent");
	t->f_request = format_field_index(fmt, "request");
	t->f_method = t->f_uri = t->f_proto = -1;
	if (t->f_request >= 0 &&
	    format_field_index(fmt, "request_method") < 0) {
		t->f_method = format_add_field(fmt, "request_method", 14);
		t->f_uri = format_add_field(fmt, "request_uri", 11);
		t->f_proto = format_add_field(fmt, "server_protocol", 15);
		if (t->f_proto < 0)
			return -1;
	}
	return 0;
}

static int nginx_init(struct format *fmt, const char *arg, char *err,
		      size_t errlen)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));

	fmt->impl = t;
	t->text = xstrdup(arg);
	if (compile(fmt, t, err, errlen) < 0)
		return -1;
	if (find_special(fmt, t) < 0) {
		snprintf(err, errlen, "format has too many fields");
		return -1;
	}
	if (t->f_time < 0) {
		snprintf(err, errlen,
			 "format '%s' has no $time_local, $time_iso8601 or "
			 "$msec",
			 fmt->spec);
		return -1;
	}
	return 0;
}

static void nginx_free(struct format *fmt)
{
	struct tmpl *t = fmt->impl;

	if (t)
		free(t->text);
	free(t);
}

/* Do n bytes at a and b agree?  Literals are short: a loop beats a
 * call to memcmp(). */
static int same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The first c in [p, end), or NULL.  Most values are short ("-", a
 * status, an address, a user agent): 16 bytes are compared at a time
 * here, which beats a call to memchr() until values are long. */
static const char *find_byte(const char *p, const char *end, char c)
{
#ifdef __SSE2__
	const __m128i want = _mm_set1_epi8(c);

	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, want));

		if (m)
			return p + __builtin_ctz(m);
	}
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
#else
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
#endif
}

/* One line being matched: where the next quote and backslash are, so
 * that each is searched for once whatever the line holds. */
struct scan {
	const char *line;
	const char *end;
	const char *q;	/* next '"' at or after the position, or NULL */
	const char *bs; /* next '\\' at or after it, end when none, NULL
			 * before the first search */
};

/* The first lit in line[pos..len): memchr() for its first byte, then
 * the rest compared.  Return its offset, or -1. */
static long plain_end(const struct scan *sc, size_t pos, const char *lit,
		      size_t litlen)
{
	const char *p = sc->line + pos;

	while ((size_t)(sc->end - p) >= litlen) {
		p = find_byte(p, sc->end - litlen + 1, lit[0]);
		if (!p)
			return -1;
		if (same(p + 1, lit + 1, litlen - 1))
			return p - sc->line;
		p++;
	}
	return -1;
}

/* End of a quoted value: the first unescaped '"' at which the literal
 * lit matches.  Return its offset, or -1. */
static long quoted_end(struct scan *sc, size_t pos, const char *lit,
		       size_t litlen)
{
	const char *end = sc->end;

	for (const char *p = sc->line + pos; p < end;) {
		if (!sc->q || sc->q < p) {
			sc->q = find_byte(p, end, '"');
			if (!sc->q)
				return -1;
		}
		if (!sc->bs || sc->bs < p) {
			sc->bs = memchr(p, '\\', (size_t)(end - p));
			if (!sc->bs)
				sc->bs = end;
		}
		if (sc->bs < sc->q) {
			p = sc->bs + 2; /* the escaped byte is not a quote */
			continue;
		}
		if ((size_t)(end - sc->q) >= litlen &&
		    same(sc->q, lit, litlen))
			return sc->q - sc->line;
		p = sc->q + 1;
	}
	return -1;
}

/* Match the template against the line, filling rec->field.  Return the
 * offset where the template ended, or -1. */
static long match_tokens(const struct tmpl *t, const char *line, size_t len,
			 struct record *rec)
{
	struct scan sc = {line, line + len, NULL, NULL};
	size_t pos = 0;

	for (int i = 0; i < t->ntok; i++) {
		const struct token *k = &t->tok[i];
		const struct token *next = i + 1 < t->ntok ? k + 1 : NULL;
		long end;

		if (k->lit) {
			if (len - pos < k->litlen ||
			    !same(line + pos, k->lit, k->litlen))
				return -1;
			pos += k->litlen;
			continue;
		}
		if (!next)
			end = (long)len;
		else if (k->quoted && next->lit[0] == '"')
			end = quoted_end(&sc, pos, next->lit, next->litlen);
		else
			end = plain_end(&sc, pos, next->lit, next->litlen);
		if (end < 0)
			return -1;
		rec->field[k->field].p = line + pos;
		rec->field[k->field].len = (size_t)end - pos;
		pos = (size_t)end;
	}
	return (long)pos;
}

static int nginx_parse(struct format *fmt, const char *line, size_t len,
		       struct record *rec)
{
	const struct tmpl *t = fmt->impl;
	struct span *f = rec->field;
	struct span tm;
	long end = match_tokens(t, line, len, rec);
	int ok;

	if (end < 0)
		return parse_bad(rec, "line does not match the format");
	if ((size_t)end < len)
		return parse_bad(rec, "unexpected text after the last field");
	tm = f[t->f_time];
	if (t->time_kind == T_LOCAL)
		ok = parse_time_clf_memo(&fmt->time_memo, tm.p, tm.len,
					 &rec->time);
	else if (t->time_kind == T_ISO)
		ok = parse_time_iso(tm.p, tm.len, &rec->time);
	else
		ok = parse_time_epoch(tm.p, tm.len, &rec->time);
	if (ok < 0)
		return parse_bad(rec, "bad time");
	if (t->f_status >= 0 &&
	    (f[t->f_status].len == 0 ||
	     parse_status(f[t->f_status], &rec->status) < 0))
		return parse_bad(rec, "bad status");
	if (t->f_method >= 0)
		parse_split_request(f[t->f_request], &f[t->f_method],
				    &f[t->f_uri], &f[t->f_proto]);
	if (t->f_agent >= 0)
		rec->agent = f[t->f_agent];
	return 0;
}

const struct format_ops format_nginx_ops = {
    .name = "nginx",
    .arg = 2,
    .init = nginx_init,
    .parse = nginx_parse,
    .free = nginx_free,
};

/* Votes of the head's lines on each variable: how many lines matched,
 * and for each token how many of them gave it a value in quotes that
 * the template does not quote. */
static void quote_votes(const struct tmpl *t, const char *line, size_t len,
			int *matched, int *votes)
{
	struct record rec;
	long end;

	memset(&rec, 0, sizeof(rec));
	end = match_tokens(t, line, len, &rec);
	if (end < 0)
		return;
	(*matched)++;
	for (int i = 0; i < t->ntok; i++) {
		const struct token *k = &t->tok[i];
		const struct span *v = k->lit ? NULL : &rec.field[k->field];

		if (v && !k->quoted && v->len >= 1 && v->p[0] == '"')
			votes[i]++;
	}
}

const char *format_quote_mismatch(const struct format *fmt, const char *buf,
				  size_t len)
{
	const struct tmpl *t = fmt->impl;
	int votes[MAX_TOKENS] = {0};
	int matched = 0;
	size_t off = 0;

	if (fmt->ops != &format_nginx_ops)
		return NULL;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		if (!nl)
			break; /* a cut line says nothing */
		if (n && buf[off + n - 1] == '\r')
			n--;
		if (n)
			quote_votes(t, buf + off, n, &matched, votes);
		off += (size_t)(nl - (buf + off)) + 1;
	}
	for (int i = 0; i < t->ntok; i++)
		if (matched && 2 * votes[i] > matched)
			return format_field_name(fmt, t->tok[i].field);
	return NULL;
}
