/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the emulator's C-APDU handler (a trust boundary:
 * the bytes come from whatever reader talks to the tag).
 *
 * Input: one mode byte (bit 0: select the application first; bit 1: start
 * inside an EV2 session with fixed keys; bit 2: SDM enabled on file 02),
 * then records of [length byte][C-APDU]. Each input starts from the same
 * factory tag.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emu/emu_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static emu_t		*tag;
static emu_persist_t	 factory;

static void
reset(uint8_t mode)
{
	static const uint8_t ti[4] = { 1, 2, 3, 4 };
	static const uint8_t k[16] = { 0x42 };
	emu_file_t *f;

	memcpy(emu_persist(tag), &factory, sizeof(factory));
	emu_power_cycle(tag);
	emu_set_tear(tag, 0, 0);
	if (mode & 0x01)
		tag->v.level = LEVEL_APP;
	if (mode & 0x02)
		emu_set_session(tag, mode >> 5 & 0x03, ti, 0, k, k);
	if (mode & 0x04) {
		f = &emu_persist(tag)->file[1];
		f->option = 0x40;
		f->sdm_options = 0xD1;
		f->sdm_ar = 0x00FE;
		f->picc_off = 31;
		f->mac_in_off = 68;
		f->enc_off = 68;
		f->enc_len = 32;
		f->mac_off = 106;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t uid[7] = { 0x04, 1, 2, 3, 4, 5, 6 };
	uint8_t r[300];

	if (tag == NULL) {
		if ((tag = emu_new(uid)) == NULL)
			return 0;
		memcpy(&factory, emu_persist(tag), sizeof(factory));
	}
	if (size == 0)
		return 0;
	reset(data[0]);
	data++;
	size--;
	while (size > 0) {
		size_t n = data[0], rlen = sizeof(r);

		data++;
		size--;
		if (n > size)
			n = size;
		(void)emu_process(tag, data, n, r, &rlen);
		data += n;
		size -= n;
	}
	return 0;
}
