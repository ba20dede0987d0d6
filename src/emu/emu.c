/* SPDX-License-Identifier: BSD-2-Clause */
/* Life cycle of an emulated tag: factory state, power, tearing, test hooks. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/prim.h"
#include "emu/emu_int.h"
#include "ntag424/err.h"

/* NT4H2421Gx 8.2.3.2, Table 5; bytes 23-31 zero (docs/emulator.md E-2). */
static const uint8_t factory_cc[23] = {
	0x00, 0x17, 0x20, 0x01, 0x00, 0x00, 0xFF, 0x04, 0x06, 0xE1, 0x04,
	0x01, 0x00, 0x00, 0x00, 0x05, 0x06, 0xE1, 0x05, 0x00, 0x80, 0x82,
	0x83,
};

/* GetVersion parts 1 and 2 of a factory tag (E-10). */
static const uint8_t factory_hw[7] = { 0x04, 0x04, 0x02, 0x30, 0x00, 0x11, 0x05 };
static const uint8_t factory_sw[7] = { 0x04, 0x04, 0x02, 0x01, 0x02, 0x11, 0x05 };

static const emu_delay_t default_delay = { 50, 1, 16 };

static void
factory_file(emu_file_t *f, uint32_t size, uint8_t option, uint16_t ar)
{
	memset(f, 0, sizeof(*f));
	f->size = size;
	f->option = option;
	f->ar = ar;
	f->sdm_ar = 0xFFFF;
	f->ctr_limit = 0xFFFFFF;
}

/* DS 8.2.3, Tables 5, 8, 13, and 8.2.4; key versions 00 (E-6). */
void
emu_factory(emu_persist_t *p, const uint8_t uid[EMU_UID_LEN])
{
	memset(p, 0, sizeof(*p));
	memcpy(p->uid, uid, EMU_UID_LEN);
	/* BatchNo left zero, FabKey 0, calendar week 01, year 24 (BCD). */
	p->prod[5] = 0x01;
	p->prod[6] = 0x24;
	memcpy(p->hw_part, factory_hw, sizeof(factory_hw));
	memcpy(p->sw_part, factory_sw, sizeof(factory_sw));
	p->fail_enabled = 1;
	p->fail_limit = 1000;
	p->fail_decr = 10;
	p->hw_config = 0x01;
	factory_file(&p->file[0], 32, 0x00, 0xE000);
	memcpy(p->file[0].data, factory_cc, sizeof(factory_cc));
	factory_file(&p->file[1], 256, 0x00, 0xEEE0);
	factory_file(&p->file[2], 128, 0x03, 0x2330);
}

emu_t *
emu_new(const uint8_t *uid)
{
	emu_t	*e;
	uint8_t	 u[EMU_UID_LEN];

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	u[0] = 0x04;
	if (uid != NULL)
		memcpy(u, uid, sizeof(u));
	else if (random_bytes(u + 1, sizeof(u) - 1) < 0)
		goto fail;
	emu_factory(&e->p, u);
	if (sig_new_key(e->p.sig_priv) < 0)
		goto fail;
	e->delay = default_delay;
	emu_power_cycle(e);
	return e;
fail:
	emu_free(&e);
	return NULL;
}

void
emu_free(emu_t **emup)
{
	if (emup == NULL || *emup == NULL)
		return;
	wipe(*emup, sizeof(**emup));
	free(*emup);
	*emup = NULL;
}

void
emu_power_cycle(emu_t *e)
{
	wipe(&e->v, sizeof(e->v));
	e->v.level = LEVEL_MF;	/* E-1 */
	e->v.rid_active = e->p.random_id != 0;
}

void
emu_session_drop(emu_t *e)
{
	wipe(&e->v.sess, sizeof(e->v.sess));
}

int
emu_set_tear(emu_t *e, unsigned long k, int when)
{
	if (k != 0 && when != EMU_TEAR_BEFORE && when != EMU_TEAR_AFTER)
		return NTAG424_ERR_ARG;
	e->tear_left = k;
	e->tear_when = when;
	return NTAG424_OK;
}

int
emu_is_torn(const emu_t *e)
{
	return e->v.torn;
}

