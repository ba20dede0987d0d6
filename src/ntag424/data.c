/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ReadData / WriteData (NT4H2421Gx 10.8.1, 10.8.2) and ISOReadBinary /
 * ISOUpdateBinary (10.9.2, 10.9.3), with the splitting of long transfers.
 */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/data.h"
#include "ntag424/err.h"

#define HDR_LEN		7	/* FileNo || Offset(3) || Length(3) */
#define READ_MAC_MAX	240	/* 240 + MACt <= 256 */
#define READ_FULL_MAX	239	/* pad(239) = 240, + MACt <= 256 */

static enum nt_mode
sm_mode(ntag424_comm_mode_t m)
{
	switch (m) {
	case NTAG424_COMM_MAC:
		return NT_MODE_MAC;
	case NTAG424_COMM_FULL:
		return NT_MODE_FULL;
	default:
		return NT_MODE_PLAIN;
	}
}

int
ntag424_data_mode(ntag424_dev_t *dev, uint8_t file_no, bool write,
    ntag424_comm_mode_t *mode)
{
	ntag424_file_settings_t	fs;
	uint8_t			right;
	int			r;

	if (dev == NULL || mode == NULL)
		return NTAG424_ERR_ARG;
	*mode = NTAG424_COMM_PLAIN;
	if (!nt_sess_active(dev))
		return NTAG424_OK;
	if ((r = ntag424_file_settings_get(dev, file_no, &fs)) != NTAG424_OK)
		return r;
	right = write ? fs.access.write : fs.access.read;
	/* 8.2.3.3: the file's mode only when the session key grants it. */
	if (right == dev->sess.key_no ||
	    fs.access.read_write == dev->sess.key_no)
		*mode = fs.comm_mode;
	return NTAG424_OK;
}

static int
resolve(ntag424_dev_t *dev, uint8_t file_no, bool write,
    ntag424_comm_mode_t *mode)
{
	if (*mode != NTAG424_COMM_AUTO)
		return *mode == NTAG424_COMM_PLAIN || *mode == NTAG424_COMM_MAC ||
		    *mode == NTAG424_COMM_FULL ? NTAG424_OK : NTAG424_ERR_ARG;
	return ntag424_data_mode(dev, file_no, write, mode);
}

static int
check_range(uint8_t file_no, uint32_t offset, const void *buf, size_t len)
{
	uint32_t size = nt_file_size(file_no);

	if (buf == NULL || len == 0 || size == 0 || offset >= size ||
	    len > size - offset)
		return NTAG424_ERR_ARG;
	return NTAG424_OK;
}

static int
data_sw(bool write, uint16_t sw)
{
	switch (sw) {
	case NT_SW_ABORTED:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_PERMISSION:
	case NT_SW_FILE_NOT_FOUND:
	case NT_SW_AUTH_ERROR:
	case NT_SW_MEMORY:
		return sw;
	case NT_SW_BOUNDARY:	/* Table 83 only */
		return write ? sw : nt_unexpected_sw("ReadData", sw);
	default:
		return nt_unexpected_sw(write ? "WriteData" : "ReadData", sw);
	}
}

static void
header(uint8_t hdr[HDR_LEN], uint8_t file_no, uint32_t offset, size_t len)
{
	hdr[0] = file_no;
	put_u24le(hdr + 1, offset);
	put_u24le(hdr + 4, (uint32_t)len);
}

static int
read_piece(ntag424_dev_t *dev, uint8_t file_no, enum nt_mode mode,
    uint32_t offset, uint8_t *buf, size_t len)
{
	uint8_t		hdr[HDR_LEN], resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	header(hdr, file_no, offset, len);
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_READ_DATA;
	c.mode = mode;
	c.hdr = hdr;
	c.hdr_len = sizeof(hdr);
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		goto fail;
	if (sw != NT_SW_OK) {
		r = data_sw(false, sw);
		goto fail;
	}
	if (n != len) {
		r = NTAG424_ERR_RX;
		goto fail;
	}
	memcpy(buf, resp, len);
	r = NTAG424_OK;
fail:
	wipe(resp, sizeof(resp));
	return r;
}

int
ntag424_data_read(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_comm_mode_t mode, uint32_t offset, uint8_t *buf, size_t len)
{
	enum nt_mode	m;
	size_t		piece, done;
	int		r;

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	if ((r = check_range(file_no, offset, buf, len)) != NTAG424_OK ||
	    (r = resolve(dev, file_no, false, &mode)) != NTAG424_OK)
		return r;
	m = nt_sess_active(dev) ? sm_mode(mode) : NT_MODE_PLAIN;
	piece = m == NT_MODE_FULL ? READ_FULL_MAX :
	    m == NT_MODE_MAC ? READ_MAC_MAX : NT_RESP_MAX;
	for (done = 0; done < len; done += piece) {
		if (piece > len - done)
			piece = len - done;
		if ((r = read_piece(dev, file_no, m, offset + (uint32_t)done,
		    buf + done, piece)) != NTAG424_OK) {
			wipe(buf, len);
			return r;
		}
	}
	return NTAG424_OK;
}

