/* parse.c: the table of log formats, format_new()/format_detect(), the
 * line parser's common part, and helpers the parse_*.c formats share. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "msg.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct format_ops *const known[] = {
    &format_combined_ops,     &format_common_ops, &format_vhost_combined_ops,
    &format_vhost_common_ops, &format_nginx_ops,  &format_jsonl_ops,
    &format_s3_ops,	      &format_alb_ops,	  &format_elb_ops,
    &format_cloudfront_ops,   &format_regex_ops,
};

/* --format auto tries these in order: a format whose lines are a
 * special case of a later one's comes first. */
static const struct format_ops *const detect_order[] = {
    &format_jsonl_ops,	  &format_s3_ops,	    &format_alb_ops,
    &format_elb_ops,	  &format_cloudfront_ops,   &format_vhost_combined_ops,
    &format_combined_ops, &format_vhost_common_ops, &format_common_ops,
};

/* What the usage text calls a format's argument. */
static const char *arg_name(const struct format_ops *ops)
{
	if (strcmp(ops->name, "nginx") == 0)
		return "<log_format>";
	if (strcmp(ops->name, "regex") == 0)
		return "<pattern>";
	return strcmp(ops->name, "jsonl") == 0 ? "<time key>" : "<arg>";
}

void format_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NELEM(known) && used < len; i++) {
		const struct format_ops *o = known[i];
		int n = snprintf(buf + used, len - used, "%s%s%s%s%s",
				 i ? ", " : "", o->name,
				 o->arg == 1 ? "[:"
				 : o->arg    ? ":"
					     : "",
				 o->arg ? arg_name(o) : "",
				 o->arg == 1 ? "]" : "");

		used += n > 0 ? (size_t)n : 0;
	}
}

int format_add_field(struct format *fmt, const char *name, size_t len)
{
	for (int i = 0; i < fmt->nfields; i++)
		if (strlen(fmt->names[i]) == len &&
		    memcmp(fmt->names[i], name, len) == 0)
			return i;
	if (fmt->nfields == RECORD_MAX_FIELDS)
		return -1;
	fmt->names[fmt->nfields] = xstrndup(name, len);
	return fmt->nfields++;
}

int format_field_index(struct format *fmt, const char *name)
{
	for (int i = 0; i < fmt->nfields; i++)
		if (strcmp(fmt->names[i], name) == 0)
			return i;
	return fmt->ops->field ? fmt->ops->field(fmt, name) : -1;
}

static const struct format_ops *find_ops(const char *spec, const char **arg)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	*arg = colon ? colon + 1 : NULL;
	for (size_t i = 0; i < NELEM(known); i++)
		if (strlen(known[i]->name) == n &&
		    memcmp(known[i]->name, spec, n) == 0)
			return known[i];
	return NULL;
}

struct format *format_new(const char *spec, char *err, size_t errlen)
{
	const char *arg;
	const struct format_ops *ops = find_ops(spec, &arg);
	struct format *fmt;

	if (!ops) {
		char known_list[512];
		char b[MSG_ARG_MAX];

		/* not repeated: a secret may have been typed there */
		format_names(known_list, sizeof(known_list));
		snprintf(err, errlen, "unknown format (got %s); known: %s%s",
			 msg_arg(b, spec), known_list,
			 strcmp(spec, "auto") == 0
			     ? "; 'auto' is for ingest, which reads "
			       "each log's first lines"
			     : "");
		return NULL;
	}
	if ((arg && ops->arg == 0) || (!arg && ops->arg == 2)) {
		snprintf(err, errlen,
			 arg ? "format '%s' takes no ':' argument"
			     : "format '%s' needs ':' and its argument",
			 ops->name);
		return NULL;
	}
	fmt = xcalloc(1, sizeof(*fmt));
	fmt->spec = xstrdup(spec);
	fmt->ops = ops;
	if (ops->init(fmt, arg, err, errlen) < 0) {
		format_free(fmt);
		return NULL;
	}
	return fmt;
}

