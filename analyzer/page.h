/* page.h: the go/no-go review page: one self-contained HTML file. */
#ifndef KEYAUDIT_PAGE_H
#define KEYAUDIT_PAGE_H

#include <stddef.h>

#include "gonogo.h"

/* Write the review page for g to path.  Return 0, or -1 with err set. */
int gonogo_html(const struct gonogo *g, const char *path, char *err,
		size_t errlen);

#endif
