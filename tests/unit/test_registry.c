/* test_registry.c: registries as CRMs export them: the delimiter, the
 * key columns' names, fingerprints in any case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "registry.h"

void test_registry(void);

static struct registry *load(const char *text, const struct registry_opts *o,
			     char *err, size_t errlen)
{
	char path[] = "/tmp/keyaudit-registry-XXXXXX";
	int fd = mkstemp(path);
	struct registry *reg;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return NULL;
	close(fd);
	reg = registry_load(path, o, err, errlen);
	unlink(path);
	return reg;
}

struct hits {
	int rows[8];
	const char *fp[8];
	int n;
};

static void on_hit(void *ctx, const char *const *row, int r, const char *fp)
{
	struct hits *h = ctx;

	(void)row;
	if (h->n < 8) {
		h->rows[h->n] = r;
		h->fp[h->n++] = fp;
	}
}

static void test_crm(void)
{
	char err[512] = "";
	struct registry *reg =
	    load("\xef\xbb\xbf"
		 "Account;Client ID;Owner;API Key Fingerprint\r\n"
		 "Acme;app-1;Ann;\r\n"
		 "\"Beta; Inc.\";;Bob;FP:00AB00AB00AB00AB\r\n"
		 "Gamma;app-1;Cy;fp:00ab00ab00ab00ab\r\n",
		 NULL, err, sizeof(err));
	const char *fps[] = {"fp:00ab00ab00ab00ab"};
	struct hits h = {{0}, {0}, 0};

	OK(reg != NULL, err);
	if (!reg)
		return;
	INT_EQ(reg->delim, ';', "semicolon sniffed");
	INT_EQ(reg->client_col, 1, "Client ID recognised");
	INT_EQ(reg->fp_col, 3, "API Key Fingerprint recognised");
	STR_EQ(reg->rows[1][0], "Beta; Inc.", "quoted delimiter");
	INT_EQ(registry_match(reg, "app-1", fps, 1, on_hit, &h), 3,
	       "two by client, one more by fingerprint");
	INT_EQ(h.rows[0], 0, "by client first");
	INT_EQ(h.rows[1], 2, "second by client");
	OK(h.fp[0] == NULL && h.fp[1] == NULL, "client rows have no fp");
	INT_EQ(h.rows[2], 1, "the upper-case fingerprint");
	STR_EQ(h.fp[2], "fp:00ab00ab00ab00ab", "the fp it matched");
	OK(reg->matched[0] && reg->matched[1] && reg->matched[2], "marked");
	h.n = 0;
	INT_EQ(registry_match(reg, "app-2", fps, 1, on_hit, &h), 2,
	       "another client: both fingerprint rows");
	registry_free(reg);
}

static void test_options(void)
{
	char err[512] = "";
	struct registry_opts o = {"Account", NULL, '\t'};
	struct registry *reg =
	    load("Account\tKey\nacme\tx\n", &o, err, sizeof(err));

	OK(reg != NULL, err);
	if (reg) {
		INT_EQ(reg->client_col, 0, "--registry-key");
		INT_EQ(reg->fp_col, -1, "no fingerprint column");
		registry_free(reg);
	}
	o.key_col = "Nope";
	reg = load("Account\tKey\nacme\tx\n", &o, err, sizeof(err));
	OK(reg == NULL && strstr(err, "no column 'Nope'"), "named column");
	reg = load("name,owner\na,b\n", NULL, err, sizeof(err));
	OK(reg == NULL && strstr(err, "no client id or fingerprint"), err);
	reg = load("app_id\tcontact\na\tb\n", NULL, err, sizeof(err));
	OK(reg != NULL && reg->delim == '\t' && reg->client_col == 0,
	   "tab and app_id");
	registry_free(reg);
}

static void test_norm(void)
{
	char out[32];

	registry_fp_norm(" FP:ABCdef0123456789 ", out, sizeof(out));
	STR_EQ(out, "abcdef0123456789", "prefix, case, spaces");
	registry_fp_norm("abcdef0123456789", out, sizeof(out));
	STR_EQ(out, "abcdef0123456789", "no prefix");
	registry_fp_norm("fp:abcdef0123456789", out, 5);
	STR_EQ(out, "abcd", "cut to cap");
}

void test_registry(void)
{
	test_crm();
	test_options();
	test_norm();
}
