/* options.h: the command line, turned into a struct config. */
#ifndef KEYAUDIT_OPTIONS_H
#define KEYAUDIT_OPTIONS_H

#include <stdio.h>

/* Exit statuses: part of the interface, listed in usage and README. */
enum exit_code {
	EXIT_OK = 0,	  /* success; GO for gonogo */
	EXIT_PARTIAL = 1, /* some input unreadable or incomplete; NO-GO */
	EXIT_USAGE = 2,	  /* bad usage, option, format or rules */
	EXIT_FAILED = 3,  /* run-time failure; the batch was not committed */
	EXIT_BUSY = 4,	  /* another run holds the database */
	/* ingest stopped by SIGINT or SIGTERM: the batch in flight was
	 * committed, the summary printed; the next run goes on from there */
	EXIT_INTERRUPTED = 5,
	EXIT_BLIND = 6, /* gonogo: CANNOT TELL, credentials not seen */
	/* ingest: a path named does not exist, or a directory held no file
	 * to read: a broken setup; the other paths were read */
	EXIT_NOINPUT = 7,
	/* ingest: the counts were committed, the metrics file not written */
	EXIT_METRICS = 8
};

enum command {
	CMD_NONE,
	CMD_INGEST,
	CMD_REPORT,
	CMD_RULES_CHECK,
	CMD_RULES_EXPLAIN,
	CMD_FILES,
	CMD_FINGERPRINT,
	CMD_GONOGO,
	CMD_MERGE,
	CMD_PRUNE,
	CMD_FORGET,
	CMD_LOOKUP
};

struct config {
	enum command cmd;
	const char *db;
	const char *dbs[64]; /* every --db given, for reports over shards */
	int ndbs;
	const char *rules;
	const char *format;
	const char *key_file;
	const char *report; /* report kind */
	const char *since;
	const char *until;
	const char *out;
	int json;
	const char *registry;	  /* report outreach */
	const char *action;	  /* report outreach */
	const char *registry_key; /* report outreach: client id column */
	const char *registry_fp;  /* report outreach: fingerprint column */
	char registry_delim;	  /* report outreach: 0 sniffed */
	int migrated_days;	  /* reports, lookup: days for migrated */
	/* report outreach and gonogo: the registry's owner column */
	const char *registry_owner;
	/* report outreach: the directory of the drafts (--messages) */
	const char *messages;
	/* report outreach: phases' days, "NAME=YYYY-MM-DD" (--plan) */
	const char *phase_dates[16];
	int nphase_dates;
	/* gonogo */
	const char *phase;
	int window;	   /* days */
	const char *as_of; /* last day of the window, or NULL: newest data */
	double max_share;  /* percent of requests that may be refused */
	int max_clients;   /* active clients that may break */
	int min_quiet;	   /* days without a refused request: not active */
	double max_blind;  /* percent of requests without a visible
			      credential above which gonogo cannot tell */
	int lookback;	   /* days before the window searched for
			      dormant clients */
	int max_dormant;   /* dormant clients that may break */
	int accept_gaps;   /* gonogo: a verdict over pruned or missing days */
	int strict_succession; /* gonogo: a succeeded credential is dormant */
	const char *brownouts[16]; /* "YYYY-MM-DD HH:MM-HH:MM" */
	int nbrownouts;
	const char *html;
	const char *metrics; /* ingest, gonogo: Prometheus text file */
	int wait;	     /* seconds to wait for the database lock */
	long commit_every;   /* lines between commits, 0: by size */
	int jobs;	     /* files read at once */
	const char *before;  /* prune: the first day kept */
	int keep_days;	     /* ingest: prune all but the last N days, 0 off */
	int detail_days;     /* ingest: keep per-file detail this long */
	int dry_run;	     /* forget, prune: only list */
	int force; /* forget: also files whose content is not at hand */
	/* ingest: globs (fnmatch, on the base name) that pick the files of
	 * a directory; none included means every file */
	const char *include[32];
	int ninclude;
	const char *exclude[32];
	int nexclude;
	int max_bad; /* percent of a file's first new lines that may be bad */
	int verbosity; /* 0 quiet, 1 normal, 2 verbose */
	char **paths;
	int npaths;
	const char *config; /* --config: the settings file */
	int print_config;   /* --print-config, keyaudit config */
};

enum parse_result {
	OPTIONS_RUN,	 /* cfg is ready */
	OPTIONS_HELP,	 /* --help was asked: print usage, exit 0 */
	OPTIONS_VERSION, /* --version */
	OPTIONS_ERROR,	 /* a message was printed; exit 2 */
	OPTIONS_CONFIG	 /* keyaudit config, --print-config: show cfg */
};

/* Fill cfg from argv and the settings file (config.h; the command
 * line wins).  Never exits; on OPTIONS_ERROR a one-line message
 * and "try 'keyaudit --help'" went to stderr. */
enum parse_result options_parse(int argc, char **argv, struct config *cfg);

/* Usage text for cmd (CMD_NONE: the overview) on f, made from the
 * tables below. */
void options_usage(FILE *f, enum command cmd);
/* The version, and those of the libraries, on f. */
void options_version(FILE *f);

/* The shipped rules file: $KEYAUDIT_RULES, the source tree's copy next
 * to the program, or the installed one. */
const char *options_default_rules(void);

#ifdef KEYAUDIT_OPTIONS_PRIVATE
/* Shared by options.c (parsing) and options_usage.c (the usage text). */

/* Ids of the long options without a short one (those use the letter). */
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
	OPT_METRICS,
	OPT_MAXBLIND,
	OPT_LOOKBACK,
	OPT_MAXDORMANT,
	OPT_BROWNOUT,
	OPT_BEFORE,
	OPT_KEEPDAYS,
	OPT_DETAILDAYS,
	OPT_DRYRUN,
	OPT_FORCE,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_MAXBAD,
	OPT_REGKEY,
	OPT_REGFP,
	OPT_REGDELIM,
	OPT_MIGRATED,
	OPT_CONFIG,
	OPT_PRINTCONFIG,
	OPT_ACCEPTGAPS,
	OPT_REGOWNER,
	OPT_MESSAGES,
	OPT_STRICTSUCC,
	OPT_PHASEDATE,
	OPT_END /* keep last: one past every id */
};

/* A command: "name" or "name sub" on the command line. */
struct options_command {
	const char *name;
	const char *sub; /* NULL, or the second word ("rules check") */
	enum command cmd;
	const char *synopsis; /* what follows the name in the usage line */
	const char *summary;  /* one sentence */
};

/* What the usage text appends to an option's help. */
enum options_list {
	OPTIONS_LIST_NONE,
	OPTIONS_LIST_FORMATS /* the log formats of parse.c's table */
};

/* An option of some commands. */
struct options_option {
	const char *name; /* long name, without "--" */
	char shortname;	  /* its letter, or 0 */
	int id;		  /* its letter, or an OPT_* */
	unsigned cmds;	  /* bit 1 << CMD_* set for each command taking it */
	const char *arg;  /* the value's name in the usage text; NULL: none */
	const char *help;
	enum options_list list;
};

/* The tables, each ended by a row whose name is NULL; static data. */
extern const struct options_command options_commands[];
extern const struct options_option options_table[];
#define NOPTIONS_MAX 64 /* rows options_table may have */
#endif

#endif
