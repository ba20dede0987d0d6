/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sealing: AES-256-GCM under the KEK, a fresh random 12-byte nonce per
 * seal, associated data binding the value to its place (keystore.h).
 * Sealed form: 0x01 || nonce(12) || ciphertext(n) || tag(16), in hex.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

#define SEAL_FORMAT	0x01
#define AAD_MAX		(NTAG424_KS_UID_LEN + 1 + 1 + 4 + 1 + NTAG424_KS_NAME_MAX)

static int
build_aad(const struct seal_aad *a, uint8_t *out, size_t *len)
{
	static const uint8_t	zero[NTAG424_KS_UID_LEN];
	size_t			namelen = a->name != NULL ? strlen(a->name) : 0;
	uint8_t			ver[4];
	wbuf_t			w;

	if (namelen > NTAG424_KS_NAME_MAX || a->keyno < 0 || a->keyno > 255)
		return NTAG424_ERR_ARG;
	ver[0] = (uint8_t)(a->version >> 24);
	ver[1] = (uint8_t)(a->version >> 16);
	ver[2] = (uint8_t)(a->version >> 8);
	ver[3] = (uint8_t)a->version;
	wbuf_init(&w, out, AAD_MAX);
	if (wbuf_put(&w, a->uid != NULL ? a->uid : zero, sizeof(zero)) != 0 ||
	    wbuf_put_u8(&w, (uint8_t)a->keyno) != 0 ||
	    wbuf_put_u8(&w, (uint8_t)a->purpose) != 0 ||
	    wbuf_put(&w, ver, sizeof(ver)) != 0 ||
	    wbuf_put_u8(&w, (uint8_t)namelen) != 0 ||
	    wbuf_put(&w, a->name, namelen) != 0)
		return NTAG424_ERR_ARG;
	*len = w.len;
	return NTAG424_OK;
}

/* The tag is checked by EVP_CipherFinal on decryption. */
int
ks_gcm(int enc, const uint8_t key[NTAG424_KS_KEK_LEN],
    const uint8_t nonce[SEAL_NONCE], const uint8_t *aad, size_t aadlen,
    const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[SEAL_TAG])
{
	EVP_CIPHER_CTX	*ctx;
	int		 outl, r = NTAG424_ERR_CRYPTO;

	if (n > INT32_MAX || aadlen > INT32_MAX)
		return NTAG424_ERR_ARG;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return NTAG424_ERR_CRYPTO;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce,
	    enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen) != 1 ||
	    EVP_CipherUpdate(ctx, out, &outl, in, (int)n) != 1)
		goto fail;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG,
	    tag) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(ctx, out + n, &outl) != 1) {
		r = enc ? NTAG424_ERR_CRYPTO : NTAG424_ERR_INTEGRITY;
		goto fail;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG,
	    tag) != 1)
		goto fail;
	r = NTAG424_OK;
fail:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
seal_hex(const uint8_t kek[NTAG424_KS_KEK_LEN], const struct seal_aad *a,
    const uint8_t *pt, size_t n, char hex[SEAL_HEX_MAX])
{
	uint8_t	aad[AAD_MAX], out[SEAL_LEN(SEAL_PT_MAX)];
	size_t	aadlen;
	int	r;

	if (n > SEAL_PT_MAX)
		return NTAG424_ERR_ARG;
	if ((r = build_aad(a, aad, &aadlen)) != NTAG424_OK)
		return r;
	out[0] = SEAL_FORMAT;
	if (random_bytes(out + 1, SEAL_NONCE) != 0)
		return NTAG424_ERR_CRYPTO;
	if ((r = ks_gcm(1, kek, out + 1, aad, aadlen, pt, n, out + 1 + SEAL_NONCE,
	    out + 1 + SEAL_NONCE + n)) != NTAG424_OK)
		goto done;
	hex_encode(out, SEAL_LEN(n), hex);
done:
	wipe(out, sizeof(out));
	return r;
}

int
unseal_hex(const uint8_t kek[NTAG424_KS_KEK_LEN], const struct seal_aad *a,
    const char *hex, uint8_t *pt, size_t n)
{
	uint8_t	aad[AAD_MAX], in[SEAL_LEN(SEAL_PT_MAX)];
	size_t	aadlen;
	int	r;

	if (n > SEAL_PT_MAX)
		return NTAG424_ERR_ARG;
	if ((r = build_aad(a, aad, &aadlen)) != NTAG424_OK)
		return r;
	if (hex == NULL || hex_decode_str(hex, in, SEAL_LEN(n)) != 0 ||
	    in[0] != SEAL_FORMAT) {
		r = NTAG424_ERR_MALFORMED;
		goto done;
	}
	r = ks_gcm(0, kek, in + 1, aad, aadlen, in + 1 + SEAL_NONCE, n, pt,
	    in + 1 + SEAL_NONCE + n);
done:
	if (r != NTAG424_OK)
		wipe(pt, n);
	return r;
}

static const char *
purpose_name(int purpose)
{
	switch (purpose) {
	case SEAL_CURRENT:
		return "current key";
	case SEAL_PENDING:
		return "pending key";
	case SEAL_MASTER:
		return "master key";
	case SEAL_COHORT:
		return "cohort key";
	default:
		return "check value";
	}
}

int
ks_seal(ntag424_ks_t *ks, const struct seal_aad *a, const uint8_t *pt,
    size_t n, char hex[SEAL_HEX_MAX])
{
	int r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	if ((r = seal_hex(ks->kek, a, pt, n, hex)) != NTAG424_OK)
		return ks_fail(ks, r, "cannot seal a %s: %s",
		    purpose_name(a->purpose), ntag424_strerror(r));
	return NTAG424_OK;
}

/*
 * The KEK was checked at open, so a value that does not open was altered
 * or moved from another row: never hand out what it decrypts to.
 */
int
ks_unseal(ntag424_ks_t *ks, const struct seal_aad *a, const char *hex,
    uint8_t *pt, size_t n)
{
	char	uid[UID_HEX_LEN + 1] = "-";
	int	r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	if ((r = unseal_hex(ks->kek, a, hex, pt, n)) == NTAG424_OK)
		return r;
	if (a->uid != NULL)
		ks_uid_hex(a->uid, uid);
	return ks_fail(ks, NTAG424_ERR_STORE, "the sealed %s (tag %s, key %d, "
	    "version %u%s%s) does not open: the record was altered or copied "
	    "from another place (%s); restore it from a backup",
	    purpose_name(a->purpose), uid, a->keyno, (unsigned)a->version,
	    a->name != NULL ? ", " : "", a->name != NULL ? a->name : "",
	    r == NTAG424_ERR_INTEGRITY ? "its AES-GCM tag does not verify "
	    "under the KEK" : ntag424_strerror(r));
}
