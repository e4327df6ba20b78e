/* harness.h: a tiny test harness: OK, INT_EQ and STR_EQ count and report
 * failures with file and line; the driver prints the totals. */
#ifndef KEYAUDIT_HARNESS_H
#define KEYAUDIT_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int harness_passed;
extern int harness_failed;

#define OK(cond, name)                                                        \
	do {                                                                  \
		if (cond) {                                                   \
			harness_passed++;                                     \
		} else {                                                      \
			harness_failed++;                                     \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,         \
				__LINE__, name);                              \
		}                                                             \
	} while (0)

#define INT_EQ(got, want, name)                                               \
	do {                                                                  \
		long long g_ = (long long)(got);                              \
		long long w_ = (long long)(want);                             \
		if (g_ != w_)                                                 \
			fprintf(stderr, "  got %lld, want %lld\n", g_, w_);   \
		OK(g_ == w_, name);                                           \
	} while (0)

#define STR_EQ(got, want, name)                                               \
	do {                                                                  \
		const char *g_ = (got);                                       \
		const char *w_ = (want);                                      \
		int same_ = g_ && w_ && strcmp(g_, w_) == 0;                  \
		if (!same_)                                                   \
			fprintf(stderr, "  got '%s', want '%s'\n",            \
				g_ ? g_ : "(null)", w_ ? w_ : "(null)");      \
		OK(same_, name);                                              \
	} while (0)

/* Span equal to a C string. */
#define SPAN_EQ(span, want, name)                                             \
	do {                                                                  \
		char b_[512];                                                 \
		size_t n_ = (span).len < 511 ? (span).len : 511;              \
		memcpy(b_, (span).p, n_);                                     \
		b_[n_] = '\0';                                                \
		STR_EQ(b_, want, name);                                       \
	} while (0)

#endif
