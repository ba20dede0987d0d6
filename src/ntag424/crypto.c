/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EV2 AES cipher suite (NT4H2421Gx 9.1): session vectors, IVs, ISO/IEC
 * 9797-1 method 2 padding and the truncated MAC, on top of common/prim.h.
 */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"

/*
 * NT4H2421Gx 9.1.7, AN12196 Table 14: label(2) || 00 01 00 80 ||
 * RndA[15..14] || (RndA[13..8] ^ RndB[15..10]) || RndB[9..0] || RndA[7..0],
 * with byte 15 first on the wire.
 */
void
nt_sv(uint8_t label_hi, uint8_t label_lo, const uint8_t rnda[NT_RND_LEN],
    const uint8_t rndb[NT_RND_LEN], uint8_t sv[32])
{
	sv[0] = label_hi;
	sv[1] = label_lo;
	sv[2] = 0x00;
	sv[3] = 0x01;
	sv[4] = 0x00;
	sv[5] = 0x80;
	memcpy(sv + 6, rnda, 2);
	for (size_t i = 0; i < 6; i++)
		sv[8 + i] = rnda[2 + i] ^ rndb[i];
	memcpy(sv + 14, rndb + 6, 10);
	memcpy(sv + 24, rnda + 8, 8);
}

void
nt_rotl1(const uint8_t in[NT_RND_LEN], uint8_t out[NT_RND_LEN])
{
	uint8_t first = in[0];

	memmove(out, in + 1, NT_RND_LEN - 1);
	out[NT_RND_LEN - 1] = first;
}

static int
aes_derive(struct nt_session *s, const uint8_t key[AES128_KEY],
    const uint8_t rnda[NT_RND_LEN], const uint8_t rndb[NT_RND_LEN])
{
	uint8_t	sv1[32], sv2[32];
	int	r = NTAG424_ERR_CRYPTO;

	nt_sv(0xA5, 0x5A, rnda, rndb, sv1);
	nt_sv(0x5A, 0xA5, rnda, rndb, sv2);
	if (aes128_cmac(key, sv1, sizeof(sv1), s->enc_key) < 0 ||
	    aes128_cmac(key, sv2, sizeof(sv2), s->mac_key) < 0)
		goto fail;
	r = NTAG424_OK;
fail:
	wipe(sv1, sizeof(sv1));
	wipe(sv2, sizeof(sv2));
	return r;
}

/*
 * NT4H2421Gx 9.1.4: IVc = E(KSesAuthENC, A5 5A || TI || CmdCtr || 0*8),
 * IVr the same with 5A A5 and CmdCtr + 1 (both LSB first).
 */
int
nt_iv(const struct nt_session *s, bool response, uint8_t iv[AES_BLOCK])
{
	uint8_t	in[AES_BLOCK] = { 0 };
	int	r;

	in[0] = response ? 0x5A : 0xA5;
	in[1] = response ? 0xA5 : 0x5A;
	memcpy(in + 2, s->ti, NT_TI_LEN);
	put_u16le(in + 6, (uint16_t)(response ? s->cmd_ctr + 1 : s->cmd_ctr));
	r = aes128_ecb_encrypt(s->enc_key, in, iv) < 0 ?
	    NTAG424_ERR_CRYPTO : NTAG424_OK;
	wipe(in, sizeof(in));
	return r;
}

/* ISO/IEC 9797-1 method 2, always at least one byte of padding. */
int
nt_pad_m2(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
    size_t *padded)
{
	size_t n = (len / AES_BLOCK + 1) * AES_BLOCK;

	if (n > cap)
		return NTAG424_ERR_ARG;
	if (len > 0)
		memmove(out, in, len);
	out[len] = 0x80;
	memset(out + len + 1, 0, n - len - 1);
	*padded = n;
	return NTAG424_OK;
}

/* The padding sits in the last block: 80 followed by zeros. */
int
nt_unpad_m2(uint8_t *buf, size_t len, size_t *outlen)
{
	size_t n;

	if (len == 0 || len % AES_BLOCK != 0)
		return NTAG424_ERR_RX;
	for (n = len; n > len - AES_BLOCK && buf[n - 1] == 0x00; n--)
		;
	if (n == len - AES_BLOCK || buf[n - 1] != 0x80) {
		wipe(buf, len);
		return NTAG424_ERR_INTEGRITY;
	}
	wipe(buf + n - 1, len - (n - 1));
	*outlen = n - 1;
	return NTAG424_OK;
}

static int
aes_encrypt(struct nt_session *s, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	uint8_t	iv[AES_BLOCK];
	size_t	padded = 0;
	int	r;

	if ((r = nt_pad_m2(in, len, out, *outlen, &padded)) != NTAG424_OK)
		return r;
	if ((r = nt_iv(s, false, iv)) != NTAG424_OK)
		goto fail;
	if (aes128_cbc_encrypt(s->enc_key, iv, out, padded, out) < 0) {
		r = NTAG424_ERR_CRYPTO;
		goto fail;
	}
	*outlen = padded;
	r = NTAG424_OK;
fail:
	if (r != NTAG424_OK)
		wipe(out, padded);
	wipe(iv, sizeof(iv));
	return r;
}

static int
aes_decrypt(struct nt_session *s, const uint8_t *in, size_t len,
    uint8_t *out, size_t *outlen)
{
	uint8_t	iv[AES_BLOCK];
	int	r = NTAG424_ERR_RX;

	if (len == 0 || len % AES_BLOCK != 0 || len > *outlen)
		goto fail;
	if ((r = nt_iv(s, true, iv)) != NTAG424_OK)
		goto fail;
	if (aes128_cbc_decrypt(s->enc_key, iv, in, len, out) < 0) {
		r = NTAG424_ERR_CRYPTO;
		goto fail;
	}
	r = nt_unpad_m2(out, len, outlen);
fail:
	wipe(iv, sizeof(iv));
	return r;
}

static int
aes_mac(const struct nt_session *s, const uint8_t *msg, size_t len,
    uint8_t mact[MACT_LEN])
{
	uint8_t	mac[AES_BLOCK];
	int	r = NTAG424_ERR_CRYPTO;

	if (aes128_cmac(s->mac_key, msg, len, mac) < 0)
		goto fail;
	cmac_truncate(mac, mact);
	r = NTAG424_OK;
fail:
	wipe(mac, sizeof(mac));
	return r;
}

const struct nt_suite nt_suite_aes = {
	.name = "EV2 AES",
	.derive = aes_derive,
	.encrypt = aes_encrypt,
	.decrypt = aes_decrypt,
	.mac = aes_mac,
};
