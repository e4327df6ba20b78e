/* report_messages.c: report outreach --messages: one e-mail draft per
 * contact, naming each legacy credential by its fingerprint with its
 * SDK, routes and use, what to do and by when. */
#include "report_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "msg.h"
#include "outfile.h"

/* One outreach row of a contact. */
struct drow {
	char *key; /* the contact as grouped: trimmed, lower case */
	char *contact, *client, *fp, *action, *by_when, *phase, *warned;
	size_t order;
};

struct drafts {
	struct drow *v;
	size_t n, cap;
};

/* A credential's row of report credentials (CRED_NCOLS cells). */
struct cdet {
	char *c[CRED_NCOLS];
};

struct cdets {
	struct cdet *v;
	size_t n, cap;
};

struct drafts *drafts_new(void)
{
	return xcalloc(1, sizeof(struct drafts));
}

static char *lower_trim(const char *s)
{
	char *out;
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	out = xstrndup(s, n);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return out;
}

void drafts_add(struct drafts *d, const char *contact, const char *client,
		const char *fp, const char *action, const char *by_when,
		const char *phase, const char *warned)
{
	struct drow *r;

	d->v = xgrow(d->v, d->n, &d->cap, sizeof(*d->v), 32);
	r = &d->v[d->n];
	r->key = lower_trim(contact);
	r->contact = xstrdup(contact);
	r->client = xstrdup(client);
	r->fp = xstrdup(fp ? fp : "");
	r->action = xstrdup(action);
	r->by_when = xstrdup(by_when ? by_when : "");
	r->phase = xstrdup(phase ? phase : "");
	r->warned = xstrdup(warned ? warned : "");
	r->order = d->n++;
}

void drafts_free(struct drafts *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct drow *r = &d->v[i];

		free(r->key);
		free(r->contact);
		free(r->client);
		free(r->fp);
		free(r->action);
		free(r->by_when);
		free(r->phase);
		free(r->warned);
	}
	free(d->v);
	free(d);
}

