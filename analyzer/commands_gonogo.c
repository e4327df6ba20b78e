/* commands_gonogo.c: the gonogo command: the options into the verdict's
 * question, the verdict, then its outputs (terminal, CSV, page,
 * metrics) and the exit status. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "gonogo.h"
#include "gonogo_csv.h"
#include "gonogo_term.h"
#include "metrics.h"
#include "msg.h"
#include "outfile.h"
#include "page.h"

/* The verdict's question, from the command line. */
static void gonogo_opts_of(const struct config *cfg, struct gonogo_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->phase = cfg->phase;
	o->as_of = cfg->as_of;
	o->window = cfg->window;
	o->lookback = cfg->lookback;
	o->min_quiet = cfg->min_quiet;
	o->migrated_days = cfg->migrated_days;
	o->max_share = cfg->max_share;
	o->max_blind = cfg->max_blind;
	o->max_clients = cfg->max_clients;
	o->max_dormant = cfg->max_dormant;
	o->accept_gaps = cfg->accept_gaps;
	o->strict_succession = cfg->strict_succession;
	o->succession_days = cfg->succession_days;
	o->brownouts = cfg->brownouts;
	o->nbrownouts = cfg->nbrownouts;
	o->list = cfg->out != NULL;
	o->registry = cfg->registry;
	o->registry_key = cfg->registry_key;
	o->registry_fp = cfg->registry_fp;
	o->registry_delim = cfg->registry_delim;
	o->registry_owner = cfg->registry_owner;
	o->db = cfg->db;
}

/* The verdict's outputs.  Return the exit status. */
static int outputs(const struct config *cfg, const struct gonogo *g,
		   struct store *st, char *err, size_t errlen)
{
	struct metrics_gonogo m = {g->phase,
				   g->verdict == GONOGO_GO,
				   g->verdict == GONOGO_CANNOT_TELL,
				   g->refused,
				   g->total,
				   g->nactive};

	gonogo_print(g, cfg->verbosity);
	if ((cfg->out && gonogo_csv_write(g, st, cfg->out, err, errlen) < 0) ||
	    (cfg->html && gonogo_html(g, cfg->html, err, errlen) < 0) ||
	    outfile_check_stdout(err, errlen) < 0)
		return EXIT_FAILED;
	if (cfg->metrics &&
	    metrics_write_gonogo(cfg->metrics, &m, err, errlen) < 0)
		return EXIT_FAILED;
	return g->verdict;
}

int cmd_gonogo(const struct config *cfg)
{
	char emsg[1024];
	struct ruleset *rs = rules_load(cfg->rules, emsg, sizeof(emsg));
	struct store *st = NULL;
	struct gonogo_opts o;
	struct gonogo g;
	int rc = rs ? EXIT_OK : EXIT_USAGE;

	memset(&g, 0, sizeof(g));
	gonogo_opts_of(cfg, &o);
	if (rc == EXIT_OK) {
		st = store_open(cfg->db, STORE_READ, emsg, sizeof(emsg));
		rc = st ? EXIT_OK : EXIT_FAILED;
	}
	if (rc == EXIT_OK)
		rc = gonogo_verdict(st, rs, &o, &g, emsg, sizeof(emsg));
	if (rc == EXIT_USAGE && rs && strncmp(emsg, "the rules ", 10) == 0) {
		/* name the rules file */
		char m[1024];

		snprintf(m, sizeof(m), "%s: %s", cfg->rules, emsg + 10);
		snprintf(emsg, sizeof(emsg), "%s", m);
	}
	if (rc == EXIT_OK)
		rc = outputs(cfg, &g, st, emsg, sizeof(emsg));
	if (rc == EXIT_USAGE || rc == EXIT_FAILED) {
		err("%s", emsg);
		if (rc == EXIT_USAGE)
			fputs("try 'keyaudit gonogo --help'\n", stderr);
	}
	gonogo_free(&g);
	store_close(st);
	rules_free(rs);
	return rc;
}
