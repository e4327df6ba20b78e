/* parse.c: log formats (a small template language modelled on nginx's
 * log_format) and the line parser built on it. */
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define MAX_TOKENS (2 * RECORD_MAX_FIELDS + 1)

/* A format is a sequence of literal text and variables.  A variable's
 * value runs up to the literal that follows it; inside double quotes a
 * backslash escapes the next byte, as Apache and nginx write them. */
struct token {
	const char *lit; /* literal text, or NULL for a variable */
	size_t litlen;
	int field;  /* the variable's field index */
	int quoted; /* the variable sits inside "..." */
};

struct format {
	char *spec;
	char *text; /* the template; token literals point into it */
	struct token tok[MAX_TOKENS];
	int ntok;
	char *names[RECORD_MAX_FIELDS];
	int nfields;
	int trailing_ok; /* extra " ..." fields after the last are allowed */
	int f_time, f_status, f_agent, f_request;
	int f_method, f_uri, f_proto; /* derived from $request */
};

static const char COMBINED[] =
	"$remote_addr $remote_ident $remote_user [$time_local] \"$request\" "
	"$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
static const char COMMON[] = "$remote_addr $remote_ident $remote_user "
			     "[$time_local] \"$request\" $status "
			     "$body_bytes_sent";

static const struct {
	const char *name;
	const char *tmpl;
} builtin[] = {
	{"combined", COMBINED},
	{"common", COMMON},
};

int format_field_index(struct format *fmt, const char *name)
{
	for (int i = 0; i < fmt->nfields; i++)
		if (strcmp(fmt->names[i], name) == 0)
			return i;
	return -1;
}

static int add_field(struct format *fmt, const char *name, size_t len)
{
	char tmp[128];
	int i;

	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	i = format_field_index(fmt, tmp);
	if (i >= 0)
		return i;
	if (fmt->nfields == RECORD_MAX_FIELDS)
		return -1;
	fmt->names[fmt->nfields] = xstrdup(tmp);
	return fmt->nfields++;
}

static int is_namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Split fmt->text into tokens.  Return 0 or -1 with err set. */
static int compile(struct format *fmt, char *err, size_t errlen)
{
	char *s = fmt->text;

	while (*s) {
		struct token *t = &fmt->tok[fmt->ntok];
		char *name;
		size_t n;

		if (fmt->ntok == MAX_TOKENS) {
			snprintf(err, errlen, "format has too many fields");
			return -1;
		}
		if (*s != '$') {
			n = strcspn(s, "$");
			t->lit = s;
			t->litlen = n;
			s += n;
			fmt->ntok++;
			continue;
		}
		if (s[1] == '{') {
			name = s + 2;
			n = strcspn(name, "}");
			if (name[n] != '}' || n == 0) {
				snprintf(err, errlen,
					 "format: unterminated ${...}");
				return -1;
			}
			s = name + n + 1;
		} else {
			name = s + 1;
			for (n = 0; is_namechar((unsigned char)name[n]); n++)
				;
			if (n == 0) {
				snprintf(err, errlen,
					 "format: '$' without a variable name");
				return -1;
			}
			s = name + n;
		}
		if (fmt->ntok > 0 && !fmt->tok[fmt->ntok - 1].lit) {
			snprintf(err, errlen,
				 "format: two variables with nothing between "
				 "them cannot be told apart");
			return -1;
		}
		t->lit = NULL;
		t->field = add_field(fmt, name, n);
		if (t->field < 0) {
			snprintf(err, errlen, "format has too many fields");
			return -1;
		}
		t->quoted = fmt->ntok > 0 &&
			    fmt->tok[fmt->ntok - 1].litlen > 0 &&
			    fmt->tok[fmt->ntok - 1]
					    .lit[fmt->tok[fmt->ntok - 1].litlen -
						 1] == '"';
		fmt->ntok++;
	}
	return 0;
}

static void find_special(struct format *fmt)
{
	fmt->f_time = format_field_index(fmt, "time_local");
	fmt->f_status = format_field_index(fmt, "status");
	fmt->f_agent = format_field_index(fmt, "http_user_agent");
	fmt->f_request = format_field_index(fmt, "request");
	fmt->f_method = fmt->f_uri = fmt->f_proto = -1;
	if (fmt->f_request >= 0 &&
	    format_field_index(fmt, "request_method") < 0) {
		fmt->f_method = add_field(fmt, "request_method", 14);
		fmt->f_uri = add_field(fmt, "request_uri", 11);
		fmt->f_proto = add_field(fmt, "server_protocol", 15);
	}
}