static int cmp_drow(const void *a, const void *b)
{
	const struct drow *x = a;
	const struct drow *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* credentials_each(): keep every row. */
static int keep_cred(void *arg, const char *const *v)
{
	struct cdets *d = arg;

	d->v = xgrow(d->v, d->n, &d->cap, sizeof(*d->v), 64);
	for (int i = 0; i < CRED_NCOLS; i++)
		d->v[d->n].c[i] = xstrdup(v[i] ? v[i] : "");
	d->n++;
	return 0;
}

static void cdets_free(struct cdets *d)
{
	for (size_t i = 0; i < d->n; i++)
		for (int k = 0; k < CRED_NCOLS; k++)
			free(d->v[i].c[k]);
	free(d->v);
}

/* Could contact go in a To header: an address, no line break? */
static int addressable(const char *contact)
{
	return strchr(contact, '@') && !strpbrk(contact, "\r\n");
}

/* The file name of a contact's draft: its address (inside <> when it
 * has them), letters, digits and "@._-" kept (others '_'), and ".eml";
 * "-2", "-3"... when taken in this run. */
static void draft_name(const char *dir, const char *key, int nth, char *out,
		       size_t cap)
{
	char safe[128];
	size_t n = 0;
	const char *lt = strchr(key, '<');
	const char *end = lt ? strchr(lt, '>') : NULL;

	/* "Bob <bob@x>": the address */
	if (lt && end) {
		key = lt + 1;
	} else {
		end = key + strlen(key);
	}
	for (const char *p = key; p < end && n + 1 < sizeof(safe); p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 c == '@' || c == '.' || c == '_' || c == '-';

		safe[n] = ok && !(n == 0 && c == '.') ? c : '_';
		n++;
	}
	safe[n] = '\0';
	if (nth > 1)
		snprintf(out, cap, "%s/%s-%d.eml", dir, safe, nth);
	else
		snprintf(out, cap, "%s/%s.eml", dir, safe);
}

static int cmp_cdet(const void *a, const void *b)
{
	const struct cdet *x = a;
	const struct cdet *y = b;
	int c = strcmp(x->c[1], y->c[1]);

	return c ? c : strcmp(x->c[0], y->c[0]);
}

/* The first credential row of client, or cd->n. */
static size_t client_first(const struct cdets *cd, const char *client)
{
	size_t lo = 0, hi = cd->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(cd->v[mid].c[1], client) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Call fn for each credential of row r: its own, else all of its
 * client's.  Return how many. */
static int each_cred(const struct cdets *cd, const struct drow *r,
		     void (*fn)(FILE *, const struct cdet *), FILE *f)
{
	int n = 0;

	for (size_t i = client_first(cd, r->client);
	     i < cd->n && strcmp(cd->v[i].c[1], r->client) == 0; i++) {
		if (r->fp[0] && strcmp(cd->v[i].c[0], r->fp) != 0)
			continue;
		if (fn)
			fn(f, &cd->v[i]);
		n++;
	}
	return n;
}

static void write_cred(FILE *f, const struct cdet *c)
{
	const char *const *v = (const char *const *)c->c;

	fprintf(f, "  %s\n", v[0]);
	fprintf(f, "    SDK: %s%s%s\n", v[9], v[10][0] ? " " : "", v[10]);
	if (v[8][0])
		fprintf(f, "    User agent: %s\n", v[8]);
	fprintf(f,
		"    Requests: %s (%s with the amnesty header, %s refused)\n",
		v[2], v[3], v[4]);
	fprintf(f, "    First use: %s, last use: %s\n", v[5], v[6]);
	if (v[11][0])
		fprintf(f, "    Busiest route: %s (%s requests)\n", v[11],
			v[12]);
}

/* $EMAIL when it is an address, else keyaudit@localhost. */
static const char *from_address(void)
{
	const char *e = getenv("EMAIL");

	return e && addressable(e) ? e : "keyaudit <keyaudit@localhost>";
}

/* The earliest dated row of r[0..n), or NULL. */
static const struct drow *earliest(const struct drow *r, size_t n)
{
	const struct drow *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (r[i].by_when[0] &&
		    (!best || strcmp(r[i].by_when, best->by_when) < 0))
			best = &r[i];
	return best;
}

static void write_headers(FILE *f, const struct drow *r, size_t n, int ncreds)
{
	const struct drow *e = earliest(r, n);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	fprintf(f, "From: %s\nTo: ", from_address());
	for (const char *p = r[0].contact; *p; p++)
		fputc(*p == ';' ? ',' : *p, f);
	fprintf(f, "\nSubject: API keys: replace %d credential%s", ncreds,
		ncreds == 1 ? "" : "s");
	if (e)
		fprintf(f, " by %s (%s)", e->by_when, e->phase);
	fprintf(f,
		"\nDate: %s\nMIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: 8bit\n\n",
		date);
}

/* The draft of the rows r[0..n) of one contact into path. */
static int write_one(struct ctx *x, const char *path, const struct drow *r,
		     size_t n, const struct cdets *cd)
{
	FILE *f = NULL;
	struct outfile *of = outfile_open(path, &f, x->err, x->errlen);
	int ncreds = 0;

	if (!of)
		return -1;
	for (size_t i = 0; i < n; i++)
		ncreds += each_cred(cd, &r[i], NULL, NULL);
	write_headers(f, r, n, ncreds);
	fputs("Hello,\n\nThese credentials, yours by our records, still "
	      "authenticate to our API\nwith an API key, which is being "
	      "retired.  Each is named by its fingerprint,\na keyed hash "
	      "of the key: never the key itself.\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "\nClient %s\n", r[i].client);
		fprintf(f, "What to do: %s\n", r[i].action);
		if (r[i].by_when[0])
			fprintf(f, "By when: %s (%s)\n", r[i].by_when,
				r[i].phase);
		if (r[i].warned[0])
			fprintf(f,
				"Our responses to these requests have carried "
				"the deprecation warning since %s.\n",
				r[i].warned);
		each_cred(cd, &r[i], write_cred, f);
	}
	fputs("\nThank you.\n", f);
	return outfile_close(of, 0, x->err, x->errlen);
}

/* Make dir unless it is a directory already.  0, or -1 with err. */
static int make_dir(struct ctx *x, const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0777) == 0 ||
	    (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	snprintf(x->err, x->errlen, "%s: %s", dir,
		 errno == EEXIST ? "not a directory" : strerror(errno));
	return -1;
}

/* Is path among the names written so far (names[0..n))? */
static int taken(char **names, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], path) == 0)
			return 1;
	return 0;
}

int drafts_write(struct drafts *d, struct ctx *x, const char *dir)
{
	struct cdets cd = {NULL, 0, 0};
	char **names = xmalloc((d->n + 1) * sizeof(*names));
	size_t nn = 0;
	int rc = make_dir(x, dir);

	if (rc == 0)
		rc = credentials_each(x, keep_cred, &cd);
	qsort(cd.v, cd.n, sizeof(*cd.v), cmp_cdet);
	qsort(d->v, d->n, sizeof(*d->v), cmp_drow);
	for (size_t i = 0, j; rc == 0 && i < d->n; i = j) {
		char path[4200];
		int nth = 1;

		for (j = i; j < d->n && strcmp(d->v[j].key, d->v[i].key) == 0;
		     j++)
			;
		if (!addressable(d->v[i].contact)) {
			warn("contact '%s' is not an e-mail address: no draft",
			     d->v[i].key);
			continue;
		}
		do
			draft_name(dir, d->v[i].key, nth++, path,
				   sizeof(path));
		while (taken(names, nn, path));
		names[nn++] = xstrdup(path);
		rc = write_one(x, path, &d->v[i], j - i, &cd);
	}
	if (rc == 0)
		info("%zu draft%s in %s", nn, nn == 1 ? "" : "s", dir);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	cdets_free(&cd);
	return rc;
}
