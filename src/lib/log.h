/*
 * log.h - one way to say things, for every vroom program.
 *
 * Two levels of error, as in OpenBGPD: log_warn*() for bad input from
 * outside (log it, count it, carry on), fatal*() for a broken internal
 * invariant (log and exit). The *x variants do not append strerror(errno).
 * Messages go to stderr, prefixed with the program name set by log_init().
 */
#ifndef VROOM_LIB_LOG_H
#define VROOM_LIB_LOG_H

#include <stdarg.h>

enum log_level {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

/* Set the program name shown before each line and the most verbose level shown. */
void log_init(const char *progname, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
