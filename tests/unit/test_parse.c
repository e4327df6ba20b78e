/* test_parse.c: formats, the line parser, time layouts, format detection,
 * and a parser that survives any bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "parse.h"

void test_parse(void);

static struct format *fmt_new(const char *spec)
{
	char err[512];
	struct format *f = format_new(spec, err, sizeof(err));

	if (!f)
		fprintf(stderr, "  format_new(%s): %s\n", spec, err);
	OK(f != NULL, spec);
	return f;
}

/* The value of field name in r, as a string (static buffer). */
static const char *fv(struct format *f, const struct record *r,
		      const char *name)
{
	static char b[1024];
	int i = format_field_index(f, name);
	size_t n;

	if (i < 0)
		return "(no such field)";
	n = r->field[i].len < sizeof(b) - 1 ? r->field[i].len : sizeof(b) - 1;
	memcpy(b, r->field[i].p, n);
	b[n] = '\0';
	return b;
}

static int parse(struct format *f, const char *line, struct record *r)
{
	return parse_line(f, line, strlen(line), r);
}

static void combined(void)
{
	struct format *f = fmt_new("combined");
	struct record r;
	const char *line =
	    "192.0.2.7 - 4fVbK2xQ.9hZtWm3pLcR7nY1sDe6gJuA0 "
	    "[10/Oct/2026:13:55:36 -0700] \"GET /api/1.0/tasks?x=1 "
	    "HTTP/1.1\" 434 2326 \"-\" \"python-asana/3.2.1 \\\"q\\\"\"";

	INT_EQ(parse_line(f, line, strlen(line), &r), 0, "combined parses");
	STR_EQ(fv(f, &r, "remote_user"), "4fVbK2xQ.9hZtWm3pLcR7nY1sDe6gJuA0",
	       "remote_user");
	STR_EQ(fv(f, &r, "request_uri"), "/api/1.0/tasks?x=1",
	       "request_uri derived");
	STR_EQ(fv(f, &r, "request_method"), "GET", "request_method derived");
	STR_EQ(fv(f, &r, "server_protocol"), "HTTP/1.1", "protocol derived");
	STR_EQ(fv(f, &r, "http_referer"), "", "'-' is empty");
	SPAN_EQ(r.agent, "python-asana/3.2.1 \\\"q\\\"",
		"escaped quotes stay in the agent");
	INT_EQ(r.status, 434, "status");
	/* 13:55:36 at -0700 is 20:55:36 UTC */
	INT_EQ(r.time, civil_to_epoch(2026, 10, 10, 20, 55, 36), "time UTC");
	STR_EQ(fv(f, &r, "client_ip"), "192.0.2.7", "client_ip = address");
	INT_EQ(parse_line(f, line, strlen(line) - 1, &r), -1,
	       "a line cut short is bad");
	OK(r.error != NULL, "a bad line has a reason");
	format_free(f);
}

static void combined_variants(void)
{
	struct format *f = fmt_new("combined");
	struct record r;

	/* X-Forwarded-For lists where the address goes */
	INT_EQ(parse(f,
		     "10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 "
		     "+0100] \"GET /ocelot HTTP/1.1\" 200 571 \"-\" \"M\"",
		     &r),
	       0, "address list");
	STR_EQ(fv(f, &r, "remote_addr"), "127.0.0.1", "list: the last one");
	STR_EQ(fv(f, &r, "client_ip"), "10.0.0.2", "list: client first");
	STR_EQ(fv(f, &r, "http_x_forwarded_for"),
	       "10.0.0.2, 10.0.0.1, "
	       "127.0.0.1",
	       "list kept whole");
	INT_EQ(parse(f,
		     "\"10.5.102.222, 199.96.1.1\" 10.2.1.185 - - "
		     "[22/Jan/2016:13:18:29 +0000] \"GET / HTTP/1.1\" 200 "
		     "2 \"-\" \"-\"",
		     &r),
	       0, "quoted list, then the peer");
	STR_EQ(fv(f, &r, "remote_addr"), "10.2.1.185", "peer");
	STR_EQ(fv(f, &r, "http_x_forwarded_for"), "10.5.102.222, 199.96.1.1",
	       "quoted list");
	STR_EQ(fv(f, &r, "client_ip"), "10.5.102.222", "client of the list");
	INT_EQ(parse(f,
		     "2a03::8000, 10.225.192.17 10.2.2.121 - - "
		     "[30/Dec/2016:06:47:09 +0000] \"GET / HTTP/1.1\" 404 "
		     "8571 \"-\" \"x\"",
		     &r),
	       0, "unquoted list, then the peer");
	STR_EQ(fv(f, &r, "remote_addr"), "10.2.2.121", "peer after list");
	STR_EQ(fv(f, &r, "client_ip"), "2a03::8000", "first of the list");
	/* request "-", empty user "" (Apache), status "-", CRLF */
	INT_EQ(parse(f,
		     "::1 - \"\" [26/Dec/2016:16:16:48 +0200] \"-\" 408 - "
		     "\"-\" \"-\"\r",
		     &r),
	       0, "request '-'");
	STR_EQ(fv(f, &r, "request_method"), "", "no method");
	STR_EQ(fv(f, &r, "request_uri"), "", "no uri");
	STR_EQ(fv(f, &r, "remote_user"), "", "\"\" user is empty");
	INT_EQ(r.status, 408, "408");
	INT_EQ(parse(f,
		     "1.2.3.4 - - [28/Sep/2022:13:38:04 +0000] \"GET / "
		     "HTTP/1.1\" - - \"-\" \"N\" 45640 \"-\" \"-\" 0ms",
		     &r),
	       0, "status '-' and trailing fields");
	INT_EQ(r.status, 0, "no status");
	INT_EQ(parse(f,
		     "202.32.92.47 - - [01/Jun/1995:00:00:59 -0600] \"GET "
		     "/~scottp/publish.html\" 200 271 \"-\" \"-\"",
		     &r),
	       0, "HTTP/0.9 request");
	STR_EQ(fv(f, &r, "request_uri"), "/~scottp/publish.html", "0.9 uri");
	STR_EQ(fv(f, &r, "server_protocol"), "", "0.9 protocol");
	INT_EQ(parse(f,
		     "127.0.0.1 - - [13/Nov/2023:10:44:31 +0000] "
		     "\"\\x16\\x03\\x03\" 400 483 \"-\" \"-\"",
		     &r),
	       0, "a TLS handshake logged as the request");
	/* bad lines, never guessed */
	INT_EQ(parse(f,
		     "192.168.202.254 [20/Jul/2009:22:59:29 +0000] \"GET / "
		     "HTTP/1.0\" 404 46210 \"-\" \"g\"",
		     &r),
	       -1, "ident and user missing");
	INT_EQ(parse(f,
		     "1.2.3.4 - john smith [20/Jul/2009:22:59:29 +0000] "
		     "\"GET / HTTP/1.0\" 404 4 \"-\" \"g\"",
		     &r),
	       -1, "a user with a space is not split by guess");
	INT_EQ(parse(f,
		     "vhost.example 1.2.3.4 - - [20/Jul/2009:22:59:29 +0000] "
		     "\"GET / HTTP/1.0\" 404 4 \"-\" \"g\"",
		     &r),
	       -1, "a vhost line is not combined");
	INT_EQ(parse(f,
		     "172.18.0.1 - - [29/Aug/2023 22:02:58] \"GET / "
		     "HTTP/1.1\" 200 - \"-\" \"-\"",
		     &r),
	       -1, "python's time");
	INT_EQ(parse(f,
		     "1.2.3.4 - - [20/Jul/2009:22:59:29 +0000] \"GET / "
		     "HTTP/1.0\" 200 12",
		     &r),
	       -1, "combined needs referer and agent");
	INT_EQ(parse(f,
		     "1.2.3.4 - - [20/Jul/2009:22:59:29 +0000] \"GET / "
		     "HTTP/1.0\" 2000 12 \"-\" \"-\"",
		     &r),
	       -1, "four-digit status");
	INT_EQ(parse(f, "", &r), -1, "empty line");
	STR_EQ(r.error, "empty line", "empty line reason");
	format_free(f);
}

