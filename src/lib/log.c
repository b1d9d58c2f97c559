/*
 * log.c - stderr logging with a program prefix and a level. See log.h.
 */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_progname = "vroom";
static enum log_level log_level = LOG_LEVEL_INFO;

void log_init(const char *progname, enum log_level level)
{
    if (progname != NULL)
        log_progname = progname;
    log_level = level;
}

void log_set_level(enum log_level level)
{
    log_level = level;
}

enum log_level log_get_level(void)
{
    return log_level;
}

static void log_vemit(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
    int saved = errno;
    char buf[1024];

    if (level > log_level)
        return;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (with_errno)
        fprintf(stderr, "%s: %s: %s\n", log_progname, buf, strerror(saved));
    else
        fprintf(stderr, "%s: %s\n", log_progname, buf);
    errno = saved;
}

#define LOG_BODY(level, with_errno)                                                                \
    do {                                                                                           \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_vemit(level, with_errno, fmt, ap);                                                     \
        va_end(ap);                                                                                \
    } while (0)

void log_warn(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_WARN, 1);
}

void log_warnx(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_WARN, 0);
}

void log_info(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_INFO, 0);
}

void log_debug(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_DEBUG, 0);
}

void fatal(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_ERROR, 1);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    LOG_BODY(LOG_LEVEL_ERROR, 0);
    exit(1);
}
