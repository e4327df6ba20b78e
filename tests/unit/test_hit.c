/* test_hit.c: a record to a hit: verdicts through the memo, client
 * names, and user agents scrubbed before they are cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fp.h"
#include "harness.h"
#include "hit.h"
#include "parse.h"
#include "rules.h"

void test_hit(void);

static const struct fpkey key = {{7, 6, 5, 4, 3, 2, 1}};

/* An agent of pad filler bytes, then a 40-byte secret at byte pad. */
static size_t straddle(char *a, size_t pad, const char *secret)
{
	memset(a, 'x', pad);
	for (size_t i = 0; i + 1 < pad; i += 8)
		a[i] = ' ';
	a[pad - 1] = ' ';
	memcpy(a + pad, secret, strlen(secret));
	memcpy(a + pad + strlen(secret), " tail", 5);
	return pad + strlen(secret) + 5;
}

static void agent_cut(void)
{
	const char *secret = "Zq9aB3dE5fG7hJ1kL3mN5pQ7rS9tU1vW3xY5z7Q";
	char a[2048];
	char out[HIT_AGENT_MAX + 8];
	size_t n = straddle(a, 490, secret);
	size_t got = hit_agent_scrub(&key, a, n, out);

	INT_EQ(got, HIT_AGENT_MAX, "cut at the cap");
	INT_EQ(strlen(out), got, "NUL-terminated");
	OK(memmem(out, got, "Zq9aB3", 6) == NULL,
	   "no raw prefix of a secret across the cut");
	OK(memcmp(out + 490, "fp:", 3) == 0, "the secret's mark instead");
	/* a mark that does not fit is left out whole */
	n = straddle(a, 500, secret);
	got = hit_agent_scrub(&key, a, n, out);
	INT_EQ(got, 500, "no part of a mark");
	OK(memmem(out, got, "Zq9aB3", 6) == NULL, "nor of the secret");
	/* 511 ASCII bytes and a two-byte letter across the cut */
	memset(a, 'a', 511);
	memcpy(a + 511, "\xc3\xa9 ok", 5);
	got = hit_agent_scrub(&key, a, 516, out);
	INT_EQ(got, 511, "never inside a UTF-8 sequence");
	/* three bytes: a euro sign at 510..512 */
	memcpy(a + 510, "\xe2\x82\xac", 3);
	got = hit_agent_scrub(&key, a, 513, out);
	INT_EQ(got, 510, "a three-byte sequence left whole");
	got = hit_agent_scrub(&key, "curl/8.1", 8, out);
	STR_EQ(out, "curl/8.1", "short agents are kept as they are");
}

/* A value the caller cut: the piece at the cut goes, however short. */
static void scrub_cut(void)
{
	const char *r = "items /Eizttazs5+LSFB3BbB";
	char out[64];
	size_t n;

	n = fp_scrub_cut(&key, r, strlen(r), 0, out, 63);
	STR_EQ(out, r, "a short run is kept when nothing was cut");
	n = fp_scrub_cut(&key, r, strlen(r), 1, out, 63);
	INT_EQ(n, 25, "the run at the cut is a mark");
	OK(strncmp(out, "items fp:", 9) == 0, "the runs before stay");
	fp_scrub_cut(&key, "x Bearer abcdef", 15, 1, out, 63);
	OK(strstr(out, "abcdef") == NULL, "a plain value the cut ends goes");
	fp_scrub_cut(&key, "x Bearer abcdef", 15, 0, out, 63);
	STR_EQ(out, "x Bearer abcdef", "a plain word after Bearer stays");
	/* a UTF-8 sequence the caller's cut split is left out */
	n = fp_scrub_cut(&key, "ab /\xc3", 5, 1, out, 63);
	INT_EQ(n, 4, "no half of a sequence");
}

static struct ruleset *rules_from(const char *text)
{
	char path[] = "/tmp/keyaudit-hit-XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct ruleset *rs;

	fputs(text, f);
	fclose(f);
	rs = rules_load(path, err, sizeof(err));
	if (!rs)
		fprintf(stderr, "%s\n", err);
	unlink(path);
	return rs;
}

static void make(void)
{
	char err[256];
	struct format *fmt = format_new(
	    "nginx:$remote_addr \"$remote_user\" \"$id\" \"$http_user_agent\" "
	    "$msec",
	    err, sizeof(err));
	struct ruleset *rs =
	    rules_from("class key legacy\nclass pat\n"
		       "client id ^(?<client>[a-z]+)$\nclient credential\n"
		       "client remote_addr\n"
		       "rule pat remote_user ^(?<credential>1/[0-9]+)$\n"
		       "rule key remote_user ^(?<credential>.+)$\n");
	struct hit_maker *hm;
	struct record rec;
	struct hit h;
	const char *l1 =
	    "192.0.2.1 \"abcdefghij\" \"acme\" \"agent/1.0\" 1700000000.123";
	const char *l2 =
	    "192.0.2.1 \"1/123\" \"-\" \"agent/2.0\" 1700000000.123";
	const char *l3 = "192.0.2.9 \"-\" \"-\" \"agent/3.0\" 1700000000.123";
	char fp[FP_HEXLEN + 1];

	if (!fmt)
		fprintf(stderr, "%s\n", err);
	OK(fmt && rs, "format and rules");
	if (!fmt || !rs)
		return;
	rules_bind(rs, fmt, NULL, NULL);
	hm = hit_maker_new(rs, &key);
	for (int round = 0; round < 2; round++) {
		/* the second round is answered by the memo, the same way */
		OK(parse_line(fmt, l1, strlen(l1), &rec) == 0, "parse 1");
		hit_make(hm, &rec, &h);
		INT_EQ(h.cls, 0, "an api key");
		INT_EQ(h.legacy, 1, "legacy");
		OK(h.client_len == 4 && memcmp(h.client, "acme", 4) == 0,
		   "the id names the client");
		OK(h.agent_len == 9 && memcmp(h.agent, "agent/1.0", 9) == 0,
		   "a legacy request keeps its agent");
		fp_hex(&key, "abcdefghij", 10, fp);
		OK(h.cred_fp && strcmp(h.cred_fp, fp) == 0,
		   "the credential's fingerprint");
		OK(parse_line(fmt, l2, strlen(l2), &rec) == 0, "parse 2");
		hit_make(hm, &rec, &h);
		INT_EQ(h.cls, 1, "a pat");
		INT_EQ(h.legacy, 0, "not legacy");
		INT_EQ(h.agent_len, 0, "no agent kept");
		fp_hex(&key, "1/123", 5, fp);
		OK(h.client_len == 3 + FP_HEXLEN &&
		       memcmp(h.client, "fp:", 3) == 0 &&
		       memcmp(h.client + 3, fp, FP_HEXLEN) == 0,
		   "no id: the credential names the client");
		OK(parse_line(fmt, l3, strlen(l3), &rec) == 0, "parse 3");
		hit_make(hm, &rec, &h);
		INT_EQ(h.cls, rules_nclasses(rs), "unknown");
		OK(h.client_len == 14 &&
		       memcmp(h.client, "addr:192.0.2.9", 14) == 0,
		   "else the address");
		OK(h.cred_fp == NULL, "no credential");
	}
	hit_maker_free(hm);
	hit_maker_free(NULL);
	rules_free(rs);
	format_free(fmt);
}

void test_hit(void)
{
	agent_cut();
	scrub_cut();
	make();
}
