/* options.c: the tables of commands and options; argv into a struct
 * config. */
#define KEYAUDIT_OPTIONS_PRIVATE
#include "options.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "day.h"
#include "msg.h"
#include "report.h"

#ifndef KEYAUDIT_DATADIR
#define KEYAUDIT_DATADIR "/usr/local/share/keyaudit"
#endif

const struct options_command options_commands[] = {
    {"ingest", NULL, CMD_INGEST, "[OPTIONS] PATH...",
     "read access logs (plain or gzip, a directory, or - for stdin) "
     "into the database"},
    {"report", NULL, CMD_REPORT, "KIND [OPTIONS]",
     "write a report (KIND below)"},
    {"files", NULL, CMD_FILES, "[OPTIONS]",
     "list the log files the database has read"},
    {"rules", "check", CMD_RULES_CHECK, "[OPTIONS] [FILE]",
     "compile a rules file and report problems"},
    {"rules", "explain", CMD_RULES_EXPLAIN, "[OPTIONS] [LOG|-]",
     "show how each line of LOG is classified"},
    {"gonogo", NULL, CMD_GONOGO, "[OPTIONS]",
     "GO or NO-GO for the next cutoff phase: if it started now, who "
     "would break?  The first line says which and why; exit 0 for GO, "
     "1 for NO-GO"},
    {"merge", NULL, CMD_MERGE, "--db TOTAL.db [OPTIONS] SHARD.db...",
     "add shard databases into --db, exactly: a log file read by "
     "several shards counts once, merging a shard again adds nothing"},
    {"prune", NULL, CMD_PRUNE, "--before DAY [OPTIONS]",
     "remove every count of a day before DAY and give the space back; "
     "the files read stay known, so they are never read again, and "
     "reports say the first day they cover"},
    {"forget", NULL, CMD_FORGET, "[OPTIONS] FILE|FINGERPRINT...",
     "remove a file's counts and read position in one transaction, so "
     "that the next ingest reads it again (after a format fix, say); "
     "FILE is a path as it was read or the file itself, FINGERPRINT the "
     "head fingerprint 'keyaudit files' shows; exit 1 when nothing "
     "matches"},
    {"lookup", NULL, CMD_LOOKUP, "[OPTIONS] [fp:FINGERPRINT...] [< SECRETS]",
     "for each credential (fingerprints as arguments, else secrets on "
     "stdin, one a line), the clients it was counted under, its "
     "requests, first and last use, and the client's state; exit 0 "
     "when one was found, 1 when none"},
    {"fingerprint", NULL, CMD_FINGERPRINT, "[OPTIONS] < SECRETS",
     "print the fingerprint of each secret read from stdin (one a "
     "line), to find it in reports; the key is the database's (DB.key, "
     "$KEYAUDIT_KEY, --key-file), none is made"},
    {"config", NULL, CMD_NONE, "[COMMAND] [OPTIONS]",
     "show the settings COMMAND (default ingest) runs with, from the "
     "settings file (keyaudit.conf(5)), the environment and OPTIONS, and "
     "where each came from"},
    {NULL, NULL, CMD_NONE, NULL, NULL},
};

#define C(x)  (1u << (x))
#define C_ALL 0xffffffffu
#define C_DBS (C(CMD_REPORT) | C(CMD_FILES) | C(CMD_GONOGO))
#define C_RULES                                                               \
	(C(CMD_INGEST) | C(CMD_RULES_CHECK) | C(CMD_RULES_EXPLAIN) |          \
	 C(CMD_GONOGO) | C(CMD_REPORT))
#define C_WRITE (C(CMD_INGEST) | C(CMD_MERGE) | C(CMD_PRUNE) | C(CMD_FORGET))

/* Options: which commands take each, its value and its line of help.
 * An option may have a row per meaning (--format is a log format for
 * ingest, csv or json for report); a command sees only its rows.  A new
 * option is a row here and a case in one_option(). */
