/* msg.c: prefixed messages on stderr with a verbosity level. */
#include "msg.h"

#include <stdio.h>

static enum msg_level level = MSG_NORMAL;

void msg_set_level(enum msg_level l)
{
	level = l;
}

enum msg_level msg_level(void)
{
	return level;
}

static void vsay(const char *tag, const char *fmt, va_list ap)
{
	fputs("keyaudit: ", stderr);
	fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (level < MSG_NORMAL)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void debug(const char *fmt, ...)
{
	va_list ap;

	if (level < MSG_VERBOSE)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}
