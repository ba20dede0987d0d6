/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AES-128 on reused OpenSSL contexts, for the SUN verifier's hot path: one
 * EVP_CIPHER_CTX per role, re-keyed in place (no allocation, no cipher
 * fetch), and AES-CMAC (NIST SP 800-38B, RFC 4493) written out on top of it
 * so that its subkeys are computed once per key. Not a public header.
 *
 * Functions return 0 on success and -1 if OpenSSL failed.
 */
#ifndef NTAG424_SUN_AES_H
#define NTAG424_SUN_AES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* One AES-128-ECB key schedule in one direction. */
typedef struct sun_aes {
	EVP_CIPHER_CTX	*ctx;
	bool		 decrypt;
} sun_aes_t;

/* A CMAC key: its encryption schedule and subkeys K1, K2. */
typedef struct sun_cmac {
	sun_aes_t	aes;
	uint8_t		k1[16];
	uint8_t		k2[16];
} sun_cmac_t;

int sun_aes_init(sun_aes_t *a, bool decrypt);
void sun_aes_cleanup(sun_aes_t *a);
int sun_aes_set_key(sun_aes_t *a, const uint8_t key[16]);
/* One block, in the direction the schedule was made for. in may equal out. */
int sun_aes_block(sun_aes_t *a, const uint8_t in[16], uint8_t out[16]);
/* CBC decryption with a decrypt schedule; len a multiple of 16, in != out. */
int sun_aes_cbc_decrypt(sun_aes_t *a, const uint8_t iv[16], const uint8_t *in,
    size_t len, uint8_t *out);

int sun_cmac_init(sun_cmac_t *c);
void sun_cmac_cleanup(sun_cmac_t *c);
/* Expand key and derive K1, K2 (RFC 4493 2.3). */
int sun_cmac_set_key(sun_cmac_t *c, const uint8_t key[16]);
/* mac must not overlap msg; on failure it is wiped. */
int sun_cmac(sun_cmac_t *c, const uint8_t *msg, size_t len, uint8_t mac[16]);

#endif
