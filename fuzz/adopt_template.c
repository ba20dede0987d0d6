/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer: adopt's template rebuilt from a tag's NDEF file and SDM
 * settings (a trust boundary: both come from a tag another tool, or an
 * attacker, programmed). The first 27 bytes are the SDM settings (flags,
 * three key nibbles, seven 24-bit offsets), the rest the NDEF file. A
 * template that comes back must compile.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ntag424.h"
#include "ntag424/provision_int.h"

#define SDM_BYTES	27

static uint32_t
u24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static void
sdm_from(const uint8_t *d, ntag424_sdm_t *s)
{
	memset(s, 0, sizeof(*s));
	s->enabled = (d[0] & 0x01) != 0;
	s->uid_mirror = (d[0] & 0x02) != 0;
	s->read_ctr = (d[0] & 0x04) != 0;
	s->enc_file_data = (d[0] & 0x08) != 0;
	s->meta_read = d[1] & 0x0F;
	s->file_read = d[2] & 0x0F;
	s->ctr_ret = d[3] & 0x0F;
	s->uid_offset = u24(d + 6);
	s->read_ctr_offset = u24(d + 9);
	s->picc_data_offset = u24(d + 12);
	s->mac_input_offset = u24(d + 15);
	s->enc_offset = u24(d + 18);
	s->enc_length = u24(d + 21);
	s->mac_offset = u24(d + 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ntag424_template_t	*t;
	ntag424_sdm_t			 s;
	char				 out[NTAG424_TEMPLATE_MAX + 1];

	if (size < SDM_BYTES)
		return 0;
	if (t == NULL && (t = ntag424_template_new()) == NULL)
		return 0;
	sdm_from(data, &s);
	if (adopt_template(data + SDM_BYTES, size - SDM_BYTES, &s, out,
	    sizeof(out)) == NTAG424_OK)
		(void)ntag424_template_compile(t, out, NULL);
	return 0;
}
