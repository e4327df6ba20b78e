/* parse_time.c: the time layouts of the log formats, to UTC seconds. */
#define KEYAUDIT_PARSE_PRIVATE
#include "parse.h"

#include <string.h>

#include "day.h"

/* Epoch counts below this are durations or junk, not times: 1e8
 * seconds is March 1973. */
#define EPOCH_MIN 100000000ULL
/* The widest UTC offset in use: +14:00 (Kiribati); -12:00 is the
 * other end.  Anything wider is a broken clock, not a zone. */
#define ZONE_MAX (14 * 3600)

int64_t civil_to_epoch(int y, int m, int d, int hh, int mm, int ss)
{
	return day_epoch(y, m, d, hh, mm, ss);
}

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* n decimal digits at p, or -1. */
static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdig(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int month_number(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 12; i++)
		if (memcmp(p, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

static int civil_ok(int y, int mon, int d, int hh, int mm, int ss)
{
	return day_valid(y, mon, d) && day_time_valid(hh, mm, ss);
}

/* An offset of h hours and m minutes: a real zone's? */
static int zone_ok(int h, int m)
{
	return h >= 0 && m >= 0 && m <= 59 && h * 3600 + m * 60 <= ZONE_MAX;
}

int parse_time_clf(const char *p, size_t len, int64_t *out)
{
	int d, mon, y, hh, mm, ss, tzh, tzm;

	if (len != 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' ||
	    p[14] != ':' || p[17] != ':' || p[20] != ' ' ||
	    (p[21] != '+' && p[21] != '-'))
		return -1;
	d = digits(p, 2);
	mon = month_number(p + 3);
	y = digits(p + 7, 4);
	hh = digits(p + 12, 2);
	mm = digits(p + 15, 2);
	ss = digits(p + 18, 2);
	tzh = digits(p + 22, 2);
	tzm = digits(p + 24, 2);
	if (!civil_ok(y, mon, d, hh, mm, ss) || !zone_ok(tzh, tzm))
		return -1;
	*out = civil_to_epoch(y, mon, d, hh, mm, ss) -
	       (p[21] == '-' ? -1 : 1) * (tzh * 3600 + tzm * 60);
	return 0;
}

int parse_time_clf_memo(struct time_memo *m, const char *p, size_t len,
			int64_t *out)
{
	int ss;

	/* the same day, hour, minute and zone: only the seconds differ */
	if (m->valid && len == 26 && memcmp(p, m->text, 18) == 0 &&
	    memcmp(p + 20, m->text + 20, 6) == 0) {
		ss = digits(p + 18, 2);
		if (ss < 0 || ss > 60)
			return -1;
		*out = m->minute + ss;
		return 0;
	}
	if (parse_time_clf(p, len, out) < 0)
		return -1;
	memcpy(m->text, p, 26);
	m->minute = *out - digits(p + 18, 2);
	m->valid = 1;
	return 0;
}

/* A zone after an ISO 8601 time: "", "Z", "+01", "+0100", "+01:00".
 * Store its offset east of UTC in seconds; return 0 or -1. */
static int iso_zone(const char *p, size_t n, int *east)
{
	int h;
	int m = 0;

	*east = 0;
	if (n == 0 || (n == 1 && (p[0] == 'Z' || p[0] == 'z')))
		return 0;
	if (p[0] != '+' && p[0] != '-')
		return -1;
	if (n != 3 && n != 5 && !(n == 6 && p[3] == ':'))
		return -1;
	h = digits(p + 1, 2);
	if (n > 3)
		m = digits(p + n - 2, 2);
	if (!zone_ok(h, m))
		return -1;
	*east = (p[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

int parse_time_iso(const char *p, size_t len, int64_t *out)
{
	size_t i = 16;
	int y, mon, d, hh, mm;
	int ss = 0;
	int east;

	if (len < 16 || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':')
		return -1;
	y = digits(p, 4);
	mon = digits(p + 5, 2);
	d = digits(p + 8, 2);
	hh = digits(p + 11, 2);
	mm = digits(p + 14, 2);
	if (len >= 19 && p[16] == ':') {
		ss = digits(p + 17, 2);
		i = 19;
		if (i < len && (p[i] == '.' || p[i] == ',')) {
			size_t start = ++i;

			while (i < len && isdig(p[i]))
				i++;
			if (i == start)
				return -1;
		}
	}
	if (!civil_ok(y, mon, d, hh, mm, ss) ||
	    iso_zone(p + i, len - i, &east) < 0)
		return -1;
	*out = civil_to_epoch(y, mon, d, hh, mm, ss) - east;
	return 0;
}

int parse_epoch_scaled(uint64_t v, int64_t *out)
{
	if (v < EPOCH_MIN)
		return -1;
	if (v < 100000000000ULL) /* 1e11 s is the year 5138 */
		*out = (int64_t)v;
	else if (v < 100000000000000ULL) /* milliseconds below 1e14 */
		*out = (int64_t)(v / 1000);
	else if (v < 100000000000000000ULL) /* microseconds below 1e17 */
		*out = (int64_t)(v / 1000000);
	else
		*out = (int64_t)(v / 1000000000);
	return 0;
}

int parse_time_epoch(const char *p, size_t len, int64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	/* 19 digits always fit 64 bits unsigned. */
	while (i < len && isdig(p[i])) {
		if (i == 19)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
		i++;
	}
	if (i == 0)
		return -1;
	if (i < len && p[i] == '.') {
		size_t start = ++i;

		while (i < len && isdig(p[i]))
			i++;
		if (i == start)
			return -1;
	}
	if (i != len)
		return -1;
	return parse_epoch_scaled(v, out);
}

int parse_time(const char *s, size_t len, int64_t *out)
{
	if (parse_time_clf(s, len, out) == 0 ||
	    parse_time_iso(s, len, out) == 0 ||
	    parse_time_epoch(s, len, out) == 0)
		return 0;
	return -1;
}