struct format *format_new(const char *spec, char *err, size_t errlen)
{
	struct format *fmt = xcalloc(1, sizeof(*fmt));
	const char *tmpl = NULL;

	fmt->spec = xstrdup(spec);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(spec, builtin[i].name) == 0) {
			tmpl = builtin[i].tmpl;
			fmt->trailing_ok = 1;
		}
	if (!tmpl && strncmp(spec, "nginx:", 6) == 0)
		tmpl = spec + 6;
	if (!tmpl) {
		snprintf(err, errlen,
			 "unknown format '%s' (known: combined, common, "
			 "nginx:<log_format>)",
			 spec);
		goto fail;
	}
	fmt->text = xstrdup(tmpl);
	if (compile(fmt, err, errlen) < 0)
		goto fail;
	find_special(fmt);
	if (fmt->f_time < 0) {
		snprintf(err, errlen, "format '%s' has no $time_local", spec);
		goto fail;
	}
	if (fmt->f_method >= 0 && fmt->f_proto < 0) {
		snprintf(err, errlen, "format has too many fields");
		goto fail;
	}
	return fmt;
fail:
	format_free(fmt);
	return NULL;
}

void format_free(struct format *fmt)
{
	if (!fmt)
		return;
	for (int i = 0; i < fmt->nfields; i++)
		free(fmt->names[i]);
	free(fmt->text);
	free(fmt->spec);
	free(fmt);
}

const char *format_spec(const struct format *fmt)
{
	return fmt->spec;
}

int format_nfields(const struct format *fmt)
{
	return fmt->nfields;
}

const char *format_field_name(const struct format *fmt, int i)
{
	return fmt->names[i];
}

int64_t civil_to_epoch(int y, int m, int d, int hh, int mm, int ss)
{
	/* Days from 1970-01-01 of a proleptic Gregorian date, counting
	 * years from March so that the leap day ends the year. */
	int64_t era;
	int64_t yoe;
	int64_t doy;
	int64_t doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60 +
	       ss;
}

