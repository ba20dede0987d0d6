/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secure messaging (NT4H2421Gx 9.1.8-9.1.10): TI, CmdCtr and the
 * Plain / MAC / Full processing of one native command and its response.
 *
 * Every MAC or Full response is verified before anything in it is used; a
 * mismatch wipes the session and returns NTAG424_ERR_INTEGRITY. Any status
 * word other than success also ends the session, because the tag has
 * already dropped it (9.1.9: the error is sent without a MAC).
 */
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"

#define RAW_MAX		(3 * NT_RESP_MAX)

bool
nt_sess_active(const ntag424_dev_t *dev)
{
	return dev->sess.suite != NULL;
}

void
nt_sess_wipe(ntag424_dev_t *dev)
{
	wipe(&dev->sess, sizeof(dev->sess));
	dev->sess.suite = NULL;
}

static int
exchange(ntag424_dev_t *dev, const nt_cmd_t *c, const uint8_t *body,
    size_t len, uint8_t *resp, size_t cap, size_t *resp_len, uint16_t *sw)
{
	if (c->flags & NT_SM_MULTIFRAME)
		return nt_native_more(dev, c->cmd, body, len, resp, cap,
		    resp_len, sw);
	return nt_native(dev, c->cmd, body, len, resp, cap, resp_len, sw);
}

/* Not authenticated: the command goes out as it is (9.1.8). */
static int
plain(ntag424_dev_t *dev, const nt_cmd_t *c, uint8_t *resp, size_t cap,
    size_t *resp_len, uint16_t *sw)
{
	uint8_t	body[NT_LC_MAX];
	wbuf_t	w;
	int	r = NTAG424_ERR_ARG;

	wbuf_init(&w, body, sizeof(body));
	if (wbuf_put(&w, c->hdr, c->hdr_len) < 0 ||
	    wbuf_put(&w, c->data, c->data_len) < 0)
		goto fail;
	r = exchange(dev, c, body, w.len, resp, cap, resp_len, sw);
fail:
	wipe(body, sizeof(body));
	return r;
}

/* CmdHeader || (CmdData, encrypted in Full) || MACt(Cmd || CmdCtr || TI || ...). */
static int
build(struct nt_session *s, const nt_cmd_t *c, uint8_t *body,
    size_t *len)
{
	uint8_t	macin[1 + 2 + NT_TI_LEN + NT_LC_MAX];
	size_t	n = NT_LC_MAX - c->hdr_len, off;
	wbuf_t	w;
	int	r = NTAG424_ERR_ARG;

	if (c->hdr_len > NT_LC_MAX || c->data_len > NT_LC_MAX)
		goto fail;
	if (c->hdr_len > 0)
		memcpy(body, c->hdr, c->hdr_len);
	off = c->hdr_len;
	if (c->mode == NT_MODE_FULL && c->data_len > 0) {
		if ((r = s->suite->encrypt(s, c->data, c->data_len, body + off,
		    &n)) != NTAG424_OK)
			goto fail;
		off += n;
	} else if (c->data_len > 0) {
		if (c->data_len > NT_LC_MAX - off)
			goto fail;
		memcpy(body + off, c->data, c->data_len);
		off += c->data_len;
	}
	if (c->mode != NT_MODE_PLAIN) {
		wbuf_init(&w, macin, sizeof(macin));
		if (off > NT_LC_MAX - MACT_LEN || wbuf_put_u8(&w, c->cmd) < 0 ||
		    wbuf_put_u16le(&w, s->cmd_ctr) < 0 ||
		    wbuf_put(&w, s->ti, NT_TI_LEN) < 0 ||
		    wbuf_put(&w, body, off) < 0) {
			r = NTAG424_ERR_ARG;
			goto fail;
		}
		if ((r = s->suite->mac(s, macin, w.len, body + off)) !=
		    NTAG424_OK)
			goto fail;
		off += MACT_LEN;
	}
	*len = off;
	r = NTAG424_OK;
fail:
	wipe(macin, sizeof(macin));
	return r;
}

