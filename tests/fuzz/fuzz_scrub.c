/* fuzz_scrub.c: libFuzzer target for fp_scrub().  Byte 0 picks what
 * the rest is:
 *   even: free text, into which a credential of a shape picked by byte 1
 *         (a random key, an AWS secret or key id, a JWT, a GitHub, Slack
 *         or Stripe token, an Asana PAT or API key, Basic credentials,
 *         a short password) is planted after a context picked by byte 2,
 *         at an offset picked by byte 3, with a space after it; the
 *         output must not hold the credential, nor any 16 bytes of it;
 *         nor must the text scrubbed and cut to a length picked by
 *         byte 3 (fp_scrub_cut()), nor hold any 10 bytes of the part
 *         of it before a cut the caller made inside it;
 *   odd:  choices of ordinary text (user agents, product names, ids),
 *         joined by spaces; the output must be the text itself.
 * The credential's bytes come from a generator seeded by the input, so a
 * crash replays.  Every output is also checked for its length and NUL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp.h"
#include "fuzz.h"

static const struct fpkey key = {{7, 1, 7}};

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state =
	    rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static void rnd_chars(char *out, size_t n, const char *set)
{
	size_t m = strlen(set);

	for (size_t i = 0; i < n; i++)
		out[i] = set[rnd((unsigned)m)];
	out[n] = '\0';
}

#define B62 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define B64 B62 "+/"
#define HEX "0123456789abcdef"

/* A credential of shape k into out; *pub is set to the length of its
 * public prefix (an id, a fixed header), which may stay.  Return 1 when
 * it needs a context (too short or plain to be found by its shape). */
