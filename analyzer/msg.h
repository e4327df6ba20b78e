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

/* Room for msg_arg()'s words. */
#define MSG_ARG_MAX 48

/* What a message says of an argument it refuses, instead of its text:
 * an argument may be a secret typed in the wrong place (a key where a
 * fingerprint, a day or a number was wanted), and messages reach
 * terminals, logs and cron mail.  Every command's message about a bad
 * value, a bad fingerprint or an unexpected argument names where it was
 * and what was wanted, and uses this for the value: "40 bytes, not
 * shown" ("an empty value" when empty).  Written into buf; return buf. */
const char *msg_arg(char buf[MSG_ARG_MAX], const char *arg);

#endif
