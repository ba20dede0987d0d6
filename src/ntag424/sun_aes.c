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
	if (EVP_CipherInit_ex(a->ctx, EVP_aes_128_ecb(), NULL, zero, NULL,
	    decrypt ? 0 : 1) != 1 ||
	    EVP_CIPHER_CTX_set_padding(a->ctx, 0) != 1) {
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
	/* Cipher NULL: keep AES-128-ECB and no padding, only re-key. */
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

/* RFC 4493 2.3: multiply by x in GF(2^128), Rb = 0x87; branch-free. */
static void
dbl(const uint8_t in[BLK], uint8_t out[BLK])
{
	uint8_t carry = (uint8_t)(in[0] >> 7);

	for (size_t i = 0; i < BLK - 1; i++)
		out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
	out[BLK - 1] = (uint8_t)((in[BLK - 1] << 1) ^ (0x87 & (0 - carry)));
}

int
sun_cmac_set_key(sun_cmac_t *c, const uint8_t key[16])
{
	static const uint8_t zero[BLK];
	uint8_t l[BLK];
	int r = -1;

	if (sun_aes_set_key(&c->aes, key) != 0 ||
	    sun_aes_block(&c->aes, zero, l) != 0)
		goto fail;
	dbl(l, c->k1);
	dbl(c->k1, c->k2);
	r = 0;
fail:
	OPENSSL_cleanse(l, sizeof(l));
	return r;
}

/* RFC 4493 2.4: CBC-MAC, last block XOR K1 (complete) or padded XOR K2. */
int
sun_cmac(sun_cmac_t *c, const uint8_t *msg, size_t len, uint8_t mac[16])
{
	uint8_t	x[BLK] = { 0 };
	size_t	full = len == 0 ? 0 : (len - 1) / BLK;	/* blocks before the last */
	size_t	rest = len - full * BLK;
	int	r = -1;

	for (size_t b = 0; b < full; b++) {
		for (size_t i = 0; i < BLK; i++)
			x[i] ^= msg[b * BLK + i];
		if (sun_aes_block(&c->aes, x, x) != 0)
			goto fail;
	}
	msg += full * BLK;
	for (size_t i = 0; i < rest; i++)
		x[i] ^= msg[i];
	if (rest == BLK) {
		for (size_t i = 0; i < BLK; i++)
			x[i] ^= c->k1[i];
	} else {
		x[rest] ^= 0x80;
		for (size_t i = 0; i < BLK; i++)
			x[i] ^= c->k2[i];
	}
	if (sun_aes_block(&c->aes, x, mac) != 0)
		goto fail;
	r = 0;
fail:
	OPENSSL_cleanse(x, sizeof(x));
	return r;
}