static void common_and_vhost(void)
{
	struct format *f = fmt_new("common");
	struct record r;

	INT_EQ(parse(f,
		     "127.0.0.1 user-identity frank [10/Oct/2000:13:55:36 "
		     "-0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
		     &r),
	       0, "common");
	STR_EQ(fv(f, &r, "remote_ident"), "user-identity", "ident");
	STR_EQ(fv(f, &r, "remote_user"), "frank", "user");
	STR_EQ(fv(f, &r, "http_user_agent"), "(no such field)", "no agent");
	INT_EQ(r.agent.len, 0, "agent empty");
	INT_EQ(parse(f,
		     "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
		     "HTTP/1.0\" 200 2326 \"-\" \"curl\"",
		     &r),
	       0, "common reads combined lines (extra fields)");
	INT_EQ(parse(f,
		     "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
		     "HTTP/1.0\" 200 23x6",
		     &r),
	       -1, "bad byte count");
	format_free(f);

	f = fmt_new("vhost_combined");
	INT_EQ(parse(f,
		     "localhost:443 178.20.184.42 1j0vhgd jsmith "
		     "[26/Jul/2023:00:01:26 -0700] \"GET /s?x=1 HTTP/2.0\" "
		     "200 17163 \"-\" \"Mozilla/5.0\" 116075",
		     &r),
	       0, "vhost_combined");
	STR_EQ(fv(f, &r, "server_name"), "localhost", "vhost name");
	STR_EQ(fv(f, &r, "server_port"), "443", "vhost port");
	STR_EQ(fv(f, &r, "remote_addr"), "178.20.184.42", "vhost client");
	STR_EQ(fv(f, &r, "remote_user"), "jsmith", "vhost user");
	INT_EQ(parse(f,
		     "[::1]:80 ::1 - - [26/Jul/2023:00:01:26 -0700] \"GET / "
		     "HTTP/2.0\" 200 1 \"-\" \"M\"",
		     &r),
	       0, "IPv6 vhost");
	STR_EQ(fv(f, &r, "server_name"), "[::1]", "IPv6 vhost name");
	STR_EQ(fv(f, &r, "server_port"), "80", "IPv6 vhost port");
	INT_EQ(parse(f,
		     "example.com 10.0.0.2, 10.0.0.1 - - [07/Dec/2016:11:05:07"
		     " +0100] \"GET / HTTP/1.1\" 200 571 \"-\" \"M\"",
		     &r),
	       0, "vhost and a list");
	STR_EQ(fv(f, &r, "remote_addr"), "10.0.0.1", "vhost list peer");
	INT_EQ(parse(f,
		     "85.181.35.98 - - [07/Dec/2016:11:05:07 +0100] \"GET / "
		     "HTTP/1.1\" 200 571 \"-\" \"M\"",
		     &r),
	       -1, "a plain line is not vhost_combined");
	INT_EQ(parse(f,
		     "10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 "
		     "+0100] \"GET / HTTP/1.1\" 200 571 \"-\" \"M\"",
		     &r),
	       -1, "a list is not a vhost");
	format_free(f);
	f = fmt_new("vhost_common");
	INT_EQ(parse(f,
		     "www.example.com 1.2.3.4 - theuser [10/Feb/2012:16:41:07 "
		     "-0500] \"GET / HTTP/1.0\" 200 368",
		     &r),
	       0, "vhost_common");
	STR_EQ(fv(f, &r, "server_port"), "", "no port");
	format_free(f);
}

