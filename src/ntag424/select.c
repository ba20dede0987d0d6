/* SPDX-License-Identifier: BSD-2-Clause */
/* ISOSelectFile (NT4H2421Gx 10.9.1): by DF name or by file ID. */
#include <string.h>

#include "common/buf.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/select.h"

/* The NDEF application (NT4H2421Gx 8.2, Table 5). */
static const uint8_t ndef_app[] = { 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01 };

/*
 * P2 0C: no FCI. The session survives and CmdCtr does not move (AN12196
 * 6.11-6.14, docs/emulator.md E-18), so this bypasses secure messaging.
 */
static int
select_iso(ntag424_dev_t *dev, uint8_t p1, const uint8_t *data, size_t len)
{
	uint8_t		resp[NT_RESP_MAX];
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if ((r = nt_iso(dev, NT_INS_SELECT, p1, 0x0C, data, len, 0x00, resp,
	    sizeof(resp), &n, &sw)) != NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_ISO_OK:
		return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
	case 0x6700:
	case 0x6985:
	case 0x6A82:
	case 0x6A86:
	case 0x6A87:
	case 0x6E00:
		return sw;
	default:
		return nt_unexpected_sw("ISOSelectFile", sw);
	}
}

int
ntag424_select_df(ntag424_dev_t *dev, const uint8_t *name, size_t len)
{
	int r;

	if (dev == NULL || name == NULL || len < 1 || len > 16)
		return NTAG424_ERR_ARG;
	r = select_iso(dev, 0x04, name, len);
	/* E-18: selecting another DF ends the session (the tag's too). */
	if (len != sizeof(ndef_app) || memcmp(name, ndef_app, len) != 0)
		nt_sess_wipe(dev);
	return r;
}

int
ntag424_select_application(ntag424_dev_t *dev)
{
	return ntag424_select_df(dev, ndef_app, sizeof(ndef_app));
}

int
ntag424_select_file(ntag424_dev_t *dev, uint16_t fid)
{
	uint8_t	id[2];
	int	r;

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	put_u16be(id, fid);
	r = select_iso(dev, 0x00, id, sizeof(id));
	/*
	 * E-18: the MF is the one other DF (NT4H2421Gx 8.2.1); selecting it
	 * by file ID ends the tag's session exactly as by name does. Keeping
	 * ours would MAC the next command for a tag that expects none.
	 */
	if (fid == NTAG424_FID_MF)
		nt_sess_wipe(dev);
	return r;
}
