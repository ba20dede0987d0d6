/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Read_Sig (NT4H2421Gx 10.10, 10.10.1; AN12196 8.2): an ECDSA secp224r1
 * signature over the 7-byte UID used directly as the digest. The emulated
 * tag signs with its own key, so a check against NXP's key says "not
 * genuine", as it must.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <limits.h>
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

int
sig_new_key(uint8_t priv[EMU_SIG_PRIV_LEN])
{
	EVP_PKEY	*pkey;
	BIGNUM		*bn = NULL;
	int		 r = -1;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224")) == NULL)
		return -1;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
	    BN_bn2binpad(bn, priv, EMU_SIG_PRIV_LEN) != EMU_SIG_PRIV_LEN)
		goto fail;
	r = 0;
fail:
	BN_clear_free(bn);
	EVP_PKEY_free(pkey);
	return r;
}

/* The key pair from the scalar (the public point is computed here). */
static EVP_PKEY *
load_key(const uint8_t priv[EMU_SIG_PRIV_LEN])
{
	EC_GROUP	*g = NULL;
	EC_POINT	*pt = NULL;
	BIGNUM		*d = NULL;
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	uint8_t		 pub[1 + 2 * EMU_SIG_PRIV_LEN];

	if ((g = EC_GROUP_new_by_curve_name(NID_secp224r1)) == NULL ||
	    (pt = EC_POINT_new(g)) == NULL ||
	    (d = BN_bin2bn(priv, EMU_SIG_PRIV_LEN, NULL)) == NULL ||
	    EC_POINT_mul(g, pt, d, NULL, NULL, NULL) != 1 ||
	    EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub,
	    sizeof(pub), NULL) != sizeof(pub))
		goto fail;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "P-224", 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    sizeof(pub)) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
fail:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return pkey;
}

/* r || s, 28 bytes each, big-endian; no hash (DS 10.10.1). */
int
sig_sign(const uint8_t priv[EMU_SIG_PRIV_LEN], const uint8_t *msg, size_t len,
    uint8_t sig[EMU_SIG_LEN])
{
	EVP_PKEY	*pkey;
	EVP_PKEY_CTX	*ctx = NULL;
	ECDSA_SIG	*es = NULL;
	uint8_t		 der[80];
	const uint8_t	*p = der;
	size_t		 derlen = sizeof(der);
	int		 r = -1;

	if ((pkey = load_key(priv)) == NULL)
		return -1;
	if ((ctx = EVP_PKEY_CTX_new(pkey, NULL)) == NULL ||
	    EVP_PKEY_sign_init(ctx) != 1 ||
	    EVP_PKEY_sign(ctx, der, &derlen, msg, len) != 1 ||
	    derlen > LONG_MAX ||
	    (es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 28) != 28 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 28, 28) != 28)
		goto fail;
	r = 0;
fail:
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return r;
}

/*
 * 90 3C 00 00 01 00 00; Full in a session; with Random ID a session is
 * needed (DS 10.10). Status words of E-17.
 */
uint16_t
sig_read(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	 in[256], sig[EMU_SIG_LEN];
	size_t	 len = 0;
	uint16_t sw;

	if (e->v.rid_active && !e->v.sess.active)
		return SW_AUTH;
	if ((sw = sm_unwrap(e, c, MODE_FULL, 1, in, &len)) != SW_OK)
		return sw;
	if (len != 1)
		return SW_LENGTH;
	if (in[0] != 0x00)
		return SW_PARAMETER;
	if (sig_sign(e->p.sig_priv, e->p.uid, EMU_UID_LEN, sig) < 0)
		return SW_INTEGRITY;
	/*
	 * Genuine tags (AN12196 Table 30 among them) answer 9190, and in a
	 * session MAC the answer with RC = 90.
	 */
	if ((sw = sm_wrap_rc(e, MODE_FULL, SW_SIG_OK & 0xFF, sig, sizeof(sig),
	    out)) != SW_OK)
		return sw;
	return SW_SIG_OK;
}