const struct options_option options_table[] = {
    {"db", 0, OPT_DB, C_ALL & ~C_DBS & ~C(CMD_RULES_CHECK), "FILE",
     "database (default $KEYAUDIT_DB, else keyaudit.db)", 0},
    {"db", 0, OPT_DB, C_DBS, "FILE",
     "database (default $KEYAUDIT_DB, else keyaudit.db); repeat it to "
     "read shards as if merged",
     0},
    {"rules", 0, OPT_RULES, C_RULES, "FILE",
     "rules (default: the shipped asana-api-keys.rules)", 0},
    {"format", 0, OPT_FORMAT,
     C(CMD_INGEST) | C(CMD_RULES_CHECK) | C(CMD_RULES_EXPLAIN), "FMT",
     "log format: auto (ingest's and explain's default: detected from "
     "each log's first lines), or one of:",
     OPTIONS_LIST_FORMATS},
    {"format", 0, OPT_FORMAT, C(CMD_REPORT), "csv|json",
     "output format (default csv)", 0},
    {"key-file", 0, OPT_KEY,
     C(CMD_INGEST) | C(CMD_RULES_EXPLAIN) | C(CMD_FINGERPRINT) | C(CMD_LOOKUP),
     "FILE",
     "fingerprint key (default $KEYAUDIT_KEY, $KEYAUDIT_KEY_FILE, or "
     "DB.key)",
     0},
    {"wait", 0, OPT_WAIT, C_WRITE, "SECONDS",
     "wait this long for another run to finish (default 0)", 0},
    {"commit-every", 0, OPT_COMMIT, C(CMD_INGEST), "N",
     "commit at least every N lines (default: 4 MiB of counts, or 30 s)", 0},
    {"jobs", 'j', 'j', C(CMD_INGEST), "N", "read N files at once (default 1)",
     0},
    {"include", 0, OPT_INCLUDE, C(CMD_INGEST), "GLOB",
     "in a directory, read only files whose name matches (repeatable; "
     "default: all)",
     0},
    {"exclude", 0, OPT_EXCLUDE, C(CMD_INGEST), "GLOB",
     "in a directory, skip files whose name matches (repeatable)", 0},
    {"max-bad", 0, OPT_MAXBAD, C(CMD_INGEST), "PCT",
     "a file with more than PCT% bad lines among its first 1000 new "
     "lines is not read: nothing of it is counted, it is named on "
     "stderr, exit 1 (default 50)",
     0},
    {"keep-days", 0, OPT_KEEPDAYS, C(CMD_INGEST), "N",
     "then prune the counts of all but the newest N days", 0},
    {"detail-days", 0, OPT_DETAILDAYS, C(CMD_INGEST), "N",
     "keep each file's own counts this many days after its last day, "
     "for merge and forget (default 3)",
     0},
    {"before", 0, OPT_BEFORE, C(CMD_PRUNE), "DAY",
     "the first day kept (YYYY-MM-DD)", 0},
    {"dry-run", 0, OPT_DRYRUN, C(CMD_FORGET) | C(CMD_PRUNE), NULL,
     "say what would be removed, remove nothing", 0},
    {"force", 0, OPT_FORCE, C(CMD_FORGET), NULL,
     "forget the files read under a name whose content is no longer "
     "there to be read again",
     0},
    {"since", 0, OPT_SINCE, C(CMD_REPORT) | C(CMD_LOOKUP), "DAY",
     "first UTC day (YYYY-MM-DD)", 0},
    {"until", 0, OPT_UNTIL, C(CMD_REPORT) | C(CMD_LOOKUP), "DAY",
     "last UTC day, inclusive", 0},
    {"output", 'o', 'o', C(CMD_REPORT), "FILE",
     "write to FILE (default -, stdout)", 0},
    {"registry", 0, OPT_REGISTRY, C(CMD_REPORT), "FILE",
     "outreach: CSV of client or fingerprint, contacts, ...", 0},
    {"action", 0, OPT_ACTION, C(CMD_REPORT), "TEXT",
     "outreach: what legacy clients should do", 0},
    {"registry-key", 0, OPT_REGKEY, C(CMD_REPORT) | C(CMD_GONOGO), "COLUMN",
     "the registry's client id column (default: client, client_id, "
     "Client ID, app_id, ...)",
     0},
    {"registry-fingerprint", 0, OPT_REGFP, C(CMD_REPORT) | C(CMD_GONOGO),
     "COLUMN",
     "the registry's fingerprint column (default: fingerprint, API Key "
     "Fingerprint, ...)",
     0},
    {"registry-delimiter", 0, OPT_REGDELIM, C(CMD_REPORT) | C(CMD_GONOGO), "C",
     "the registry's delimiter: , ; | or tab (default: sniffed)", 0},
    {"registry-owner", 0, OPT_REGOWNER, C(CMD_REPORT) | C(CMD_GONOGO),
     "COLUMN",
     "the registry's owner column (default: an e-mail column, else owner "
     "or contact)",
     0},
    {"messages", 0, OPT_MESSAGES, C(CMD_REPORT), "DIR",
     "outreach: write one e-mail draft per contact into DIR", 0},
    {"plan", 0, OPT_PHASEDATE, C(CMD_REPORT), "PHASE=DAY",
     "outreach: the day PHASE starts (as 'on DAY' in the rules)", 0},
    {"migrated-days", 0, OPT_MIGRATED,
     C(CMD_REPORT) | C(CMD_LOOKUP) | C(CMD_GONOGO), "N",
     "migrated after N days without a legacy request, dormant after N "
     "without any (default 14)",
     0},
    {"phase", 0, OPT_PHASE, C(CMD_GONOGO), "NAME",
     "the phase (default: the first the rules define)", 0},
    {"window", 0, OPT_WINDOW, C(CMD_GONOGO), "DAYS",
     "days of data looked at (default 14)", 0},
    {"as-of", 0, OPT_ASOF, C(CMD_GONOGO), "DAY",
     "last day of the window (default: the newest day with at least a "
     "tenth of the median day's requests)",
     0},
    {"max-share", 0, OPT_MAXSHARE, C(CMD_GONOGO), "PCT",
     "NO-GO above this percentage of refused requests (default 0.1)", 0},
    {"max-clients", 0, OPT_MAXCLIENTS, C(CMD_GONOGO), "N",
     "NO-GO above this many active breaking clients (default 0)", 0},
    {"min-quiet-days", 0, OPT_QUIET, C(CMD_GONOGO), "N",
     "a client quiet this long is not active (default 7, shorter than "
     "the window)",
     0},
    {"max-blind", 0, OPT_MAXBLIND, C(CMD_GONOGO), "PCT",
     "CANNOT TELL above this percentage of requests that show no "
     "credential a rule can class (default 5)",
     0},
    {"lookback", 0, OPT_LOOKBACK, C(CMD_GONOGO), "DAYS",
     "days searched for dormant clients (default 120)", 0},
    {"max-dormant", 0, OPT_MAXDORMANT, C(CMD_GONOGO), "N",
     "NO-GO above this many dormant clients (default 0)", 0},
    {"accept-gaps", 0, OPT_ACCEPTGAPS, C(CMD_GONOGO), NULL,
     "answer GO even when the window or lookback has pruned days or days "
     "without data (else CANNOT TELL)",
     0},
    {"strict-succession", 0, OPT_STRICTSUCC, C(CMD_GONOGO), NULL,
     "count a dormant credential that another of its --registry account "
     "succeeded as dormant still",
     0},
    {"succession-days", 0, OPT_SUCCDAYS,
     C(CMD_REPORT) | C(CMD_LOOKUP) | C(CMD_GONOGO), "N",
     "a credential first seen from a legacy one's address and user agent "
     "within N days of its last legacy use probably succeeded it "
     "(default 14)",
     0},
    {"brownout", 0, OPT_BROWNOUT, C(CMD_GONOGO), "'DAY HH:MM-HH:MM'",
     "replay a brownout (repeatable; an end not after the start is on "
     "the next day)",
     0},
    {"registry", 0, OPT_REGISTRY, C(CMD_GONOGO), "FILE",
     "owners of the clients, for the page", 0},
    {"output", 'o', 'o', C(CMD_GONOGO), "FILE", "the breaking clients as CSV",
     0},
    {"html", 0, OPT_HTML, C(CMD_GONOGO), "FILE",
     "a self-contained page for the review", 0},
    {"metrics", 0, OPT_METRICS, C(CMD_INGEST) | C(CMD_GONOGO), "FILE",
     "write Prometheus metrics of the run to FILE (for node_exporter's "
     "textfile collector)",
     0},
    {"config", 0, OPT_CONFIG, C_ALL, "FILE",
     "settings file: one 'name = value' a line for the long options "
     "(default $KEYAUDIT_CONFIG, else SYSCONFDIR/keyaudit/keyaudit.conf "
     "where it exists); the command line wins",
     0},
    {"print-config", 0, OPT_PRINTCONFIG, C_ALL, NULL,
     "show the settings in effect and where each came from; run nothing", 0},
    {"quiet", 'q', 'q', C_ALL, NULL, "print nothing unless something is wrong",
     0},
    {"verbose", 'v', 'v', C_ALL, NULL, "say more", 0},
    {"help", 'h', 'h', C_ALL, NULL, "this help", 0},
    {"version", 'V', 'V', 0, NULL, "the version and the libraries'", 0},
    {NULL, 0, 0, 0, NULL, NULL, 0},
};