static void nginx_format(void)
{
	char err[256];
	struct format *f = fmt_new(
	    "nginx:$remote_addr - $remote_user [$time_local] \"$request\" "
	    "$status $body_bytes_sent \"$http_referer\" "
	    "\"$http_user_agent\" \"$http_authorization\" "
	    "\"$http_asana_amnesty_api_key\"");
	struct record r;
	const char *line = "10.1.2.3 - - [01/Oct/2026:00:00:00 +0000] "
			   "\"POST /x HTTP/2.0\" 200 5 \"-\" \"curl/8\" "
			   "\"Bearer abc def\" \"TRUE\"\r";

	INT_EQ(parse(f, line, &r), 0, "nginx parses");
	STR_EQ(fv(f, &r, "http_authorization"), "Bearer abc def",
	       "authorization");
	STR_EQ(fv(f, &r, "http_asana_amnesty_api_key"), "TRUE",
	       "CR at the end is dropped");
	INT_EQ(r.time, civil_to_epoch(2026, 10, 1, 0, 0, 0), "time");
	format_free(f);

	f = fmt_new("nginx:$time_iso8601 $remote_addr \"$request\" $status "
		    "$request_time \"$http_user_agent\" $http_x_api_key");
	INT_EQ(parse(f,
		     "2016-09-22T15:46:07+03:00 10.0.0.1 \"GET /a?b "
		     "HTTP/1.1\" 200 0.004 \"ua \\x22quoted\\x22\" k-123",
		     &r),
	       0, "time_iso8601, unquoted fields, \\x22");
	INT_EQ(r.time, civil_to_epoch(2016, 9, 22, 12, 46, 7), "iso time");
	STR_EQ(fv(f, &r, "request_time"), "0.004", "request_time");
	STR_EQ(fv(f, &r, "http_x_api_key"), "k-123", "last unquoted field");
	SPAN_EQ(r.agent, "ua \\x22quoted\\x22", "agent as logged");
	INT_EQ(parse(f,
		     "2016-09-22T15:46:07 10.0.0.1 \"GET / HTTP/1.1\" 200 0.1 "
		     "\"a\\\"b\" k",
		     &r),
	       0, "escaped \\\" inside quotes, time without zone");
	INT_EQ(parse(f,
		     "2016-09-22 10.0.0.1 \"GET / HTTP/1.1\" 200 0.1 \"a\" k",
		     &r),
	       -1, "bad iso time");
	format_free(f);

	f = fmt_new("nginx:$msec $remote_addr $status");
	INT_EQ(parse(f, "1474547167.123 10.0.0.1 204", &r), 0, "msec");
	INT_EQ(r.time, 1474547167, "msec seconds");
	INT_EQ(r.status, 204, "msec status");
	INT_EQ(parse(f, "1474547167.123 10.0.0.1 20x", &r), -1, "bad status");
	format_free(f);

	OK(format_new("nginx:$a$b [$time_local]", err, sizeof(err)) == NULL,
	   "adjacent variables are refused");
	OK(format_new("nginx:$remote_addr $status", err, sizeof(err)) == NULL,
	   "a format without a time is refused");
	OK(strstr(err, "$time_iso8601") != NULL, "message names the times");
	OK(format_new("nginx", err, sizeof(err)) == NULL, "nginx needs ':'");
	OK(format_new("apache", err, sizeof(err)) == NULL,
	   "unknown format refused");
	OK(strstr(err, "known:") != NULL, "message lists known formats");
	OK(strstr(err, "jsonl") != NULL, "message lists jsonl");
	OK(format_new("combined:x", err, sizeof(err)) == NULL,
	   "combined takes no argument");
}

static void jsonl_caddy_traefik(void)
{
	struct format *f = fmt_new("jsonl");
	struct record r;
	int n0 = format_nfields(f);
	const char *caddy =
	    "{\"level\":\"info\",\"ts\":1693840791.7564995,\"request\":{"
	    "\"remote_ip\":\"172.17.0.1\",\"client_ip\":\"127.0.0.1\","
	    "\"proto\":\"HTTP/1.0\",\"method\":\"GET\","
	    "\"uri\":\"/a?api_key=k1\",\"headers\":{"
	    "\"User-Agent\":[\"curl/7.74.0\"],"
	    "\"Authorization\":[\"Bearer t0k\",\"second\"],"
	    "\"X-Api-Key\":[\"xk\"]}},\"user_id\":\"bob\",\"duration\":"
	    "0.000002701,\"size\":12,\"status\":401}";
	const char *traefik =
	    "{\"ClientAddr\":\"[::1]:56348\",\"ClientUsername\":\"-\","
	    "\"DownstreamStatus\":404,\"RequestMethod\":\"GET\","
	    "\"RequestPath\":\"/p?x=1\",\"StartUTC\":\"2024-04-15T13:26:"
	    "33.80902715Z\",\"request_User-Agent\":\"Nikto\","
	    "\"request_Authorization\":\"Token abc\"}";

	OK(n0 == 0, "jsonl starts without fields");
	OK(format_field_index(f, "remote_addr") == n0, "fields are added");
	format_field_index(f, "client_ip");
	format_field_index(f, "remote_user");
	format_field_index(f, "request_uri");
	format_field_index(f, "http_authorization");
	format_field_index(f, "http_x_api_key");
	format_field_index(f, "request.headers.User-Agent");
	format_field_index(f, "duration");
	format_field_index(f, "size");
	INT_EQ(format_nfields(f), n0 + 9, "nine fields now");
	INT_EQ(format_field_index(f, "remote_addr"), n0, "same index again");
	INT_EQ(parse(f, caddy, &r), 0, "caddy parses");
	STR_EQ(fv(f, &r, "remote_addr"), "172.17.0.1", "caddy remote_ip");
	STR_EQ(fv(f, &r, "client_ip"), "127.0.0.1", "caddy client_ip");
	STR_EQ(fv(f, &r, "remote_user"), "bob", "caddy user_id");
	STR_EQ(fv(f, &r, "request_uri"), "/a?api_key=k1", "caddy uri");
	STR_EQ(fv(f, &r, "http_authorization"), "Bearer t0k",
	       "header array: first value");
	STR_EQ(fv(f, &r, "http_x_api_key"), "xk", "header name any case");
	STR_EQ(fv(f, &r, "request.headers.User-Agent"), "curl/7.74.0",
	       "dotted path");
	STR_EQ(fv(f, &r, "duration"), "0.000002701", "a real as text");
	STR_EQ(fv(f, &r, "size"), "12", "an integer as text");
	SPAN_EQ(r.agent, "curl/7.74.0", "caddy agent");
	INT_EQ(r.status, 401, "caddy status");
	INT_EQ(r.time, 1693840791, "epoch seconds with a fraction");

	INT_EQ(parse(f, traefik, &r), 0, "traefik parses");
	STR_EQ(fv(f, &r, "remote_addr"), "::1", "address of [v6]:port");
	STR_EQ(fv(f, &r, "remote_user"), "", "traefik '-' user is empty");
	STR_EQ(fv(f, &r, "http_authorization"), "Token abc",
	       "traefik request_ header");
	STR_EQ(fv(f, &r, "duration"), "", "absent key is empty");
	SPAN_EQ(r.agent, "Nikto", "traefik agent");
	INT_EQ(r.status, 404, "traefik status");
	INT_EQ(r.time, civil_to_epoch(2024, 4, 15, 13, 26, 33), "StartUTC");
	format_free(f);
}

