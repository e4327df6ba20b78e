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
	struct registry_opts o = {"Account", NULL, '\t', NULL, NULL, NULL};
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

/* Ids in any case with spaces; the owner column by name; the lines of
 * rows after a "sep=" line and a quoted newline. */
static void test_export(void)
{
	char err[512] = "";
	struct registry *reg =
	    load("sep=;\r\n"
		 "Account;Client ID;Account Owner;Owner E-mail;Notes\r\n"
		 "Acme; APP-00067 ;Ann;ann@acme.example;\"two\r\nlines\"\r\n"
		 "\r\n"
		 "Beta;app-2;Bob;bob@beta.example;\r\n",
		 NULL, err, sizeof(err));
	struct hits h = {{0}, {0}, 0};
	char out[64];

	OK(reg != NULL, err);
	if (!reg)
		return;
	INT_EQ(reg->delim, ';', "sep= line");
	INT_EQ(reg->ncols, 5, "the header after sep=");
	INT_EQ(reg->owner_col, 3, "an e-mail column before an owner one");
	INT_EQ(reg->line[0], 3, "first row's line");
	INT_EQ(reg->line[1], 6, "after a quoted newline and a blank line");
	INT_EQ(registry_match(reg, "app-00067", NULL, 0, on_hit, &h), 1,
	       "upper case with spaces matches");
	registry_free(reg);
	reg = load("client,owner\n  \n\napp-2,\"B\nob\"\napp-3,Cy\n", NULL,
		   err, sizeof(err));
	OK(reg && reg->nrows == 2 && reg->line[0] == 4 && reg->line[1] == 6,
	   "lines after a row of spaces, an empty line, a quoted newline");
	registry_free(reg);
	reg =
	    load("client,Account Owner,Name\na,b,c\n", NULL, err, sizeof(err));
	OK(reg && reg->owner_col == 1, "owner without an e-mail column");
	registry_free(reg);
	reg = load("client,Account,Name\na,b,c\n", NULL, err, sizeof(err));
	OK(reg && reg->owner_col == -1, "no owner column");
	registry_free(reg);
	registry_client_norm("\t App-1 ", out, sizeof(out));
	STR_EQ(out, "app-1", "client id normalised");
}

/* Refused by line: the field where a quote opens, a control character,
 * a fingerprint cell that is not one, a credential without a key. */
static void test_refused(void)
{
	char err[512] = "";
	struct registry *reg;

	reg = load("client,owner\napp-1,\"Ann\napp-2,Bob\napp-3,Cy\n", NULL,
		   err, sizeof(err));
	OK(!reg && strstr(err, ":2: malformed CSV"), err);
	reg = load("client,owner\napp-1,\"A\"nn\napp-2,Bob\n", NULL, err,
		   sizeof(err));
	OK(!reg && strstr(err, ":2: malformed CSV"), err);
	reg = load("client,owner\napp-1,A\x7fnn\n", NULL, err, sizeof(err));
	OK(!reg && strstr(err, ":2: a control character (U+007F)"), err);
	reg =
	    load("client,owner\napp-1,A\xc2\x85nn\n", NULL, err, sizeof(err));
	OK(!reg && strstr(err, ":2: a control character (U+0085)"), err);
	reg = load("client,fp\na,Basic !!!\n", NULL, err, sizeof(err));
	OK(!reg && strstr(err, ":2: column 'fp' holds neither"), err);
	reg = load("sep=\nclient\na\n", NULL, err, sizeof(err));
	OK(!reg && strstr(err, ":1: no client id"), "an empty sep= line");
	reg = load("client,fp\na,\nb,FP:0123456789ABCDEF0\n", NULL, err,
		   sizeof(err));
	OK(!reg && strstr(err, ":3: column 'fp': not a fingerprint"), err);
	reg = load("client,fp\na,secret-key-1\n", NULL, err, sizeof(err));
	OK(!reg && strstr(err, ":2: column 'fp' holds a credential") &&
	       !strstr(err, "secret"),
	   err);
}

void test_registry(void)
{
	test_crm();
	test_export();
	test_refused();
	test_options();
	test_norm();
}