static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int month_number(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 12; i++)
		if (memcmp(p, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/* "10/Oct/2000:13:55:36 -0700" to UTC seconds; -1 if malformed. */
static int parse_time_local(struct span s, int64_t *out)
{
	const char *p = s.p;
	int d, mon, y, hh, mm, ss, tzh, tzm;

	if (s.len != 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' ||
	    p[14] != ':' || p[17] != ':' || p[20] != ' ' ||
	    (p[21] != '+' && p[21] != '-'))
		return -1;
	d = digits(p, 2);
	mon = month_number(p + 3);
	y = digits(p + 7, 4);
	hh = digits(p + 12, 2);
	mm = digits(p + 15, 2);
	ss = digits(p + 18, 2);
	tzh = digits(p + 22, 2);
	tzm = digits(p + 24, 2);
	if (d < 1 || d > 31 || mon == 0 || y < 0 || hh < 0 || hh > 23 ||
	    mm < 0 || mm > 59 || ss < 0 || ss > 60 || tzh < 0 || tzh > 23 ||
	    tzm < 0 || tzm > 59)
		return -1;
	*out = civil_to_epoch(y, mon, d, hh, mm, ss) -
	       (p[21] == '-' ? -1 : 1) * (tzh * 3600 + tzm * 60);
	return 0;
}

/* End of a quoted value: the first unescaped '"' at which the literal
 * lit matches.  Return its offset, or -1. */
static long quoted_end(const char *line, size_t pos, size_t len,
		       const char *lit, size_t litlen)
{
	for (size_t i = pos; i < len; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		if (line[i] == '"' && len - i >= litlen &&
		    memcmp(line + i, lit, litlen) == 0)
			return (long)i;
	}
	return -1;
}

static long plain_end(const char *line, size_t pos, size_t len,
		      const char *lit, size_t litlen)
{
	const char *hit = memmem(line + pos, len - pos, lit, litlen);

	return hit ? hit - line : -1;
}

/* Match the template against the line, filling rec->field.  Return the
 * offset where the template ended, or -1. */
static long match_tokens(const struct format *fmt, const char *line,
			 size_t len, struct record *rec)
{
	size_t pos = 0;

	for (int i = 0; i < fmt->ntok; i++) {
		const struct token *t = &fmt->tok[i];
		const struct token *next;
		long end;

		if (t->lit) {
			if (len - pos < t->litlen ||
			    memcmp(line + pos, t->lit, t->litlen) != 0)
				return -1;
			pos += t->litlen;
			continue;
		}
		next = i + 1 < fmt->ntok ? &fmt->tok[i + 1] : NULL;
		if (!next)
			end = (long)len;
		else if (t->quoted && next->lit[0] == '"')
			end = quoted_end(line, pos, len, next->lit,
					 next->litlen);
		else
			end = plain_end(line, pos, len, next->lit,
					next->litlen);
		if (end < 0)
			return -1;
		rec->field[t->field].p = line + pos;
		rec->field[t->field].len = (size_t)end - pos;
		pos = (size_t)end;
	}
	return (long)pos;
}

static struct span cut(struct span *s, char sep)
{
	struct span head = *s;
	const char *hit = memchr(s->p, sep, s->len);

	if (!hit) {
		s->p += s->len;
		s->len = 0;
		return head;
	}
	head.len = (size_t)(hit - s->p);
	s->len -= head.len + 1;
	s->p = hit + 1;
	return head;
}

/* Split "GET /path HTTP/1.1" into the derived fields. */
static void split_request(const struct format *fmt, struct record *rec)
{
	struct span rest = rec->field[fmt->f_request];
	struct span proto;

	rec->field[fmt->f_method] = cut(&rest, ' ');
	proto = rest;
	while (proto.len && proto.p[proto.len - 1] != ' ')
		proto.len--;
	if (proto.len) {
		rec->field[fmt->f_uri].p = rest.p;
		rec->field[fmt->f_uri].len = proto.len - 1;
		rec->field[fmt->f_proto].p = rest.p + proto.len;
		rec->field[fmt->f_proto].len = rest.len - proto.len;
	} else {
		rec->field[fmt->f_uri] = rest;
		rec->field[fmt->f_proto].p = rest.p + rest.len;
		rec->field[fmt->f_proto].len = 0;
	}
}

static int bad(struct record *rec, const char *why)
{
	rec->error = why;
	return -1;
}

int parse_line(struct format *fmt, const char *line, size_t len,
	       struct record *rec)
{
	long end;
	struct span st;

	if (len && line[len - 1] == '\r')
		len--;
	for (int i = 0; i < fmt->nfields; i++) {
		rec->field[i].p = line;
		rec->field[i].len = 0;
	}
	rec->error = NULL;
	end = match_tokens(fmt, line, len, rec);
	if (end < 0)
		return bad(rec, "line does not match the format");
	if ((size_t)end < len && !(fmt->trailing_ok && line[end] == ' '))
		return bad(rec, "unexpected text after the last field");
	if (parse_time_local(rec->field[fmt->f_time], &rec->time) < 0)
		return bad(rec, "bad time");
	rec->status = 0;
	if (fmt->f_status >= 0) {
		st = rec->field[fmt->f_status];
		if (st.len != 3 || (rec->status = digits(st.p, 3)) < 100)
			return bad(rec, "bad status");
	}
	for (int i = 0; i < fmt->nfields; i++)
		if (rec->field[i].len == 1 && rec->field[i].p[0] == '-')
			rec->field[i].len = 0;
	if (fmt->f_method >= 0)
		split_request(fmt, rec);
	if (fmt->f_agent >= 0)
		rec->agent = rec->field[fmt->f_agent];
	else
		rec->agent.len = 0;
	return 0;
}

struct format *format_detect(const char *buf, size_t len, char *err,
			     size_t errlen)
{
	static const char *const tries[] = {"combined", "common"};
	size_t off = 0;

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		struct format *fmt = format_new(tries[i], err, errlen);
		struct record rec;
		int good = 0;
		int bad = 0;

		for (off = 0; off < len;) {
			const char *nl = memchr(buf + off, '\n', len - off);
			size_t n;

			if (!nl)
				break;
			n = (size_t)(nl - (buf + off));
			if (parse_line(fmt, buf + off, n, &rec) == 0)
				good++;
			else
				bad++;
			off += n + 1;
		}
		if (good > 0 && good >= 4 * bad)
			return fmt;
		format_free(fmt);
	}
	snprintf(err, errlen, "cannot tell the log format (tried combined, "
			      "common); give --format");
	return NULL;
}
