/*
 * --version, the same on every program: "PROGRAM VERSION" on stdout, the
 * project version CMake passes in as PROVISIO_VERSION.
 */
#ifndef PROVISIO_TOOLS_VERSION_H
#define PROVISIO_TOOLS_VERSION_H

#include <stdio.h>
#include <string.h>

/* 1 when the only argument is --version (and it was printed), else 0. */
static inline int
tool_version(int argc, char **argv, const char *prog)
{
	if (argc != 2 || strcmp(argv[1], "--version") != 0)
		return 0;
	printf("%s %s\n", prog, PROVISIO_VERSION);
	return 1;
}

#endif
