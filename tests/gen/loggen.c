/* loggen.c: write deterministic access logs and their keyaudit truth. */
#include "buf.h"
#include "fp.h"
#include "gen_rng.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LINE_CAP    4096
#define MAX_LINES   10000000000ULL /* lines * days * 86400 fits 64 bits */
#define MAX_DAYS    36500	   /* the day index takes 16 key bits */
#define MAX_CLIENTS 1000000
#define MAX_CREDS   3
#define DAY_SECS    86400
#define ZIPF_EXP    1.1
#define EMPTY_KEY   UINT64_MAX
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
    "usage: loggen --layout combined|nginx --lines N --key-file KEYFILE "
    "-o OUT [--seed S] [--clients K] [--days D] [--start YYYY-MM-DD] "
    "[--tz +HHMM|-HHMM] [--damage PERMILLE] [--phase2-day N] "
    "[--offsets N] [--gzip] [--lifecycle] [--legacy-truth] "
    "[--migrated-days N]\n";

enum { LAYOUT_COMBINED, LAYOUT_NGINX };

enum {
	CLS_API_KEY,
	CLS_PAT,
	CLS_OAUTH,
	CLS_SESSION,
	CLS_NONE,
	CLS_UNKNOWN,
	NCLS
};

static const char *const cls_name[NCLS] = {"api_key", "pat",  "oauth",
					   "session", "none", "unknown"};
/* The class names in bytewise order, and each class's place in it. */
static const char *const cls_sorted[NCLS] = {"api_key", "none",	   "oauth",
					     "pat",	"session", "unknown"};
static const unsigned cls_rank[NCLS] = {0, 3, 2, 4, 1, 5};

/* The routes of API requests, in bytewise order. */
static const char *const tmpl_names[] = {
    "/api/1.0/projects/{id}/tasks",
    "/api/1.0/tasks",
    "/api/1.0/tasks/{id}",
    "/api/1.0/tasks/{id}/stories",
    "/api/1.0/users/me",
    "/api/1.0/workspaces/{id}/projects",
};
#define NTMPL	   6
#define TOP_ROUTES 3 /* routes the migration report lists */

/* Migration states, as keyaudit names them. */
static const char *const state_name[] = {"legacy-only", "mixed",   "migrated",
					 "regressed",	"dormant", "refused"};
enum {
	ST_LEGACY_ONLY,
	ST_MIXED,
	ST_MIGRATED,
	ST_REGRESSED,
	ST_DORMANT,
	ST_REFUSED
};

/* How a request authenticates. */
enum {
	K_NONE,	      /* nothing */
	K_THEME,      /* a cookie without a session */
	K_APIKEY,     /* API key as the Basic user name */
	K_PAT_BEARER, /* PAT as a Bearer token */
	K_PAT_BASIC,  /* PAT as the Basic user name */
	K_OAUTH,      /* OAuth Bearer token */
	K_SESSION     /* session cookie */
};

enum { P_LEGACY, P_MIXED, P_MIGRATED, P_BROWSER, P_ANON };

enum {
	UA_PY3,
	UA_PY2,
	UA_NODE,
	UA_CURL,
	UA_JAVA,
	UA_ZAPIER,
	UA_CHROME,
	UA_FIREFOX,
	UA_SAFARI,
	UA_COMMA,
	UA_FORMULA,
	UA_MINUS,
	UA_AT,
	UA_EMPTY,
	NUA
};
#define N_API_UA     6 /* UA_PY3 .. UA_ZAPIER */
#define N_BROWSER_UA 3 /* UA_CHROME .. UA_SAFARI */

/* User agents as sent; the log escapes them the way nginx does. */
static const char *const ua_text[NUA] = {
    "python-asana/3.2.1 Python/3.11.4",
    "python-asana/0.10.3 Python/2.7.18",
    "node-asana/1.0.2 Node/18.17.0",
    "curl/7.88.1",
    "Java/17.0.8 asana-java/0.10.10",
    "Zapier",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
    "Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "SyncBot/2.0 (Acme, Inc.; \"nightly\" run)",
    "=HYPERLINK(\"http://x\",\"y\")",
    "-1+2 scanner/0.3",
    "@SUM(1) probe/1.1",
    "",
};

/* The most popular clients are fixed, so that even a short log shows
 * every profile and every hostile user agent. */
struct special {
	int profile;
	int ua;	  /* the client's only user agent, or -1 to pick */
	int keys; /* API keys of a legacy client, or 0 to pick */
};

static const struct special specials[] = {
    {P_MIXED, -1, 0},	     {P_MIGRATED, -1, 0},
    {P_LEGACY, -1, 2},	     {P_LEGACY, UA_COMMA, 1},
    {P_BROWSER, -1, 0},	     {P_LEGACY, UA_FORMULA, 1},
    {P_ANON, -1, 0},	     {P_LEGACY, UA_MINUS, 1},
    {P_MIGRATED, -1, 0},     {P_LEGACY, UA_AT, 1},
    {P_LEGACY, UA_EMPTY, 1}, {P_MIXED, -1, 0},
};
#define NSPECIAL NELEM(specials)

/* A request target: head, then a random id and tail unless tail is NULL. */
struct route {
	unsigned weight; /* out of 100 per table */
	const char *method;
	const char *head;
	const char *tail;
	const char *tmpl; /* the route keyaudit names it by */
};

static const struct route api_routes[] = {
    {30, "GET", "/api/1.0/tasks/", "", "/api/1.0/tasks/{id}"},
    {15, "GET", "/api/1.0/projects/",
     "/tasks?opt_fields=name,completed&limit=100",
     "/api/1.0/projects/{id}/tasks"},
    {10, "GET", "/api/1.0/users/me", NULL, "/api/1.0/users/me"},
    {10, "GET", "/api/1.0/workspaces/", "/projects",
     "/api/1.0/workspaces/{id}/projects"},
    {7, "GET", "/api/1.0/tasks?assignee=me&workspace=", "", "/api/1.0/tasks"},
    {10, "POST", "/api/1.0/tasks", NULL, "/api/1.0/tasks"},
    {5, "POST", "/api/1.0/tasks/", "/stories", "/api/1.0/tasks/{id}/stories"},
    {8, "PUT", "/api/1.0/tasks/", "", "/api/1.0/tasks/{id}"},
    {5, "DELETE", "/api/1.0/tasks/", "", "/api/1.0/tasks/{id}"},
};

static const struct route browser_routes[] = {
    {30, "GET", "/0/home/", "", "/0/home/{id}"},
    {25, "GET", "/0/", "/list", "/0/{id}/list"},
    {20, "GET", "/-/static/app.", ".js", NULL},
    {15, "GET", "/api/1.0/users/me", NULL, "/api/1.0/users/me"},
    {10, "POST", "/-/log_event", NULL, "/-/log_event"},
};

static const struct route anon_routes[] = {
    {30, "GET", "/", NULL, "/"},
    {25, "GET", "/robots.txt", NULL, "/robots.txt"},
    {20, "GET", "/favicon.ico", NULL, "/favicon.ico"},
    {15, "GET", "/api/1.0/users/me", NULL, "/api/1.0/users/me"},
    {10, "HEAD", "/", NULL, "/"},
};

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789";
static const char hexdigits[] = "0123456789abcdef";
static const char decimal[] = "0123456789";
static const char tokchars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "abcdefghijklmnopqrstuvwxyz0123456789-._~";
static const char *const mon_name[12] = {"Jan", "Feb", "Mar", "Apr",
					 "May", "Jun", "Jul", "Aug",
					 "Sep", "Oct", "Nov", "Dec"};

struct opts {
	int layout; /* -1 until given */
	uint64_t lines;
	const char *key_file;
	const char *out;
	uint64_t seed;
	uint64_t clients;
	uint64_t days;
	int64_t start_day; /* days since 1970-01-01 */
	long tz;	   /* seconds east of UTC */
	char tz_text[6];
	uint64_t damage; /* per mille */
	uint64_t phase2;
	int phase2_set;
	uint64_t offsets; /* length of a random offset= token, 0: none */
	int gzip;
	int lifecycle;		/* clients migrate, regress, go dormant */
	uint64_t migrated_days; /* N of keyaudit's --migrated-days */
	int legacy_truth;	/* write BASE.legacy.csv */
};

struct cred {
	int kind;
	char *secret; /* the raw credential, NULL for K_NONE and K_THEME */
	char *user;   /* $remote_user: Basic user cut at the first ':' */
	char *b64;    /* base64 of "secret:" for Basic, else NULL */
	int cls;      /* the class keyaudit gives it in this layout */
	unsigned who; /* the truth client it counts under */
	unsigned id;  /* index among all credentials */
	unsigned char seen_user;   /* $remote_user written whole */
	unsigned char seen_auth;   /* Authorization secret written whole */
	unsigned char seen_cookie; /* session value written whole */
	char fp[FP_HEXLEN + 1];	   /* --legacy-truth: its fingerprint */
};

struct client {
	char addr[20];
	char *cid; /* X-Client-Id, NULL for none */
	int profile;
	int amnesty; /* 0 never, 1 every API-key request, 2 half, 3 "false" */
	unsigned nua;
	unsigned ua[2];
	unsigned ncred;
	struct cred *cred[MAX_CREDS];
	/* --lifecycle: what the client does over the days */
	int life;	     /* LIFE_* */
	unsigned life_a;     /* migrates, or goes quiet, on this day */
	unsigned life_b;     /* regresses on this day */
	struct cred *modern; /* what it sends instead of its API key */
};

/* --lifecycle behaviours of API-key clients. */
enum { LIFE_NONE, LIFE_MIGRATES, LIFE_REGRESSES, LIFE_DORMANT };

/* One client as keyaudit names it, with its migration report figures. */
struct who {
	char *name;
	unsigned rank; /* place in bytewise name order */
	uint64_t legacy;
	uint64_t amnesty;
	uint64_t all;
	uint64_t s434;
	int64_t first;
	int64_t last;
	int64_t last_day;
	unsigned days;
	uint64_t uac[NUA];   /* API-key requests per user agent */
	uint64_t rtc[NTMPL]; /* API-key requests per route */
	int state;	     /* migration state, as of the last day */
	int64_t since;	     /* day index the state began */
	unsigned ncred;
	unsigned *creds; /* ids of its distinct API keys */
	/* its probable successor by address and agent (keyaudit's
	 * --succession-days, 14): first seen on heir_first, found for the
	 * last legacy day heir_last; has_heir 0: none */
	int has_heir;
	int64_t heir_first, heir_last;
	/* per user agent (with the client's one address, an origin):
	 * the last day of a legacy request, the first and last of
	 * another (-1: none) */
	int32_t lu_last[NUA], mu_first[NUA], mu_last[NUA];
	int64_t llast; /* its last legacy day */
	int seen;      /* the days above are set */
};

struct names {
	struct who *v;
	size_t n;
	size_t cap;
	unsigned *slot; /* hash slots holding index + 1, 0 when free */
	size_t nslot;
};

/* Request counts keyed by pack_key(), open addressing. */
struct counts {
	uint64_t *key;
	uint64_t *val;
	size_t n;
	size_t cap;
};

struct tcache {
	int64_t sec;  /* instant whose time_local is in text */
	int64_t lday; /* local day whose date is cached */
	int year;
	unsigned mon;
	unsigned mday;
	char text[48];
};

struct req {
	struct client *c;
	struct cred *cr;
	unsigned ua;
	const char *amnesty; /* header value, NULL when not sent */
	int amnesty_true;
	int cookie_form; /* 2: theme before the session, 3: after */
	const struct route *route;
	uint64_t id;
	const char *proto;
	const char *referer;
	int status;
	uint64_t bytes;
	int64_t t;
	unsigned day; /* UTC day index from --start */
};

struct line {
	char p[LINE_CAP];
	size_t len;
	size_t end_user; /* offset just past each secret, 0 when absent */
	size_t end_auth;
	size_t end_cookie;
};

struct out {
	const char *path;
	FILE *f;
	gzFile gz;
};

struct gen {
	struct opts o;
	struct fpkey key;
	struct rng crng; /* clients */
	struct rng lrng; /* lines */
	struct rng
	    orng; /* offset= tokens, apart so they change nothing else */
	struct rng xrng; /* --lifecycle, apart likewise */
	FILE *legacy;	 /* --legacy-truth: one row per API-key request */
	struct client *cl;
	uint64_t *cum; /* cumulative popularity weights */
	struct cred **creds;
	size_t ncreds;
	size_t capcreds;
	char *ua_log[NUA]; /* user agents as logged */
	struct names names;
	struct counts counts;
	struct tcache tc;
	int64_t start; /* --start as seconds since the epoch */
	uint64_t span; /* --days in seconds */
	uint64_t nclass[NCLS];
	uint64_t bad;
	uint64_t requests;
};

static _Noreturn void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("loggen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static _Noreturn void usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "loggen: %s: '%s'; try 'loggen --help'\n",
			what, arg);
	else
		fprintf(stderr, "loggen: %s; try 'loggen --help'\n", what);
	exit(2);
}

