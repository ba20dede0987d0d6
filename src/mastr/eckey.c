/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * P-256 keys, raw r || s signatures, ECDH and the signed ECDH share
 * (docs/mastr-protocol.md section 4). Coordinates and r, s are always
 * left-padded to 32 bytes (docs/mastr.md defect 4 of the original).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "common/prim.h"
#include "mastr/crypto.h"
#include "mastr/err.h"

struct mastr_eckey {
	EVP_PKEY *pkey;
};

static const char curve[] = "prime256v1";

/* An EVP_PKEY holding only the public point 04 || X || Y, checked. */
static int
pub_to_pkey(const uint8_t pub[MASTR_PUB_LEN], EVP_PKEY **out)
{
	EVP_PKEY_CTX	*ctx = NULL, *chk = NULL;
	EVP_PKEY	*pkey = NULL;
	OSSL_PARAM	 params[3];
	uint8_t		 point[1 + MASTR_PUB_LEN];
	int		 r = MASTR_ERR_POINT;

	point[0] = 0x04;
	memcpy(point + 1, pub, MASTR_PUB_LEN);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)(uintptr_t)curve, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1) {
		r = MASTR_ERR_CRYPTO;
		goto fail;
	}
	if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto fail;
	if ((chk = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1)
		goto fail;
	*out = pkey;
	pkey = NULL;
	r = MASTR_OK;
fail:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

int
mastr_pub_check(const uint8_t pub[MASTR_PUB_LEN])
{
	EVP_PKEY	*pkey = NULL;
	int		 r;

	r = pub_to_pkey(pub, &pkey);
	EVP_PKEY_free(pkey);
	return r;
}

static int
sig_to_der(const uint8_t sig[MASTR_SIG_LEN], uint8_t *der, size_t cap,
    size_t *len)
{
	ECDSA_SIG	*s = NULL;
	BIGNUM		*br = NULL, *bs = NULL;
	uint8_t		*p = der;
	int		 n, r = MASTR_ERR_CRYPTO;

	if ((s = ECDSA_SIG_new()) == NULL ||
	    (br = BN_bin2bn(sig, 32, NULL)) == NULL ||
	    (bs = BN_bin2bn(sig + 32, 32, NULL)) == NULL ||
	    ECDSA_SIG_set0(s, br, bs) != 1)
		goto fail;
	br = bs = NULL;
	if ((n = i2d_ECDSA_SIG(s, NULL)) <= 0 || (size_t)n > cap ||
	    i2d_ECDSA_SIG(s, &p) != n)
		goto fail;
	*len = (size_t)n;
	r = MASTR_OK;
fail:
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(s);
	return r;
}

int
mastr_ecdsa_verify(const uint8_t pub[MASTR_PUB_LEN], const uint8_t *msg,
    size_t n, const uint8_t sig[MASTR_SIG_LEN])
{
	EVP_PKEY	*pkey = NULL;
	EVP_MD_CTX	*md = NULL;
	uint8_t		 der[80];
	size_t		 derlen;
	int		 r;

	if ((r = pub_to_pkey(pub, &pkey)) != MASTR_OK ||
	    (r = sig_to_der(sig, der, sizeof(der), &derlen)) != MASTR_OK)
		goto fail;
	r = MASTR_ERR_CRYPTO;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto fail;
	r = EVP_DigestVerify(md, der, derlen, msg, n) == 1 ? MASTR_OK :
	    MASTR_ERR_SIGNATURE;
fail:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return r;
}

mastr_eckey_t *
mastr_eckey_generate(void)
{
	mastr_eckey_t *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if ((k->pkey = EVP_EC_gen(curve)) == NULL) {
		free(k);
		return NULL;
	}
	return k;
}

void
mastr_eckey_free(mastr_eckey_t **k)
{
	if (k == NULL || *k == NULL)
		return;
	EVP_PKEY_free((*k)->pkey);
	free(*k);
	*k = NULL;
}

int
mastr_eckey_load(const char *path, mastr_eckey_t **out)
{
	FILE		*f;
	EVP_PKEY	*pkey;
	mastr_eckey_t	*k;

	if ((f = fopen(path, "re")) == NULL)
		return MASTR_ERR_IO;
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "EC")) {
		EVP_PKEY_free(pkey);
		return MASTR_ERR_CRYPTO;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return MASTR_ERR_NOMEM;
	}
	k->pkey = pkey;
	*out = k;
	return MASTR_OK;
}