const char *options_default_rules(void)
{
	static char path[PATH_MAX + 64];
	const char *env = getenv("KEYAUDIT_RULES");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", path, PATH_MAX);
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		/* beside the program, or one level up (build dirs) */
		for (int up = 0; slash && up < 2; up++) {
			*slash = '\0';
			snprintf(slash, 64, "/%srules/asana-api-keys.rules",
				 up ? "../" : "");
			if (access(path, R_OK) == 0)
				return path;
		}
	}
	return KEYAUDIT_DATADIR "/rules/asana-api-keys.rules";
}

/* The settings file's line being applied ("FILE:LINE"), or NULL. */
static const char *setting_at;

/* Print "keyaudit: MESSAGE" and the hint; return OPTIONS_ERROR. */
__attribute__((format(printf, 2, 3))) static enum parse_result
usage_error(enum command cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "keyaudit: %s%s", setting_at ? setting_at : "",
		setting_at ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd == CMD_NONE)
		fputs("\ntry 'keyaudit --help'\n", stderr);
	else
		fprintf(stderr, "\ntry 'keyaudit %s --help'\n",
			config_command_name(cmd));
	return OPTIONS_ERROR;
}

/* A whole number written in decimal digits only (no sign, space, 0x or
 * exponent), at most max; 0 or -1. */
static int parse_count(const char *s, long max, long *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* A decimal number, digits with at most one '.' between or after them
 * ("0.5", "5.", "12"; not "nan", "1e3", "0x10", "-1"); 0 or -1. */
static int parse_decimal(const char *s, double *out)
{
	int digits = 0;
	int dots = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p >= '0' && *p <= '9')
			digits++;
		else
			return -1;
	}
	if (!digits || dots > 1 || *s == '.')
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

/* A real calendar day, YYYY-MM-DD (no Feb 30). */
static int is_day(const char *s)
{
	int64_t days;

	return day_parse(s, &days) == 0;
}

/* "YYYY-MM-DD HH:MM-HH:MM" */
static int is_brownout(const char *s)
{
	char day[DAY_SIZE];
	int h1, m1, h2, m2, used = 0;

	if (strlen(s) < 22 || s[DAY_TEXT_LEN] != ' ')
		return 0;
	memcpy(day, s, DAY_TEXT_LEN);
	day[DAY_TEXT_LEN] = 0;
	return is_day(day) &&
	       sscanf(s + 11, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2,
		      &used) == 4 &&
	       s[11 + used] == 0 && used == 11 && h1 >= 0 && h1 < 24 &&
	       h2 >= 0 && h2 <= 24 && m1 >= 0 && m1 < 60 && m2 >= 0 && m2 < 60;
}

