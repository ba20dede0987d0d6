/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ISO/IEC 7816-4 commands (NT4H2421Gx 10.9, Tables 84-92; reference
 * 6.15-6.17): ISOSelectFile, ISOReadBinary, ISOUpdateBinary. Always plain;
 * refused in a session (E-3); any error ends a session.
 */
#include <string.h>

#include "emu/emu_int.h"

/* An ISO C-APDU: header, optional Lc + data, optional Le. */
struct iso_apdu {
	uint8_t		 ins, p1, p2;
	const uint8_t	*data;
	size_t		 lc;
	int		 has_le;
	size_t		 le;
};

static int
parse_iso(const uint8_t *c, size_t len, struct iso_apdu *a)
{
	memset(a, 0, sizeof(*a));
	a->ins = c[1];
	a->p1 = c[2];
	a->p2 = c[3];
	if (len == 4)
		return 0;
	if (len == 5) {
		a->has_le = 1;
		a->le = c[4] == 0 ? 256 : c[4];
		return 0;
	}
	a->lc = c[4];
	a->data = c + 5;
	if (a->lc == 0 || (len != 5 + a->lc && len != 6 + a->lc))
		return -1;
	if (len == 6 + a->lc) {
		a->has_le = 1;
		a->le = c[len - 1] == 0 ? 256 : c[len - 1];
	}
	return 0;
}

static const uint8_t df_mf[7] = { 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x00 };
static const uint8_t df_app[7] = { 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01 };

/* FileNo of an EF file ID (E103-E105), 0 if none. */
static uint8_t
ef_by_fid(uint16_t fid)
{
	return fid >= 0xE103 && fid <= 0xE105 ? (uint8_t)(fid - 0xE102) : 0;
}

static uint16_t
select_df(emu_t *e, int level)
{
	if (level != e->v.level)
		emu_session_drop(e);	/* E-18: another DF ends the session */
	e->v.level = level;
	e->v.ef = 0;
	return SW_ISO_OK;
}

static uint16_t
select_fid(emu_t *e, uint8_t p1, uint16_t fid)
{
	uint8_t ef = ef_by_fid(fid);

	if ((p1 == 0x00 && fid == 0x3F00))
		return select_df(e, LEVEL_MF);
	if ((p1 == 0x00 || p1 == 0x01) && fid == 0xE110 &&
	    (p1 == 0x00 || e->v.level == LEVEL_MF))
		return select_df(e, LEVEL_APP);
	if ((p1 == 0x00 || p1 == 0x02) && ef != 0 && e->v.level == LEVEL_APP) {
		e->v.ef = ef;
		return SW_ISO_OK;
	}
	return SW_ISO_NOT_FOUND;
}

/* 00 A4 P1 P2 [Lc data] [Le]; never returns data. */
static uint16_t
iso_select(emu_t *e, const struct iso_apdu *a)
{
	if ((a->p2 != 0x00 && a->p2 != 0x0C) || a->p1 > 0x04)
		return SW_ISO_P1P2;
	if (a->lc > 16)
		return SW_ISO_LENGTH;
	switch (a->p1) {
	case 0x00:
	case 0x01:
	case 0x02:
		if (a->p1 == 0x00 && a->lc == 0)
			return select_df(e, LEVEL_MF);
		if (a->lc != 2)
			return SW_ISO_LC_P1P2;
		return select_fid(e, a->p1, get_u16be(a->data));
	case 0x03:
		if (a->lc != 0)
			return SW_ISO_LC_P1P2;
		if (e->v.level != LEVEL_APP)
			return SW_ISO_NOT_FOUND;
		return select_df(e, LEVEL_MF);
	default:
		if (a->lc == sizeof(df_mf) && memcmp(a->data, df_mf, 7) == 0)
			return select_df(e, LEVEL_MF);
		if (a->lc == sizeof(df_app) && memcmp(a->data, df_app, 7) == 0)
			return select_df(e, LEVEL_APP);
		return SW_ISO_NOT_FOUND;
	}
}

/* P1 bit 7: short file ID (only 0, the current file, E-19) and P2 offset. */
static uint16_t
target(emu_t *e, const struct iso_apdu *a, emu_file_t **f, uint32_t *off)
{
	if (a->p1 & 0x80) {
		if (a->p1 & 0x60)
			return SW_ISO_P1P2;
		if (a->p1 & 0x1F)
			return SW_ISO_NOT_FOUND;
		*off = a->p2;
	} else
		*off = ((uint32_t)(a->p1 & 0x7F) << 8) | a->p2;
	if (e->v.ef == 0 || (*f = emu_file(e, e->v.ef)) == NULL)
		return SW_ISO_COND;
	if (e->v.sess.active)
		return SW_ISO_SECURITY;	/* E-3 */
	return SW_ISO_OK;
}

/* 00 B0 P1 P2 Le: at most Le bytes from the offset, 9000 (DS 10.9.2). */
static uint16_t
iso_read(emu_t *e, const struct iso_apdu *a, wbuf_t *out)
{
	emu_file_t	*f = NULL;
	uint8_t		 dyn[EMU_FILE_MAX];
	uint32_t	 off = 0;
	size_t		 n;
	int		 mode, sdm;
	uint16_t	 sw;

	if (a->lc != 0 || !a->has_le)
		return SW_ISO_LENGTH;
	if ((sw = target(e, a, &f, &off)) != SW_ISO_OK)
		return sw;
	if (data_access(e, f, ACC_READ, &mode) != SW_OK)
		return SW_ISO_SECURITY;
	if (off >= f->size)
		return SW_ISO_P1P2;
	n = a->le < f->size - off ? a->le : f->size - off;
	sdm = sdm_active(e, f);
	if (sdm && sdm_first_read(e, f, RUN_READBINARY, SW_ISO_SECURITY,
	    SW_ISO_SECURITY) != SW_OK)
		return SW_ISO_SECURITY;
	memcpy(dyn, f->data, f->size);
	if (sdm && sdm_render(e, f, dyn) < 0)
		return SW_ISO_SECURITY;
	return wbuf_put(out, dyn + off, n) < 0 ? SW_ISO_LENGTH : SW_ISO_OK;
}

/* 00 D6 P1 P2 Lc Data (DS 10.9.3). */
static uint16_t
iso_update(emu_t *e, const struct iso_apdu *a)
{
	emu_file_t	*f = NULL;
	uint32_t	 off = 0;
	int		 mode;
	uint16_t	 sw;

	if (a->lc == 0 || a->has_le)
		return SW_ISO_LENGTH;
	if ((sw = target(e, a, &f, &off)) != SW_ISO_OK)
		return sw;
	if (data_access(e, f, ACC_WRITE, &mode) != SW_OK)
		return SW_ISO_SECURITY;
	if (off >= f->size || a->lc > f->size - off)
		return SW_ISO_COND;
	memcpy(f->data + off, a->data, a->lc);
	return SW_ISO_OK;
}

uint16_t
iso_process(emu_t *e, const uint8_t *capdu, size_t len, wbuf_t *out)
{
	struct iso_apdu	a;
	uint16_t	sw;

	if (parse_iso(capdu, len, &a) < 0)
		sw = SW_ISO_LENGTH;
	else if (a.ins == 0xA4)
		sw = iso_select(e, &a);
	else if (a.ins == 0xB0)
		sw = iso_read(e, &a, out);
	else if (a.ins == 0xD6)
		sw = iso_update(e, &a);
	else
		sw = SW_ISO_INS;
	if (sw != SW_ISO_OK) {
		emu_session_drop(e);
		out->len = 0;
	}
	return sw;
}