static void jsonl_more(void)
{
	struct format *f = fmt_new("jsonl");
	struct record r;
	const char *envoy =
	    "2025-12-31T17:37:40.493035218+01:00 stdout F {\":authority\":"
	    "\"www.example.com\",\"downstream_remote_address\":"
	    "\"10.0.0.12:59292\",\"method\":\"GET\",\"response_code\":200,"
	    "\"start_time\":\"2025-12-31T16:37:40.479Z\",\"user-agent\":"
	    "\"Mozilla\",\"x-forwarded-for\":\"1.1.1.1, 10.0.0.12\","
	    "\"authorization\":null,\"x-envoy-origin-path\":\"/img\"}";
	const char *cf = "{\"ClientIP\":\"89.163.242.206\",\"ClientRequestURI"
			 "\":"
			 "\"/\",\"ClientRequestUserAgent\":\"UA\","
			 "\"EdgeResponseStatus\":200,\"EdgeStartTimestamp\":"
			 "1712790000100000000}";

	format_field_index(f, "remote_addr");
	format_field_index(f, "client_ip");
	format_field_index(f, "http_authorization");
	format_field_index(f, "request_uri");
	format_field_index(f, "http_host");
	format_field_index(f, "msg");
	format_field_index(f, "ok");
	format_field_index(f, "a.b.c");
	format_field_index(f, "list.1");
	INT_EQ(parse(f, envoy, &r), 0, "envoy behind a CRI prefix");
	STR_EQ(fv(f, &r, "remote_addr"), "10.0.0.12", "host of host:port");
	STR_EQ(fv(f, &r, "client_ip"), "1.1.1.1", "first of x-forwarded-for");
	STR_EQ(fv(f, &r, "http_authorization"), "", "null is empty");
	STR_EQ(fv(f, &r, "request_uri"), "/img", "envoy path");
	STR_EQ(fv(f, &r, "http_host"), "www.example.com", ":authority");
	INT_EQ(r.time, civil_to_epoch(2025, 12, 31, 16, 37, 40), "start_time");
	INT_EQ(r.status, 200, "response_code");
	INT_EQ(parse(f, cf, &r), 0, "cloudflare");
	INT_EQ(r.time, 1712790000, "nanoseconds");
	STR_EQ(fv(f, &r, "remote_addr"), "89.163.242.206", "ClientIP");
	SPAN_EQ(r.agent, "UA", "ClientRequestUserAgent");
	INT_EQ(parse(f,
		     "{\"time\":\"2013-09-06 22:01:00Z\",\"msg\":\"a\\\"b\\u00"
		     "e9\\u0000c\",\"ok\":true,\"a.b\":{\"c\":\"dot key\"},"
		     "\"list\":[\"x\",\"y\"]}",
		     &r),
	       0, "escapes, bool, dotted keys");
	INT_EQ(fv(f, &r, "msg")[0], 'a', "unescaped");
	INT_EQ(r.field[format_field_index(f, "msg")].len, 7,
	       "\\\" and \\u00e9 and \\u0000 decoded");
	OK(memcmp(r.field[format_field_index(f, "msg")].p, "a\"b\xc3\xa9\0c",
		  7) == 0,
	   "decoded bytes");
	STR_EQ(fv(f, &r, "ok"), "true", "true as text");
	STR_EQ(fv(f, &r, "a.b.c"), "dot key", "a key holding a dot");
	STR_EQ(fv(f, &r, "list.1"), "y", "array index");
	INT_EQ(parse(f, "{\"time\":1428582896000,\"msg\":\"\xff\xfe\"}", &r),
	       0, "invalid UTF-8 is replaced, not fatal");
	STR_EQ(fv(f, &r, "msg"), "\xef\xbf\xbd\xef\xbf\xbd", "U+FFFD twice");
	INT_EQ(r.time, 1428582896, "milliseconds");
	INT_EQ(parse(f, "{\"time\":\"1428582896\"}", &r), 0, "epoch string");
	INT_EQ(parse(f, "{\"time\":\"10/Oct/2000:13:55:36 -0700\"}", &r), 0,
	       "time_local layout in JSON");
	INT_EQ(parse(f,
		     "{\"time\":\"0.012\","
		     "\"timestamp\":\"2020-01-02T03:04:05Z\"}",
		     &r),
	       0, "a key that holds no time is passed over");
	INT_EQ(r.time, civil_to_epoch(2020, 1, 2, 3, 4, 5), "the next key's");
	INT_EQ(parse(f, "{\"msg\":\"x\"}", &r), -1, "no time");
	STR_EQ(r.error, "no time field", "no time reason");
	INT_EQ(parse(f, "{\"time\":\"yesterday\"}", &r), -1, "bad time");
	INT_EQ(parse(f, "{\"time\":1,\"status\":\"2x\"}", &r), -1,
	       "tiny epoch is not a time");
	INT_EQ(parse(f, "{\"time\":1500000000,\"status\":\"2x\"}", &r), -1,
	       "bad status");
	INT_EQ(parse(f, "[1,2]", &r), -1, "not an object");
	INT_EQ(parse(f, "{\"time\":1500000000", &r), -1, "unterminated");
	INT_EQ(parse(f, "{\"time\":1500000000} x", &r), -1, "trailing text");
	INT_EQ(parse(f, "a \"quoted\" prefix {\"time\":1500000000}", &r), -1,
	       "a prefix with quotes is not a runtime prefix");
	INT_EQ(parse(f,
		     "{\"log\":\"{\\\"remote_addr\\\":\\\"9.9.9.9\\\"}\\n\","
		     "\"stream\":\"stdout\",\"time\":\"2020-01-02T03:04:05Z\"}"
		     "",
		     &r),
	       0, "docker json-file wrapper");
	STR_EQ(fv(f, &r, "remote_addr"), "9.9.9.9", "inner object");
	INT_EQ(r.time, civil_to_epoch(2020, 1, 2, 3, 4, 5), "outer time");
	format_free(f);

	{
		char err[256];

		OK(format_new("jsonl:", err, sizeof(err)) == NULL,
		   "jsonl: needs a key");
	}
	f = fmt_new("jsonl:when");
	INT_EQ(
	    parse(f, "{\"when\":\"2020-01-02T03:04:05+0100\",\"time\":1}", &r),
	    0, "jsonl:KEY names the time");
	INT_EQ(r.time, civil_to_epoch(2020, 1, 2, 2, 4, 5), "that key's time");
	format_free(f);
}

