/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ChangeKey and GetKeyVersion (NT4H2421Gx 10.6.1, 10.6.2, Tables 63-68;
 * AN12196 6.16). Only a session with key 0 changes keys; keys 1-4 travel
 * as NewKey ^ OldKey || KeyVer || CRC32NK(NewKey), key 0 as NewKey ||
 * KeyVer, and changing key 0 ends the session (AN12196 Table 27).
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

/* Recover NewKey for keys 1-4 and check the CRC32NK (LSB first). */
static uint16_t
other_key(const emu_t *e, uint8_t keyno, const uint8_t *pt, uint8_t nk[16])
{
	uint32_t crc;

	for (size_t i = 0; i < 16; i++)
		nk[i] = (uint8_t)(pt[i] ^ e->p.key[keyno][i]);
	crc = crc32_nxp(nk, 16);
	if (crc != ((uint32_t)pt[17] | ((uint32_t)pt[18] << 8) |
	    ((uint32_t)pt[19] << 16) | ((uint32_t)pt[20] << 24)))
		return SW_INTEGRITY;
	return SW_OK;
}

/* 90 C4 00 00 29 KeyNo E(KeyData || pad) MACt 00 */
uint16_t
keys_change(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t		 pt[256], nk[16];
	size_t		 len = 0;
	uint8_t		 keyno;
	uint16_t	 sw;

	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if (!e->v.sess.active)
		return SW_AUTH;
	if (c->len != 1 + 32 + MACT_LEN)
		return SW_LENGTH;
	if ((sw = sm_unwrap(e, c, MODE_FULL, 1, pt, &len)) != SW_OK)
		goto fail;
	keyno = pt[0];
	sw = SW_AUTH;
	if (e->v.sess.keyno != 0)
		goto fail;
	sw = SW_PARAMETER;
	if (keyno & 0xC0)
		goto fail;
	sw = SW_NO_KEY;
	if (keyno >= EMU_NKEYS)
		goto fail;
	sw = SW_INTEGRITY;
	if (len != 1 + (keyno == 0 ? 17u : 21u))
		goto fail;
	if (keyno == 0)
		memcpy(nk, pt + 1, 16);
	else if ((sw = other_key(e, keyno, pt + 1, nk)) != SW_OK)
		goto fail;
	/* One atomic NVM update: key, version, its failed-auth counters. */
	memcpy(e->p.key[keyno], nk, 16);
	e->p.key_ver[keyno] = pt[1 + 16];
	memset(&e->p.fail[keyno], 0, sizeof(e->p.fail[keyno]));
	if (keyno == e->v.sess.keyno) {
		emu_session_drop(e);	/* bare 9100, no MAC */
		sw = SW_OK;
	} else
		sw = sm_wrap(e, MODE_FULL, NULL, 0, out);
fail:
	wipe(pt, sizeof(pt));
	wipe(nk, sizeof(nk));
	return sw;
}

/* 90 64 00 00 01 KeyNo 00 (MAC in a session): KeyVer. */
uint16_t
keys_version(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	uint8_t	 in[256], ver;
	size_t	 len = 0;
	uint16_t sw;

	if ((sw = sm_unwrap(e, c, MODE_MAC, 1, in, &len)) != SW_OK)
		return sw;
	if (len != 1)
		return SW_LENGTH;
	if (in[0] & 0xF0)
		return SW_PARAMETER;
	if (e->v.level != LEVEL_APP) {
		/* OriginalityKeys 1-4 at MF level report version 00. */
		if (in[0] < 1 || in[0] > 4)
			return SW_NO_KEY;
		ver = 0x00;
	} else if (in[0] >= EMU_NKEYS)
		return SW_NO_KEY;
	else
		ver = e->p.key_ver[in[0]];
	return sm_wrap(e, MODE_MAC, &ver, 1, out);
}
