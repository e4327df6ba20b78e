/* fuzz_parse.c: libFuzzer target for the log formats: format_new(),
 * format_field_index(), parse_line(), parse_time() and format_detect().
 *
 * The first byte picks what to fuzz (modulo the number of modes): one of
 * the fixed formats in specs[], or a format whose spec comes from the
 * input's first line (nginx:LINE, regex:LINE, jsonl:LINE, jsonl asked
 * for the fields named on LINE, or LINE itself as the whole spec), or
 * parse_time() of each line.  Every later line is parsed on its own, in a
 * heap block of its exact size.  format_detect() also reads the whole
 * input, and the format it picks parses every line. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static const char *const specs[] = {
    "combined",
    "common",
    "vhost_combined",
    "vhost_common",
    "jsonl",
    "s3",
    "alb",
    "elb",
    "cloudfront",
    /* sample-logs/nginx.format */
    "nginx:$remote_addr - $remote_user [$time_local] \"$request\" "
    "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
    "\"$http_authorization\" \"$http_asana_amnesty_api_key\" "
    "\"$http_x_client_id\" \"$http_cookie\"",
    "nginx:$host:$server_port $remote_addr [$time_iso8601] "
    "$request_method $request_uri $server_protocol $status "
    "$request_time \"$http_user_agent\" $http_x_forwarded_for",
    "nginx:$remote_addr:$remote_user|$msec|$status|$request",
    "regex:^(?<remote_addr>\\S+) \\S+ (?<remote_user>\\S+) "
    "\\[(?<time_local>[^\\]]+)\\] \"(?<request>[^\"]*)\" "
    "(?<status>\\d{3}|-) (?<body_bytes_sent>\\d+|-)"
    "(?: \"(?<http_referer>[^\"]*)\" \"(?<http_user_agent>[^\"]*)\")?",
    ("regex:(?<time>\\S+) (?<client_ip>[^ ]*) (?<status>\\S*) "
     "(?<user_agent>.*)"),
    "jsonl:ts",
    "jsonl:request.time",
};

#define NSPECS (int)(sizeof(specs) / sizeof(specs[0]))

/* Modes after the fixed specs. */
enum {
	M_NGINX = NSPECS, /* nginx:FIRST-LINE */
	M_REGEX,	  /* regex:FIRST-LINE */
	M_JSONL_TIME,	  /* jsonl:FIRST-LINE */
	M_JSONL_FIELDS,	  /* jsonl, asked for the names on FIRST-LINE */
	M_SPEC,		  /* FIRST-LINE is the spec */
	M_TIME,		  /* parse_time() of each line */
	NMODES
};

/* Names the rules usually ask for, as rules_bind() would. */
static const char *const wanted[] = {
    "remote_addr",
    "remote_user",
    "client_ip",
    "request",
    "request_uri",
    "request_method",
    "status",
    "http_user_agent",
    "http_authorization",
    "http_cookie",
    "http_x_client_id",
    "time",
    "request.headers.Authorization",
    "a.0.b",
};

static void want(struct format *fmt, const char *name)
{
	int i = format_field_index(fmt, name);

	FUZZ_CHECK(i >= -1 && i < format_nfields(fmt),
		   "a field index is a field");
	FUZZ_CHECK(format_nfields(fmt) <= RECORD_MAX_FIELDS, "field count");
	if (i >= 0)
		fuzz_touch(format_field_name(fmt, i),
			   strlen(format_field_name(fmt, i)) + 1);
}

static void check_format(struct format *fmt, const char *spec)
{
	int n = format_nfields(fmt);

	FUZZ_CHECK(n >= 0 && n <= RECORD_MAX_FIELDS, "field count");
	if (spec)
		FUZZ_CHECK(strcmp(format_spec(fmt), spec) == 0,
			   "format_spec() is the spec");
	for (int i = 0; i < n; i++)
		fuzz_touch(format_field_name(fmt, i),
			   strlen(format_field_name(fmt, i)) + 1);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		want(fmt, wanted[i]);
}

