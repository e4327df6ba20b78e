/* test_rules.c: rules files, decode steps, classification. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fp.h"
#include "harness.h"
#include "parse.h"
#include "rules.h"

void test_rules(void);

static struct ruleset *load_text(const char *text, char *err, size_t n)
{
	char path[] = "/tmp/keyaudit-rules-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct ruleset *rs;

	fputs(text, f);
	fclose(f);
	rs = rules_load(path, err, n);
	unlink(path);
	return rs;
}

static void classify(void)
{
	char err[512];
	struct format *fmt = format_new(
	    "nginx:$remote_addr \"$http_authorization\" \"$amn\" \"$id\" "
	    "[$time_local]",
	    err, sizeof(err));
	struct ruleset *rs =
	    load_text("class key legacy\nclass pat\n"
		      "amnesty amn (?i)^true$\n"
		      "client id ^(?<client>[a-z]+)$\nclient credential\n"
		      "client remote_addr\n"
		      "rule pat http_authorization:basic "
		      "^(?<credential>1/[0-9]+:[0-9a-f]+)$\n"
		      "rule key http_authorization:basic ^(?<credential>.+)$\n"
		      "phase p refuse legacy unless amnesty on 2026-11-01\n",
		      err, sizeof(err));
	struct record rec;
	struct verdict v;
	/* "1/42:abc:" and "KEY:" in base64 */
	const char *pat = "1.2.3.4 \"Basic MS80MjphYmM6\" \"TRUE\" \"-\" "
			  "[01/Oct/2026:00:00:00 +0000]";
	const char *key = "1.2.3.4 \"Basic S0VZOg==\" \"-\" \"app\" "
			  "[01/Oct/2026:00:00:00 +0000]";
	const char *junk = "1.2.3.4 \"Basic !!\" \"-\" \"-\" "
			   "[01/Oct/2026:00:00:00 +0000]";

	OK(rs != NULL, err);
	INT_EQ(rules_bind(rs, fmt, NULL, NULL), 0, "every field known");
	INT_EQ(parse_line(fmt, pat, strlen(pat), &rec), 0, "parses");
	rules_classify(rs, &rec, &v, NULL, NULL);
	STR_EQ(rules_class_name(rs, v.cls), "pat",
	       "a PAT over Basic is a PAT");
	SPAN_EQ(v.credential, "1/42:abc", "user part up to the last ':'");
	INT_EQ(v.amnesty, 1, "amnesty, any case");
	INT_EQ(v.client_source, CLIENT_CREDENTIAL, "no id: the credential");
	INT_EQ(parse_line(fmt, key, strlen(key), &rec), 0, "parses");
	rules_classify(rs, &rec, &v, NULL, NULL);
	STR_EQ(rules_class_name(rs, v.cls), "key", "API key");
	INT_EQ(rules_class_legacy(rs, v.cls), 1, "legacy");
	INT_EQ(v.client_source, CLIENT_FIELD, "the id field first");
	SPAN_EQ(v.client, "app", "client id");
	INT_EQ(rules_phase_refuses(rs, 0, v.cls, 0), 1, "refused");
	INT_EQ(rules_phase_refuses(rs, 0, v.cls, 1), 0, "unless amnesty");
	STR_EQ(rules_phase_date(rs, 0), "2026-11-01", "phase date");
	INT_EQ(parse_line(fmt, junk, strlen(junk), &rec), 0, "parses");
	rules_classify(rs, &rec, &v, NULL, NULL);
	STR_EQ(rules_class_name(rs, v.cls), "unknown", "bad base64: unknown");
	INT_EQ(v.client_source, CLIENT_ADDR, "then the address");
	rules_free(rs);
	format_free(fmt);
}

