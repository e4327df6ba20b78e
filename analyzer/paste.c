/* paste.c: read a pasted credential, header value or fingerprint. */
#include "paste.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drop white space around *p[0..*len). */
static void trim(const char **p, size_t *len)
{
	while (*len && is_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len && is_space((*p)[*len - 1]))
		(*len)--;
}

/* Drop word (any case) and what follows it: sep when not 0, then white
 * space.  Return 1 when dropped (and something is left after it). */
static int drop_word(const char **p, size_t *len, const char *word, char sep)
{
	size_t n = strlen(word);
	const char *q = *p + n;
	size_t left = *len - n;

	if (*len <= n || strncasecmp(*p, word, n) != 0)
		return 0;
	if (sep) {
		while (left && (*q == ' ' || *q == '\t')) {
			q++;
			left--;
		}
		if (!left || *q != sep)
			return 0;
		q++;
		left--;
	} else if (*q != ' ' && *q != '\t') {
		return 0;
	}
	trim(&q, &left);
	if (!left)
		return 0;
	*p = q;
	*len = left;
	return 1;
}

static int hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* "fp:" and 16 hex digits into out, lower case; 0, or -1 if not. */
static int fingerprint(const char *p, size_t len, char *out)
{
	if (len != 19 || strncasecmp(p, "fp:", 3) != 0)
		return -1;
	for (size_t i = 3; i < len; i++)
		if (!hex_digit(p[i]))
			return -1;
	memcpy(out, "fp:", 3);
	for (size_t i = 3; i < len; i++)
		out[i] = (char)(p[i] >= 'A' && p[i] <= 'F' ? p[i] + 32 : p[i]);
	out[len] = '\0';
	return 0;
}

/* Basic credentials' user part into out; 0, or -1 if not base64. */
static int basic_user(const char *p, size_t len, char *out, size_t *outlen)
{
	size_t n = 0;
	const char *colon = NULL;

	if (sodium_base642bin((unsigned char *)out, len + 1, p, len, NULL, &n,
			      NULL, sodium_base64_VARIANT_ORIGINAL) != 0 &&
	    sodium_base642bin((unsigned char *)out, len + 1, p, len, NULL, &n,
			      NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (out[i] == ':')
			colon = out + i;
	*outlen = colon ? (size_t)(colon - out) : n;
	out[*outlen] = '\0';
	return 0;
}

int paste_read(const char *s, size_t len, char *out, size_t *outlen,
	       const char **why)
{
	const char *p = s;

	*why = NULL;
	*outlen = 0;
	out[0] = '\0';
	trim(&p, &len);
	drop_word(&p, &len, "authorization", ':');
	if (!len)
		return PASTE_EMPTY;
	if (fingerprint(p, len, out) == 0) {
		*outlen = len;
		return PASTE_FP;
	}
	if (drop_word(&p, &len, "basic", 0)) {
		if (basic_user(p, len, out, outlen) < 0) {
			*why = "Basic credentials that are not valid base64";
			return -1;
		}
		return *outlen ? PASTE_SECRET : PASTE_EMPTY;
	}
	drop_word(&p, &len, "bearer", 0);
	memcpy(out, p, len);
	out[len] = '\0';
	*outlen = len;
	return PASTE_SECRET;
}
