/* rules_int.h: what the rules' files share; nothing outside them
 * includes it (rules.h is the contract).  The ruleset, its matchers,
 * classes, client lines and phases, and the decode cache:
 *   rules_load.c      read and parse a rules file, compile its patterns,
 *                     bind them to a format, free
 *   rules.c           what a loaded ruleset says: classes, phases, the
 *                     fields it reads
 *   rules_classify.c  classify a record (the per-line path)
 *   rules_lint.c      rules that cannot match, patterns that can
 *                     backtrack without end, matches cut by the limit */
#ifndef KEYAUDIT_RULES_INT_H
#define KEYAUDIT_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "day.h"
#include "rules.h"

#define MAX_RULES   256
#define MAX_DECODES 4
#define MAX_CLIENTS 8
#define MAX_PHASES  16
#define SCRATCH	    65536 /* longest decoded value; longer ones fail */

enum decode { DEC_BASIC, DEC_BEARER, DEC_URL };

/* A field, the decode steps applied to it, and a compiled pattern. */
struct matcher {
	char *field;
	int index; /* field index in the bound format, or -1 */
	enum decode dec[MAX_DECODES];
	int ndec;
	pcre2_code *re; /* NULL: any non-empty value */
	int group;	/* number of the named group we want, or 0 */
	int line;
	char *text;
	char *pattern;		  /* as written, or NULL */
	char *spec;		  /* field[:decode...] as written */
	unsigned long limit_hits; /* matches cut by the match limit */
};

struct rule {
	int cls;
	struct matcher m;
};

struct client_src {
	int credential; /* "client credential" */
	int addr;	/* the field is an address */
	struct matcher m;
};

struct phase {
	char *name;
	char date[DAY_SIZE]; /* "on YYYY-MM-DD", or "" */
	unsigned refuse;     /* bit mask of classes */
	int unless_amnesty;
};

#define DCACHE	   4096 /* decoded values remembered */
#define DCACHE_MAX 192	/* longest value remembered */

/* A remembered decode: the same Basic header comes back on every request
 * of a client, and base64 is the costliest step of a line. */
struct dentry {
	const struct matcher *m;
	size_t inlen;
	char in[DCACHE_MAX];
	size_t outlen;
	char out[DCACHE_MAX];
	const char *why;
};

struct ruleset {
	char *path;
	struct format *fmt; /* the format bound last, or NULL */
	struct dentry *dcache;
	char *classes[RULES_MAX_CLASSES + 1];
	int legacy[RULES_MAX_CLASSES + 1];
	int nclasses;
	struct rule rules[MAX_RULES];
	int nrules;
	struct matcher amnesty[MAX_CLIENTS];
	int namnesty;
	struct client_src client[MAX_CLIENTS];
	int nclient;
	struct phase phases[MAX_PHASES];
	int nphases;
	/* sdk and warning lines: the fields an SDK is read from and those
	 * of the platform's warnings, bound to the format */
	char *sdk[RULES_MAX_SDK];
	int sdk_index[RULES_MAX_SDK];
	int sdk_warning[RULES_MAX_SDK];
	int nsdk;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char scratch[2][SCRATCH];
};

/* Index of the class called name, or -1 (rules_load.c). */
int rules_class_index(const struct ruleset *rs, const char *name);

#endif
