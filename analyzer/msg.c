/* msg.c: prefixed messages on stderr with a verbosity level. */
#include "msg.h"

#include <stdio.h>
#include <string.h>

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

const char *msg_arg(char buf[MSG_ARG_MAX], const char *arg)
{
	size_t n = arg ? strlen(arg) : 0;

	if (n == 0)
		snprintf(buf, MSG_ARG_MAX, "an empty value");
	else
		snprintf(buf, MSG_ARG_MAX, "%zu byte%s, not shown", n,
			 n == 1 ? "" : "s");
	return buf;
}
