/* parse_aws.c: AWS access logs, fields in a fixed order split at spaces
 * (tabs for CloudFront): S3 server access logs, Application and Classic
 * Load Balancer logs, CloudFront standard logs.  Field names follow
 * AWS's documentation, in snake_case.  AWS adds fields at the end over
 * the years: older lines may stop early, newer ones may have more. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"

#define MAX_COLS    40
#define MAX_DERIVED 6

/* What a field must look like for the line to be of this format. */
enum check {
	C_ANY,
	C_NUM,	     /* "-", "12", "-1", "0.001" */
	C_STATUS,    /* three digits or "-" */
	C_CLFTIME,   /* [06/Feb/2019:00:00:38 +0000] */
	C_ISOTIME,   /* 2019-10-11T15:01:12.376735Z */
	C_HOSTPORT,  /* 192.0.2.3:2817 or "-" */
	C_ALBTYPE,   /* http https h2 grpcs ws wss */
	C_OPERATION, /* REST.GET.OBJECT */
	C_DATE,	     /* 2019-12-04 */
	C_CLOCK	     /* 21:02:31 */
};

struct col {
	const char *name;
	enum check check;
};

struct alias {
	const char *name;
	const char *field;
};

struct table_def {
	const struct col *cols;
	int ncols;
	int min;  /* fewer fields than this: a bad line */
	char sep; /* ' ' with "..." and [...] fields, or '\t' */
	const char *derived[MAX_DERIVED]; /* added after the columns */
	const struct alias *aliases;
	/* Set the record's time, status, agent and derived fields. */
	int (*finish)(struct format *fmt, struct span *tok, int n,
		      struct record *rec);
};

struct table {
	const struct table_def *def;
	int derived[MAX_DERIVED];
	char *scratch; /* CloudFront's request_uri and decoded agent */
	size_t cap;
};

static const struct col s3_cols[] = {
    {"bucket_owner", C_ANY},	 {"bucket", C_ANY},
    {"time", C_CLFTIME},	 {"remote_ip", C_ANY},
    {"requester", C_ANY},	 {"request_id", C_ANY},
    {"operation", C_OPERATION},	 {"key", C_ANY},
    {"request_uri", C_ANY},	 {"http_status", C_STATUS},
    {"error_code", C_ANY},	 {"bytes_sent", C_NUM},
    {"object_size", C_NUM},	 {"total_time", C_NUM},
    {"turn_around_time", C_NUM}, {"referer", C_ANY},
    {"user_agent", C_ANY},	 {"version_id", C_ANY},
    {"host_id", C_ANY},		 {"signature_version", C_ANY},
    {"cipher_suite", C_ANY},	 {"authentication_type", C_ANY},
    {"host_header", C_ANY},	 {"tls_version", C_ANY},
    {"access_point_arn", C_ANY}, {"acl_required", C_ANY},
};

static const struct alias s3_aliases[] = {
    {"remote_addr", "remote_ip"},      {"client_ip", "remote_ip"},
    {"remote_user", "requester"},      {"status", "http_status"},
    {"http_user_agent", "user_agent"}, {"http_referer", "referer"},
    {"http_host", "host_header"},      {NULL, NULL},
};

static const struct col alb_cols[] = {
    {"type", C_ALBTYPE},
    {"time", C_ISOTIME},
    {"elb", C_ANY},
    {"client_port", C_HOSTPORT},
    {"target_port", C_HOSTPORT},
    {"request_processing_time", C_NUM},
    {"target_processing_time", C_NUM},
    {"response_processing_time", C_NUM},
    {"elb_status_code", C_STATUS},
    {"target_status_code", C_ANY},
    {"received_bytes", C_NUM},
    {"sent_bytes", C_NUM},
    {"request", C_ANY},
    {"user_agent", C_ANY},
    {"ssl_cipher", C_ANY},
    {"ssl_protocol", C_ANY},
    {"target_group_arn", C_ANY},
    {"trace_id", C_ANY},
    {"domain_name", C_ANY},
    {"chosen_cert_arn", C_ANY},
    {"matched_rule_priority", C_ANY},
    {"request_creation_time", C_ANY},
    {"actions_executed", C_ANY},
    {"redirect_url", C_ANY},
    {"error_reason", C_ANY},
    {"target_port_list", C_ANY},
    {"target_status_code_list", C_ANY},
    {"classification", C_ANY},
    {"classification_reason", C_ANY},
    {"conn_trace_id", C_ANY},
};

static const struct alias lb_aliases[] = {
    {"remote_addr", "client_ip"},
    {"status", "elb_status_code"},
    {"http_user_agent", "user_agent"},
    {NULL, NULL},
};

