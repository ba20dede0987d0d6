/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LRP cipher suite (NT4H2421Gx 9.2; NXP AN12304): session keys, LRICB
 * encryption under the 32-bit EncCtr and the truncated CMAC_LRP, on top of
 * common/lrp.h. Everything else in secure messaging (CmdCtr, TI, MAC
 * inputs, what is encrypted) is the same as for EV2 AES (session.c).
 */
#include <string.h>

#include "common/lrp.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"

#define ENC_CTR_LEN	4

/*
 * NT4H2421Gx 9.2.7: the same context bytes as the AES session vector
 * (nt_sv without its label) followed by the label 96 69.
 */
void
nt_lrp_sv(const uint8_t rnda[NT_RND_LEN], const uint8_t rndb[NT_RND_LEN],
    uint8_t sv[NT_LRP_SV_LEN])
{
	uint8_t tmp[32];

	nt_sv(0x00, 0x00, rnda, rndb, tmp);
	memcpy(sv, tmp + 2, 30);
	sv[30] = 0x96;
	sv[31] = 0x69;
	wipe(tmp, sizeof(tmp));
}

/*
 * SesAuthMasterKey = CMAC_LRP(Kx, SV); the MAC key is its updated key 0,
 * the encryption key its updated key 1 (AN12304 section 4; NT4H2421Gx
 * 9.2.7). EncCtr starts at 0: the authentication sets it for the session.
 */
static int
lrp_derive(struct nt_session *s, const uint8_t key[AES128_KEY],
    const uint8_t rnda[NT_RND_LEN], const uint8_t rndb[NT_RND_LEN])
{
	uint8_t	sv[NT_LRP_SV_LEN], master[AES_BLOCK];
	lrp_t	kx;
	int	r = NTAG424_ERR_CRYPTO;

	nt_lrp_sv(rnda, rndb, sv);
	if (lrp_init(&kx, key, 0) < 0 ||
	    lrp_cmac(&kx, sv, sizeof(sv), master) < 0 ||
	    lrp_init(&s->lrp_mac, master, 0) < 0 ||
	    lrp_init(&s->lrp_enc, master, 1) < 0)
		goto fail;
	s->enc_ctr = 0;
	r = NTAG424_OK;
fail:
	lrp_wipe(&kx);
	wipe(sv, sizeof(sv));
	wipe(master, sizeof(master));
	return r;
}

/* LRICB from EncCtr on (big-endian in the evaluation); EncCtr advances. */
static int
lricb(struct nt_session *s, bool enc, const uint8_t *in, size_t len,
    uint8_t *out)
{
	uint8_t	ctr[ENC_CTR_LEN];
	int	r;

	ctr[0] = (uint8_t)(s->enc_ctr >> 24);
	ctr[1] = (uint8_t)(s->enc_ctr >> 16);
	ctr[2] = (uint8_t)(s->enc_ctr >> 8);
	ctr[3] = (uint8_t)s->enc_ctr;
	r = enc ? lrp_lricb_encrypt(&s->lrp_enc, ctr, sizeof(ctr), in, len, out) :
	    lrp_lricb_decrypt(&s->lrp_enc, ctr, sizeof(ctr), in, len, out);
	if (r < 0)
		return NTAG424_ERR_CRYPTO;
	s->enc_ctr = (uint32_t)ctr[0] << 24 | (uint32_t)ctr[1] << 16 |
	    (uint32_t)ctr[2] << 8 | ctr[3];
	return NTAG424_OK;
}

static int
lrp_encrypt(struct nt_session *s, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	size_t	padded = 0;
	int	r;

	if ((r = nt_pad_m2(in, len, out, *outlen, &padded)) != NTAG424_OK)
		return r;
	if ((r = lricb(s, true, out, padded, out)) != NTAG424_OK) {
		wipe(out, padded);
		return r;
	}
	*outlen = padded;
	return NTAG424_OK;
}

static int
lrp_decrypt(struct nt_session *s, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	int r;

	if (len == 0 || len % AES_BLOCK != 0 || len > *outlen)
		return NTAG424_ERR_RX;
	if ((r = lricb(s, false, in, len, out)) != NTAG424_OK)
		return r;
	return nt_unpad_m2(out, len, outlen);
}

static int
lrp_mac(const struct nt_session *s, const uint8_t *msg, size_t len,
    uint8_t mact[MACT_LEN])
{
	uint8_t	mac[AES_BLOCK];
	int	r = NTAG424_ERR_CRYPTO;

	if (lrp_cmac(&s->lrp_mac, msg, len, mac) < 0)
		goto fail;
	cmac_truncate(mac, mact);
	r = NTAG424_OK;
fail:
	wipe(mac, sizeof(mac));
	return r;
}

const struct nt_suite nt_suite_lrp = {
	.name = "LRP",
	.derive = lrp_derive,
	.encrypt = lrp_encrypt,
	.decrypt = lrp_decrypt,
	.mac = lrp_mac,
};