/* Data bytes per WriteData so that Lc stays within the max chunk. */
static size_t
write_piece(size_t max_lc, enum nt_mode m)
{
	size_t room = max_lc - HDR_LEN;

	switch (m) {
	case NT_MODE_MAC:
		return room > MACT_LEN ? room - MACT_LEN : 0;
	case NT_MODE_FULL:
		/* Ciphertext is whole blocks and always padded. */
		room = room > MACT_LEN ? (room - MACT_LEN) / AES_BLOCK : 0;
		return room > 0 ? room * AES_BLOCK - 1 : 0;
	default:
		return room;
	}
}

static int
write_one(ntag424_dev_t *dev, uint8_t file_no, enum nt_mode mode,
    uint32_t offset, const uint8_t *buf, size_t len)
{
	uint8_t		hdr[HDR_LEN], resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	header(hdr, file_no, offset, len);
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_WRITE_DATA;
	c.mode = mode;
	c.hdr = hdr;
	c.hdr_len = sizeof(hdr);
	c.data = buf;
	c.data_len = len;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	if (sw != NT_SW_OK)
		return data_sw(true, sw);
	return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
}

int
ntag424_data_write(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_comm_mode_t mode, uint32_t offset, const uint8_t *buf,
    size_t len)
{
	enum nt_mode	m;
	size_t		piece, done;
	int		r;

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	if ((r = check_range(file_no, offset, buf, len)) != NTAG424_OK ||
	    (r = resolve(dev, file_no, true, &mode)) != NTAG424_OK)
		return r;
	m = nt_sess_active(dev) ? sm_mode(mode) : NT_MODE_PLAIN;
	if ((piece = write_piece(dev->max_lc, m)) == 0)
		return NTAG424_ERR_ARG;
	for (done = 0; done < len; done += piece) {
		if (piece > len - done)
			piece = len - done;
		if ((r = write_one(dev, file_no, m, offset + (uint32_t)done,
		    buf + done, piece)) != NTAG424_OK)
			return r;
	}
	return NTAG424_OK;
}

static int
iso_sw(const char *what, uint16_t sw)
{
	switch (sw) {
	case 0x6581:
	case 0x6700:
	case 0x6982:
	case 0x6985:
	case 0x6A82:
	case 0x6A86:
	case 0x6E00:
		return sw;
	default:
		return nt_unexpected_sw(what, sw);
	}
}

int
ntag424_iso_read_binary(ntag424_dev_t *dev, uint16_t offset, uint8_t *buf,
    size_t len, size_t *got)
{
	size_t		done = 0, want, n;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || buf == NULL || got == NULL || len == 0 ||
	    offset > 0x7FFF || len > 0x8000u - offset)
		return NTAG424_ERR_ARG;
	*got = 0;
	while (done < len) {
		want = len - done > NT_RESP_MAX ? NT_RESP_MAX : len - done;
		/* Le 00 asks for 256 (short APDU). */
		if ((r = nt_iso(dev, NT_INS_READ_BINARY,
		    (uint8_t)((offset + done) >> 8), (uint8_t)(offset + done),
		    NULL, 0, want == NT_RESP_MAX ? 0 : (int)want, buf + done,
		    len - done, &n, &sw)) != NTAG424_OK)
			return r;
		if (sw != NT_SW_ISO_OK)
			return iso_sw("ISOReadBinary", sw);
		if (n > want)
			return NTAG424_ERR_RX;
		done += n;
		if (n < want)
			break;	/* end of file (10.9.2: no 6Cxx) */
	}
	*got = done;
	return NTAG424_OK;
}

int
ntag424_iso_update_binary(ntag424_dev_t *dev, uint16_t offset,
    const uint8_t *buf, size_t len)
{
	uint8_t		resp[NT_RESP_MAX];
	size_t		done, piece, n;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || buf == NULL || len == 0 || offset > 0x7FFF ||
	    len > 0x8000u - offset)
		return NTAG424_ERR_ARG;
	for (done = 0; done < len; done += piece) {
		piece = len - done > dev->max_lc ? dev->max_lc : len - done;
		if ((r = nt_iso(dev, NT_INS_UPDATE_BINARY,
		    (uint8_t)((offset + done) >> 8), (uint8_t)(offset + done),
		    buf + done, piece, -1, resp, sizeof(resp), &n, &sw)) !=
		    NTAG424_OK)
			return r;
		if (sw != NT_SW_ISO_OK)
			return iso_sw("ISOUpdateBinary", sw);
		if (n != 0)
			return NTAG424_ERR_RX;
	}
	return NTAG424_OK;
}
