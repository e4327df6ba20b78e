/* hit.c: per-record work of ingest: classify through a verdict memo,
 * name the client, scrub the user agent, build the struct hit. */
#include "hit.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "memo.h"
#include "route.h"

/* Verdicts remembered: a client sends the same credential and headers
 * again and again, so most lines are judged by one lookup.  An entry
 * holds the values the rules and amnesty lines read (not the client's:
 * addresses would split one credential's entry in thousands) and what
 * was made of them.  A 1 M-line nginx log of 5000 clients has 13 k
 * distinct keys of about 200 bytes an entry. */
#define VERDICTS      32768
#define VERDICT_ARENA (4u << 20)
#define VERDICT_ENTRY 2048
/* Client names remembered by their client line and raw value, so that
 * each id or address is scrubbed once. */
#define NAMES	   16384
#define NAME_ARENA (1u << 20)
#define NAME_ENTRY (2 * HIT_CLIENT_MAX + 64)
/* User agents scrubbed, remembered likewise: an entry holds the raw
 * agent and its scrubbed text; longer agents are scrubbed each time. */
#define AGENTS	    1024
#define AGENT_ENTRY 1280
/* Routes scrubbed, remembered by their template: a client calls the
 * same few routes again and again. */
#define ROUTES	    1024
#define ROUTE_ENTRY (ROUTE_BUF + HIT_ROUTE_MAX)
/* Origins (address and user agent) fingerprinted, remembered by the
 * hash of their bytes in a table of this many (a power of 2). */
#define ORIGINS 16384

/* An origin's fingerprint (the number its hex digits write), by the
 * hash of its bytes. */
struct origin {
	uint64_t hash;
	uint64_t fp;
};

/* What a line's rule fields come to, as the verdict memo keeps it: the
 * client's name too when the credential names it. */
struct judged {
	uint64_t fp_hash;
	uint8_t cls;
	uint8_t amnesty;
	uint8_t has_cred;
	char cred_fp[FP_HEXLEN + 1];
	uint64_t cred_num; /* the number cred_fp's digits write */
	uint16_t fp_len;
	char fp_name[FP_HEXLEN + 8];
};

/* A client's name, as the name memo keeps it; len 0: the client line
 * names no client with that value. */
struct name {
	uint64_t hash;
	uint16_t len;
	char text[HIT_CLIENT_MAX + 8];
};

/* A scrubbed user agent and its hash, as the agent memo keeps them. */
struct agent {
	uint64_t hash;
	char text[HIT_AGENT_MAX + 8];
};

struct hit_maker {
	struct ruleset *rs;
	const struct fpkey *key;
	struct fpcache *fpc;
	struct memo *verdicts;
	struct memo *names;
	struct memo *agents;
	struct memo *routes;
	int inputs[RECORD_MAX_FIELDS]; /* the fields the verdict reads */
	int ninputs;
	struct judged fresh;
	struct name fresh_name;
	struct name unknown;
	struct agent fresh_agent;
	int f_uri;		/* the format's request_uri field, or -1 */
	int f_addr;		/* its address field, or -1 */
	struct origin *origins; /* ORIGINS of them */
	char route[ROUTE_BUF];
	char route_scrubbed[HIT_ROUTE_MAX + 1];
	char sdk_text[2 * HIT_AGENT_MAX]; /* the rules' sdk fields joined */
};

struct hit_maker *hit_maker_new(struct ruleset *rs, const struct fpkey *key)
{
	struct hit_maker *hm = xcalloc(1, sizeof(*hm));

	hm->rs = rs;
	hm->key = key;
	hm->fpc = fpcache_new(key);
	hm->verdicts = memo_new_arena(VERDICTS, VERDICT_ARENA, VERDICT_ENTRY);
	hm->names = memo_new_arena(NAMES, NAME_ARENA, NAME_ENTRY);
	hm->agents = memo_new(AGENTS, AGENT_ENTRY);
	hm->routes = memo_new(ROUTES, ROUTE_ENTRY);
	hm->ninputs = rules_verdict_inputs(rs, hm->inputs);
	hm->f_uri = -1;
	hm->f_addr = -1;
	hm->origins = xcalloc(ORIGINS, sizeof(*hm->origins));
	hm->unknown.len = 7;
	memcpy(hm->unknown.text, "unknown", 8);
	hm->unknown.hash = buf_hash("unknown", 7);
	return hm;
}