/* The first lines of the AWS documentation's S3 example. */
static const char s3_line[] =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
    "awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be "
    "3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET "
    "/awsexamplebucket1?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" "
    "\"S3Console/0.4\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf"
    "5mKR3/eTPFvsiP/XV/VLi31234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 "
    "AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1";

static void s3(void)
{
	struct format *f = fmt_new("s3");
	struct record r;

	INT_EQ(parse(f, s3_line, &r), 0, "s3 parses");
	STR_EQ(fv(f, &r, "bucket"), "awsexamplebucket1", "bucket");
	STR_EQ(fv(f, &r, "operation"), "REST.GET.VERSIONING", "operation");
	STR_EQ(fv(f, &r, "request_uri"),
	       "GET /awsexamplebucket1?versioning HTTP/1.1", "request_uri");
	STR_EQ(fv(f, &r, "request_target"), "/awsexamplebucket1?versioning",
	       "request_target derived");
	STR_EQ(fv(f, &r, "signature_version"), "SigV2", "signature_version");
	STR_EQ(fv(f, &r, "tls_version"), "TLSV1.1", "tls_version");
	STR_EQ(fv(f, &r, "access_point_arn"), "", "missing trailing field");
	STR_EQ(fv(f, &r, "remote_addr"), "192.0.2.3", "remote_addr alias");
	INT_EQ(format_field_index(f, "remote_addr"),
	       format_field_index(f, "remote_ip"), "alias has the same index");
	STR_EQ(fv(f, &r, "referer"), "", "\"-\" is empty");
	SPAN_EQ(r.agent, "S3Console/0.4", "agent");
	INT_EQ(r.status, 200, "status");
	INT_EQ(r.time, civil_to_epoch(2019, 2, 6, 0, 0, 38), "time");
	INT_EQ(parse(f,
		     "b8 flow-log-test [25/Mar/2025:19:28:02 +0000] - "
		     "AmazonS3 "
		     "366D S3.EXPIRE.OBJECT 0/chum/x.sst \"-\" - - - 317 - - "
		     "\"-\" \"-\" qsEq DMlP - - - - - - - extra1 extra2",
		     &r),
	       0, "status '-', a newer line with more fields");
	INT_EQ(r.status, 0, "no status");
	STR_EQ(fv(f, &r, "requester"), "AmazonS3", "requester");
	INT_EQ(parse(f,
		     "b659 www.example.com [10/Feb/2012:16:42:07 -0500] "
		     "1.2.3.4 arn:aws:iam::1:user/p EB35 WEBSITE.GET.OBJECT "
		     "index \"GET /index HTTP/1.1\" 200 - 368 368 10 9 \"-\" "
		     "\"Mozilla/5.0 (X11)\"",
		     &r),
	       0, "the oldest short line");
	INT_EQ(parse(f,
		     "b659 www.example.com [10/Feb/2012:16:42:07 -0500] "
		     "1.2.3.4 arn EB35 WEBSITE.GET.OBJECT index \"GET /index "
		     "HTTP/1.1\" 200 - 368 368 10 9 \"-\"",
		     &r),
	       -1, "too few fields");
	INT_EQ(parse(f,
		     "1.2.3.4 - - [10/Feb/2012:16:42:07 -0500] \"GET / "
		     "HTTP/1.1\" 200 1 \"-\" \"-\"",
		     &r),
	       -1, "combined is not s3");
	format_free(f);
}

static void alb_elb_cloudfront(void)
{
	struct format *f = fmt_new("alb");
	struct record r;

	INT_EQ(parse(f,
		     "https 2016-08-10T23:39:43.065466Z app/my-lb/50dc "
		     "192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 "
		     "200 0 57 \"GET https://www.example.com:443/p?api_key=z "
		     "HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 "
		     "TLSv1.2 arn:aws:elb:tg \"Root=1-58337281\" "
		     "www.example.com "
		     "arn:aws:acm:cert",
		     &r),
	       0, "alb");
	STR_EQ(fv(f, &r, "client_ip"), "192.168.131.39", "client_ip");
	STR_EQ(fv(f, &r, "client_port"), "192.168.131.39:2817", "client:port");
	STR_EQ(fv(f, &r, "remote_addr"), "192.168.131.39", "alias");
	STR_EQ(fv(f, &r, "target_ip"), "10.0.0.1", "target_ip");
	STR_EQ(fv(f, &r, "request_uri"),
	       "https://www.example.com:443/p?api_key=z", "request_uri");
	STR_EQ(fv(f, &r, "trace_id"), "Root=1-58337281", "trace_id");
	STR_EQ(fv(f, &r, "ssl_protocol"), "TLSv1.2", "ssl_protocol");
	INT_EQ(r.status, 200, "status");
	INT_EQ(r.time, civil_to_epoch(2016, 8, 10, 23, 39, 43), "time");
	INT_EQ(parse(f,
		     "http 2019-10-11T15:01:12.376735Z app/f/c8 1.2.3.4:56398 "
		     "- -1 -1 -1 460 - 125 0 \"GET http://f:80/ HTTP/1.1\" "
		     "\"curl/7.58.0\" - - arn \"Root=1-5\" \"-\" \"-\" 0 "
		     "2019-10-11T15:01:06.657000Z \"forward\" \"-\" \"-\"",
		     &r),
	       0, "alb 460, no target");
	STR_EQ(fv(f, &r, "target_ip"), "", "no target");
	INT_EQ(parse(f,
		     "tls 2.0 2018-12-20T02:59:40 net/my-nlb/c6 g3d4 "
		     "192.168.131.39:2817 10.0.0.1:80 5 2 98 246 - arn - "
		     "ECDHE-RSA-AES128-SHA tlsv12 - d.com - - - "
		     "2018-12-20T02:59:30",
		     &r),
	       -1, "an NLB line is not alb");
	format_free(f);

	f = fmt_new("elb");
	INT_EQ(parse(f,
		     "2015-05-13T23:39:43.945958Z my-lb 192.168.131.39:2817 "
		     "10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 "
		     "\"- - - \" \"-\" - -",
		     &r),
	       0, "classic elb, no request");
	STR_EQ(fv(f, &r, "request_method"), "", "no method");
	STR_EQ(fv(f, &r, "backend_ip"), "10.0.0.1", "backend_ip");
	INT_EQ(r.status, 0, "status '-'");
	format_free(f);

	f = fmt_new("cloudfront");
	INT_EQ(parse(f,
		     "2024-03-12\t15:22:28\tCDG50-P2\t703\t1.2.3.4\tGET\t"
		     "d6.cloudfront.net\t/testseb\t400\t-\tcurl/7.81.0%20x\t"
		     "api_key=42\t-\tError\t375W==\thub.example\thttps\t62\t"
		     "0.113\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tError\t"
		     "HTTP/2.0\t-\t-\t51754\t0.113\tError\ttext/plain\t20\t-\t"
		     "-",
		     &r),
	       0, "cloudfront");
	STR_EQ(fv(f, &r, "request_uri"), "/testseb?api_key=42",
	       "path and query joined");
	SPAN_EQ(r.agent, "curl/7.81.0 x", "agent decoded");
	STR_EQ(fv(f, &r, "remote_addr"), "1.2.3.4", "c_ip alias");
	INT_EQ(r.status, 400, "sc_status");
	INT_EQ(r.time, civil_to_epoch(2024, 3, 12, 15, 22, 28), "date+time");
	INT_EQ(parse(f, "#Version: 1.0", &r), -1, "header line");
	STR_EQ(r.error, "comment line", "header line reason");
	format_free(f);
}

