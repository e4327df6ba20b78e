/* parse_json.c: "jsonl": one JSON object per line, parsed by jansson.
 *
 * Fields are named by the rules that read them: each name is looked up
 * as a key or dotted path in the object, then under the other names
 * common servers log it as (Caddy, Traefik, Envoy, Cloudflare, API
 * gateways; the table below and docs/formats.md).  Values stay in the
 * line's jansson tree, which lives until the next line. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

#define J_ICASE	      1 /* keys match whatever their case (header names) */
#define J_HOSTPORT    2 /* "host:port", "[v6]:port": keep the host */
#define J_FIRST	      4 /* "a, b, c": keep the first item */
#define MAX_CAND      24
#define NUM_MAX	      48  /* text of a JSON number */
#define PREFIX_MAX    512 /* longest text before the '{' */
#define LOOKUP_BUDGET 64  /* key lookups per path, against odd keys */

struct jcand {
	char *path;
	unsigned flags;
};

/* Where one field's value may be, in order. */
struct jfield {
	struct jcand cand[MAX_CAND];
	int ncand;
	char num[NUM_MAX];
};

struct jsonl {
	json_t *root; /* the last line's tree */
	struct jfield field[RECORD_MAX_FIELDS];
	struct jfield time, status, agent;
	char *fix; /* the line with invalid UTF-8 replaced */
	size_t fixcap;
};

/* Other names of a field.  '~' compares keys without case, '%' keeps
 * the host of "host:port", '^' the first item of a list, and "=name"
 * adds name's own list.  An http_NAME field is first looked up as the
 * request header NAME (dashes for underscores) in the layouts Caddy
 * (request.headers.NAME), Traefik (request_NAME), Envoy (NAME) and
 * others (headers.NAME) use. */
static const struct {
	const char *name;
	const char *paths;
} aliases[] = {
    {"remote_addr", "request.remote_ip ClientHost ClientIP "
		    "%downstream_remote_address remote_ip %ClientAddr "
		    "ip sourceIp client.ip"},
    {"client_ip", "request.client_ip ClientIP ClientHost "
		  "^~x-forwarded-for ^~request.headers.X-Forwarded-For "
		  "^~request_X-Forwarded-For =remote_addr"},
    {"remote_user", "user_id request.user_id ClientUsername user "
		    "username"},
    {"request_method", "request.method RequestMethod ClientRequestMethod "
		       "method httpMethod http_method"},
    {"request_uri", "request.uri RequestPath ClientRequestURI "
		    "x-envoy-origin-path path uri url"},
    {"server_protocol", "request.proto RequestProtocol "
			"ClientRequestProtocol protocol"},
    {"request", "RequestLine"},
    {"status", "response_code DownstreamStatus EdgeResponseStatus "
	       "http_status statusCode status_code"},
    {"body_bytes_sent", "size DownstreamContentSize EdgeResponseBytes "
			"bytes_sent responseLength"},
    {"http_user_agent", "ClientRequestUserAgent user_agent userAgent ua "
			"agent"},
    {"http_referer", "ClientRequestReferer referer referrer"},
    {"http_host", "request.host RequestHost ClientRequestHost "
		  ":authority host"},
    {"server_name", "=http_host"},
};

/* Where the request's time may be, in order. */
static const char time_paths[] =
    "time timestamp @timestamp ts start_time StartUTC StartLocal "
    "EdgeStartTimestamp time_local time_iso8601 msec requestTime "
    "requestTimeEpoch date datetime";

static void add_cand(struct jfield *f, const char *path, size_t len,
		     unsigned flags)
{
	if (f->ncand == MAX_CAND || len == 0)
		return;
	f->cand[f->ncand].path = xstrndup(path, len);
	f->cand[f->ncand].flags = flags;
	f->ncand++;
}

static const char *alias_paths(const char *name)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return aliases[i].paths;
	return NULL;
}

/* Add the space-separated paths of list (see aliases[]). */
static void add_list(struct jfield *f, const char *list, int depth)
{
	while (list && *list) {
		size_t n = strcspn(list, " ");
		unsigned flags = 0;
		const char *p = list;

		for (;; p++, n--) {
			if (*p == '~')
				flags |= J_ICASE;
			else if (*p == '%')
				flags |= J_HOSTPORT;
			else if (*p == '^')
				flags |= J_FIRST;
			else
				break;
		}
		if (*p == '=' && depth == 0) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)n - 1,
				 p + 1);
			add_cand(f, name, strlen(name), 0);
			add_list(f, alias_paths(name), 1);
		} else if (*p != '=') {
			add_cand(f, p, n, flags);
		}
		list = p + n;
		while (*list == ' ')
			list++;
	}
}