void hit_maker_free(struct hit_maker *hm)
{
	if (!hm)
		return;
	fpcache_free(hm->fpc);
	memo_free(hm->verdicts);
	memo_free(hm->names);
	memo_free(hm->agents);
	memo_free(hm->routes);
	free(hm->origins);
	free(hm);
}

void hit_maker_rebind(struct hit_maker *hm, struct format *fmt)
{
	static const char *const addr[] = {"remote_addr", "client_ip",
					   "remote_ip", "c_ip"};

	hm->f_uri = format_field_index(fmt, "request_uri");
	hm->f_addr = -1;
	for (int i = 0; i < 4 && hm->f_addr < 0; i++)
		hm->f_addr = format_field_index(fmt, addr[i]);
	hm->ninputs = rules_verdict_inputs(hm->rs, hm->inputs);
	memo_free(hm->verdicts);
	hm->verdicts = memo_new_arena(VERDICTS, VERDICT_ARENA, VERDICT_ENTRY);
}

/* The number FP_HEXLEN hex digits at p write. */
static uint64_t hex_number(const char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < FP_HEXLEN; i++)
		v = v << 4 | (uint64_t)buf_hexval((unsigned char)p[i]);
	return v;
}

/* The client's name for the report: an id, a credential fingerprint or
 * an address.  Return its length in out. */
static size_t client_name(const struct hit_maker *hm, const struct verdict *v,
			  const char *cred_fp, char *out)
{
	size_t n;

	switch (v->client_source) {
	/* scrubbed whole, then cut: a secret across the cut leaves no
	 * part */
	case CLIENT_FIELD:
		return fp_scrub_cut(hm->key, v->client.p, v->client.len, 0,
				    out, HIT_CLIENT_MAX);
	case CLIENT_CREDENTIAL:
		return (size_t)sprintf(out, "fp:%s", cred_fp);
	case CLIENT_ADDR:
		memcpy(out, "addr:", 5);
		n = fp_scrub_cut(hm->key, v->client.p, v->client.len, 0,
				 out + 5, HIT_CLIENT_MAX - 5);
		return 5 + n;
	case CLIENT_NONE:
		break;
	}
	memcpy(out, "unknown", 7);
	return 7;
}

static void judge_fresh(struct hit_maker *hm, const struct record *rec,
			struct judged *j)
{
	struct verdict v;

	rules_classify(hm->rs, rec, &v, NULL, NULL);
	j->cls = (uint8_t)v.cls;
	j->amnesty = (uint8_t)(v.amnesty != 0);
	j->has_cred = v.credential.len > 0;
	j->fp_len = 0;
	j->fp_name[0] = '\0';
	if (j->has_cred) {
		fpcache_hex(hm->fpc, v.credential.p, v.credential.len,
			    j->cred_fp);
		j->cred_num = hex_number(j->cred_fp);
		v.client_source = CLIENT_CREDENTIAL;
		j->fp_len =
		    (uint16_t)client_name(hm, &v, j->cred_fp, j->fp_name);
	} else {
		j->cred_fp[0] = '\0';
		j->cred_num = 0;
	}
	j->fp_hash = buf_hash(j->fp_name, j->fp_len);
}

/* Classify rec, through the memo keyed by the values of the fields the
 * verdict reads (where they are in the line: nothing is copied). */
static const struct judged *judge(struct hit_maker *hm,
				  const struct record *rec)
{
	struct span key[RECORD_MAX_FIELDS];
	uint64_t h;
	size_t vlen;
	const void *got;

	for (int i = 0; i < hm->ninputs; i++)
		key[i] = rec->field[hm->inputs[i]];
	h = memo_hash(key, hm->ninputs);
	got = memo_find(hm->verdicts, key, hm->ninputs, h, &vlen);
	if (got)
		return got;
	judge_fresh(hm, rec, &hm->fresh);
	memo_keep(hm->verdicts, key, hm->ninputs, h, &hm->fresh,
		  sizeof(hm->fresh));
	return &hm->fresh;
}