void format_free(struct format *fmt)
{
	if (!fmt)
		return;
	if (fmt->ops && fmt->ops->free)
		fmt->ops->free(fmt);
	for (int i = 0; i < fmt->nfields; i++)
		free(fmt->names[i]);
	free(fmt->spec);
	free(fmt);
}

const char *format_spec(const struct format *fmt)
{
	return fmt->spec;
}

void format_label(const struct format *fmt, char out[FORMAT_LABEL_MAX])
{
	const char *colon = strchr(fmt->spec, ':');
	size_t kind = colon ? (size_t)(colon - fmt->spec) : 0;
	unsigned char d[6];

	if (strlen(fmt->spec) < FORMAT_LABEL_MAX &&
	    strspn(fmt->spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
			      "UVWXYZ0123456789_.:-") == strlen(fmt->spec) &&
	    strncmp(fmt->spec, "nginx:", 6) != 0 &&
	    strncmp(fmt->spec, "regex:", 6) != 0) {
		snprintf(out, FORMAT_LABEL_MAX, "%s", fmt->spec);
		return;
	}
	crypto_generichash(d, sizeof(d), (const unsigned char *)fmt->spec,
			   strlen(fmt->spec), NULL, 0);
	snprintf(out, FORMAT_LABEL_MAX, "%.*s:#%02x%02x%02x%02x%02x%02x",
		 (int)(kind < 16 ? kind : 16), fmt->spec, d[0], d[1], d[2],
		 d[3], d[4], d[5]);
}

int format_nfields(const struct format *fmt)
{
	return fmt->nfields;
}

const char *format_field_name(const struct format *fmt, int i)
{
	return fmt->names[i];
}

int parse_bad(struct record *rec, const char *why)
{
	rec->error = why;
	return -1;
}

static int is_dash(struct span s)
{
	return s.len == 1 && s.p[0] == '-';
}

int format_is_directive(const struct format *fmt, const char *line, size_t len)
{
	static const char *const words[] = {
	    "#Version:", "#Fields:",	 "#Software:", "#Date:",
	    "#Remark:",	 "#Start-Date:", "#End-Date:"};

	if (fmt->ops != &format_cloudfront_ops || len < 2 || line[0] != '#')
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len >= strlen(words[i]) &&
		    memcmp(line, words[i], strlen(words[i])) == 0)
			return 1;
	return 0;
}

int parse_line(struct format *fmt, const char *line, size_t len,
	       struct record *rec)
{
	if (len && line[len - 1] == '\r')
		len--;
	/* fields past nfields are never read: a jsonl format adds its
	 * fields before any line is parsed */
	for (int i = 0; i < fmt->nfields; i++) {
		rec->field[i].p = line;
		rec->field[i].len = 0;
	}
	rec->agent.p = line;
	rec->agent.len = 0;
	rec->time = 0;
	rec->status = 0;
	rec->error = NULL;
	if (len == 0)
		return parse_bad(rec, "empty line");
	if (fmt->ops->parse(fmt, line, len, rec) < 0) {
		if (!rec->error)
			rec->error = "line does not match the format";
		return -1;
	}
	for (int i = 0; i < fmt->nfields; i++)
		if (is_dash(rec->field[i]))
			rec->field[i].len = 0;
	if (is_dash(rec->agent))
		rec->agent.len = 0;
	return 0;
}

int parse_status(struct span s, int *status)
{
	*status = 0;
	if (s.len == 0 || is_dash(s))
		return 0;
	if (s.len != 3)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		*status = *status * 10 + (s.p[i] - '0');
	}
	return 0;
}

void parse_split_request(struct span req, struct span *method,
			 struct span *uri, struct span *proto)
{
	const char *sp = memchr(req.p, ' ', req.len);
	struct span rest;
	size_t n;

