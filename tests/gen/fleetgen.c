/* fleetgen.c: write a fleet's daily logs, their one-file-a-day copy and
 * the truth, deterministically, for make bench-history. */
#include "buf.h"
#include "day.h"
#include "fp.h"
#include "gen_rng.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define DAY_SECS    86400
#define ZIPF_EXP    1.1
#define MAX_HOSTS   1000
#define MAX_DAYS    3650
#define MAX_CLIENTS 10000000
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
    "usage: fleetgen --key-file KEYFILE -o DIR [--hosts H] [--days D]\n"
    "                [--lines L] [--clients C] [--seed S] [--legacy]\n"
    "\n"
    "Writes DIR/host/hNN/YYYY-MM-DD.log.gz (H hosts, D days, L lines a\n"
    "file, in the layout of sample-logs/nginx.format), the same lines as\n"
    "DIR/daily/YYYY-MM-DD.log.gz (all hosts, in time order), the truth\n"
    "in DIR/truth/ and a registry in DIR/registry.csv.  --legacy: C\n"
    "legacy clients with an API key each, every one seen L*H/C times,\n"
    "and no host files.\n";

/* The classes keyaudit gives under rules/asana-api-keys.rules, in the
 * order of its reports, and their names in bytewise order. */
enum { CLS_API_KEY, CLS_PAT, CLS_OAUTH, CLS_SESSION, CLS_NONE, NCLS };
static const char *const cls_name[NCLS] = {"api_key", "pat", "oauth",
					   "session", "none"};

enum { K_NONE, K_APIKEY, K_PAT, K_OAUTH, K_SESSION };

enum { P_LEGACY, P_MIGRATING, P_PAT, P_OAUTH, P_BROWSER, P_ANON };

static const char *const agents[] = {
    "python-asana/3.2.1 Python/3.11.4",
    "node-asana/1.0.2 Node/18.17.0",
    "curl/7.88.1",
    "Java/17.0.8 asana-java/0.10.10",
    "Zapier",
    "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; rv:121.0) Gecko/20100101 Firefox/121",
};
#define NUA	 NELEM(agents)
#define N_API_UA 5

static const char *const mon_name[12] = {"Jan", "Feb", "Mar", "Apr",
					 "May", "Jun", "Jul", "Aug",
					 "Sep", "Oct", "Nov", "Dec"};

struct opts {
	unsigned hosts;
	unsigned days;
	unsigned lines; /* a host's lines a day */
	unsigned clients;
	uint64_t seed;
	const char *key_file;
	const char *out;
	int legacy; /* the many-legacy-clients day */
};

struct cred {
	int kind;
	int cls;
	char *secret; /* NULL for K_NONE */
	char *b64;    /* base64 of "secret:" for an API key */
	char *name;   /* the client keyaudit names */
	unsigned who; /* index of name among all names, in bytewise order */
};

struct client {
	char addr[16];
	char *cid; /* X-Client-Id, NULL for none */
	int profile;
	int amnesty; /* 0 never, 1 every API-key request, 2 half of them */
	unsigned ua[2];
	unsigned nua;
	unsigned switch_day; /* a migrating client's first PAT day */
	struct cred *key;    /* the API key, or NULL */
	struct cred *tok;    /* PAT, OAuth, session or no credential */
};

/* One client name with its migration report figures. */
struct who {
	const char *name;
	uint64_t legacy;
	uint64_t amnesty;
	uint64_t all;
	uint64_t s434;
	int64_t first;
	int64_t last;
	int64_t last_day;
	unsigned days;
	uint64_t uac[NUA]; /* API-key requests per user agent */
};

struct line {
	char p[1024];
	size_t n;
};

struct gen {
	struct opts o;
	struct fpkey key;
	struct rng crng; /* clients */
	struct rng lrng; /* lines */
	struct client *cl;
	uint64_t *cum; /* cumulative popularity */
	struct cred **creds;
	size_t ncreds;
	struct who *who;
	size_t nwho;
	int64_t start_day; /* days since 1970-01-01 */
	unsigned phase2;   /* first day of 434s */
	uint64_t *keys;	   /* the day's count keys, one a request */
	size_t nkeys;
	size_t capkeys;
	uint64_t dayclass[NCLS];
	uint64_t allclass[NCLS];
	uint64_t requests;
	FILE *counts;
	FILE *nightly;
};

