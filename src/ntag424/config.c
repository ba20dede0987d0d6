/* SPDX-License-Identifier: BSD-2-Clause */
/* SetConfiguration (NT4H2421Gx 10.5.1; AN12196 7.2, Table 28). */
#include <string.h>

#include "common/buf.h"
#include "internal.h"
#include "ntag424/config.h"
#include "ntag424/err.h"
#include "ntag424/select.h"

#define OPT_PICC	0x00
#define OPT_CAPABILITY	0x05
#define OPT_FAILED_AUTH	0x0A
#define PICC_RANDOM_ID	0x02

static int
set_config(ntag424_dev_t *dev, uint8_t option, const uint8_t *data,
    size_t len)
{
	uint8_t		resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (!nt_sess_active(dev) || dev->sess.key_no != 0)
		return NTAG424_ERR_STATE;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_SET_CONFIG;
	c.mode = NT_MODE_FULL;
	c.hdr = &option;
	c.hdr_len = 1;
	c.data = data;
	c.data_len = len;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
	case NT_SW_ABORTED:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_PERMISSION:
	case NT_SW_AUTH_ERROR:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("SetConfiguration", sw);
	}
}

int
ntag424_config_random_uid(ntag424_dev_t *dev)
{
	const uint8_t data[1] = { PICC_RANDOM_ID };

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	return set_config(dev, OPT_PICC, data, sizeof(data));
}

int
ntag424_config_failed_auth(ntag424_dev_t *dev, bool enable, uint16_t limit,
    uint16_t decrement)
{
	uint8_t data[5];

	if (dev == NULL || (enable && limit == 0))
		return NTAG424_ERR_ARG;
	data[0] = enable ? 0x01 : 0x00;
	put_u16le(data + 1, enable ? limit : 0);
	put_u16le(data + 3, enable ? decrement : 0);
	return set_config(dev, OPT_FAILED_AUTH, data, sizeof(data));
}

/*
 * Option 05 (NT4H2421Gx Table 50): 4 bytes RFU || PDCap2.1 || 3 bytes RFU ||
 * PDCap2.5 || PDCap2.6. Bit 1 of PDCap2.1 switches LRP on for good.
 */
int
ntag424_config_lrp(ntag424_dev_t *dev)
{
	uint8_t data[10] = { 0 };

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	data[4] = 0x02;
	return set_config(dev, OPT_CAPABILITY, data, sizeof(data));
}

/*
 * AuthenticateLRPFirst Part 1 with OriginalityKey 1 at MF level: a tag in
 * LRP mode answers AuthMode 01 || RndB, an AES tag 919D (NT4H2421Gx
 * 8.2.1, Table 18; AN12196 8.1: the symmetric originality check needs LRP
 * mode). Originality keys have no failed-authentication counter. The
 * half-done authentication is dropped by the ISOSelectFile that follows.
 */
int
ntag424_config_lrp_mode(ntag424_dev_t *dev)
{
	static const uint8_t p1[8] = { 0x01, 0x06, 0x02, 0, 0, 0, 0, 0 };
	uint8_t		resp[NT_RESP_MAX];
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r, r2;

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	if ((r = ntag424_select_file(dev, NTAG424_FID_MF)) != NTAG424_OK)
		return r;
	r = nt_native(dev, NT_CMD_AUTH_EV2_FIRST, p1, sizeof(p1), resp,
	    sizeof(resp), &n, &sw);
	if ((r2 = ntag424_select_application(dev)) != NTAG424_OK &&
	    r == NTAG424_OK)
		r = r2;
	if (r != NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_MORE:
		return n == NT_RND_LEN + 1 && resp[0] == 0x01 ? 1 : 0;
	case NT_SW_PERMISSION:
		return 0;
	default:
		return nt_unexpected_sw("LRP mode probe", sw);
	}
}