	method->p = req.p;
	method->len = sp ? (size_t)(sp - req.p) : req.len;
	rest.p = sp ? sp + 1 : req.p + req.len;
	rest.len = sp ? req.len - method->len - 1 : 0;
	/* The protocol is the last word, when there are two or more. */
	for (n = rest.len; n > 0 && rest.p[n - 1] != ' '; n--)
		;
	if (n) {
		uri->p = rest.p;
		uri->len = n - 1;
		proto->p = rest.p + n;
		proto->len = rest.len - n;
	} else {
		*uri = rest;
		proto->p = rest.p + rest.len;
		proto->len = 0;
	}
}

long parse_quote_end(const char *line, size_t pos, size_t len,
		     const char *after)
{
	for (size_t i = pos; i < len; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		if (line[i] == '"' &&
		    (i + 1 == len ||
		     (line[i + 1] != '\0' && strchr(after, line[i + 1]))))
			return (long)i;
	}
	return -1;
}

/* Does line parse with fmt into a request: a status, a method or a
 * target?  A JSON application log parses, and is no access log. */
static int is_request(struct format *fmt, const int *req, const char *line,
		      size_t len)
{
	struct record rec;

	if (parse_line(fmt, line, len, &rec) < 0)
		return 0;
	return rec.status != 0 || (req[0] >= 0 && rec.field[req[0]].len) ||
	       (req[1] >= 0 && rec.field[req[1]].len);
}

/* Parse every complete, non-blank line of buf with fmt and count those
 * that are requests.  A head without any newline is taken as one line:
 * a short log whose only line has none. */
static void try_lines(struct format *fmt, const char *buf, size_t len,
		      int *good, int *bad)
{
	/* asked before any line is parsed: a jsonl format adds them */
	int req[2] = {format_field_index(fmt, "request_method"),
		      format_field_index(fmt, "request_uri")};
	size_t off = 0;

	*good = *bad = 0;
	if (len && !memchr(buf, '\n', len)) {
		if (is_request(fmt, req, buf, len))
			*good = 1;
		else
			*bad = 1;
		return;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (buf + off));
		if (!(n == 0 || (n == 1 && buf[off] == '\r'))) {
			if (is_request(fmt, req, buf + off, n))
				(*good)++;
			else
				(*bad)++;
		}
		off += n + 1;
	}
}

/* The first format in detect_order that parses four in five lines or
 * more (a few bad lines are data); failing that, the one that parses
 * most lines if that is a third of them at least (a log that mixes
 * layouts), the earlier one on a tie.  Return its index, or -1. */
static int pick(const int *good, const int *bad, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (good[i] > 0 && good[i] >= 4 * bad[i])
			return i;
	for (int i = 0; i < n; i++)
		if (good[i] > 0 && 2 * good[i] >= bad[i] &&
		    (best < 0 || good[i] > good[best]))
			best = i;
	return best;
}

struct format *format_detect(const char *buf, size_t len, char *err,
			     size_t errlen)
{
	enum { N = (int)NELEM(detect_order) };
	int good[N];
	int bad[N];
	char tried[512];
	size_t used = 0;
	int i;

	for (i = 0; i < N; i++) {
		struct format *fmt =
		    format_new(detect_order[i]->name, err, errlen);

		if (!fmt)
			return NULL;
		try_lines(fmt, buf, len, &good[i], &bad[i]);
		format_free(fmt);
	}
	i = pick(good, bad, N);
	if (i >= 0)
		return format_new(detect_order[i]->name, err, errlen);
	tried[0] = '\0';
	for (i = 0; i < N && used < sizeof(tried); i++)
		used += (size_t)snprintf(tried + used, sizeof(tried) - used,
					 "%s%s %d", i ? ", " : "",
					 detect_order[i]->name, good[i]);
	if (good[0] + bad[0] == 0)
		snprintf(err, errlen,
			 "cannot tell the log format: no line in the first "
			 "%zu bytes; give --format",
			 len);
	else
		snprintf(err, errlen,
			 "cannot tell the log format: of the first %d "
			 "lines, %s parsed; give --format",
			 good[0] + bad[0], tried);
	return NULL;
}

