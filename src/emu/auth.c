/*
 * AuthenticateEV2First / AuthenticateEV2NonFirst, tag side (NT4H2421Gx
 * 9.1.5, 9.1.6, 10.4.1, 10.4.2) and the failed-authentication counter with
 * AUTHENTICATION_DELAY (DS 9; AN12196 7.4, Figures 11 and 12).
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

/* Checks shared by both Part 1 variants, then E(Kx, RndB) || 91AF. */
static uint16_t
part1(emu_t *e, uint8_t keyno, wbuf_t *out)
{
	uint8_t	 enc[16], zero[16] = { 0 };
	uint16_t sw;

	if (keyno & 0xC0)
		return SW_PARAMETER;
	if (keyno >= EMU_NKEYS)
		return SW_NO_KEY;
	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;	/* E-24: only LRP originality keys */
	if ((sw = fail_count(e, keyno)) != SW_OK)
		return sw;
	if (emu_random(e, &e->inj_rndb, e->v.rndb, 16) < 0 ||
	    aes128_cbc_encrypt(e->p.key[keyno], zero, e->v.rndb, 16, enc) < 0)
		return SW_INTEGRITY;
	if (wbuf_put(out, enc, sizeof(enc)) < 0)
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
	e->v.pend_first = 1;
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

/* 90 AF 00 00 20 E(Kx, RndA || RndB') 00 */
uint16_t
auth_part2(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	const uint8_t	*key = e->p.key[e->v.pend_keyno];
	uint8_t		 pt[32], rndb_rot[16], zero[16] = { 0 };
	uint16_t	 sw = SW_LENGTH;

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