/* ---- calendar ---- */

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t year_len(int64_t y)
{
	return is_leap(y) ? 366 : 365;
}

static unsigned month_len(int64_t y, unsigned m)
{
	static const unsigned char len[12] = {31, 28, 31, 30, 31, 30,
					      31, 31, 30, 31, 30, 31};

	return len[m - 1] + (unsigned)(m == 2 && is_leap(y));
}

/* 2000-01-01 (day 10957) starts a 400-year cycle of 146097 days. */
static void civil(int64_t days, int *year, unsigned *mon, unsigned *mday)
{
	int64_t z = days - 10957;
	int64_t cycle = floordiv(z, 146097);
	int64_t y = 2000 + cycle * 400;
	unsigned m = 1;

	z -= cycle * 146097;
	while (z >= year_len(y)) {
		z -= year_len(y);
		y++;
	}
	while (z >= month_len(y, m)) {
		z -= month_len(y, m);
		m++;
	}
	*year = (int)y;
	*mon = m;
	*mday = (unsigned)z + 1;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t cycle = floordiv(y - 2000, 400);
	int64_t days = 10957 + cycle * 146097;
	int64_t yy;
	unsigned mm;

	for (yy = 2000 + cycle * 400; yy < y; yy++)
		days += year_len(yy);
	for (mm = 1; mm < m; mm++)
		days += month_len(y, mm);
	return days + d - 1;
}

/* YYYY-MM-DD of a day since the epoch, into out[11]. */
static void day_text(int64_t days, char *out, size_t n)
{
	int y;
	unsigned m;
	unsigned d;

	civil(days, &y, &m, &d);
	snprintf(out, n, "%04d-%02u-%02u", y, m, d);
}

/* YYYY-MM-DDTHH:MM:SSZ of an instant. */
static void iso_text(int64_t t, char *out, size_t n)
{
	int64_t days = floordiv(t, DAY_SECS);
	unsigned sod = (unsigned)(t - days * DAY_SECS);
	int y;
	unsigned m;
	unsigned d;

	civil(days, &y, &m, &d);
	snprintf(out, n, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d, sod / 3600,
		 sod / 60 % 60, sod % 60);
}

/* $time_local of instant t, cached per second and per local day. */
static const char *local_time(struct gen *g, int64_t t)
{
	struct tcache *tc = &g->tc;
	int64_t lt = t + g->o.tz;
	int64_t ld = floordiv(lt, DAY_SECS);
	unsigned sod = (unsigned)(lt - ld * DAY_SECS);

	if (t == tc->sec)
		return tc->text;
	if (ld != tc->lday) {
		civil(ld, &tc->year, &tc->mon, &tc->mday);
		tc->lday = ld;
	}
	snprintf(tc->text, sizeof(tc->text), "%02u/%s/%04d:%02u:%02u:%02u %s",
		 tc->mday, mon_name[tc->mon - 1], tc->year, sod / 3600,
		 sod / 60 % 60, sod % 60, g->o.tz_text);
	tc->sec = t;
	return tc->text;
}

/* ---- options ---- */

static uint64_t parse_num(const char *s, uint64_t lo, uint64_t hi,
			  const char *what)
{
	uint64_t v = 0;
	const char *p;

	if (!*s)
		usage_error(what, s);
	for (p = s; *p; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			usage_error(what, s);
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			usage_error(what, s);
		v = v * 10 + d;
	}
	if (v < lo || v > hi)
		usage_error(what, s);
	return v;
}

static unsigned digits_at(const char *s, size_t n)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 100000;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

static void parse_date(struct opts *o, const char *s)
{
	unsigned y;
	unsigned m;
	unsigned d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		usage_error("bad --start (want YYYY-MM-DD)", s);
	y = digits_at(s, 4);
	m = digits_at(s + 5, 2);
	d = digits_at(s + 8, 2);
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > month_len(y, m))
		usage_error("bad --start (want YYYY-MM-DD)", s);
	o->start_day = days_from_civil(y, m, d);
}

