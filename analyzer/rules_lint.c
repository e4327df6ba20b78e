/* rules_lint.c: the warnings about a ruleset: for "rules check", rules
 * that an earlier rule keeps from matching and patterns that can
 * backtrack without end; after a run, the matches that the match limit
 * cut short. */
#include "rules_int.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

static int same_input(const struct matcher *a, const struct matcher *b)
{
	if (strcmp(a->field, b->field) != 0 || a->ndec != b->ndec)
		return 0;
	for (int i = 0; i < a->ndec; i++)
		if (a->dec[i] != b->dec[i])
			return 0;
	return 1;
}

/* Does m match every value among varied probes (all non-empty ones, and
 * the empty one too when want_empty)? */
static int catch_all(const struct matcher *m, int want_empty)
{
	static const char *const probe[] = {
	    "a",
	    "Z",
	    "0",
	    "-",
	    "abc def",
	    " x ",
	    "\t",
	    "\xff\xfe",
	    "0/0123456789abcdef0123456789abcdef",
	    "1/1234567890123456:0123456789abcdef0123456789abcdef",
	    "ABCDEFGH.abcdefghijklmnopqrstuvwx",
	    "user:pass",
	    "a/b?c=d&e#f",
	    "%41%zz",
	    "\"quoted\"",
	    "line\nbreak",
	    "::::",
	    "....",
	    "very long value very long value very long value very long"};
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int all = 1;

	if (!m->re || !md) {
		pcre2_match_data_free(md);
		return !m->re;
	}
	for (size_t i = 0; all && i < sizeof(probe) / sizeof(probe[0]); i++)
		all = pcre2_match(m->re, (PCRE2_SPTR)probe[i],
				  strlen(probe[i]), 0, 0, md, NULL) >= 0;
	if (all && want_empty)
		all = pcre2_match(m->re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) >=
		      0;
	pcre2_match_data_free(md);
	return all;
}

int rules_unreachable(const struct ruleset *rs,
		      void (*fn)(void *ctx, int line, int by_line), void *ctx)
{
	int found = 0;

	for (int j = 1; j < rs->nrules; j++) {
		const struct matcher *late = &rs->rules[j].m;
		/* could the later rule match an empty value? */
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		int empty = md && late->re &&
			    pcre2_match(late->re, (PCRE2_SPTR) "", 0, 0, 0, md,
					NULL) >= 0;

		pcre2_match_data_free(md);
		for (int i = 0; i < j; i++) {
			const struct matcher *early = &rs->rules[i].m;
			if (!same_input(early, late))
				continue;
			if (strcmp(early->pattern, late->pattern) == 0 ||
			    catch_all(early, empty)) {
				if (fn)
					fn(ctx, late->line, early->line);
				found++;
				break;
			}
		}
	}
	return found;
}

/* Every matcher of rs, in file order of kind: rules, amnesty, client. */
static struct matcher *matcher_at(struct ruleset *rs, int i)
{
	if (i < rs->nrules)
		return &rs->rules[i].m;
	i -= rs->nrules;
	if (i < rs->namnesty)
		return &rs->amnesty[i];
	i -= rs->namnesty;
	return i < rs->nclient ? &rs->client[i].m : NULL;
}

void rules_limit_merge(struct ruleset *into, struct ruleset *from)
{
	struct matcher *a;
	struct matcher *b;

	for (int i = 0; (a = matcher_at(into, i)) && (b = matcher_at(from, i));
	     i++)
		a->limit_hits += b->limit_hits;
}

unsigned long rules_limit_each(struct ruleset *rs,
			       void (*fn)(void *ctx, int line,
					  unsigned long hits),
			       void *ctx)
{
	unsigned long total = 0;
	struct matcher *m;

	for (int i = 0; (m = matcher_at(rs, i)); i++) {
		if (!m->limit_hits)
			continue;
		total += m->limit_hits;
		if (fn)
			fn(ctx, m->line, m->limit_hits);
	}
	return total;
}

/* Groups open while a pattern is read. */
struct grp {
	int unbounded; /* holds an unbounded repeat */
	int alt;       /* holds alternatives */
};

/* Length of an unbounded repeat (+ * {n,}) at p, or 0. */
static size_t unbounded_at(const char *p)
{
	const char *q = p + 1;

	if (*p == '+' || *p == '*')
		return 1;
	if (*p != '{' || !isdigit((unsigned char)*q))
		return 0;
	while (isdigit((unsigned char)*q))
		q++;
	return q[0] == ',' && q[1] == '}' ? (size_t)(q + 2 - p) : 0;
}

/* Does pat repeat, without bound, a group that holds an unbounded repeat
 * or alternatives ((a+)+, (a|aa)+)?  Such a pattern can take time
 * exponential in the value's length to fail. */
static int nested_repeat(const char *pat)
{
	struct grp st[64];
	int depth = 0;

	memset(st, 0, sizeof(st));
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			p += p[1] == ']' ? 2 : 1;
			while (*p && *p != ']')
				p += *p == '\\' && p[1] ? 2 : 1;
			if (!*p)
				break;
		} else if (*p == '(' && depth < 63) {
			st[++depth] = (struct grp){0, 0};
		} else if (*p == '|') {
			st[depth].alt = 1;
		} else if (*p == ')' && depth > 0) {
			struct grp g = st[depth--];
			int rep = unbounded_at(p + 1) > 0;

			if (rep && (g.unbounded || g.alt))
				return 1;
			st[depth].unbounded |= g.unbounded || rep;
		} else if (unbounded_at(p)) {
			st[depth].unbounded = 1;
		}
	}
	return 0;
}

int rules_nested_repeats(const struct ruleset *rs,
			 void (*fn)(void *ctx, int line), void *ctx)
{
	int found = 0;

	for (int i = 0; i < rs->nrules + rs->namnesty + rs->nclient; i++) {
		const struct matcher *m =
		    matcher_at((struct ruleset *)(uintptr_t)rs, i);

		if (m->pattern && nested_repeat(m->pattern)) {
			found++;
			if (fn)
				fn(ctx, m->line);
		}
	}
	return found;
}
