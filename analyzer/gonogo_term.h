/* gonogo_term.h: the go/no-go verdict written to standard output. */
#ifndef KEYAUDIT_GONOGO_TERM_H
#define KEYAUDIT_GONOGO_TERM_H

#include "gonogo.h"

/* Print g's verdict line (always, but for a GO at verbosity 0), then
 * at verbosity > 0 the clients, dormant clients, brownouts and the
 * forecast. */
void gonogo_print(const struct gonogo *g, int verbosity);

#endif