static void parse_tz(struct opts *o, const char *s)
{
	unsigned hh;
	unsigned mm;

	if (strlen(s) != 5 || (s[0] != '+' && s[0] != '-'))
		usage_error("bad --tz (want +HHMM or -HHMM)", s);
	hh = digits_at(s + 1, 2);
	mm = digits_at(s + 3, 2);
	if (hh > 23 || mm > 59)
		usage_error("bad --tz (want +HHMM or -HHMM)", s);
	o->tz = (long)(hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
	memcpy(o->tz_text, s, 6);
}

static void set_opt(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'L':
		if (!strcmp(arg, "combined"))
			o->layout = LAYOUT_COMBINED;
		else if (!strcmp(arg, "nginx"))
			o->layout = LAYOUT_NGINX;
		else
			usage_error("bad --layout (combined or nginx)", arg);
		break;
	case 'n':
		o->lines = parse_num(arg, 1, MAX_LINES, "bad --lines");
		break;
	case 'k':
		o->key_file = arg;
		break;
	case 'o':
		o->out = arg;
		break;
	case 's':
		o->seed = parse_num(arg, 0, UINT64_MAX, "bad --seed");
		break;
	case 'c':
		o->clients = parse_num(arg, 1, MAX_CLIENTS, "bad --clients");
		break;
	case 'd':
		o->days = parse_num(arg, 1, MAX_DAYS, "bad --days");
		break;
	case 'S':
		parse_date(o, arg);
		break;
	case 'z':
		parse_tz(o, arg);
		break;
	case 'D':
		o->damage = parse_num(arg, 0, 1000, "bad --damage");
		break;
	case 'p':
		o->phase2 = parse_num(arg, 0, UINT32_MAX, "bad --phase2-day");
		o->phase2_set = 1;
		break;
	case 'O':
		o->offsets = parse_num(arg, 0, 200, "bad --offsets");
		break;
	case 'l':
		o->lifecycle = 1;
		break;
	case 'T':
		o->legacy_truth = 1;
		break;
	case 'M':
		o->migrated_days =
		    parse_num(arg, 1, 3650, "bad --migrated-days");
		break;
	default:
		o->gzip = 1;
		break;
	}
}

static void set_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->layout = -1;
	o->seed = 1;
	o->clients = 3000;
	o->days = 7;
	o->start_day = days_from_civil(2026, 10, 1);
	memcpy(o->tz_text, "+0000", 6);
	o->damage = 10;
	o->migrated_days = 14;
}

static void check_opts(struct opts *o)
{
	if (o->layout < 0)
		usage_error("--layout is required", NULL);
	if (!o->lines)
		usage_error("--lines is required", NULL);
	if (!o->key_file)
		usage_error("--key-file is required", NULL);
	if (!o->out)
		usage_error("-o OUT is required", NULL);
	if (o->start_day + (int64_t)o->days + 1 >
	    days_from_civil(9999, 12, 31))
		usage_error("--start plus --days runs past the year 9999",
			    NULL);
	if (!o->phase2_set)
		o->phase2 = o->days / 2;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"layout", required_argument, NULL, 'L'},
	    {"lines", required_argument, NULL, 'n'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"output", required_argument, NULL, 'o'},
	    {"seed", required_argument, NULL, 's'},
	    {"clients", required_argument, NULL, 'c'},
	    {"days", required_argument, NULL, 'd'},
	    {"start", required_argument, NULL, 'S'},
	    {"tz", required_argument, NULL, 'z'},
	    {"damage", required_argument, NULL, 'D'},
	    {"phase2-day", required_argument, NULL, 'p'},
	    {"offsets", required_argument, NULL, 'O'},
	    {"gzip", no_argument, NULL, 'g'},
	    {"lifecycle", no_argument, NULL, 'l'},
	    {"migrated-days", required_argument, NULL, 'M'},
	    {"legacy-truth", no_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};

	set_defaults(o);
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv, ":o:h", longopts, NULL);

		if (ch == -1)
			break;
		if (ch == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (ch == '?')
			usage_error("unknown option", argv[optind - 1]);
		if (ch == ':')
			usage_error("option needs a value", argv[optind - 1]);
		set_opt(o, ch, optarg);
	}
	if (optind < argc)
		usage_error("unexpected argument", argv[optind]);
	check_opts(o);
}

/* ---- secrets ---- */

static char *base64(const char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *res = xmalloc(4 * ((n + 2) / 3) + 1);
	size_t o = 0;
	size_t i;

	for (i = 0; i < n; i += 3) {
		size_t left = n - i;
		uint32_t v = (uint32_t)(unsigned char)s[i] << 16;

		if (left > 1)
			v |= (uint32_t)(unsigned char)s[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)s[i + 2];
		res[o++] = tab[v >> 18 & 63];
		res[o++] = tab[v >> 12 & 63];
		res[o++] = left > 1 ? tab[v >> 6 & 63] : '=';
		res[o++] = left > 2 ? tab[v & 63] : '=';
	}
	res[o] = '\0';
	return res;
}

/* Fill n bytes at p from set; return p + n. */
static char *rand_text(struct rng *r, char *p, size_t n, const char *set)
{
	size_t m = strlen(set);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = set[rng_below(r, m)];
	return p + n;
}

/* 8 alphanumerics, a dot, 24 alphanumerics. */
static char *make_api_key(struct rng *r)
{
	char *s = xmalloc(8 + 1 + 24 + 1);
	char *p = rand_text(r, s, 8, alnum);

	*p++ = '.';
	p = rand_text(r, p, 24, alnum);
	*p = '\0';
	return s;
}

/* 0/HEX32, 1/DIGITS16:HEX32 or 2/DIGITS16/DIGITS16:HEX32. */
static char *make_pat(struct rng *r)
{
	char *s = xmalloc(2 + 16 + 1 + 16 + 1 + 32 + 1);
	unsigned v = (unsigned)rng_below(r, 3);
	char *p = s;

	*p++ = (char)('0' + v);
	*p++ = '/';
	if (v >= 1)
		p = rand_text(r, p, 16, decimal);
	if (v == 2) {
		*p++ = '/';
		p = rand_text(r, p, 16, decimal);
	}
	if (v >= 1)
		*p++ = ':';
	p = rand_text(r, p, 32, hexdigits);
	*p = '\0';
	return s;
}

/* 40 to 80 token characters; without '/' or ':' never of PAT shape. */
static char *make_oauth(struct rng *r)
{
	size_t n = 40 + (size_t)rng_below(r, 41);
	char *s = xmalloc(n + 1);

	*rand_text(r, s, n, tokchars) = '\0';
	return s;
}

static char *make_session(struct rng *r)
{
	char *s = xmalloc(32 + 1);

	*rand_text(r, s, 32, alnum) = '\0';
	return s;
}

static struct cred *new_cred(struct gen *g, int kind, char *secret)
{
	struct cred *cr = xcalloc(1, sizeof(*cr));

	cr->kind = kind;
	cr->secret = secret;
	if (kind == K_APIKEY || kind == K_PAT_BASIC) {
		size_t n = strlen(secret);
		char *pair = xmalloc(n + 2);

		memcpy(pair, secret, n);
		pair[n] = ':'; /* Basic auth with an empty password */
		pair[n + 1] = '\0';
		cr->b64 = base64(pair, n + 1);
		cr->user = xstrndup(secret, strcspn(secret, ":"));
		free(pair);
	}
	if (g->ncreds == g->capcreds) {
		g->capcreds = g->capcreds ? 2 * g->capcreds : 1024;
		g->creds = xrealloc(g->creds, g->capcreds * sizeof(*g->creds));
	}
	cr->id = (unsigned)g->ncreds;
	g->creds[g->ncreds++] = cr;
	return cr;
}

static void add_cred(struct gen *g, struct client *c, int kind, char *secret)
{
	if (c->ncred >= MAX_CREDS)
		abort();
	c->cred[c->ncred++] = new_cred(g, kind, secret);
}

/* A PAT over Bearer or Basic, or an OAuth token. */
static void add_token(struct gen *g, struct client *c, int kind)
{
	struct rng *r = &g->crng;

	if (kind == K_OAUTH)
		add_cred(g, c, kind, make_oauth(r));
	else
		add_cred(g, c, kind, make_pat(r));
}

/* ---- clients ---- */

static void make_addr(struct rng *r, char *out, size_t n)
{
	unsigned a = (unsigned)rng_below(r, 256);
	unsigned b = (unsigned)rng_below(r, 256);
	unsigned c = 1 + (unsigned)rng_below(r, 254);

	switch (rng_below(r, 5)) {
	case 0:
		snprintf(out, n, "10.%u.%u.%u", a, b, c);
		break;
	case 1:
		snprintf(out, n, "172.%u.%u.%u", 16 + a % 16, b, c);
		break;
	case 2:
		snprintf(out, n, "192.0.2.%u", c);
		break;
	case 3:
		snprintf(out, n, "198.51.100.%u", c);
		break;
	default:
		snprintf(out, n, "203.0.113.%u", c);
		break;
	}
}

/* Ids match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$; the index keeps them
 * distinct. */
static char *make_cid(struct rng *r, unsigned idx)
{
	char s[64];

	switch (rng_below(r, 5)) {
	case 0:
		snprintf(s, sizeof(s), "app-%05u", idx);
		break;
	case 1:
		snprintf(s, sizeof(s), "zapier-prod-%u", idx);
		break;
	case 2:
		snprintf(s, sizeof(s), "svc.sync:%u", idx);
		break;
	case 3:
		snprintf(s, sizeof(s), "Integration.%u-v2", idx);
		break;
	default:
		snprintf(s, sizeof(s), "ci-runner.%u", idx);
		break;
	}
	return xstrdup(s);
}

static int pick_profile(struct rng *r)
{
	unsigned v = (unsigned)rng_below(r, 100);

	if (v < 22)
		return P_LEGACY;
	if (v < 37)
		return P_MIXED;
	if (v < 65)
		return P_MIGRATED;
	if (v < 82)
		return P_BROWSER;
	return P_ANON;
}

