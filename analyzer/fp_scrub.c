/* fp_scrub.c: find credentials in free text, replace them with their
 * fingerprints, and leave words, names, versions and ids alone. */
#include "fp.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

/* The output: cap bytes at p, the last kept for the NUL.  Once a piece
 * does not fit, the output is full: nothing more is written.  A
 * fingerprint that does not fit is left out whole, and a UTF-8
 * sequence the cut splits is taken back at the end. */
struct sink {
	char *p;
	size_t n;
	size_t cap;
	int full;
};

/* Is c a UTF-8 continuation byte? */
static int utf8_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* The length of s[0..len) less a UTF-8 sequence its end cuts short. */
static size_t utf8_whole(const char *s, size_t len)
{
	size_t k = len;
	unsigned char c;
	size_t need;

	while (k > 0 && len - k < 4 && utf8_cont(s[k - 1]))
		k--;
	if (k == 0)
		return len;
	c = (unsigned char)s[k - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	return len - (k - 1) < need ? k - 1 : len;
}

static void emit(struct sink *o, const char *s, size_t len)
{
	size_t room = o->cap - 1 - o->n;

	if (o->full)
		return;
	if (len > room) {
		len = room;
		o->full = 1;
	}
	memcpy(o->p + o->n, s, len);
	o->n += len;
}

static void emit_fp(struct sink *o, const struct fpkey *key, const char *s,
		    size_t len)
{
	char mark[FP_HEXLEN + 4] = "fp:";

	if (o->full || o->cap - 1 - o->n < 3 + FP_HEXLEN) {
		o->full = 1;
		return;
	}
	fp_hex(key, s, len, mark + 3);
	emit(o, mark, 3 + FP_HEXLEN);
}

/* The text being scrubbed; cut: it was cut at its end, so a run that
 * reaches the end may be the start of a credential. */
struct text {
	const char *s;
	size_t len;
	int cut;
};

/* The byte at i with a %XX escape decoded, or -1 at the end; *w is how
 * many bytes of the text it takes. */
static int dchar(const struct text *t, size_t i, size_t *w)
{
	int hi;
	int lo;

	*w = 1;
	if (i >= t->len)
		return -1;
	if (t->s[i] == '%' && i + 2 < t->len) {
		hi = buf_hexval((unsigned char)t->s[i + 1]);
		lo = buf_hexval((unsigned char)t->s[i + 2]);
		if (hi >= 0 && lo >= 0) {
			*w = 3;
			return hi << 4 | lo;
		}
	}
	return (unsigned char)t->s[i];
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A byte of a parameter or header name. */
static int name_char(int c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

/* A separator inside a token: runs go across these. */
static int run_sep(int c)
{
	return c == '_' || c == '.' || c == '-' || c == '+' || c == '/' ||
	       c == '=' || c == '~';
}

/* Where a credential's value ends. */
static int delim(int c)
{
	return c < 0 || c <= ' ' || c == 0x7f ||
	       strchr("\"'&;,<>()[]{}\\|#", c);
}

/* White space: a space, a tab or %20, and with plus a raw '+' as in a
 * form (between an auth scheme and its credentials; after '=' a '+' may
 * be the credential's). */
static size_t skip_blanks(const struct text *t, size_t i, int plus)
{
	size_t w;
	int c;

	while ((c = dchar(t, i, &w)) == ' ' || c == '\t' ||
	       (plus && c == '+' && w == 1))
		i += w;
	return i;
}

static size_t skip_space(const struct text *t, size_t i)
{
	return skip_blanks(t, i, 1);
}

/* Name endings (letters and digits in lower case) that say the value is
 * a credential, and names that do as a whole. */
static const char *const cred_suffix[] = {
    "key",	  "keyid",	 "token",      "secret",  "password",
    "passwd",	  "pwd",	 "passphrase", "auth",	  "authorization",
    "credential", "credentials", "signature",  "session", "sessionid",
    "sessid",	  "jwt"};
static const char *const cred_whole[] = {"pass", "pw", "sig", "sid"};

#define NAME_MAX_KEPT 32 /* longer than any ending above */

/* The last NAME_MAX_KEPT letters and digits of [p, p+n), in lower
 * case, into low; return how many. */
static size_t name_tail(const char *p, size_t n, char low[NAME_MAX_KEPT + 1])
{
	size_t k = 0;

	for (size_t i = n; i-- > 0 && k < NAME_MAX_KEPT;)
		if (is_alnum((unsigned char)p[i]))
			low[k++] = (char)(p[i] | 0x20);
	for (size_t a = 0, b = k; a < b--; a++) {
		char c = low[a];

		low[a] = low[b];
		low[b] = c;
	}
	low[k] = '\0';
	return k;
}

/* Is [p, p+n) the name of a credential?  *authz is set for a name after
 * which an auth scheme may come (Authorization, Proxy-Authorization). */
static int cred_name(const char *p, size_t n, int *authz)
{
	char low[NAME_MAX_KEPT + 1];
	size_t k = name_tail(p, n, low);

	*authz = k >= 4 && strcmp(low + k - 4, "auth") == 0;
	*authz |= k >= 13 && strcmp(low + k - 13, "authorization") == 0;
	for (size_t i = 0; i < sizeof(cred_whole) / sizeof(*cred_whole); i++)
		if (strcmp(low, cred_whole[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(cred_suffix) / sizeof(*cred_suffix);
	     i++) {
		size_t m = strlen(cred_suffix[i]);

		if (k >= m && strcmp(low + k - m, cred_suffix[i]) == 0)
			return 1;
	}
	return 0;
}

/* What a context says: copy [from, vstart) as it is, fingerprint
 * [vstart, vend) (nothing when equal), go on at vend. */
struct hit {
	size_t vstart;
	size_t vend;
};

/* The end of a value that starts at i: the next delimiter. */
static size_t value_end(const struct text *t, size_t i)
{
	size_t w;

	while (!delim(dchar(t, i, &w)))
		i += w;
	return i;
}

/* A word of letters and a separator after it at i? */
static size_t word_end(const struct text *t, size_t i)
{
	while (i < t->len &&
	       (is_alnum((unsigned char)t->s[i]) || t->s[i] == '-'))
		i++;
	return i;
}

/* Is [p, p+n) a plain word or number, which no credential looks like:
 * letters with at most an initial capital, or digits and dots? */
static int plain_value(const char *p, size_t n)
{
	int digits = 1;
	int word = 1;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		digits &= is_digit(c) || c == '.';
		word &= is_lower(c) || (i == 0 && is_upper(c));
	}
	return digits || word;
}

/* "Basic X" or "Bearer X" at i (a word boundary): X, up to the next
 * delimiter, unless a plain word or number ("Basic 6.0"). */
static int scheme_at(const struct text *t, size_t i, struct hit *h)
{
	size_t e = word_end(t, i);
	size_t v;

	if (!((e - i == 5 && strncasecmp(t->s + i, "basic", 5) == 0) ||
	      (e - i == 6 && strncasecmp(t->s + i, "bearer", 6) == 0)))
		return 0;
	v = skip_space(t, e);
	if (v == e)
		return 0;
	h->vstart = v;
	h->vend = value_end(t, v);
	/* a value the cut ends may be a secret's start, however plain */
	return h->vend > v && (!plain_value(t->s + v, h->vend - v) ||
			       (t->cut && h->vend == t->len));
}

/* After an Authorization name, at i: "SCHEME CREDENTIALS" keeps the
 * scheme and fingerprints the credentials, unless they are a list of
 * parameters (AWS4-HMAC-SHA256 Credential=..., Digest ...), whose
 * names say which are secret. */
static void authz_value(const struct text *t, size_t i, struct hit *h)
{
	size_t e = word_end(t, i);
	size_t v = skip_space(t, e);
	size_t end;

	h->vstart = i;
	h->vend = value_end(t, i);
	if (e == i || v == e || delim(dchar(t, v, &end)))
		return;
	end = value_end(t, v);
	h->vstart = v;
	h->vend = end;
	/* NAME=...: a parameter, whose name says whether it is secret */
	e = v;
	while (e < end && (is_alnum((unsigned char)t->s[e]) ||
			   t->s[e] == '-' || t->s[e] == '_'))
		e++;
	if (e > v && e < end && t->s[e] == '=' && e + 1 < end &&
	    t->s[e + 1] != '=')
		h->vend = v;
}

/* The name at i, %-escapes decoded, into low (its last letters and
 * digits, as name_tail() keeps them); return where it ends. */
static size_t decoded_name(const struct text *t, size_t i,
			   char low[NAME_MAX_KEPT + 1], size_t *k)
{
	char d[2 * NAME_MAX_KEPT];
	size_t n = 0;
	size_t w;
	int c;

	while ((c = dchar(t, i, &w)) >= 0 && name_char(c)) {
		if (n == sizeof(d)) {
			/* only the end of a name says what it is */
			memmove(d, d + NAME_MAX_KEPT, NAME_MAX_KEPT);
			n = NAME_MAX_KEPT;
		}
		d[n++] = (char)c;
		i += w;
	}
	*k = name_tail(d, n, low);
	return i;
}

/* Past the brackets after a name, raw or %-encoded, at i: a form's
 * nesting ("user[password]=", "a%5Bsecret%5D=", "key[]=", "pw[0]="). */
static size_t skip_brackets(const struct text *t, size_t i)
{
	size_t w;
	int c;

	while ((c = dchar(t, i, &w)) == ']' || c == '[' || is_digit(c))
		i += w;
	return i;
}

/* NAME SEP at i, where SEP is '=' or ':' (raw or %-encoded) with
 * optional quotes, spaces and a form's closing brackets before it, as
 * in a query string, a header or JSON, and NAME a credential's (its
 * %-escapes decoded): set *v to where the value starts. */
static int name_sep(const struct text *t, size_t i, size_t *v, int *authz)
{
	char low[NAME_MAX_KEPT + 1];
	size_t k;
	size_t e = decoded_name(t, i, low, &k);
	size_t w;
	int c;

	if (e == i || !cred_name(low, k, authz))
		return 0;
	e = skip_brackets(t, e);
	if ((c = dchar(t, e, &w)) == '"' || c == '\'')
		e += w;
	e = skip_space(t, e);
	c = dchar(t, e, &w);
	if (c != '=' && c != ':')
		return 0;
	e = skip_blanks(t, e + w, 0);
	if ((c = dchar(t, e, &w)) == '"' || c == '\'')
		e += w;
	*v = e;
	return 1;
}

/* NAME SEP VALUE at i (see name_sep()): the value, up to a delimiter. */
static int name_at(const struct text *t, size_t i, struct hit *h)
{
	size_t e;
	size_t inner;
	int authz;
	int a;

	if (!name_sep(t, i, &e, &authz))
		return 0;
	if (name_sep(t, e, &inner, &a)) {
		/* "key": "X-Api-Key: SECRET": the inner name says it */
		h->vstart = h->vend = e;
		return 1;
	}
	if (authz) {
		authz_value(t, e, h);
		return 1;
	}
	h->vstart = e;
	h->vend = value_end(t, e);
	return h->vend > e;
}

/* Does a credential's context start at i? */
static int context_at(const struct text *t, size_t i, struct hit *h)
{
	size_t w;

	/* after a name's byte, unless the end of a %XX escape */
	if (i > 0 && name_char((unsigned char)t->s[i - 1]) &&
	    !(i >= 3 && dchar(t, i - 3, &w) >= 0 && w == 3))
		return 0;
	return scheme_at(t, i, h) || name_at(t, i, h);
}

int fp_secret_name(const char *name, size_t n)
{
	char low[NAME_MAX_KEPT + 1];
	size_t k = name_tail(name, n, low);
	int authz;

	if (strcmp(low, "key") == 0)
		return 0; /* S3's object key: a path, not a credential */
	if (k >= 6 && strcmp(low + k - 6, "cookie") == 0)
		return 1;
	if (k >= 7 && strcmp(low + k - 7, "cookies") == 0)
		return 1;
	return cred_name(low, k, &authz);
}

/* ---- high-entropy runs ---- */

/* Letters of a camel-case word seen so far in a piece. */
struct word {
	size_t len;
	int caps; /* every letter a capital */
	int vowel;
};

/* The verdict on a finished word: 0 plain, 1 short, -1 not a word. */
static int word_kind(const struct word *w)
{
	if (w->len == 0)
		return 0;
	if (w->caps && w->len > 6)
		return -1; /* an acronym is short */
	if (!w->caps && w->len >= 3 && !w->vowel)
		return -1;
	return w->len <= 2;
}

/* Does a camel-case word start at p[k]? */
static int word_starts(const char *p, size_t n, size_t k)
{
	int c = (unsigned char)p[k];
	int prev = k ? (unsigned char)p[k - 1] : 0;

	if (k == 0 || is_digit(prev))
		return 1;
	if (is_upper(c) && is_lower(prev))
		return 1;
	return is_upper(c) && is_upper(prev) && k + 1 < n &&
	       is_lower((unsigned char)p[k + 1]);
}

/* Are the letters and digits [p, p+n) plain: a number, words
 * in camel case (each with a vowel when three letters or longer, at
 * most one of one or two letters, acronyms up to six, four letters a
 * word on average when three or more), with digits at one end at most
 * (x86, Win64, 3D)? */
static int plain_words(const char *p, size_t n)
{
	struct word w = {0, 1, 0};
	int shorts = 0;
	int switches = 0;
	size_t words = 0;
	size_t letters = 0;

	for (size_t k = 0; k < n; k++) {
		int c = (unsigned char)p[k];

		if (k && is_digit(c) != is_digit((unsigned char)p[k - 1]))
			switches++;
		if (is_digit(c))
			continue;
		if (word_starts(p, n, k)) {
			int kind = word_kind(&w);

			if (kind < 0)
				return 0;
			shorts += kind;
			words += w.len > 0;
			w = (struct word){0, 1, 0};
		}
		w.len++;
		letters++;
		w.caps &= is_upper(c);
		w.vowel |= strchr("aeiouyAEIOUY", c) != NULL;
	}
	words++;
	/* three words or more are four letters long on average */
	if (switches >= 2 || word_kind(&w) < 0 ||
	    (words >= 3 && letters < 4 * words))
		return 0;
	return shorts + word_kind(&w) <= 1;
}

/* The length of a model number at the end of p (n bytes): from the last
 * capital followed by a digit, up to six bytes, after four letters or
 * more whose last word has three (SonyEricssonK610i, HuaweiG730); 0 if
 * none. */
static size_t model_suffix(const char *p, size_t n)
{
	size_t k = n - 1;

	while (k-- > 0 && n - k <= 6)
		if (is_upper((unsigned char)p[k]) &&
		    is_digit((unsigned char)p[k + 1]))
			break;
	if (k >= n || n - k > 6 || k < 4)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (!is_upper((unsigned char)p[i]) &&
		    !is_lower((unsigned char)p[i]))
			return 0;
	for (size_t i = k - 3; i < k; i++)
		if (!is_lower((unsigned char)p[i]) && i > k - 3)
			return 0;
	return n - k;
}

/* plain_words(), allowing a model number at the end. */
static int plain_piece(const char *p, size_t n)
{
	size_t m = n ? model_suffix(p, n) : 0;

	return plain_words(p, n) || (m && plain_words(p, n - m));
}

/* Does [p, p+n) hold an AWS access key id: AKIA, ASIA, ... and 16
 * capitals and digits? */
static int aws_key_id(const char *p, size_t n)
{
	static const char *const pre[] = {"AKIA", "ASIA", "AGPA", "AIDA",
					  "AROA", "ANPA", "ANVA", "AIPA"};
	size_t run = 0;

	/* look back from the end of each run of 20 capitals and digits */
	for (size_t k = 0; k < n; k++) {
		int c = (unsigned char)p[k];

		run = is_upper(c) || is_digit(c) ? run + 1 : 0;
		if (run < 20)
			continue;
		for (size_t i = 0; i < sizeof(pre) / sizeof(*pre); i++)
			if (memcmp(p + k - 19, pre[i], 4) == 0)
				return 1;
	}
	return 0;
}

/* Is there a UUID (8-4-4-4-12 hex digits) at p, with n bytes left?  An
 * id, not a secret: its pieces are plain. */
static int uuid_at(const char *p, size_t n)
{
	if (n < 36 || (n > 36 && is_alnum((unsigned char)p[36])))
		return 0;
	for (size_t k = 0; k < 36; k++) {
		int dash = k == 8 || k == 13 || k == 18 || k == 23;

		if (dash ? p[k] != '-' : buf_hexval((unsigned char)p[k]) < 0)
			return 0;
	}
	return 1;
}

/* Is there an Asana API key (8 letters or digits, '.', 24 more) at p,
 * with n bytes left, on its own? */
static int asana_key_at(const char *p, size_t n)
{
	if (n < 33 ||
	    (n > 33 && (is_alnum((unsigned char)p[33]) || p[33] == '.')))
		return 0;
	for (size_t k = 0; k < 33; k++)
		if (k == 8 ? p[k] != '.' : !is_alnum((unsigned char)p[k]))
			return 0;
	return 1;
}

/* The part of a run that is not plain: from the first piece that is
 * not to the last, with base64 padding. */
struct candidate {
	size_t start;
	size_t end;
	int forced; /* a known shape: scrubbed whatever the measure */
};

/* Letters and digits of two classes or more in [p, p+n)? */
static int mixed(const char *p, size_t n)
{
	int up = 0;
	int low = 0;
	int dig = 0;

	for (size_t k = 0; k < n; k++) {
		up |= is_upper((unsigned char)p[k]);
		low |= is_lower((unsigned char)p[k]);
		dig |= is_digit((unsigned char)p[k]);
	}
	return up + low + dig >= 2;
}

/* Is [p, p+n) a capitalised word, maybe with a number after it (Basic,
 * Base64): a name, even next to a secret? */
static int cap_word(const char *p, size_t n)
{
	size_t k = 1;

	if (n < 3 || !is_upper((unsigned char)p[0]))
		return 0;
	while (k < n && is_lower((unsigned char)p[k]))
		k++;
	if (k < 3)
		return 0;
	while (k < n && is_digit((unsigned char)p[k]))
		k++;
	return k == n;
}

/* A piece a secret grows over: up to three bytes, or of mixed classes
 * and no capitalised word. */
static int small_or_mixed(const char *p, size_t n)
{
	return n <= 3 || (mixed(p, n) && !cap_word(p, n));
}

/* The width of a separator of a run (raw or %-encoded) at i, or 0. */
static size_t joint_at(const struct text *t, size_t i, size_t j)
{
	size_t w;
	int c = i < j ? dchar(t, i, &w) : -1;

	return run_sep(c) ? w : 0;
}

/* Grow the candidate over the pieces of mixed classes next to it, but
 * capitalised words, and over pieces of up to three bytes (over any
 * pieces when any is set): they are the same
 * secret, however plain they look (base64 cut by '+' and '/', base64url
 * by '-' and '_'). */
static void grow(const struct text *t, size_t i, size_t j,
		 struct candidate *cd, int any)
{
	size_t w;

	for (;;) {
		size_t a = cd->end;
		size_t e;

		while ((w = joint_at(t, a, j)) > 0)
			a += w;
		e = a;
		while (e < j && is_alnum((unsigned char)t->s[e]))
			e++;
		if (a == cd->end || e == a ||
		    (!any && !small_or_mixed(t->s + a, e - a)))
			break;
		cd->end = e;
	}
	for (;;) {
		size_t b = cd->start;
		size_t e;

		while (b > i && run_sep((unsigned char)t->s[b - 1]))
			b--;
		while (b >= i + 3 && t->s[b - 3] == '%' &&
		       joint_at(t, b - 3, j) == 3)
			b -= 3;
		e = b;
		while (b > i && is_alnum((unsigned char)t->s[b - 1]))
			b--;
		if (e == cd->start || b == e ||
		    (!any && !small_or_mixed(t->s + b, e - b)))
			break;
		cd->start = b;
	}
}

static void find_candidate(const struct text *t, size_t i, size_t j,
			   struct candidate *cd)
{
	size_t w;

	cd->start = cd->end = j;
	cd->forced = 0;
	while (i < j) {
		size_t a = i;

		if (uuid_at(t->s + i, j - i))
			a = i += 36;
		if (asana_key_at(t->s + i, j - i)) {
			if (cd->start == j)
				cd->start = i;
			i += 33;
			cd->end = i;
			cd->forced = 1;
			continue;
		}
		while (i < j && is_alnum((unsigned char)t->s[i]))
			i++;
		if (i > a && (aws_key_id(t->s + a, i - a) ||
			      !plain_piece(t->s + a, i - a))) {
			if (cd->start == j)
				cd->start = a;
			cd->end = i;
			cd->forced |= aws_key_id(t->s + a, i - a);
		}
		while (i < j && !is_alnum((unsigned char)t->s[i]))
			i += (dchar(t, i, &w), w);
	}
}

/* The Shannon entropy of the letters and digits of [p, p+n), in bits
 * per character; *total is how many there are. */
static double entropy(const char *p, size_t n, size_t *total)
{
	unsigned count[128] = {0};
	double h = 0;

	*total = 0;
	for (size_t k = 0; k < n; k++)
		if (is_alnum((unsigned char)p[k])) {
			count[(unsigned char)p[k]]++;
			(*total)++;
		}
	for (int c = 0; c < 128; c++)
		if (count[c]) {
			double f = (double)count[c] / (double)*total;

			h -= f * log2(f);
		}
	return h;
}

/* The measure: at least FP_SCRUB_MIN letters and digits, of two or more
 * of the classes capital, small letter and digit, with a Shannon
 * entropy of at least FP_SCRUB_BITS bits per character. */
static int high_entropy(const char *p, size_t n)
{
	size_t total;

	return mixed(p, n) && entropy(p, n, &total) >= FP_SCRUB_BITS &&
	       total >= FP_SCRUB_MIN;
}

/* Is i the start of a run: a letter, a digit or a separator of one? */
static int run_char(const struct text *t, size_t i)
{
	size_t w;
	int c = dchar(t, i, &w);

	return is_alnum(c) || run_sep(c);
}

/* Does [i, j) hold '+' (raw or %2B, one or more) between letters or
 * digits, as base64 does and words seldom do? */
static int base64_blob(const struct text *t, size_t i, size_t j)
{
	for (size_t k = i + 1; k + 1 < j; k++) {
		size_t e = k;
		size_t w;

		if (!is_alnum((unsigned char)t->s[k - 1]))
			continue;
		while (e < j && dchar(t, e, &w) == '+')
			e += w;
		if (e > k && e < j && is_alnum((unsigned char)t->s[e]))
			return 1;
	}
	return 0;
}

/* When the text was cut and the run [i, j) reaches the cut, it may be
 * a credential's start, too short or too plain to be told by its
 * shape, and its pieces cannot be told apart from the credential's:
 * the whole run goes, whatever the measure. */
static void cut_edge(const struct text *t, size_t i, size_t j,
		     struct candidate *cd)
{
	size_t k = i;

	if (!t->cut || j != t->len)
		return;
	while (k < j && !is_alnum((unsigned char)t->s[k]))
		k++;
	if (k == j)
		return; /* separators only */
	cd->start = i;
	cd->end = j;
	cd->forced = 1;
}

/* A candidate too short for the measure, with the mixed pieces next to
 * it (grow()), when they come to FP_SCRUB_LONG letters and digits or
 * more with an entropy of FP_SCRUB_BITS + 1 bits a character: a random
 * secret cut by '/' may have a piece that reads as camel-case words
 * ("0CNGbDWufRuQQVodP/suaMqutvgieqkuzynAZYtz"), while names with a
 * model number stay ("SonyEricssonK610i/R1CB").  Forced then. */
#define FP_SCRUB_LONG 32
static void long_mixed(const struct text *t, size_t i, size_t j,
		       struct candidate *cd)
{
	struct candidate g = *cd;
	size_t total;
	double h;

	grow(t, i, j, &g, 0);
	h = entropy(t->s + g.start, g.end - g.start, &total);
	if (total < FP_SCRUB_LONG)
		return;
	if (h >= FP_SCRUB_BITS + 1) {
		*cd = g;
		cd->forced = 1;
	}
}

/* Copy [i, j) to o with its candidate fingerprinted when it passes the
 * measure (or has a known shape, or reaches a cut). */
static void scrub_span(struct sink *o, const struct fpkey *key,
		       const struct text *t, size_t i, size_t j)
{
	struct candidate cd;

	find_candidate(t, i, j, &cd);
	cut_edge(t, i, j, &cd);
	if (cd.start < cd.end && !cd.forced && base64_blob(t, i, j)) {
		/* in base64 with '+', the pieces around count too */
		grow(t, i, j, &cd, 1);
	}
	if (cd.start < cd.end && !cd.forced &&
	    !high_entropy(t->s + cd.start, cd.end - cd.start))
		long_mixed(t, i, j, &cd);
	if (cd.start < cd.end &&
	    (cd.forced || high_entropy(t->s + cd.start, cd.end - cd.start))) {
		size_t w;

		grow(t, i, j, &cd, 0);
		while (cd.end < j && dchar(t, cd.end, &w) == '=')
			cd.end += w;
		emit(o, t->s + i, cd.start - i);
		emit_fp(o, key, t->s + cd.start, cd.end - cd.start);
		emit(o, t->s + cd.end, j - cd.end);
	} else {
		emit(o, t->s + i, j - i);
	}
}

/* Scrub the run that starts at i; return where it ends: before a
 * credential's context, or at a byte no token has. */
static size_t scrub_run(struct sink *o, const struct fpkey *key,
			const struct text *t, size_t i)
{
	size_t j = i;
	size_t w;
	struct hit h;

	while (j < t->len && run_char(t, j) &&
	       (j == i || !context_at(t, j, &h)))
		j += (dchar(t, j, &w), w);
	scrub_span(o, key, t, i, j);
	return j;
}

/* Scrub t into o, up to the end or until o is full. */
static size_t scrub(const struct fpkey *key, const struct text *t,
		    struct sink *o)
{
	size_t i = 0;

	while (i < t->len && !o->full) {
		struct hit h;

		if (context_at(t, i, &h)) {
			/* the name may be a secret too: "<key>_token=x" */
			scrub_span(o, key, t, i, h.vstart);
			if (h.vend > h.vstart)
				emit_fp(o, key, t->s + h.vstart,
					h.vend - h.vstart);
			i = h.vend;
		} else if (run_char(t, i)) {
			i = scrub_run(o, key, t, i);
		} else {
			emit(o, t->s + i++, 1);
		}
	}
	/* not inside a UTF-8 sequence the cut splits */
	if (o->full)
		o->n = utf8_whole(o->p, o->n);
	o->p[o->n] = '\0';
	return o->n;
}

size_t fp_scrub(const struct fpkey *key, const char *s, size_t len, char *out,
		size_t outcap)
{
	struct text t = {s, len, 0};
	struct sink o = {out, 0, outcap, 0};

	if (outcap == 0)
		return 0;
	return scrub(key, &t, &o);
}

size_t fp_scrub_cut(const struct fpkey *key, const char *s, size_t len,
		    int cut, char *out, size_t max)
{
	struct text t = {s, len, cut};
	struct sink o = {out, 0, max + 1, 0};

	if (len > FP_SCRUB_WINDOW(max)) {
		t.len = FP_SCRUB_WINDOW(max);
		t.cut = 1;
	}
	if (t.cut)
		t.len = utf8_whole(s, t.len);
	return scrub(key, &t, &o);
}
