/* fp.h: keyed one-way fingerprints of credentials and file heads.
 *
 * A fingerprint is BLAKE2b (libsodium's crypto_generichash) keyed with a
 * 32-byte secret, cut to 64 bits and written as 16 lower-case hex digits.
 * Without the key nobody can check a guessed credential against a
 * fingerprint, so a leaked database or report gives no credential away. */
#ifndef KEYAUDIT_FP_H
#define KEYAUDIT_FP_H

#include <stddef.h>

#define FP_KEYBYTES 32
#define FP_HEXLEN   16

struct fpkey {
	unsigned char k[FP_KEYBYTES];
};

/* Initialise libsodium; return 0, or -1 when it cannot start. */
int fp_init(void);

/* Find the fingerprint key, in this order: the file key_file when not
 * NULL; $KEYAUDIT_KEY (64 hex digits); the file $KEYAUDIT_KEY_FILE; the
 * file DB.key beside the database db_path, created with mode 0600 and a
 * random key when missing.  A key file holds 64 hex digits and a newline.
 * A key file is checked as ssh checks its keys: it must be a regular
 * file owned by this user or root that no one else may read or write;
 * DB.key is not made in a directory others may write unless it is
 * sticky (the file is made exclusively, never through a link).
 * Return 0, or -1 with a message in err. */
int fp_key_load(struct fpkey *key, const char *key_file, const char *db_path,
		char *err, size_t errlen);

/* Parse 64 hex digits (surrounding white space allowed) into key.
 * Return 0 or -1. */
int fp_key_parse(struct fpkey *key, const char *text, size_t len);

/* Write the fingerprint of len bytes at data into out (FP_HEXLEN hex
 * digits and a NUL). */
void fp_hex(const struct fpkey *key, const void *data, size_t len,
	    char out[FP_HEXLEN + 1]);

/* The key's own fingerprint, stored in a database so that data made with
 * another key is refused instead of silently split. */
void fp_key_id(const struct fpkey *key, char out[FP_HEXLEN + 1]);

/* Copy len bytes of free text (a user agent, a client id, a request)
 * into out (outcap bytes, NUL-terminated; longer output is cut), with
 * every credential replaced by "fp:" and its fingerprint (fp_hex() of
 * the credential's bytes as they are in s).  A credential is found
 *  - by its context, whatever its length: the value after a name that
 *    ends in key, token, secret, password, auth, signature, session,
 *    credential and the like (any case, '_', '-' and '.' ignored; its
 *    %-escapes decoded) followed by '=' or ':' (also %3D, %3A; quotes,
 *    spaces and a form's brackets, "user[password]=", allowed), up to the next
 * space, quote, '&', ';', ',' or bracket; the credentials after "Basic " or
 * "Bearer " (also "+" or %20 for the space) unless a plain word or number;
 * after an Authorization name, the credentials after any scheme, unless a list
 * of parameters (whose names are looked at in turn);
 *  - by its shape: in a run of letters and digits joined by any of
 *    "_.-+/=~" (raw or %-encoded), the part from the first piece that
 *    is not plain to the last (a piece is plain when it is a number or
 *    camel-case words -- with a vowel when three letters or longer, at
 *    most one of one or two letters, acronyms of up to six capitals,
 *    four letters a word on average when three or more --
 *    with digits at one end at most), when it holds FP_SCRUB_MIN or
 *    more letters and digits, of at least two of the classes capital,
 *    small letter and digit, with a Shannon entropy of FP_SCRUB_BITS or
 *    more bits per character; an AWS access key id always.
 * So words, product names with hyphens and versions, hyphenated ids and
 * UUIDs pass, and a key pasted into a header never reaches the
 * database, while the fingerprint still tells clients apart.  Output
 * that does not fit is cut before the piece that does not fit whole:
 * never inside a UTF-8 sequence nor inside a fingerprint.  Return the
 * length written. */
#define FP_SCRUB_MIN  20
#define FP_SCRUB_BITS 3.0
size_t fp_scrub(const struct fpkey *key, const char *s, size_t len, char *out,
		size_t outcap);

/* Does the name [name, name+n) (a field's) say its value is a
 * credential: does it end in key, token, secret, password, auth,
 * session, cookie, signature, credential and the like (fp_scrub()'s
 * names, any case, '_', '-' and '.' ignored), other than the bare name
 * "key" (S3's object key)?  Return 1 or 0. */
int fp_secret_name(const char *name, size_t n);

/* Scrub a value to keep at most max bytes of (a client id, an address,
 * a user agent, a route): s[0..len) is scrubbed whole, as fp_scrub()
 * does, and the result cut to max bytes (never inside a UTF-8 sequence
 * nor a fingerprint), so that a secret across the cut leaves no part.
 * When the value is longer than FP_SCRUB_WINDOW(max) bytes, or cut is
 * set (the caller cut s at its end), its end is a cut: the run of
 * letters, digits and separators the cut ends, and a value after a
 * credential's name or scheme it ends, are taken for a credential
 * whatever their length or shape.
 * out holds max + 1 bytes; it is NUL-terminated.  Return its length. */
#define FP_SCRUB_WINDOW(max) (4 * (max) + 64)
size_t fp_scrub_cut(const struct fpkey *key, const char *s, size_t len,
		    int cut, char *out, size_t max);

/* A cache of fingerprints of recent credentials, so that each distinct
 * credential is hashed with BLAKE2b once, not once per request.  It
 * holds raw credentials in memory only. */
struct fpcache;

struct fpcache *fpcache_new(const struct fpkey *key);
/* Free c, wiping the credentials it holds; NULL does nothing. */
void fpcache_free(struct fpcache *c);
/* fp_hex(), through the cache. */
void fpcache_hex(struct fpcache *c, const void *data, size_t len,
		 char out[FP_HEXLEN + 1]);

#endif
