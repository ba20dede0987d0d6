/* SPDX-License-Identifier: BSD-2-Clause */
/* Hex encoding and strict decoding (either case, no separators). */
#ifndef PROVISIO_HEX_H
#define PROVISIO_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode exactly n bytes from the first 2n characters of s.
 * Returns 0, or -1 if a character is not a hex digit (nothing is promised
 * about out then; callers wipe it if it may hold a secret).
 */
int hex_decode(const char *s, uint8_t *out, size_t n);
/*
 * Decode a whole NUL-terminated string of exactly 2n hex characters.
 * Returns 0, or -1 on a bad character or a wrong length.
 */
int hex_decode_str(const char *s, uint8_t *out, size_t n);
/* Write 2n upper-case hex characters and a NUL to out (2n+1 bytes). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Value of one hex digit, or -1. */
int hex_digit(int c);

#endif
