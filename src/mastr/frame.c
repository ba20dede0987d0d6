/* SPDX-License-Identifier: BSD-2-Clause */
/* Framing, stuffing and the streaming receiver (docs/mastr-protocol.md 2). */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/frame.h"

enum { RX_IDLE, RX_BODY, RX_ESC };

static uint8_t
checksum(const uint8_t *p, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return (uint8_t)(sum & 0xff);
}

int
mastr_inner_encode(uint8_t type, const uint8_t *payload, size_t len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	wbuf_t w;

	if (len > MASTR_PAYLOAD_MAX || (len > 0 && payload == NULL))
		return MASTR_ERR_ARG;
	wbuf_init(&w, out, cap);
	if (wbuf_put_u8(&w, type) < 0 || wbuf_put_u16be(&w, (uint16_t)len) < 0 ||
	    wbuf_put(&w, payload, len) < 0 ||
	    wbuf_put_u8(&w, checksum(out, w.len)) < 0)
		return MASTR_ERR_ARG;
	*outlen = w.len;
	return MASTR_OK;
}

int
mastr_inner_decode(const uint8_t *in, size_t len, uint8_t *type,
    const uint8_t **payload, size_t *plen)
{
	const uint8_t	*p = in;
	size_t		 left = len;
	uint16_t	 n;
	uint8_t		 t, sum;

	if (len < MASTR_INNER_OVERHEAD)
		return MASTR_ERR_FRAME;
	if (buf_read_u8(&p, &left, &t) < 0 || buf_read_u16be(&p, &left, &n) < 0)
		return MASTR_ERR_FRAME;
	if ((size_t)n != len - MASTR_INNER_OVERHEAD)
		return MASTR_ERR_FRAME;
	*payload = p;
	if (buf_skip(&p, &left, n) < 0 || buf_read_u8(&p, &left, &sum) < 0)
		return MASTR_ERR_FRAME;
	if (sum != checksum(in, len - 1))
		return MASTR_ERR_CHECKSUM;
	*type = t;
	*plen = n;
	return MASTR_OK;
}

int
mastr_frame_stuff(const uint8_t *body, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	wbuf_t	w;
	int	bad = 0;

	wbuf_init(&w, out, cap);
	bad |= wbuf_put_u8(&w, MASTR_SOF);
	for (size_t i = 0; i < len; i++) {
		uint8_t b = body[i];

		if (b == MASTR_SOF || b == MASTR_EOF || b == MASTR_ESC) {
			bad |= wbuf_put_u8(&w, MASTR_ESC);
			b = (uint8_t)(b ^ 0x20);
		}
		bad |= wbuf_put_u8(&w, b);
	}
	bad |= wbuf_put_u8(&w, MASTR_EOF);
	if (bad != 0)
		return MASTR_ERR_ARG;
	*outlen = w.len;
	return MASTR_OK;
}

void
mastr_deframer_init(mastr_deframer_t *d)
{
	memset(d, 0, sizeof(*d));
	d->state = RX_IDLE;
}

static void
append(mastr_deframer_t *d, uint8_t b)
{
	/* The original truncates silently; we remember and refuse at EOF. */
	if (d->len < sizeof(d->body))
		d->body[d->len++] = b;
	else
		d->overflow = 1;
}

int
mastr_deframer_push(mastr_deframer_t *d, uint8_t byte)
{
	if (byte == MASTR_SOF) {
		d->len = 0;
		d->overflow = 0;
		d->state = RX_BODY;
		return 0;
	}
	switch (d->state) {
	case RX_IDLE:
		return 0;
	case RX_ESC:
		if (byte != 0x5F && byte != 0x5E && byte != 0x5D) {
			d->state = RX_IDLE;
			return MASTR_ERR_ESCAPE;
		}
		append(d, (uint8_t)(byte ^ 0x20));
		d->state = RX_BODY;
		return 0;
	case RX_BODY:
		break;
	default:
		d->state = RX_IDLE;
		return 0;
	}
	if (byte == MASTR_ESC) {
		d->state = RX_ESC;
		return 0;
	}
	if (byte != MASTR_EOF) {
		append(d, byte);
		return 0;
	}
	d->state = RX_IDLE;
	return d->overflow ? MASTR_ERR_OVERSIZE : 1;
}

const uint8_t *
mastr_deframer_body(const mastr_deframer_t *d, size_t *len)
{
	*len = d->len;
	return d->body;
}

void
mastr_deframer_wipe(mastr_deframer_t *d)
{
	wipe(d->body, sizeof(d->body));
	mastr_deframer_init(d);
}

const char *
mastr_msg_name(uint8_t type)
{
	switch (type) {
	case MASTR_T2H_ERROR:			return "T2H_ERROR";
	case MASTR_T2H_NACK:			return "T2H_NACK";
	case MASTR_H2T_ECDH_SHARE:		return "H2T_ECDH_SHARE";
	case MASTR_T2H_ECDH_SHARE:		return "T2H_ECDH_SHARE";
	case MASTR_T2H_CHANNEL_VERIFY_REQUEST:	return "T2H_CHANNEL_VERIFY_REQUEST";
	case MASTR_H2T_CHANNEL_VERIFY_RESPONSE:	return "H2T_CHANNEL_VERIFY_RESPONSE";
	case MASTR_T2H_INTEGRITY_CHALLENGE:	return "T2H_INTEGRITY_CHALLENGE";
	case MASTR_H2T_INTEGRITY_RESPONSE:	return "H2T_INTEGRITY_RESPONSE";
	case MASTR_T2H_BOOT_OK:			return "T2H_BOOT_OK";
	case MASTR_T2H_INTEGRITY_FAIL_HALT:	return "T2H_INTEGRITY_FAIL_HALT";
	case MASTR_H2T_BOOT_OK_ACK:		return "H2T_BOOT_OK_ACK";
	case MASTR_H2T_INTEGRITY_FAIL_HALT:	return "H2T_INTEGRITY_FAIL_HALT";
	case MASTR_H2T_INTEGRITY_FAIL_ACK:	return "H2T_INTEGRITY_FAIL_ACK";
	case MASTR_H2T_HEARTBEAT:		return "H2T_HEARTBEAT";
	case MASTR_T2H_HEARTBEAT_ACK:		return "T2H_HEARTBEAT_ACK";
	case MASTR_DEBUG_MSG:			return "DEBUG_MSG";
	default:				return "UNKNOWN";
	}
}
