/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AuthenticateEV2First / AuthenticateEV2NonFirst, tag side (NT4H2421Gx
 * 9.1.5, 9.1.6, 10.4.1, 10.4.2), AuthenticateLRPFirst / NonFirst on a tag
 * in LRP mode (9.2.5, 9.2.6, 10.4.3, 10.4.4) and the failed-authentication
 * counter with AUTHENTICATION_DELAY (DS 9; AN12196 7.4, Figures 11, 12).
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

static void
rotate_left(const uint8_t in[16], uint8_t out[16])
{
	memcpy(out, in + 1, 15);
	out[15] = in[0];
}

/*
 * AN12196 Figure 11 with the delay model of emu_delay_t instead of time:
 * a locked key answers 919D, a delay not yet served answers 91AD (one unit
 * served per answer), anything else counts the attempt as a failure in
 * advance.
 */
static uint16_t
fail_count(emu_t *e, uint8_t keyno)
{
	emu_failctr_t	*f = &e->p.fail[keyno];
	unsigned	 delay = 0;

	if (!e->p.fail_enabled)
		return SW_OK;
	if (f->tot >= e->p.fail_limit)
		return SW_PERMISSION;
	if (f->seq >= e->delay.threshold) {
		delay = (f->seq - e->delay.threshold + 1) * e->delay.step;
		if (delay > e->delay.max)
			delay = e->delay.max;
	}
	if (delay > f->spent) {
		f->spent++;
		return SW_DELAY;
	}
	f->tot++;
	if (f->seq != 0xFF)
		f->seq++;
	f->spent = 0;
	return SW_OK;
}

/* AN12196 Figure 12: success takes TotFailCtrDecr off, ends the sequence. */
static void
fail_success(emu_t *e, uint8_t keyno)
{
	emu_failctr_t *f = &e->p.fail[keyno];

	if (!e->p.fail_enabled)
		return;
	f->tot = f->tot > e->p.fail_decr ? (uint16_t)(f->tot - e->p.fail_decr) : 0;
	f->seq = 0;
}

/*
 * At MF level only LRP authentication with OriginalityKey 1-4 exists
 * (DS 8.2.1, Table 18), and AN12196 8.1 says only in LRP mode (E-24):
 * otherwise 919D. The emulator has no NXP originality keys, so Part 2
 * always fails (91AE); Part 1 tells a reader the tag's mode without
 * touching any failed-authentication counter.
 */
static uint16_t
originality_part1(emu_t *e, uint8_t keyno, wbuf_t *out)
{
	if (!e->v.pend_lrp || keyno < 1 || keyno > 4)
		return SW_PERMISSION;
	if (emu_random(e, &e->inj_rndb, e->v.rndb, 16) < 0)
		return SW_INTEGRITY;
	if (wbuf_put_u8(out, 0x01) < 0 || wbuf_put(out, e->v.rndb, 16) < 0)
		return SW_LENGTH;
	e->v.pending = PEND_AUTH;
	e->v.pend_keyno = keyno;
	e->v.pend_orig = 1;
	return SW_MORE;
}

/*
 * Checks shared by every Part 1, then E(Kx, RndB) || 91AF (EV2) or
 * AuthMode 01 || RndB || 91AF (LRP, Table 40: RndB in plain).
 */
static uint16_t
part1(emu_t *e, uint8_t keyno, wbuf_t *out)
{
	uint8_t	 enc[16], zero[16] = { 0 };
	uint16_t sw;

	if (keyno & 0xC0)
		return SW_PARAMETER;
	if (keyno >= EMU_NKEYS)
		return SW_NO_KEY;
	e->v.pend_orig = 0;
	if (e->v.level != LEVEL_APP)
		return originality_part1(e, keyno, out);
	if ((sw = fail_count(e, keyno)) != SW_OK)
		return sw;
	if (emu_random(e, &e->inj_rndb, e->v.rndb, 16) < 0)
		return SW_INTEGRITY;
	if (e->v.pend_lrp) {
		if (wbuf_put_u8(out, 0x01) < 0 ||
		    wbuf_put(out, e->v.rndb, 16) < 0)
			return SW_LENGTH;
	} else if (aes128_cbc_encrypt(e->p.key[keyno], zero, e->v.rndb, 16,
	    enc) < 0)
		return SW_INTEGRITY;
	else if (wbuf_put(out, enc, sizeof(enc)) < 0)
		return SW_LENGTH;
	e->v.pending = PEND_AUTH;
	e->v.pend_keyno = keyno;
	return SW_MORE;
}

