/* registry.h: the client registry (a CRM or app export) that outreach
 * joins with. */
#ifndef KEYAUDIT_REGISTRY_H
#define KEYAUDIT_REGISTRY_H

#include <stddef.h>

#include "fp.h"

/* How to read a registry; every field may be left 0 or NULL. */
struct registry_opts {
	const char *key_col; /* the client id column's name */
	const char *fp_col;  /* the credential fingerprint column's name */
	char delim;	     /* ',', ';' or '\t'; 0: sniffed from the header */
	const char *owner_col; /* the owner's (contact's) column name */
	/* Fill *key with the database's fingerprint key, to fingerprint a
	 * credential found in the fingerprint column; return 0, or -1
	 * (having said why).  NULL: such a cell is refused. */
	int (*key_fn)(void *arg, struct fpkey *key);
	void *key_arg;
};

/* A registry: a header row, then one row per (client or credential
 * fingerprint, contact); every other column is carried through. */
struct registry {
	char **cols; /* header names */
	int ncols;
	char ***rows; /* rows[r][c], NUL-terminated */
	int nrows;
	int client_col; /* -1 if absent */
	int fp_col;	/* -1 if absent */
	int owner_col;	/* the owner's or contact's column, -1 if none */
	long *line;	/* line[r]: the file's line where row r starts */
	char delim;
	char *matched; /* matched[r]: registry_match() has given row r */
	/* indexes: row numbers sorted by client, and by fingerprint */
	int *by_client;
	int nby_client;
	int *by_fp;
	int nby_fp;
};

/* Read path with libcsv: quoted fields, embedded delimiters and
 * newlines, a UTF-8 BOM, CRLF.  Its bytes are checked first
 * (registry_int.h: UTF-16 and control characters refused by line,
 * Windows-1252 or Latin-1 converted, with a warning).  The delimiter is
 * o->delim, else an Excel "sep=X" first line's, else the one of comma,
 * semicolon and tab found most often outside quotes in the header
 * line.  The client column is o->key_col, else the first named (case,
 * spaces, '_' and '-' aside) client, client id, app id, application id
 * or integration id; the fingerprint column is o->fp_col, else
 * fingerprint, api key fingerprint, key fingerprint, credential
 * fingerprint or fp; the owner column is o->owner_col, else the first
 * whose name says e-mail, else owner or contact.  A fingerprint cell
 * must be "fp:" (any case) and 16 hex digits, or 16 hex digits; one
 * that holds a credential (a key, a token, a header value) is
 * fingerprinted with o->key_fn's key and replaced by its fingerprint,
 * with a warning by line that never quotes it; anything else is
 * refused by line.  A malformed CSV is refused at the line where the
 * bad field starts.  Return the registry (free with registry_free()),
 * or NULL with "PATH:LINE: what is wrong" in err. */
struct registry *registry_load(const char *path, const struct registry_opts *o,
			       char *err, size_t errlen);
void registry_free(struct registry *reg);

/* A fingerprint as compared: "fp:" or "FP:" and white space dropped,
 * lower case, into out (at most cap-1 bytes and a NUL). */
void registry_fp_norm(const char *s, char *out, size_t cap);

/* A client id as compared: white space around it dropped, ASCII
 * letters in lower case, into out (at most cap-1 bytes and a NUL). */
void registry_client_norm(const char *s, char *out, size_t cap);

/* Call fn(ctx, row, r, NULL) for each row r whose client column is
 * client (registry_client_norm() on both sides), then fn(ctx, row, r, fps[i])
 * for each other row whose fingerprint is fps[i] (any case, "fp:" optional on
 * both sides).  Rows given are marked in reg->matched.  Each lookup is a
 * binary search. Return the number of rows given. */
int registry_match(struct registry *reg, const char *client,
		   const char *const *fps, int nfps,
		   void (*fn)(void *ctx, const char *const *row, int r,
			      const char *fp),
		   void *ctx);

#endif
