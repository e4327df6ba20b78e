/* options.c: turn argv into a struct config; usage and version text. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "options.h"

#include <csv.h>
#include <getopt.h>
#include <limits.h>
#include <pcre2.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "day.h"
#include "report.h"

#ifndef KEYAUDIT_VERSION
#define KEYAUDIT_VERSION "0.1.0"
#endif
#ifndef KEYAUDIT_DATADIR
#define KEYAUDIT_DATADIR "/usr/local/share/keyaudit"
#endif

static const char overview[] =
	"usage: keyaudit COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Find the clients that still authenticate with a legacy credential.\n"
	"\n"
	"commands:\n"
	"  ingest PATH...      read access logs (plain or gzip, a directory,\n"
	"                      or - for stdin) into the database\n"
	"  report KIND         write a report: %s\n"
	"  files               list the log files the database has read\n"
	"  rules check [FILE]  compile a rules file and report problems\n"
	"  rules explain [LOG] show how each line of LOG is classified\n"
	"  gonogo              GO or NO-GO for the next cutoff phase\n"
	"  merge SHARD.db...   add shard databases into --db, exactly\n"
	"  prune --before DAY  remove the counts of days before DAY\n"
	"  forget FILE...      remove a file's counts, to read it again\n"
	"  fingerprint         print the fingerprint of each secret read from\n"
	"                      stdin (one per line), to find it in reports\n"
	"  lookup [fp:X...]    where a credential (secrets on stdin, or\n"
	"                      fingerprints) was used; exit 1 when nowhere\n"
	"\n"
	"Run 'keyaudit COMMAND --help' for a command's options.\n"
	"\n"
	"exit status:\n"
	"  0  success; gonogo: GO\n"
	"  1  some input was unreadable or incomplete; everything readable\n"
	"     was counted; gonogo: NO-GO\n"
	"  2  bad usage, option, log format or rules file\n"
	"  3  failed at run time (database, disk, memory); the batch being\n"
	"     written was not committed\n"
	"  4  another keyaudit run is using the database\n"
	"  5  ingest was stopped by SIGINT or SIGTERM; what it read up to\n"
	"     its last batch is committed, the next run goes on from there\n"
	"  6  gonogo: CANNOT TELL (too few requests show a credential)\n";

static const char common_db[] =
	"  --db FILE          database (default $KEYAUDIT_DB, else "
	"keyaudit.db)\n"
	"                     (reports, files, gonogo: repeat for shards)\n";
static const char common_quiet[] =
	"  -q, --quiet        print nothing unless something is wrong\n"
	"  -v, --verbose      say more\n"
	"  -h, --help         this help\n";

void options_usage(FILE *f, enum command cmd)
{
	switch (cmd) {
	case CMD_INGEST:
		fputs("usage: keyaudit ingest [OPTIONS] PATH...\n\n", f);
		fputs(common_db, f);
		fputs("  --rules FILE       rules (default: the shipped "
		      "asana-api-keys.rules)\n"
		      "  --format FMT       auto (default), combined, common, "
		      "vhost_combined,\n"
		      "                     vhost_common, nginx:'<log_format>', "
		      "jsonl[:TIMEKEY], s3,\n"
		      "                     alb, elb, cloudfront, "
		      "regex:'<PCRE2 with named groups>'\n"
		      "  --key-file FILE    fingerprint key (default "
		      "$KEYAUDIT_KEY, $KEYAUDIT_KEY_FILE, or DB.key)\n"
		      "  --wait SECONDS     wait this long for another run to "
		      "finish (default 0)\n"
		      "  --commit-every N   commit at least every N lines "
		      "(default: 4 MiB of counts, or 30 s)\n"
		      "  -j, --jobs N       read N files at once (default 1)\n"
		      "  --keep-days N      then prune the counts of all but "
		      "the newest N days\n"
		      "  --detail-days N    keep each file's own counts this "
		      "many days after its\n"
		      "                     last day, for merge and forget "
		      "(default 3)\n"
		      "  --include GLOB     in a directory, read only files "
		      "whose name matches\n"
		      "                     (repeatable; default: all)\n"
		      "  --exclude GLOB     in a directory, skip files whose "
		      "name matches (repeatable)\n"
		      "  --max-bad PCT      a file with more than PCT% bad "
		      "lines among its first\n"
		      "                     1000 new lines is not read: "
		      "nothing of it is counted,\n"
		      "                     it is named on stderr, exit 1 "
		      "(default 50)\n",
		      f);
		fputs(common_quiet, f);
		fputs("\nLines dated more than an hour after now "
		      "($KEYAUDIT_NOW, epoch seconds,\n"
		      "sets now) are bad lines.  SIGINT or SIGTERM stops at "
		      "the next batch,\ncommitted; the summary is printed, "
		      "exit 5.\n",
		      f);
		break;
	case CMD_REPORT:
		fputs("usage: keyaudit report KIND [OPTIONS]\n\nkinds:\n  ", f);
		report_known(NULL, f);
		fputs("\n\n", f);
		fputs(common_db, f);
		fputs("  --since DAY        first UTC day (YYYY-MM-DD)\n"
		      "  --until DAY        last UTC day, inclusive\n"
		      "  --format csv|json  output format (default csv)\n"
		      "  -o, --output FILE  write to FILE (default - , "
		      "stdout)\n"
		      "  --registry FILE    outreach: CSV of client or "
		      "fingerprint, contacts, ...\n"
		      "  --action TEXT      outreach: what legacy clients "
		      "should do\n"
		      "  --registry-key COLUMN  outreach: the registry's "
		      "client id column\n"
		      "                     (default: client, client_id, "
		      "Client ID, app_id, ...)\n"
		      "  --registry-fingerprint COLUMN  outreach: its "
		      "fingerprint column (default:\n"
		      "                     fingerprint, API Key Fingerprint, "
		      "...)\n"
		      "  --registry-delimiter C  outreach: , ; | or tab "
		      "(default: sniffed)\n"
		      "  --rules FILE       outreach: phases, for the day "
		      "amnesty ends\n"
		      "  --migrated-days N  migrated after N days without "
		      "a legacy request, dormant\n"
		      "                     after N without any (default 14)\n",
		      f);
		fputs(common_quiet, f);
		break;
	case CMD_FILES:
		fputs("usage: keyaudit files [--db FILE]\n\n", f);
		fputs(common_db, f);
		break;
	case CMD_RULES_CHECK:
	case CMD_RULES_EXPLAIN:
		fputs("usage: keyaudit rules check [--format FMT] [FILE]\n"
		      "       keyaudit rules explain [--rules FILE] "
		      "[--format FMT] [--key-file FILE] [LOG|-]\n"
		      "(FMT as for ingest; explain detects it like "
		      "--format auto by default)\n",
		      f);
		break;
	case CMD_MERGE:
		fputs("usage: keyaudit merge --db TOTAL.db [--wait SECONDS] "
		      "SHARD.db...\n\n"
		      "Add shard databases into TOTAL.db, each in one "
		      "transaction.  A log file\nread by several shards "
		      "counts once; merging a shard again adds nothing.\n",
		      f);
		break;
	case CMD_GONOGO:
		fputs("usage: keyaudit gonogo [OPTIONS]\n\n"
		      "If the next phase started now, who would break?  "
		      "Prints GO, NO-GO or\nCANNOT TELL and why on the first "
		      "line; exit 0 for GO, 1 for NO-GO, 6 for\nCANNOT TELL\n"
		      "(more than --max-blind of the requests show no "
		      "credential a rule can class:\nunknown, hidden, or "
		      "none when no request shows one at all).\n\n",
		      f);
		fputs(common_db, f);
		fputs("  --rules FILE       where the phases are defined\n"
		      "  --phase NAME       the phase (default: the first the "
		      "rules define)\n"
		      "  --window DAYS      days of data looked at (default 14)\n"
		      "  --as-of DAY        last day of the window (default: "
		      "the newest day\n"
		      "                     with at least a tenth of the "
		      "median day's requests)\n"
		      "  --max-share PCT    NO-GO above this percentage of "
		      "refused requests (default 0.1)\n"
		      "  --max-clients N    NO-GO above this many active "
		      "breaking clients (default 0)\n"
		      "  --min-quiet-days N a client quiet this long is not "
		      "active (default 7,\n"
		      "                     shorter than the window)\n"
		      "  --max-blind PCT    CANNOT TELL above this percentage "
		      "of blind requests\n"
		      "                     (default 5)\n"
		      "  --lookback DAYS    days searched for dormant clients "
		      "(default 120)\n"
		      "  --max-dormant N    NO-GO above this many dormant "
		      "clients (default 0)\n"
		      "  --brownout 'DAY HH:MM-HH:MM'\n"
		      "                     replay a brownout (repeatable; an "
		      "end not after the\n"
		      "                     start is on the next day)\n"
		      "  --registry FILE    owners of the clients, for the "
		      "page\n"
		      "  -o, --output FILE  the breaking clients as CSV\n"
		      "  --html FILE        a self-contained page for the "
		      "review\n",
		      f);
		fputs(common_quiet, f);
		break;
	case CMD_PRUNE:
		fputs("usage: keyaudit prune --before DAY [--db FILE] "
		      "[--wait SECONDS]\n\n"
		      "Remove every count of a day before DAY and give the "
		      "space back.  The\nfiles read stay known, so they are "
		      "never read again; reports say the\nfirst day they "
		      "cover.\n",
		      f);
		break;
	case CMD_FORGET:
		fputs("usage: keyaudit forget [--dry-run] [--db FILE] "
		      "FILE|FINGERPRINT...\n\n"
		      "Remove a file's counts and read position in one "
		      "transaction, so that the\nnext ingest reads it again "
		      "(after a format fix, say).  FILE is a path as\nit was "
		      "read or the file itself; FINGERPRINT is the head "
		      "fingerprint\n'keyaudit files' shows.  --dry-run lists "
		      "what would be forgotten.\nExit 1 when nothing "
		      "matches.\n",
		      f);
		break;
	case CMD_FINGERPRINT:
		fputs("usage: keyaudit fingerprint [--db FILE] "
		      "[--key-file FILE] < secrets\n"
		      "The key is the database's (DB.key, $KEYAUDIT_KEY, "
		      "--key-file); none is made.\n",
		      f);
		break;
	case CMD_LOOKUP:
		fputs("usage: keyaudit lookup [--db FILE] [--key-file FILE] "
		      "[--since DAY]\n"
		      "                       [--until DAY] [--migrated-days N] "
		      "[fp:FINGERPRINT...]\n"
		      "                       [< secrets]\n\n"
		      "For each credential (fingerprints as arguments, else "
		      "secrets on stdin, one\na line), the clients it was "
		      "counted under, its requests, first and last\nuse, and "
		      "the client's state.  Exit 0 when one was found, 1 "
		      "when none.\n",
		      f);
		break;
	case CMD_NONE:
		fprintf(f, overview,
			"migration, amnesty, outreach,\n"
			"                      credentials, sdks, progress, daily, "
			"summary");
		break;
	}
}

void options_version(FILE *f)
{
	char pcre[64] = "";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	fprintf(f,
		"keyaudit %s\nzlib %s, PCRE2 %s, SQLite %s, libcsv %d.%d.%d, "
		"libsodium %s\n",
		KEYAUDIT_VERSION, zlibVersion(), pcre, sqlite3_libversion(),
		CSV_MAJOR, CSV_MINOR, CSV_RELEASE, sodium_version_string());
}

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

static enum parse_result bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "keyaudit: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	fputs("try 'keyaudit --help'\n", stderr);
	return OPTIONS_ERROR;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int is_day(const char *s)
{
	int64_t days;

	return day_parse(s, &days) == 0;
}

/* "YYYY-MM-DD HH:MM-HH:MM" */
static int is_brownout(const char *s)
{
	char day[11];
	int h1, m1, h2, m2, used = 0;

	if (strlen(s) < 22 || s[10] != ' ')
		return 0;
	memcpy(day, s, 10);
	day[10] = 0;
	return is_day(day) &&
	       sscanf(s + 11, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2,
		      &used) == 4 &&
	       s[11 + used] == 0 && used == 11 && h1 >= 0 && h1 < 24 &&
	       h2 >= 0 && h2 <= 24 && m1 >= 0 && m1 < 60 && m2 >= 0 &&
	       m2 < 60;
}