static _Noreturn void die(const char *what, const char *path)
{
	fprintf(stderr, "fleetgen: %s: %s\n", path, what);
	exit(1);
}

static _Noreturn void usage_error(const char *what)
{
	fprintf(stderr, "fleetgen: %s; try 'fleetgen --help'\n", what);
	exit(2);
}

/* YYYY-MM-DDTHH:MM:SSZ of an instant (t >= 0). */
static void iso_text(int64_t t, char out[32])
{
	char day[DAY_TEXT_LEN + 1];
	unsigned sec = (unsigned)(t % DAY_SECS);

	snprintf(out, 32, "%sT%02u:%02u:%02uZ", day_format(t / DAY_SECS, day),
		 sec / 3600, sec / 60 % 60, sec % 60);
}

/* ---- options ---- */

static unsigned num(const char *s, unsigned lo, unsigned hi, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage_error(what);
	return (unsigned)v;
}

static void set_opt(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'H':
		o->hosts = num(arg, 1, MAX_HOSTS, "bad --hosts");
		break;
	case 'd':
		o->days = num(arg, 1, MAX_DAYS, "bad --days");
		break;
	case 'n':
		o->lines = num(arg, 1, 100000000, "bad --lines");
		break;
	case 'c':
		o->clients = num(arg, 1, MAX_CLIENTS, "bad --clients");
		break;
	case 's':
		o->seed = num(arg, 0, UINT32_MAX, "bad --seed");
		break;
	case 'k':
		o->key_file = arg;
		break;
	case 'o':
		o->out = arg;
		break;
	default:
		o->legacy = 1;
		break;
	}
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"hosts", required_argument, NULL, 'H'},
	    {"days", required_argument, NULL, 'd'},
	    {"lines", required_argument, NULL, 'n'},
	    {"clients", required_argument, NULL, 'c'},
	    {"seed", required_argument, NULL, 's'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"output", required_argument, NULL, 'o'},
	    {"legacy", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	*o = (struct opts){20, 90, 10000, 50000, 1, NULL, NULL, 0};
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (ch == '?' || ch == ':')
			usage_error("bad option");
		set_opt(o, ch, optarg);
	}
	if (optind < argc)
		usage_error("unexpected argument");
	if (!o->key_file || !o->out)
		usage_error("--key-file and -o are required");
	if (o->legacy && o->days != 1)
		usage_error("--legacy writes one day (--days 1)");
}

/* ---- credentials and clients ---- */

static char *rand_text(struct rng *r, size_t n, const char *set)
{
	size_t m = strlen(set);
	char *s = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = set[rng_below(r, m)];
	s[n] = '\0';
	return s;
}