/* Parse len bytes at p with fmt, from a block of exactly len bytes. */
static void parse_one(struct format *fmt, const char *p, size_t len)
{
	char *line = fuzz_dup(p, len);
	struct record rec;

	memset(&rec, 0, sizeof(rec));
	if (parse_line(fmt, line, len, &rec) == 0) {
		for (int i = 0; i < format_nfields(fmt); i++)
			fuzz_touch(rec.field[i].p, rec.field[i].len);
		fuzz_touch(rec.agent.p, rec.agent.len);
		FUZZ_CHECK(rec.status >= 0 && rec.status <= 999,
			   "a status has three digits");
	} else {
		FUZZ_CHECK(rec.error != NULL, "a bad line says why");
		fuzz_touch(rec.error, strlen(rec.error) + 1);
	}
	free(line);
}

static void time_one(const char *p, size_t len)
{
	char *s = fuzz_dup(p, len);
	int64_t t;

	(void)parse_time(s, len, &t);
	free(s);
}

/* Each '\n'-separated line of p[0..len): parsed with fmt, or given to
 * parse_time() when fmt is NULL. */
static void each_line(struct format *fmt, const char *p, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;

		if (fmt)
			parse_one(fmt, p, n);
		else
			time_one(p, n);
		if (!nl)
			break;
		p += n + 1;
		len -= n + 1;
	}
}

/* The first line of p[0..len) as a string after prefix, and the rest. */
static char *first_line(const char *prefix, const char **p, size_t *len)
{
	const char *nl = memchr(*p, '\n', *len);
	size_t n = nl ? (size_t)(nl - *p) : *len;
	size_t plen = strlen(prefix);
	char *s = malloc(plen + n + 1);

	if (!s)
		abort();
	memcpy(s, prefix, plen);
	memcpy(s + plen, *p, n);
	s[plen + n] = '\0';
	*p += nl ? n + 1 : n;
	*len -= nl ? n + 1 : n;
	return s;
}

/* jsonl, asked for every space-separated name on names. */
static struct format *jsonl_fields(char *names, char *err, size_t errlen)
{
	struct format *fmt = format_new("jsonl", err, errlen);

	FUZZ_CHECK(fmt != NULL, "jsonl exists");
	for (char *w = strtok(names, " "); w; w = strtok(NULL, " "))
		want(fmt, w);
	return fmt;
}

static void fuzz_mode(int mode, const char *p, size_t len)
{
	static const char *const prefix[] = {"nginx:", "regex:", "jsonl:"};
	char err[1024];
	char *spec = NULL;
	struct format *fmt;

	if (mode == M_TIME) {
		each_line(NULL, p, len);
		return;
	}
	if (mode < NSPECS) {
		fmt = format_new(specs[mode], err, sizeof(err));
		FUZZ_CHECK(fmt != NULL, "the harness's formats are valid");
	} else if (mode == M_JSONL_FIELDS) {
		spec = first_line("", &p, &len);
		fmt = jsonl_fields(spec, err, sizeof(err));
	} else {
		spec = first_line(mode == M_SPEC ? "" : prefix[mode - M_NGINX],
				  &p, &len);
		err[0] = '\0';
		fmt = format_new(spec, err, sizeof(err));
		if (!fmt) {
			FUZZ_CHECK(err[0] != '\0', "a bad spec says why");
			FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL,
				   "the message is a string");
			free(spec);
			return;
		}
	}
	check_format(fmt, mode < NSPECS		   ? specs[mode]
			  : mode == M_JSONL_FIELDS ? NULL
						   : spec);
	each_line(fmt, p, len);
	format_free(fmt);
	free(spec);
}

static void fuzz_detect(const char *p, size_t len)
{
	char err[1024];
	struct format *fmt;

	err[0] = '\0';
	fmt = format_detect(p, len, err, sizeof(err));
	if (!fmt) {
		FUZZ_CHECK(err[0] != '\0', "a failed detection says why");
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL,
			   "the message is a string");
		return;
	}
	check_format(fmt, NULL);
	each_line(fmt, p, len);
	format_free(fmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	fuzz_mode(data[0] % NMODES, (const char *)data + 1, size - 1);
	fuzz_detect((const char *)data, size);
	return 0;
}
