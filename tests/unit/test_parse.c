/* test_parse.c: formats and the line parser. */
#include "harness.h"
#include "parse.h"

void test_parse(void);

static void combined(void)
{
	char err[256];
	struct format *f = format_new("combined", err, sizeof(err));
	struct record r;
	const char *line =
		"192.0.2.7 - 4fVbK2xQ.9hZtWm3pLcR7nY1sDe6gJuA0 "
		"[10/Oct/2026:13:55:36 -0700] \"GET /api/1.0/tasks?x=1 "
		"HTTP/1.1\" 434 2326 \"-\" \"python-asana/3.2.1 \\\"q\\\"\"";

	OK(f != NULL, "combined format exists");
	INT_EQ(parse_line(f, line, strlen(line), &r), 0, "combined parses");
	SPAN_EQ(r.field[format_field_index(f, "remote_user")],
		"4fVbK2xQ.9hZtWm3pLcR7nY1sDe6gJuA0", "remote_user");
	SPAN_EQ(r.field[format_field_index(f, "request_uri")],
		"/api/1.0/tasks?x=1", "request_uri derived");
	SPAN_EQ(r.field[format_field_index(f, "request_method")], "GET",
		"request_method derived");
	SPAN_EQ(r.field[format_field_index(f, "http_referer")], "",
		"'-' is empty");
	SPAN_EQ(r.agent, "python-asana/3.2.1 \\\"q\\\"",
		"escaped quotes stay in the agent");
	INT_EQ(r.status, 434, "status");
	/* 13:55:36 at -0700 is 20:55:36 UTC */
	INT_EQ(r.time, civil_to_epoch(2026, 10, 10, 20, 55, 36), "time UTC");
	INT_EQ(parse_line(f, line, strlen(line) - 1, &r), -1,
		"a line cut short is bad");
	OK(r.error != NULL, "a bad line has a reason");
	format_free(f);
}

static void nginx_format(void)
{
	char err[256];
	struct format *f = format_new(
		"nginx:$remote_addr - $remote_user [$time_local] \"$request\" "
		"$status $body_bytes_sent \"$http_referer\" "
		"\"$http_user_agent\" \"$http_authorization\" "
		"\"$http_asana_amnesty_api_key\"",
		err, sizeof(err));
	struct record r;
	const char *line = "10.1.2.3 - - [01/Oct/2026:00:00:00 +0000] "
			   "\"POST /x HTTP/2.0\" 200 5 \"-\" \"curl/8\" "
			   "\"Bearer abc def\" \"TRUE\"\r";

	OK(f != NULL, "nginx format compiles");
	INT_EQ(parse_line(f, line, strlen(line), &r), 0, "nginx parses");
	SPAN_EQ(r.field[format_field_index(f, "http_authorization")],
		"Bearer abc def", "authorization");
	SPAN_EQ(r.field[format_field_index(f, "http_asana_amnesty_api_key")],
		"TRUE", "CR at the end is dropped");
	INT_EQ(r.time, civil_to_epoch(2026, 10, 1, 0, 0, 0), "time");
	format_free(f);
	OK(format_new("nginx:$a$b [$time_local]", err, sizeof(err)) == NULL,
	   "adjacent variables are refused");
	OK(format_new("apache", err, sizeof(err)) == NULL,
	   "unknown format refused");
	OK(strstr(err, "known:") != NULL, "message lists known formats");
}

static void dates(void)
{
	INT_EQ(civil_to_epoch(1970, 1, 1, 0, 0, 0), 0, "epoch");
	INT_EQ(civil_to_epoch(2000, 3, 1, 0, 0, 0), 951868800, "leap year");
	INT_EQ(civil_to_epoch(2024, 2, 29, 12, 0, 0), 1709208000, "leap day");
}

void test_parse(void)
{
	combined();
	nginx_format();
	dates();
}
