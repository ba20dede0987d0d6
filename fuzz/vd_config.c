/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness on ntag424-verifyd's configuration parser: the input
 * is a configuration file for vd_config_load (lines, comments, every
 * option and its value syntax). Invariants: every failure says why, and
 * the lists and limits stay within their bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verifyd/verifyd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz-vdconf.XXXXXX";
static int  fd = -1;

static void
teardown(void)
{
	close(fd);
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_config	c;
	char			err[512];

	if (fd < 0) {
		if ((fd = mkstemp(path)) < 0)
			abort();
		atexit(teardown);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	vd_config_init(&c);
	err[0] = '\0';
	if (vd_config_load(&c, path, err, sizeof(err)) != 0 && err[0] == '\0')
		abort();	/* every failure says why */
	if (c.ntemplates > VD_LIST_MAX || c.ncohorts > VD_LIST_MAX ||
	    memchr(c.listen_host, '\0', sizeof(c.listen_host)) == NULL ||
	    c.batch_max > VD_BATCH_MAX)
		abort();
	for (size_t i = 0; i < c.ntemplates; i++)
		if (c.templates[i] == NULL)
			abort();
	vd_config_free(&c);
	return 0;
}