#define QUOTED_MAX 16 /* quoted values of a line whose spans are kept */

/* Quoted values on a combined-family line from the request on: the
 * request is the first "..." after "] " (the time's end).  The first
 * QUOTED_MAX values (without their quotes) go to v when it is not NULL. */
static int quoted_after_time(const char *line, size_t len, struct span *v)
{
	const char *t = memmem(line, len, "] \"", 3);
	size_t pos;
	int n = 0;

	if (!t)
		return 0;
	pos = (size_t)(t - line) + 2;
	while (pos < len) {
		if (line[pos] == '"') {
			long end = parse_quote_end(line, pos + 1, len, " ");

			if (end < 0)
				break;
			if (v && n < QUOTED_MAX) {
				v[n].p = line + pos + 1;
				v[n].len = (size_t)end - pos - 1;
			}
			n++;
			pos = (size_t)end + 1;
		} else {
			const char *sp = memchr(line + pos, ' ', len - pos);

			pos = sp ? (size_t)(sp - line) : len;
		}
		while (pos < len && line[pos] == ' ')
			pos++;
	}
	return n;
}

/* The quoted values of fmt's layout: 3 for the combined family
 * (request, referer, agent), 1 for the common one, 0 for the others. */
static int layout_quoted(const struct format *fmt)
{
	if (fmt->ops == &format_combined_ops ||
	    fmt->ops == &format_vhost_combined_ops)
		return 3;
	if (fmt->ops == &format_common_ops ||
	    fmt->ops == &format_vhost_common_ops)
		return 1;
	return 0;
}

int format_detect_ignored(struct format *fmt, const char *buf, size_t len)
{
	struct record rec;
	size_t off = 0;
	int layout = layout_quoted(fmt);

	if (!layout)
		return 0;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		if (n && parse_line(fmt, buf + off, n, &rec) == 0) {
			int q = quoted_after_time(buf + off, n, NULL);

			return q > layout ? q - layout : 0;
		}
		off += n + 1;
	}
	return 0;
}

