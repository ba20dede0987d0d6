/* SPDX-License-Identifier: BSD-2-Clause */
/* Read_Sig and the originality signature check (NT4H2421Gx 10.10.1). */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/originality.h"
#include "ntag424/version.h"

#define POINT_LEN	57	/* 04 || X(28) || Y(28) */
#define COORD_LEN	28

/* AN12196 Table 30 (ORIG-1). */
static const uint8_t nxp_key_an12196[POINT_LEN] = {
	0x04, 0x8A, 0x9B, 0x38, 0x0A, 0xF2, 0xEE, 0x1B, 0x98, 0xDC, 0x41, 0x7F,
	0xEC, 0xC2, 0x63, 0xF8, 0x44, 0x9C, 0x76, 0x25, 0xCE, 0xCE, 0x82, 0xD9,
	0xB9, 0x16, 0xC9, 0x92, 0xDA, 0x20, 0x9D, 0x68, 0x42, 0x2B, 0x81, 0xEC,
	0x20, 0xB6, 0x5A, 0x66, 0xB5, 0x10, 0x2A, 0x61, 0x59, 0x6A, 0xF3, 0x37,
	0x92, 0x00, 0x59, 0x93, 0x16, 0xA0, 0x0A, 0x14, 0x10,
};

/* proxmark3 originality.c, "NTAG424DNA, NTAG424DNATT, ..." (ORIG-2). */
static const uint8_t nxp_key_ntag424[POINT_LEN] = {
	0x04, 0xB3, 0x04, 0xDC, 0x4C, 0x61, 0x5F, 0x53, 0x26, 0xFE, 0x93, 0x83,
	0xDD, 0xEC, 0x9A, 0xA8, 0x92, 0xDF, 0x3A, 0x57, 0xFA, 0x7F, 0xFB, 0x32,
	0x76, 0x19, 0x2B, 0xC0, 0xEA, 0xA2, 0x52, 0xED, 0x45, 0xA8, 0x65, 0xE3,
	0xB0, 0x93, 0xA3, 0xD0, 0xDC, 0xE5, 0xBE, 0x29, 0xE9, 0x2F, 0x13, 0x92,
	0xCE, 0x7D, 0xE3, 0x21, 0xE3, 0xE5, 0xC5, 0x2B, 0x3A,
};

/* An EC public key on secp224r1; NULL if the point is not on the curve. */
static EVP_PKEY *
load_key(const uint8_t *pub, size_t len)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "secp224r1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    len) != 1 || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* r || s as a DER ECDSA-Sig-Value; returns its length or 0. */
static int
sig_der(const uint8_t sig[NTAG424_SIG_LEN], uint8_t **der)
{
	ECDSA_SIG	*s = NULL;
	BIGNUM		*r = NULL, *ss = NULL;
	int		 len = 0;

	if ((s = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, COORD_LEN, NULL)) == NULL ||
	    (ss = BN_bin2bn(sig + COORD_LEN, COORD_LEN, NULL)) == NULL ||
	    ECDSA_SIG_set0(s, r, ss) != 1)
		goto fail;
	r = ss = NULL;	/* owned by s now */
	if ((len = i2d_ECDSA_SIG(s, der)) < 0)
		len = 0;
fail:
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return len;
}

/* NT4H2421Gx 10.10.1: "No hash is computed: M is directly used as H". */
int
nt_ecdsa_verify(const uint8_t *pub, size_t pub_len, const uint8_t *uid,
    size_t uid_len, const uint8_t sig[NTAG424_SIG_LEN])
{
	EVP_PKEY	*pkey = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	uint8_t		*der = NULL;
	int		 len, r = NTAG424_ERR_ARG;

	if ((pkey = load_key(pub, pub_len)) == NULL)
		goto fail;
	r = NTAG424_ERR_CRYPTO;
	if ((len = sig_der(sig, &der)) == 0 ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    EVP_PKEY_verify_init(ctx) != 1)
		goto fail;
	r = EVP_PKEY_verify(ctx, der, (size_t)len, uid, uid_len) == 1 ?
	    NTAG424_OK : NTAG424_ERR_NOT_GENUINE;
fail:
	OPENSSL_free(der);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return r;
}

int
ntag424_originality_verify(const uint8_t *uid, size_t uid_len,
    const uint8_t sig[NTAG424_SIG_LEN])
{
	int r;

	if (uid == NULL || sig == NULL || uid_len != NTAG424_UID_LEN)
		return NTAG424_ERR_ARG;
	r = nt_ecdsa_verify(nxp_key_an12196, sizeof(nxp_key_an12196), uid,
	    uid_len, sig);
	if (r != NTAG424_ERR_NOT_GENUINE)
		return r;
	return nt_ecdsa_verify(nxp_key_ntag424, sizeof(nxp_key_ntag424), uid,
	    uid_len, sig);
}

int
ntag424_originality_read(ntag424_dev_t *dev, uint8_t sig[NTAG424_SIG_LEN])
{
	const uint8_t	addr = 0x00;	/* NXPOriginalitySignature */
	uint8_t		resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || sig == NULL)
		return NTAG424_ERR_ARG;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_READ_SIG;
	c.mode = NT_MODE_FULL;
	c.hdr = &addr;
	c.hdr_len = 1;
	c.flags = NT_SM_ALLOW_9190;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
	case 0x9190:	/* AN12196 Table 30 */
		break;
	case 0x910B:
	case 0x910C:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_AUTH_ERROR:
	case NT_SW_ABORTED:
		return sw;
	default:
		return nt_unexpected_sw("Read_Sig", sw);
	}
	if (n != NTAG424_SIG_LEN)
		return NTAG424_ERR_RX;
	memcpy(sig, resp, NTAG424_SIG_LEN);
	return NTAG424_OK;
}
