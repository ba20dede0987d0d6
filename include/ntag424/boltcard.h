/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boltcard: the deterministic keys of a Bolt card (the public Boltcard
 * specification, boltcard/boltcard docs/DETERMINISTIC.md), so that an
 * issuer keeps one issuer key instead of five keys per card and a
 * verifier decrypts PICCData with one key per issuer key.
 *
 * PRF is AES-128-CMAC (NIST SP 800-38B). With the issuer key I, the
 * card's 7-byte UID and Version, a 32-bit number the issuer raises each
 * time it programs the same card again (4 bytes little-endian):
 *   CardKey = PRF(I, 2d003f75 || UID || Version)
 *   K0 = PRF(CardKey, 2d003f76)	application master key
 *   K1 = PRF(I, 2d003f77)		SDM meta-read key (p=): one per I
 *   K2 = PRF(CardKey, 2d003f78)	SDM file-read key (c=, the MAC)
 *   K3 = PRF(CardKey, 2d003f79), K4 = PRF(CardKey, 2d003f7a)
 *   ID = PRF(I, 2d003f7b || UID)	the card's name without its UID
 * An issuer that wants one meta-read key per batch of cards uses one
 * issuer key per batch.
 */
#ifndef NTAG424_BOLTCARD_H
#define NTAG424_BOLTCARD_H

#include <stdint.h>

#include "ntag424/keys.h"
#include "ntag424/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_BOLTCARD_NKEYS	5

/*
 * The five keys of the card uid programmed with version. NTAG424_OK,
 * NTAG424_ERR_ARG (NULL) or NTAG424_ERR_CRYPTO (keys wiped then).
 */
int ntag424_boltcard_keys(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint32_t version,
    uint8_t keys[NTAG424_BOLTCARD_NKEYS][NTAG424_KEY_LEN]);

/* K1 alone: the meta-read key every card of this issuer key shares. */
int ntag424_boltcard_k1(const uint8_t issuer[NTAG424_KEY_LEN],
    uint8_t k1[NTAG424_KEY_LEN]);

/* ID, and CardKey (the specification's intermediate, for its vectors). */
int ntag424_boltcard_id(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint8_t id[NTAG424_KEY_LEN]);
int ntag424_boltcard_card_key(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint32_t version,
    uint8_t card_key[NTAG424_KEY_LEN]);

#ifdef __cplusplus
}
#endif

#endif
