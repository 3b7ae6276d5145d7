/*
 * log.c - leveled messages on stderr.  See log.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static enum log_level cur_level = LOG_WARN;
static int json_lines;

static const char *const level_names[] = {
	"error", "warning", "info", "debug"
};

void
log_set_json(int on)
{
	json_lines = on;
}

/* MSG as a JSON string body: quotes, backslashes and control bytes
 * escaped; other bytes (UTF-8) as they are. */
static void
put_json_string(FILE *f, const char *msg)
{
	const unsigned char *p;

	for (p = (const unsigned char *)msg; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
}

static void
emit_json(enum log_level level, const char *fmt, va_list ap)
{
	char msg[2048], now[32];
	time_t t = time(NULL);
	struct tm tm;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"",
		now, level_names[level]);
	put_json_string(stderr, msg);
	fputs("\"}\n", stderr);
}

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
	char msg[2048], *p;

	if (!log_enabled(level))
		return;
	if (json_lines) {
		emit_json(level, fmt, ap);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Messages quote input (locations, names): no terminal controls. */
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "planner: %s%s\n", tag, msg);
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
