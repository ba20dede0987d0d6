/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Originality signature (NT4H2421Gx 8.7, 10.10; AN12196 8): ECDSA on
 * secp224r1 over the 7-byte UID, no hash. Checked against both public NXP
 * NTAG 424 DNA keys (AN12196 Table 30; the second as listed by proxmark3).
 *
 * A valid signature shows the chip is an NXP part with that UID; it is a
 * static value and does not stop a replay of UID and signature together.
 */
#ifndef NTAG424_ORIGINALITY_H
#define NTAG424_ORIGINALITY_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_SIG_LEN		56	/* r(28) || s(28) */

/*
 * Read_Sig (address 00). Plain without a session (9100 or 9190 accepted,
 * docs/emulator.md E-17), Full inside one. Status words: 910B, 910C,
 * 911E, 917E, 91AE (Random ID on: authenticate first), 91CA.
 */
int ntag424_originality_read(ntag424_dev_t *dev,
    uint8_t sig[NTAG424_SIG_LEN]);

/*
 * NTAG424_OK (genuine) or NTAG424_ERR_NOT_GENUINE; uid_len must be 7.
 */
int ntag424_originality_verify(const uint8_t *uid, size_t uid_len,
    const uint8_t sig[NTAG424_SIG_LEN]);

#ifdef __cplusplus
}
#endif

#endif
