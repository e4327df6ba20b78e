/* route.h: a request path reduced to its route, for counting which
 * endpoints legacy credentials still call. */
#ifndef KEYAUDIT_ROUTE_H
#define KEYAUDIT_ROUTE_H

#include <stddef.h>

/* Room for a route's template: 511 bytes and the NUL.  A template that
 * fills it was cut; it is scrubbed as such and then cut to the 256
 * bytes the store keeps (hit.c). */
#define ROUTE_BUF 512

/* Template the path of a request: drop the query ('?' on) and fragment
 * ('#' on), and replace each '/'-separated segment that is numeric, hex
 * of at least 8 digits or a UUID (8-4-4-4-12 hex digits) by "{id}":
 * "/api/1.0/tasks/1213373855650293?opt=x" gives "/api/1.0/tasks/{id}".
 * Other segments are copied byte for byte.
 *
 * It does NOT scrub secrets: a key pasted into a path segment that is
 * not of those shapes is copied as it is, so the caller passes the result
 * through fp_scrub() before it is stored or printed.
 *
 * Write at most cap-1 bytes and a NUL to out (nothing when cap is 0) and
 * return the length written; a route too long for out is cut. */
size_t route_template(const char *path, size_t len, char *out, size_t cap);

#endif
