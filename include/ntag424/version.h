/* SPDX-License-Identifier: BSD-2-Clause */
/* GetVersion (NT4H2421Gx 10.5.2, Tables 55-58). */
#ifndef NTAG424_VERSION_H
#define NTAG424_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_UID_LEN		7

typedef struct ntag424_version {
	/* Part 1, hardware; Part 2, software: vendor 04 (NXP), type 04. */
	uint8_t	hw_vendor, hw_type, hw_subtype, hw_major, hw_minor;
	uint8_t	hw_storage, hw_protocol;
	uint8_t	sw_vendor, sw_type, sw_subtype, sw_major, sw_minor;
	uint8_t	sw_storage, sw_protocol;
	/* Part 3, production. uid is all zero when Random ID is on. */
	uint8_t	uid[NTAG424_UID_LEN];
	uint8_t	batch[5];	/* bytes 7..11, low nibble of the last zeroed */
	uint8_t	fab_key;	/* byte 11 bits 3-0, byte 12 bit 7 (5 bits) */
	uint8_t	prod_week;	/* BCD as on the wire, e.g. 0x21 */
	uint8_t	prod_year;	/* BCD, e.g. 0x18 for 2018 */
	bool	has_fab_key_id;
	uint8_t	fab_key_id;	/* only when fab_key is 1F */
} ntag424_version_t;

/*
 * GetVersion, all three frames. MAC mode inside a session
 * (docs/emulator.md E-11: MAC on the first command, over all three
 * answers on the last).
 * Status words: 911E, 917E, 91CA, 91EE.
 */
int ntag424_version_get(ntag424_dev_t *dev, ntag424_version_t *v);

/*
 * The storage size encoded in hw_storage: 2^(b>>1) bytes, or between that
 * and twice that when bit 0 is set (*between = true). 0x11 -> 256, true.
 */
unsigned long ntag424_version_storage(uint8_t storage, bool *between);

#ifdef __cplusplus
}
#endif

#endif