int
mastr_eckey_save(const mastr_eckey_t *k, const char *path)
{
	FILE	*f;
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0)
		return MASTR_ERR_IO;
	/* open() keeps the mode of a file that already exists. */
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return MASTR_ERR_IO;
	}
	ok = PEM_write_PrivateKey(f, k->pkey, NULL, NULL, 0, NULL, NULL);
	ok = (fflush(f) == 0 && fsync(fileno(f)) == 0) && ok;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? MASTR_OK : MASTR_ERR_IO;
}

int
mastr_eckey_pub(const mastr_eckey_t *k, uint8_t pub[MASTR_PUB_LEN])
{
	uint8_t	point[1 + MASTR_PUB_LEN];
	size_t	len = 0;

	if (EVP_PKEY_get_octet_string_param(k->pkey,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof(point), &len) != 1 ||
	    len != sizeof(point) || point[0] != 0x04)
		return MASTR_ERR_CRYPTO;
	memcpy(pub, point + 1, MASTR_PUB_LEN);
	return MASTR_OK;
}

static int
der_to_raw(const uint8_t *der, size_t len, uint8_t sig[MASTR_SIG_LEN])
{
	ECDSA_SIG		*s;
	const BIGNUM		*br, *bs;
	const unsigned char	*p = der;
	int			 r = MASTR_ERR_CRYPTO;

	if ((s = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		return MASTR_ERR_CRYPTO;
	ECDSA_SIG_get0(s, &br, &bs);
	if (BN_bn2binpad(br, sig, 32) == 32 && BN_bn2binpad(bs, sig + 32, 32) == 32)
		r = MASTR_OK;
	ECDSA_SIG_free(s);
	return r;
}

int
mastr_eckey_sign(const mastr_eckey_t *k, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN])
{
	EVP_MD_CTX	*md = NULL;
	uint8_t		 der[80];
	size_t		 derlen = sizeof(der);
	int		 r = MASTR_ERR_CRYPTO;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, der, &derlen, msg, n) != 1)
		goto fail;
	r = der_to_raw(der, derlen, sig);
fail:
	EVP_MD_CTX_free(md);
	return r;
}

int
mastr_eckey_sign_cb(void *arg, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN])
{
	return mastr_eckey_sign(arg, msg, n, sig);
}

int
mastr_eckey_session(const mastr_eckey_t *k, const uint8_t peer[MASTR_PUB_LEN],
    uint8_t key[MASTR_KEY_LEN])
{
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pp = NULL;
	uint8_t		 z[MASTR_ZX_LEN];
	size_t		 zlen = sizeof(z);
	int		 r;

	if ((r = pub_to_pkey(peer, &pp)) != MASTR_OK)
		goto fail;
	r = MASTR_ERR_CRYPTO;
	/* OpenSSL's ECDH output is the X coordinate, as ATECC and the TPM. */
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, pp) != 1 ||
	    EVP_PKEY_derive(ctx, z, &zlen) != 1 || zlen != sizeof(z))
		goto fail;
	r = mastr_session_key(z, key);
fail:
	wipe(z, sizeof(z));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pp);
	return r;
}

int
mastr_share_make(const mastr_eckey_t *eph, mastr_sign_fn *sign, void *arg,
    uint8_t share[MASTR_SHARE_LEN])
{
	int r;

	if ((r = mastr_eckey_pub(eph, share)) != MASTR_OK)
		return r;
	return sign(arg, share, MASTR_PUB_LEN, share + MASTR_PUB_LEN);
}

int
mastr_share_check(const uint8_t perm[MASTR_PUB_LEN], const uint8_t *share,
    size_t len)
{
	int r;

	if (len != MASTR_SHARE_LEN)
		return MASTR_ERR_PROTOCOL;
	if ((r = mastr_ecdsa_verify(perm, share, MASTR_PUB_LEN,
	    share + MASTR_PUB_LEN)) != MASTR_OK)
		return r;
	return mastr_pub_check(share);
}
