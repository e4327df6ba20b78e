/* day.c: civil dates to days since the epoch and back, validation, and
 * the 'YYYY-MM-DD' text form. */
#include "day.h"

#include <string.h>

int day_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap);
}

int day_valid(int y, int m, int d)
{
	return y >= DAY_YEAR_MIN && y <= DAY_YEAR_MAX && d >= 1 &&
	       d <= day_month_days(y, m);
}

int day_time_valid(int hh, int mm, int ss)
{
	return hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59 && ss >= 0 &&
	       ss <= 60;
}

int64_t day_from_civil(int y, int m, int d)
{
	/* Count years from March, so that the leap day ends the year;
	 * an era is 400 years, 146097 days. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	/* 719468: days from 0000-03-01 to 1970-01-01 */
	return era * 146097 + doe - 719468;
}

void day_to_civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	if (y)
		*y = (int)(yoe + era * 400 + (mm <= 2));
	if (m)
		*m = mm;
	if (d)
		*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int64_t day_of_epoch(int64_t t)
{
	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

int64_t day_epoch(int y, int m, int d, int hh, int mm, int ss)
{
	return day_from_civil(y, m, d) * 86400 + (int64_t)hh * 3600 +
	       (int64_t)mm * 60 + ss;
}

/* n decimal digits at p, or -1. */
static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int day_parse(const char *s, int64_t *days)
{
	int y, m, d;

	if (strlen(s) != DAY_TEXT_LEN || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (!day_valid(y, m, d))
		return -1;
	*days = day_from_civil(y, m, d);
	return 0;
}

char *day_format(int64_t days, char out[DAY_TEXT_LEN + 1])
{
	int y, m, d;

	day_to_civil(days, &y, &m, &d);
	if (y < 0) {
		y = 0;
		m = d = 1;
	} else if (y > 9999) {
		y = 9999;
		m = 12;
		d = 31;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return out;
}

int64_t day_number(const char *s)
{
	int64_t d;

	if (!s || day_parse(s, &d) < 0)
		return DAY_NONE;
	return d;
}
