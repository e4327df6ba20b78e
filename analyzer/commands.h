/* commands.h: the commands other than ingest: report, files, rules check,
 * rules explain, fingerprint. */
#ifndef KEYAUDIT_COMMANDS_H
#define KEYAUDIT_COMMANDS_H

#include "options.h"

/* Each returns an enum exit_code. */
int cmd_report(const struct config *cfg);
int cmd_files(const struct config *cfg);
int cmd_rules_check(const struct config *cfg);
int cmd_rules_explain(const struct config *cfg);
int cmd_fingerprint(const struct config *cfg);
int cmd_merge(const struct config *cfg);
int cmd_prune(const struct config *cfg);
int cmd_forget(const struct config *cfg);
int cmd_gonogo(const struct config *cfg); /* commands_gonogo.c */

/* Merge shards[0..n) into a new private temporary database whose path
 * is written to path (PATH_MAX bytes); remove it with
 * cmd_merge_cleanup().  Return an enum exit_code. */
int cmd_merge_temp(const char *const *shards, int n, char *path);
void cmd_merge_cleanup(const char *path);

struct ruleset;
/* Warn, naming the rules file path and line, about every rule whose
 * matches hit PCRE2's match limit (and so counted as no match).  Return
 * EXIT_PARTIAL when any did and rc was EXIT_OK, else rc. */
int cmd_limit_report(struct ruleset *rs, const char *path, int rc);

#endif
