/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EV2 secure messaging, tag side (NT4H2421Gx 9.1.2-9.1.10; AN12196 5):
 * command MAC check with CmdCtr n, decryption under IVc, CmdCtr n+1 before
 * the answer, answer MAC and encryption under IVr, session keys (9.1.7).
 * In an LRP session (9.2) the MACs are CMAC_LRP and the data is LRICB
 * under the running EncCtr instead; everything else is the same.
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

int
sm_mact(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t mact[8])
{
	uint8_t mac[AES_BLOCK];
	int r;

	r = aes128_cmac(key, msg, len, mac);
	cmac_truncate(mac, mact);
	wipe(mac, sizeof(mac));
	return r;
}

/* IVc = E(KSesAuthENC, A5 5A || TI || CmdCtr || 00*8); IVr with 5A A5. */
static int
session_iv(const emu_session_t *s, int response, uint8_t iv[AES_BLOCK])
{
	uint8_t in[AES_BLOCK] = { 0 };

	in[0] = response ? 0x5A : 0xA5;
	in[1] = response ? 0xA5 : 0x5A;
	memcpy(in + 2, s->ti, 4);
	put_u16le(in + 6, s->ctr);
	return aes128_ecb_encrypt(s->kenc, in, iv);
}

/* MAC input Cmd || CmdCtr || TI || data (command) or RC || ... (answer). */
static int
session_mact(const emu_session_t *s, uint8_t first, const uint8_t *data,
    size_t len, uint8_t mact[MACT_LEN])
{
	uint8_t	msg[7 + 288];
	int	r;

	if (len > sizeof(msg) - 7)
		return -1;
	msg[0] = first;
	put_u16le(msg + 1, s->ctr);
	memcpy(msg + 3, s->ti, 4);
	if (len > 0)
		memcpy(msg + 7, data, len);
	if (s->lrp) {
		uint8_t full[AES_BLOCK];

		r = sm_lrp_mac(&s->lmac, msg, 7 + len, full);
		cmac_truncate(full, mact);
		wipe(full, sizeof(full));
	} else
		r = sm_mact(s->kmac, msg, 7 + len, mact);
	wipe(msg, sizeof(msg));
	return r;
}

int
sm_lrp_mac(const lrp_t *l, const uint8_t *msg, size_t len, uint8_t full[16])
{
	return lrp_cmac(l, msg, len, full);
}

/* LRICB from EncCtr (big-endian in the evaluation); EncCtr moves on. */
static int
lrp_crypt(emu_session_t *s, int enc, const uint8_t *in, size_t len,
    uint8_t *out)
{
	uint8_t	ctr[4];
	int	r;

	ctr[0] = (uint8_t)(s->encctr >> 24);
	ctr[1] = (uint8_t)(s->encctr >> 16);
	ctr[2] = (uint8_t)(s->encctr >> 8);
	ctr[3] = (uint8_t)s->encctr;
	r = enc ? lrp_lricb_encrypt(&s->lenc, ctr, 4, in, len, out) :
	    lrp_lricb_decrypt(&s->lenc, ctr, 4, in, len, out);
	s->encctr += (uint32_t)(len / AES_BLOCK);
	return r;
}

/* Decrypt a command's data: under IVc (EV2) or from EncCtr (LRP). */
static int
decrypt_cmd(emu_session_t *s, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t	iv[AES_BLOCK];
	int	r;

	if (s->lrp)
		return lrp_crypt(s, 0, in, len, out);
	r = session_iv(s, 0, iv) < 0 ? -1 :
	    aes128_cbc_decrypt(s->kenc, iv, in, len, out);
	wipe(iv, sizeof(iv));
	return r;
}

static int
encrypt_resp(emu_session_t *s, uint8_t *buf, size_t n)
{
	uint8_t	iv[AES_BLOCK];
	int	r;

	if (s->lrp)
		return lrp_crypt(s, 1, buf, n, buf);
	r = session_iv(s, 1, iv) < 0 ? -1 :
	    aes128_cbc_encrypt(s->kenc, iv, buf, n, buf);
	wipe(iv, sizeof(iv));
	return r;
}

