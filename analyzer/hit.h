/* hit.h: one parsed record to the struct hit the store counts: its
 * verdict (remembered for records with the same rule fields), its
 * client's name, and its user agent with credentials scrubbed. */
#ifndef KEYAUDIT_HIT_H
#define KEYAUDIT_HIT_H

#include <stddef.h>
#include <stdint.h>

#include "fp.h"
#include "record.h"
#include "rules.h"

/* Longest client name, user agent and route a hit carries, in bytes
 * (the store keeps no more).  Each is scrubbed whole, then cut. */
#define HIT_CLIENT_MAX 256
#define HIT_AGENT_MAX  512
#define HIT_ROUTE_MAX  256

/* Ends a legacy request's agent when its response carried one of the
 * platform's warnings (the rules' warning fields): the reports read
 * "whether, and since when" from it. */
#define HIT_WARNED " [warned]"

/* One classified request to count. */
struct hit {
	const char *client;
	size_t client_len;
	uint64_t client_hash; /* buf_hash(client, client_len) */
	int64_t time;	      /* seconds since the epoch, UTC */
	int cls;
	int amnesty;
	int status;
	int legacy; /* the class is legacy: keep its agent and credential */
	const char *agent;
	size_t agent_len;
	uint64_t agent_hash; /* buf_hash(agent, agent_len), when legacy */
	const char *cred_fp; /* FP_HEXLEN hex digits, or NULL */
	uint64_t cred_num;   /* with cred_fp: the number its digits write */
	/* the client is named after the credential ("fp:" and cred_fp) */
	int client_is_cred;
	/* of a client named after its credential, when the format has an
	 * address field: the keyed fingerprint of the address and the raw
	 * user agent, as the number its FP_HEXLEN hex digits write; else 0
	 * (none) */
	uint64_t origin;
	const char *route; /* templated, scrubbed path when legacy, or NULL */
	size_t route_len;
};

struct hit_maker;

/* A maker for records classified by rs (bound to the format with
 * rules_bind() before each use) and fingerprinted with key.  rs and key
 * are borrowed: they must outlive the maker.  Return the maker, to free
 * with hit_maker_free(); out of memory exits (xmalloc). */
struct hit_maker *hit_maker_new(struct ruleset *rs, const struct fpkey *key);
/* Free hm, wiping what it remembers (fingerprints of credentials);
 * NULL does nothing. */
void hit_maker_free(struct hit_maker *hm);

/* The rules were bound to fmt, another format: forget every verdict,
 * which was made for the old format's fields, and find fmt's
 * request_uri field, whose path a legacy request is counted by (its
 * route).  Call it before fmt parses its first line. */
void hit_maker_rebind(struct hit_maker *hm, struct format *fmt);

/* Classify rec and fill h: client (an id scrubbed like an agent, "fp:"
 * and the credential's fingerprint, "addr:" and an address, or
 * "unknown"), time, class, amnesty, status, legacy, cred_fp and, for a
 * legacy class only, the agent (else "" and 0).  Fields h does not name
 * here are zero or NULL.  h's pointers are into hm and stay valid until
 * the next hit_make() or hit_maker_free(). */
void hit_make(struct hit_maker *hm, const struct record *rec, struct hit *h);

/* Write user agent a[0..len) with credential-shaped runs replaced by
 * their fingerprints, scrubbed whole before it is cut, so that a secret
 * across the cut leaves no raw prefix; then cut to at most HIT_AGENT_MAX
 * bytes, never inside a UTF-8 sequence (fp_scrub_cut()).  out holds
 * HIT_AGENT_MAX + 8 bytes; it is NUL-terminated.  Return its length. */
size_t hit_agent_scrub(const struct fpkey *key, const char *a, size_t len,
		       char out[HIT_AGENT_MAX + 8]);

#endif
