/* parse_clf.c: the NCSA family that Apache and nginx write by default:
 * common, combined, and their vhost_ forms with a "host[:port] " first.
 *
 *   [vhost[:port] ]CLIENT IDENT USER [TIME] "REQUEST" STATUS BYTES
 *                               (combined:) "REFERER" "USER-AGENT"[ ...]
 *
 * CLIENT is one address, or an X-Forwarded-For list in its place:
 * "a, b, c", "a, b c" (the list, then the peer) or "\"a, b\" c".  Any
 * other shape is a bad line: a guess could put an address in USER, the
 * field the shipped rules read credentials from. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define CLF_VHOST    1
#define CLF_COMBINED 2

struct clf {
	int flags;
	int f_vhost, f_port;
	int f_addr, f_ident, f_user, f_time, f_request, f_status, f_bytes;
	int f_referer, f_agent;
	int f_method, f_uri, f_proto, f_xff, f_client;
};

static int add(struct format *fmt, const char *name)
{
	return format_add_field(fmt, name, strlen(name));
}

static int clf_init(struct format *fmt, const char *arg, char *err,
		    size_t errlen)
{
	struct clf *c = xcalloc(1, sizeof(*c));

	fmt->impl = c;
	c->flags = fmt->ops->flags;
	c->f_vhost = c->f_port = c->f_referer = c->f_agent = -1;
	if (c->flags & CLF_VHOST) {
		c->f_vhost = add(fmt, "server_name");
		c->f_port = add(fmt, "server_port");
	}
	c->f_addr = add(fmt, "remote_addr");
	c->f_ident = add(fmt, "remote_ident");
	c->f_user = add(fmt, "remote_user");
	c->f_time = add(fmt, "time_local");
	c->f_request = add(fmt, "request");
	c->f_status = add(fmt, "status");
	c->f_bytes = add(fmt, "body_bytes_sent");
	if (c->flags & CLF_COMBINED) {
		c->f_referer = add(fmt, "http_referer");
		c->f_agent = add(fmt, "http_user_agent");
	}
	c->f_method = add(fmt, "request_method");
	c->f_uri = add(fmt, "request_uri");
	c->f_proto = add(fmt, "server_protocol");
	c->f_xff = add(fmt, "http_x_forwarded_for");
	c->f_client = add(fmt, "client_ip");
	return 0;
}

static void clf_free(struct format *fmt)
{
	free(fmt->impl);
}

static struct span sub(const char *line, size_t from, size_t to)
{
	struct span s = {line + from, to - from};

	return s;
}

/* Offset of the '[' that opens a valid time after pos (preceded by a
 * space, closed by ']'), or -1. */
static long find_time(struct format *fmt, const char *line, size_t pos,
		      size_t len, int64_t *t)
{
	for (size_t i = pos + 1; i + 28 <= len; i++) {
		const char *b = memchr(line + i, '[', len - i);

		if (!b)
			return -1;
		i = (size_t)(b - line);
		if (i + 28 <= len && line[i - 1] == ' ' &&
		    line[i + 27] == ']' &&
		    parse_time_clf_memo(&fmt->time_memo, line + i + 1, 26,
					t) == 0)
			return (long)i;
	}
	return -1;
}

static int addr_byte(char c)
{
	return c != ' ' && c != ',' && c != '"' && c != '\0';
}

/* An address list "a, b,c": return the number of entries and set the
 * first and last; stop at a space that follows an entry (not a comma)
 * and set *stop there.  Return 0 when malformed. */
static int addr_list(struct span s, struct span *first, struct span *last,
		     size_t *stop)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		size_t start = i;

		while (i < s.len && addr_byte(s.p[i]))
			i++;
		if (i == start)
			return 0;
		last->p = s.p + start;
		last->len = i - start;
		if (n++ == 0)
			*first = *last;
		*stop = i;
		if (i == s.len || s.p[i] == ' ')
			return n;
		if (s.p[i] != ',')
			return 0;
		i++;
		if (i < s.len && s.p[i] == ' ')
			i++;
	}
}

