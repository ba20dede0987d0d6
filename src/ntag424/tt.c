/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GetTTStatus, TagTamper parts only (AN12196 7.5). The frame is not in
 * NT4H2421Gx or AN12196; it follows third-party code quoting the TagTamper
 * data sheet (NT4H2421Tx 11.9.1).
 */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/tt.h"

int
ntag424_tt_status(ntag424_dev_t *dev, uint8_t *permanent, uint8_t *current)
{
	uint8_t		resp[NT_RESP_MAX];
	const uint8_t	*p = resp;
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || permanent == NULL || current == NULL)
		return NTAG424_ERR_ARG;
	if (!nt_sess_active(dev))
		return NTAG424_ERR_STATE;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_TT_STATUS;
	c.mode = NT_MODE_FULL;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_ILLEGAL_CMD:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_AUTH_ERROR:
	case NT_SW_ABORTED:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("GetTTStatus", sw);
	}
	if (buf_read_u8(&p, &n, permanent) < 0 ||
	    buf_read_u8(&p, &n, current) < 0 || n != 0)
		return NTAG424_ERR_RX;
	return NTAG424_OK;
}
