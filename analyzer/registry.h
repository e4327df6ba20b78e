/* registry.h: the client registry CSV that outreach joins with. */
#ifndef KEYAUDIT_REGISTRY_H
#define KEYAUDIT_REGISTRY_H

#include <stddef.h>

/* A registry: a header row, then one row per (client or credential
 * fingerprint, contact).  The key columns are "client" and/or
 * "fingerprint"; every other column is carried through. */
struct registry {
	char **cols;   /* header names */
	int ncols;
	char ***rows;  /* rows[r][c], NUL-terminated */
	int nrows;
	int client_col; /* -1 if absent */
	int fp_col;     /* -1 if absent */
};

/* Read path with libcsv: quoted fields, embedded commas and newlines, a
 * UTF-8 BOM, CRLF.  Return the registry (free with registry_free()), or
 * NULL with "PATH:LINE: what is wrong" in err. */
struct registry *registry_load(const char *path, char *err, size_t errlen);
void registry_free(struct registry *reg);

/* Call fn for each row matching client (by the client column) or one of
 * its credential fingerprints fps[0..nfps) ("fp:" prefixes optional on
 * both sides).  Return the number of rows matched. */
int registry_match(const struct registry *reg, const char *client,
		   const char *const *fps, int nfps,
		   void (*fn)(void *ctx, const char *const *row), void *ctx);

#endif
