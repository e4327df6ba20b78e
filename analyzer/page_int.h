/* page_int.h: what page.c, page_chart.c and page_text.c share; not a
 * public header.  page.c -> page_chart.c -> page_text.c. */
#ifndef KEYAUDIT_PAGE_INT_H
#define KEYAUDIT_PAGE_INT_H

#include <stdio.h>

#include "gonogo.h"

/* Write s into HTML: markup characters escaped, well-formed UTF-8 as
 * it is, anything else (controls, stray bytes) as U+FFFD. */
void page_esc(FILE *f, const char *s);
/* Write v with thousands separators (1,234,567). */
void page_num(FILE *f, long long v);
/* The page's charts (page_chart.c); nothing when there are no days. */
void page_chart_shares(FILE *f, const struct gonogo *g);
void page_chart_clients(FILE *f, const struct gonogo *g);

#endif
