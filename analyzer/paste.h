/* paste.h: what a person pastes for a credential (a key with spaces
 * around it, an Authorization header value, a fingerprint), read as the
 * credential the shipped rules capture. */
#ifndef KEYAUDIT_PASTE_H
#define KEYAUDIT_PASTE_H

#include <stddef.h>

enum paste_kind {
	PASTE_EMPTY = 0, /* nothing but white space */
	PASTE_FP,	 /* a fingerprint: "fp:" and 16 hex digits */
	PASTE_SECRET	 /* a credential, to fingerprint */
};

/* Read s[0..len): white space (spaces, tabs, CR, LF) around it is
 * dropped, then an "Authorization:" name (any case).  "fp:" (any case)
 * and 16 hex digits is a fingerprint, written to out as "fp:" and 16
 * lower-case digits.  "Basic B64" is the base64-decoded user part
 * (before the last ':', so "1/123:abc" with an empty password stays
 * whole), "Bearer TOKEN" the token, as the rules' basic and bearer
 * decode steps read them; anything else is the credential as it is.
 * out holds len + 20 bytes; *outlen is set.  Return the kind, or -1 with
 * a static reason in *why (Basic that is not base64); the reason never
 * quotes s. */
int paste_read(const char *s, size_t len, char *out, size_t *outlen,
	       const char **why);

#endif
