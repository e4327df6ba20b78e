/* gonogo.h: the go/no-go verdict for the next cutoff phase. */
#ifndef KEYAUDIT_GONOGO_H
#define KEYAUDIT_GONOGO_H

#include <stdint.h>

#include "options.h"

/* One client that the phase would break. */
struct gn_client {
	char *client;
	long long refused; /* requests the phase would refuse */
	long long total;   /* all its requests in the window */
	int64_t last;	   /* its last refused request */
	int quiet_days;	   /* whole days since then, to the window's end */
	int active;	   /* quiet for fewer than --min-quiet-days */
	char *agent;	   /* its most frequent legacy user agent */
};

struct gn_day {
	char day[11];
	long long total, legacy, amnesty;
};

struct gn_mark {
	const char *name;
	const char *day;
};

struct gonogo {
	const char *phase;
	char from[11], to[11]; /* the window, inclusive */
	long long total;       /* requests in the window */
	long long refused;
	double share; /* percent */
	int nactive;
	int go;
	double max_share;
	int max_clients;
	int min_quiet;
	struct gn_client *cl; /* refused desc, then client */
	int ncl;
	struct gn_day *days; /* the whole history, for the chart */
	int ndays;
	struct gn_mark marks[16]; /* phases with a planned day */
	int nmarks;
};

/* Run the gonogo command; return an enum exit_code (0 GO, 1 NO-GO). */
int gonogo_run(const struct config *cfg);

/* Write the review page for g to path.  Return 0, or -1 with err set. */
int gonogo_html(const struct gonogo *g, const char *path, char *err,
		size_t errlen);

#endif
