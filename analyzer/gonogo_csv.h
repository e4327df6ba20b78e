/* gonogo_csv.h: the go/no-go verdict's clients as CSV (-o). */
#ifndef KEYAUDIT_GONOGO_CSV_H
#define KEYAUDIT_GONOGO_CSV_H

#include "gonogo.h"

/* Write to path the header, then every client of g's full list (g made
 * with o.list, over st) in the list's order.  Return 0, or -1 with err
 * set. */
int gonogo_csv_write(const struct gonogo *g, struct store *st,
		     const char *path, char *err, size_t errlen);

#endif