static const struct col elb_cols[] = {
    {"time", C_ISOTIME},
    {"elb", C_ANY},
    {"client_port", C_HOSTPORT},
    {"backend_port", C_HOSTPORT},
    {"request_processing_time", C_NUM},
    {"backend_processing_time", C_NUM},
    {"response_processing_time", C_NUM},
    {"elb_status_code", C_STATUS},
    {"backend_status_code", C_ANY},
    {"received_bytes", C_NUM},
    {"sent_bytes", C_NUM},
    {"request", C_ANY},
    {"user_agent", C_ANY},
    {"ssl_cipher", C_ANY},
    {"ssl_protocol", C_ANY},
};

static const struct col cf_cols[] = {
    {"date", C_DATE},
    {"time", C_CLOCK},
    {"x_edge_location", C_ANY},
    {"sc_bytes", C_NUM},
    {"c_ip", C_ANY},
    {"cs_method", C_ANY},
    {"cs_host", C_ANY},
    {"cs_uri_stem", C_ANY},
    {"sc_status", C_ANY},
    {"cs_referer", C_ANY},
    {"cs_user_agent", C_ANY},
    {"cs_uri_query", C_ANY},
    {"cs_cookie", C_ANY},
    {"x_edge_result_type", C_ANY},
    {"x_edge_request_id", C_ANY},
    {"x_host_header", C_ANY},
    {"cs_protocol", C_ANY},
    {"cs_bytes", C_NUM},
    {"time_taken", C_NUM},
    {"x_forwarded_for", C_ANY},
    {"ssl_protocol", C_ANY},
    {"ssl_cipher", C_ANY},
    {"x_edge_response_result_type", C_ANY},
    {"cs_protocol_version", C_ANY},
    {"fle_status", C_ANY},
    {"fle_encrypted_fields", C_ANY},
    {"c_port", C_ANY},
    {"time_to_first_byte", C_ANY},
    {"x_edge_detailed_result_type", C_ANY},
    {"sc_content_type", C_ANY},
    {"sc_content_len", C_ANY},
    {"sc_range_start", C_ANY},
    {"sc_range_end", C_ANY},
};