static void regex_format(void)
{
	char err[512];
	struct format *f =
	    fmt_new("regex:^(?<remote_addr>\\S+) \\[(?<time>[^\\]]+)\\] "
		    "\"(?<request>[^\"]*)\" (?<status>\\d{3}|-)(?: "
		    "\"(?<user_agent>[^\"]*)\")?$");
	struct record r;

	INT_EQ(format_nfields(f), 8, "groups and request's parts");
	STR_EQ(format_field_name(f, 0), "remote_addr", "group order kept");
	INT_EQ(parse(f,
		     "1.2.3.4 [2020-01-02T03:04:05Z] \"GET /x?k=1 HTTP/1.1\" "
		     "200 \"agent\"",
		     &r),
	       0, "regex parses");
	STR_EQ(fv(f, &r, "request_uri"), "/x?k=1", "request split");
	SPAN_EQ(r.agent, "agent", "user_agent group");
	INT_EQ(r.status, 200, "status group");
	INT_EQ(r.time, civil_to_epoch(2020, 1, 2, 3, 4, 5), "iso time");
	INT_EQ(parse(f, "1.2.3.4 [1577934245] \"GET / HTTP/1.1\" 404", &r), 0,
	       "optional group unset");
	INT_EQ(r.agent.len, 0, "no agent");
	INT_EQ(r.time, 1577934245, "epoch time");
	INT_EQ(parse(f, "1.2.3.4 [10/Oct/2000:13:55:36 -0700] \"x\" 200", &r),
	       0, "time_local layout");
	INT_EQ(parse(f, "1.2.3.4 [noon] \"x\" 200", &r), -1, "bad time");
	INT_EQ(parse(f, "nothing like it", &r), -1, "no match");
	format_free(f);

	f = fmt_new("regex:^(?<date>\\S+)\\t(?<time>\\S+)\\t(?<c_ip>\\S+)");
	INT_EQ(parse(f, "2024-03-12\t15:22:28\t1.2.3.4", &r), 0, "date+time");
	INT_EQ(r.time, civil_to_epoch(2024, 3, 12, 15, 22, 28), "joined");
	format_free(f);

	OK(format_new("regex:(?<a>x)", err, sizeof(err)) == NULL,
	   "a regex needs a time group");
	OK(strstr(err, "(?<time>") != NULL, "message says how");
	OK(format_new("regex:(unclosed", err, sizeof(err)) == NULL,
	   "a bad regex is refused");
	OK(strstr(err, "offset") != NULL, "message gives the offset");
	OK(format_new("regex:\\d+", err, sizeof(err)) == NULL,
	   "a regex without names is refused");
}

static void times(void)
{
	int64_t t;

	INT_EQ(civil_to_epoch(1970, 1, 1, 0, 0, 0), 0, "epoch");
	INT_EQ(civil_to_epoch(2000, 3, 1, 0, 0, 0), 951868800, "leap year");
	INT_EQ(civil_to_epoch(2024, 2, 29, 12, 0, 0), 1709208000, "leap day");
	INT_EQ(parse_time("2024-02-29T12:00:00Z", 20, &t), 0, "iso Z");
	INT_EQ(t, 1709208000, "iso Z value");
	INT_EQ(parse_time("2024-02-29T13:30:00.123456789+01:30", 35, &t), 0,
	       "iso fraction and +01:30");
	INT_EQ(t, 1709208000, "iso offset value");
	INT_EQ(parse_time("2024-02-29T07:00:00-0500", 24, &t), 0, "-0500");
	INT_EQ(t, 1709208000, "-0500 value");
	INT_EQ(parse_time("2024-02-29 12:00:00", 19, &t), 0, "no zone: UTC");
	INT_EQ(t, 1709208000, "no zone value");
	INT_EQ(parse_time("29/Feb/2024:12:00:00 +0000", 26, &t), 0, "clf");
	INT_EQ(t, 1709208000, "clf value");
	INT_EQ(parse_time("1709208000123", 13, &t), 0, "ms");
	INT_EQ(t, 1709208000, "ms value");
	INT_EQ(parse_time("1709208000123456", 16, &t), 0, "us");
	INT_EQ(t, 1709208000, "us value");
	INT_EQ(parse_time("1709208000123456789", 19, &t), 0, "ns");
	INT_EQ(t, 1709208000, "ns value");
	OK(parse_time("17092080001234567890", 20, &t) < 0, "20 digits");
	OK(parse_time("2024-13-01T00:00:00Z", 20, &t) < 0, "month 13");
	OK(parse_time("2024-02-29T12:00:00+2", 21, &t) < 0, "short zone");
	OK(parse_time("2024-02-29T12:00:00.Z", 21, &t) < 0, "empty fraction");
	OK(parse_time("29/Foo/2024:12:00:00 +0000", 26, &t) < 0, "month name");
	OK(parse_time("", 0, &t) < 0, "empty");
	OK(parse_time("12.5", 4, &t) < 0, "a duration is not a time");
}

