/* parse_regex.c: "regex:<PCRE2 pattern>": the pattern's named groups
 * are the fields.  Some names also feed the record: the time, the
 * status, the user agent, and "request", which is split like combined's.
 */
#define KEYAUDIT_PARSE_PRIVATE
#define PCRE2_CODE_UNIT_WIDTH 8
#include "parse.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Group names read as the request time, in order of preference. */
static const char *const time_names[] = {"time_local", "time_iso8601", "msec",
					 "timestamp", "time"};
static const char *const status_names[] = {"status", "http_status"};
static const char *const agent_names[] = {"http_user_agent", "user_agent",
					  "agent"};

struct rx {
	pcre2_code *re;
	pcre2_match_data *md;
	int group_field[RECORD_MAX_FIELDS + 1]; /* by group number; -1 */
	int ngroups;
	int f_time, f_date, f_status, f_agent, f_request;
	int f_method, f_uri, f_proto;
};

static int first_field(struct format *fmt, const char *const *names, size_t n)
{
	int i = -1;

	for (size_t k = 0; k < n && i < 0; k++)
		i = format_field_index(fmt, names[k]);
	return i;
}

/* Add a field for each named group, in the order of the groups. */
static int name_groups(struct format *fmt, struct rx *x, char *err,
		       size_t errlen)
{
	uint32_t count = 0;
	uint32_t size = 0;
	PCRE2_SPTR table = NULL;

	pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &count);
	if (count > RECORD_MAX_FIELDS) {
		snprintf(err, errlen, "regex has more than %d groups",
			 RECORD_MAX_FIELDS);
		return -1;
	}
	x->ngroups = (int)count;
	for (int g = 0; g <= RECORD_MAX_FIELDS; g++)
		x->group_field[g] = -1;
	pcre2_pattern_info(x->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(x->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(x->re, PCRE2_INFO_NAMETABLE, &table);
	for (int g = 1; g <= x->ngroups; g++)
		for (uint32_t e = 0; e < count; e++) {
			PCRE2_SPTR ent = table + e * size;
			const char *name = (const char *)ent + 2;

			if ((ent[0] << 8 | ent[1]) == g)
				x->group_field[g] =
				    format_add_field(fmt, name, strlen(name));
		}
	if (fmt->nfields == 0) {
		snprintf(err, errlen,
			 "regex has no named group "
			 "(?<name>...) to make a field of");
		return -1;
	}
	return 0;
}

static int find_special(struct format *fmt, struct rx *x, char *err,
			size_t errlen)
{
	x->f_time = first_field(fmt, time_names, 5);
	x->f_date = format_field_index(fmt, "date");
	x->f_status = first_field(fmt, status_names, 2);
	x->f_agent = first_field(fmt, agent_names, 3);
	x->f_request = format_field_index(fmt, "request");
	x->f_method = x->f_uri = x->f_proto = -1;
	if (x->f_time < 0) {
		snprintf(err, errlen,
			 "regex has no group for the time: name one "
			 "(?<time>...), (?<time_local>...), "
			 "(?<time_iso8601>...), (?<msec>...) or "
			 "(?<timestamp>...)");
		return -1;
	}
	if (x->f_request >= 0 &&
	    format_field_index(fmt, "request_method") < 0) {
		x->f_method = format_add_field(fmt, "request_method", 14);
		x->f_uri = format_add_field(fmt, "request_uri", 11);
		x->f_proto = format_add_field(fmt, "server_protocol", 15);
		if (x->f_proto < 0) {
			snprintf(err, errlen, "format has too many fields");
			return -1;
		}
	}
	return 0;
}

static int regex_init(struct format *fmt, const char *arg, char *err,
		      size_t errlen)
{
	struct rx *x = xcalloc(1, sizeof(*x));
	int code;
	PCRE2_SIZE off;
	char msg[256];

	fmt->impl = x;
	x->re = pcre2_compile((PCRE2_SPTR)arg, PCRE2_ZERO_TERMINATED, 0, &code,
			      &off, NULL);
	if (!x->re) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(err, errlen, "bad regex '%s': %s at offset %zu", arg,
			 msg, (size_t)off);
		return -1;
	}
	/* JIT is an optimisation: without it pcre2_match() interprets. */
	pcre2_jit_compile(x->re, PCRE2_JIT_COMPLETE);
	x->md = pcre2_match_data_create_from_pattern(x->re, NULL);
	if (!x->md) {
		fputs("keyaudit: out of memory\n", stderr);
		exit(3);
	}
	if (name_groups(fmt, x, err, errlen) < 0)
		return -1;
	return find_special(fmt, x, err, errlen);
}

static void regex_free(struct format *fmt)
{
	struct rx *x = fmt->impl;

	if (!x)
		return;
	pcre2_match_data_free(x->md);
	pcre2_code_free(x->re);
	free(x);
}

/* The time: one group in any parse_time() layout, or a "date" group
 * and a clock-only "time" group ("2024-03-12" and "15:22:28"). */
static int regex_time(const struct rx *x, const struct record *rec, int64_t *t)
{
	struct span tm = rec->field[x->f_time];
	struct span d = x->f_date >= 0 ? rec->field[x->f_date] : tm;
	char buf[64];

	if (parse_time(tm.p, tm.len, t) == 0)
		return 0;
	if (x->f_date < 0 || d.len + tm.len + 2 > sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%.*sT%.*s", (int)d.len, d.p, (int)tm.len,
		 tm.p);
	return parse_time_iso(buf, d.len + 1 + tm.len, t);
}

static int regex_parse(struct format *fmt, const char *line, size_t len,
		       struct record *rec)
{
	const struct rx *x = fmt->impl;
	struct span *f = rec->field;
	PCRE2_SIZE *ov;
	int rc = pcre2_match(x->re, (PCRE2_SPTR)line, len, 0, 0, x->md, NULL);

	if (rc < 0)
		return parse_bad(rec, rc == PCRE2_ERROR_NOMATCH
					  ? "line does not match the regex"
					  : "regex match failed (limit)");
	ov = pcre2_get_ovector_pointer(x->md);
	for (int g = 1; g <= x->ngroups && g < rc; g++) {
		int i = x->group_field[g];

		if (i < 0 || ov[2 * g] == PCRE2_UNSET || f[i].len)
			continue;
		f[i].p = line + ov[2 * g];
		f[i].len = ov[2 * g + 1] - ov[2 * g];
	}
	if (regex_time(x, rec, &rec->time) < 0)
		return parse_bad(rec, "bad time");
	if (x->f_status >= 0 && parse_status(f[x->f_status], &rec->status) < 0)
		return parse_bad(rec, "bad status");
	if (x->f_agent >= 0)
		rec->agent = f[x->f_agent];
	if (x->f_method >= 0)
		parse_split_request(f[x->f_request], &f[x->f_method],
				    &f[x->f_uri], &f[x->f_proto]);
	return 0;
}

const struct format_ops format_regex_ops = {
    .name = "regex",
    .arg = 2,
    .init = regex_init,
    .parse = regex_parse,
    .free = regex_free,
};