/* Answer MACt over RC(00) || CmdCtr || TI || data, for GetVersion (E-11). */
int
sm_resp_mact(emu_t *e, const uint8_t *data, size_t len, uint8_t mact[8])
{
	return session_mact(&e->v.sess, 0x00, data, len, mact);
}

/* ISO/IEC 9797-1 method 2: 80 00..; the padding lies in the last block. */
static int
unpad(const uint8_t *p, size_t len, size_t *plain)
{
	size_t i = len;

	while (i > 0 && len - i < AES_BLOCK && p[i - 1] == 0x00)
		i--;
	if (i == 0 || len - i >= AES_BLOCK || p[i - 1] != 0x80)
		return -1;
	*plain = i - 1;
	return 0;
}

/*
 * Check and strip the command's protection. hdrlen bytes after the INS are
 * the plain CmdHeader; in MODE_FULL the rest is E(CmdData || padding).
 * Without a session everything is plain. out gets CmdHeader || CmdData.
 */
uint16_t
sm_unwrap(emu_t *e, const emu_cmd_t *c, int mode, size_t hdrlen,
    uint8_t *out, size_t *outlen)
{
	emu_session_t	*s = &e->v.sess;
	uint8_t		 mact[MACT_LEN];
	size_t		 body, plain;
	uint16_t	 sw = SW_INTEGRITY;

	if (!s->active || mode == MODE_PLAIN) {
		if (s->active && s->ctr == 0xFFFF)
			return SW_INTEGRITY;	/* DS 9.1.2: overflow */
		memcpy(out, c->data, c->len);
		*outlen = c->len;
		if (s->active)
			s->ctr++;
		return SW_OK;
	}
	if (c->len < hdrlen + MACT_LEN)
		return SW_LENGTH;
	body = c->len - MACT_LEN;
	if (mode == MODE_FULL && (body - hdrlen) % AES_BLOCK != 0)
		return SW_LENGTH;
	if (s->ctr == 0xFFFF ||
	    session_mact(s, c->ins, c->data, body, mact) < 0 ||
	    !ct_equal(mact, c->data + body, MACT_LEN))
		goto fail;
	memcpy(out, c->data, hdrlen);
	*outlen = hdrlen;
	if (mode == MODE_FULL && body > hdrlen) {
		if (decrypt_cmd(s, c->data + hdrlen, body - hdrlen,
		    out + hdrlen) < 0 ||
		    unpad(out + hdrlen, body - hdrlen, &plain) < 0)
			goto fail;
		*outlen = hdrlen + plain;
	} else if (mode == MODE_MAC) {
		memcpy(out + hdrlen, c->data + hdrlen, body - hdrlen);
		*outlen = body;
	}
	s->ctr++;
	sw = SW_OK;
fail:
	return sw;
}

/* Bytes of RespData once protected in mode (for the 256-byte limit). */
size_t
sm_wrapped_len(int mode, size_t len)
{
	switch (mode) {
	case MODE_MAC:
		return len + MACT_LEN;
	case MODE_FULL:
		return (len > 0 ? (len / AES_BLOCK + 1) * AES_BLOCK : 0) +
		    MACT_LEN;
	default:
		return len;
	}
}

/* Protect RespData with CmdCtr already at n+1 (no-op without a session). */
uint16_t
sm_wrap(emu_t *e, int mode, const uint8_t *data, size_t len, wbuf_t *out)
{
	return sm_wrap_rc(e, mode, 0x00, data, len, out);
}

