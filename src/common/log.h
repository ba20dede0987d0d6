/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging to stderr with a global level. Never pass key material here. */
#ifndef PROVISIO_LOG_H
#define PROVISIO_LOG_H

enum {
	PLOG_ERROR = 0,
	PLOG_WARN,
	PLOG_INFO,
	PLOG_DEBUG,
	PLOG_TRACE,
};

void log_set_level(int level);
int log_get_level(void);
/* Parse "error", "warn", "info", "debug" or "trace"; -1 if unknown. */
int log_level_parse(const char *name);
void log_msg(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
