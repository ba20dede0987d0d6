/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cryptographic primitives on OpenSSL 3 and zlib, shared by the library and
 * the emulator. Only primitives live here: the NXP session rules (SV
 * vectors, IVs, MAC inputs, padding, counters) are written separately on
 * each side, so that the two implementations check each other.
 *
 * All functions return 0 on success and -1 if OpenSSL failed.
 */
#ifndef PROVISIO_PRIM_H
#define PROVISIO_PRIM_H

#include <stddef.h>
#include <stdint.h>

#define AES_BLOCK	16
#define AES128_KEY	16
#define MACT_LEN	8

/* One AES-128 block, ECB. */
int aes128_ecb_encrypt(const uint8_t key[AES128_KEY], const uint8_t in[AES_BLOCK],
    uint8_t out[AES_BLOCK]);
int aes128_ecb_decrypt(const uint8_t key[AES128_KEY], const uint8_t in[AES_BLOCK],
    uint8_t out[AES_BLOCK]);
/* AES-128-CBC without padding; len must be a multiple of 16. in may equal out. */
int aes128_cbc_encrypt(const uint8_t key[AES128_KEY], const uint8_t iv[AES_BLOCK],
    const uint8_t *in, size_t len, uint8_t *out);
int aes128_cbc_decrypt(const uint8_t key[AES128_KEY], const uint8_t iv[AES_BLOCK],
    const uint8_t *in, size_t len, uint8_t *out);
/* AES-128-CMAC (NIST SP 800-38B, RFC 4493). */
int aes128_cmac(const uint8_t key[AES128_KEY], const uint8_t *msg, size_t len,
    uint8_t mac[AES_BLOCK]);
/* NTAG MACt: the bytes at indices 1, 3, ..., 15 of a CMAC (AN12196 section 3). */
void cmac_truncate(const uint8_t mac[AES_BLOCK], uint8_t mact[MACT_LEN]);
/* NXP CRC32 (JAMCRC): the bitwise NOT of zlib's crc32. */
uint32_t crc32_nxp(const uint8_t *p, size_t n);
/* n bytes from OpenSSL's CSPRNG. */
int random_bytes(uint8_t *p, size_t n);
/* Constant-time equality: 1 if equal, 0 if not. */
int ct_equal(const void *a, const void *b, size_t n);
/* Wipe a secret so that the compiler cannot drop the store. */
void wipe(void *p, size_t n);

#endif
