/*
 * log.c - leveled messages on stderr.  See log.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static enum log_level cur_level = LOG_WARN;

void
log_set_level(enum log_level level)
{
	cur_level = level;
}

int
log_enabled(enum log_level level)
{
	return level <= cur_level;
}

static void
emit(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
	if (!log_enabled(level))
		return;
	fprintf(stderr, "planner: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOG_FN(name, level, tag)				\
	void name(const char *fmt, ...)				\
	{							\
		va_list ap;					\
		va_start(ap, fmt);				\
		emit(level, tag, fmt, ap);			\
		va_end(ap);					\
	}

LOG_FN(log_error, LOG_ERROR, "error: ")
LOG_FN(log_warn, LOG_WARN, "warning: ")
LOG_FN(log_info, LOG_INFO, "")
LOG_FN(log_debug, LOG_DEBUG, "debug: ")
