/* gonogo_int.h: what the verdict's files (gonogo.c, gonogo_scan.c,
 * gonogo_client.c, gonogo_list.c, gonogo_extra.c, gonogo_succ.c) share;
 * not a public header.  The flow is one way: gonogo.c -> gonogo_scan.c
 * -> gonogo_client.c, gonogo_succ.c -> gonogo_list.c, gonogo_extra.c. */
#ifndef KEYAUDIT_GONOGO_INT_H
#define KEYAUDIT_GONOGO_INT_H

#include "gonogo.h"

/* Read the days of the whole history into g->days (ordered by day),
 * each with its total, and pick the as-of day.  Return 0, or -1 with
 * err set. */
int gn_scan_days(struct gonogo *g, struct store *st, char *err, size_t errlen);
/* Read the counts of the scan (from the day from, the history's first
 * day, to g->to), the window's user agents and every brownout's hours
 * in one pass in client order, giving each client, once its rows are
 * read, its state by the client model (client_story()), then to
 * gn_client_done(), gn_dormant_add(), gn_succ_client() and
 * gn_hit_done(); and the rest of
 * the daily series (after gn_scan_days()): the scan's days from that
 * pass, the other days from their counts in day order.  Memory does not
 * grow with the clients.  Return 0, or -1 with err set. */
int gn_scan_clients(struct gonogo *g, struct store *st, struct ruleset *rs,
		    int phase, const char *from, char *err, size_t errlen);
/* A client of the pass is read: when it has refused requests, give it
 * its state (in c), count it, keep a copy when it is among the first
 * GN_TOP, and add its row to the TEMP table when g->list is set.
 * Return 0, or -1 with err set once a row could not be written. */
int gn_client_done(struct gonogo *g, struct gn_client *c, char *err,
		   size_t errlen);
/* o.list: make the TEMP table of every client with refused requests
 * (gonogo_each_client() reads it back in the list's order).  Return 0,
 * or -1 with err set; free with gn_list_free() either way. */
int gn_list_start(struct gonogo *g, struct store *st, char *err,
		  size_t errlen);
/* Add c's row (c's state given).  Return 0, or -1 with err set once a
 * batch of rows could not be written. */
int gn_list_add(struct gonogo *g, const struct gn_client *c, char *err,
		size_t errlen);
/* Write the rows still waiting.  Return 0, or -1 with err set. */
int gn_list_flush(struct gonogo *g, char *err, size_t errlen);
/* Free what gn_list_start() made (nothing when it was not called). */
void gn_list_free(struct gonogo *g);
/* Free what g holds of its clients, dormant ones and brownout hits. */
void gn_free_clients(struct gonogo *g);

/* Where item goes in v[0..n) (size bytes each, in cmp's order, at most
 * GN_TOP kept): its index, or -1 when it would not be kept. */
int gn_top_rank(const void *v, int n, size_t size, const void *item,
		int (*cmp)(const void *, const void *));
/* Make room at index i of v[0..*n) (at most GN_TOP), moving the rest
 * down; return the entry that falls off the end (to free), or NULL. */
void *gn_top_open(void *v, int *n, size_t size, int i, void *dropped);

/* Count c as dormant when it is (legacy use in the lookback, none in
 * the window, neither migrated nor refused), keeping the first GN_TOP.
 * Return 1 when it was counted. */
int gn_dormant_add(struct gonogo *g, const struct gn_client *c);

struct registry;
/* Succession (gonogo_succ.c): follow the accounts of reg (which must
 * outlive the pass) through the pass. */
void gn_succ_start(struct gonogo *g, struct registry *reg);
/* The pass is done with client (story s; dormant: counted so). */
void gn_succ_client(struct gonogo *g, const char *client,
		    const struct client_story *s, int dormant);
/* After the pass: each dormant credential whose account has another
 * client with requests of another class after its last legacy day is
 * succeeded (g->nsucceeded, g->succeeded), and no longer dormant unless
 * o.strict_succession. */
void gn_succ_resolve(struct gonogo *g);
/* Count client, probably succeeded by h's successor (the client
 * model's), and keep the evidence among the first GN_TOP. */
void gn_probable_add(struct gonogo *g, const char *client,
		     const struct client_heir *h);
/* Free what the pass needed (g->succeeded stays). */
void gn_succ_done(struct gonogo *g);
/* Read every --brownout into g->bo; first is the earliest day the
 * client scan must start from (the lookback's, or a brownout's). */
void gn_brownout_plan(struct gonogo *g, char first[DAY_SIZE]);
/* Mark every brownout replayed when the database has hourly counts.
 * Return 0, or -1 with err set. */
int gn_brownout_hourly(struct gonogo *g, struct store *st, char *err,
		       size_t errlen);
/* Add one hourly row of the client the pass is reading to its hit h of
 * brownout b (h->client unset).  A row out of the slot is left out;
 * return 1 when the row makes the client a hit. */
int gn_hit_row(struct ruleset *rs, int phase, struct gn_brownout *b,
	       struct gn_hit *h, const struct gn_row *row);
/* The pass is done with client c, a hit h of brownout b: count it and
 * keep it among the first GN_TOP (its name copied). */
void gn_hit_done(struct gonogo *g, struct gn_brownout *b, struct gn_hit *h,
		 const struct gn_client *c);
/* Fit the forecast on the daily series. */
void gn_forecast(struct gonogo *g);

#endif
