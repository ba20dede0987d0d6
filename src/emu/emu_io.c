/* SPDX-License-Identifier: BSD-2-Clause */
/* ntag424_io_ops_t over emu_process (see emu_io.h). */
#include "emu/emu_io.h"
#include "ntag424/err.h"
#include "ntag424/io.h"

static int
emu_transceive(void *ctx, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len)
{
	return emu_process(ctx, capdu, capdu_len, rapdu, rapdu_len);
}

static int
emu_reconnect(void *ctx)
{
	emu_power_cycle(ctx);
	return NTAG424_OK;
}

/* close is NULL: the emulator is borrowed, never freed by the device. */
static const ntag424_io_ops_t emu_ops = {
	.transceive = emu_transceive,
	.reconnect = emu_reconnect,
	.close = NULL,
};

int
ntag424_emu_attach(ntag424_dev_t *dev, emu_t *emu)
{
	if (dev == NULL || emu == NULL)
		return NTAG424_ERR_ARG;
	return ntag424_dev_set_io(dev, &emu_ops, emu);
}