/* 90 71 00 00 Lc KeyNo LenCap [PCDcap2] 00; extra bytes ignored (E-9). */
uint16_t
auth_first(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	const uint8_t	*p = c->data;
	size_t		 len = c->len;
	uint8_t		 keyno, lencap;

	/* A First replaces any session (new TI, CmdCtr 0). */
	emu_session_drop(e);
	if (buf_read_u8(&p, &len, &keyno) < 0 ||
	    buf_read_u8(&p, &len, &lencap) < 0)
		return SW_LENGTH;
	if (lencap > 6)
		return SW_PARAMETER;
	memset(e->v.pcdcap2, 0, sizeof(e->v.pcdcap2));
	/* An AES tag answers an LRP request (PCDcap2.1 bit 1) as EV2First. */
	if (buf_read(&p, &len, e->v.pcdcap2, lencap) < 0)
		return SW_LENGTH;
	/* Table 19: a tag in LRP mode refuses EV2 with 919D. */
	if (e->p.lrp && !(e->v.pcdcap2[0] & 0x02))
		return SW_PERMISSION;
	e->v.pend_first = 1;
	e->v.pend_lrp = e->p.lrp;
	if (e->v.level != LEVEL_APP)
		e->v.pend_lrp = e->p.lrp && (e->v.pcdcap2[0] & 0x02);
	return part1(e, keyno, out);
}

/* 90 77 00 00 01 KeyNo 00, only inside a session. */
uint16_t
auth_nonfirst(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	if (c->len != 1)
		return SW_LENGTH;
	if (!e->v.sess.active)
		return SW_PERMISSION;
	e->v.pend_first = 0;
	/* NonFirst continues in the suite of the session it runs in. */
	e->v.pend_lrp = e->v.sess.lrp;
	return part1(e, c->data[0], out);
}

static uint16_t
part2_answer(emu_t *e, const uint8_t *key, const uint8_t rnda[16],
    wbuf_t *out)
{
	uint8_t	 msg[32], zero[16] = { 0 };
	size_t	 n = 16;
	uint16_t sw = SW_INTEGRITY;

	if (e->v.pend_first) {
		if (emu_random(e, &e->inj_ti, e->v.sess.ti, 4) < 0)
			goto fail;
		e->v.sess.ctr = 0;
		memcpy(msg, e->v.sess.ti, 4);
		rotate_left(rnda, msg + 4);
		msg[20] = msg[21] = msg[22] = msg[23] = 0x00;	/* PDcap2.1-.4 */
		msg[24] = e->p.pdcap2_5;
		msg[25] = e->p.pdcap2_6;
		memcpy(msg + 26, e->v.pcdcap2, 6);
		n = 32;
	} else
		rotate_left(rnda, msg);
	if (aes128_cbc_encrypt(key, zero, msg, n, msg) < 0)
		goto fail;
	sw = wbuf_put(out, msg, n) < 0 ? SW_LENGTH : SW_OK;
fail:
	wipe(msg, sizeof(msg));
	return sw;
}

/*
 * LRP Part 2 answer (Tables 41, 47): First: PICCData = LRICB(EncCtr 0,
 * TI || PDcap2 || PCDcap2) || CMAC_LRP(RndB || RndA || PICCData), then
 * EncCtr 1; NonFirst: CMAC_LRP(RndB || RndA), EncCtr 0. TI and CmdCtr as
 * for EV2.
 */
