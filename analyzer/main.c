/* main.c: options -> command -> exit status. */
#include <limits.h>
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "ingest.h"
#include "lookup.h"
#include "msg.h"
#include "options.h"
#include "outfile.h"
#include "store.h"

static int run(struct config *cfg);

/* EXIT_OK, or EXIT_FAILED with the reason when standard output could not
 * be written. */
static int stdout_done(void)
{
	char emsg[256];

	if (outfile_check_stdout(emsg, sizeof(emsg)) == 0)
		return EXIT_OK;
	err("%s", emsg);
	return EXIT_FAILED;
}

int main(int argc, char **argv)
{
	struct config cfg;
	char merged[PATH_MAX];
	int rc;

	store_init();
	switch (options_parse(argc, argv, &cfg)) {
	case OPTIONS_HELP:
		options_usage(stdout, cfg.cmd);
		return stdout_done();
	case OPTIONS_VERSION:
		options_version(stdout);
		return stdout_done();
	case OPTIONS_ERROR:
		return EXIT_USAGE;
	case OPTIONS_CONFIG:
		config_print(stdout, &cfg);
		return stdout_done();
	case OPTIONS_RUN:
		break;
	}
	msg_set_level((enum msg_level)cfg.verbosity);
	if (cfg.ndbs < 2)
		return run(&cfg);
	/* reports over shards: over their merge, so the results are the
	 * same as over one database */
	rc = cmd_merge_temp(cfg.dbs, cfg.ndbs, merged);
	if (rc != EXIT_OK)
		return rc;
	cfg.db = merged;
	rc = run(&cfg);
	cmd_merge_cleanup(merged);
	return rc;
}

static int run(struct config *c)
{
	struct config cfg = *c;

	switch (cfg.cmd) {
	case CMD_INGEST:
		return ingest_run(&cfg);
	case CMD_REPORT:
		return cmd_report(&cfg);
	case CMD_FILES:
		return cmd_files(&cfg);
	case CMD_RULES_CHECK:
		return cmd_rules_check(&cfg);
	case CMD_RULES_EXPLAIN:
		return cmd_rules_explain(&cfg);
	case CMD_FINGERPRINT:
		return cmd_fingerprint(&cfg);
	case CMD_GONOGO:
		return cmd_gonogo(&cfg);
	case CMD_MERGE:
		return cmd_merge(&cfg);
	case CMD_PRUNE:
		return cmd_prune(&cfg);
	case CMD_FORGET:
		return cmd_forget(&cfg);
	case CMD_LOOKUP:
		return lookup_run(&cfg);
	case CMD_NONE:
		break;
	}
	return EXIT_USAGE;
}
