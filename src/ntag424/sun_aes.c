/* SPDX-License-Identifier: BSD-2-Clause */
/* AES-128 and AES-CMAC on reused EVP contexts (see sun_aes.h). */
#include <string.h>

#include <openssl/crypto.h>

#include "ntag424/sun_aes.h"

#define BLK	16

int
sun_aes_init(sun_aes_t *a, bool decrypt)
{
	static const uint8_t zero[BLK];

	a->decrypt = decrypt;
	if ((a->ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	/*
	 * Only decryption needs padding off (EVP holds back the last block
	 * otherwise). Encryption updates are whole blocks, never finalised;
	 * leaving its padding flag alone makes each re-key a third cheaper
	 * (OpenSSL 3 re-sends the flag to the provider on every init).
	 */
	if (EVP_CipherInit_ex(a->ctx, EVP_aes_128_ecb(), NULL, zero, NULL,
	    decrypt ? 0 : 1) != 1 ||
	    (decrypt && EVP_CIPHER_CTX_set_padding(a->ctx, 0) != 1)) {
		sun_aes_cleanup(a);
		return -1;
	}
	return 0;
}

void
sun_aes_cleanup(sun_aes_t *a)
{
	/* EVP_CIPHER_CTX_free cleanses the key schedule. */
	EVP_CIPHER_CTX_free(a->ctx);
	a->ctx = NULL;
}

int
sun_aes_set_key(sun_aes_t *a, const uint8_t key[16])
{
	/* Cipher NULL: keep AES-128-ECB and the padding flag, only re-key. */
	return EVP_CipherInit_ex(a->ctx, NULL, NULL, key, NULL,
	    a->decrypt ? 0 : 1) == 1 ? 0 : -1;
}

int
sun_aes_block(sun_aes_t *a, const uint8_t in[16], uint8_t out[16])
{
	int outl = 0;

	if (EVP_CipherUpdate(a->ctx, out, &outl, in, BLK) != 1 || outl != BLK)
		return -1;
	return 0;
}

int
sun_aes_cbc_decrypt(sun_aes_t *a, const uint8_t iv[16], const uint8_t *in,
    size_t len, uint8_t *out)
{
	const uint8_t *prev = iv;

	if (len % BLK != 0 || !a->decrypt)
		return -1;
	for (size_t off = 0; off < len; off += BLK) {
		if (sun_aes_block(a, in + off, out + off) != 0)
			return -1;
		for (size_t i = 0; i < BLK; i++)
			out[off + i] ^= prev[i];
		prev = in + off;
	}
	return 0;
}

int
sun_cmac_init(sun_cmac_t *c)
{
	memset(c->k1, 0, sizeof(c->k1));
	memset(c->k2, 0, sizeof(c->k2));
	return sun_aes_init(&c->aes, false);
}

void
sun_cmac_cleanup(sun_cmac_t *c)
{
	sun_aes_cleanup(&c->aes);
	OPENSSL_cleanse(c->k1, sizeof(c->k1));
	OPENSSL_cleanse(c->k2, sizeof(c->k2));
}

/* Spelled out byte by byte: compilers turn these into one load or store. */
static uint64_t
load_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 |
	    (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
	    (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	    (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

static void
store_be64(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 56);
	p[1] = (uint8_t)(v >> 48);
	p[2] = (uint8_t)(v >> 40);
	p[3] = (uint8_t)(v >> 32);
	p[4] = (uint8_t)(v >> 24);
	p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8);
	p[7] = (uint8_t)v;
}

/*
 * RFC 4493 2.3: multiply by x in GF(2^128), Rb = 0x87; branch-free. Both
 * halves are read before either is written: in may equal out.
 */
static void
dbl(const uint8_t in[BLK], uint8_t out[BLK])
{
	uint64_t hi = load_be64(in), lo = load_be64(in + 8);
	uint64_t rb = 0x87 & (0 - (hi >> 63));

	store_be64(out, hi << 1 | lo >> 63);
	store_be64(out + 8, lo << 1 ^ rb);
}

/*
 * x ^= y, 16 bytes. A plain byte loop of fixed length: compilers make it
 * one 16-byte vector operation, whose store the next cipher call can load
 * in one piece (two 8-byte stores read back as one 16-byte load stall).
 */
static void
xor16(uint8_t *restrict x, const uint8_t *restrict y)
{
	for (size_t i = 0; i < BLK; i++)
		x[i] ^= y[i];
}

/* L = E(K, 0) is computed in k1 and doubled in place: no copy to wipe. */
int
sun_cmac_set_key(sun_cmac_t *c, const uint8_t key[16])
{
	static const uint8_t zero[BLK];

	if (sun_aes_set_key(&c->aes, key) != 0 ||
	    sun_aes_block(&c->aes, zero, c->k1) != 0) {
		OPENSSL_cleanse(c->k1, sizeof(c->k1));
		OPENSSL_cleanse(c->k2, sizeof(c->k2));
		return -1;
	}
	dbl(c->k1, c->k1);
	dbl(c->k1, c->k2);
	return 0;
}

/*
 * RFC 4493 2.4: CBC-MAC, last block XOR K1 (complete) or padded XOR K2.
 * The chaining value lives in mac itself: every intermediate value, and
 * the last block with the subkey in it, is overwritten by the tag, which
 * the caller owns (and wipes when it is a key). No local copy to wipe.
 */
int
sun_cmac(sun_cmac_t *c, const uint8_t *msg, size_t len, uint8_t mac[16])
{
	size_t full = len == 0 ? 0 : (len - 1) / BLK;	/* blocks before the last */
	size_t rest = len - full * BLK;

	memset(mac, 0, BLK);
	for (size_t b = 0; b < full; b++) {
		xor16(mac, msg + b * BLK);
		if (sun_aes_block(&c->aes, mac, mac) != 0)
			goto fail;
	}
	if (rest == BLK) {
		xor16(mac, msg + full * BLK);
		xor16(mac, c->k1);
	} else {
		for (size_t i = 0; i < rest; i++)
			mac[i] ^= msg[full * BLK + i];
		mac[rest] ^= 0x80;
		xor16(mac, c->k2);
	}
	if (sun_aes_block(&c->aes, mac, mac) != 0)
		goto fail;
	return 0;
fail:
	OPENSSL_cleanse(mac, BLK);
	return -1;
}