static void pick_uas(struct rng *r, struct client *c, int fixed)
{
	unsigned first = UA_PY3;
	unsigned n = N_API_UA;
	unsigned i;

	if (fixed >= 0) {
		c->nua = 1;
		c->ua[0] = (unsigned)fixed;
		return;
	}
	if (c->profile == P_BROWSER) {
		first = UA_CHROME;
		n = N_BROWSER_UA;
	} else if (c->profile == P_ANON) {
		n = N_API_UA + N_BROWSER_UA;
	}
	c->nua = 1 + (unsigned)rng_below(r, 2);
	for (i = 0; i < c->nua; i++)
		c->ua[i] = first + (unsigned)rng_below(r, n);
}

static void add_creds(struct gen *g, struct client *c, int keys)
{
	struct rng *r = &g->crng;
	int i;
	int n = 1 + (int)rng_below(r, 2);
	unsigned v = (unsigned)rng_below(r, 100);

	switch (c->profile) {
	case P_LEGACY:
		if (!keys)
			keys = v < 20 ? 2 : 1;
		for (i = 0; i < keys; i++)
			add_cred(g, c, K_APIKEY, make_api_key(r));
		break;
	case P_MIXED:
		add_cred(g, c, K_APIKEY, make_api_key(r));
		add_token(g, c, v < 60 ? K_PAT_BEARER : K_PAT_BASIC);
		if (n == 2 && v % 2)
			add_token(g, c, K_OAUTH);
		break;
	case P_MIGRATED:
		for (i = 0; i < n; i++) {
			v = (unsigned)rng_below(r, 100);
			add_token(g, c,
				  v < 45   ? K_PAT_BEARER
				  : v < 65 ? K_PAT_BASIC
					   : K_OAUTH);
		}
		break;
	case P_BROWSER:
		for (i = 0; i < n; i++)
			add_cred(g, c, K_SESSION, make_session(r));
		break;
	default:
		add_cred(g, c, K_NONE, NULL);
		if (n == 2)
			add_cred(g, c, K_THEME, NULL);
		break;
	}
}

static int pick_amnesty_level(struct rng *r)
{
	unsigned v = (unsigned)rng_below(r, 100);

	if (v < 35)
		return 1;
	if (v < 50)
		return 2;
	if (v < 55)
		return 3;
	return 0;
}

static void make_client(struct gen *g, unsigned idx)
{
	struct client *c = &g->cl[idx];
	struct rng *r = &g->crng;
	const struct special *sp = idx < NSPECIAL ? &specials[idx] : NULL;
	int profile = pick_profile(r);

	make_addr(r, c->addr, sizeof(c->addr));
	if (rng_below(r, 100) < 60)
		c->cid = make_cid(r, idx);
	c->profile = sp ? sp->profile : profile;
	pick_uas(r, c, sp ? sp->ua : -1);
	add_creds(g, c, sp ? sp->keys : 0);
	c->amnesty = pick_amnesty_level(r);
	if (c->profile != P_LEGACY && c->profile != P_MIXED)
		c->amnesty = 0;
}

/* Zipf-like popularity: client i has weight (i + 1)^-1.1, kept as
 * integers (2^40 scale) so that sampling is exact arithmetic. */
static void make_popularity(struct gen *g)
{
	uint64_t total = 0;
	uint64_t i;

	g->cum = xmalloc(g->o.clients * sizeof(*g->cum));
	for (i = 0; i < g->o.clients; i++) {
		double w = pow((double)(i + 1), -ZIPF_EXP);

		total += (uint64_t)(w * 1099511627776.0) + 1;
		g->cum[i] = total;
	}
}

static unsigned pick_client(struct gen *g)
{
	uint64_t u = rng_below(&g->lrng, g->cum[g->o.clients - 1]);
	uint64_t lo = 0;
	uint64_t hi = g->o.clients - 1;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (g->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (unsigned)lo;
}

/* ---- truth clients ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void names_grow(struct names *nm)
{
	size_t nslot = nm->nslot ? 2 * nm->nslot : 1024;
	unsigned *slot = xcalloc(nslot, sizeof(*slot));
	size_t i;

	for (i = 0; i < nm->n; i++) {
		size_t h = hash_str(nm->v[i].name) & (nslot - 1);

		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = (unsigned)i + 1;
	}
	free(nm->slot);
	nm->slot = slot;
	nm->nslot = nslot;
}

static unsigned names_intern(struct names *nm, const char *s)
{
	size_t h;
	struct who *w;

	if (2 * (nm->n + 1) > nm->nslot)
		names_grow(nm);
	h = hash_str(s) & (nm->nslot - 1);
	while (nm->slot[h]) {
		if (!strcmp(nm->v[nm->slot[h] - 1].name, s))
			return nm->slot[h] - 1;
		h = (h + 1) & (nm->nslot - 1);
	}
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? 2 * nm->cap : 256;
		nm->v = xrealloc(nm->v, nm->cap * sizeof(*nm->v));
	}
	w = &nm->v[nm->n];
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(s);
	w->last_day = -1;
	nm->n++;
	nm->slot[h] = (unsigned)nm->n;
	return (unsigned)nm->n - 1;
}

static int cred_class(int layout, int kind)
{
	if (layout == LAYOUT_COMBINED) {
		if (kind == K_APIKEY)
			return CLS_API_KEY;
		return kind == K_PAT_BASIC ? CLS_PAT : CLS_UNKNOWN;
	}
	switch (kind) {
	case K_APIKEY:
		return CLS_API_KEY;
	case K_PAT_BEARER:
	case K_PAT_BASIC:
		return CLS_PAT;
	case K_OAUTH:
		return CLS_OAUTH;
	case K_SESSION:
		return CLS_SESSION;
	default:
		return CLS_NONE;
	}
}

/* The client keyaudit names: the id, else the credential's fingerprint,
 * else the address.  The combined layout knows only $remote_user. */
static unsigned cred_who(struct gen *g, const struct client *c,
			 const struct cred *cr)
{
	int nginx = g->o.layout == LAYOUT_NGINX;
	const char *cred = nginx ? cr->secret : cr->user;
	char name[64];
	char hex[FP_HEXLEN + 1];

	if (nginx && c->cid)
		return names_intern(&g->names, c->cid);
	if (cred) {
		fp_hex(&g->key, cred, strlen(cred), hex);
		snprintf(name, sizeof(name), "fp:%s", hex);
	} else {
		snprintf(name, sizeof(name), "addr:%s", c->addr);
	}
	return names_intern(&g->names, name);
}

/* As nginx escapes a variable: '"', '\' and non-printables as \xHH. */
static char *escape_log(const char *s)
{
	char *res = xmalloc(4 * strlen(s) + 1);
	char *p = res;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x7f) {
			snprintf(p, 5, "\\x%02X", ch);
			p += 4;
		} else {
			*p++ = (char)ch;
		}
	}
	*p = '\0';
	return res;
}

/* ---- --lifecycle ---- */

/* What an API-key client does over the days: keep going (35%), move to
 * a token on day a (25%), move on day a and come back to its key on day
 * b, half the corpus later (20%), or stop sending anything on day a
 * (20%).  Drawn from a generator of its own, so that the clients and
 * lines of a corpus without --lifecycle stay as they were. */
static void make_lifecycle(struct gen *g, struct client *c)
{
	struct rng *r = &g->xrng;
	unsigned days = (unsigned)g->o.days;
	unsigned v = (unsigned)rng_below(r, 100);
	int kind = g->o.layout == LAYOUT_NGINX ? K_PAT_BEARER : K_PAT_BASIC;

	c->life = v < 35   ? LIFE_NONE
		  : v < 60 ? LIFE_MIGRATES
		  : v < 80 ? LIFE_REGRESSES
			   : LIFE_DORMANT;
	c->life_a = 1 + (unsigned)rng_below(r, days / 2 + 1);
	if (c->life == LIFE_REGRESSES) {
		c->life_a = 1 + (unsigned)rng_below(r, days / 4 + 1);
		c->life_b = c->life_a + days / 2;
	}
	c->modern = new_cred(g, kind, make_pat(r));
	c->modern->cls = cred_class(g->o.layout, kind);
	c->modern->who = cred_who(g, c, c->modern);
}

static void make_lifecycles(struct gen *g)
{
	rng_seed(&g->xrng, g->o.seed ^ 0x6c696665ULL); /* "life" */
	for (uint64_t i = 0; i < g->o.clients; i++)
		if (g->cl[i].ncred && g->cl[i].cred[0]->kind == K_APIKEY)
			make_lifecycle(g, &g->cl[i]);
}

/* Does c send nothing on day? */
static int quiet(const struct client *c, unsigned day)
{
	return c->life == LIFE_DORMANT && day >= c->life_a;
}

/* Does c send its token instead of its API key on day? */
static int moved(const struct client *c, unsigned day)
{
	if (c->life == LIFE_MIGRATES)
		return day >= c->life_a;
	return c->life == LIFE_REGRESSES && day >= c->life_a &&
	       day < c->life_b;
}

