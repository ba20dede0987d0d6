/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * APDU framing: raw exchange with counters and trace, ISO wrapping of native
 * commands (NT4H2421Gx 8.4: 90 Cmd 00 00 [Lc data] 00), 91AF continuation of
 * multi-frame answers, and plain ISO/IEC 7816-4 commands.
 */
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"

/* GetVersion has three frames; anything beyond a handful is a broken tag. */
#define MAX_FRAMES	8

int
nt_transmit(ntag424_dev_t *dev, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len)
{
	uint8_t	buf[NTAG424_RAPDU_MAX];
	size_t	n = sizeof(buf);
	int	r;

	if (capdu == NULL || rapdu == NULL || rapdu_len == NULL ||
	    capdu_len < 4 || capdu_len > NTAG424_CAPDU_MAX)
		return NTAG424_ERR_ARG;
	if (dev->io == NULL)
		return NTAG424_ERR_STATE;
	nt_trace(dev, true, capdu, capdu_len);
	dev->apdu_count++;
	dev->byte_count += capdu_len;
	if ((r = dev->io->transceive(dev->io_ctx, capdu, capdu_len, buf,
	    &n)) != NTAG424_OK) {
		r = r < 0 ? r : NTAG424_ERR_INTERNAL;
		goto fail;
	}
	if (n < 2 || n > sizeof(buf) || n > *rapdu_len) {
		r = NTAG424_ERR_RX;
		goto fail;
	}
	dev->byte_count += n;
	nt_trace(dev, false, buf, n);
	memcpy(rapdu, buf, n);
	*rapdu_len = n;
	r = NTAG424_OK;
fail:
	wipe(buf, sizeof(buf));
	return r;
}

/* Split an R-APDU into data (copied to resp) and status word. */
static int
split(const uint8_t *r, size_t n, uint8_t *resp, size_t resp_cap,
    size_t *resp_len, uint16_t *sw)
{
	if (n < 2 || n - 2 > resp_cap)
		return NTAG424_ERR_RX;
	if (n > 2)
		memcpy(resp, r, n - 2);
	*resp_len = n - 2;
	*sw = get_u16be(r + n - 2);
	return NTAG424_OK;
}

int
nt_native(ntag424_dev_t *dev, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *resp, size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
	uint8_t	c[NTAG424_CAPDU_MAX];
	uint8_t	r[NTAG424_RAPDU_MAX];
	size_t	rn = sizeof(r);
	wbuf_t	w;
	int	ret = NTAG424_ERR_ARG;

	if (len > NT_LC_MAX || (len > 0 && data == NULL))
		goto fail;
	wbuf_init(&w, c, sizeof(c));
	if (wbuf_put_u8(&w, 0x90) < 0 || wbuf_put_u8(&w, cmd) < 0 ||
	    wbuf_put_u16be(&w, 0x0000) < 0 ||
	    (len > 0 && (wbuf_put_u8(&w, (uint8_t)len) < 0 ||
	    wbuf_put(&w, data, len) < 0)) || wbuf_put_u8(&w, 0x00) < 0) {
		ret = NTAG424_ERR_INTERNAL;
		goto fail;
	}
	if ((ret = nt_transmit(dev, c, w.len, r, &rn)) != NTAG424_OK)
		goto fail;
	ret = split(r, rn, resp, resp_cap, resp_len, sw);
fail:
	wipe(c, sizeof(c));
	wipe(r, sizeof(r));
	return ret;
}

/*
 * A native command whose answer may come in several frames: while the tag
 * says 91AF, ask for the next frame with 90 AF 00 00 00 and append.
 */
int
nt_native_more(ntag424_dev_t *dev, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *resp, size_t resp_cap, size_t *resp_len,
    uint16_t *sw)
{
	size_t	total = 0, n = 0;
	int	r;

	if ((r = nt_native(dev, cmd, data, len, resp, resp_cap, &n,
	    sw)) != NTAG424_OK)
		return r;
	total = n;
	for (size_t frames = 1; *sw == NT_SW_MORE; frames++) {
		if (frames >= MAX_FRAMES)
			return NTAG424_ERR_RX;
		if ((r = nt_native(dev, NT_CMD_MORE, NULL, 0, resp + total,
		    resp_cap - total, &n, sw)) != NTAG424_OK)
			return r;
		total += n;
	}
	*resp_len = total;
	return NTAG424_OK;
}

int
nt_iso(ntag424_dev_t *dev, uint8_t ins, uint8_t p1, uint8_t p2,
    const uint8_t *data, size_t len, int le, uint8_t *resp, size_t resp_cap,
    size_t *resp_len, uint16_t *sw)
{
	uint8_t	c[NTAG424_CAPDU_MAX];
	uint8_t	r[NTAG424_RAPDU_MAX];
	size_t	rn = sizeof(r);
	wbuf_t	w;
	int	ret = NTAG424_ERR_ARG;

	if (len > NT_LC_MAX || (len > 0 && data == NULL) || le > 0xFF)
		goto fail;
	wbuf_init(&w, c, sizeof(c));
	if (wbuf_put_u8(&w, 0x00) < 0 || wbuf_put_u8(&w, ins) < 0 ||
	    wbuf_put_u8(&w, p1) < 0 || wbuf_put_u8(&w, p2) < 0 ||
	    (len > 0 && (wbuf_put_u8(&w, (uint8_t)len) < 0 ||
	    wbuf_put(&w, data, len) < 0)) ||
	    (le >= 0 && wbuf_put_u8(&w, (uint8_t)le) < 0)) {
		ret = NTAG424_ERR_INTERNAL;
		goto fail;
	}
	if ((ret = nt_transmit(dev, c, w.len, r, &rn)) != NTAG424_OK)
		goto fail;
	ret = split(r, rn, resp, resp_cap, resp_len, sw);
	/*
	 * NT4H2421Gx 9.1.9-9.1.10: any error status ends the tag's
	 * authentication, ISO commands included (6982 "authenticated not
	 * allowed", docs/emulator.md E-3); mirror it so the next command is
	 * not MACed in vain.
	 */
	if (ret == NTAG424_OK && *sw != NT_SW_ISO_OK)
		nt_sess_wipe(dev);
fail:
	wipe(c, sizeof(c));
	wipe(r, sizeof(r));
	return ret;
}

/* The default branch of every status-word switch. */
int
nt_unexpected_sw(const char *what, uint16_t sw)
{
	log_msg(PLOG_DEBUG, "%s: unexpected status word %04X", what, sw);
	return NTAG424_ERR_RX;
}
