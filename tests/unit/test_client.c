/* test_client.c: the client model's states, day by day. */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "harness.h"

void test_client(void);

/* The state of a client whose days are "L" (legacy), "R" (legacy, all
 * refused), "O" (other), "B" (legacy and other), "." (nothing) from day
 * 0, on day now, with N = 3; its since into *since. */
static int state_of(const char *days, int64_t now, int64_t *since)
{
	struct client_days d;
	struct client_story s;

	memset(&d, 0, sizeof(d));
	for (int64_t i = 0; days[i]; i++) {
		char k = days[i];

		if (k != '.')
			client_days_add(&d, i, k == 'O' ? 0 : 2,
					k == 'R' ? 2 : 0,
					k == 'O' || k == 'B' ? 1 : 0);
	}
	client_story(&d, now, 3, &s, NULL, 0);
	client_days_free(&d);
	if (since)
		*since = s.since;
	return s.state;
}

static void states(void)
{
	int64_t since = -1;

	INT_EQ(state_of("LLL", 2, NULL), CLIENT_LEGACY_ONLY, "legacy-only");
	INT_EQ(state_of("LBL", 2, NULL), CLIENT_MIXED, "mixed");
	INT_EQ(state_of("LBOOO", 4, &since), CLIENT_MIGRATED, "migrated");
	INT_EQ(since, 4, "migrated N days after the last legacy day");
	INT_EQ(state_of("LBOOOL", 5, NULL), CLIENT_REGRESSED, "regressed");
	INT_EQ(state_of("LL...", 4, &since), CLIENT_DORMANT, "dormant");
	INT_EQ(since, 4, "dormant N days after the last request");
	INT_EQ(state_of("LLRR", 3, &since), CLIENT_REFUSED, "refused");
	INT_EQ(since, 2, "refused since the first all-refused day");
	INT_EQ(state_of("LLRRL", 4, NULL), CLIENT_LEGACY_ONLY,
	       "a success after the refusals ends them");
	INT_EQ(state_of("LRR...", 5, NULL), CLIENT_DORMANT,
	       "refused, then silent: dormant");
	INT_EQ(state_of("LBROOO", 5, NULL), CLIENT_MIGRATED,
	       "refused, then other requests only: migrated");
	INT_EQ(state_of("OOO", 2, NULL), -1, "no legacy request: no state");
	INT_EQ(state_of("LLLLL", 2, NULL), CLIENT_LEGACY_ONLY,
	       "days after now are left out");
}

/* Days added out of order (gonogo's pass) give the same story. */
static void order(void)
{
	struct client_days d;
	struct client_story s;
	long long per[8][CLIENT_NSTATES];

	memset(&d, 0, sizeof(d));
	memset(per, 0, sizeof(per));
	client_days_add(&d, 12, 0, 0, 5);
	client_days_add(&d, 10, 3, 0, 0);
	client_days_add(&d, 11, 1, 1, 0);
	client_days_add(&d, 10, 0, 0, 2);
	client_story(&d, 14, 3, &s, per, 10);
	INT_EQ(s.state, CLIENT_MIGRATED, "out of order: migrated");
	INT_EQ(s.since, 14, "out of order: since");
	INT_EQ(s.first_day, 10, "first day");
	INT_EQ(s.last_legacy, 11, "last legacy day");
	INT_EQ(s.legacy, 4, "legacy requests");
	INT_EQ(per[0][CLIENT_MIXED], 1, "per day: mixed on day 10");
	INT_EQ(per[1][CLIENT_REFUSED], 1, "per day: refused on day 11");
	INT_EQ(per[4][CLIENT_MIGRATED], 1, "per day: migrated on day 14");
	client_days_free(&d);
	STR_EQ(client_state_name(CLIENT_REFUSED), "refused", "a name");
	STR_EQ(client_state_name(CLIENT_NSTATES), "", "out of range");
}

/* A client of legacy days ("L", "." nothing) with a probable successor
 * (its heir) found for its legacy use of day last and first seen on
 * day first: migrated once that use is the last and the successor was
 * seen, dormant otherwise; regressed when legacy again after. */
static int heir_state(const char *days, int64_t now, int64_t first,
		      int64_t last, const struct client_heir **used)
{
	struct client_days d;
	struct client_story s;
	struct client_heir h;

	memset(&d, 0, sizeof(d));
	memset(&h, 0, sizeof(h));
	h.first = first;
	h.last_legacy = last;
	for (int64_t i = 0; days[i]; i++)
		if (days[i] == 'L')
			client_days_add(&d, i, 2, 0, 0);
	d.heir = &h;
	client_story(&d, now, 3, &s, NULL, 0);
	*used = s.heir == &h ? s.heir : NULL;
	client_days_free(&d);
	return s.state;
}

static void heirs(void)
{
	const struct client_heir *used;

	INT_EQ(heir_state("LL...", 4, 3, 1, &used), CLIENT_MIGRATED,
	       "a successor makes a dormant key migrated");
	INT_EQ(used != NULL, 1, "the story names the successor");
	INT_EQ(heir_state("LL...", 4, 6, 1, &used), CLIENT_DORMANT,
	       "a successor not seen yet: dormant");
	INT_EQ(used == NULL, 1, "no successor named");
	INT_EQ(heir_state("LL...", 4, 3, 0, &used), CLIENT_DORMANT,
	       "a successor of another legacy use: dormant");
	INT_EQ(heir_state("LL.", 2, 1, 1, &used), CLIENT_LEGACY_ONLY,
	       "not dormant: the successor changes nothing");
	INT_EQ(heir_state("LL....L", 6, 3, 1, &used), CLIENT_REGRESSED,
	       "back on legacy after a probable migration: regressed");
}

void test_client(void)
{
	states();
	order();
	heirs();
}