/* One address with nothing else around it. */
static int one_addr(struct span s)
{
	if (s.len == 0 || (s.len == 1 && s.p[0] == '-'))
		return 0;
	for (size_t i = 0; i < s.len; i++)
		if (!addr_byte(s.p[i]))
			return 0;
	return 1;
}

/* The CLIENT part: fill remote_addr, http_x_forwarded_for, client_ip.
 * Return 0, or -1 when it has none of the shapes in the header. */
static int client_part(const struct clf *c, struct span s, struct record *rec)
{
	struct span first, last, list, addr;
	size_t stop = 0;
	int n;

	if (s.len && s.p[0] == '"') {
		const char *q = memchr(s.p + 1, '"', s.len - 1);

		if (!q || (size_t)(q - s.p) + 2 >= s.len || q[1] != ' ')
			return -1;
		list = sub(s.p, 1, (size_t)(q - s.p));
		addr = sub(s.p, (size_t)(q - s.p) + 2, s.len);
		if (!one_addr(addr))
			return -1;
		n = list.len ? addr_list(list, &first, &last, &stop) : 0;
		if (n == 0 || stop != list.len)
			first = addr;
	} else {
		n = addr_list(s, &first, &last, &stop);
		if (n == 0)
			return -1;
		list = sub(s.p, 0, n > 1 ? stop : 0);
		addr = last;
		if (stop < s.len) {
			/* "a, b c": the list, then the peer's address */
			addr = sub(s.p, stop + 1, s.len);
			if (n < 2 || !one_addr(addr))
				return -1;
		}
	}
	if (first.len == 1 && first.p[0] == '-')
		first = addr;
	if (!one_addr(addr))
		return -1;
	rec->field[c->f_addr] = addr;
	rec->field[c->f_xff] = list;
	rec->field[c->f_client] = first;
	return 0;
}

/* Everything before " [TIME]": CLIENT IDENT USER, each non-empty. */
static int host_part(const struct clf *c, struct span s, struct record *rec)
{
	size_t u = s.len;
	size_t id;

	while (u > 0 && s.p[u - 1] != ' ')
		u--;
	if (u < 2 || u == s.len)
		return -1;
	id = u - 1;
	while (id > 0 && s.p[id - 1] != ' ')
		id--;
	if (id < 2 || id == u - 1)
		return -1;
	rec->field[c->f_ident] = sub(s.p, id, u - 1);
	rec->field[c->f_user] = sub(s.p, u, s.len);
	/* Apache writes an empty user name as "" */
	if (rec->field[c->f_user].len == 2 && s.p[u] == '"' &&
	    s.p[u + 1] == '"')
		rec->field[c->f_user].len = 0;
	return client_part(c, sub(s.p, 0, id - 1), rec);
}

/* "host" or "host:port" before the client. */
static int vhost_part(const struct clf *c, const char *line, size_t len,
		      size_t *pos, struct record *rec)
{
	const char *sp = memchr(line, ' ', len);
	size_t n = sp ? (size_t)(sp - line) : 0;
	size_t colon = n;
	size_t d;

	if (n == 0 || line[n - 1] == ',' || memchr(line, '"', n))
		return -1;
	for (d = n; d > 0 && line[d - 1] >= '0' && line[d - 1] <= '9'; d--)
		;
	/* a port: digits after the last ':', not inside "::1" or "[::1]" */
	if (d < n && d > 1 && line[d - 1] == ':' &&
	    (!memchr(line, ':', d - 1) || line[d - 2] == ']'))
		colon = d - 1;
	rec->field[c->f_vhost] = sub(line, 0, colon);
	rec->field[c->f_port] = sub(line, colon < n ? colon + 1 : n, n);
	*pos = n + 1;
	return 0;
}

/* A "..." field at *pos followed by a space or the end; advance past
 * the closing quote. */
static int quoted(const char *line, size_t len, size_t *pos, struct span *out)
{
	long end;

	if (*pos >= len || line[*pos] != '"')
		return -1;
	end = parse_quote_end(line, *pos + 1, len, " ");
	if (end < 0)
		return -1;
	*out = sub(line, *pos + 1, (size_t)end);
	*pos = (size_t)end + 1;
	return 0;
}