/* ---- --legacy-truth ---- */

static char *truth_path(const char *out, const char *suffix);
static FILE *truth_open(const char *path);

static void legacy_open(struct gen *g)
{
	char *path = truth_path(g->o.out, ".legacy.csv");

	g->legacy = truth_open(path);
	free(path);
	fputs("client,fp,day,time,amnesty,status,agent,route\n", g->legacy);
	for (size_t i = 0; i < g->ncreds; i++) {
		struct cred *cr = g->creds[i];
		const char *cred =
		    g->o.layout == LAYOUT_NGINX ? cr->secret : cr->user;

		if (cr->kind == K_APIKEY && cred)
			fp_hex(&g->key, cred, strlen(cred), cr->fp);
	}
}

/* A CSV cell, always quoted. */
static void csv_cell(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* One API-key request as keyaudit counts it. */
static void legacy_row(struct gen *g, const struct req *q, int amnesty)
{
	char day[16];

	csv_cell(g->legacy, g->names.v[q->cr->who].name);
	day_text(g->o.start_day + (int64_t)q->day, day, sizeof(day));
	fprintf(g->legacy, ",%s,%s,%" PRId64 ",%d,%d,", q->cr->fp, day, q->t,
		amnesty, q->status);
	csv_cell(g->legacy, g->ua_log[q->ua]);
	fputc(',', g->legacy);
	csv_cell(g->legacy, q->route->tmpl ? q->route->tmpl : "");
	fputc('\n', g->legacy);
}

static void setup(struct gen *g)
{
	unsigned i;
	unsigned j;

	rng_seed(&g->crng, g->o.seed ^ 0x636c69656e7473ULL); /* "clients" */
	rng_seed(&g->lrng, g->o.seed ^ 0x6c696e6573ULL);     /* "lines" */
	rng_seed(&g->orng, g->o.seed ^ 0x6f6666736574ULL);   /* "offset" */
	for (i = 0; i < NUA; i++)
		g->ua_log[i] = escape_log(ua_text[i]);
	make_popularity(g);
	g->cl = xcalloc(g->o.clients, sizeof(*g->cl));
	for (i = 0; i < g->o.clients; i++)
		make_client(g, i);
	for (i = 0; i < g->o.clients; i++) {
		for (j = 0; j < g->cl[i].ncred; j++) {
			struct cred *cr = g->cl[i].cred[j];

			cr->cls = cred_class(g->o.layout, cr->kind);
			cr->who = cred_who(g, &g->cl[i], cr);
		}
	}
	g->start = g->o.start_day * DAY_SECS;
	g->span = g->o.days * DAY_SECS;
	g->tc.sec = INT64_MIN;
	g->tc.lday = INT64_MIN;
	if (g->o.lifecycle)
		make_lifecycles(g);
	if (g->o.legacy_truth)
		legacy_open(g);
}

/* ---- counting ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* who in bits 32-63, day 16-31, class 13-15, amnesty 12, status 0-11. */
static uint64_t pack_key(unsigned who, unsigned day, int cls, int amnesty,
			 int status)
{
	return (uint64_t)who << 32 | (uint64_t)day << 16 |
	       (uint64_t)cls << 13 | (uint64_t)amnesty << 12 |
	       (uint64_t)status;
}

static void counts_insert(struct counts *ct, uint64_t key, uint64_t val)
{
	size_t h = mix64(key) & (ct->cap - 1);

	while (ct->key[h] != EMPTY_KEY && ct->key[h] != key)
		h = (h + 1) & (ct->cap - 1);
	if (ct->key[h] == EMPTY_KEY) {
		ct->key[h] = key;
		ct->val[h] = 0;
		ct->n++;
	}
	ct->val[h] += val;
}

static void counts_grow(struct counts *ct)
{
	struct counts old = *ct;
	size_t i;

	ct->cap = old.cap ? 2 * old.cap : 4096;
	ct->n = 0;
	ct->key = xmalloc(ct->cap * sizeof(*ct->key));
	ct->val = xmalloc(ct->cap * sizeof(*ct->val));
	memset(ct->key, 0xff, ct->cap * sizeof(*ct->key));
	for (i = 0; i < old.cap; i++)
		if (old.key[i] != EMPTY_KEY)
			counts_insert(ct, old.key[i], old.val[i]);
	free(old.key);
	free(old.val);
}

static void counts_add(struct counts *ct, uint64_t key)
{
	if (2 * (ct->n + 1) > ct->cap)
		counts_grow(ct);
	counts_insert(ct, key, 1);
}

static void who_add_cred(struct who *w, unsigned id)
{
	unsigned i;

	for (i = 0; i < w->ncred; i++)
		if (w->creds[i] == id)
			return;
	w->creds = xrealloc(w->creds, (w->ncred + 1) * sizeof(*w->creds));
	w->creds[w->ncred++] = id;
}

static void record_legacy(struct who *w, const struct req *q, int amnesty)
{
	w->legacy++;
	w->amnesty += (uint64_t)amnesty;
	if (w->legacy == 1)
		w->first = q->t;
	w->last = q->t;
	if (w->last_day != (int64_t)q->day) {
		w->days++;
		w->last_day = q->day;
	}
	w->uac[q->ua]++;
	for (unsigned i = 0; i < NTMPL; i++)
		if (q->route->tmpl && !strcmp(q->route->tmpl, tmpl_names[i]))
			w->rtc[i]++;
	who_add_cred(w, q->cr->id);
}

/* A request's day by its user agent, legacy or not, into w. */
static void who_ua_day(struct who *w, const struct req *q, int legacy)
{
	int32_t day = (int32_t)q->day;

	if (!w->seen) {
		for (unsigned u = 0; u < NUA; u++)
			w->lu_last[u] = w->mu_first[u] = w->mu_last[u] = -1;
		w->llast = -1;
		w->seen = 1;
	}
	if (legacy) {
		w->lu_last[q->ua] =
		    day > w->lu_last[q->ua] ? day : w->lu_last[q->ua];
		w->llast = day > w->llast ? day : w->llast;
		return;
	}
	if (w->mu_first[q->ua] < 0 || day < w->mu_first[q->ua])
		w->mu_first[q->ua] = day;
	w->mu_last[q->ua] = day > w->mu_last[q->ua] ? day : w->mu_last[q->ua];
}

/* Count a valid line as keyaudit will. */
static void record(struct gen *g, const struct req *q)
{
	const struct cred *cr = q->cr;
	struct who *w = &g->names.v[cr->who];
	int amnesty = g->o.layout == LAYOUT_NGINX && q->amnesty_true;

	g->requests++;
	g->nclass[cr->cls]++;
	who_ua_day(w, q, cr->cls == CLS_API_KEY);
	counts_add(&g->counts,
		   pack_key(cr->who, q->day, cr->cls, amnesty, q->status));
	w->all++;
	if (q->status == 434)
		w->s434++;
	if (cr->cls == CLS_API_KEY)
		record_legacy(w, q, amnesty);
	if (cr->cls == CLS_API_KEY && g->legacy)
		legacy_row(g, q, amnesty);
}

/* ---- requests ---- */

static struct cred *pick_cred(struct rng *r, const struct client *c)
{
	if (c->profile == P_MIXED) {
		if (rng_below(r, 2) == 0)
			return c->cred[0];
		return c->cred[1 + rng_below(r, c->ncred - 1)];
	}
	return c->cred[rng_below(r, c->ncred)];
}

/* The amnesty header rides on API-key requests only. */
static void pick_amnesty(struct rng *r, struct req *q)
{
	unsigned v = (unsigned)rng_below(r, 100);

	q->amnesty = NULL;
	q->amnesty_true = 0;
	if (q->cr->kind != K_APIKEY || q->c->amnesty == 0)
		return;
	if (q->c->amnesty == 3) {
		q->amnesty = "false";
		return;
	}
	if (q->c->amnesty == 2 && v % 2)
		return;
	v = (unsigned)rng_below(r, 100);
	if (v < 88)
		q->amnesty = "true";
	else if (v < 94)
		q->amnesty = "True";
	else if (v < 98)
		q->amnesty = "TRUE";
	else
		q->amnesty = "false";
	q->amnesty_true = q->amnesty[0] != 'f';
}

static const struct route *pick_route(const struct route *t, size_t n,
				      unsigned v)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (v < t[i].weight)
			return &t[i];
		v -= t[i].weight;
	}
	return &t[n - 1];
}

static void pick_target(struct rng *r, struct req *q)
{
	unsigned v = (unsigned)rng_below(r, 100);

	q->id = 1000000000000ULL + rng_below(r, 9000000000000ULL);
	q->proto = rng_below(r, 10) ? "HTTP/1.1" : "HTTP/2.0";
	if (q->c->profile == P_BROWSER)
		q->route =
		    pick_route(browser_routes, NELEM(browser_routes), v);
	else if (q->c->profile == P_ANON)
		q->route = pick_route(anon_routes, NELEM(anon_routes), v);
	else
		q->route = pick_route(api_routes, NELEM(api_routes), v);
}