static uint16_t
lrp_answer(emu_t *e, emu_session_t *s, const uint8_t rnda[16], wbuf_t *out)
{
	uint8_t	 msg[48], full[16], ctr[4] = { 0 };
	size_t	 n = 32;
	uint16_t sw = SW_INTEGRITY;

	memcpy(msg, e->v.rndb, 16);
	memcpy(msg + 16, rnda, 16);
	if (e->v.pend_first) {
		if (emu_random(e, &e->inj_ti, s->ti, 4) < 0)
			goto fail;
		s->ctr = 0;
		memcpy(full, s->ti, 4);
		full[4] = 0x02;		/* PDcap2.1: LRP mode */
		full[5] = full[6] = full[7] = 0x00;
		full[8] = e->p.pdcap2_5;
		full[9] = e->p.pdcap2_6;
		memcpy(full + 10, e->v.pcdcap2, 6);
		if (lrp_lricb_encrypt(&s->lenc, ctr, sizeof(ctr), full, 16,
		    msg + 32) < 0)
			goto fail;
		n = 48;
	}
	if (sm_lrp_mac(&s->lmac, msg, n, full) < 0)
		goto fail;
	if ((n == 48 && wbuf_put(out, msg + 32, 16) < 0) ||
	    wbuf_put(out, full, 16) < 0) {
		sw = SW_LENGTH;
		goto fail;
	}
	s->encctr = e->v.pend_first ? 1 : 0;
	sw = SW_OK;
fail:
	wipe(msg, sizeof(msg));
	wipe(full, sizeof(full));
	return sw;
}

/* 90 AF 00 00 20 RndA || CMAC_LRP(RndA || RndB) 00 (DS 9.2.5). */
static uint16_t
lrp_part2(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_session_t	 s = e->v.sess;	/* NonFirst keeps TI and CmdCtr */
	uint8_t		 msg[32], mac[16];
	uint16_t	 sw = SW_LENGTH;

	if (c->len != 32)
		goto fail;
	sw = SW_INTEGRITY;
	memcpy(msg, c->data, 16);
	memcpy(msg + 16, e->v.rndb, 16);
	if (sm_lrp_session(&s, e->p.key[e->v.pend_keyno], c->data,
	    e->v.rndb) < 0 || sm_lrp_mac(&s.lmac, msg, 32, mac) < 0)
		goto fail;
	if (!ct_equal(mac, c->data + 16, 16)) {
		sw = SW_AUTH;
		goto fail;
	}
	fail_success(e, e->v.pend_keyno);
	if ((sw = lrp_answer(e, &s, c->data, out)) != SW_OK)
		goto fail;
	s.active = 1;
	s.keyno = e->v.pend_keyno;
	e->v.sess = s;
fail:
	wipe(&s, sizeof(s));
	wipe(msg, sizeof(msg));
	wipe(mac, sizeof(mac));
	wipe(e->v.rndb, sizeof(e->v.rndb));
	return sw;
}

/* 90 AF 00 00 20 E(Kx, RndA || RndB') 00 */
uint16_t
auth_part2(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	const uint8_t	*key = e->p.key[e->v.pend_keyno];
	uint8_t		 pt[32], rndb_rot[16], zero[16] = { 0 };
	uint16_t	 sw = SW_LENGTH;

	if (e->v.pend_orig) {
		wipe(e->v.rndb, sizeof(e->v.rndb));
		return c->len != 32 ? SW_LENGTH : SW_AUTH;
	}
	if (e->v.pend_lrp)
		return lrp_part2(e, c, out);
	if (c->len != 32)
		goto fail;
	sw = SW_INTEGRITY;
	if (aes128_cbc_decrypt(key, zero, c->data, 32, pt) < 0)
		goto fail;
	rotate_left(e->v.rndb, rndb_rot);
	if (!ct_equal(pt + 16, rndb_rot, 16)) {
		sw = SW_AUTH;
		goto fail;
	}
	fail_success(e, e->v.pend_keyno);
	if (sm_session_keys(key, pt, e->v.rndb, e->v.sess.kenc,
	    e->v.sess.kmac) < 0)
		goto fail;
	if ((sw = part2_answer(e, key, pt, out)) != SW_OK)
		goto fail;
	e->v.sess.active = 1;
	e->v.sess.keyno = e->v.pend_keyno;
fail:
	wipe(pt, sizeof(pt));
	wipe(rndb_rot, sizeof(rndb_rot));
	wipe(e->v.rndb, sizeof(e->v.rndb));
	return sw;
}
