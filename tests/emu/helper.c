/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "helper.h"
#include "ntag424/err.h"
#include "test.h"

emu_t *
h_tag(void)
{
	static const uint8_t uid[7] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
	emu_t *e = emu_new(uid);

	if (e != NULL && h_sw(e, "00A4040C07D276000085010100") != 0x9000) {
		emu_free(&e);
		return NULL;
	}
	return e;
}

int
h_send(emu_t *e, const uint8_t *c, size_t clen, uint8_t *resp,
    size_t *resplen)
{
	uint8_t	r[300];
	size_t	rlen = sizeof(r);
	int	rc;

	if ((rc = emu_process(e, c, clen, r, &rlen)) != NTAG424_OK)
		return rc;
	if (rlen < 2)
		return -1000;
	if (resp != NULL && rlen > 2)
		memcpy(resp, r, rlen - 2);
	if (resplen != NULL)
		*resplen = rlen - 2;
	return get_u16be(r + rlen - 2);
}

int
h_sw(emu_t *e, const char *hex)
{
	uint8_t c[300];
	size_t n = test_hex(hex, c, sizeof(c));

	return h_send(e, c, n, NULL, NULL);
}

int
h_xchg(const char *file, int line, emu_t *e, const char *chex,
    const char *rhex)
{
	uint8_t	c[300], exp[300], r[300];
	size_t	cn = test_hex(chex, c, sizeof(c));
	size_t	en = test_hex(rhex, exp, sizeof(exp));
	size_t	rn = sizeof(r);
	int	rc = emu_process(e, c, cn, r, &rn);

	if (!test_int(file, line, "emu_process", 0, rc))
		return 0;
	if (!test_int(file, line, "R-APDU length", (long)en, (long)rn))
		return test_bytes(file, line, "R-APDU", exp, r,
		    en < rn ? en : rn) && 0;
	return test_bytes(file, line, "R-APDU", exp, r, en);
}

static void
rot(const uint8_t in[16], uint8_t out[16])
{
	memcpy(out, in + 1, 15);
	out[15] = in[0];
}

/* NT4H2421Gx 9.1.7 session vectors, from the reference, host side. */
static void
keys(const uint8_t key[16], const uint8_t a[16], const uint8_t b[16],
    hsess_t *s)
{
	uint8_t sv[32] = { 0xA5, 0x5A, 0x00, 0x01, 0x00, 0x80 };

	sv[6] = a[0];
	sv[7] = a[1];
	for (int i = 0; i < 6; i++)
		sv[8 + i] = a[2 + i] ^ b[i];
	memcpy(sv + 14, b + 6, 10);
	memcpy(sv + 24, a + 8, 8);
	aes128_cmac(key, sv, 32, s->kenc);
	sv[0] = 0x5A;
	sv[1] = 0xA5;
	aes128_cmac(key, sv, 32, s->kmac);
}

int
h_auth(emu_t *e, int first, uint8_t keyno, const uint8_t key[16], hsess_t *s)
{
	uint8_t	c[64], r[64], rnda[16], rndb[16], rota[16], msg[32];
	uint8_t	zero[16] = { 0 };
	size_t	rn = 0;
	int	sw;

	c[0] = 0x90;
	c[1] = first ? 0x71 : 0x77;
	c[2] = c[3] = 0;
	c[4] = first ? 2 : 1;
	c[5] = keyno;
	c[6] = 0;
	c[5 + c[4]] = 0;
	if ((sw = h_send(e, c, (size_t)(6 + c[4]), r, &rn)) != 0x91AF)
		return sw;
	if (rn != 16)
		return -1;
	aes128_cbc_decrypt(key, zero, r, 16, rndb);
	random_bytes(rnda, 16);
	memcpy(msg, rnda, 16);
	rot(rndb, msg + 16);
	aes128_cbc_encrypt(key, zero, msg, 32, msg);
	memcpy(c, "\x90\xAF\x00\x00\x20", 5);
	memcpy(c + 5, msg, 32);
	c[37] = 0;
	if ((sw = h_send(e, c, 38, r, &rn)) != 0x9100)
		return sw;
	if (rn != (first ? 32u : 16u))
		return -2;
	aes128_cbc_decrypt(key, zero, r, rn, msg);
	rot(rnda, rota);
	if (memcmp(msg + (first ? 4 : 0), rota, 16) != 0)
		return -3;
	if (first) {
		memcpy(s->ti, msg, 4);
		s->ctr = 0;
	}
	s->keyno = keyno;
	keys(key, rnda, rndb, s);
	return sw;
}