/* Lines for format_detect(), and what it should pick. */
static void detection(void)
{
	static const struct {
		const char *head;
		const char *want;
	} cases[] = {
	    {"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" "
	     "200 2 \"-\" \"c\"\n",
	     "combined"},
	    {"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" "
	     "200 2\n",
	     "common"},
	    {"v.example 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
	     "HTTP/1.0\" 200 2 \"-\" \"c\"\n",
	     "vhost_combined"},
	    {"v.example:80 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET "
	     "/ HTTP/1.0\" 200 2\n",
	     "vhost_common"},
	    {"{\"time\":1500000000,\"status\":200}\n", "jsonl"},
	    {"2025-12-31T17:37:40Z stdout F {\"time\":1500000000,"
	     "\"status\":200}\n",
	     "jsonl"},
	    /* a JSON application log is no access log */
	    {"{\"ts\":\"2013-09-06T20:00:48Z\",\"msg\":\"up\"}\n", NULL},
	    {"2015-05-13T23:39:43.945958Z my-lb 1.2.3.4:2817 10.0.0.1:80 "
	     "0.1 0.1 0.1 200 200 0 29 \"GET http://x/ HTTP/1.1\" \"c\" - "
	     "-\n",
	     "elb"},
	    /* no newline at all: the only line */
	    {"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" "
	     "200 2 \"-\" \"c\"",
	     "combined"},
	};
	char err[1024];
	char buf[2048];
	struct format *f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = format_detect(cases[i].head, strlen(cases[i].head), err,
				  sizeof(err));
		if (!cases[i].want) {
			OK(f == NULL, "no request: not told");
			format_free(f);
			continue;
		}
		OK(f != NULL, cases[i].want);
		if (f)
			STR_EQ(format_spec(f), cases[i].want, "detected");
		format_free(f);
	}
	snprintf(buf, sizeof(buf), "%s\n%s\n", s3_line, s3_line);
	f = format_detect(buf, strlen(buf), err, sizeof(err));
	STR_EQ(f ? format_spec(f) : "(none)", "s3", "s3 detected");
	format_free(f);
	/* 3 combined lines, 1 bad, a partial last line ignored */
	snprintf(buf, sizeof(buf), "%s\n%s\n%s\nnot a log line\n%s",
		 cases[0].head, cases[0].head, cases[0].head, "1.2.3.4 - -");
	f = format_detect(buf, strlen(buf), err, sizeof(err));
	STR_EQ(f ? format_spec(f) : "(none)", "combined", "one bad line");
	format_free(f);
	f = format_detect("what\nis\nthis\n", 13, err, sizeof(err));
	OK(f == NULL, "nothing parses");
	OK(strstr(err, "combined 0") != NULL, "message has the counts");
	OK(strstr(err, "of the first 3 lines") != NULL, "and the lines");
	f = format_detect("", 0, err, sizeof(err));
	OK(f == NULL, "empty head");
}

/* xorshift: a fixed, portable sequence. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every prefix, random bytes, and random mutations of a valid line: any
 * result is allowed, a crash or a read out of bounds (under ASan) is
 * not, and a refused line has a reason.  Each test line is copied into
 * a buffer of its exact size, so that a read past its end is caught. */
static void survive(struct format *f, const char *valid, int strict_prefix)
{
	size_t n = strlen(valid);
	uint64_t seed = 88172645463325252ULL ^ n;
	struct record r;
	int bad_prefix = 0;
	int no_reason = 0;

	for (size_t cut = 0; cut < n; cut++) {
		char *p = malloc(cut ? cut : 1);

		memcpy(p, valid, cut);
		if (parse_line(f, p, cut, &r) == 0)
			bad_prefix += strict_prefix;
		else if (!r.error)
			no_reason++;
		free(p);
	}
	for (int k = 0; k < 3000; k++) {
		char *p = malloc(n ? n : 1);
		int edits = 1 + (int)(rnd(&seed) % 4);

		memcpy(p, valid, n);
		for (int e = 0; e < edits && n; e++) {
			size_t at = rnd(&seed) % n;
			static const char special[] =
			    "\"[]{} \\:,-\t\r\n\0\xff";

			p[at] =
			    (k & 1)
				? (char)rnd(&seed)
				: special[rnd(&seed) % (sizeof(special) - 1)];
		}
		if (parse_line(f, p, rnd(&seed) % (n + 1), &r) < 0 && !r.error)
			no_reason++;
		free(p);
	}
	INT_EQ(bad_prefix, 0, "no proper prefix of a line parses");
	INT_EQ(no_reason, 0, "every refused line has a reason");
}