/* Does v hold an Authorization header's value? */
static int auth_value(const char *p, size_t len)
{
	static const char *const schemes[] = {"Bearer ", "Basic ", "Token ",
					      "Digest "};

	for (size_t i = 0; i < NELEM(schemes); i++)
		if (len > strlen(schemes[i]) &&
		    strncasecmp(p, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* The value at line[pos..len) (quoted or up to a blank): *quoted says
 * which, *vp and *vlen its text; return where the next one starts, or
 * -1 at an unclosed quote. */
static long next_value(const char *line, size_t pos, size_t len, int *quoted,
		       const char **vp, size_t *vlen)
{
	size_t end;

	*quoted = line[pos] == '"';
	if (*quoted) {
		long q = parse_quote_end(line, pos + 1, len, " ");

		if (q < 0)
			return -1;
		*vp = line + pos + 1;
		*vlen = (size_t)q - pos - 1;
		end = (size_t)q + 1;
	} else {
		const char *sp = memchr(line + pos, ' ', len - pos);

		end = sp ? (size_t)(sp - line) : len;
		*vp = line + pos;
		*vlen = end - pos;
	}
	while (end < len && line[end] == ' ')
		end++;
	return (long)end;
}

/* The values of line after the combined layout's, as nginx variables:
 * "$http_authorization" for the first holding an Authorization header,
 * $field_N for the others, quoted as on the line.  Return their
 * number. */
static int extra_values(const char *line, size_t len, char *out, size_t outlen)
{
	const char *t = memmem(line, len, "] \"", 3);
	size_t n = strlen(out);
	long pos;
	int k = 0;
	int named = 0;

	if (!t)
		return 0;
	pos = t - line + 2;
	/* request, status, bytes, referer, agent; then the extra ones */
	for (int i = 0; pos >= 0 && (size_t)pos < len && n < outlen; i++) {
		int q;
		const char *vp;
		size_t vlen;

		pos = next_value(line, (size_t)pos, len, &q, &vp, &vlen);
		if (pos < 0 || i < 5)
			continue;
		k++;
		if (q && !named && auth_value(vp, vlen)) {
			named = 1;
			n += (size_t)snprintf(out + n, outlen - n,
					      " \"$http_authorization\"");
		} else {
			n += (size_t)snprintf(
			    out + n, outlen - n,
			    q ? " \"$field_%d\"" : " $field_%d", k);
		}
	}
	return k;
}

int format_detect_suggest(struct format *fmt, const char *buf, size_t len,
			  char *out, size_t outlen)
{
	struct record rec;
	size_t off = 0;
	int vhost = fmt->ops == &format_vhost_combined_ops;

	out[0] = '\0';
	if (layout_quoted(fmt) != 3 || !format_detect_ignored(fmt, buf, len))
		return 0; /* (after common's layout: combined's, perhaps) */
	snprintf(out, outlen,
		 "nginx:%s$remote_addr - $remote_user [$time_local] "
		 "\"$request\" $status $body_bytes_sent \"$http_referer\" "
		 "\"$http_user_agent\"",
		 vhost ? "$host:$server_port " : "");
	/* the first line fmt parses that has an Authorization header, else
	 * the first it parses */
	for (int pass = 0; pass < 2; pass++) {
		for (off = 0; off < len;) {
			const char *nl = memchr(buf + off, '\n', len - off);
			size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

			if (n && parse_line(fmt, buf + off, n, &rec) == 0 &&
			    (pass || memmem(buf + off, n, "\"Bearer ", 8) ||
			     memmem(buf + off, n, "\"Basic ", 7)))
				return extra_values(buf + off, n, out, outlen);
			off += n + 1;
		}
	}
	return 0;
}

const char *format_fixed_name(int i)
{
	/* the formats whose field names do not depend on an argument */
	static const struct format_ops *const fixed[] = {
	    &format_combined_ops,
	    &format_common_ops,
	    &format_vhost_combined_ops,
	    &format_vhost_common_ops,
	    &format_s3_ops,
	    &format_alb_ops,
	    &format_elb_ops,
	    &format_cloudfront_ops,
	};

	return i >= 0 && (size_t)i < NELEM(fixed) ? fixed[i]->name : NULL;
}

/* Do the n bytes at p match pat, where '9' is a digit, 'a' a letter and
 * any other byte itself? */
static int shaped(const char *p, size_t len, const char *pat)
{
	size_t n = strlen(pat);

	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (pat[i] == '9' ? !(c >= '0' && c <= '9')
		    : pat[i] == 'a'
			? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			: c != pat[i])
			return 0;
	}
	return 1;
}

/* nginx: "2026/10/01 00:01:02 [error] 1234#1234: ..." */
static int nginx_error_line(const char *p, size_t len)
{
	const char *end;

	if (!shaped(p, len, "9999/99/99 99:99:99 ["))
		return 0;
	end = memchr(p + 21, ']', len - 21);
	return end && (size_t)(end - p) + 3 < len && end[1] == ' ' &&
	       end[2] >= '0' && end[2] <= '9' &&
	       memchr(end, '#', len - (size_t)(end - p)) != NULL;
}

/* Apache: "[Thu Oct 01 00:01:02[.123456] 2026] [core:error] ..." (2.4)
 * or "[Thu Oct 01 00:01:02 2026] [error] ..." (2.2) */
static int apache_error_line(const char *p, size_t len)
{
	size_t i = 20;

	if (!shaped(p, len, "[aaa aaa 99 99:99:99"))
		return 0;
	if (i < len && p[i] == '.')
		for (i++; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			;
	return shaped(p + i, len - i, " 9999] [a");
}

const char *format_error_log(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;

	if (nginx_error_line(buf, n))
		return "an nginx error log";
	if (apache_error_line(buf, n))
		return "an Apache error log";
	return NULL;
}