static void
iv(const hsess_t *s, int resp, uint16_t ctr, uint8_t out[16])
{
	uint8_t in[16] = { 0 };

	in[0] = resp ? 0x5A : 0xA5;
	in[1] = resp ? 0xA5 : 0x5A;
	memcpy(in + 2, s->ti, 4);
	put_u16le(in + 6, ctr);
	aes128_ecb_encrypt(s->kenc, in, out);
}

void
h_mact(const hsess_t *s, uint8_t first, uint16_t ctr, const uint8_t *d,
    size_t n, uint8_t out[8])
{
	uint8_t m[300], full[16];

	m[0] = first;
	put_u16le(m + 1, ctr);
	memcpy(m + 3, s->ti, 4);
	if (n > 0)
		memcpy(m + 7, d, n);
	aes128_cmac(s->kmac, m, 7 + n, full);
	cmac_truncate(full, out);
}

int
h_cmd(emu_t *e, hsess_t *s, uint8_t ins, const uint8_t *hdr, size_t hdrlen,
    const uint8_t *data, size_t len, int mode, uint8_t *resp, size_t *resplen)
{
	uint8_t	c[300], r[300], v[16], m[8];
	size_t	n = 5, rn = 0, body;
	int	sw;

	c[0] = 0x90;
	c[1] = ins;
	c[2] = c[3] = 0;
	if (hdrlen > 0)
		memcpy(c + n, hdr, hdrlen);
	n += hdrlen;
	if (mode == H_FULL && len > 0) {
		size_t p = (len / 16 + 1) * 16;

		memcpy(c + n, data, len);
		c[n + len] = 0x80;
		memset(c + n + len + 1, 0, p - len - 1);
		iv(s, 0, s->ctr, v);
		aes128_cbc_encrypt(s->kenc, v, c + n, p, c + n);
		n += p;
	} else {
		if (len > 0)
			memcpy(c + n, data, len);
		n += len;
	}
	if (mode != H_PLAIN) {
		h_mact(s, ins, s->ctr, c + 5, n - 5, c + n);
		n += 8;
	}
	c[4] = (uint8_t)(n - 5);
	c[n++] = 0;
	if (n == 6)
		n = 5;	/* no data: 90 INS 00 00 00 */
	sw = h_send(e, c, n, r, &rn);
	if (sw != 0x9100 && sw != 0x9190)	/* 9190: Read_Sig */
		return sw;
	s->ctr++;
	if (ins == 0xC4 && rn == 0)
		return sw;	/* key 0 changed: bare 9100, session over */
	body = rn;
	if (mode != H_PLAIN) {
		if (rn < 8)
			return -1;
		body = rn - 8;
		/* RC: the status word's second byte */
		h_mact(s, (uint8_t)(sw & 0xFF), s->ctr, r, body, m);
		if (memcmp(m, r + body, 8) != 0)
			return -1;
	}
	if (mode == H_FULL && body > 0) {
		iv(s, 1, s->ctr, v);
		aes128_cbc_decrypt(s->kenc, v, r, body, r);
		while (body > 0 && r[body - 1] == 0)
			body--;
		if (body == 0 || r[body - 1] != 0x80)
			return -1;
		body--;
	}
	if (resp != NULL && body > 0)
		memcpy(resp, r, body);
	if (resplen != NULL)
		*resplen = body;
	return sw;
}

int
h_plain(emu_t *e, uint8_t ins, const uint8_t *data, size_t len, uint8_t *resp,
    size_t *resplen)
{
	uint8_t c[300];
	size_t n = 5;

	c[0] = 0x90;
	c[1] = ins;
	c[2] = c[3] = 0;
	c[4] = (uint8_t)len;
	if (len > 0)
		memcpy(c + 5, data, len);
	n += len;
	c[n++] = 0;
	if (len == 0)
		n = 5;
	return h_send(e, c, n, resp, resplen);
}

int
h_change_key(emu_t *e, hsess_t *s, uint8_t keyno, const uint8_t old[16],
    const uint8_t nk[16], uint8_t ver)
{
	uint8_t d[21];
	size_t n = 17;

	for (int i = 0; i < 16; i++)
		d[i] = keyno == 0 ? nk[i] : (uint8_t)(nk[i] ^ old[i]);
	d[16] = ver;
	if (keyno != 0) {
		uint32_t crc = crc32_nxp(nk, 16);

		d[17] = (uint8_t)crc;
		d[18] = (uint8_t)(crc >> 8);
		d[19] = (uint8_t)(crc >> 16);
		d[20] = (uint8_t)(crc >> 24);
		n = 21;
	}
	return h_cmd(e, s, 0xC4, &keyno, 1, d, n, H_FULL, NULL, NULL);
}
