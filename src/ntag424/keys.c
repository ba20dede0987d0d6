/* SPDX-License-Identifier: BSD-2-Clause */
/* ChangeKey and GetKeyVersion (NT4H2421Gx 10.6.1, 10.6.2; AN12196 6.16). */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/keys.h"

/*
 * Table 63: key 0 (the authenticated key, "case 2") gets NewKey || KeyVer;
 * keys 1..4 get (NewKey ^ OldKey) || KeyVer || CRC32NK(NewKey), the CRC
 * being JAMCRC over the new key only, LSB first (AN12196 Table 26 step 7).
 */
static size_t
key_data(uint8_t key_no, const uint8_t *new_key, uint8_t version,
    const uint8_t *old_key, uint8_t out[21])
{
	uint32_t crc;

	if (key_no == 0) {
		memcpy(out, new_key, NTAG424_KEY_LEN);
		out[16] = version;
		return 17;
	}
	for (size_t i = 0; i < NTAG424_KEY_LEN; i++)
		out[i] = new_key[i] ^ old_key[i];
	out[16] = version;
	crc = crc32_nxp(new_key, NTAG424_KEY_LEN);
	for (size_t i = 0; i < 4; i++)
		out[17 + i] = (uint8_t)(crc >> (8 * i));
	return 21;
}

int
ntag424_key_change(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t new_key[NTAG424_KEY_LEN], uint8_t version,
    const uint8_t old_key[NTAG424_KEY_LEN])
{
	uint8_t		data[21];
	uint8_t		resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r = NTAG424_ERR_ARG;

	memset(data, 0, sizeof(data));
	if (dev == NULL || new_key == NULL || key_no > NTAG424_KEY_MAX ||
	    (key_no != 0 && old_key == NULL))
		goto fail;
	if (!nt_sess_active(dev) || dev->sess.key_no != 0) {
		r = NTAG424_ERR_STATE;
		goto fail;
	}
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_CHANGE_KEY;
	c.mode = NT_MODE_FULL;
	c.hdr = &key_no;
	c.hdr_len = 1;
	c.data = data;
	c.data_len = key_data(key_no, new_key, version, old_key, data);
	c.flags = key_no == dev->sess.key_no ? NT_SM_NO_RESP_MAC : 0;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		goto fail;
	switch (sw) {
	case NT_SW_OK:
		r = n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
		break;
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_NO_SUCH_KEY:
	case NT_SW_PERMISSION:
	case NT_SW_AUTH_ERROR:
	case NT_SW_ABORTED:
	case NT_SW_MEMORY:
		r = sw;
		break;
	default:
		r = nt_unexpected_sw("ChangeKey", sw);
		break;
	}
fail:
	wipe(data, sizeof(data));
	wipe(resp, sizeof(resp));
	return r;
}

int
ntag424_key_version(ntag424_dev_t *dev, uint8_t key_no, uint8_t *version)
{
	uint8_t		resp[NT_RESP_MAX];
	const uint8_t	*p = resp;
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || version == NULL || key_no > NTAG424_KEY_MAX)
		return NTAG424_ERR_ARG;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_KEY_VERSION;
	c.mode = NT_MODE_MAC;
	c.hdr = &key_no;
	c.hdr_len = 1;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_NO_SUCH_KEY:
	case NT_SW_ABORTED:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("GetKeyVersion", sw);
	}
	if (buf_read_u8(&p, &n, version) < 0 || n != 0)
		return NTAG424_ERR_RX;
	return NTAG424_OK;
}
