/* registry_int.h: what registry.c and registry_text.c share. */
#ifndef KEYAUDIT_REGISTRY_INT_H
#define KEYAUDIT_REGISTRY_INT_H

#include <stddef.h>

#include "registry.h"

/* Check the registry's bytes *data[0..*len), its UTF-8 BOM already
 * skipped: UTF-16 is refused; bytes that are not UTF-8 in a file with
 * no UTF-8 sequence are read as Windows-1252 (which Latin-1's printable
 * characters are part of) and converted, with a warning naming the
 * line, *data and *len replaced (the old buffer freed); a file that
 * mixes both, a byte Windows-1252 leaves undefined or a control
 * character (C0 but tab, CR and LF, DEL, C1; NUL included) is refused.
 * Return 0, or -1 with "PATH:LINE: what is wrong" in err. */
int registry_text(const char *path, char **data, size_t *len, char *err,
		  size_t errlen);

/* An Excel "sep=X" first line (quoted or not) at data: set *delim and
 * return the length of the line with its end; 0 when there is none. */
size_t registry_sep_line(const char *data, size_t len, char *delim);

/* The line (1-based) where each record of the CSV data starts, as
 * libcsv splits them (newlines in quotes are in a record, a line of
 * spaces, tabs and CRs is none); *n of them.  malloc'd. */
long *registry_record_lines(const char *data, size_t len, int *n);

/* The line where the field that holds byte off starts. */
long registry_field_line(const char *data, size_t off, char delim);

#endif
