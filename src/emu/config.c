/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SetConfiguration, GetVersion and GetCardUID (NT4H2421Gx 10.5.1-10.5.3,
 * Tables 49-62; AN12196 6.5, 7.1-7.3).
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

/* Expected data length of each option (DS Table 50), 0 if unknown. */
static size_t
option_len(uint8_t option)
{
	switch (option) {
	case 0x00:
	case 0x0B:
		return 1;
	case 0x04:
		return 2;
	case 0x05:
		return 10;
	case 0x0A:
		return 5;
	default:
		return 0;
	}
}

static uint16_t
apply_option(emu_persist_t *p, uint8_t option, const uint8_t *d)
{
	switch (option) {
	case 0x00:
		if (d[0] & 0xFD)
			return SW_PARAMETER;
		if (d[0] & 0x02)
			p->random_id = 1;	/* irreversible, after power cycle */
		return SW_OK;
	case 0x04:
		if (get_u16le(d) & 0xFFFB)
			return SW_PARAMETER;
		p->sm_config |= get_u16le(d);
		return SW_OK;
	case 0x05:
		/* PDCap2.1: bit 1 switches LRP on for good, 0 changes nothing. */
		if (d[4] & 0xFD)
			return SW_PARAMETER;
		if ((d[4] & 0x02) && !p->lrp) {
			p->lrp = 1;
			/* DS 9.3.4.2: the PICCData size changes, SDM goes off. */
			for (size_t i = 0; i < EMU_NFILES; i++)
				p->file[i].option &= (uint8_t)~FO_SDM;
		}
		p->pdcap2_5 = d[8];
		p->pdcap2_6 = d[9];
		return SW_OK;
	case 0x0A:
		if (d[0] & 0xFE)
			return SW_PARAMETER;
		if (!(d[0] & 0x01)) {
			p->fail_enabled = 0;
			return SW_OK;
		}
		if (get_u16le(d + 1) == 0)
			return SW_PARAMETER;
		p->fail_enabled = 1;
		p->fail_limit = get_u16le(d + 1);
		p->fail_decr = get_u16le(d + 3);
		return SW_OK;
	case 0x0B:
		if (d[0] & 0xFE)
			return SW_PARAMETER;
		p->hw_config = d[0];
		return SW_OK;
	default:
		return SW_PARAMETER;
	}
}

/* 90 5C 00 00 Lc Option E(Data || pad) MACt 00, key 0 only, Full. */
uint16_t
config_set(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	 in[256];
	size_t	 len = 0;
	uint16_t sw;

	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if (!e->v.sess.active || e->v.sess.keyno != 0)
		return SW_AUTH;
	if ((sw = sm_unwrap(e, c, MODE_FULL, 1, in, &len)) != SW_OK)
		goto fail;
	sw = SW_PARAMETER;
	if (option_len(in[0]) == 0)
		goto fail;
	sw = SW_LENGTH;
	if (len - 1 != option_len(in[0]))
		goto fail;
	if ((sw = apply_option(&e->p, in[0], in + 1)) == SW_OK)
		sw = sm_wrap(e, MODE_FULL, NULL, 0, out);
fail:
	wipe(in, sizeof(in));
	return sw;
}

/* Part n (1-3) of the GetVersion data (DS Tables 55, 57, 58; E-10). */
static size_t
version_part(const emu_t *e, int n, uint8_t *d)
{
	switch (n) {
	case 1:
		memcpy(d, e->p.hw_part, sizeof(e->p.hw_part));
		/* subtype high nibble: 0 strong, 8 standard back-modulation */
		d[2] = (uint8_t)((d[2] & 0x0F) |
		    ((e->p.hw_config & 0x01) ? 0x00 : 0x80));
		return 7;
	case 2:
		memcpy(d, e->p.sw_part, sizeof(e->p.sw_part));
		return 7;
	default:
		/* UID zero with Random ID (DS Table 58). */
		if (e->v.rid_active)
			memset(d, 0, EMU_UID_LEN);
		else
			memcpy(d, e->p.uid, EMU_UID_LEN);
		memcpy(d + EMU_UID_LEN, e->p.prod, sizeof(e->p.prod));
		return 14;
	}
}

/* 90 60 00 00 00 (MAC in a session, E-11): part 1 || 91AF. */
uint16_t
version_get(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	 in[256], d[7];
	size_t	 len = 0;
	uint16_t sw;

	if ((sw = sm_unwrap(e, c, MODE_MAC, 0, in, &len)) != SW_OK)
		return sw;
	if (len != 0)
		return SW_LENGTH;
	e->v.ver_secured = e->v.sess.active;
	if (wbuf_put(out, d, version_part(e, 1, d)) < 0)
		return SW_LENGTH;
	e->v.pending = PEND_VERSION2;
	return SW_MORE;
}

/* 90 AF 00 00 00: part 2 || 91AF, then part 3 [|| MACt] || 9100. */
uint16_t
version_next(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	all[28], mact[MACT_LEN];
	size_t	n = 0;

	if (c->len != 0)
		return SW_LENGTH;
	if (e->v.pending == PEND_VERSION2) {
		n = version_part(e, 2, all);
		e->v.pending = PEND_VERSION3;
		return wbuf_put(out, all, n) < 0 ? SW_LENGTH : SW_MORE;
	}
	e->v.pending = PEND_NONE;
	if (!e->v.ver_secured || !e->v.sess.active) {
		n = version_part(e, 3, all);
		return wbuf_put(out, all, n) < 0 ? SW_LENGTH : SW_OK;
	}
	/* E-11: the MAC covers the three parts; only part 3 is sent here. */
	n = version_part(e, 1, all);
	n += version_part(e, 2, all + n);
	n += version_part(e, 3, all + n);
	if (sm_resp_mact(e, all, n, mact) < 0)
		return SW_INTEGRITY;
	if (wbuf_put(out, all + 14, n - 14) < 0 ||
	    wbuf_put(out, mact, sizeof(mact)) < 0)
		return SW_LENGTH;
	return SW_OK;
}

/* 90 51 00 00 08 MACt 00 in a session with any key: E(UID || pad) MACt. */
uint16_t
uid_get(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	 in[256];
	size_t	 len = 0;
	uint16_t sw;

	if (!e->v.sess.active)
		return SW_AUTH;
	if ((sw = sm_unwrap(e, c, MODE_FULL, 0, in, &len)) != SW_OK)
		return sw;
	if (len != 0)
		return SW_LENGTH;
	return sm_wrap(e, MODE_FULL, e->p.uid, EMU_UID_LEN, out);
}