/* Mostly success; API keys without amnesty are refused with 434 on
 * three in ten requests from --phase2-day on. */
static void pick_status(struct gen *g, struct req *q)
{
	struct rng *r = &g->lrng;
	unsigned v = (unsigned)rng_below(r, 1000);
	int refuse = rng_below(r, 10) < 3;
	const char *m = q->route->method;
	int ok = !strcmp(m, "POST") ? 201 : !strcmp(m, "DELETE") ? 204 : 200;

	q->status = v < 40 ? 404 : v < 60 ? 429 : v < 70 ? 500 : ok;
	if (q->cr->kind == K_APIKEY && !q->amnesty_true &&
	    q->day >= g->o.phase2 && refuse)
		q->status = 434;
	if (q->status == 204)
		q->bytes = 0;
	else if (q->status >= 400)
		q->bytes = 50 + rng_below(r, 300);
	else
		q->bytes = rng_below(r, 20000);
}

static void pick_referer(struct rng *r, struct req *q)
{
	unsigned v = (unsigned)rng_below(r, 100);

	q->referer = NULL;
	if (q->c->profile == P_BROWSER && v < 60)
		q->referer = v < 40 ? "https://app.asana.com/0/home"
				    : "https://app.asana.com/";
	else if (v < 2)
		q->referer = "https://example.com/integrations";
}

static void make_request(struct gen *g, struct req *q, uint64_t off)
{
	struct rng *r = &g->lrng;
	struct client *c = &g->cl[pick_client(g)];
	unsigned v;

	q->day = (unsigned)(off / DAY_SECS);
	for (int tries = 0; tries < 100 && quiet(c, q->day); tries++)
		c = &g->cl[pick_client(g)];
	v = (unsigned)rng_below(r, 100);
	q->c = c;
	q->t = g->start + (int64_t)off;
	q->cr = pick_cred(r, c);
	if (q->cr->kind == K_APIKEY && moved(c, q->day))
		q->cr = c->modern;
	q->ua = c->ua[c->nua > 1 && v < 30 ? 1 : 0];
	q->cookie_form = (int)rng_below(r, 4);
	pick_amnesty(r, q);
	pick_target(r, q);
	pick_status(g, q);
	pick_referer(r, q);
}

/* ---- rendering ---- */

