/* SPDX-License-Identifier: BSD-2-Clause */
/* GetVersion (NT4H2421Gx 10.5.2): three frames chained with 91AF. */
#include <string.h>

#include "common/buf.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/version.h"

static int
read_part(const uint8_t **p, size_t *n, uint8_t *f[7])
{
	for (size_t i = 0; i < 7; i++)
		if (buf_read_u8(p, n, f[i]) < 0)
			return -1;
	return 0;
}

/* Table 58: UID(7) BatchNo(4) b11 b12 Year [FabKeyID]. */
static int
parse(const uint8_t *p, size_t n, ntag424_version_t *v)
{
	uint8_t	*hw[7] = { &v->hw_vendor, &v->hw_type, &v->hw_subtype,
	    &v->hw_major, &v->hw_minor, &v->hw_storage, &v->hw_protocol };
	uint8_t	*sw[7] = { &v->sw_vendor, &v->sw_type, &v->sw_subtype,
	    &v->sw_major, &v->sw_minor, &v->sw_storage, &v->sw_protocol };
	uint8_t	b11, b12;

	memset(v, 0, sizeof(*v));
	if (read_part(&p, &n, hw) < 0 || read_part(&p, &n, sw) < 0 ||
	    buf_read(&p, &n, v->uid, sizeof(v->uid)) < 0 ||
	    buf_read(&p, &n, v->batch, 4) < 0 ||
	    buf_read_u8(&p, &n, &b11) < 0 || buf_read_u8(&p, &n, &b12) < 0 ||
	    buf_read_u8(&p, &n, &v->prod_year) < 0)
		return NTAG424_ERR_RX;
	v->batch[4] = b11 & 0xF0;
	v->fab_key = (uint8_t)(((b12 >> 7) << 4) | (b11 & 0x0F));
	v->prod_week = b12 & 0x7F;
	if (n == 1 && buf_read_u8(&p, &n, &v->fab_key_id) == 0)
		v->has_fab_key_id = true;
	return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
}

int
ntag424_version_get(ntag424_dev_t *dev, ntag424_version_t *v)
{
	uint8_t		resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || v == NULL)
		return NTAG424_ERR_ARG;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_VERSION;
	c.mode = NT_MODE_MAC;
	c.flags = NT_SM_MULTIFRAME;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_ABORTED:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("GetVersion", sw);
	}
	return parse(resp, n, v);
}

unsigned long
ntag424_version_storage(uint8_t storage, bool *between)
{
	if (between != NULL)
		*between = (storage & 0x01) != 0;
	if ((storage >> 1) >= 8 * sizeof(unsigned long))
		return 0;
	return 1UL << (storage >> 1);
}
