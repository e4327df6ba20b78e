/* options_usage.c: the usage text, made from the tables of commands,
 * options, log formats and reports; the version text. */
#define PCRE2_CODE_UNIT_WIDTH 8
#define KEYAUDIT_OPTIONS_PRIVATE
#include "options.h"

#include <csv.h>
#include <pcre2.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <zlib.h>

#include "parse.h"
#include "report.h"

#ifndef KEYAUDIT_VERSION
#define KEYAUDIT_VERSION "0.1.0"
#endif

#define HELP_COL 22 /* where an option's help starts */
#define WIDTH	 79

static const char exit_status[] =
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
    "  6  gonogo: CANNOT TELL, too many requests show no credential a\n"
    "     rule can class (see --max-blind)\n"
    "  7  ingest: no input from a path given (missing, or a directory\n"
    "     with no file to read); the other paths were read\n"
    "  8  ingest: the counts were committed, the metrics file not\n"
    "     written\n";

/* Write text from column col on, wrapped at WIDTH with later lines
 * starting at column indent; end with a newline. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + (int)word > WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += (int)word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* "  -j, --jobs N" or "  --db FILE", then the help from HELP_COL. */
static void option_line(FILE *f, const struct options_option *o)
{
	char left[64];
	char text[1024];
	int n;

	if (o->shortname)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s",
			     o->shortname, o->name, o->arg ? " " : "",
			     o->arg ? o->arg : "");
	else
		n = snprintf(left, sizeof(left), "  --%s%s%s", o->name,
			     o->arg ? " " : "", o->arg ? o->arg : "");
	fputs(left, f);
	if (n >= HELP_COL - 1) {
		fputc('\n', f);
		n = 0;
	}
	fprintf(f, "%*s", HELP_COL - n, "");
	snprintf(text, sizeof(text), "%s", o->help);
	if (o->list == OPTIONS_LIST_FORMATS) {
		size_t len = strlen(text);

		text[len++] = ' ';
		format_names(text + len, sizeof(text) - len);
	}
	wrap(f, text, HELP_COL, HELP_COL);
}

static void command_usage(FILE *f, const struct options_command *c)
{
	fprintf(f, "usage: keyaudit %s%s%s %s\n", c->name, c->sub ? " " : "",
		c->sub ? c->sub : "", c->synopsis);
}

static void report_kinds(FILE *f)
{
	char kinds[512];
	FILE *m = fmemopen(kinds, sizeof(kinds), "w");

	if (!m)
		return;
	fputs("kinds: ", m);
	report_known(NULL, m);
	fclose(m);
	kinds[sizeof(kinds) - 1] = '\0';
	wrap(f, kinds, 0, 2);
}

static void overview(FILE *f)
{
	char formats[1024];

	fputs("usage: keyaudit COMMAND [OPTIONS] [ARGS]\n\n"
	      "Find the clients that still authenticate with a legacy "
	      "credential.\n\ncommands:\n",
	      f);
	for (const struct options_command *c = options_commands; c->name;
	     c++) {
		int n = fprintf(f, "  %s%s%s", c->name, c->sub ? " " : "",
				c->sub ? c->sub : "");

		fprintf(f, "%*s", n < HELP_COL ? HELP_COL - n : 1, "");
		wrap(f, c->summary, HELP_COL, HELP_COL);
	}
	fputc('\n', f);
	report_kinds(f);
	fputs("formats: auto,", f);
	format_names(formats, sizeof(formats));
	wrap(f, formats, 15, 2);
	fputs("\nRun 'keyaudit COMMAND --help' for a command's options, and "
	      "see keyaudit(1).\n\n",
	      f);
	fputs(exit_status, f);
}

void options_usage(FILE *f, enum command cmd)
{
	if (cmd == CMD_NONE) {
		overview(f);
		return;
	}
	for (const struct options_command *c = options_commands; c->name;
	     c++) {
		if (c->cmd != cmd)
			continue;
		command_usage(f, c);
		fputc('\n', f);
		wrap(f, c->summary, 0, 0);
	}
	if (cmd == CMD_REPORT)
		report_kinds(f);
	fputs("\noptions:\n", f);
	for (const struct options_option *o = options_table; o->name; o++)
		if (o->cmds & (1u << cmd))
			option_line(f, o);
	if (cmd == CMD_RULES_CHECK)
		fputs("\nsee also: keyaudit rules explain --help\n", f);
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