static int make_secret(unsigned k, char *out, size_t *pub)
{
	char a[128];
	char b[128];
	int n;

	*pub = 0;
	switch (k % 10) {
	case 0:
		rnd_chars(out, 24 + rnd(40), B62);
		return 0;
	case 1:
		rnd_chars(out, 40, B64);
		return 0;
	case 2:
		memcpy(out, rnd(2) ? "AKIA" : "ASIA", 4);
		rnd_chars(out + 4, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
		return 0;
	case 3:
		rnd_chars(a, 20 + rnd(20), B62 "-_");
		rnd_chars(b, 40 + rnd(20), B62 "-_");
		n = sprintf(out, "eyJhbGciOiJIUzI1NiJ9.");
		*pub = (size_t)n;
		sprintf(out + n, "eyJ%s.%s", a, b);
		return 0;
	case 4:
		rnd_chars(a, 36, B62);
		sprintf(out, "%s_%s", rnd(2) ? "ghp" : "gho", a);
		*pub = 4;
		return 0;
	case 5:
		rnd_chars(a, 24, B62);
		n = sprintf(out, "xoxb-%u%u-%u%u-", 1000000 + rnd(8999999),
			    10000 + rnd(89999), 1000000 + rnd(8999999),
			    100000 + rnd(899999));
		*pub = (size_t)n;
		strcpy(out + n, a);
		return 0;
	case 6:
		rnd_chars(a, 24 + rnd(75), B62);
		sprintf(out, "sk_%s_%s", rnd(2) ? "live" : "test", a);
		*pub = 8;
		return 0;
	case 7:
		rnd_chars(a, 32, HEX);
		n = sprintf(out, "1/%u%u:", 100000000 + rnd(899999999),
			    1000000 + rnd(8999999));
		*pub = (size_t)n;
		strcpy(out + n, a);
		return 0;
	case 8:
		rnd_chars(a, 8, B62);
		rnd_chars(b, 24, B62);
		sprintf(out, "%s.%s", a, b);
		return 0;
	default:
		rnd_chars(out, 1 + rnd(12), B62 "!*$@^");
		return 1;
	}
}

static const char *const contexts[] = {
    " ",
    "\t",
    "curl/8 Authorization: Basic ",
    "Authorization: Bearer ",
    "bearer ",
    "GET /a?api_key=",
    "&access_token=",
    " token=",
    "password=",
    "{\"client_secret\": \"",
    "%3Ftoken%3D",
    "Authorization%3A%20Bearer%20",
    "X-Api-Key: ",
    "passwd:",
    "KEY=",
    "?user[password]=",
    "&a%5Bb%5D%5Bclient_secret%5D=",
    "&access%5Ftoken=",
};

#define NCTX (sizeof(contexts) / sizeof(*contexts))

/* Is any 16-byte window of secret (or all of a shorter one) in out? */
static int leaked(const char *out, const char *secret)
{
	size_t n = strlen(secret);
	size_t win = n < 16 ? n : 16;

	for (size_t i = 0; i + win <= n; i++)
		if (memmem(out, strlen(out), secret + i, win))
			return 1;
	return 0;
}

static void check_output(const char *out, size_t n, size_t cap)
{
	FUZZ_CHECK(n < cap, "output fits");
	FUZZ_CHECK(out[n] == '\0', "output is NUL-terminated");
	FUZZ_CHECK(strlen(out) <= n, "length returned");
}

/* Is any 10 bytes of the k bytes at secret in out (k >= 10)? */
static int leaked10(const char *out, const char *secret, size_t k)
{
	for (size_t i = 0; i + 10 <= k; i++)
		if (memmem(out, strlen(out), secret + i, 10))
			return 1;
	return 0;
}

/* Cut values (fp_scrub_cut()): in[0..n) with the secret at in + s,
 * scrubbed whole and cut to max (picked by b), and cut by the caller
 * inside the secret (after k of its bytes, picked by b too): no 10
 * bytes of the secret come out. */
static void cut_values(const char *in, size_t n, size_t s, const char *secret,
		       unsigned b)
{
	size_t len = strlen(secret);
	size_t max = (s + b * 7) % (n + 8) + 1;
	size_t k = len ? b % len : 0;
	char *out = malloc(max + 1);
	size_t got = fp_scrub_cut(&key, in, n, 0, out, max);

	check_output(out, got, max + 1);
	FUZZ_CHECK(got <= max, "cut to max");
	if (len && leaked(out, secret)) {
		fprintf(stderr, "planted: %s\nout: %s\n", secret, out);
		FUZZ_CHECK(0,
			   "a credential is in a value cut after scrubbing");
	}
	free(out);
	out = malloc(3 * n + 64);
	got = fp_scrub_cut(&key, in, s + k, 1, out, 3 * n + 63);
	check_output(out, got, 3 * n + 64);
	if (k >= 10 && leaked10(out, secret, k)) {
		fprintf(stderr, "planted: %.*s|\nout: %s\n", (int)k, secret,
			out);
		FUZZ_CHECK(0, "a credential the cut ends is in the output");
	}
	free(out);
}

static void plant(const uint8_t *data, size_t size)
{
	char full[512];
	size_t pub;
	char *secret;
	const char *ctx;
	size_t at;
	size_t cap;
	char *in;
	char *out;
	size_t n;
	size_t s;
	int needs_ctx;
	unsigned b;

	if (size < 4)
		return;
	b = data[3];
	needs_ctx = make_secret(data[1], full, &pub);
	secret = full + pub;
	ctx = contexts[data[2] % NCTX];
	/* a short or plain value is found by the name before it */
	if (needs_ctx && data[2] % NCTX < 5)
		ctx = "password=";
	data += 4;
	size -= 4;
	at = size ? rng_state % (size + 1) : 0;
	in = malloc(size + 512);
	n = 0;
	memcpy(in, data, at);
	n += at;
	s = n + strlen(ctx) + pub;
	n += (size_t)sprintf(in + n, "%s%s", ctx, full);
	/* a short secret found elsewhere in the text proves nothing */
	if (strlen(secret) < 6 || memmem(data, size, secret, strlen(secret)))
		secret[0] = '\0';
	/* after a credential, a delimiter: the text after it is not part of
	 * it (a secret glued to other letters is a different run) */
	in[n++] = ' ';
	memcpy(in + n, data + at, size - at);
	n += size - at;
	cap = 3 * n + 64; /* fingerprints may be longer than short values */
	out = malloc(cap);
	size = fp_scrub(&key, in, n, out, cap);
	check_output(out, size, cap);
	if (secret[0] && leaked(out, secret)) {
		fprintf(stderr, "planted: %s\nout: %s\n", secret, out);
		FUZZ_CHECK(0, "a planted credential is in the output");
	}
	cut_values(in, n, s, secret, b);
	free(in);
	free(out);
}

/* Ordinary text: user agents, product names, client ids. */
static const char *const plain[] = {
    "Zapier-Integration-Platform/1.0",
    "Microsoft-Power-Automate",
    "Workato-Connector-SDK/1.3",
    "SalesforceIntegrationService",
    "acme-hubspot-sync-prod-01",
    "python-asana/3.2.1 Python/3.11.4",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/120.0.6099.109 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X)",
    "Dalvik/2.1.0 (Linux; U; Android 8.0.0; PRA-LA1 Build/HONORPRA-LA1)",
    "SonyEricssonK610i/R1CB Browser/NetFront/3.3 Profile/MIDP-2.0",
    "NokiaN70-1/5.0609.2.0.1 Series60/2.8 UP.Link/6.3.1.13.0",
    "aws-sdk-go/1.44.327 (go1.20.6; linux; amd64)",
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.2.0",
    "Apache-HttpClient/4.5.13 (Java/11.0.19)",
    "okhttp/4.12.0",
    "curl/8.4.0",
    "PostmanRuntime/7.36.0",
    "Go-http-client/2.0",
    "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "com.acme.tasks.ios",
    "svc-globex-okta-prod",
    "integrations@acme.com",
    "1234567890123",
    "Visual Basic 6.0 (Basic Edition)",
    "Internationalization",
    "XMLHttpRequest",
    "iPhone14,2",
    "x86_64",
    "Win64; x64",
    "rv:121.0",
    "Gecko/20100101",
    "(+http://www.google.com/bot.html)",
};

#define NPLAIN (sizeof(plain) / sizeof(*plain))

static void ordinary(const uint8_t *data, size_t size)
{
	char in[8192] = "";
	char out[8192];
	size_t n = 0;

	for (size_t i = 1; i < size && i < 64; i++) {
		const char *w = plain[data[i] % NPLAIN];

		n += (size_t)sprintf(in + n, "%s%s", n ? " " : "", w);
	}
	size = fp_scrub(&key, in, n, out, sizeof(out));
	check_output(out, size, sizeof(out));
	if (strcmp(in, out) != 0) {
		fprintf(stderr, "in:  %s\nout: %s\n", in, out);
		FUZZ_CHECK(0, "ordinary text passes unchanged");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < size; i++)
		rng_state = (rng_state ^ data[i]) * 0x100000001b3ULL;
	if (size == 0)
		return 0;
	if (data[0] & 1)
		ordinary(data, size);
	else
		plant(data, size);
	return 0;
}
