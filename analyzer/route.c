/* route.c: request paths templated into routes ("/tasks/{id}"). */
#include "route.h"

#include <string.h>

#define HEX_ID_MIN 8 /* shorter hex runs are often words ("cafe") */

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static int all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return 0;
	return 1;
}

/* 8-4-4-4-12 hex digits separated by '-'. */
static int is_uuid(const char *s, size_t n)
{
	static const size_t dash[] = {8, 13, 18, 23};
	size_t i, d = 0;

	if (n != 36)
		return 0;
	for (i = 0; i < n; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return 0;
			d++;
		} else if (!is_hex(s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_id(const char *s, size_t n)
{
	if (all_digits(s, n))
		return 1;
	if (n >= HEX_ID_MIN && all_hex(s, n))
		return 1;
	return is_uuid(s, n);
}

/* Append n bytes to out (room for cap-1), return the new length. */
static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n)
{
	if (at + 1 >= cap)
		return at;
	if (n > cap - 1 - at)
		n = cap - 1 - at;
	memcpy(out + at, s, n);
	return at + n;
}

size_t route_template(const char *path, size_t len, char *out, size_t cap)
{
	size_t i = 0, at = 0, end = 0;

	if (cap == 0)
		return 0;
	while (end < len && path[end] != '?' && path[end] != '#')
		end++;
	while (i < end) {
		size_t j = i;

		while (j < end && path[j] != '/')
			j++;
		if (is_id(path + i, j - i))
			at = put(out, cap, at, "{id}", 4);
		else
			at = put(out, cap, at, path + i, j - i);
		if (j < end)
			at = put(out, cap, at, "/", 1);
		i = j + 1;
	}
	out[at] = '\0';
	return at;
}