/* The name client line i gives rec, whose field for it holds a value:
 * through the memo keyed by the line and that raw value. */
static const struct name *line_name(struct hit_maker *hm, int i,
				    const struct record *rec, struct span raw)
{
	unsigned char line = (unsigned char)i;
	struct span key[2] = {{(const char *)&line, 1}, raw};
	uint64_t h = memo_hash(key, 2);
	size_t vlen;
	const struct name *got = memo_find(hm->names, key, 2, h, &vlen);
	struct name *fresh = &hm->fresh_name;
	struct verdict v;

	if (got)
		return got;
	v.client_source = rules_client_line(hm->rs, i, rec, &v.client);
	fresh->len = 0;
	if (v.client_source != CLIENT_NONE)
		fresh->len = (uint16_t)client_name(hm, &v, "", fresh->text);
	fresh->hash = buf_hash(fresh->text, fresh->len);
	memo_keep(hm->names, key, 2, h, fresh,
		  offsetof(struct name, text) + fresh->len);
	return fresh;
}

/* rec's client's name: the first client line that gives one, as
 * rules_classify() tries them; "unknown" when none does. */
static void name_client(struct hit_maker *hm, const struct record *rec,
			const struct judged *j, struct hit *h)
{
	for (int i = 0; i < rules_nclient(hm->rs); i++) {
		int f = rules_client_field(hm->rs, i);
		const struct name *n;

		if (f == RULES_CLIENT_CREDENTIAL && j->has_cred) {
			h->client = j->fp_name;
			h->client_len = j->fp_len;
			h->client_hash = j->fp_hash;
			h->client_is_cred = 1;
			return;
		}
		if (f < 0 || rec->field[f].len == 0)
			continue;
		n = line_name(hm, i, rec, rec->field[f]);
		if (n->len) {
			h->client = n->text;
			h->client_len = n->len;
			h->client_hash = n->hash;
			return;
		}
	}
	h->client = hm->unknown.text;
	h->client_len = hm->unknown.len;
	h->client_hash = hm->unknown.hash;
}

size_t hit_agent_scrub(const struct fpkey *key, const char *a, size_t len,
		       char out[HIT_AGENT_MAX + 8])
{
	return fp_scrub_cut(key, a, len, 0, out, HIT_AGENT_MAX);
}

static const struct agent *agent_name(struct hit_maker *hm, struct span a,
				      size_t *len)
{
	uint64_t h = buf_hash(a.p, a.len);
	size_t vlen;
	const struct agent *got = memo_get(hm->agents, a.p, a.len, h, &vlen);
	struct agent *fresh = &hm->fresh_agent;

	if (got) {
		*len = vlen - offsetof(struct agent, text);
		return got;
	}
	*len = hit_agent_scrub(hm->key, a.p, a.len, fresh->text);
	fresh->hash = buf_hash(fresh->text, *len);
	memo_put(hm->agents, a.p, a.len, h, fresh,
		 offsetof(struct agent, text) + *len);
	return fresh;
}

/* The templated path of u, scrubbed, then cut to HIT_ROUTE_MAX: a key
 * pasted into a path segment becomes its fingerprint.  A template that
 * fills hm->route was cut: what its cut ends goes too.  Through the
 * route memo. */
static const char *route_name(struct hit_maker *hm, struct span u, size_t *len)
{
	size_t n = route_template(u.p, u.len, hm->route, sizeof(hm->route));
	uint64_t h = buf_hash(hm->route, n);
	const char *got = memo_get(hm->routes, hm->route, n, h, len);

	if (got)
		return got;
	*len = fp_scrub_cut(hm->key, hm->route, n, n == sizeof(hm->route) - 1,
			    hm->route_scrubbed, HIT_ROUTE_MAX);
	memo_put(hm->routes, hm->route, n, h, hm->route_scrubbed, *len);
	return hm->route_scrubbed;
}

/* The value of sdk field idx (rules_sdk_fields()) in rec. */
static struct span sdk_field(const struct record *rec, int idx)
{
	struct span none = {"", 0};