/* A number option into *dst: at least min, at most max. */
static enum parse_result number(struct config *cfg, const char *opt,
				const char *what, long min, long max,
				long *dst)
{
	char b[MSG_ARG_MAX];

	if (parse_count(optarg, max, dst) < 0)
		return usage_error(cfg->cmd, "--%s: expected %s (got %s)", opt,
				   what, msg_arg(b, optarg));
	if (*dst < min)
		return usage_error(cfg->cmd, "--%s: must be at least %ld", opt,
				   min);
	return OPTIONS_RUN;
}

/* The whole-number options of prune's, ingest's and gonogo's later
 * work. */
static enum parse_result more_ints(struct config *cfg, int c)
{
	enum parse_result r = OPTIONS_RUN;
	long v = 0;

	switch (c) {
	case OPT_LOOKBACK:
		r = number(cfg, "lookback", "a whole number of days", 1, 36500,
			   &v);
		cfg->lookback = (int)v;
		break;
	case OPT_MAXDORMANT:
		r = number(cfg, "max-dormant", "a whole number of clients", 0,
			   INT_MAX, &v);
		cfg->max_dormant = (int)v;
		break;
	case OPT_KEEPDAYS:
		r = number(cfg, "keep-days", "a whole number of days", 1,
			   36500, &v);
		cfg->keep_days = (int)v;
		break;
	case OPT_DETAILDAYS:
		r = number(cfg, "detail-days", "a whole number of days", 0,
			   36500, &v);
		cfg->detail_days = (int)v;
		break;
	case OPT_MAXBAD:
		r = number(cfg, "max-bad", "a percentage, 0 to 100", 0, 100,
			   &v);
		cfg->max_bad = (int)v;
		break;
	case OPT_MIGRATED:
		r = number(cfg, "migrated-days", "a number of days, 1 to 3650",
			   1, 3650, &v);
		cfg->migrated_days = (int)v;
		break;
	case OPT_SUCCDAYS:
		r = number(cfg, "succession-days",
			   "a number of days, 0 to 3650", 0, 3650, &v);
		cfg->succession_days = v ? (int)v : -1;
		break;
	}
	return r;
}

static enum parse_result int_option(struct config *cfg, int c)
{
	enum parse_result r = OPTIONS_RUN;
	long v = 0;

	switch (c) {
	case OPT_WAIT:
		r = number(cfg, "wait", "a whole number of seconds", 0,
			   INT_MAX, &v);
		cfg->wait = (int)v;
		break;
	case OPT_COMMIT:
		r = number(cfg, "commit-every", "a whole number of lines", 1,
			   LONG_MAX, &v);
		cfg->commit_every = v;
		break;
	case 'j':
		r = number(cfg, "jobs", "a number of files, 1 to 64", 1, 64,
			   &v);
		cfg->jobs = (int)v;
		break;
	case OPT_WINDOW:
		r = number(cfg, "window", "a whole number of days", 1, 36500,
			   &v);
		cfg->window = (int)v;
		break;
	case OPT_MAXCLIENTS:
		r = number(cfg, "max-clients", "a whole number of clients", 0,
			   INT_MAX, &v);
		cfg->max_clients = (int)v;
		break;
	case OPT_QUIET:
		r = number(cfg, "min-quiet-days", "a whole number of days", 0,
			   36500, &v);
		cfg->min_quiet = (int)v;
		break;
	default:
		return more_ints(cfg, c);
	}
	return r;
}

static enum parse_result day_option(struct config *cfg, const char *opt,
				    const char **dst)
{
	char b[MSG_ARG_MAX];

	if (!is_day(optarg))
		return usage_error(cfg->cmd,
				   "--%s: expected a day, "
				   "YYYY-MM-DD (got %s)",
				   opt, msg_arg(b, optarg));
	*dst = optarg;
	return OPTIONS_RUN;
}

/* --plan PHASE=YYYY-MM-DD, repeated (checked by plans_ok()). */
static enum parse_result plan_option(struct config *cfg)
{
	if (cfg->nphase_dates == 16)
		return usage_error(cfg->cmd, "at most 16 --plan");
	cfg->phase_dates[cfg->nphase_dates++] = optarg;
	return OPTIONS_RUN;
}

/* Every --plan is PHASE=YYYY-MM-DD. */
static enum parse_result plans_ok(struct config *cfg)
{
	for (int i = 0; i < cfg->nphase_dates; i++) {
		const char *eq = strchr(cfg->phase_dates[i], '=');

		if (!eq || eq == cfg->phase_dates[i] || !is_day(eq + 1))
			return usage_error(
			    cfg->cmd,
			    "--plan: expected PHASE=YYYY-MM-DD: "
			    "%s",
			    cfg->phase_dates[i]);
	}
	return OPTIONS_RUN;
}

static enum parse_result percent_option(struct config *cfg, int c)
{
	const char *name = c == OPT_MAXSHARE ? "max-share" : "max-blind";
	double *dst = c == OPT_MAXSHARE ? &cfg->max_share : &cfg->max_blind;
	char b[MSG_ARG_MAX];