/* As sm_wrap, the response MAC over RC = rc (the status word's low byte). */
uint16_t
sm_wrap_rc(emu_t *e, int mode, uint8_t rc, const uint8_t *data, size_t len,
    wbuf_t *out)
{
	emu_session_t	*s = &e->v.sess;
	uint8_t		 buf[EMU_FILE_MAX + AES_BLOCK];
	uint8_t		 mact[MACT_LEN];
	size_t		 n = len;
	uint16_t	 sw = SW_LENGTH;

	if (!s->active || mode == MODE_PLAIN)
		return wbuf_put(out, data, len) < 0 ? SW_LENGTH : SW_OK;
	if (len > EMU_FILE_MAX)
		goto fail;
	if (len > 0)
		memcpy(buf, data, len);
	if (mode == MODE_FULL && len > 0) {
		n = (len / AES_BLOCK + 1) * AES_BLOCK;
		buf[len] = 0x80;
		memset(buf + len + 1, 0, n - len - 1);
		if (encrypt_resp(s, buf, n) < 0) {
			sw = SW_INTEGRITY;
			goto fail;
		}
	}
	if (session_mact(s, rc, buf, n, mact) < 0) {
		sw = SW_INTEGRITY;
		goto fail;
	}
	if (wbuf_put(out, buf, n) < 0 || wbuf_put(out, mact, MACT_LEN) < 0)
		goto fail;
	sw = SW_OK;
fail:
	wipe(buf, sizeof(buf));
	return sw;
}

/*
 * NT4H2421Gx 9.1.7: SV1 = A5 5A 00 01 00 80 || RndA[15..14] ||
 * (RndA[13..8] ^ RndB[15..10]) || RndB[9..0] || RndA[7..0] (byte 15 is
 * the first on the wire); SV2 the same behind 5A A5.
 */
int
sm_session_keys(const uint8_t key[16], const uint8_t rnda[16],
    const uint8_t rndb[16], uint8_t kenc[16], uint8_t kmac[16])
{
	uint8_t	sv[32];
	int	r = -1;

	sv[0] = 0xA5;
	sv[1] = 0x5A;
	sv[2] = 0x00;
	sv[3] = 0x01;
	sv[4] = 0x00;
	sv[5] = 0x80;
	memcpy(sv + 6, rnda, 2);
	for (size_t i = 0; i < 6; i++)
		sv[8 + i] = (uint8_t)(rnda[2 + i] ^ rndb[i]);
	memcpy(sv + 14, rndb + 6, 10);
	memcpy(sv + 24, rnda + 8, 8);
	if (aes128_cmac(key, sv, sizeof(sv), kenc) < 0)
		goto fail;
	sv[0] = 0x5A;
	sv[1] = 0xA5;
	if (aes128_cmac(key, sv, sizeof(sv), kmac) < 0)
		goto fail;
	r = 0;
fail:
	wipe(sv, sizeof(sv));
	return r;
}

/*
 * NT4H2421Gx 9.2.7: SV = 00 01 00 80 || RndA[15..14] || (RndA[13..8] ^
 * RndB[15..10]) || RndB[9..0] || RndA[7..0] || 96 69; the session master
 * key is CMAC_LRP(Kx, SV), MAC and ENC its updated keys 0 and 1 (AN12304).
 */
int
sm_lrp_session(emu_session_t *s, const uint8_t key[16],
    const uint8_t rnda[16], const uint8_t rndb[16])
{
	uint8_t	sv[32] = { 0x00, 0x01, 0x00, 0x80 }, master[16];
	lrp_t	kx;
	int	r = -1;

	memcpy(sv + 4, rnda, 2);
	for (size_t i = 0; i < 6; i++)
		sv[6 + i] = (uint8_t)(rnda[2 + i] ^ rndb[i]);
	memcpy(sv + 12, rndb + 6, 10);
	memcpy(sv + 22, rnda + 8, 8);
	sv[30] = 0x96;
	sv[31] = 0x69;
	if (lrp_init(&kx, key, 0) < 0 || lrp_cmac(&kx, sv, sizeof(sv),
	    master) < 0 || lrp_init(&s->lmac, master, 0) < 0 ||
	    lrp_init(&s->lenc, master, 1) < 0)
		goto fail;
	s->lrp = 1;
	s->encctr = 0;
	r = 0;
fail:
	lrp_wipe(&kx);
	wipe(sv, sizeof(sv));
	wipe(master, sizeof(master));
	return r;
}