static void robustness(void)
{
	static const struct {
		const char *spec;
		const char *line;
		int strict;
	} cases[] = {
	    {"combined",
	     "10.0.0.2, 10.0.0.1 9.9.9.9 - u [10/Oct/2000:13:55:36 -0700] "
	     "\"GET /a\\\"b HTTP/1.0\" 200 2 \"-\" \"c \\\"x\\\"\"",
	     1},
	    {"vhost_combined",
	     "h:80 \"1.1.1.1, 2.2.2.2\" 3.3.3.3 - - [10/Oct/2000:13:55:36 "
	     "-0700] \"GET / HTTP/1.0\" 200 2 \"r\" \"c\"",
	     1},
	    {"common",
	     "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" "
	     "200 -",
	     0},
	    {"nginx:$remote_addr [$time_local] \"$request\" $status "
	     "\"$http_user_agent\" $msec",
	     "1.2.3.4 [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 "
	     "\"c\\x22\" 1500000000.123",
	     0},
	    {"jsonl",
	     "2025-12-31T17:37:40Z stdout F {\"time\":\"2020-01-02T03:04:"
	     "05Z\",\"request\":{\"headers\":{\"Authorization\":[\"Basic "
	     "eA==\"]}},\"status\":200,\"a\":[1.5,{\"b\":null}]}",
	     1},
	    {"s3", s3_line, 0},
	    {"alb",
	     "h2 2016-08-10T00:10:33.145057Z app/lb/50 10.0.1.252:48160 "
	     "10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 \"GET "
	     "https://10.0.2.105:773/ HTTP/2.0\" \"curl/7.46.0\" ECDHE "
	     "TLSv1.2 arn \"Root=1-58337327\" - -",
	     0},
	    {"cloudfront",
	     "2024-03-12\t15:22:28\tCDG\t703\t1.2.3.4\tGET\th\t/t\t400\t-"
	     "\t"
	     "c%20u\tq=1\t-\tE\tid\th\thttps\t62\t0.1\t-\tTLSv1.3\tT\tE\t"
	     "HTTP/2.0",
	     0},
	    {"regex:^(?<remote_addr>\\S+) (?<time>\\S+) (?<status>\\d+)$",
	     "1.2.3.4 1500000000 200", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct format *f = fmt_new(cases[i].spec);
		struct record r;

		if (!f)
			continue;
		/* what the rules would ask a jsonl format for */
		format_field_index(f, "http_authorization");
		format_field_index(f, "a.1.b");
		INT_EQ(parse(f, cases[i].line, &r), 0, cases[i].spec);
		survive(f, cases[i].line, cases[i].strict);
		format_free(f);
	}
}

/* Lines of 1 MiB: a long request, a long JSON string, NUL bytes. */
static void huge_lines(void)
{
	static const char *const specs[] = {"combined", "jsonl", "s3", "alb",
					    "cloudfront"};
	size_t n = 1024 * 1024;
	char *p = malloc(n);
	struct record r;

	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		struct format *f = fmt_new(specs[s]);

		format_field_index(f, "remote_addr");
		memset(p, 'a', n);
		OK(parse_line(f, p, n, &r) < 0, "1 MiB of 'a'");
		memset(p, '[', n);
		OK(parse_line(f, p, n, &r) < 0, "1 MiB of '['");
		memset(p, '{', n);
		OK(parse_line(f, p, n, &r) < 0, "1 MiB of '{'");
		memset(p, '\0', n);
		OK(parse_line(f, p, n, &r) < 0, "1 MiB of NUL");
		format_free(f);
	}
	{
		struct format *f = fmt_new("combined");
		const char *head = "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "
				   "\"GET /";
		const char *tail = " HTTP/1.1\" 200 2 \"-\" \"c\"";

		memset(p, 'x', n);
		memcpy(p, head, strlen(head));
		memcpy(p + n - strlen(tail), tail, strlen(tail));
		INT_EQ(parse_line(f, p, n, &r), 0, "a 1 MiB request");
		INT_EQ(r.field[format_field_index(f, "request_uri")].len,
		       n - strlen(head) - strlen(tail) + 1, "its uri");
		format_free(f);
	}
	{
		struct format *f = fmt_new("jsonl");
		const char *head = "{\"time\":1500000000,\"msg\":\"";

		format_field_index(f, "msg");
		memset(p, 'x', n);
		memcpy(p, head, strlen(head));
		memcpy(p + n - 2, "\"}", 2);
		INT_EQ(parse_line(f, p, n, &r), 0, "a 1 MiB JSON string");
		INT_EQ(r.field[format_field_index(f, "msg")].len,
		       n - strlen(head) - 2, "its value");
		format_free(f);
	}
	free(p);
}

/* Lines in time order: the minute memo must give what a fresh parse
 * gives, across seconds, minutes, days and zones, and refuse what a
 * fresh parse refuses. */
static void time_memo(void)
{
	static const struct {
		const char *t;
		int ok;
		int64_t want;
	} seq[] = {
	    {"10/Oct/2026:13:55:36 +0000", 1, 0},
	    {"10/Oct/2026:13:55:59 +0000", 1, 23},
	    {"10/Oct/2026:13:55:60 +0000", 1, 24}, /* a leap second */
	    {"10/Oct/2026:13:55:61 +0000", 0, 0},
	    {"10/Oct/2026:13:55:5x +0000", 0, 0},
	    {"10/Oct/2026:13:55:00 -0700", 1, 7 * 3600 - 36},
	    {"10/Oct/2026:13:56:00 -0700", 1, 7 * 3600 + 24},
	    {"11/Oct/2026:13:56:00 -0700", 1, 7 * 3600 + 24 + 86400},
	    {"10/Oct/2026:13:55:36 +0000", 1, 0},
	};
	struct format *f = fmt_new("combined");
	int64_t base = civil_to_epoch(2026, 10, 10, 13, 55, 36);

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		char line[200];
		struct record r;
		int n = snprintf(line, sizeof(line),
				 "1.2.3.4 - - [%s] \"GET / HTTP/1.1\" 200 1 "
				 "\"-\" \"ua\"",
				 seq[i].t);
		int rc = parse_line(f, line, (size_t)n, &r);

		INT_EQ(rc, seq[i].ok ? 0 : -1, seq[i].t);
		if (rc == 0)
			INT_EQ(r.time, base + seq[i].want, seq[i].t);
	}
	format_free(f);
}

/* The format's name in the ledger: a named format's spec; an nginx: or
 * regex: format's kind and a digest of its string, the same for the
 * same string and another for another, never the string itself. */
static void labels(void)
{
	char a[FORMAT_LABEL_MAX], b[FORMAT_LABEL_MAX], c[FORMAT_LABEL_MAX];
	struct format *f = fmt_new("combined");
	struct format *n1 = fmt_new("nginx:$remote_addr [$time_local] "
				    "\"$request\" $status");
	struct format *n2 = fmt_new("nginx:$remote_addr [$time_local] "
				    "\"$request\" $status");
	struct format *n3 = fmt_new("nginx:$remote_addr [$time_local] "
				    "\"$request\" $status $body_bytes_sent");

	format_label(f, a);
	STR_EQ(a, "combined", "a named format");
	format_label(n1, a);
	format_label(n2, b);
	format_label(n3, c);
	STR_EQ(a, b, "the same string, the same name");
	OK(strcmp(a, c) != 0, "another string, another name");
	OK(strncmp(a, "nginx:#", 7) == 0 && strlen(a) == 19, a);
	OK(strstr(a, "remote_addr") == NULL, "the string is not shown");
	format_free(f);
	format_free(n1);
	format_free(n2);
	format_free(n3);
}

void test_parse(void)
{
	labels();
	combined();
	combined_variants();
	common_and_vhost();
	nginx_format();
	jsonl_caddy_traefik();
	jsonl_more();
	s3();
	alb_elb_cloudfront();
	regex_format();
	times();
	time_memo();
	detection();
	robustness();
	huge_lines();
}