/* Verify MACt(RC || CmdCtr+1 || TI || RespData), then decrypt in Full. */
static int
verify(struct nt_session *s, const nt_cmd_t *c, uint16_t sw,
    uint8_t *raw, size_t n, uint8_t *resp, size_t cap, size_t *resp_len)
{
	uint8_t	macin[1 + 2 + NT_TI_LEN + RAW_MAX];
	uint8_t	mact[MACT_LEN];
	size_t	dlen;
	wbuf_t	w;
	int	r = NTAG424_ERR_INTEGRITY;

	if (n < MACT_LEN)
		goto fail;
	dlen = n - MACT_LEN;
	wbuf_init(&w, macin, sizeof(macin));
	if (wbuf_put_u8(&w, (uint8_t)(sw & 0xFF)) < 0 ||
	    wbuf_put_u16le(&w, (uint16_t)(s->cmd_ctr + 1)) < 0 ||
	    wbuf_put(&w, s->ti, NT_TI_LEN) < 0 || wbuf_put(&w, raw, dlen) < 0) {
		r = NTAG424_ERR_RX;
		goto fail;
	}
	if ((r = s->suite->mac(s, macin, w.len, mact)) != NTAG424_OK)
		goto fail;
	if (!ct_equal(mact, raw + dlen, MACT_LEN)) {
		r = NTAG424_ERR_INTEGRITY;
		goto fail;
	}
	if (c->mode == NT_MODE_FULL && dlen > 0) {
		*resp_len = cap;
		r = s->suite->decrypt(s, raw, dlen, resp, resp_len);
		goto fail;
	}
	if (dlen > cap) {
		r = NTAG424_ERR_RX;
		goto fail;
	}
	memcpy(resp, raw, dlen);
	*resp_len = dlen;
	r = NTAG424_OK;
fail:
	wipe(macin, sizeof(macin));
	wipe(mact, sizeof(mact));
	return r;
}

static bool
success(const nt_cmd_t *c, uint16_t sw)
{
	return sw == NT_SW_OK ||
	    ((c->flags & NT_SM_ALLOW_9190) && sw == 0x9190);
}

/* The response half of a secured exchange; the session is still intact. */
static int
respond(ntag424_dev_t *dev, const nt_cmd_t *c, uint16_t sw, uint8_t *raw,
    size_t n, uint8_t *resp, size_t cap, size_t *resp_len)
{
	if (c->flags & NT_SM_NO_RESP_MAC) {
		/* AN12196 Table 27: changing the authenticated key ends it. */
		nt_sess_wipe(dev);
		*resp_len = 0;
		return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
	}
	if (c->mode == NT_MODE_PLAIN) {
		if (n > cap)
			return NTAG424_ERR_RX;
		memcpy(resp, raw, n);
		*resp_len = n;
		return NTAG424_OK;
	}
	return verify(&dev->sess, c, sw, raw, n, resp, cap, resp_len);
}

int
nt_sm_exchange(ntag424_dev_t *dev, const nt_cmd_t *c, uint8_t *resp,
    size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
	uint8_t	body[NT_LC_MAX];
	uint8_t	raw[RAW_MAX];
	size_t	len = 0, n = 0;
	int	r;

	*resp_len = 0;
	if (!nt_sess_active(dev))
		return plain(dev, c, resp, resp_cap, resp_len, sw);
	/* 9.1.2: FFFF cannot be used; the tag would answer 911E anyway. */
	if (dev->sess.cmd_ctr == 0xFFFF) {
		r = NTAG424_ERR_STATE;
		goto fail;
	}
	if ((r = build(&dev->sess, c, body, &len)) != NTAG424_OK ||
	    (r = exchange(dev, c, body, len, raw, sizeof(raw), &n,
	    sw)) != NTAG424_OK)
		goto fail;
	if (!success(c, *sw)) {
		r = NTAG424_OK;	/* the caller reports the status word */
		goto fail;
	}
	if ((r = respond(dev, c, *sw, raw, n, resp, resp_cap,
	    resp_len)) != NTAG424_OK)
		goto fail;
	if (nt_sess_active(dev))
		dev->sess.cmd_ctr++;
	wipe(body, sizeof(body));
	wipe(raw, sizeof(raw));
	return NTAG424_OK;
fail:
	/* Every failure leaves the tag unauthenticated; mirror that here. */
	if (r == NTAG424_ERR_INTEGRITY)
		log_msg(PLOG_WARN, "response MAC of command %02X did not "
		    "verify; session closed", c->cmd);
	nt_sess_wipe(dev);
	wipe(body, sizeof(body));
	wipe(raw, sizeof(raw));
	return r;
}