	if (parse_decimal(optarg, dst) < 0)
		return usage_error(cfg->cmd,
				   "--%s: expected a percentage in decimal "
				   "digits, e.g. 0.5 (got %s)",
				   name, msg_arg(b, optarg));
	if (*dst > 100)
		return usage_error(cfg->cmd, "--%s: must be at most 100",
				   name);
	return OPTIONS_RUN;
}

/* Options with a text value that is checked or collected. */
static enum parse_result text_option(struct config *cfg, int c)
{
	int *n = c == OPT_INCLUDE ? &cfg->ninclude : &cfg->nexclude;
	char b[MSG_ARG_MAX];

	switch (c) {
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
		if (*n == 32)
			return usage_error(cfg->cmd,
					   "at most 32 --include and "
					   "--exclude");
		(c == OPT_INCLUDE ? cfg->include : cfg->exclude)[(*n)++] =
		    optarg;
		break;
	case OPT_REGKEY:
		cfg->registry_key = optarg;
		break;
	case OPT_REGFP:
		cfg->registry_fp = optarg;
		break;
	case OPT_REGOWNER:
		cfg->registry_owner = optarg;
		break;
	case OPT_REGDELIM:
		if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
			cfg->registry_delim = '\t';
		else if (strlen(optarg) == 1 && strchr(",;|", optarg[0]))
			cfg->registry_delim = optarg[0];
		else
			return usage_error(cfg->cmd,
					   "--registry-delimiter: , ; | or "
					   "tab (got %s)",
					   msg_arg(b, optarg));
		break;
	case OPT_BROWNOUT:
		if (cfg->nbrownouts == 16)
			return usage_error(cfg->cmd, "at most 16 --brownout");
		if (!is_brownout(optarg))
			return usage_error(cfg->cmd,
					   "--brownout: expected 'YYYY-MM-DD "
					   "HH:MM-HH:MM' (got %s)",
					   msg_arg(b, optarg));
		cfg->brownouts[cfg->nbrownouts++] = optarg;
		break;
	}
	return OPTIONS_RUN;
}

/* The options that only keep their value (a text) or say yes (a flag)
 * in a field of struct config. */
static const struct {
	int id;
	size_t field; /* offsetof(struct config, ...) */
	int flag;     /* 1: an int set to 1; 0: a const char * to optarg */
} plain_options[] = {
    {OPT_RULES, offsetof(struct config, rules), 0},
    {OPT_FORMAT, offsetof(struct config, format), 0},
    {OPT_KEY, offsetof(struct config, key_file), 0},
    {OPT_REGISTRY, offsetof(struct config, registry), 0},
    {OPT_MESSAGES, offsetof(struct config, messages), 0},
    {OPT_ACTION, offsetof(struct config, action), 0},
    {OPT_PHASE, offsetof(struct config, phase), 0},
    {OPT_HTML, offsetof(struct config, html), 0},
    {OPT_METRICS, offsetof(struct config, metrics), 0},
    {OPT_CONFIG, offsetof(struct config, config), 0},
    {'o', offsetof(struct config, out), 0},
    {OPT_DRYRUN, offsetof(struct config, dry_run), 1},
    {OPT_FORCE, offsetof(struct config, force), 1},
    {OPT_ACCEPTGAPS, offsetof(struct config, accept_gaps), 1},
    {OPT_STRICTSUCC, offsetof(struct config, strict_succession), 1},
    {OPT_PRINTCONFIG, offsetof(struct config, print_config), 1},
};

/* Set the field of a plain option c; return whether c is one. */
static int plain_option(struct config *cfg, int c)
{
	for (size_t i = 0;
	     i < sizeof(plain_options) / sizeof(plain_options[0]); i++) {
		char *f = (char *)cfg + plain_options[i].field;

		if (plain_options[i].id != c)
			continue;
		if (plain_options[i].flag)
			*(int *)(void *)f = 1;
		else
			*(const char **)(void *)f = optarg;
		return 1;
	}
	return 0;
}

