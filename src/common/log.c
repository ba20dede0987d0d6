/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"

static int current = PLOG_WARN;

static const char *const names[] = {
	[PLOG_ERROR] = "error",
	[PLOG_WARN] = "warn",
	[PLOG_INFO] = "info",
	[PLOG_DEBUG] = "debug",
	[PLOG_TRACE] = "trace",
};

void
log_set_level(int level)
{
	current = level;
}

int
log_get_level(void)
{
	return current;
}

int
log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > current)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
