/* SPDX-License-Identifier: BSD-2-Clause */
/* NDEF URI records (NFC Forum URI RTD 1.0, T4T NLEN). Not a public header. */
#ifndef NTAG424_NDEF_H
#define NTAG424_NDEF_H

#include <stddef.h>
#include <stdint.h>

/*
 * The longest URI prefix that text[0..len) starts with: returns the number
 * of characters it stands for and its code in *code (0 and code 0: none).
 */
size_t ndef_uri_prefix(const char *text, size_t len, uint8_t *code);

/*
 * Write NLEN + one short URI record (MB, ME, SR, TNF well-known, type "U")
 * with prefix code and uri[0..uri_len) to out. Returns the bytes written,
 * or 0 if they do not fit in cap or in a short record.
 */
size_t ndef_uri_record(uint8_t code, const uint8_t *uri, size_t uri_len,
    uint8_t *out, size_t cap);

/*
 * The URL of an NDEF file holding NLEN and one short URI record (as
 * ndef_uri_record writes it) into out (NUL-terminated). Returns 0, -1 if
 * the file is not such a record or the URI is not printable ASCII, -2 if
 * the URL does not fit in cap.
 */
int ndef_uri_decode(const uint8_t *file, size_t len, char *out, size_t cap);

#endif
