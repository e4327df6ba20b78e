/* rules.h: rules files; classify a parsed record by auth class. */
#ifndef KEYAUDIT_RULES_H
#define KEYAUDIT_RULES_H

#include <stddef.h>

#include "parse.h"
#include "record.h"

#define RULES_MAX_CLASSES 30
/* PCRE2's match and depth limits for every match: a pattern that
 * backtracks without end gives up after this many steps instead of
 * taking seconds a line (PCRE2's own default is 10 million). */
#define RULES_MATCH_LIMIT 100000

struct ruleset;

enum client_source {
	CLIENT_NONE = 0,   /* nothing identifies the client */
	CLIENT_FIELD,	   /* a client id from a field */
	CLIENT_CREDENTIAL, /* the credential (fingerprint it) */
	CLIENT_ADDR	   /* a network address field */
};

/* What the rules say about one record. */
struct verdict {
	int cls;  /* class index; rules_nclasses() means "unknown" */
	int rule; /* index of the matching rule, or -1 */
	int amnesty;
	/* The raw secret captured by (?<credential>...), empty if none.
	 * Never print or store it: fingerprint it. */
	struct span credential;
	enum client_source client_source;
	struct span client; /* the client id or address */
};

/* Load and compile a rules file.  Every pattern is compiled (and
 * JIT-compiled where the machine allows) before any log is read.  Return
 * the ruleset, to free with rules_free(), or NULL with a message
 * "PATH:LINE: what is wrong" in err. */
struct ruleset *rules_load(const char *path, char *err, size_t errlen);
void rules_free(struct ruleset *rs);

/* Resolve the rules' field names against fmt.  A rule on a field fmt
 * does not have can never match; for each such name, warn_fn is called
 * with the rules file line (if warn_fn is not NULL).  Return the number
 * of unknown field names. */
int rules_bind(struct ruleset *rs, struct format *fmt,
	       void (*warn_fn)(void *ctx, int line, const char *field),
	       void *ctx);

/* Rules that can never match because an earlier rule on the same field
 * and decode steps matches every value (a catch-all such as .+) or has
 * the same pattern: fn is called with the later and the earlier rule's
 * lines.  Return how many were found. */
int rules_unreachable(const struct ruleset *rs,
		      void (*fn)(void *ctx, int line, int by_line), void *ctx);

int rules_nclasses(const struct ruleset *rs);
/* Class i's name, i <= rules_nclasses() ("unknown" for the last). */
const char *rules_class_name(const struct ruleset *rs, int i);
int rules_class_legacy(const struct ruleset *rs, int i);
int rules_nrules(const struct ruleset *rs);
int rules_nphases(const struct ruleset *rs);
const char *rules_phase_name(const struct ruleset *rs, int i);
/* The phase's planned start, "YYYY-MM-DD" from "on DAY", or "". */
const char *rules_phase_date(const struct ruleset *rs, int i);
/* Index of the phase called name, or -1. */
int rules_phase_find(const struct ruleset *rs, const char *name);
/* Index of the class called name (rules_nclasses() for "unknown" or a
 * name the rules do not have). */
int rules_class_find(const struct ruleset *rs, const char *name);
/* Would phase i refuse a request of class cls with this amnesty flag? */
int rules_phase_refuses(const struct ruleset *rs, int i, int cls, int amnesty);

/* The fields of the bound format that rules_classify() reads (rules,
 * amnesty and client lines), in increasing order: the verdict is a
 * function of their values alone.  Return how many there are. */
int rules_inputs(const struct ruleset *rs, int fields[RECORD_MAX_FIELDS]);

/* The fields of the bound format that the rules and amnesty lines read,
 * in increasing order: a verdict's class, amnesty and credential are a
 * function of their values alone (its client is not).  Return how many
 * there are. */
int rules_verdict_inputs(const struct ruleset *rs,
			 int fields[RECORD_MAX_FIELDS]);

/* The client lines, tried in file order by rules_classify(): how many
 * there are; the field line i reads in the bound format (-1 when the
 * format has none), or RULES_CLIENT_CREDENTIAL for "client credential"
 * (the verdict's credential names the client when it has one). */
#define RULES_CLIENT_CREDENTIAL (-2)
int rules_nclient(const struct ruleset *rs);
int rules_client_field(const struct ruleset *rs, int i);
/* What client line i, not the credential line, makes of rec: CLIENT_FIELD
 * or CLIENT_ADDR with the client in *id (a span into rec's line or the
 * ruleset's scratch space, valid until the next classification), or
 * CLIENT_NONE.  It is a function of the line's field's value alone, and
 * an empty value gives CLIENT_NONE. */
enum client_source rules_client_line(struct ruleset *rs, int i,
				     const struct record *rec,
				     struct span *id);

/* Is field i of the bound format a credential's: does a rule capture a
 * credential from it, or does its name say so (fp_secret_name(): it ends
 * in key, token, secret, password, auth, session, cookie, signature and
 * the like)?  Such a field is shown only as a fingerprint. */
int rules_field_secret(const struct ruleset *rs, int i);

/* The fields an SDK is read from ("sdk FIELD" lines) and those of the
 * platform's warnings ("warning FIELD": response headers such as
 * Deprecation), in the rules' order: into idx, each one's field index
 * in the bound format, RULES_SDK_AGENT for http_user_agent (the
 * record's agent, whatever the format calls it) or RULES_SDK_UNBOUND
 * for a field the format lacks; warning[i] says which kind.  Return how
 * many (0: the rules name none; read the user agent). */
#define RULES_MAX_SDK	  8
#define RULES_SDK_AGENT	  (-2)
#define RULES_SDK_UNBOUND (-1)
int rules_sdk_fields(const struct ruleset *rs, int idx[RULES_MAX_SDK],
		     int warning[RULES_MAX_SDK]);

/* Called by rules_classify() for every rule tried, when tracing. */
struct rule_trace {
	int rule;	   /* rule index */
	int line;	   /* its line in the rules file */
	const char *text;  /* the rule as written */
	const char *spec;  /* its field and decode steps: "f:basic" */
	int field_known;   /* the format has the field */
	struct span value; /* the value after decoding (may be secret) */
	int secret;	   /* the field carries credentials */
	const char *decode_failed; /* static reason, or NULL */
	int matched;
};

/* Classify rec (bound with rules_bind()).  The spans in v point into
 * rec's line or the ruleset's scratch space and stay valid until the
 * next call.  When trace_fn is not NULL it sees every rule tried. */
void rules_classify(struct ruleset *rs, const struct record *rec,
		    struct verdict *v,
		    void (*trace_fn)(void *ctx, const struct rule_trace *t),
		    void *ctx);

/* Matches that hit the match limit and so counted as "no match": fn
 * is called (when not NULL) with the line of every rule, amnesty or
 * client line that hit it, and its count.  Return the total. */
unsigned long rules_limit_each(struct ruleset *rs,
			       void (*fn)(void *ctx, int line,
					  unsigned long hits),
			       void *ctx);
/* Add from's counts of limit hits to into's (two loads of one file). */
void rules_limit_merge(struct ruleset *into, struct ruleset *from);

/* Patterns that repeat without bound a group holding an unbounded repeat
 * or alternatives ((a+)+, (a|aa)+), which can backtrack catastrophically:
 * fn is called with each one's line.  Return how many. */
int rules_nested_repeats(const struct ruleset *rs,
			 void (*fn)(void *ctx, int line), void *ctx);

#endif
