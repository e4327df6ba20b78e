/* msg.h: every message keyaudit prints to stderr goes through here. */
#ifndef KEYAUDIT_MSG_H
#define KEYAUDIT_MSG_H

#include <stdarg.h>

enum msg_level { MSG_QUIET = 0, MSG_NORMAL = 1, MSG_VERBOSE = 2 };

void msg_set_level(enum msg_level level);
enum msg_level msg_level(void);

/* "keyaudit: ..." on stderr, whatever the level: something is wrong. */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "keyaudit: warning: ..." on stderr, whatever the level. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "keyaudit: ..." at normal level and above (not with -q). */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "keyaudit: ..." with -v only. */
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
