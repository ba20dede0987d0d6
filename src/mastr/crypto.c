/* SPDX-License-Identifier: BSD-2-Clause */
/* HKDF, AES-GCM, SHA-256 and point checks with MASTR's conventions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "common/hex.h"
#include "common/prim.h"
#include "mastr/crypto.h"
#include "mastr/err.h"
#include "mastr/frame.h"

/* crypto.c ~l.322 of the original firmware; 20 bytes, no NUL. */
static const char session_salt[] = "MASTR-Session-Key-v1";

int
mastr_session_key(const uint8_t zx[MASTR_ZX_LEN], uint8_t key[MASTR_KEY_LEN])
{
	EVP_KDF		*kdf = NULL;
	EVP_KDF_CTX	*ctx = NULL;
	OSSL_PARAM	 params[5];
	int		 r = MASTR_ERR_CRYPTO;

	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto fail;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)zx, MASTR_ZX_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)session_salt, sizeof(session_salt) - 1);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)"", 0);
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, key, MASTR_KEY_LEN, params) != 1)
		goto fail;
	r = MASTR_OK;
fail:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (r != MASTR_OK)
		wipe(key, MASTR_KEY_LEN);
	return r;
}

int
mastr_gcm_seal(const uint8_t key[MASTR_KEY_LEN], const uint8_t *in, size_t n,
    uint8_t *out, size_t cap, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	uint8_t		*ct = out + MASTR_GCM_IV_LEN;
	int		 l1 = 0, l2 = 0, r = MASTR_ERR_CRYPTO;

	if (n > (size_t)MASTR_BODY_MAX || cap < n + MASTR_GCM_OVERHEAD)
		return MASTR_ERR_ARG;
	if (random_bytes(out, MASTR_GCM_IV_LEN) < 0 ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, out) != 1 ||
	    EVP_EncryptUpdate(ctx, ct, &l1, in, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, ct + l1, &l2) != 1 ||
	    (size_t)l1 + (size_t)l2 != n ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, MASTR_GCM_TAG_LEN,
	    ct + n) != 1)
		goto fail;
	*outlen = n + MASTR_GCM_OVERHEAD;
	r = MASTR_OK;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
mastr_gcm_open(const uint8_t key[MASTR_KEY_LEN], const uint8_t *in, size_t n,
    uint8_t *out, size_t cap, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx = NULL;
	uint8_t		 tag[MASTR_GCM_TAG_LEN];
	size_t		 ctlen;
	int		 l1 = 0, l2 = 0, r = MASTR_ERR_CRYPTO;

	if (n < MASTR_GCM_OVERHEAD)
		return MASTR_ERR_GCM;
	ctlen = n - MASTR_GCM_OVERHEAD;
	if (cap < ctlen)
		return MASTR_ERR_ARG;
	memcpy(tag, in + n - MASTR_GCM_TAG_LEN, sizeof(tag));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, in) != 1 ||
	    EVP_DecryptUpdate(ctx, out, &l1, in + MASTR_GCM_IV_LEN,
	    (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(tag),
	    tag) != 1)
		goto fail;
	if (EVP_DecryptFinal_ex(ctx, out + l1, &l2) != 1) {
		r = MASTR_ERR_GCM;
		goto fail;
	}
	*outlen = (size_t)l1 + (size_t)l2;
	r = MASTR_OK;
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (r != MASTR_OK)
		wipe(out, ctlen);
	return r;
}

int
mastr_sha256(const void *msg, size_t n, uint8_t out[MASTR_HASH_LEN])
{
	return EVP_Digest(msg, n, out, NULL, EVP_sha256(), NULL) == 1 ?
	    MASTR_OK : MASTR_ERR_CRYPTO;
}

int
mastr_sha256_file(const char *path, uint8_t out[MASTR_HASH_LEN])
{
	EVP_MD_CTX	*ctx = NULL;
	FILE		*f = NULL;
	uint8_t		 chunk[8192];
	size_t		 got;
	int		 r = MASTR_ERR_CRYPTO, saved = 0;

	if ((f = fopen(path, "rbe")) == NULL)
		return MASTR_ERR_IO;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto fail;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (EVP_DigestUpdate(ctx, chunk, got) != 1)
			goto fail;
	if (ferror(f)) {
		saved = EIO;
		r = MASTR_ERR_IO;
		goto fail;
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto fail;
	r = MASTR_OK;
fail:
	EVP_MD_CTX_free(ctx);
	fclose(f);
	if (saved != 0)
		errno = saved;
	return r;
}

int
mastr_pub_from_hex(const char *hex, uint8_t pub[MASTR_PUB_LEN])
{
	const char	*s = hex, *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	if ((size_t)(e - s) != 2 * MASTR_PUB_LEN ||
	    hex_decode(s, pub, MASTR_PUB_LEN) < 0)
		return MASTR_ERR_HEX;
	return mastr_pub_check(pub);
}

void
mastr_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}
