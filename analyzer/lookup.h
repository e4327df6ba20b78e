/* lookup.h: the lookup command, and the fingerprint key as the commands
 * that only read use it. */
#ifndef KEYAUDIT_LOOKUP_H
#define KEYAUDIT_LOOKUP_H

#include "fp.h"
#include "options.h"

/* Load the database's fingerprint key without ever making one: from
 * --key-file, $KEYAUDIT_KEY or $KEYAUDIT_KEY_FILE, else cfg->db's
 * DB.key, which must exist.  When the database exists and records a key
 * id, a key that is not its key is refused.  Return EXIT_OK, or
 * EXIT_USAGE after printing why. */
int lookup_key(const struct config *cfg, struct fpkey *key);
/* lookup_key() for a registry_opts' key_fn: arg is the struct config.
 * Return 0, or -1 after printing why. */
int lookup_key_fn(void *arg, struct fpkey *key);

/* keyaudit lookup: fingerprints from cfg->paths, else secrets read from
 * stdin (one a line).  Return EXIT_OK when at least one was seen,
 * EXIT_PARTIAL when none, else EXIT_USAGE or EXIT_FAILED. */
int lookup_run(const struct config *cfg);

#endif
