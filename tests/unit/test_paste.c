/* test_paste.c: pasted credentials, header values and fingerprints. */
#include <string.h>

#include "harness.h"
#include "paste.h"

void test_paste(void);

static void check(const char *in, int kind, const char *want)
{
	char out[256];
	size_t len;
	const char *why;

	INT_EQ(paste_read(in, strlen(in), out, &len, &why), kind, in);
	STR_EQ(out, want, in);
	INT_EQ(len, strlen(want), in);
}

void test_paste(void)
{
	const char *pat =
	    "1/1234567890123456:0123456789abcdef0123456789abcdef";
	char buf[128];

	check("KEY.abc\n", PASTE_SECRET, "KEY.abc");
	check("  KEY.abc \r\n", PASTE_SECRET, "KEY.abc");
	check("\t\r\n", PASTE_EMPTY, "");
	/* "KEY.abc:" and "KEY.abc:pw" in base64: the user part */
	check("Basic S0VZLmFiYzo=", PASTE_SECRET, "KEY.abc");
	check("basic S0VZLmFiYzpwdw==\n", PASTE_SECRET, "KEY.abc");
	check("Authorization: Basic S0VZLmFiYzo=\r\n", PASTE_SECRET,
	      "KEY.abc");
	check("AUTHORIZATION:Basic   S0VZLmFiYzo", PASTE_SECRET, "KEY.abc");
	snprintf(buf, sizeof(buf), "Authorization: Bearer %s\n", pat);
	check(buf, PASTE_SECRET, pat);
	snprintf(buf, sizeof(buf), "  bearer %s", pat);
	check(buf, PASTE_SECRET, pat);
	check("FP:0123456789ABCDEF\n", PASTE_FP, "fp:0123456789abcdef");
	check(" fp:0123456789abcdef ", PASTE_FP, "fp:0123456789abcdef");
	/* not a fingerprint: a credential */
	check("fp:0123456789abcdeg", PASTE_SECRET, "fp:0123456789abcdeg");
	check("0123456789abcdef", PASTE_SECRET, "0123456789abcdef");
	/* a word that only starts like a scheme is the credential */
	check("Basically", PASTE_SECRET, "Basically");
	check("Bearer", PASTE_SECRET, "Bearer");
	check("Basic !!notbase64!!", -1, "");
}