/* A word at *pos up to the next space or the end. */
static struct span word(const char *line, size_t len, size_t *pos)
{
	const char *sp = memchr(line + *pos, ' ', len - *pos);
	size_t end = sp ? (size_t)(sp - line) : len;
	struct span w = sub(line, *pos, end);

	*pos = end;
	return w;
}

static int is_count(struct span s)
{
	if (s.len == 1 && s.p[0] == '-')
		return 1;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return s.len > 0 && s.len <= 20;
}

/* After the time: "REQUEST" STATUS BYTES and, for combined, the
 * referer and agent; then the end of the line or " anything". */
static int tail_part(const struct clf *c, const char *line, size_t len,
		     size_t pos, struct record *rec)
{
	struct span *f = rec->field;

	if (len - pos < 2 || line[pos] != ' ')
		return parse_bad(rec, "no request after the time");
	pos++;
	if (quoted(line, len, &pos, &f[c->f_request]) < 0)
		return parse_bad(rec, "request not in quotes");
	if (pos == len || line[pos++] != ' ')
		return parse_bad(rec, "no status");
	f[c->f_status] = word(line, len, &pos);
	if (f[c->f_status].len == 0 ||
	    parse_status(f[c->f_status], &rec->status) < 0)
		return parse_bad(rec, "bad status");
	if (pos == len || line[pos++] != ' ')
		return parse_bad(rec, "no byte count");
	f[c->f_bytes] = word(line, len, &pos);
	if (!is_count(f[c->f_bytes]))
		return parse_bad(rec, "bad byte count");
	if (c->flags & CLF_COMBINED) {
		if (pos == len || line[pos++] != ' ' ||
		    quoted(line, len, &pos, &f[c->f_referer]) < 0)
			return parse_bad(rec, "referer not in quotes");
		if (pos == len || line[pos++] != ' ' ||
		    quoted(line, len, &pos, &f[c->f_agent]) < 0)
			return parse_bad(rec, "user agent not in quotes");
		rec->agent = f[c->f_agent];
	}
	if (pos < len && line[pos] != ' ')
		return parse_bad(rec, "unexpected text after the last field");
	return 0;
}

static int clf_parse(struct format *fmt, const char *line, size_t len,
		     struct record *rec)
{
	const struct clf *c = fmt->impl;
	struct span *f = rec->field;
	size_t pos = 0;
	long at;

	if ((c->flags & CLF_VHOST) && vhost_part(c, line, len, &pos, rec) < 0)
		return parse_bad(rec, "no virtual host before the client");
	at = find_time(fmt, line, pos, len, &rec->time);
	if (at < 0)
		return parse_bad(rec, "no [time]");
	f[c->f_time] = sub(line, (size_t)at + 1, (size_t)at + 27);
	if (host_part(c, sub(line, pos, (size_t)at - 1), rec) < 0)
		return parse_bad(rec, "bad client, ident or user before the "
				      "time");
	if (tail_part(c, line, len, (size_t)at + 28, rec) < 0)
		return -1;
	parse_split_request(f[c->f_request], &f[c->f_method], &f[c->f_uri],
			    &f[c->f_proto]);
	return 0;
}

const struct format_ops format_combined_ops = {
    .name = "combined",
    .flags = CLF_COMBINED,
    .init = clf_init,
    .parse = clf_parse,
    .free = clf_free,
};
const struct format_ops format_common_ops = {
    .name = "common",
    .init = clf_init,
    .parse = clf_parse,
    .free = clf_free,
};
const struct format_ops format_vhost_combined_ops = {
    .name = "vhost_combined",
    .flags = CLF_VHOST | CLF_COMBINED,
    .init = clf_init,
    .parse = clf_parse,
    .free = clf_free,
};
const struct format_ops format_vhost_common_ops = {
    .name = "vhost_common",
    .flags = CLF_VHOST,
    .init = clf_init,
    .parse = clf_parse,
    .free = clf_free,
};