/* http_x_api_key: the header X-Api-Key in the usual layouts. */
static void add_header(struct jfield *f, const char *name)
{
	static const char *const layouts[] = {"request.headers.", "request_",
					      "", "headers."};
	char h[160];
	size_t n;

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		n = (size_t)snprintf(h, sizeof(h), "%s%s", layouts[i], name);
		if (n >= sizeof(h))
			continue;
		for (char *c = h + strlen(layouts[i]); *c; c++)
			if (*c == '_')
				*c = '-';
		add_cand(f, h, n, J_ICASE);
	}
}

static void field_paths(struct jfield *f, const char *name)
{
	add_cand(f, name, strlen(name), 0);
	if (strncmp(name, "http_", 5) == 0 && name[5])
		add_header(f, name + 5);
	add_list(f, alias_paths(name), 0);
}

static void jfield_free(struct jfield *f)
{
	for (int i = 0; i < f->ncand; i++)
		free(f->cand[i].path);
	f->ncand = 0;
}

static int json_init(struct format *fmt, const char *arg, char *err,
		     size_t errlen)
{
	struct jsonl *j = xcalloc(1, sizeof(*j));

	/* jansson allocates through xmalloc: out of memory exits. */
	json_set_alloc_funcs(xmalloc, free);
	fmt->impl = j;
	if (arg && !*arg) {
		snprintf(err, errlen,
			 "format 'jsonl:' needs the time's key "
			 "after the ':'");
		return -1;
	}
	if (arg)
		add_cand(&j->time, arg, strlen(arg), 0);
	else
		add_list(&j->time, time_paths, 0);
	field_paths(&j->status, "status");
	field_paths(&j->agent, "http_user_agent");
	return 0;
}

static int json_field(struct format *fmt, const char *name)
{
	struct jsonl *j = fmt->impl;
	int i = format_add_field(fmt, name, strlen(name));

	if (i >= 0 && j->field[i].ncand == 0)
		field_paths(&j->field[i], name);
	return i;
}

static void json_free(struct format *fmt)
{
	struct jsonl *j = fmt->impl;

	if (!j)
		return;
	json_decref(j->root);
	for (int i = 0; i < RECORD_MAX_FIELDS; i++)
		jfield_free(&j->field[i]);
	jfield_free(&j->time);
	jfield_free(&j->status);
	jfield_free(&j->agent);
	free(j->fix);
	free(j);
}

static json_t *get_key(json_t *obj, const char *key, size_t len, int icase)
{
	json_t *r = json_object_getn(obj, key, len);
	const char *k;
	size_t klen;
	json_t *val;

	if (r || !icase)
		return r;
	json_object_keylen_foreach(obj, k, klen, val)
	{
		if (klen == len && strncasecmp(k, key, len) == 0)
			return val;
	}
	return NULL;
}