	if (idx == RULES_SDK_AGENT)
		return rec->agent;
	return idx >= 0 ? rec->field[idx] : none;
}

/* What the SDK is read from: the values of the rules' sdk fields,
 * joined by a space in the rules' order (cut to the buffer), and
 * HIT_WARNED after them when a warning field has a value (the response
 * carried the platform's warning); the user agent when the rules name
 * none.  The span is rec's or hm's, valid until the next call. */
static struct span sdk_source(struct hit_maker *hm, const struct record *rec)
{
	int idx[RULES_MAX_SDK], warning[RULES_MAX_SDK];
	int n = rules_sdk_fields(hm->rs, idx, warning);
	struct span out = {hm->sdk_text, 0};
	size_t cap = sizeof(hm->sdk_text) - sizeof(HIT_WARNED);
	int warned = 0;

	if (n == 0)
		return rec->agent;
	for (int i = 0; i < n; i++)
		warned |= warning[i] && sdk_field(rec, idx[i]).len;
	/* the mark must survive the cut to HIT_AGENT_MAX */
	if (warned)
		cap = HIT_AGENT_MAX - sizeof(HIT_WARNED);
	for (int i = 0; i < n; i++) {
		struct span v = sdk_field(rec, idx[i]);
		size_t take;

		if (v.len == 0 || warning[i])
			continue;
		if (out.len && out.len < cap)
			hm->sdk_text[out.len++] = ' ';
		take = v.len < cap - out.len ? v.len : cap - out.len;
		memcpy(hm->sdk_text + out.len, v.p, take);
		out.len += take;
	}
	if (warned) {
		memcpy(hm->sdk_text + out.len, HIT_WARNED,
		       sizeof(HIT_WARNED) - 1);
		out.len += sizeof(HIT_WARNED) - 1;
	}
	return out;
}

/* The fingerprint of rec's address and user agent (a NUL between
 * them; the address cut to 63 bytes, the agent to HIT_AGENT_MAX),
 * through the origin table, keyed by their hashes; 0 without an
 * address. */
static uint64_t origin_of(struct hit_maker *hm, const struct record *rec)
{
	struct span a =
	    hm->f_addr >= 0 ? rec->field[hm->f_addr] : (struct span){"", 0};
	size_t alen = a.len < 63 ? a.len : 63;
	size_t glen =
	    rec->agent.len < HIT_AGENT_MAX ? rec->agent.len : HIT_AGENT_MAX;
	unsigned char buf[HIT_AGENT_MAX + 64];
	char hex[FP_HEXLEN + 1];
	uint64_t h;
	struct origin *o;

	if (!alen)
		return 0;
	h = buf_mix(buf_hash(a.p, alen) ^
		    (buf_hash(rec->agent.p, glen) * 0x9e3779b97f4a7c15ULL)) |
	    1;
	o = &hm->origins[h & (ORIGINS - 1)];
	if (o->hash != h) {
		memcpy(buf, a.p, alen);
		buf[alen] = 0;
		memcpy(buf + alen + 1, rec->agent.p, glen);
		fp_hex(hm->key, buf, alen + 1 + glen, hex);
		o->fp = hex_number(hex);
		o->hash = h;
	}
	return o->fp;
}

void hit_make(struct hit_maker *hm, const struct record *rec, struct hit *h)
{
	const struct judged *j = judge(hm, rec);

	memset(h, 0, sizeof(*h));
	name_client(hm, rec, j, h);
	h->time = rec->time;
	h->cls = j->cls;
	h->amnesty = j->amnesty;
	h->legacy = rules_class_legacy(hm->rs, j->cls);
	h->status = rec->status;
	h->agent = "";
	if (h->legacy) {
		const struct agent *a =
		    agent_name(hm, sdk_source(hm, rec), &h->agent_len);

		h->agent = a->text;
		h->agent_hash = a->hash;
	}
	h->cred_fp = j->has_cred ? j->cred_fp : NULL;
	h->cred_num = j->cred_num;
	if (h->client_is_cred)
		h->origin = origin_of(hm, rec);
	if (h->legacy && hm->f_uri >= 0)
		h->route =
		    route_name(hm, rec->field[hm->f_uri], &h->route_len);
}