int
emu_take_changed(emu_t *e)
{
	int c = e->changed;

	e->changed = 0;
	return c;
}

void
emu_set_log(emu_t *e, int on)
{
	e->log = on;
}

void
emu_set_delay(emu_t *e, const emu_delay_t *d)
{
	e->delay = *d;
}

void
emu_get_delay(const emu_t *e, emu_delay_t *d)
{
	*d = e->delay;
}

int
emu_inject(emu_t *e, int what, const uint8_t *v, size_t n)
{
	emu_inject_slot_t *s;

	switch (what) {
	case EMU_INJECT_RNDB:
		s = &e->inj_rndb;
		break;
	case EMU_INJECT_TI:
		s = &e->inj_ti;
		break;
	case EMU_INJECT_PICC_PAD:
		s = &e->inj_pad;
		break;
	case EMU_INJECT_PICC_RAND:
		s = &e->inj_rand;
		break;
	default:
		return NTAG424_ERR_ARG;
	}
	if (v == NULL || n == 0 || n > sizeof(s->v))
		return NTAG424_ERR_ARG;
	memcpy(s->v, v, n);
	s->len = n;
	s->set = 1;
	return NTAG424_OK;
}

/* A forced value if one of exactly this size is waiting, else RAND_bytes. */
int
emu_random(emu_t *e, emu_inject_slot_t *slot, uint8_t *out, size_t n)
{
	if (slot != NULL && slot->set && slot->len == n) {
		memcpy(out, slot->v, n);
		wipe(slot, sizeof(*slot));
		return 0;
	}
	(void)e;
	return random_bytes(out, n);
}

int
emu_set_session(emu_t *e, uint8_t keyno, const uint8_t ti[4],
    uint16_t cmd_ctr, const uint8_t kenc[16], const uint8_t kmac[16])
{
	if (keyno >= EMU_NKEYS)
		return NTAG424_ERR_ARG;
	e->v.level = LEVEL_APP;
	e->v.pending = PEND_NONE;
	e->v.sess.active = 1;
	e->v.sess.keyno = keyno;
	memcpy(e->v.sess.ti, ti, 4);
	e->v.sess.ctr = cmd_ctr;
	memcpy(e->v.sess.kenc, kenc, 16);
	memcpy(e->v.sess.kmac, kmac, 16);
	return NTAG424_OK;
}

int
emu_set_lrp_session(emu_t *e, uint8_t keyno, const uint8_t ti[4],
    uint16_t cmd_ctr, const uint8_t master[16], uint32_t enc_ctr)
{
	uint8_t zero[16] = { 0 };
	int r;

	if ((r = emu_set_session(e, keyno, ti, cmd_ctr, zero, zero)) !=
	    NTAG424_OK)
		return r;
	if (lrp_init(&e->v.sess.lmac, master, 0) < 0 ||
	    lrp_init(&e->v.sess.lenc, master, 1) < 0) {
		emu_session_drop(e);
		return NTAG424_ERR_CRYPTO;
	}
	e->v.sess.lrp = 1;
	e->v.sess.encctr = enc_ctr;
	return NTAG424_OK;
}

int
emu_set_sig_key(emu_t *e, const uint8_t priv[EMU_SIG_PRIV_LEN])
{
	memcpy(e->p.sig_priv, priv, EMU_SIG_PRIV_LEN);
	e->changed = 1;
	return NTAG424_OK;
}

emu_persist_t *
emu_persist(emu_t *e)
{
	return &e->p;
}

const emu_persist_t *
emu_persist_const(const emu_t *e)
{
	return &e->p;
}

emu_file_t *
emu_file(emu_t *e, uint8_t fileno)
{
	if (fileno < 1 || fileno > EMU_NFILES)
		return NULL;
	return &e->p.file[fileno - 1];
}

/* PC/SC part 3 pseudo-ATR: 3B 8n 80 01 || ATS historical bytes || TCK. */
const uint8_t *
emu_atr(size_t *len)
{
	static const uint8_t atr[] = { 0x3B, 0x81, 0x80, 0x01, 0x80, 0x80 };

	*len = sizeof(atr);
	return atr;
}