static enum command pick_command(int argc, char **argv, int *used)
{
	const char *c = argv[1];

	*used = 2;
	if (strcmp(c, "ingest") == 0)
		return CMD_INGEST;
	if (strcmp(c, "report") == 0)
		return CMD_REPORT;
	if (strcmp(c, "files") == 0)
		return CMD_FILES;
	if (strcmp(c, "fingerprint") == 0)
		return CMD_FINGERPRINT;
	if (strcmp(c, "gonogo") == 0)
		return CMD_GONOGO;
	if (strcmp(c, "merge") == 0)
		return CMD_MERGE;
	if (strcmp(c, "prune") == 0)
		return CMD_PRUNE;
	if (strcmp(c, "forget") == 0)
		return CMD_FORGET;
	if (strcmp(c, "lookup") == 0)
		return CMD_LOOKUP;
	if (strcmp(c, "rules") == 0 && argc > 2) {
		*used = 3;
		if (strcmp(argv[2], "check") == 0)
			return CMD_RULES_CHECK;
		if (strcmp(argv[2], "explain") == 0)
			return CMD_RULES_EXPLAIN;
	}
	return CMD_NONE;
}

enum {
	OPT_DB = 256,
	OPT_RULES,
	OPT_FORMAT,
	OPT_KEY,
	OPT_WAIT,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_COMMIT,
	OPT_REGISTRY,
	OPT_ACTION,
	OPT_PHASE,
	OPT_WINDOW,
	OPT_ASOF,
	OPT_MAXSHARE,
	OPT_MAXCLIENTS,
	OPT_QUIET,
	OPT_HTML,
	OPT_MAXBLIND,
	OPT_LOOKBACK,
	OPT_MAXDORMANT,
	OPT_BROWNOUT,
	OPT_BEFORE,
	OPT_KEEPDAYS,
	OPT_DETAILDAYS,
	OPT_DRYRUN,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_MAXBAD,
	OPT_REGKEY,
	OPT_REGFP,
	OPT_REGDELIM,
	OPT_MIGRATED
};

