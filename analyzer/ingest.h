/* ingest.h: the ingest command: logs -> parse -> rules -> store. */
#ifndef KEYAUDIT_INGEST_H
#define KEYAUDIT_INGEST_H

#include "options.h"

/* Read every path of cfg into cfg->db, committing counts and read
 * positions together.  Return an enum exit_code. */
int ingest_run(const struct config *cfg);

#endif
