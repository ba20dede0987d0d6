/* SPDX-License-Identifier: BSD-2-Clause */
/* The device object: a transport, its limits, counters and the session. */
#include <stdlib.h>

#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"

ntag424_dev_t *
ntag424_dev_new(void)
{
	ntag424_dev_t *dev;

	if ((dev = calloc(1, sizeof(*dev))) == NULL)
		return NULL;
	dev->max_lc = NTAG424_CHUNK_DEFAULT;
	return dev;
}

static void
close_io(ntag424_dev_t *dev)
{
	if (dev->io != NULL && dev->io->close != NULL)
		dev->io->close(dev->io_ctx);
	dev->io = NULL;
	dev->io_ctx = NULL;
}

void
ntag424_dev_free(ntag424_dev_t **devp)
{
	ntag424_dev_t *dev;

	if (devp == NULL || (dev = *devp) == NULL)
		return;
	close_io(dev);
	wipe(dev, sizeof(*dev));
	free(dev);
	*devp = NULL;
}

int
ntag424_dev_set_io(ntag424_dev_t *dev, const ntag424_io_ops_t *ops, void *ctx)
{
	if (dev == NULL || ops == NULL || ops->transceive == NULL)
		return NTAG424_ERR_ARG;
	nt_sess_wipe(dev);
	close_io(dev);
	dev->io = ops;
	dev->io_ctx = ctx;
	return NTAG424_OK;
}

int
ntag424_dev_set_max_chunk(ntag424_dev_t *dev, size_t max_lc)
{
	if (dev == NULL || max_lc < NTAG424_CHUNK_MIN || max_lc > NT_LC_MAX)
		return NTAG424_ERR_ARG;
	dev->max_lc = max_lc;
	return NTAG424_OK;
}

size_t
ntag424_dev_max_chunk(const ntag424_dev_t *dev)
{
	return dev->max_lc;
}

void
ntag424_dev_set_trace(ntag424_dev_t *dev, int on)
{
	dev->trace = on != 0;
}

size_t
ntag424_dev_apdu_count(const ntag424_dev_t *dev)
{
	return dev->apdu_count;
}

size_t
ntag424_dev_byte_count(const ntag424_dev_t *dev)
{
	return dev->byte_count;
}

int
ntag424_dev_transceive(ntag424_dev_t *dev, const uint8_t *capdu,
    size_t capdu_len, uint8_t *rapdu, size_t *rapdu_len)
{
	if (dev == NULL)
		return NTAG424_ERR_ARG;
	return nt_transmit(dev, capdu, capdu_len, rapdu, rapdu_len);
}

int
ntag424_dev_reconnect(ntag424_dev_t *dev)
{
	if (dev == NULL)
		return NTAG424_ERR_ARG;
	nt_sess_wipe(dev);
	if (dev->io == NULL)
		return NTAG424_ERR_STATE;
	if (dev->io->reconnect == NULL)
		return NTAG424_OK;
	return dev->io->reconnect(dev->io_ctx);
}
