/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AN12304 Leakage Resilient Primitive. Every step of an evaluation keys AES
 * with the previous output, so one cipher context is re-keyed per step
 * instead of allocated per block.
 */
#include <string.h>

#include <openssl/evp.h>

#include "common/lrp.h"

static const uint8_t c55[AES_BLOCK] = {
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};
static const uint8_t caa[AES_BLOCK] = {
	0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
	0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
};

/*
 * A cipher context set up once for AES-128-ECB in one direction without
 * padding; each step below only re-keys it (cipher NULL keeps the rest),
 * which is what makes an evaluation affordable.
 */
static EVP_CIPHER_CTX *
ctx_new(int enc)
{
	static const uint8_t zero[AES128_KEY];
	EVP_CIPHER_CTX *ctx;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (EVP_CipherInit_ex(ctx, EVP_aes_128_ecb(), NULL, zero, NULL,
	    enc) != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* out = AES(key, in) through ctx; in and out may overlap. */
static int
step(EVP_CIPHER_CTX *ctx, const uint8_t key[AES128_KEY],
    const uint8_t in[AES_BLOCK], uint8_t out[AES_BLOCK])
{
	uint8_t	tmp[AES_BLOCK];
	int	outl = 0, r = -1;

	if (EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, -1) != 1 ||
	    EVP_CipherUpdate(ctx, tmp, &outl, in, AES_BLOCK) != 1 ||
	    outl != AES_BLOCK)
		goto fail;
	memcpy(out, tmp, AES_BLOCK);
	r = 0;
fail:
	wipe(tmp, sizeof(tmp));
	return r;
}

int
lrp_plaintexts(const uint8_t key[AES128_KEY],
    uint8_t p[LRP_PLAINTEXTS][AES_BLOCK])
{
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 h[AES_BLOCK];
	int		 r = -1;

	if ((ctx = ctx_new(1)) == NULL)
		return -1;
	if (step(ctx, key, c55, h) < 0)
		goto fail;
	for (size_t i = 0; i < LRP_PLAINTEXTS; i++)
		if (step(ctx, h, caa, p[i]) < 0 || step(ctx, h, c55, h) < 0)
			goto fail;
	r = 0;
fail:
	wipe(h, sizeof(h));
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
lrp_updated_key(const uint8_t key[AES128_KEY], unsigned u,
    uint8_t ku[AES128_KEY])
{
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 h[AES_BLOCK];
	int		 r = -1;

	if (u >= LRP_UPDATED_MAX || (ctx = ctx_new(1)) == NULL)
		return -1;
	if (step(ctx, key, caa, h) < 0)
		goto fail;
	for (unsigned i = 0; i < u; i++)
		if (step(ctx, h, c55, h) < 0)
			goto fail;
	if (step(ctx, h, caa, ku) < 0)
		goto fail;
	r = 0;
fail:
	wipe(h, sizeof(h));
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
lrp_init(lrp_t *l, const uint8_t key[AES128_KEY], unsigned u)
{
	if (lrp_plaintexts(key, l->p) < 0 || lrp_updated_key(key, u, l->ku) < 0) {
		lrp_wipe(l);
		return -1;
	}
	return 0;
}

void
lrp_wipe(lrp_t *l)
{
	wipe(l, sizeof(*l));
}

static int
eval(EVP_CIPHER_CTX *ctx, const lrp_t *l, const uint8_t *x, size_t nibbles,
    int final, uint8_t out[AES_BLOCK])
{
	static const uint8_t zero[AES_BLOCK];
	uint8_t	y[AES_BLOCK];
	int	r = -1;

	memcpy(y, l->ku, AES_BLOCK);
	for (size_t i = 0; i < nibbles; i++) {
		unsigned nb = (i % 2 == 0) ? x[i / 2] >> 4 : x[i / 2] & 0x0F;

		if (step(ctx, y, l->p[nb], y) < 0)
			goto fail;
	}
	if (final && step(ctx, y, zero, y) < 0)
		goto fail;
	memcpy(out, y, AES_BLOCK);
	r = 0;
fail:
	wipe(y, sizeof(y));
	return r;
}

int
lrp_eval(const lrp_t *l, const uint8_t *x, size_t nibbles, int final,
    uint8_t out[AES_BLOCK])
{
	EVP_CIPHER_CTX	*ctx;
	int		 r;

	if ((ctx = ctx_new(1)) == NULL)
		return -1;
	r = eval(ctx, l, x, nibbles, final, out);
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

static void
ctr_incr(uint8_t *ctr, size_t len)
{
	for (size_t i = len; i > 0; i--)
		if (++ctr[i - 1] != 0)
			break;
}

static int
lricb(int enc, const lrp_t *l, uint8_t *ctr, size_t ctr_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX	*ctx, *dctx = NULL;
	uint8_t		 y[AES_BLOCK];
	int		 r = -1;

	if (ctr_len == 0 || ctr_len > AES_BLOCK || len % AES_BLOCK != 0)
		return -1;
	if ((ctx = ctx_new(1)) == NULL)
		return -1;
	if (!enc && (dctx = ctx_new(0)) == NULL)
		goto fail;
	for (size_t off = 0; off < len; off += AES_BLOCK) {
		if (eval(ctx, l, ctr, 2 * ctr_len, 1, y) < 0 ||
		    step(enc ? ctx : dctx, y, in + off, out + off) < 0)
			goto fail;
		ctr_incr(ctr, ctr_len);
	}
	r = 0;
fail:
	wipe(y, sizeof(y));
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_CTX_free(dctx);
	return r;
}

int
lrp_lricb_encrypt(const lrp_t *l, uint8_t *ctr, size_t ctr_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return lricb(1, l, ctr, ctr_len, in, len, out);
}

int
lrp_lricb_decrypt(const lrp_t *l, uint8_t *ctr, size_t ctr_len,
    const uint8_t *in, size_t len, uint8_t *out)
{
	return lricb(0, l, ctr, ctr_len, in, len, out);
}

/* Multiplication by x in GF(2^128), the CMAC subkey step (SP 800-38B 6.1). */
static void
dbl(const uint8_t in[AES_BLOCK], uint8_t out[AES_BLOCK])
{
	uint8_t carry = (uint8_t)(in[0] >> 7);

	for (size_t i = 0; i < AES_BLOCK - 1; i++)
		out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
	out[AES_BLOCK - 1] = (uint8_t)((in[AES_BLOCK - 1] << 1) ^
	    (carry ? 0x87 : 0x00));
}

int
lrp_cmac(const lrp_t *l, const uint8_t *msg, size_t len,
    uint8_t mac[AES_BLOCK])
{
	static const uint8_t zero[AES_BLOCK];
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 k[AES_BLOCK], y[AES_BLOCK] = { 0 }, last[AES_BLOCK];
	size_t		 full, rest;
	int		 r = -1;

	if ((ctx = ctx_new(1)) == NULL)
		return -1;
	/* Every block but the last goes through the chain as it is. */
	full = len == 0 ? 0 : (len - 1) / AES_BLOCK;
	rest = len - full * AES_BLOCK;
	if (eval(ctx, l, zero, 2 * AES_BLOCK, 1, k) < 0)
		goto fail;
	dbl(k, k);
	for (size_t b = 0; b < full; b++) {
		for (size_t i = 0; i < AES_BLOCK; i++)
			y[i] ^= msg[b * AES_BLOCK + i];
		if (eval(ctx, l, y, 2 * AES_BLOCK, 1, y) < 0)
			goto fail;
	}
	memset(last, 0, sizeof(last));
	if (rest > 0)
		memcpy(last, msg + full * AES_BLOCK, rest);
	if (rest < AES_BLOCK) {
		last[rest] = 0x80;
		dbl(k, k);	/* K2 for a padded last block */
	}
	for (size_t i = 0; i < AES_BLOCK; i++)
		y[i] ^= last[i] ^ k[i];
	if (eval(ctx, l, y, 2 * AES_BLOCK, 1, mac) < 0)
		goto fail;
	r = 0;
fail:
	wipe(k, sizeof(k));
	wipe(y, sizeof(y));
	wipe(last, sizeof(last));
	EVP_CIPHER_CTX_free(ctx);
	return r;
}
