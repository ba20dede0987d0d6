/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secrets given on the command line: "HEX" or "@FILE".
 *
 * With @FILE the file holds the hex (surrounding white space ignored), so a
 * real key never has to appear in the process list.
 */
#ifndef PROVISIO_SECRET_H
#define PROVISIO_SECRET_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode exactly n bytes from arg into out.
 * Returns 0, NTAG424_ERR_MALFORMED (not 2n hex characters) or
 * NTAG424_ERR_IO (the file cannot be read; errno is kept).
 * Every intermediate copy is wiped; out is wiped on failure.
 */
int secret_from_arg(const char *arg, uint8_t *out, size_t n);

#endif