static const struct alias cf_aliases[] = {
    {"remote_addr", "c_ip"},
    {"client_ip", "c_ip"},
    {"status", "sc_status"},
    {"http_user_agent", "cs_user_agent"},
    {"http_referer", "cs_referer"},
    {"http_cookie", "cs_cookie"},
    {"http_host", "cs_host"},
    {"request_method", "cs_method"},
    {"server_protocol", "cs_protocol_version"},
    {"http_x_forwarded_for", "x_forwarded_for"},
    {NULL, NULL},
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "-", or a decimal number with an optional sign and fraction. */
static int is_num(struct span s)
{
	size_t i = 0;
	size_t start;

	if (s.len == 1 && s.p[0] == '-')
		return 1;
	if (i < s.len && s.p[i] == '-')
		i++;
	start = i;
	while (i < s.len && is_digit(s.p[i]))
		i++;
	if (i == start)
		return 0;
	if (i < s.len && s.p[i] == '.') {
		start = ++i;
		while (i < s.len && is_digit(s.p[i]))
			i++;
		if (i == start)
			return 0;
	}
	return i == s.len;
}

static int is_operation(struct span s)
{
	int dots = 0;

	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (c == '.')
			dots++;
		else if (!((c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'))
			return 0;
	}
	return dots > 0;
}

static int span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

static int is_alb_type(struct span s)
{
	static const char *const types[] = {"http",  "https", "h2",
					    "grpcs", "ws",    "wss"};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (span_is(s, types[i]))
			return 1;
	return 0;
}

static int is_hostport(struct span s)
{
	const char *colon = s.len ? memrchr(s.p, ':', s.len) : NULL;

	if (span_is(s, "-"))
		return 1;
	if (!colon || colon == s.p || (size_t)(colon - s.p) + 1 == s.len)
		return 0;
	for (const char *c = colon + 1; c < s.p + s.len; c++)
		if (!is_digit(*c))
			return 0;
	return 1;
}

/* NN-NN-NN with the given separator (dates and clock times). */
static int is_triple(struct span s, size_t first, char sep)
{
	if (s.len != first + 6 || s.p[first] != sep || s.p[first + 3] != sep)
		return 0;
	for (size_t i = 0; i < s.len; i++)
		if (i != first && i != first + 3 && !is_digit(s.p[i]))
			return 0;
	return 1;
}

static int check(enum check c, struct span s)
{
	int64_t t;
	int st;

	switch (c) {
	case C_ANY:
		return 1;
	case C_NUM:
		return is_num(s);
	case C_STATUS:
		return s.len > 0 && parse_status(s, &st) == 0;
	case C_CLFTIME:
		return parse_time_clf(s.p, s.len, &t) == 0;
	case C_ISOTIME:
		return parse_time_iso(s.p, s.len, &t) == 0;
	case C_HOSTPORT:
		return is_hostport(s);
	case C_ALBTYPE:
		return is_alb_type(s);
	case C_OPERATION:
		return is_operation(s);
	case C_DATE:
		return is_triple(s, 4, '-');
	case C_CLOCK:
		return is_triple(s, 2, ':');
	}
	return 0;
}

/* Split line into at most max fields at sep; with quotes, a field in
 * "..." or [...] may hold sep (the span leaves the brackets out).
 * Return the number of fields, or -1 when one is empty or unclosed. */
static int split(const char *line, size_t len, char sep, int quotes,
		 struct span *tok, int max)
{
	size_t pos = 0;
	int n = 0;

	while (n < max && pos < len) {
		char open = line[pos];
		size_t end;

		if (quotes && (open == '"' || open == '[')) {
			char close = open == '"' ? '"' : ']';

			for (end = pos + 1; end < len; end++)
				if (line[end] == close &&
				    (end + 1 == len || line[end + 1] == sep))
					break;
			if (end == len)
				return -1;
			tok[n].p = line + pos + 1;
			tok[n].len = end - pos - 1;
			end++;
		} else {
			const char *s = memchr(line + pos, sep, len - pos);

			end = s ? (size_t)(s - line) : len;
			if (end == pos)
				return -1;
			tok[n].p = line + pos;
			tok[n].len = end - pos;
		}
		n++;
		pos = end + 1;
	}
	return n;
}

static int table_init(struct format *fmt, const struct table_def *def)
{
	struct table *t = xcalloc(1, sizeof(*t));

	fmt->impl = t;
	t->def = def;
	for (int i = 0; i < def->ncols; i++)
		format_add_field(fmt, def->cols[i].name,
				 strlen(def->cols[i].name));
	for (int i = 0; i < MAX_DERIVED; i++) {
		const char *name = def->derived[i];

		t->derived[i] = -1;
		if (name)
			t->derived[i] =
			    format_add_field(fmt, name, strlen(name));
	}
	return 0;
}

static int table_field(struct format *fmt, const char *name)
{
	const struct table *t = fmt->impl;

	for (const struct alias *a = t->def->aliases; a && a->name; a++)
		if (strcmp(a->name, name) == 0)
			return format_field_index(fmt, a->field);
	return -1;
}

static void table_free(struct format *fmt)
{
	struct table *t = fmt->impl;

	if (t)
		free(t->scratch);
	free(t);
}

static int table_parse(struct format *fmt, const char *line, size_t len,
		       struct record *rec)
{
	const struct table_def *def = ((struct table *)fmt->impl)->def;
	struct span *tok = rec->field;
	int n = split(line, len, def->sep, def->sep == ' ', tok, def->ncols);

	if (n < 0)
		return parse_bad(rec, "empty or unclosed field");
	if (n < def->min)
		return parse_bad(rec, len && line[0] == '#'
					  ? "comment line"
					  : "too few fields");
	for (int i = 0; i < n; i++) {
		if (check(def->cols[i].check, tok[i]))
			continue;
		/* the first two fields tell the formats apart */
		return parse_bad(rec, i < 2 ? "not a line of this format"
					    : "malformed field");
	}
	for (int i = n; i < def->ncols; i++) {
		tok[i].p = line + len;
		tok[i].len = 0;
	}
	return def->finish(fmt, tok, n, rec);
}

/* The address of "address:port". */
static struct span host_of(struct span s)
{
	const char *colon = s.len ? memrchr(s.p, ':', s.len) : NULL;

	if (colon)
		s.len = (size_t)(colon - s.p);
	if (s.len >= 2 && s.p[0] == '[' && s.p[s.len - 1] == ']') {
		s.p++;
		s.len -= 2;
	}
	return s;
}

static int s3_finish(struct format *fmt, struct span *f, int n,
		     struct record *rec)
{
	const int *d = ((struct table *)fmt->impl)->derived;

	parse_time_clf(f[2].p, f[2].len, &rec->time);
	parse_status(f[9], &rec->status);
	rec->agent = f[16];
	parse_split_request(f[8], &f[d[0]], &f[d[1]], &f[d[2]]);
	return 0;
}

/* ALB (first = 1) and Classic ELB (first = 0): the same fields from the
 * time on, but for the names of the target ("backend"). */
static int lb_finish(struct format *fmt, struct span *f, int first,
		     struct record *rec)
{
	const int *d = ((struct table *)fmt->impl)->derived;

	parse_time_iso(f[first].p, f[first].len, &rec->time);
	parse_status(f[first + 7], &rec->status);
	rec->agent = f[first + 12];
	parse_split_request(f[first + 11], &f[d[0]], &f[d[1]], &f[d[2]]);
	f[d[3]] = host_of(f[first + 2]);
	f[d[4]] = host_of(f[first + 3]);
	return 0;
}

static int alb_finish(struct format *fmt, struct span *f, int n,
		      struct record *rec)
{
	return lb_finish(fmt, f, 1, rec);
}

static int elb_finish(struct format *fmt, struct span *f, int n,
		      struct record *rec)
{
	return lb_finish(fmt, f, 0, rec);
}

/* n digits at p, checked before. */
static int num(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* CloudFront: the time is date and time; request_uri joins the path
 * and the query; the agent is logged percent-encoded and given to the
 * report decoded. */
static int cf_finish(struct format *fmt, struct span *f, int n,
		     struct record *rec)
{
	struct table *t = fmt->impl;
	struct span *uri = &f[t->derived[0]];
	struct span q = f[11];
	char *s;
	int y = num(f[0].p, 4);
	int mo = num(f[0].p + 5, 2);
	int d = num(f[0].p + 8, 2);
	int hh = num(f[1].p, 2);
	int mi = num(f[1].p + 3, 2);
	int ss = num(f[1].p + 6, 2);

	if (!day_valid(y, mo, d) || !day_time_valid(hh, mi, ss))
		return parse_bad(rec, "impossible date or time");
	rec->time = day_epoch(y, mo, d, hh, mi, ss);
	if (parse_status(f[8], &rec->status) < 0)
		return parse_bad(rec, "bad status");
	if (t->cap < f[7].len + q.len + f[10].len + 1) {
		t->cap = f[7].len + q.len + f[10].len + 1;
		t->scratch = xrealloc(t->scratch, t->cap);
	}
	s = t->scratch;
	memcpy(s, f[7].p, f[7].len);
	uri->p = s;
	uri->len = f[7].len;
	if (q.len && !span_is(q, "-")) {
		s[uri->len++] = '?';
		memcpy(s + uri->len, q.p, q.len);
		uri->len += q.len;
	}
	rec->agent.p = s + uri->len;
	rec->agent.len = buf_url_decode(f[10].p, f[10].len, s + uri->len);
	return 0;
}

static const struct table_def s3_def = {
    s3_cols,	(int)(sizeof(s3_cols) / sizeof(s3_cols[0])),
    17, /* up to user_agent: the oldest lines */
    ' ',	{"request_method", "request_target", "server_protocol"},
    s3_aliases, s3_finish,
};

static const struct table_def alb_def = {
    alb_cols,
    (int)(sizeof(alb_cols) / sizeof(alb_cols[0])),
    18, /* up to trace_id */
    ' ',
    {"request_method", "request_uri", "server_protocol", "client_ip",
     "target_ip"},
    lb_aliases,
    alb_finish,
};

static const struct table_def elb_def = {
    elb_cols,
    (int)(sizeof(elb_cols) / sizeof(elb_cols[0])),
    13, /* up to user_agent */
    ' ',
    {"request_method", "request_uri", "server_protocol", "client_ip",
     "backend_ip"},
    lb_aliases,
    elb_finish,
};

static const struct table_def cf_def = {
    cf_cols,	(int)(sizeof(cf_cols) / sizeof(cf_cols[0])),
    24, /* up to cs_protocol_version */
    '\t',	{"request_uri"},
    cf_aliases, cf_finish,
};

static int s3_init(struct format *fmt, const char *arg, char *err,
		   size_t errlen)
{
	return table_init(fmt, &s3_def);
}

static int alb_init(struct format *fmt, const char *arg, char *err,
		    size_t errlen)
{
	return table_init(fmt, &alb_def);
}

static int elb_init(struct format *fmt, const char *arg, char *err,
		    size_t errlen)
{
	return table_init(fmt, &elb_def);
}

static int cf_init(struct format *fmt, const char *arg, char *err,
		   size_t errlen)
{
	return table_init(fmt, &cf_def);
}

const struct format_ops format_s3_ops = {
    .name = "s3",
    .init = s3_init,
    .parse = table_parse,
    .field = table_field,
    .free = table_free,
};
const struct format_ops format_alb_ops = {
    .name = "alb",
    .init = alb_init,
    .parse = table_parse,
    .field = table_field,
    .free = table_free,
};
const struct format_ops format_elb_ops = {
    .name = "elb",
    .init = elb_init,
    .parse = table_parse,
    .field = table_field,
    .free = table_free,
};
const struct format_ops format_cloudfront_ops = {
    .name = "cloudfront",
    .init = cf_init,
    .parse = table_parse,
    .field = table_field,
    .free = table_free,
};
