/* client.h: the client model: each client's story (its days of legacy,
 * other and refused use) and its one state, from one vocabulary that
 * every report, lookup, gonogo and its page read.  A caller streams a
 * client's days in (client_days_add()), in any order, and asks for the
 * story once its rows are read (client_story()); nothing here reads the
 * store, so one pass over the store's rows, sorted by client, gives
 * every client's story in memory that does not grow with the clients.
 * The rules are written in docs/support.md and docs/gonogo.md. */
#ifndef KEYAUDIT_CLIENT_H
#define KEYAUDIT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/* A client's state on a day D, first match wins (N: the migrated
 * days, --migrated-days, 14 by default):
 *   migrated     dormant, but its probable successor (the days' heir),
 *                found for the client's last legacy day before D, was
 *                first seen on or before D: probably migrated;
 *   dormant      no request of any kind for N days or more;
 *   migrated     no legacy request for N days, another one since;
 *   refused      every legacy request since some day was refused
 *                (status 434), and there was one since;
 *   regressed    legacy again after being migrated;
 *   mixed        legacy and other requests;
 *   legacy-only  legacy requests and nothing else. */
enum client_state {
	CLIENT_LEGACY_ONLY,
	CLIENT_MIXED,
	CLIENT_MIGRATED,
	CLIENT_REGRESSED,
	CLIENT_DORMANT,
	CLIENT_REFUSED,
	CLIENT_NSTATES
};

/* A client is migrated after this many days without a legacy request
 * (and with others since), dormant after this many without any. */
#define CLIENT_MIGRATED_DAYS 14

/* "legacy-only", "mixed", ...; "" for a value out of range. */
const char *client_state_name(int state);

/* Is state one whose client still sends legacy requests that succeed
 * (legacy-only, mixed, regressed)?  Return 1 or 0. */
int client_state_active(int state);

/* The probable successor of a legacy credential (client_succ.c): a
 * credential of another class first seen from the same address and
 * user agent (one origin) within the succession days of its last
 * legacy use. */
struct client_heir {
	char *client;	     /* the legacy credential's client */
	char *by;	     /* the successor's client */
	char fp[24];	     /* the successor's fingerprint, "fp:" and hex */
	char origin[24];     /* the origin both came from */
	int64_t last_legacy; /* the client's last legacy day there */
	int64_t first;	     /* the successor's first day there */
};

/* One day of a client: its legacy requests, those of them refused
 * (status 434), and its other requests. */
struct client_day {
	int64_t day; /* days since 1970-01-01 */
	long long legacy, refused, other;
};

/* A client's days as they are read; zero it to start. */
struct client_days {
	struct client_day *v;
	size_t n, cap;
	int sorted; /* v is in day order, one entry a day */
	/* the client's probable successor, or NULL: set before
	 * client_story(), cleared by client_days_clear() */
	const struct client_heir *heir;
};

/* Add counts to day of d's client (merged with the last entry when it
 * is the same day; any order otherwise). */
void client_days_add(struct client_days *d, int64_t day, long long legacy,
		     long long refused, long long other);
/* Forget the days (to read the next client); the memory is kept. */
void client_days_clear(struct client_days *d);
/* Free what d holds; d is zeroed. */
void client_days_free(struct client_days *d);

/* A client's story as of a day. */
struct client_story {
	int state;	       /* enum client_state; -1: no legacy use */
	int64_t since;	       /* the day the state began */
	int64_t first_day;     /* its first day with any request */
	int64_t last_day;      /* its last day with any request, to now */
	int64_t last_legacy;   /* its last day with a legacy request */
	int64_t last_ok;       /* ... with one that succeeded (none: -1e9) */
	int64_t last_other;    /* ... with another request */
	int64_t refused_since; /* CLIENT_REFUSED: first day of the run */
	long long legacy;      /* legacy requests up to now */
	/* CLIENT_MIGRATED through d's heir (dormant without it): probably
	 * migrated, the successor and its evidence; else NULL */
	const struct client_heir *heir;
};

#define CLIENT_NO_DAY (INT64_MIN / 4) /* a day that never was */

/* The story of d's client on day now, by the rules above with n_days
 * for N, from its days up to now (later days are left out).  When
 * per_day is not NULL, add one to per_day[D - first][state] for every
 * day D from first to now on which the client has a state.  The days
 * are sorted when they are not.  A client without a legacy request
 * gets state -1. */
void client_story(struct client_days *d, int64_t now, int n_days,
		  struct client_story *s, long long (*per_day)[CLIENT_NSTATES],
		  int64_t first);

/* ---- client_succ.c: successions by address and user agent ---- */

struct store;
/* Every legacy credential's probable successor, as of day now (day
 * numbers), within n_days (--succession-days, CLIENT_SUCCESSION_DAYS by
 * default) of its last legacy use, from the store's origins.  *out is
 * NULL when the store keeps no origins (schema 5).  Return 0, or -1
 * with err set. */
#define CLIENT_SUCCESSION_DAYS 14
struct client_succ;
int client_succ_load(struct store *st, int64_t now, int n_days,
		     struct client_succ **out, char *err, size_t errlen);
/* The probable successor of client in t (NULL: none, or t NULL). */
const struct client_heir *client_succ_find(const struct client_succ *t,
					   const char *client);
/* Free t; NULL does nothing. */
void client_succ_free(struct client_succ *t);

#endif
