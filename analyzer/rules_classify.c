/* rules_classify.c: classify one record (rules_classify(), the per-line
 * path): decode each rule's field (through the decode cache), match its
 * pattern, then the amnesty and client lines. */
#include "rules_int.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

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
