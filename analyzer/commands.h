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

#endif