static char *base64(const char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *res = xmalloc(4 * ((n + 2) / 3) + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		res[o++] = tab[v >> 18 & 63];
		res[o++] = tab[v >> 12 & 63];
		res[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		res[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	res[o] = '\0';
	return res;
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789";

/* A secret of the kind's shape: an API key is 8 alphanumerics, a dot
 * and 24 more; a PAT 1/<16 digits>:<32 hex>. */
static char *make_secret(struct rng *r, int kind)
{
	char *a;
	char *b;
	char *s;

	switch (kind) {
	case K_APIKEY:
		a = rand_text(r, 8, alnum);
		b = rand_text(r, 24, alnum);
		break;
	case K_PAT:
		a = rand_text(r, 16, "0123456789");
		b = rand_text(r, 32, "0123456789abcdef");
		break;
	case K_OAUTH:
		return rand_text(r, 48,
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz-._~");
	default:
		return rand_text(r, 32, alnum);
	}
	s = xmalloc(strlen(a) + strlen(b) + 4);
	sprintf(s, kind == K_PAT ? "1/%s:%s" : "%s.%s", a, b);
	free(a);
	free(b);
	return s;
}

static int kind_class(int kind)
{
	static const int cls[] = {CLS_NONE, CLS_API_KEY, CLS_PAT, CLS_OAUTH,
				  CLS_SESSION};

	return cls[kind];
}

/* The name keyaudit gives: the client id, else the credential's
 * fingerprint, else the address. */
static char *cred_name(struct gen *g, const struct client *c,
		       const struct cred *cr)
{
	char hex[FP_HEXLEN + 1];
	char name[64];

	if (c->cid)
		return xstrdup(c->cid);
	if (cr->secret) {
		fp_hex(&g->key, cr->secret, strlen(cr->secret), hex);
		snprintf(name, sizeof(name), "fp:%s", hex);
	} else {
		snprintf(name, sizeof(name), "addr:%s", c->addr);
	}
	return xstrdup(name);
}

static struct cred *new_cred(struct gen *g, struct client *c, int kind)
{
	struct cred *cr = xcalloc(1, sizeof(*cr));

	cr->kind = kind;
	cr->cls = kind_class(kind);
	if (kind != K_NONE)
		cr->secret = make_secret(&g->crng, kind);
	if (kind == K_APIKEY) {
		char *pair = xmalloc(strlen(cr->secret) + 2);

		sprintf(pair, "%s:", cr->secret); /* an empty password */
		cr->b64 = base64(pair, strlen(pair));
		free(pair);
	}
	cr->name = cred_name(g, c, cr);
	g->creds[g->ncreds++] = cr;
	return cr;
}

static int pick_profile(struct rng *r)
{
	static const unsigned share[] = {20, 25, 25, 10, 12, 8}; /* in % */
	unsigned v = (unsigned)rng_below(r, 100);
	int p = 0;

	while (v >= share[p]) {
		v -= share[p];
		p++;
	}
	return p;
}

static void make_tokens(struct gen *g, struct client *c)
{
	static const int tok_kind[] = {K_NONE,	K_PAT,	   K_PAT,
				       K_OAUTH, K_SESSION, K_NONE};

	if (c->profile == P_LEGACY || c->profile == P_MIGRATING)
		c->key = new_cred(g, c, K_APIKEY);
	if (c->profile != P_LEGACY)
		c->tok = new_cred(g, c, tok_kind[c->profile]);
}

/* A migrating client moves to its PAT between 10% and 90% of the
 * period; amnesty rides on API keys only. */
static void make_client(struct gen *g, unsigned idx)
{
	struct client *c = &g->cl[idx];
	struct rng *r = &g->crng;
	unsigned v = (unsigned)rng_below(r, 100);

	snprintf(c->addr, sizeof(c->addr), "10.%u.%u.%u",
		 (unsigned)rng_below(r, 256), (unsigned)rng_below(r, 256),
		 1 + (unsigned)rng_below(r, 254));
	c->profile = g->o.legacy ? P_LEGACY : pick_profile(r);
	if (!g->o.legacy && rng_below(r, 2)) {
		c->cid = xmalloc(16);
		snprintf(c->cid, 16, "svc-%07u", idx);
	}
	c->amnesty = v < 30 ? 1 : v < 40 ? 2 : 0;
	c->switch_day =
	    (unsigned)(g->o.days / 10 + rng_below(r, 8 * g->o.days / 10 + 1));
	c->nua = 1 + (rng_below(r, 5) == 0);
	for (unsigned i = 0; i < c->nua; i++)
		c->ua[i] = c->profile == P_BROWSER
			       ? N_API_UA + (unsigned)rng_below(r, 2)
			       : (unsigned)rng_below(r, N_API_UA);
	make_tokens(g, c);
}

static int cmp_cred_name(const void *a, const void *b)
{
	return strcmp((*(struct cred *const *)a)->name,
		      (*(struct cred *const *)b)->name);
}

/* Number the distinct names in bytewise order: a count key sorts by
 * name when it starts with that number. */
static void number_names(struct gen *g)
{
	struct cred **v = xmalloc(g->ncreds * sizeof(*v));

	memcpy(v, g->creds, g->ncreds * sizeof(*v));
	qsort(v, g->ncreds, sizeof(*v), cmp_cred_name);
	g->who = xcalloc(g->ncreds, sizeof(*g->who));
	for (size_t i = 0; i < g->ncreds; i++) {
		if (i == 0 || strcmp(v[i]->name, v[i - 1]->name))
			g->who[g->nwho++].name = v[i]->name;
		v[i]->who = (unsigned)g->nwho - 1;
		g->who[v[i]->who].last_day = -1;
	}
	free(v);
}

/* Zipf-like popularity as integer weights (2^40 scale): exact
 * arithmetic, so the same seed gives the same bytes everywhere. */
static void make_popularity(struct gen *g)
{
	uint64_t total = 0;

	g->cum = xmalloc(g->o.clients * sizeof(*g->cum));
	for (unsigned i = 0; i < g->o.clients; i++) {
		total +=
		    (uint64_t)(pow(i + 1.0, -ZIPF_EXP) * 1099511627776.0) + 1;
		g->cum[i] = total;
	}
}

static void setup(struct gen *g)
{
	rng_seed(&g->crng, g->o.seed ^ 0x636c69656e7473ULL);
	rng_seed(&g->lrng, g->o.seed ^ 0x6c696e6573ULL);
	g->start_day = 20454; /* 2026-01-01 */
	g->phase2 = g->o.days / 2;
	g->cl = xcalloc(g->o.clients, sizeof(*g->cl));
	g->creds = xmalloc(2 * (size_t)g->o.clients * sizeof(*g->creds));
	for (unsigned i = 0; i < g->o.clients; i++)
		make_client(g, i);
	number_names(g);
	if (!g->o.legacy)
		make_popularity(g);
}

/* ---- requests ---- */

struct req {
	const struct client *c;
	const struct cred *cr;
	unsigned ua;
	int amnesty;
	int status;
	int64_t t;
	unsigned day;
};

static unsigned pick_client(struct gen *g, uint64_t j)
{
	uint64_t u;
	unsigned lo = 0;
	unsigned hi = g->o.clients - 1;

	if (g->o.legacy) /* 7919 is prime: every client in turn */
		return (unsigned)(j * 7919 % g->o.clients);
	u = rng_below(&g->lrng, g->cum[hi]);
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (g->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static const struct cred *pick_cred(const struct client *c, unsigned day)
{
	if (c->profile == P_MIGRATING && day < c->switch_day)
		return c->key;
	return c->tok ? c->tok : c->key;
}

/* Mostly 200; an API key without amnesty is refused with 434 on three
 * requests in ten from the middle of the period on. */
static int pick_status(struct gen *g, const struct req *q)
{
	unsigned v = (unsigned)rng_below(&g->lrng, 1000);
	int refuse = rng_below(&g->lrng, 10) < 3;

	if (q->cr->kind == K_APIKEY && !q->amnesty && q->day >= g->phase2 &&
	    refuse)
		return 434;
	return v < 20 ? 404 : v < 30 ? 429 : 200;
}

static void make_request(struct gen *g, struct req *q, unsigned day,
			 uint64_t j, uint64_t per_day)
{
	const struct client *c = &g->cl[pick_client(g, j)];

	q->c = c;
	q->day = day;
	q->t = (g->start_day + day) * DAY_SECS +
	       (int64_t)(j * DAY_SECS / per_day);
	q->cr = pick_cred(c, day);
	q->ua = c->ua[c->nua > 1 && rng_below(&g->lrng, 10) < 3];
	q->amnesty =
	    q->cr->kind == K_APIKEY &&
	    (c->amnesty == 1 || (c->amnesty == 2 && rng_below(&g->lrng, 2)));
	q->status = pick_status(g, q);
}

/* ---- counting ---- */

/* who in bits 16 and up, class 13-15, amnesty 12, status 0-11. */
static void count(struct gen *g, const struct req *q)
{
	struct who *w = &g->who[q->cr->who];

	if (g->nkeys == g->capkeys) {
		g->capkeys = g->capkeys ? 2 * g->capkeys : 1 << 16;
		g->keys = xrealloc(g->keys, g->capkeys * sizeof(*g->keys));
	}
	g->keys[g->nkeys++] = (uint64_t)q->cr->who << 16 |
			      (uint64_t)q->cr->cls << 13 |
			      (uint64_t)q->amnesty << 12 | (uint64_t)q->status;
	g->dayclass[q->cr->cls]++;
	g->requests++;
	w->all++;
	w->s434 += q->status == 434;
	if (q->cr->cls != CLS_API_KEY)
		return;
	w->legacy++;
	w->amnesty += (uint64_t)q->amnesty;
	if (w->legacy == 1)
		w->first = q->t;
	w->last = q->t;
	w->days += w->last_day != q->day;
	w->last_day = q->day;
	w->uac[q->ua]++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The day's counts as truth rows, and its class totals. */
static void flush_day(struct gen *g, unsigned day)
{
	char dt[16];
	size_t i = 0;

	day_format(g->start_day + day, dt);
	qsort(g->keys, g->nkeys, sizeof(*g->keys), cmp_u64);
	while (i < g->nkeys) {
		uint64_t k = g->keys[i];
		size_t j = i;

		while (j < g->nkeys && g->keys[j] == k)
			j++;
		fprintf(g->counts, "%s,%s,%s,%u,%u,%zu\n",
			g->who[k >> 16].name, dt, cls_name[k >> 13 & 7],
			(unsigned)(k >> 12 & 1), (unsigned)(k & 0xfff), j - i);
		i = j;
	}
	g->nkeys = 0;
	fprintf(g->nightly, "%s", dt);
	for (int c = 0; c < NCLS; c++) {
		fprintf(g->nightly, " %" PRIu64, g->dayclass[c]);
		g->allclass[c] += g->dayclass[c];
		g->dayclass[c] = 0;
	}
	fputc('\n', g->nightly);
}

/* ---- rendering ---- */

static void put(struct line *l, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(l->p) - l->n)
		abort(); /* cannot happen: every part is bounded */
	memcpy(l->p + l->n, s, n);
	l->n += n;
}

static void put_u(struct line *l, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	put(l, tmp);
}

static void put_2(struct line *l, unsigned v, char sep)
{
	l->p[l->n++] = (char)('0' + v / 10);
	l->p[l->n++] = (char)('0' + v % 10);
	l->p[l->n++] = sep;
}

/* [$time_local] for UTC, "+0000". */
static void put_time(struct line *l, const char *date, int64_t t)
{
	unsigned s = (unsigned)(t % DAY_SECS);

	put(l, " [");
	put(l, date);
	put_2(l, s / 3600, ':');
	put_2(l, s / 60 % 60, ':');
	put_2(l, s % 60, ' ');
	put(l, "+0000] \"");
}

static void put_auth(struct line *l, const struct cred *cr)
{
	put(l, " \"");
	if (cr->kind == K_APIKEY) {
		put(l, "Basic ");
		put(l, cr->b64);
	} else if (cr->kind == K_PAT || cr->kind == K_OAUTH) {
		put(l, "Bearer ");
		put(l, cr->secret);
	} else {
		put(l, "-");
	}
	put(l, "\"");
}

static void render(struct gen *g, const struct req *q, const char *date,
		   struct line *l)
{
	uint64_t id = 1000000000000ULL + rng_below(&g->lrng, 9000000000000ULL);
	int post = rng_below(&g->lrng, 5) == 0;

	l->n = 0;
	put(l, q->c->addr);
	put(l, " - ");
	put(l, q->cr->kind == K_APIKEY ? q->cr->secret : "-");
	put_time(l, date, q->t);
	put(l, post ? "POST /api/1.0/tasks/" : "GET /api/1.0/tasks/");
	put_u(l, id);
	put(l, post ? "/stories HTTP/1.1\" " : " HTTP/1.1\" ");
	put_u(l, (uint64_t)q->status);
	put(l, " ");
	put_u(l, q->status == 200 ? rng_below(&g->lrng, 20000) : 60);
	put(l, " \"-\" \"");
	put(l, agents[q->ua]);
	put(l, "\"");
	put_auth(l, q->cr);
	put(l, q->amnesty ? " \"true\" \"" : " \"-\" \"");
	put(l, q->c->cid ? q->c->cid : "-");
	put(l, q->cr->kind == K_SESSION ? "\" \"session=" : "\" \"-");
	if (q->cr->kind == K_SESSION)
		put(l, q->cr->secret);
	put(l, "\"\n");
}

/* ---- output ---- */

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(strerror(errno), path);
}

static char *path_of(const char *dir, const char *a, const char *b)
{
	size_t n = strlen(dir) + strlen(a) + strlen(b) + 3;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s%s%s", dir, a, *b ? "/" : "", b);
	return p;
}

static FILE *open_text(const char *dir, const char *name)
{
	char *p = path_of(dir, name, "");
	FILE *f = fopen(p, "w");

	if (!f)
		die(strerror(errno), p);
	free(p);
	return f;
}

static void close_text(FILE *f, const char *what)
{
	if (ferror(f) | fclose(f))
		die("write failed", what);
}

/* The one-file-a-day copy goes through gzip -1 in a second process, so
 * that both cores compress.  DIR holds no quote: checked in main. */
static FILE *open_daily(const struct gen *g, const char *date)
{
	char cmd[4200];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "gzip -1 > '%s/daily/%s.log.gz'", g->o.out,
		 date);
	f = popen(cmd, "w");
	if (!f)
		die("cannot start gzip", cmd);
	return f;
}

static gzFile *open_hosts(const struct gen *g, const char *date)
{
	gzFile *gz = xcalloc(g->o.hosts, sizeof(*gz));
	char name[64];

	for (unsigned h = 0; h < g->o.hosts && !g->o.legacy; h++) {
		char *p;

		snprintf(name, sizeof(name), "host/h%02u/%s.log.gz", h + 1,
			 date);
		p = path_of(g->o.out, name, "");
		gz[h] = gzopen(p, "wb1"); /* level 1: speed over size */
		if (!gz[h])
			die("cannot create", p);
		gzbuffer(gz[h], 1 << 17);
		free(p);
	}
	return gz;
}

static void close_day(const struct gen *g, gzFile *gz, FILE *daily)
{
	for (unsigned h = 0; h < g->o.hosts && !g->o.legacy; h++)
		if (gzclose(gz[h]) != Z_OK)
			die("write failed", "host file");
	free(gz);
	if (ferror(daily) | pclose(daily))
		die("write failed", "daily file");
}

/* Day d: H * L lines in time order, line j on host j % H. */
static void write_day(struct gen *g, unsigned day, struct line *l)
{
	uint64_t per_day = (uint64_t)g->o.hosts * g->o.lines;
	char date[16];
	char dt[16];
	int y;
	int m;
	int d;
	FILE *daily;
	gzFile *gz;

	day_format(g->start_day + day, dt);
	day_to_civil(g->start_day + day, &y, &m, &d);
	snprintf(date, sizeof(date), "%02d/%s/%04d:", d, mon_name[m - 1], y);
	daily = open_daily(g, dt);
	gz = open_hosts(g, dt);
	for (uint64_t j = 0; j < per_day; j++) {
		struct req q;

		make_request(g, &q, day, j, per_day);
		render(g, &q, date, l);
		count(g, &q);
		if (fwrite(l->p, 1, l->n, daily) != l->n)
			die("write failed", dt);
		if (!g->o.legacy && gzwrite(gz[j % g->o.hosts], l->p,
					    (unsigned)l->n) != (int)l->n)
			die("write failed", dt);
	}
	close_day(g, gz, daily);
	flush_day(g, day);
}

/* ---- truth ---- */

/* A text cell as keyaudit writes it: quoted, '"' doubled, a leading
 * = + - @ TAB or CR defused with a single quote. */
static void put_cell(FILE *f, const char *s)
{
	fputc('"', f);
	if (*s && strchr("=+-@\t\r", *s))
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The most frequent agent of API-key requests; ties go to the bytewise
 * smallest. */
static const char *top_agent(const struct who *w)
{
	int best = -1;

	for (int i = 0; i < (int)NUA; i++)
		if (w->uac[i] && (best < 0 || w->uac[i] > w->uac[best] ||
				  (w->uac[i] == w->uac[best] &&
				   strcmp(agents[i], agents[best]) < 0)))
			best = i;
	return best < 0 ? "" : agents[best];
}

/* A legacy client has one API key: credentials is 1. */
static void migration_row(FILE *f, const struct who *w)
{
	char first[32];
	char last[32];

	iso_text(w->first, first);
	iso_text(w->last, last);
	put_cell(f, w->name);
	fprintf(f,
		",%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%.4f,%" PRIu64 ",",
		w->legacy, w->amnesty, (double)w->amnesty / (double)w->legacy,
		w->all, (double)w->legacy / (double)w->all, w->s434);
	put_cell(f, first);
	fputc(',', f);
	put_cell(f, last);
	fprintf(f, ",%u,", w->days);
	put_cell(f, top_agent(w));
	fputs(",1\r\n", f);
}

static int cmp_legacy(const void *a, const void *b)
{
	const struct who *x = *(const struct who *const *)a;
	const struct who *y = *(const struct who *const *)b;

	if (x->legacy != y->legacy)
		return x->legacy > y->legacy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void write_migration(struct gen *g, const char *dir)
{
	FILE *f = open_text(dir, "migration.csv");
	struct who **v = xmalloc((g->nwho + 1) * sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < g->nwho; i++)
		if (g->who[i].legacy)
			v[n++] = &g->who[i];
	qsort(v, n, sizeof(*v), cmp_legacy);
	fputs("client,legacy_requests,amnesty_requests,amnesty_share,"
	      "all_requests,legacy_share,status_434,first_seen,last_seen,"
	      "legacy_days,top_user_agent,credentials\r\n",
	      f);
	for (size_t i = 0; i < n; i++)
		migration_row(f, v[i]);
	close_text(f, "migration.csv");
	free(v);
}

/* Every fourth client with an id is in the registry, for outreach. */
static void write_registry(struct gen *g)
{
	FILE *f = open_text(g->o.out, "registry.csv");

	fputs("client,owner,contact_email\n", f);
	for (unsigned i = 0; i < g->o.clients; i += 4)
		if (g->cl[i].cid)
			fprintf(f, "%s,Owner %u,owner%u@example.com\n",
				g->cl[i].cid, i, i);
	close_text(f, "registry.csv");
}

static void write_summary(struct gen *g, const char *dir)
{
	FILE *f = open_text(dir, "summary.txt");

	fprintf(f, "requests %" PRIu64 "\n", g->requests);
	for (int c = 0; c < NCLS; c++)
		fprintf(f, "class %s %" PRIu64 "\n", cls_name[c],
			g->allclass[c]);
	fprintf(f, "names %zu\n", g->nwho);
	close_text(f, "summary.txt");
}

static void make_dirs(const struct gen *g)
{
	char name[32];

	make_dir(g->o.out);
	for (unsigned h = 0; h <= g->o.hosts && !g->o.legacy; h++) {
		char *p;

		snprintf(name, sizeof(name), h ? "host/h%02u" : "host", h);
		p = path_of(g->o.out, name, "");
		make_dir(p);
		free(p);
	}
	for (int i = 0; i < 2; i++) {
		char *p = path_of(g->o.out, i ? "truth" : "daily", "");

		make_dir(p);
		free(p);
	}
}

static void generate(struct gen *g)
{
	struct line *l = xmalloc(sizeof(*l));
	char *truth = path_of(g->o.out, "truth", "");

	g->counts = open_text(truth, "counts.csv");
	g->nightly = open_text(truth, "nightly.txt");
	fputs("client,day,class,amnesty,status,requests\n", g->counts);
	for (unsigned d = 0; d < g->o.days; d++)
		write_day(g, d, l);
	close_text(g->counts, "counts.csv");
	close_text(g->nightly, "nightly.txt");
	write_migration(g, truth);
	write_summary(g, truth);
	write_registry(g);
	free(truth);
	free(l);
}

int main(int argc, char **argv)
{
	static struct gen g;
	char err[512];

	parse_opts(argc, argv, &g.o);
	if (strchr(g.o.out, '\''))
		usage_error("-o DIR must not hold a quote");
	if (fp_init() < 0)
		die("cannot initialise libsodium", "fp_init");
	if (fp_key_load(&g.key, g.o.key_file, "unused", err, sizeof(err)) < 0)
		die(err, g.o.key_file);
	setup(&g);
	make_dirs(&g);
	generate(&g);
	return 0;
}