static const struct option longopts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"rules", required_argument, NULL, OPT_RULES},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"key-file", required_argument, NULL, OPT_KEY},
	{"wait", required_argument, NULL, OPT_WAIT},
	{"since", required_argument, NULL, OPT_SINCE},
	{"commit-every", required_argument, NULL, OPT_COMMIT},
	{"jobs", required_argument, NULL, 'j'},
	{"registry", required_argument, NULL, OPT_REGISTRY},
	{"action", required_argument, NULL, OPT_ACTION},
	{"phase", required_argument, NULL, OPT_PHASE},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"as-of", required_argument, NULL, OPT_ASOF},
	{"max-share", required_argument, NULL, OPT_MAXSHARE},
	{"max-clients", required_argument, NULL, OPT_MAXCLIENTS},
	{"min-quiet-days", required_argument, NULL, OPT_QUIET},
	{"html", required_argument, NULL, OPT_HTML},
	{"max-blind", required_argument, NULL, OPT_MAXBLIND},
	{"lookback", required_argument, NULL, OPT_LOOKBACK},
	{"max-dormant", required_argument, NULL, OPT_MAXDORMANT},
	{"brownout", required_argument, NULL, OPT_BROWNOUT},
	{"before", required_argument, NULL, OPT_BEFORE},
	{"keep-days", required_argument, NULL, OPT_KEEPDAYS},
	{"detail-days", required_argument, NULL, OPT_DETAILDAYS},
	{"dry-run", no_argument, NULL, OPT_DRYRUN},
	{"include", required_argument, NULL, OPT_INCLUDE},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"max-bad", required_argument, NULL, OPT_MAXBAD},
	{"registry-key", required_argument, NULL, OPT_REGKEY},
	{"registry-fingerprint", required_argument, NULL, OPT_REGFP},
	{"registry-delimiter", required_argument, NULL, OPT_REGDELIM},
	{"migrated-days", required_argument, NULL, OPT_MIGRATED},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"output", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static enum parse_result one_option(struct config *cfg, int c)
{
	switch (c) {
	case OPT_DB:
		if (cfg->ndbs == 64)
			return bad_usage("at most 64 --db", NULL);
		cfg->db = cfg->dbs[cfg->ndbs++] = optarg;
		break;
	case OPT_RULES: cfg->rules = optarg; break;
	case OPT_FORMAT: cfg->format = optarg; break;
	case OPT_KEY: cfg->key_file = optarg; break;
	case OPT_WAIT:
		if (parse_int(optarg, &cfg->wait) < 0)
			return bad_usage("--wait needs a number of seconds",
					 optarg);
		break;
	case OPT_COMMIT: {
		int n;

		if (parse_int(optarg, &n) < 0 || n == 0)
			return bad_usage("--commit-every needs a number of "
					 "lines",
					 optarg);
		cfg->commit_every = n;
		break;
	}
	case OPT_SINCE:
	case OPT_UNTIL:
		if (!is_day(optarg))
			return bad_usage("a day is a real date, YYYY-MM-DD",
					 optarg);
		*(c == OPT_SINCE ? &cfg->since : &cfg->until) = optarg;
		break;
	case 'o': cfg->out = optarg; break;
	case 'j':
		if (parse_int(optarg, &cfg->jobs) < 0 || cfg->jobs < 1 ||
		    cfg->jobs > 64)
			return bad_usage("--jobs is 1 to 64", optarg);
		break;
	case OPT_REGISTRY: cfg->registry = optarg; break;
	case OPT_ACTION: cfg->action = optarg; break;
	case OPT_PHASE: cfg->phase = optarg; break;
	case OPT_HTML: cfg->html = optarg; break;
	case OPT_INCLUDE:
	case OPT_EXCLUDE: {
		int *n = c == OPT_INCLUDE ? &cfg->ninclude : &cfg->nexclude;

		if (*n == 32)
			return bad_usage("at most 32 --include and --exclude",
					 optarg);
		(c == OPT_INCLUDE ? cfg->include : cfg->exclude)[(*n)++] =
			optarg;
		break;
	}
	case OPT_MAXBAD:
		if (parse_int(optarg, &cfg->max_bad) < 0 || cfg->max_bad > 100)
			return bad_usage("--max-bad is a percentage, 0 to 100",
					 optarg);
		break;
	case OPT_REGKEY: cfg->registry_key = optarg; break;
	case OPT_REGFP: cfg->registry_fp = optarg; break;
	case OPT_REGDELIM:
		if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
			cfg->registry_delim = '\t';
		else if (strlen(optarg) == 1 && strchr(",;|", optarg[0]))
			cfg->registry_delim = optarg[0];
		else
			return bad_usage("--registry-delimiter is , ; | or tab",
					 optarg);
		break;
	case OPT_MIGRATED:
		if (parse_int(optarg, &cfg->migrated_days) < 0 ||
		    cfg->migrated_days < 1 || cfg->migrated_days > 3650)
			return bad_usage("--migrated-days is 1 to 3650",
					 optarg);
		break;
	case OPT_ASOF:
		if (!is_day(optarg))
			return bad_usage("a day is YYYY-MM-DD", optarg);
		cfg->as_of = optarg;
		break;
	case OPT_BROWNOUT:
		if (cfg->nbrownouts == 16)
			return bad_usage("at most 16 --brownout", NULL);
		if (!is_brownout(optarg))
			return bad_usage("a brownout is 'YYYY-MM-DD "
					 "HH:MM-HH:MM'",
					 optarg);
		cfg->brownouts[cfg->nbrownouts++] = optarg;
		break;
	case OPT_WINDOW:
	case OPT_MAXCLIENTS:
	case OPT_LOOKBACK:
	case OPT_MAXDORMANT:
	case OPT_QUIET: {
		int *dst = c == OPT_WINDOW	 ? &cfg->window
			   : c == OPT_MAXCLIENTS ? &cfg->max_clients
			   : c == OPT_LOOKBACK	 ? &cfg->lookback
			   : c == OPT_MAXDORMANT ? &cfg->max_dormant
						 : &cfg->min_quiet;

		if (parse_int(optarg, dst) < 0 ||
		    (c == OPT_WINDOW && *dst == 0))
			return bad_usage("expected a number", optarg);
		break;
	}
	case OPT_MAXBLIND:
	case OPT_MAXSHARE: {
		char *end;
		double *dst = c == OPT_MAXBLIND ? &cfg->max_blind
						: &cfg->max_share;

		*dst = strtod(optarg, &end);
		if (!*optarg || *end || *dst < 0 || *dst > 100)
			return bad_usage("--max-share and --max-blind are "
					 "percentages, 0 to 100",
					 optarg);
		break;
	}
	case OPT_BEFORE:
		if (!is_day(optarg))
			return bad_usage("a day is YYYY-MM-DD", optarg);
		cfg->before = optarg;
		break;
	case OPT_KEEPDAYS:
	case OPT_DETAILDAYS: {
		int *dst = c == OPT_KEEPDAYS ? &cfg->keep_days
					     : &cfg->detail_days;

		if (parse_int(optarg, dst) < 0 ||
		    (c == OPT_KEEPDAYS && *dst < 1))
			return bad_usage(c == OPT_KEEPDAYS
						 ? "--keep-days: must be at "
						   "least 1"
						 : "--detail-days needs a "
						   "number of days",
					 optarg);
		break;
	}
	case OPT_DRYRUN: cfg->dry_run = 1; break;
	case 'q': cfg->verbosity = 0; break;
	case 'v': cfg->verbosity = 2; break;
	case 'h': return OPTIONS_HELP;
	case 'V': return OPTIONS_VERSION;
	default: return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

/* Check what each command needs once its options are read. */
static enum parse_result finish(struct config *cfg)
{
	const char *env = getenv("KEYAUDIT_DB");

	if (!cfg->db)
		cfg->db = env && *env ? env : "keyaudit.db";
	if (cfg->ndbs > 1 && cfg->cmd != CMD_REPORT && cfg->cmd != CMD_FILES &&
	    cfg->cmd != CMD_GONOGO)
		return bad_usage("only reports, files and gonogo take several "
				 "--db",
				 NULL);
	if (cfg->cmd == CMD_MERGE && cfg->npaths == 0)
		return bad_usage("merge needs a SHARD.db to add", NULL);
	if (cfg->cmd == CMD_PRUNE && (!cfg->before || cfg->npaths))
		return bad_usage(cfg->npaths ? "prune takes no argument"
					     : "prune needs --before DAY",
				 cfg->npaths ? cfg->paths[0] : NULL);
	if (cfg->cmd == CMD_FORGET && cfg->npaths == 0)
		return bad_usage("forget needs a FILE or FINGERPRINT", NULL);
	if (cfg->cmd == CMD_INGEST && cfg->npaths == 0)
		return bad_usage("ingest needs a PATH (a file, a directory, "
				 "or - for stdin)",
				 NULL);
	if (cfg->cmd == CMD_REPORT) {
		if (cfg->npaths != 1)
			return bad_usage("report needs one KIND", NULL);
		cfg->report = cfg->paths[0];
		if (!report_known(cfg->report, NULL))
			return bad_usage("unknown report", cfg->report);
		if (cfg->format && strcmp(cfg->format, "json") != 0 &&
		    strcmp(cfg->format, "csv") != 0)
			return bad_usage("report --format is csv or json",
					 cfg->format);
		cfg->json = cfg->format && strcmp(cfg->format, "json") == 0;
		if (strcmp(cfg->report, "outreach") == 0 && !cfg->registry)
			return bad_usage("report outreach needs --registry "
					 "FILE.csv",
					 NULL);
	}
	if (cfg->cmd == CMD_RULES_CHECK && cfg->npaths > 1)
		return bad_usage("rules check takes one FILE", NULL);
	if (cfg->cmd == CMD_RULES_CHECK && cfg->npaths == 1)
		cfg->rules = cfg->paths[0];
	if (cfg->cmd == CMD_RULES_EXPLAIN && cfg->npaths > 1)
		return bad_usage("rules explain takes one LOG", NULL);
	if ((cfg->cmd == CMD_FILES || cfg->cmd == CMD_FINGERPRINT ||
	     cfg->cmd == CMD_GONOGO) &&
	    cfg->npaths)
		return bad_usage("unexpected argument", cfg->paths[0]);
	if (cfg->cmd == CMD_GONOGO && cfg->min_quiet >= cfg->window)
		return bad_usage("--min-quiet-days must be shorter than "
				 "--window",
				 NULL);
	if (!cfg->rules)
		cfg->rules = options_default_rules();
	return OPTIONS_RUN;
}

enum parse_result options_parse(int argc, char **argv, struct config *cfg)
{
	int used;
	int c;

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
		return bad_usage("no command given", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return OPTIONS_HELP;
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return OPTIONS_VERSION;
	cfg->cmd = pick_command(argc, argv, &used);
	if (cfg->cmd == CMD_NONE)
		return bad_usage("unknown command", argv[1]);
	/* Parse from the command word on, as if it were argv[0]; GNU
	 * getopt moves operands after the options. */
	argc -= used - 1;
	argv += used - 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:qvhj:", longopts, NULL)) != -1) {
		enum parse_result r;

		if (c == '?' || c == ':')
			return bad_usage(c == ':' ? "option needs a value"
						  : "unknown option",
					 argv[optind - 1]);
		r = one_option(cfg, c);
		if (r != OPTIONS_RUN)
			return r;
	}
	cfg->paths = argv + optind;
	cfg->npaths = argc - optind;
	return finish(cfg);
}