/* An array index segment "12" of n bytes, or -1. */
static long index_of(const char *p, size_t n)
{
	long v = 0;

	if (n == 0 || n > 6)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* The value at path under v.  A key may itself hold dots: the whole
 * rest is tried as a key first, then each prefix ending at a dot. */
static json_t *find(json_t *v, const char *path, size_t len, int icase,
		    int *budget)
{
	json_t *r;

	if (--*budget < 0)
		return NULL;
	if (json_is_array(v)) {
		const char *dot = memchr(path, '.', len);
		size_t n = dot ? (size_t)(dot - path) : len;
		long i = index_of(path, n);

		r = i < 0 ? NULL : json_array_get(v, (size_t)i);
		if (!r)
			return NULL;
		return dot ? find(r, dot + 1, len - n - 1, icase, budget) : r;
	}
	if (!json_is_object(v))
		return NULL;
	r = get_key(v, path, len, icase);
	if (r)
		return r;
	for (size_t i = 0; i < len; i++) {
		if (path[i] != '.')
			continue;
		r = get_key(v, path, i, icase);
		if (r && (json_is_object(r) || json_is_array(r))) {
			r = find(r, path + i + 1, len - i - 1, icase, budget);
			if (r)
				return r;
		}
	}
	return NULL;
}

/* Text that reads back as d: fixed-point with the fewest decimals (one
 * at least, as JSON wrote it), or the shortest %g for very large or
 * small numbers. */
static size_t real_text(double d, char *buf, size_t n)
{
	double a = d < 0 ? -d : d;
	int prec;

	if (a == 0 || (a >= 1e-7 && a < 1e16)) {
		for (prec = 1; prec <= 24; prec++) {
			snprintf(buf, n, "%.*f", prec, d);
			if (strtod(buf, NULL) == d)
				return strlen(buf);
		}
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return strlen(buf);
}

/* A value as text: strings as they are, numbers as their text, the
 * first item of an array.  Return 0 for null, objects and the like. */
static int scalar(json_t *v, char *num, struct span *out)
{
	if (json_is_array(v) && json_array_size(v) == 0) {
		/* Caddy logs a redacted header as an empty list */
		out->p = "[]";
		out->len = 2;
		return 1;
	}
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		out->p = json_string_value(v);
		out->len = json_string_length(v);
		return 1;
	case JSON_INTEGER:
		out->p = num;
		out->len =
		    (size_t)snprintf(num, NUM_MAX, "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
		return 1;
	case JSON_REAL:
		out->p = num;
		out->len = real_text(json_real_value(v), num, NUM_MAX);
		return 1;
	case JSON_TRUE:
	case JSON_FALSE:
		out->p = json_is_true(v) ? "true" : "false";
		out->len = strlen(out->p);
		return 1;
	default:
		return 0;
	}
}

static void keep_host(struct span *s)
{
	const char *colon = memchr(s->p, ':', s->len);
	const char *close;

	if (s->len && s->p[0] == '[') {
		close = memchr(s->p, ']', s->len);
		if (close) {
			s->len = (size_t)(close - s->p) - 1;
			s->p++;
		}
	} else if (colon) {
		size_t host = (size_t)(colon - s->p);

		/* one colon: host:port; more: an IPv6 address, kept */
		if (!memchr(colon + 1, ':', s->len - host - 1))
			s->len = host;
	}
}

static void keep_first(struct span *s)
{
	const char *comma = memchr(s->p, ',', s->len);

	if (comma)
		s->len = (size_t)(comma - s->p);
	while (s->len && (s->p[s->len - 1] == ' ' || s->p[s->len - 1] == '\t'))
		s->len--;
	while (s->len && (s->p[0] == ' ' || s->p[0] == '\t')) {
		s->p++;
		s->len--;
	}
}

/* The raw value of the first candidate present (not null), or NULL;
 * *c is set to that candidate. */
static json_t *first_value(json_t *root, const struct jfield *f,
			   const struct jcand **c)
{
	for (int i = 0; i < f->ncand; i++) {
		int budget = LOOKUP_BUDGET;
		const struct jcand *k = &f->cand[i];
		json_t *v = find(root, k->path, strlen(k->path),
				 k->flags & J_ICASE, &budget);

		if (v && !json_is_null(v)) {
			*c = &f->cand[i];
			return v;
		}
	}
	return NULL;
}

/* Fill out from the first candidate with a value; return 1, or 0. */
static int resolve(json_t *root, struct jfield *f, struct span *out)
{
	const struct jcand *c;
	json_t *v = first_value(root, f, &c);

	if (!v || !scalar(v, f->num, out))
		return 0;
	if (c->flags & J_HOSTPORT)
		keep_host(out);
	if (c->flags & J_FIRST)
		keep_first(out);
	return 1;
}

/* A time value: a string in any parse_time() layout, or a number of
 * seconds, milliseconds, ... since the epoch. */
static int time_value(json_t *v, int64_t *t)
{
	double d;

	if (json_is_string(v))
		return parse_time(json_string_value(v), json_string_length(v),
				  t);
	if (json_is_integer(v))
		return json_integer_value(v) < 0
			   ? -1
			   : parse_epoch_scaled(
				 (uint64_t)json_integer_value(v), t);
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!(d >= 0 && d < 1e19))
		return -1;
	return parse_epoch_scaled((uint64_t)d, t);
}

/* The request time from the first candidate that holds one.  *found
 * says whether any candidate was present at all. */
static int json_time(json_t *root, const struct jfield *f, int64_t *t,
		     int *found)
{
	*found = 0;
	for (int i = 0; i < f->ncand; i++) {
		int budget = LOOKUP_BUDGET;
		const struct jcand *k = &f->cand[i];
		json_t *v = find(root, k->path, strlen(k->path),
				 k->flags & J_ICASE, &budget);

		if (!v || json_is_null(v))
			continue;
		*found = 1;
		if (time_value(v, t) == 0)
			return 0;
	}
	return -1;
}

static int json_status(json_t *root, const struct jfield *f, int *status)
{
	const struct jcand *c;
	json_t *v = first_value(root, f, &c);
	struct span s;

	*status = 0;
	if (!v)
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > 999)
			return -1;
		*status = (int)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s.p = json_string_value(v);
	s.len = json_string_length(v);
	return parse_status(s, status);
}

