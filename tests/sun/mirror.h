/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only SDM mirror: the URL a tag would send for a compiled template,
 * written from the published formulas (NT4H2421Gx 9.3, AN12196 4.3-4.4)
 * on the common primitives only, so that it checks the library's verifier
 * instead of agreeing with it by construction.
 */
#ifndef TEST_MIRROR_H
#define TEST_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/files.h"

struct mirror_tap {
	uint8_t		meta_key[16];	/* SDMMetaReadKey */
	uint8_t		file_key[16];	/* SDMFileReadKey */
	uint8_t		uid[7];
	uint32_t	ctr;		/* SDMReadCtr */
	uint8_t		pad[5];		/* PICCData random padding */
};

/* SesSDMFileReadENCKey / MACKey for these mirrors (SV1, SV2). */
void mirror_session_keys(const uint8_t file_key[16], const uint8_t uid[7],
    uint32_t ctr, int uid_in_sv2, int ctr_in_sv2, uint8_t enc[16],
    uint8_t mac[16]);

/*
 * Build the dynamic file from the static ndef and settings s, then the URL
 * prefix || file[7..ndef_len) into url (NUL-terminated). Returns 0 or -1.
 */
int mirror_url(const uint8_t *ndef, size_t ndef_len,
    const ntag424_file_settings_t *s, const struct mirror_tap *tap,
    const char *prefix, char *url, size_t cap);

#endif
