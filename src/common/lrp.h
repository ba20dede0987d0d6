/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Leakage Resilient Primitive of NXP AN12304 on OpenSSL's AES-128, with
 * m = 4 (16 plaintexts, one per nibble) as NTAG 424 DNA uses it.
 *
 * Only the primitive lives here (AN12304 Algorithms 1-5 and CMAC_LRP): the
 * NTAG session rules (session vectors, which updated key, counters,
 * padding, MAC inputs) are written separately by the library and by the
 * emulator, which both build on this file.
 *
 * All functions return 0 on success and -1 if OpenSSL failed or an argument
 * is out of range.
 */
#ifndef PROVISIO_LRP_H
#define PROVISIO_LRP_H

#include <stddef.h>
#include <stdint.h>

#include "common/prim.h"

#define LRP_PLAINTEXTS	16	/* 2^m with m = 4 */
#define LRP_UPDATED_MAX	4	/* updated keys the NTAG uses: 0..3 */

/* One key set up for evaluation: its plaintexts and one updated key. */
typedef struct lrp {
	uint8_t	p[LRP_PLAINTEXTS][AES_BLOCK];
	uint8_t	ku[AES128_KEY];
} lrp_t;

/* AN12304 Algorithm 1: the 16 plaintexts of key. */
int lrp_plaintexts(const uint8_t key[AES128_KEY],
    uint8_t p[LRP_PLAINTEXTS][AES_BLOCK]);
/* AN12304 Algorithm 2: updated key number u (0 first) of key. */
int lrp_updated_key(const uint8_t key[AES128_KEY], unsigned u,
    uint8_t ku[AES128_KEY]);
/* Both of the above into l; wipe l with lrp_wipe() when done. */
int lrp_init(lrp_t *l, const uint8_t key[AES128_KEY], unsigned u);
void lrp_wipe(lrp_t *l);
/*
 * AN12304 Algorithm 3: evaluate over the first nibbles nibbles of x (high
 * nibble of each byte first), with the final encryption of a zero block when
 * final is not 0.
 */
int lrp_eval(const lrp_t *l, const uint8_t *x, size_t nibbles, int final,
    uint8_t out[AES_BLOCK]);
/*
 * AN12304 Algorithms 4 and 5 (LRICB) without padding: len is a multiple of
 * 16, ctr is a big-endian counter of ctr_len bytes (1..16) that is used for
 * the first block and advanced by one per block (wrapping to zero), so that
 * the caller holds the next value afterwards. in may equal out.
 */
int lrp_lricb_encrypt(const lrp_t *l, uint8_t *ctr, size_t ctr_len,
    const uint8_t *in, size_t len, uint8_t *out);
int lrp_lricb_decrypt(const lrp_t *l, uint8_t *ctr, size_t ctr_len,
    const uint8_t *in, size_t len, uint8_t *out);
/* CMAC (NIST SP 800-38B) with lrp_eval(.., 32 nibbles, final) as the cipher. */
int lrp_cmac(const lrp_t *l, const uint8_t *msg, size_t len,
    uint8_t mac[AES_BLOCK]);

#endif
