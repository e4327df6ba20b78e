/* test_day.c: civil dates, validation and their text form. */
#include <stdint.h>

#include "day.h"
#include "harness.h"
#include "parse.h"

void test_day(void);

static void valid(void)
{
	OK(day_valid(2024, 2, 29), "a leap day");
	OK(!day_valid(2026, 2, 29), "no leap day in 2026");
	OK(!day_valid(2026, 2, 30), "Feb 30");
	OK(!day_valid(2026, 2, 31), "Feb 31");
	OK(!day_valid(1900, 2, 29), "1900 was not a leap year");
	OK(day_valid(2000, 2, 29), "2000 was");
	OK(!day_valid(2026, 4, 31), "April has 30 days");
	OK(!day_valid(0, 1, 1), "no year 0000");
	OK(!day_valid(2026, 13, 1), "month 13");
	OK(!day_valid(2026, 1, 0), "day 0");
	OK(day_time_valid(23, 59, 60), "a leap second");
	OK(!day_time_valid(24, 0, 0), "24:00");
}

static void round_trip(void)
{
	char text[DAY_TEXT_LEN + 1];
	int64_t d = 0;
	int y, m, dd;

	INT_EQ(day_from_civil(1970, 1, 1), 0, "the epoch");
	INT_EQ(day_from_civil(2000, 3, 1), 11017, "2000-03-01");
	INT_EQ(day_from_civil(1969, 12, 31), -1, "before the epoch");
	for (int64_t z = -719162; z < 2932897; z += 997) {
		day_to_civil(z, &y, &m, &dd);
		if (day_from_civil(y, m, dd) != z || !day_valid(y, m, dd))
			break;
		d = z;
	}
	OK(d >= 2932897 - 997, "days to dates and back, 1 AD to 10000");
	STR_EQ(day_format(day_from_civil(2026, 2, 28), text), "2026-02-28",
	       "format");
	STR_EQ(day_format(-1, text), "1969-12-31", "format before 1970");
	INT_EQ(day_of_epoch(-1), -1, "a second before the epoch");
	INT_EQ(day_of_epoch(86399), 0, "the epoch's last second");
	INT_EQ(day_epoch(2024, 2, 29, 12, 0, 0), 1709208000, "epoch seconds");
	INT_EQ(civil_to_epoch(2024, 2, 29, 12, 0, 0), 1709208000,
	       "the parsers' name for it");
}

static void parse(void)
{
	int64_t d = 7;
	int64_t t;

	OK(day_parse("2026-02-28", &d) == 0 &&
	       d == day_from_civil(2026, 2, 28),
	   "a day");
	d = 7;
	OK(day_parse("2026-02-30", &d) < 0 && d == 7, "Feb 30 refused");
	OK(day_parse("2026-2-03", &d) < 0, "two-digit months");
	OK(day_parse("2026-02-03x", &d) < 0, "nothing after");
	OK(day_parse("0000-01-01", &d) < 0, "no year 0000");
	OK(day_parse("+026-01-01", &d) < 0, "digits only");
	/* the log times go through the same checks */
	OK(parse_time("30/Feb/2026:10:00:00 +0000", 26, &t) < 0,
	   "time_local on Feb 30");
	OK(parse_time("28/Feb/2026:10:00:00 +2359", 26, &t) < 0,
	   "an offset of +2359");
	OK(parse_time("28/Feb/2026:10:00:00 +1400", 26, &t) == 0,
	   "+1400 is a zone");
	OK(parse_time("01/Jan/0000:10:00:00 +0000", 26, &t) < 0,
	   "the year 0000");
	OK(parse_time("2026-02-30T10:00:00Z", 20, &t) < 0, "ISO Feb 30");
	OK(parse_time("2026-02-28T10:00:00+23:59", 25, &t) < 0, "ISO +23:59");
	OK(parse_time("2026-02-28T10:00:00+01:00", 25, &t) == 0 &&
	       t == day_epoch(2026, 2, 28, 9, 0, 0),
	   "ISO +01:00");
}

/* day_number(): the one text-to-number of every report and gonogo. */
static void number(void)
{
	char text[DAY_SIZE];

	INT_EQ(day_number("2026-10-30"), 20756, "a day number");
	INT_EQ(day_number("1970-01-01"), 0, "the epoch");
	OK(day_number(NULL) == DAY_NONE, "NULL is no day");
	OK(day_number("2026-10-3") == DAY_NONE, "a short day is no day");
	OK(day_number("2026-02-30") == DAY_NONE, "Feb 30 is no day");
	STR_EQ(day_format(day_number("2028-02-29"), text), "2028-02-29",
	       "back and forth");
}

void test_day(void)
{
	valid();
	round_trip();
	parse();
	number();
}
