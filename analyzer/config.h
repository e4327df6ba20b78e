/* config.h: the settings file (keyaudit.conf(5)): one "name = value" a
 * line for the long options, read by every command, and where each
 * setting in effect came from. */
#ifndef KEYAUDIT_CONFIG_H
#define KEYAUDIT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"

/* One "name = value" line of the file.  Static data, kept until the
 * program ends. */
struct config_setting {
	const char *name;
	char *value; /* verbatim to the end of the line, trailing blanks off */
	int line;
	/* set by the caller: 1 used by the command being run, 0 not its
	 * option, -1 the command line, -2 the environment set it */
	int applied;
};

/* Read the settings file: given (--config) when not NULL, else
 * $KEYAUDIT_CONFIG when set (set and empty: no file), else the installed
 * SYSCONFDIR/keyaudit/keyaudit.conf when it exists.  Return 0 (also when
 * there is no file), or -1 with "FILE[:LINE]: reason" in err (a file
 * named but unreadable, a line that is not "name = value").  Once a
 * run. */
int config_read(const char *given, char *err, size_t errlen);

/* The path of the file read, or NULL; the default path looked for. */
const char *config_file(void);
const char *config_default_path(void);

/* The nth setting of the file in its order, or NULL past the last. */
struct config_setting *config_setting(int n);

/* "FILE:LINE" of a setting, in a static buffer valid until the next
 * call. */
const char *config_where(const struct config_setting *s);

/* Note that option name got value from source ("command line", or a
 * config_where() text, copied), for config_print(). */
void config_note(const char *name, const char *value, const char *source);
/* The command's name as typed ("rules check"), or "keyaudit" for none
 * of options_commands; valid until the next call. */
const char *config_command_name(enum command cmd);

/* The settings a command runs with, as a settings file (each preceded
 * by a comment saying where it came from), on f: what was noted, the
 * database, rules, format and logs in effect, and the file's settings
 * the command does not use. */
void config_print(FILE *f, const struct config *cfg);

#endif
