/* SPDX-License-Identifier: BSD-2-Clause */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include "common/prim.h"

static int
cipher(const EVP_CIPHER *c, int enc, const uint8_t *key, const uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	int		 outl = 0;
	int		 r = -1;

	if (len % AES_BLOCK != 0 || len > INT32_MAX)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto fail;
	if (EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)len) != 1 ||
	    (size_t)outl != len)
		goto fail;
	r = 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
aes128_ecb_encrypt(const uint8_t key[AES128_KEY], const uint8_t in[AES_BLOCK],
    uint8_t out[AES_BLOCK])
{
	return cipher(EVP_aes_128_ecb(), 1, key, NULL, in, AES_BLOCK, out);
}

int
aes128_ecb_decrypt(const uint8_t key[AES128_KEY], const uint8_t in[AES_BLOCK],
    uint8_t out[AES_BLOCK])
{
	return cipher(EVP_aes_128_ecb(), 0, key, NULL, in, AES_BLOCK, out);
}

int
aes128_cbc_encrypt(const uint8_t key[AES128_KEY], const uint8_t iv[AES_BLOCK],
    const uint8_t *in, size_t len, uint8_t *out)
{
	return cipher(EVP_aes_128_cbc(), 1, key, iv, in, len, out);
}

int
aes128_cbc_decrypt(const uint8_t key[AES128_KEY], const uint8_t iv[AES_BLOCK],
    const uint8_t *in, size_t len, uint8_t *out)
{
	return cipher(EVP_aes_128_cbc(), 0, key, iv, in, len, out);
}

int
aes128_cmac(const uint8_t key[AES128_KEY], const uint8_t *msg, size_t len,
    uint8_t mac[AES_BLOCK])
{
	EVP_MAC			*m = NULL;
	EVP_MAC_CTX		*ctx = NULL;
	OSSL_PARAM		 params[2];
	size_t			 outl = 0;
	int			 r = -1;

	params[0] = OSSL_PARAM_construct_utf8_string("cipher",
	    (char *)(uintptr_t)"AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((m = EVP_MAC_fetch(NULL, "CMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(m)) == NULL ||
	    EVP_MAC_init(ctx, key, AES128_KEY, params) != 1 ||
	    EVP_MAC_update(ctx, msg, len) != 1 ||
	    EVP_MAC_final(ctx, mac, &outl, AES_BLOCK) != 1 ||
	    outl != AES_BLOCK)
		goto fail;
	r = 0;
fail:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return r;
}

void
cmac_truncate(const uint8_t mac[AES_BLOCK], uint8_t mact[MACT_LEN])
{
	for (size_t i = 0; i < MACT_LEN; i++)
		mact[i] = mac[2 * i + 1];
}

uint32_t
crc32_nxp(const uint8_t *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);

	while (n > 0) {
		uInt chunk = n > UINT32_MAX ? UINT32_MAX : (uInt)n;

		c = crc32(c, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return (uint32_t)~c;
}

int
random_bytes(uint8_t *p, size_t n)
{
	if (n > INT32_MAX)
		return -1;
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

int
ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