static enum parse_result one_option(struct config *cfg, int c)
{
	if (plain_option(cfg, c))
		return OPTIONS_RUN;
	switch (c) {
	case OPT_DB:
		if (cfg->ndbs == 64)
			return usage_error(cfg->cmd, "--db: at most 64");
		cfg->db = cfg->dbs[cfg->ndbs++] = optarg;
		break;
	case OPT_WAIT:
	case OPT_COMMIT:
	case 'j':
	case OPT_WINDOW:
	case OPT_MAXCLIENTS:
	case OPT_QUIET:
	case OPT_LOOKBACK:
	case OPT_MAXDORMANT:
	case OPT_KEEPDAYS:
	case OPT_DETAILDAYS:
	case OPT_MAXBAD:
	case OPT_MIGRATED:
	case OPT_SUCCDAYS:
		return int_option(cfg, c);
	case OPT_BEFORE:
		return day_option(cfg, "before", &cfg->before);
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
	case OPT_REGKEY:
	case OPT_REGFP:
	case OPT_REGOWNER:
	case OPT_REGDELIM:
	case OPT_BROWNOUT:
		return text_option(cfg, c);
	case OPT_SINCE:
		return day_option(cfg, "since", &cfg->since);
	case OPT_UNTIL:
		return day_option(cfg, "until", &cfg->until);
	case OPT_ASOF:
		return day_option(cfg, "as-of", &cfg->as_of);
	case OPT_PHASEDATE:
		return plan_option(cfg);
	case OPT_MAXSHARE:
	case OPT_MAXBLIND:
		return percent_option(cfg, c);
	case 'q':
		cfg->verbosity = 0;
		break;
	case 'v':
		cfg->verbosity = 2;
		break;
	case 'h':
		return OPTIONS_HELP;
	case 'V':
		return OPTIONS_VERSION;
	default:
		return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

static enum parse_result finish_report(struct config *cfg)
{
	char b[MSG_ARG_MAX];

	if (cfg->npaths != 1)
		return usage_error(cfg->cmd, "report needs one KIND");
	cfg->report = cfg->paths[0];
	if (!report_known(cfg->report, NULL))
		return usage_error(cfg->cmd, "unknown report KIND (got %s)",
				   msg_arg(b, cfg->report));
	if (cfg->format && strcmp(cfg->format, "json") != 0 &&
	    strcmp(cfg->format, "csv") != 0)
		return usage_error(cfg->cmd,
				   "--format: csv or json for a report "
				   "(got %s)",
				   msg_arg(b, cfg->format));
	cfg->json = cfg->format && strcmp(cfg->format, "json") == 0;
	if (strcmp(cfg->report, "outreach") == 0 && !cfg->registry)
		return usage_error(cfg->cmd, "report outreach needs "
					     "--registry FILE.csv");
	if ((cfg->messages || cfg->nphase_dates) &&
	    strcmp(cfg->report, "outreach") != 0)
		return usage_error(cfg->cmd, "--messages and --plan are "
					     "for report outreach");
	if (plans_ok(cfg) != OPTIONS_RUN)
		return OPTIONS_ERROR;
	if (cfg->since && cfg->until && strcmp(cfg->since, cfg->until) > 0)
		return usage_error(cfg->cmd, "--since is after --until");
	return OPTIONS_RUN;
}

/* Check what each command needs once its options are read. */
static enum parse_result finish(struct config *cfg)
{
	char b[MSG_ARG_MAX];
	const char *env = getenv("KEYAUDIT_DB");
	enum command cmd = cfg->cmd;

	if (!cfg->db)
		cfg->db = env && *env ? env : "keyaudit.db";
	if (cfg->ndbs > 1 && !(C(cmd) & C_DBS))
		return usage_error(cmd, "only reports, files and gonogo take "
					"several --db");
	if (cmd == CMD_MERGE && cfg->npaths == 0)
		return usage_error(cmd, "merge needs a SHARD.db to add");
	if (cmd == CMD_PRUNE && (!cfg->before || cfg->npaths))
		return usage_error(cmd, cfg->npaths
					    ? "prune takes no argument"
					    : "prune needs --before DAY");
	if (cmd == CMD_FORGET && cfg->npaths == 0)
		return usage_error(cmd, "forget needs a FILE or FINGERPRINT");
	if (cmd == CMD_GONOGO && cfg->min_quiet >= cfg->window)
		return usage_error(cmd,
				   "--min-quiet-days must be shorter than "
				   "--window");
	if (cmd == CMD_INGEST && cfg->npaths == 0 && !cfg->print_config)
		return usage_error(cmd, "ingest needs a PATH (a file, a "
					"directory, or - for stdin) or a "
					"'logs' setting");
	if (cmd == CMD_REPORT && finish_report(cfg) != OPTIONS_RUN)
		return OPTIONS_ERROR;
	if (cmd == CMD_LOOKUP && cfg->since && cfg->until &&
	    strcmp(cfg->since, cfg->until) > 0)
		return usage_error(cmd, "--since is after --until");
	if (cmd == CMD_RULES_CHECK && cfg->npaths > 1)
		return usage_error(cmd, "rules check takes one FILE");
	if (cmd == CMD_RULES_CHECK && cfg->npaths == 1)
		cfg->rules = cfg->paths[0];
	if (cmd == CMD_RULES_EXPLAIN && cfg->npaths > 1)
		return usage_error(cmd, "rules explain takes one LOG");
	if ((cmd == CMD_FILES || cmd == CMD_FINGERPRINT ||
	     cmd == CMD_GONOGO) &&
	    cfg->npaths)
		return usage_error(
		    cmd, "%s takes no argument (got %s)%s",
		    config_command_name(cmd), msg_arg(b, cfg->paths[0]),
		    cmd == CMD_FINGERPRINT ? "; secrets are read from stdin"
					   : "");
	if (!cfg->rules)
		cfg->rules = options_default_rules();
	return OPTIONS_RUN;
}

/* The command named by argv[1] (and argv[2] for rules); *used is how
 * many words it took. */
static enum parse_result pick_command(int argc, char **argv,
				      struct config *cfg, int *used)
{
	const char *word = argv[1];
	const char *sub = argc > 2 ? argv[2] : NULL;
	int known = 0;
	char b[MSG_ARG_MAX];

	for (const struct options_command *c = options_commands; c->name;
	     c++) {
		if (strcmp(c->name, word) != 0)
			continue;
		known = 1;
		if (!c->sub || (sub && strcmp(c->sub, sub) == 0)) {
			cfg->cmd = c->cmd;
			*used = c->sub ? 3 : 2;
			return OPTIONS_RUN;
		}
	}
	if (!known)
		return usage_error(CMD_NONE, "unknown command (got %s)",
				   msg_arg(b, word));
	if (sub && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
		cfg->cmd = CMD_RULES_CHECK; /* its usage shows both */
		return OPTIONS_HELP;
	}
	if (!sub || *sub == '-')
		return usage_error(
		    CMD_NONE, "%s: missing subcommand (check, explain)", word);
	return usage_error(CMD_NONE,
			   "%s: unknown subcommand, not check or explain "
			   "(got %s)",
			   word, msg_arg(b, sub));
}

/* The getopt tables of cmd's options, from options_table. */
static void getopt_tables(enum command cmd, struct option *lo, char *shorts)
{
	int n = 0;
	char *s = shorts;

	*s++ = ':'; /* ':' for a missing value, not '?' */
	for (const struct options_option *o = options_table; o->name; o++) {
		if (!(o->cmds & C(cmd)))
			continue;
		lo[n].name = o->name;
		lo[n].has_arg = o->arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = o->id;
		n++;
		if (o->shortname) {
			*s++ = o->shortname;
			if (o->arg)
				*s++ = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	*s = '\0';
}

/* Is name ("--db") written as an option's name: small letters, digits
 * and '-', not long?  Else it is not repeated in a message: it may be a
 * secret. */
static int option_like(const char *name)
{
	size_t n = strlen(name);

	return n <= 32 &&
	       strspn(name, "-abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/* Why getopt_long() refused argv[optind - 1]: not an option of cmd,
 * of no command, or without its value. */
static enum parse_result refused(enum command cmd, int c, char **argv)
{
	char name[64];
	char b[MSG_ARG_MAX];
	const char *word = argv[optind - 1];

	if (word[0] == '-' && word[1] == '-')
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="),
			 word);
	else
		snprintf(name, sizeof(name), "-%c", optopt ? optopt : '?');
	if (c == ':')
		return usage_error(cmd, "%s: missing value", name);
	for (const struct options_option *o = options_table; o->name; o++)
		if ((name[1] == '-' && strcmp(o->name, name + 2) == 0) ||
		    (name[1] != '-' && o->shortname == name[1]))
			return usage_error(cmd, "%s does not take %s",
					   config_command_name(cmd), name);
	if (!option_like(name))
		return usage_error(cmd, "%s: unknown option (got %s)",
				   config_command_name(cmd),
				   msg_arg(b, word + strspn(word, "-")));
	return usage_error(cmd, "%s: unknown option %s",
			   config_command_name(cmd), name);
}

/* The long name of the option whose id is id. */
static const char *option_name(int id)
{
	for (const struct options_option *o = options_table; o->name; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

/* The options given on the command line, by id: not taken from the
 * settings file. */
static unsigned char given[OPT_END];

static enum parse_result read_options(int argc, char **argv,
				      struct config *cfg)
{
	static struct option lo[NOPTIONS_MAX + 1];
	static char shorts[2 * NOPTIONS_MAX + 2];
	int c;

	getopt_tables(cfg->cmd, lo, shorts);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		enum parse_result r;

		if (c == '?' || c == ':')
			return refused(cfg->cmd, c, argv);
		/* "--db --wait 3": the value is missing, not "--wait" */
		if (optarg && optarg[0] == '-' && optarg[1] == '-' &&
		    optarg[2])
			return usage_error(cfg->cmd, "--%s: missing value",
					   option_name(c));
		r = one_option(cfg, c);
		if (r != OPTIONS_RUN)
			return r;
		if (c >= 0 && (size_t)c < sizeof(given))
			given[c] = 1;
		if (c != OPT_CONFIG && c != OPT_PRINTCONFIG)
			config_note(option_name(c), optarg ? optarg : "yes",
				    "command line");
	}
	cfg->paths = argv + optind;
	cfg->npaths = argc - optind;
	return OPTIONS_RUN;
}

/* The row of cmd's option name that means what the option's first row
 * says (report's --format, csv or json, is no log format: a setting
 * does not set it); NULL if cmd has none.  *known: does any command? */
static const struct options_option *
setting_option(enum command cmd, const char *name, int *known)
{
	const struct options_option *first = NULL;

	for (const struct options_option *o = options_table; o->name; o++) {
		if (strcmp(o->name, name) != 0)
			continue;
		if (!first)
			first = o;
		if ((o->cmds & C(cmd)) && (o->arg == first->arg ||
					   (o->arg && first->arg &&
					    strcmp(o->arg, first->arg) == 0)))
			return o;
	}
	*known = first != NULL && strcmp(name, "config") != 0 &&
		 strcmp(name, "print-config") != 0 &&
		 strcmp(name, "help") != 0 && strcmp(name, "version") != 0;
	return NULL;
}

/* A flag's setting: 1 yes, 0 no, -1 neither. */
static int flag_value(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") ||
	    !strcmp(v, "0"))
		return 0;
	return -1;
}

/* logs = PATH ...: what ingest reads when the command line names
 * nothing; the paths are separated by blanks, and several lines add up. */
static enum parse_result setting_logs(struct config *cfg,
				      struct config_setting *s)
{
	static char *words[64];
	static int n;
	char *copy;

	if (cfg->cmd != CMD_INGEST)
		return OPTIONS_RUN;
	if (cfg->npaths > n) {
		s->applied = -1; /* the command line named its own */
		return OPTIONS_RUN;
	}
	copy = xstrdup(s->value);
	for (char *w = strtok(copy, " \t"); w; w = strtok(NULL, " \t")) {
		if (n == 64)
			return usage_error(cfg->cmd, "logs: at most 64 paths");
		words[n++] = w;
	}
	cfg->paths = words;
	cfg->npaths = n;
	s->applied = 1;
	config_note("logs", s->value, setting_at);
	return OPTIONS_RUN;
}

/* Is option id set by the environment, which wins over the file as
 * the command line does ($KEYAUDIT_DB, $KEYAUDIT_RULES, the key's)? */
static int env_set(int id)
{
	const char *names[2] = {NULL, NULL};

	if (id == OPT_DB)
		names[0] = "KEYAUDIT_DB";
	else if (id == OPT_RULES)
		names[0] = "KEYAUDIT_RULES";
	else if (id == OPT_KEY) {
		names[0] = "KEYAUDIT_KEY";
		names[1] = "KEYAUDIT_KEY_FILE";
	}
	for (int i = 0; i < 2 && names[i]; i++)
		if (getenv(names[i]) && *getenv(names[i]))
			return 1;
	return 0;
}

/* One line of the settings file, unless the command line or the
 * environment said it. */
static enum parse_result one_setting(struct config *cfg,
				     struct config_setting *s)
{
	const struct options_option *o;
	int known = 1;
	int flag = 1;
	enum parse_result r;

	if (strcmp(s->name, "logs") == 0)
		return setting_logs(cfg, s);
	o = setting_option(cfg->cmd, s->name, &known);
	if (!known)
		return usage_error(cfg->cmd, "unknown setting: %s", s->name);
	if (!o)
		return OPTIONS_RUN;
	if (((size_t)o->id < sizeof(given) && given[o->id]) ||
	    ((o->id == 'q' || o->id == 'v') && (given['q'] || given['v']))) {
		s->applied = -1;
		return OPTIONS_RUN;
	}
	if (env_set(o->id)) {
		s->applied = -2;
		return OPTIONS_RUN;
	}
	if (!o->arg && (flag = flag_value(s->value)) < 0)
		return usage_error(cfg->cmd, "%s: yes or no: %s", s->name,
				   s->value);
	s->applied = 1;
	if (!flag)
		return OPTIONS_RUN;
	optarg = o->arg ? s->value : NULL;
	r = one_option(cfg, o->id);
	if (r == OPTIONS_RUN)
		config_note(o->name, s->value, setting_at);
	return r;
}

/* The settings file's lines, after the command line. */
static enum parse_result apply_settings(struct config *cfg)
{
	char emsg[4400];
	struct config_setting *s;
	enum parse_result r = OPTIONS_RUN;

	if (config_read(cfg->config, emsg, sizeof(emsg)) < 0)
		return usage_error(cfg->cmd, "%s", emsg);
	for (int i = 0; r == OPTIONS_RUN && (s = config_setting(i)); i++) {
		setting_at = config_where(s);
		r = one_setting(cfg, s);
	}
	setting_at = NULL;
	return r;
}

/* argv from the command word on: options, settings, checks. */
static enum parse_result parse_command(int argc, char **argv,
				       struct config *cfg)
{
	enum parse_result r;
	int used = 2;

	r = pick_command(argc, argv, cfg, &used);
	if (r != OPTIONS_RUN)
		return r;
	/* Parse from the command word on, as if it were argv[0]; GNU
	 * getopt moves operands after the options. */
	r = read_options(argc - (used - 1), argv + (used - 1), cfg);
	if (r == OPTIONS_RUN)
		r = apply_settings(cfg);
	if (r == OPTIONS_RUN)
		r = finish(cfg);
	return r == OPTIONS_RUN && cfg->print_config ? OPTIONS_CONFIG : r;
}

/* keyaudit config [COMMAND] [OPTIONS]: COMMAND's settings (ingest's
 * when none is named), shown. */
static enum parse_result config_command(int argc, char **argv,
					struct config *cfg)
{
	static char *args[1024];
	static char ingest[] = "ingest";

	cfg->print_config = 1;
	if (argc > 2 && argv[2][0] != '-')
		return parse_command(argc - 1, argv + 1, cfg);
	if (argc > 1022)
		return usage_error(CMD_NONE, "config: too many arguments");
	args[0] = argv[1];
	args[1] = ingest;
	for (int i = 2; i < argc; i++)
		args[i] = argv[i];
	return parse_command(argc, args, cfg);
}

enum parse_result options_parse(int argc, char **argv, struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->verbosity = 1;
	cfg->window = 14;
	cfg->max_share = 0.1;
	cfg->max_clients = 0;
	cfg->min_quiet = 7;
	cfg->max_blind = 5;
	cfg->lookback = 120;
	cfg->detail_days = 3;
	cfg->max_bad = 50;
	if (argc < 2)
		return usage_error(CMD_NONE, "no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return OPTIONS_HELP;
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return OPTIONS_VERSION;
	if (strcmp(argv[1], "config") == 0)
		return config_command(argc, argv, cfg);
	return parse_command(argc, argv, cfg);
}
