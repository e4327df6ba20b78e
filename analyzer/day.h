/* day.h: civil (proleptic Gregorian, UTC) dates: validation, days since
 * the epoch and back, and the 'YYYY-MM-DD' text the database keeps.
 * The one date implementation of keyaudit; nothing here allocates or
 * keeps state, and every function is safe from any thread. */
#ifndef KEYAUDIT_DAY_H
#define KEYAUDIT_DAY_H

#include <stdint.h>

/* The years a date may have: four digits, and no year 0 (logs never
 * write one; 0000 is a broken clock or a parse of nothing). */
#define DAY_YEAR_MIN 1
#define DAY_YEAR_MAX 9999
/* Length of 'YYYY-MM-DD', without its NUL; a buffer for one, with it. */
#define DAY_TEXT_LEN 10
#define DAY_SIZE     (DAY_TEXT_LEN + 1)
/* What day_number() gives for text that is not a day. */
#define DAY_NONE INT64_MIN

/* Days in month m (1..12) of year y, leap years counted; 0 when m is
 * out of range. */
int day_month_days(int y, int m);

/* Is y-m-d a real date (DAY_YEAR_MIN <= y <= DAY_YEAR_MAX, 1 <= m <= 12,
 * 1 <= d <= day_month_days(y, m))?  Return 1 or 0. */
int day_valid(int y, int m, int d);

/* Is hh:mm:ss a time of day (hh 0..23, mm 0..59, ss 0..60, a leap
 * second allowed)?  Return 1 or 0. */
int day_time_valid(int hh, int mm, int ss);

/* Days from 1970-01-01 to y-m-d (negative before).  Defined for every
 * y, m 1..12 and any d (d past the month's end runs on into the next
 * month): check with day_valid() first where input is not trusted. */
int64_t day_from_civil(int y, int m, int d);

/* The date of days since 1970-01-01: the inverse of day_from_civil()
 * for valid dates.  Any of y, m, d may be NULL. */
void day_to_civil(int64_t days, int *y, int *m, int *d);

/* The day (days since 1970-01-01) of t seconds since the epoch, UTC,
 * rounding down for negative t. */
int64_t day_of_epoch(int64_t t);

/* Seconds since the epoch of y-m-d hh:mm:ss UTC (day_from_civil()'s
 * range rules; no checks). */
int64_t day_epoch(int y, int m, int d, int hh, int mm, int ss);

/* Parse exactly 'YYYY-MM-DD' (s NUL-terminated, nothing after it) into
 * days since 1970-01-01.  Return 0, or -1 when s has another shape or
 * is not a real date (day_valid()); *days is then untouched. */
int day_parse(const char *s, int64_t *days);

/* Days since 1970-01-01 of s, exactly 'YYYY-MM-DD' (day_parse()), or
 * DAY_NONE when s is NULL or not a day. */
int64_t day_number(const char *s);

/* Write days as 'YYYY-MM-DD' and a NUL into out.  Return out.  Days
 * whose year is outside 0..9999 are written clamped to that range. */
char *day_format(int64_t days, char out[DAY_TEXT_LEN + 1]);

#endif
