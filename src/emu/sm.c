/*
 * EV2 secure messaging, tag side (NT4H2421Gx 9.1.2-9.1.10; AN12196 5):
 * command MAC check with CmdCtr n, decryption under IVc, CmdCtr n+1 before
 * the answer, answer MAC and encryption under IVr, session keys (9.1.7).
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
	r = sm_mact(s->kmac, msg, 7 + len, mact);
	wipe(msg, sizeof(msg));
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
	uint8_t		 mact[MACT_LEN], iv[AES_BLOCK];
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
		if (session_iv(s, 0, iv) < 0 ||
		    aes128_cbc_decrypt(s->kenc, iv, c->data + hdrlen,
		    body - hdrlen, out + hdrlen) < 0 ||
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
	wipe(iv, sizeof(iv));
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
	uint8_t		 buf[EMU_FILE_MAX + AES_BLOCK], iv[AES_BLOCK];
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
		if (session_iv(s, 1, iv) < 0 ||
		    aes128_cbc_encrypt(s->kenc, iv, buf, n, buf) < 0) {
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
	wipe(iv, sizeof(iv));
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