static void errors(void)
{
	char err[512];

	OK(!load_text("class a\nrule a f (x\n", err, sizeof(err)), "bad re");
	OK(strstr(err, ":2: bad pattern '(x': missing closing parenthesis "
		       "at offset 2") != NULL,
	   err);
	OK(!load_text("class a\nrule a f:b64 x\n", err, sizeof(err)), "dec");
	OK(strstr(err, ":2: unknown decode step 'b64'") != NULL, err);
	OK(!load_text("class a\nclass a\n", err, sizeof(err)), "twice");
	OK(!load_text("class unknown\n", err, sizeof(err)), "unknown");
	OK(!load_text("class a\nrule a f x\nphase p refuse a on soon\n", err,
		      sizeof(err)),
	   "phase date");
	OK(!load_text("# nothing\n", err, sizeof(err)), "no class");
}

static void scrub(void)
{
	struct fpkey key = {{1, 2, 3}};
	char fp[FP_HEXLEN + 1];
	char want[64];
	char out[256];
	const char *ua =
	    "python-asana/3.2.1 Python/3.11.4 (KHTML, like Gecko) "
	    "Chrome/120.0.6099.109";

	fp_scrub(&key, ua, strlen(ua), out, sizeof(out));
	STR_EQ(out, ua, "user agents stay as they are");
	fp_scrub(&key, "x ABCDEFGH.abcdefghijklmnopqrstuv12 y", 37, out,
		 sizeof(out));
	fp_hex(&key, "ABCDEFGH.abcdefghijklmnopqrstuv12", 33, fp);
	snprintf(want, sizeof(want), "x fp:%s y", fp);
	STR_EQ(out, want, "a key becomes its fingerprint");
	fp_scrub(&key, "FcQYvwtTgqaDEYgobJBuN", 21, out, sizeof(out));
	OK(strncmp(out, "fp:", 3) == 0, "a key of letters only goes too");
	fp_scrub(&key, "Internationalization", 20, out, sizeof(out));
	STR_EQ(out, "Internationalization",
	       "a long word without digits stays");
	fp_scrub(&key, "/a?t=0123456789abcdef0123&u=1", 29, out, sizeof(out));
	OK(strncmp(out, "/a?fp:", 6) == 0 && strcmp(out + 22, "&u=1") == 0,
	   "a token in a query string goes, with the short name before it");
	fp_scrub(&key, "curl/8 Authorization: Basic dXNlcjpwYXNz", 40, out,
		 sizeof(out));
	fp_hex(&key, "dXNlcjpwYXNz", 12, fp);
	snprintf(want, sizeof(want), "curl/8 Authorization: Basic fp:%s", fp);
	STR_EQ(out, want, "Basic credentials by their context");
	fp_scrub(&key, "a wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 42, out,
		 sizeof(out));
	fp_hex(&key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 40, fp);
	snprintf(want, sizeof(want), "a fp:%s", fp);
	STR_EQ(out, want, "across '/', an AWS secret goes whole");
	fp_scrub(&key, "/x?API_KEY=a&b=2", 16, out, sizeof(out));
	OK(strncmp(out, "/x?API_KEY=fp:", 14) == 0 &&
	       strcmp(out + 30, "&b=2") == 0,
	   "a one-byte key by its name");
	fp_scrub(&key, "/x?next=%3Ftoken%3Dabc%26y", 26, out, sizeof(out));
	OK(strstr(out, "abc") == NULL && strstr(out, "%26y"),
	   "a URL-encoded token by its name");
	for (int i = 0; i < 5; i++) {
		static const char *const ok[] = {
		    "Zapier-Integration-Platform/1.0",
		    "Microsoft-Power-Automate", "Workato-Connector-SDK/1.3",
		    "SalesforceIntegrationService",
		    "X-Client-Id: acme-hubspot-sync-prod-01"};

		fp_scrub(&key, ok[i], strlen(ok[i]), out, sizeof(out));
		STR_EQ(out, ok[i], "names, versions and ids pass");
	}
	fp_scrub(&key, "abc", 3, out, 3);
	STR_EQ(out, "ab", "bounded by the output");
}

void test_rules(void)
{
	classify();
	errors();
	scrub();
}
