/* config.c: the settings file: read once, its lines handed to the
 * option parser, and what a command runs with printed for "keyaudit
 * config". */
#define KEYAUDIT_OPTIONS_PRIVATE
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#ifndef KEYAUDIT_SYSCONFDIR
#define KEYAUDIT_SYSCONFDIR "/etc"
#endif

#define SETTINGS_MAX 256 /* lines a file may set */
#define NOTES_MAX    256 /* options noted for config_print() */

/* An option in effect and where it came from. */
struct note {
	const char *name;
	const char *value;
	char *source;
};

static struct config_setting settings[SETTINGS_MAX];
static int nsettings;
static char *file_used;
static struct note notes[NOTES_MAX];
static int nnotes;

const char *config_default_path(void)
{
	return KEYAUDIT_SYSCONFDIR "/keyaudit/keyaudit.conf";
}

const char *config_file(void)
{
	return file_used;
}

struct config_setting *config_setting(int n)
{
	return n >= 0 && n < nsettings ? &settings[n] : NULL;
}

const char *config_where(const struct config_setting *s)
{
	static char where[4200];

	snprintf(where, sizeof(where), "%s:%d", file_used, s->line);
	return where;
}

void config_note(const char *name, const char *value, const char *source)
{
	if (nnotes == NOTES_MAX)
		return;
	notes[nnotes].name = name;
	notes[nnotes].value = value;
	notes[nnotes].source = xstrdup(source);
	nnotes++;
}

/* Is c a character of an option's name? */
static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* One line (its newline removed): blank, a comment, or name = value.
 * Return 0, or -1 with the reason in err. */
static int one_line(char *line, int lineno, char *err, size_t errlen)
{
	char *p = line + strspn(line, " \t");
	char *name = p;
	char *end;

	if (*p == '\0' || *p == '#')
		return 0;
	while (name_char(*p))
		p++;
	end = p;
	p += strspn(p, " \t");
	if (end == name || *p != '=') {
		snprintf(err, errlen,
			 "%s:%d: expected 'name = value' (a long option's "
			 "name without --): %.60s",
			 file_used, lineno, name);
		return -1;
	}
	*end = '\0';
	p++;
	p += strspn(p, " \t");
	for (end = p + strlen(p); end > p && strchr(" \t\r", end[-1]); end--)
		end[-1] = '\0';
	if (nsettings == SETTINGS_MAX) {
		snprintf(err, errlen, "%s:%d: more than %d settings",
			 file_used, lineno, SETTINGS_MAX);
		return -1;
	}
	settings[nsettings].name = xstrdup(name);
	settings[nsettings].value = xstrdup(p);
	settings[nsettings].line = lineno;
	nsettings++;
	return 0;
}

static int read_lines(FILE *f, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len)) {
			snprintf(err, errlen, "%s:%d: a NUL byte", file_used,
				 lineno);
			rc = -1;
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		rc = one_line(line, lineno, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", file_used, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

int config_read(const char *given, char *err, size_t errlen)
{
	const char *env = getenv("KEYAUDIT_CONFIG");
	const char *path = given ? given : env;
	FILE *f;
	int rc;

	if (!path)
		path = config_default_path();
	if (!*path)
		return 0;
	f = fopen(path, "re");
	if (!f && errno == ENOENT && !given && !env)
		return 0; /* no file installed: no settings */
	file_used = xstrdup(path);
	if (!f) {
		snprintf(err, errlen, "settings file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	rc = read_lines(f, err, errlen);
	fclose(f);
	return rc;
}

/* The last note of name, or NULL. */
static const struct note *noted(const char *name)
{
	const struct note *found = NULL;

	for (int i = 0; i < nnotes; i++)
		if (strcmp(notes[i].name, name) == 0)
			found = &notes[i];
	return found;
}

/* name = value with its source above, unless noted (printed already). */
static void effective(FILE *f, const char *name, const char *value,
		      const char *env)
{
	const char *e = env ? getenv(env) : NULL;

	if (noted(name) || !value)
		return;
	fprintf(f, "# %s%s\n%s = %s\n", e && *e ? "$" : "",
		e && *e ? env : "default", name, value);
}

const char *config_command_name(enum command cmd)
{
	static char name[64];

	for (const struct options_command *c = options_commands; c->name; c++)
		if (c->cmd == cmd) {
			snprintf(name, sizeof(name), "%s%s%s", c->name,
				 c->sub ? " " : "", c->sub ? c->sub : "");
			return name;
		}
	return "keyaudit";
}

void config_print(FILE *f, const struct config *cfg)
{
	const char *cmdname = config_command_name(cfg->cmd);

	fprintf(f, "# keyaudit %s runs with these settings\n", cmdname);
	if (file_used)
		fprintf(f, "# settings file: %s\n", file_used);
	else
		fprintf(f, "# no settings file (%s does not exist)\n",
			config_default_path());
	for (int i = 0; i < nnotes; i++)
		fprintf(f, "# %s\n%s = %s\n", notes[i].source, notes[i].name,
			notes[i].value);
	effective(f, "db", cfg->db, "KEYAUDIT_DB");
	if (cfg->cmd == CMD_INGEST || cfg->cmd == CMD_RULES_CHECK ||
	    cfg->cmd == CMD_RULES_EXPLAIN || cfg->cmd == CMD_GONOGO ||
	    cfg->cmd == CMD_REPORT)
		effective(f, "rules", cfg->rules, "KEYAUDIT_RULES");
	if (cfg->cmd == CMD_INGEST || cfg->cmd == CMD_RULES_EXPLAIN)
		effective(f, "format", cfg->format ? cfg->format : "auto",
			  NULL);
	for (int i = 0; i < nsettings; i++)
		if (settings[i].applied <= 0)
			fprintf(f, "# %s (%s)\n# %s = %s\n",
				settings[i].applied == -2
				    ? "overridden by the environment"
				: settings[i].applied
				    ? "overridden by the command line"
				    : "not used by this command",
				config_where(&settings[i]), settings[i].name,
				settings[i].value);
}
