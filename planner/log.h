/*
 * log.h - messages for the person running planner, on stderr.
 *
 * stdout belongs to the program's output (the plan summary, resolve
 * lines, JSON).  Everything else goes through these calls, which prefix
 * "planner: " and the level and drop what the verbosity hides.
 */
#ifndef PLANNER_LOG_H
#define PLANNER_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above LEVEL are dropped (default LOG_WARN). */
void log_set_level(enum log_level level);

/* With ON, each message is one JSON object per line:
 * {"time":"...Z","level":"warning","msg":"..."} (for log collectors). */
void log_set_json(int on);
int log_enabled(enum log_level level);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
