/* SPDX-License-Identifier: BSD-2-Clause */
/* GetCardUID (NT4H2421Gx 10.5.3; AN12196 7.3, Table 29). */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/uid.h"

int
ntag424_uid_get(ntag424_dev_t *dev, uint8_t uid[NTAG424_UID_LEN])
{
	uint8_t		resp[NT_RESP_MAX];
	const uint8_t	*p = resp;
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r = NTAG424_ERR_ARG;

	if (dev == NULL || uid == NULL)
		return NTAG424_ERR_ARG;
	if (!nt_sess_active(dev))
		return NTAG424_ERR_STATE;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_CARD_UID;
	c.mode = NT_MODE_FULL;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		goto fail;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_ABORTED:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_AUTH_ERROR:
	case NT_SW_MEMORY:
		r = sw;
		goto fail;
	default:
		r = nt_unexpected_sw("GetCardUID", sw);
		goto fail;
	}
	r = buf_read(&p, &n, uid, NTAG424_UID_LEN) < 0 || n != 0 ?
	    NTAG424_ERR_RX : NTAG424_OK;
fail:
	wipe(resp, sizeof(resp));
	return r;
}
