/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A scripted tag for unit tests: each step names the C-APDU the library
 * must send (hex, "??" matches any byte) and the R-APDU to answer. Any
 * difference is a test failure that prints expected and actual bytes.
 */
#ifndef TEST_SCRIPT_H
#define TEST_SCRIPT_H

#include <stddef.h>

#include "ntag424.h"

struct step {
	const char	*capdu;
	const char	*rapdu;		/* NULL: the transport fails (ERR_TX) */
};

/* A device whose transport plays steps[0..n) in order. */
ntag424_dev_t *script_dev(const struct step *steps, size_t n);
/* Load further steps into dev's script (the old ones must be used up). */
void script_load(ntag424_dev_t *dev, const struct step *steps, size_t n);
/* Check that every step was used. */
void script_check_done(ntag424_dev_t *dev, const char *file, int line);
/* Check and free. */
void script_end(ntag424_dev_t **dev, const char *file, int line);

#define SCRIPT_END(d)	script_end((d), __FILE__, __LINE__)
#define SCRIPT_DONE(d)	script_check_done((d), __FILE__, __LINE__)
#define NSTEPS(a)	(sizeof(a) / sizeof((a)[0]))

#endif