static void put(struct line *l, const char *s, size_t n)
{
	if (n > LINE_CAP - l->len)
		abort(); /* cannot happen: every part is bounded */
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void put_str(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static void put_u(struct line *l, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(l, tmp + i, sizeof(tmp) - i);
}

/* "s", or "-" for an empty variable as nginx writes it. */
static void put_quoted(struct line *l, const char *s)
{
	put_str(l, "\"");
	put_str(l, s && *s ? s : "-");
	put_str(l, "\"");
}

/* A pagination token, as APIs put in list requests: what makes a
 * corpus compress like real logs (--offsets). */
static void put_offset(struct gen *g, struct line *l, const char *target)
{
	static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789-_";
	static const char hexd[] = "0123456789abcdef";
	char tok[201];

	if (!g->o.offsets)
		return;
	for (uint64_t i = 0; i < g->o.offsets; i++)
		tok[i] = i % 16
			     ? hexd[rng_below(&g->orng, 16)]
			     : b64url[rng_below(&g->orng, sizeof(b64url) - 1)];
	tok[g->o.offsets] = '\0';
	put_str(l, strchr(target, '?') ? "&offset=" : "?offset=");
	put_str(l, tok);
}

static void put_request(struct gen *g, struct line *l, const struct req *q)
{
	put_str(l, q->route->method);
	put_str(l, " ");
	put_str(l, q->route->head);
	if (q->route->tail) {
		put_u(l, q->id);
		put_str(l, q->route->tail);
	}
	put_offset(g, l, q->route->tail ? q->route->tail : q->route->head);
	put_str(l, " ");
	put_str(l, q->proto);
}

static void put_auth(struct line *l, const struct cred *cr)
{
	if (cr->b64) {
		put_str(l, "Basic ");
		put_str(l, cr->b64);
		l->end_auth = l->len;
	} else if (cr->kind == K_PAT_BEARER || cr->kind == K_OAUTH) {
		put_str(l, "Bearer ");
		put_str(l, cr->secret);
		l->end_auth = l->len;
	} else {
		put_str(l, "-");
	}
}

static void put_cookie(struct line *l, const struct req *q)
{
	if (q->cr->kind == K_THEME) {
		put_str(l, "theme=dark");
		return;
	}
	if (q->cr->kind != K_SESSION) {
		put_str(l, "-");
		return;
	}
	if (q->cookie_form == 2)
		put_str(l, "theme=dark; ");
	put_str(l, "session=");
	put_str(l, q->cr->secret);
	l->end_cookie = l->len;
	if (q->cookie_form == 3)
		put_str(l, "; theme=dark");
}

static void render_nginx(struct line *l, const struct req *q)
{
	put_str(l, " \"");
	put_auth(l, q->cr);
	put_str(l, "\" ");
	put_quoted(l, q->amnesty);
	put_str(l, " ");
	put_quoted(l, q->c->cid);
	put_str(l, " \"");
	put_cookie(l, q);
	put_str(l, "\"");
}

/* The line without its newline. */
static void render(struct gen *g, const struct req *q, struct line *l)
{
	l->len = 0;
	l->end_user = 0;
	l->end_auth = 0;
	l->end_cookie = 0;
	put_str(l, q->c->addr);
	put_str(l, " - ");
	if (q->cr->user) {
		put_str(l, q->cr->user);
		l->end_user = l->len;
	} else {
		put_str(l, "-");
	}
	put_str(l, " [");
	put_str(l, local_time(g, q->t));
	put_str(l, "] \"");
	put_request(g, l, q);
	put_str(l, "\" ");
	put_u(l, (uint64_t)q->status);
	put_str(l, " ");
	put_u(l, q->bytes);
	put_str(l, " ");
	put_quoted(l, q->referer);
	put_str(l, " ");
	put_quoted(l, g->ua_log[q->ua]);
	if (g->o.layout == LAYOUT_NGINX)
		render_nginx(l, q);
}

/* Note the secrets written whole in the first upto bytes of l. */
static void mark_secrets(struct cred *cr, const struct line *l, size_t upto)
{
	if (l->end_user && l->end_user <= upto)
		cr->seen_user = 1;
	if (l->end_auth && l->end_auth <= upto)
		cr->seen_auth = 1;
	if (l->end_cookie && l->end_cookie <= upto)
		cr->seen_cookie = 1;
}

/* 20 to 200 bytes of TLS-handshake-like junk, no NUL, CR or LF. */
static void make_junk(struct rng *r, struct line *l)
{
	size_t n = 20 + (size_t)rng_below(r, 181);
	size_t i;

	l->p[0] = 0x16;
	l->p[1] = 0x03;
	l->p[2] = 0x01;
	for (i = 3; i < n; i++) {
		unsigned b;

		do {
			b = 1 + (unsigned)rng_below(r, 255);
		} while (b == '\n' || b == '\r');
		l->p[i] = (char)b;
	}
	l->len = n;
}

static void make_damaged(struct gen *g, uint64_t off, struct line *l)
{
	struct req q;
	size_t cut;

	g->bad++;
	if (rng_below(&g->lrng, 2)) {
		make_junk(&g->lrng, l);
		return;
	}
	make_request(g, &q, off);
	render(g, &q, l);
	/* Keep 1 .. len-1 bytes: the closing quote is always lost. */
	cut = 1 + (size_t)rng_below(&g->lrng, l->len - 1);
	mark_secrets(q.cr, l, cut);
	l->len = cut;
}

/* Line i (from 0), newline included. */
static void make_line(struct gen *g, uint64_t i, struct line *l)
{
	uint64_t off = i * g->span / g->o.lines;
	struct req q;

	if (rng_below(&g->lrng, 1000) < g->o.damage) {
		make_damaged(g, off, l);
	} else {
		make_request(g, &q, off);
		render(g, &q, l);
		mark_secrets(q.cr, l, l->len);
		record(g, &q);
	}
	put(l, "\n", 1);
}

/* ---- output ---- */

static void out_open(struct out *o, const char *path, int gz)
{
	o->path = path;
	o->f = NULL;
	o->gz = NULL;
	if (gz) {
		o->gz = gzopen(path, "wb6"); /* level 6, zlib's default */
		if (!o->gz)
			die("%s: cannot create: %s", path, strerror(errno));
		gzbuffer(o->gz, 1 << 17);
		return;
	}
	o->f = fopen(path, "wb");
	if (!o->f)
		die("%s: cannot create: %s", path, strerror(errno));
}

static void out_write(struct out *o, const char *p, size_t n)
{
	if (o->gz) {
		if (gzwrite(o->gz, p, (unsigned)n) != (int)n)
			die("%s: write failed", o->path);
	} else if (fwrite(p, 1, n, o->f) != n) {
		die("%s: write failed: %s", o->path, strerror(errno));
	}
}

static void out_close(struct out *o)
{
	if (o->gz) {
		if (gzclose(o->gz) != Z_OK)
			die("%s: write failed", o->path);
	} else if (fclose(o->f) != 0) {
		die("%s: write failed: %s", o->path, strerror(errno));
	}
}

static void write_log(struct gen *g)
{
	struct out o;
	struct line *l = xmalloc(sizeof(*l));
	uint64_t i;

	out_open(&o, g->o.out, g->o.gzip);
	for (i = 0; i < g->o.lines; i++) {
		make_line(g, i, l);
		out_write(&o, l->p, l->len);
	}
	out_close(&o);
	free(l);
}

/* ---- truth files ---- */

/* OUT without a trailing ".gz", plus suffix; the caller frees it. */
static char *truth_path(const char *out, const char *suffix)
{
	size_t n = strlen(out);
	char *p;

	if (n > 3 && !strcmp(out + n - 3, ".gz"))
		n -= 3;
	p = xmalloc(n + strlen(suffix) + 1);
	memcpy(p, out, n);
	strcpy(p + n, suffix);
	return p;
}

static FILE *truth_open(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("%s: cannot create: %s", path, strerror(errno));
	return f;
}

static void truth_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		die("%s: write failed", path);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
	const struct who *x = *(const struct who *const *)a;
	const struct who *y = *(const struct who *const *)b;

	return strcmp(x->name, y->name);
}

/* Every truth client, in bytewise name order, each told its rank. */
static struct who **sort_names(struct gen *g)
{
	struct who **v = xmalloc((g->names.n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < g->names.n; i++)
		v[i] = &g->names.v[i];
	qsort(v, g->names.n, sizeof(*v), cmp_name);
	for (i = 0; i < g->names.n; i++)
		v[i]->rank = (unsigned)i;
	return v;
}

/* The count keys, client replaced by name rank and class by class-name
 * rank, so that sorting the numbers sorts the rows; values follow each
 * key at [2i + 1]. */
static uint64_t *sorted_counts(struct gen *g)
{
	const struct counts *ct = &g->counts;
	uint64_t *rows = xmalloc((2 * ct->n + 1) * sizeof(*rows));
	size_t i;
	size_t n = 0;

	for (i = 0; i < ct->cap; i++) {
		uint64_t k = ct->key[i];
		uint64_t rank;

		if (k == EMPTY_KEY)
			continue;
		rank = g->names.v[k >> 32].rank;
		rows[n++] = rank << 32 | (k & 0xffff0000ULL) |
			    (uint64_t)cls_rank[k >> 13 & 7] << 13 |
			    (k & 0x1fff);
		rows[n++] = ct->val[i];
	}
	qsort(rows, ct->n, 2 * sizeof(*rows), cmp_u64);
	return rows;
}

static void write_counts(struct gen *g, struct who **byname)
{
	char *path = truth_path(g->o.out, ".counts.csv");
	FILE *f = truth_open(path);
	uint64_t *rows = sorted_counts(g);
	size_t i;

	fputs("client,day,class,amnesty,status,requests\n", f);
	for (i = 0; i < g->counts.n; i++) {
		uint64_t k = rows[2 * i];
		char day[16];

		day_text(g->o.start_day + (int64_t)(k >> 16 & 0xffff), day,
			 sizeof(day));
		fprintf(f, "%s,%s,%s,%u,%u,%" PRIu64 "\n",
			byname[k >> 32]->name, day, cls_sorted[k >> 13 & 7],
			(unsigned)(k >> 12 & 1), (unsigned)(k & 0xfff),
			rows[2 * i + 1]);
	}
	truth_close(f, path);
	free(rows);
	free(path);
}

/* A text cell: quoted, '"' doubled, and a leading = + - @ TAB or CR
 * defused with a single quote. */
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

/* The most frequent user agent of API-key requests; ties go to the
 * bytewise smallest. */
static const char *top_agent(const struct gen *g, const struct who *w)
{
	int best = -1;
	int i;

	for (i = 0; i < NUA; i++) {
		if (!w->uac[i])
			continue;
		if (best < 0 || w->uac[i] > w->uac[best] ||
		    (w->uac[i] == w->uac[best] &&
		     strcmp(g->ua_log[i], g->ua_log[best]) < 0))
			best = i;
	}
	return best < 0 ? "" : g->ua_log[best];
}

/* One truth client's requests on one day: legacy and others. */
struct wday {
	unsigned who;
	unsigned day;
	uint64_t legacy;
	uint64_t refused; /* legacy with status 434 */
	uint64_t modern;
};

static int cmp_wday(const void *a, const void *b)
{
	const struct wday *x = a;
	const struct wday *y = b;

	if (x->who != y->who)
		return x->who < y->who ? -1 : 1;
	return x->day < y->day ? -1 : x->day > y->day;
}

/* Each legacy client's state on day now, walking day by day from its
 * first request: dormant after N days without any request, migrated
 * after N without a legacy one and with others since, regressed when
 * refused when every legacy request since its last day with one that
 * succeeded was refused (434), regressed when legacy again after being
 * migrated, else mixed once it sent anything else, else legacy-only. */
static void walk_states(struct gen *g, struct who *w, const struct wday *d,
			size_t nd, int64_t now)
{
	int64_t n = (int64_t)g->o.migrated_days;
	int64_t a = INT64_MIN / 2, l = INT64_MIN / 2, m = INT64_MIN / 2;
	int64_t ok = INT64_MIN / 2;
	int any_modern = 0, was_migrated = 0, prev = -1;
	size_t i = 0;

	for (int64_t day = d[0].day; day <= now; day++) {
		int st;

		if (i < nd && d[i].day == day) {
			a = day;
			if (d[i].legacy)
				l = day;
			if (d[i].legacy > d[i].refused)
				ok = day;
			if (d[i].modern)
				m = day, any_modern = 1;
			i++;
		}
		if (l < 0)
			continue;
		if (day - a >= n && w->has_heir && w->heir_first <= day &&
		    w->heir_last == l)
			st = ST_MIGRATED; /* probably: by its successor */
		else if (day - a >= n)
			st = ST_DORMANT;
		else if (day - l >= n && m > l)
			st = ST_MIGRATED;
		else if (l > ok)
			st = ST_REFUSED;
		else if (was_migrated)
			st = ST_REGRESSED;
		else
			st = any_modern ? ST_MIXED : ST_LEGACY_ONLY;
		was_migrated |= st == ST_MIGRATED;
		if (st != prev)
			w->since = day;
		w->state = prev = st;
	}
}

static int64_t dist64(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* The successor o's use of agent u is a better one for w (last legacy
 * day L) than best's (first day bf) -- keyaudit's rule: within 14 days
 * of L, used after it, the nearest, then the first by name, then the
 * earliest. */
static int heir_better(const struct who *o, unsigned u, int64_t L,
		       const struct who *best, int64_t bf)
{
	int64_t f = o->mu_first[u];
	int c;

	if (f < 0 || o->mu_last[u] <= L || dist64(f, L) > 14)
		return 0;
	if (!best || dist64(f, L) != dist64(bf, L))
		return !best || dist64(f, L) < dist64(bf, L);
	c = strcmp(o->name, best->name);
	return c ? c < 0 : f < bf;
}

/* w's successor among the credentials of the clients grp[0..n), which
 * share its client's address: keyaudit's succession by address and
 * agent. */
static void find_heir(struct gen *g, const unsigned *grp, size_t n,
		      struct who *w)
{
	const struct who *best = NULL;
	int64_t bf = 0;

	for (unsigned u = 0; u < NUA; u++) {
		if (w->lu_last[u] < 0 || w->lu_last[u] < w->llast - 14)
			continue;
		for (size_t x = 0; x < n; x++) {
			const struct client *c = &g->cl[grp[x]];

			for (unsigned j = 0; j <= c->ncred; j++) {
				const struct cred *m =
				    j < c->ncred ? c->cred[j] : c->modern;
				const struct who *o =
				    m ? &g->names.v[m->who] : NULL;

				if (!o || o == w ||
				    strncmp(o->name, "fp:", 3) != 0 ||
				    !heir_better(o, u, w->llast, best, bf))
					continue;
				best = o;
				bf = o->mu_first[u];
			}
		}
	}
	if (best) {
		w->has_heir = 1;
		w->heir_first = bf;
		w->heir_last = w->llast;
	}
}

static const struct gen *addr_gen; /* for cmp_addr() */

static int cmp_addr(const void *a, const void *b)
{
	return strcmp(addr_gen->cl[*(const unsigned *)a].addr,
		      addr_gen->cl[*(const unsigned *)b].addr);
}

/* The legacy credentials named after themselves, and their successors
 * among the credentials sent from their address. */
static void find_heirs(struct gen *g)
{
	unsigned *idx = xmalloc((g->o.clients + 1) * sizeof(*idx));
	size_t n = (size_t)g->o.clients;

	for (size_t i = 0; i < n; i++)
		idx[i] = (unsigned)i;
	addr_gen = g;
	qsort(idx, n, sizeof(*idx), cmp_addr);
	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n &&
		       strcmp(g->cl[idx[e]].addr, g->cl[idx[i]].addr) == 0)
			e++;
		for (size_t x = i; x < e; x++) {
			const struct client *c = &g->cl[idx[x]];

			for (unsigned k = 0; k < c->ncred; k++) {
				struct who *w = &g->names.v[c->cred[k]->who];

				if (c->cred[k]->cls == CLS_API_KEY &&
				    w->seen &&
				    strncmp(w->name, "fp:", 3) == 0 &&
				    !w->has_heir && w->llast >= 0)
					find_heir(g, idx + i, e - i, w);
			}
		}
		i = e;
	}
	free(idx);
}