/* Length of the valid UTF-8 at the start of s[0..n). */
static size_t utf8_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned lo = 0x80;
		unsigned hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3;
		else
			return i;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t j = 2; j <= k; j++)
			if (s[i + j] < 0x80 || s[i + j] > 0xBF)
				return i;
		i += k + 1;
	}
	return n;
}

/* s with each byte that is not valid UTF-8 replaced by U+FFFD, in the
 * format's scratch space. */
static const char *fix_utf8(struct jsonl *j, const char *s, size_t *n)
{
	static const char repl[] = "\xEF\xBF\xBD";
	size_t out = 0;
	size_t i = 0;

	if (j->fixcap < 3 * *n + 1) {
		j->fixcap = 3 * *n + 1;
		j->fix = xrealloc(j->fix, j->fixcap);
	}
	while (i < *n) {
		size_t ok = utf8_prefix((const unsigned char *)s + i, *n - i);

		memcpy(j->fix + out, s + i, ok);
		out += ok;
		i += ok;
		if (i < *n) {
			memcpy(j->fix + out, repl, 3);
			out += 3;
			i++;
		}
	}
	*n = out;
	return j->fix;
}

/* Text before the '{' (a container runtime's "TIME stdout F "): find
 * the object; take the prefix's first word as a fallback time. */
static int split_prefix(const char **line, size_t *len, int64_t *t)
{
	const char *brace = memchr(*line, '{', *len);
	size_t n = brace ? (size_t)(brace - *line) : 0;
	const char *sp;

	*t = -1;
	if (!brace || n > PREFIX_MAX || memchr(*line, '"', n))
		return -1;
	if (n) {
		sp = memchr(*line, ' ', n);
		if (!sp || parse_time(*line, (size_t)(sp - *line), t) < 0)
			*t = -1;
	}
	*line = brace;
	*len -= n;
	return 0;
}

/* Docker's json-file driver wraps each line: {"log": "...\n",
 * "stream": ..., "time": ...}.  When the log is itself an object,
 * parse that instead, keeping the outer time as the fallback. */
static json_t *unwrap_docker(json_t *root, int64_t *t)
{
	json_t *log = json_object_get(root, "log");
	json_t *inner;
	int64_t outer;

	if (!json_is_string(log) || !json_object_get(root, "stream") ||
	    json_string_length(log) == 0 || json_string_value(log)[0] != '{')
		return root;
	inner = json_loadb(json_string_value(log), json_string_length(log),
			   JSON_ALLOW_NUL, NULL);
	if (!json_is_object(inner)) {
		json_decref(inner);
		return root;
	}
	if (json_is_string(json_object_get(root, "time")) &&
	    parse_time(json_string_value(json_object_get(root, "time")),
		       json_string_length(json_object_get(root, "time")),
		       &outer) == 0)
		*t = outer;
	json_decref(root);
	return inner;
}

static int json_parse(struct format *fmt, const char *line, size_t len,
		      struct record *rec)
{
	struct jsonl *j = fmt->impl;
	int64_t fallback;
	int found;

	json_decref(j->root);
	j->root = NULL;
	if (split_prefix(&line, &len, &fallback) < 0)
		return parse_bad(rec, "no JSON object");
	if (utf8_prefix((const unsigned char *)line, len) < len)
		line = fix_utf8(j, line, &len);
	j->root = json_loadb(line, len, JSON_ALLOW_NUL, NULL);
	if (!j->root)
		return parse_bad(rec, "not valid JSON");
	if (!json_is_object(j->root))
		return parse_bad(rec, "JSON value is not an object");
	j->root = unwrap_docker(j->root, &fallback);
	if (json_time(j->root, &j->time, &rec->time, &found) < 0) {
		if (found || fallback < 0)
			return parse_bad(rec,
					 found ? "bad time" : "no time field");
		rec->time = fallback;
	}
	if (json_status(j->root, &j->status, &rec->status) < 0)
		return parse_bad(rec, "bad status");
	resolve(j->root, &j->agent, &rec->agent);
	for (int i = 0; i < fmt->nfields; i++)
		resolve(j->root, &j->field[i], &rec->field[i]);
	return 0;
}

const struct format_ops format_jsonl_ops = {
    .name = "jsonl",
    .arg = 1,
    .init = json_init,
    .parse = json_parse,
    .field = json_field,
    .free = json_free,
};
