/* test_hit_names.c: a verdict remembered apart from its client's name:
 * one credential under several ids and addresses, each line named as
 * the client lines say, whichever memo answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fp.h"
#include "harness.h"
#include "hit.h"
#include "parse.h"
#include "rules.h"

void test_hit_names(void);

static const struct fpkey key = {{9, 8, 7}};

static struct ruleset *load(const char *text)
{
	char path[] = "/tmp/keyaudit-names-XXXXXX";
	char err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct ruleset *rs;

	fputs(text, f);
	fclose(f);
	rs = rules_load(path, err, sizeof(err));
	unlink(path);
	return rs;
}

/* The name hm gives line, or "" when the line does not parse. */
static const char *name_of(struct hit_maker *hm, struct format *fmt,
			   const char *line, char *out)
{
	struct record rec;
	struct hit h;

	out[0] = '\0';
	if (parse_line(fmt, line, strlen(line), &rec) != 0)
		return out;
	hit_make(hm, &rec, &h);
	memcpy(out, h.client, h.client_len);
	out[h.client_len] = '\0';
	return out;
}

void test_hit_names(void)
{
	char err[256];
	struct format *fmt =
	    format_new("nginx:$remote_addr \"$remote_user\" \"$id\" $msec",
		       err, sizeof(err));
	struct ruleset *rs =
	    load("class key legacy\n"
		 "client id ^(?<client>[a-z]+)$\n"
		 "client credential\nclient remote_addr\n"
		 "rule key remote_user ^(?<credential>.+)$\n");
	struct hit_maker *hm;
	char fp[FP_HEXLEN + 1];
	char fpname[FP_HEXLEN + 4];
	char out[300];

	OK(fmt && rs, "format and rules");
	if (!fmt || !rs)
		return;
	rules_bind(rs, fmt, NULL, NULL);
	hm = hit_maker_new(rs, &key);
	fp_hex(&key, "k1", 2, fp);
	snprintf(fpname, sizeof(fpname), "fp:%s", fp);
	for (int round = 0; round < 2; round++) {
		/* one credential: the verdict is the same, the names not */
		STR_EQ(name_of(hm, fmt,
			       "192.0.2.1 \"k1\" \"acme\" 1700000000.5", out),
		       "acme", "the id names the client");
		STR_EQ(name_of(hm, fmt,
			       "192.0.2.2 \"k1\" \"beta\" 1700000000.5", out),
		       "beta", "another id under the same credential");
		STR_EQ(name_of(hm, fmt,
			       "192.0.2.3 \"k1\" \"BAD!\" 1700000000.5", out),
		       fpname, "an id the pattern refuses: the credential");
		STR_EQ(name_of(hm, fmt, "192.0.2.4 \"k1\" \"-\" 1700000000.5",
			       out),
		       fpname, "no id: the credential");
		STR_EQ(name_of(hm, fmt,
			       "192.0.2.5 \"-\" \"BAD!\" 1700000000.5", out),
		       "addr:192.0.2.5", "nothing else: the address");
		STR_EQ(name_of(hm, fmt, "192.0.2.6 \"-\" \"-\" 1700000000.5",
			       out),
		       "addr:192.0.2.6", "another address");
		STR_EQ(name_of(hm, fmt,
			       "192.0.2.5 \"-\" \"acme\" 1700000000.5", out),
		       "acme", "an id before the address");
	}
	hit_maker_free(hm);
	rules_free(rs);
	format_free(fmt);
}