static void make_states(struct gen *g)
{
	const struct counts *ct = &g->counts;
	struct wday *d = xmalloc((ct->n + 1) * sizeof(*d));
	size_t n = 0, j = 0;
	int64_t now = 0;

	for (size_t i = 0; i < ct->cap; i++) {
		uint64_t k = ct->key[i];
		int legacy = (k >> 13 & 7) == CLS_API_KEY;

		if (k == EMPTY_KEY)
			continue;
		d[n].who = (unsigned)(k >> 32);
		d[n].day = (unsigned)(k >> 16 & 0xffff);
		d[n].legacy = legacy ? ct->val[i] : 0;
		d[n].refused = legacy && (k & 0xfff) == 434 ? ct->val[i] : 0;
		d[n].modern = legacy ? 0 : ct->val[i];
		if ((int64_t)d[n].day > now)
			now = d[n].day;
		n++;
	}
	qsort(d, n, sizeof(*d), cmp_wday);
	for (size_t i = 0; i < n; i++) { /* one entry per who and day */
		if (j && d[j - 1].who == d[i].who &&
		    d[j - 1].day == d[i].day) {
			d[j - 1].legacy += d[i].legacy;
			d[j - 1].refused += d[i].refused;
			d[j - 1].modern += d[i].modern;
		} else {
			d[j++] = d[i];
		}
	}
	find_heirs(g);
	for (size_t i = 0; i < j;) {
		size_t e = i;

		while (e < j && d[e].who == d[i].who)
			e++;
		walk_states(g, &g->names.v[d[i].who], d + i, e - i, now);
		i = e;
	}
	free(d);
}

/* state, state_since and the busiest routes ("ROUTE N; ROUTE N"; ties
 * in bytewise order) of a legacy client. */
static void put_states(FILE *f, const struct gen *g, const struct who *w)
{
	char day[16];
	int done[NTMPL] = {0};

	day_text(g->o.start_day + w->since, day, sizeof(day));
	put_cell(f, state_name[w->state]);
	fputc(',', f);
	put_cell(f, day);
	fputs(",\"", f);
	for (int k = 0; k < TOP_ROUTES; k++) {
		int best = -1;

		for (int i = 0; i < NTMPL; i++)
			if (!done[i] && w->rtc[i] &&
			    (best < 0 || w->rtc[i] > w->rtc[best]))
				best = i;
		if (best < 0)
			break;
		done[best] = 1;
		fprintf(f, "%s%s %" PRIu64, k ? "; " : "", tmpl_names[best],
			w->rtc[best]);
	}
	fputc('"', f);
}

static void migration_row(FILE *f, const struct gen *g, const struct who *w)
{
	char first[32];
	char last[32];

	iso_text(w->first, first, sizeof(first));
	iso_text(w->last, last, sizeof(last));
	put_cell(f, w->name);
	fprintf(f,
		",%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%.4f,%" PRIu64 ",",
		w->legacy, w->amnesty, (double)w->amnesty / (double)w->legacy,
		w->all, (double)w->legacy / (double)w->all, w->s434);
	put_cell(f, first);
	fputc(',', f);
	put_cell(f, last);
	fprintf(f, ",%u,", w->days);
	put_cell(f, top_agent(g, w));
	fprintf(f, ",%u,", w->ncred);
	put_states(f, g, w);
	/* no response of the generator's carries a platform warning */
	fputs(",\"\"\r\n", f);
}

static int cmp_legacy(const void *a, const void *b)
{
	const struct who *x = *(const struct who *const *)a;
	const struct who *y = *(const struct who *const *)b;

	if (x->legacy != y->legacy)
		return x->legacy > y->legacy ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The legacy clients probably succeeded by address and agent: client,
 * the successor's first day, the last legacy day it was found for. */
static void write_heirs(struct gen *g, struct who **byname)
{
	char *path = truth_path(g->o.out, ".heirs.csv");
	FILE *f = truth_open(path);
	char a[16], b[16];

	fputs("client,heir_first,heir_last\n", f);
	for (size_t i = 0; i < g->names.n; i++) {
		const struct who *w = byname[i];

		if (!w->has_heir)
			continue;
		day_text(g->o.start_day + w->heir_first, a, sizeof(a));
		day_text(g->o.start_day + w->heir_last, b, sizeof(b));
		fprintf(f, "%s,%s,%s\n", w->name, a, b);
	}
	truth_close(f, path);
	free(path);
}

static void write_migration(struct gen *g, struct who **byname)
{
	char *path = truth_path(g->o.out, ".migration.csv");
	FILE *f = truth_open(path);
	struct who **v = xmalloc((g->names.n + 1) * sizeof(*v));
	size_t n = 0;
	size_t i;

	for (i = 0; i < g->names.n; i++)
		if (byname[i]->legacy)
			v[n++] = byname[i];
	qsort(v, n, sizeof(*v), cmp_legacy);
	make_states(g);
	fputs("client,legacy_requests,amnesty_requests,amnesty_share,"
	      "all_requests,legacy_share,status_434,first_seen,last_seen,"
	      "legacy_days,top_user_agent,credentials,state,state_since,"
	      "legacy_routes,warned_since\r\n",
	      f);
	for (i = 0; i < n; i++)
		migration_row(f, g, v[i]);
	truth_close(f, path);
	free(v);
	free(path);
	write_heirs(g, byname);
}

static void write_summary(struct gen *g)
{
	char *path = truth_path(g->o.out, ".summary");
	FILE *f = truth_open(path);
	int i;

	fprintf(f, "lines %" PRIu64 "\n", g->o.lines);
	fprintf(f, "bad %" PRIu64 "\n", g->bad);
	fprintf(f, "requests %" PRIu64 "\n", g->requests);
	for (i = 0; i < NCLS; i++)
		fprintf(f, "class %s %" PRIu64 "\n", cls_name[i],
			g->nclass[i]);
	truth_close(f, path);
	free(path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The secrets written whole somewhere in the log: $remote_user, Bearer
 * tokens, session values, Basic strings and what they decode to. */
static size_t collect_secrets(const struct gen *g, const char **v)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < g->ncreds; i++) {
		const struct cred *cr = g->creds[i];

		if (cr->seen_user)
			v[n++] = cr->user;
		if (cr->seen_auth && cr->b64)
			v[n++] = cr->b64;
		if (cr->seen_auth || cr->seen_cookie)
			v[n++] = cr->secret;
	}
	return n;
}

static void write_secrets(struct gen *g)
{
	char *path = truth_path(g->o.out, ".secrets");
	FILE *f = truth_open(path);
	const char **v = xmalloc((3 * g->ncreds + 1) * sizeof(*v));
	size_t n = collect_secrets(g, v);
	size_t i;

	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			fprintf(f, "%s\n", v[i]);
	truth_close(f, path);
	free(v);
	free(path);
}

static void write_truth(struct gen *g)
{
	struct who **byname = sort_names(g);

	write_counts(g, byname);
	write_migration(g, byname);
	write_summary(g);
	write_secrets(g);
	if (g->legacy)
		truth_close(g->legacy, "legacy truth");
	free(byname);
}

static void cleanup(struct gen *g)
{
	size_t i;

	for (i = 0; i < g->ncreds; i++) {
		free(g->creds[i]->secret);
		free(g->creds[i]->user);
		free(g->creds[i]->b64);
		free(g->creds[i]);
	}
	for (i = 0; i < g->o.clients; i++)
		free(g->cl[i].cid);
	for (i = 0; i < g->names.n; i++) {
		free(g->names.v[i].name);
		free(g->names.v[i].creds);
	}
	for (i = 0; i < NUA; i++)
		free(g->ua_log[i]);
	free(g->creds);
	free(g->cl);
	free(g->cum);
	free(g->names.v);
	free(g->names.slot);
	free(g->counts.key);
	free(g->counts.val);
}

int main(int argc, char **argv)
{
	static struct gen g;
	char err[512];

	parse_opts(argc, argv, &g.o);
	if (fp_init() < 0)
		die("cannot initialise libsodium");
	if (fp_key_load(&g.key, g.o.key_file, "unused", err, sizeof(err)) < 0)
		die("%s", err);
	setup(&g);
	write_log(&g);
	write_truth(&g);
	cleanup(&g);
	return 0;
}
