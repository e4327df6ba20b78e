/* fuzz_rules.c: libFuzzer target for rules_load(): the input is the rules
 * file.  A ruleset that loads is bound to a combined, an nginx and a
 * jsonl format and classifies fixed records of each, with and without
 * tracing. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"
#include "rules.h"

/* The layout of sample-logs/nginx, with the headers the rules look at. */
#define NGINX_SPEC                                                            \
	"nginx:$remote_addr - $remote_user [$time_local] \"$request\" "       \
	"$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "    \
	"\"$http_authorization\" \"$http_asana_amnesty_api_key\" "            \
	"\"$http_x_client_id\" \"$http_cookie\""

struct sample {
	const char *spec;
	const char *line;
};

static const struct sample samples[] = {
    {"combined", "203.0.113.90 - 3mnMCqr8.S11FyLNA3EshuSYAmmfE2Lvo "
		 "[30/Sep/2026:17:00:00 -0700] \"POST /api/1.0/tasks "
		 "HTTP/1.1\" 201 3805 \"-\" \"asana-java/0.10.10\""},
    {"combined", "198.51.100.49 - - [30/Sep/2026:17:03:21 -0700] "
		 "\"GET / HTTP/1.1\" 200 15236 \"-\" \"curl/7.88.1\""},
    /* Basic with an API key (base64 of "MfsqAbI9.1XYB2Jtwr2KBmdwnwhx7ed"
     * "D4:"), amnesty, a client id */
    {NGINX_SPEC, "10.3.190.208 - MfsqAbI9.1XYB2Jtwr2KBmdwnwhx7edD4 "
		 "[01/Oct/2026:00:03:21 +0000] \"GET /api/1.0/tasks "
		 "HTTP/1.1\" 200 13582 \"-\" \"python-asana/0.10.3\" "
		 "\"Basic TWZzcUFiSTkuMVhZQjJKdHdyMktCbWR3bndoeDdlZEQ0Og==\" "
		 "\"true\" \"Integration.0-v2\" \"-\""},
    /* Bearer with a PAT, a session cookie needing URL decoding */
    {NGINX_SPEC, "10.0.0.1 - - [01/Oct/2026:00:00:00 +0000] \"GET "
		 "/api/1.0/users/me?x=%41%zz HTTP/1.1\" 200 10 \"-\" "
		 "\"asana-node/1.0\" \"Bearer 1/1234567890123456:"
		 "0123456789abcdef0123456789abcdef\" \"-\" \"-\" "
		 "\"a=1; session=s%3Dx%2Fy; b=2\""},
    /* Basic without padding, Bearer text where Basic is expected */
    {NGINX_SPEC, "10.0.0.2 - - [01/Oct/2026:00:00:00 +0000] \"GET / "
		 "HTTP/1.1\" 401 0 \"-\" \"-\" \"Basic dXNlcjpwYXNz\" \"-\" "
		 "\"-\" \"-\""},
    {NGINX_SPEC, "10.0.0.3 - - [01/Oct/2026:00:00:00 +0000] \"GET / "
		 "HTTP/1.1\" 200 0 \"-\" \"-\" \"Bearer   \" \"TRUE\" "
		 "\"%zz\" \"session=\""},
    {"jsonl", "{\"time\":\"2026-10-01T00:00:00Z\",\"status\":200,"
	      "\"remote_addr\":\"10.0.0.4\",\"request\":{\"headers\":"
	      "{\"Authorization\":\"Basic MDpmb286YmFy\",\"Cookie\":"
	      "\"session=abc\"}},\"a\":[{\"b\":\"c\"}],\"http_x_client_id\":"
	      "\"cli\",\"n\":null,\"f\":1.5,\"t\":true}"},
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static void on_unknown_field(void *ctx, int line, const char *field)
{
	int *n = ctx;

	FUZZ_CHECK(line > 0, "a rule's line number");
	fuzz_touch(field, strlen(field) + 1);
	(*n)++;
}

static void on_trace(void *ctx, const struct rule_trace *t)
{
	const struct ruleset *rs = ctx;

	FUZZ_CHECK(t->rule >= 0 && t->rule < rules_nrules(rs),
		   "traced rule index");
	fuzz_touch(t->text, strlen(t->text) + 1);
	fuzz_touch(t->value.p, t->value.len);
	if (t->decode_failed)
		fuzz_touch(t->decode_failed, strlen(t->decode_failed) + 1);
}

static void check_verdict(const struct ruleset *rs, const struct verdict *v)
{
	FUZZ_CHECK(v->cls >= 0 && v->cls <= rules_nclasses(rs),
		   "verdict class");
	FUZZ_CHECK(v->rule >= -1 && v->rule < rules_nrules(rs),
		   "verdict rule");
	FUZZ_CHECK(v->rule >= 0 || v->cls == rules_nclasses(rs),
		   "no rule means unknown");
	FUZZ_CHECK(v->client_source >= CLIENT_NONE &&
		       v->client_source <= CLIENT_ADDR,
		   "client source");
	fuzz_touch(v->credential.p, v->credential.len);
	fuzz_touch(v->client.p, v->client.len);
}

/* The accessors, over everything the ruleset declares. */
static void check_accessors(const struct ruleset *rs)
{
	int nc = rules_nclasses(rs);

	FUZZ_CHECK(nc > 0 && nc <= RULES_MAX_CLASSES, "class count");
	FUZZ_CHECK(rules_nrules(rs) > 0, "a loaded ruleset has rules");
	FUZZ_CHECK(strcmp(rules_class_name(rs, nc), "unknown") == 0,
		   "the last class is unknown");
	for (int i = 0; i < nc; i++) {
		const char *name = rules_class_name(rs, i);

		FUZZ_CHECK(rules_class_find(rs, name) == i,
			   "a class is found by its name");
		(void)rules_class_legacy(rs, i);
	}
	FUZZ_CHECK(rules_class_find(rs, "unknown") == nc, "unknown class");
	for (int i = 0; i < rules_nphases(rs); i++) {
		const char *name = rules_phase_name(rs, i);
		int found = rules_phase_find(rs, name);

		FUZZ_CHECK(found >= 0 && found <= i, "a phase by its name");
		fuzz_touch(rules_phase_date(rs, i),
			   strlen(rules_phase_date(rs, i)) + 1);
		for (int c = 0; c <= nc; c++) {
			(void)rules_phase_refuses(rs, i, c, 0);
			(void)rules_phase_refuses(rs, i, c, 1);
		}
	}
}

/* Bind rs to sample i's format, parse its line and classify it. */
static void classify_sample(struct ruleset *rs, size_t i)
{
	char err[512];
	struct format *fmt = format_new(samples[i].spec, err, sizeof(err));
	struct record rec;
	struct verdict v;
	char *line;
	int unknown = 0;
	int n;

	FUZZ_CHECK(fmt != NULL, "the harness's formats are valid");
	n = rules_bind(rs, fmt, on_unknown_field, &unknown);
	FUZZ_CHECK(n == unknown, "rules_bind counts what it warns of");
	for (int f = 0; f < format_nfields(fmt); f++)
		(void)rules_field_secret(rs, f);
	line = fuzz_dup(samples[i].line, strlen(samples[i].line));
	memset(&rec, 0, sizeof(rec));
	FUZZ_CHECK(parse_line(fmt, line, strlen(samples[i].line), &rec) == 0,
		   "the harness's sample lines parse");
	rules_classify(rs, &rec, &v, NULL, NULL);
	check_verdict(rs, &v);
	rules_classify(rs, &rec, &v, on_trace, rs);
	check_verdict(rs, &v);
	free(line);
	format_free(fmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct ruleset *rs;

	err[0] = '\0';
	rs = rules_load(fuzz_file(data, size), err, sizeof(err));
	if (!rs) {
		FUZZ_CHECK(err[0] != '\0', "a failed load says why");
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL,
			   "the message is a string");
		return 0;
	}
	check_accessors(rs);
	for (size_t i = 0; i < NSAMPLES; i++)
		classify_sample(rs, i);
	rules_free(rs);
	return 0;
}
