/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * emu_process: one C-APDU in, one R-APDU out. Framing of wrapped native
 * commands (NT4H2421Gx 8.3, 8.4, Table 16), dispatch, the session rules
 * that apply to every command (7.3: any error ends the session, sent
 * without MAC), multi-frame bookkeeping (E-8), tearing and the APDU log.
 */
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/prim.h"
#include "emu/emu_int.h"
#include "ntag424/err.h"
#include "ntag424/io.h"

static const struct native {
	uint8_t		ins;
	emu_handler_t	fn;
} natives[] = {
	{ 0x71, auth_first },
	{ 0x77, auth_nonfirst },
	{ 0xC4, keys_change },
	{ 0x64, keys_version },
	{ 0xF5, files_get_settings },
	{ 0x5F, files_change_settings },
	{ 0xF6, files_counters },
	{ 0xAD, data_read },
	{ 0x8D, data_write },
	{ 0x5C, config_set },
	{ 0x60, version_get },
	{ 0x51, uid_get },
	{ 0x3C, sig_read },
};

/* Plain header bytes of each INS that a log may show (the rest is redacted). */
static size_t
log_plain_header(uint8_t ins)
{
	switch (ins) {
	case 0xAD:
	case 0x8D:
		return 7;
	case 0x71:
		return 2;
	case 0x77:
	case 0xC4:
	case 0x64:
	case 0xF5:
	case 0x5F:
	case 0xF6:
	case 0x5C:
	case 0x3C:
		return 1;
	default:
		return 0;
	}
}

/* shown bytes in hex, then hidden bytes as a count, then tail bytes. */
static void
log_bytes(const char *dir, const uint8_t *p, size_t shown, size_t hidden,
    size_t tail)
{
	char head[2 * NTAG424_CAPDU_MAX + 1], end[2 * 2 + 1];

	if (shown > NTAG424_CAPDU_MAX || tail > 2)
		return;
	hex_encode(p, shown, head);
	hex_encode(p + shown + hidden, tail, end);
	if (hidden > 0)
		log_msg(PLOG_TRACE, "emu %s %s [%zu bytes redacted] %s", dir,
		    head, hidden, end);
	else
		log_msg(PLOG_TRACE, "emu %s %s%s", dir, head, end);
}

/*
 * C-APDU: CLA INS P1 P2 Lc, the plain header of native commands and Le;
 * the data (cryptograms, key data, secure-messaging payloads) never. ISO
 * commands carry no secrets. R-APDU: the status word, and data only when no
 * session or authentication is involved.
 */
static void
log_apdu(const emu_t *e, const uint8_t *c, size_t clen, const uint8_t *r,
    size_t rlen, int secret)
{
	size_t shown = clen, hidden = 0, tail = 0;

	if (clen > 6 && c[0] == 0x90) {
		shown = 5 + log_plain_header(c[1]);
		if (shown > clen - 1)
			shown = clen - 1;
		tail = 1;
		hidden = clen - shown - tail;
	}
	log_bytes(">>", c, shown, hidden, tail);
	if (secret || e->v.sess.active)
		log_bytes("<<", r + rlen - 2, 2, 0, 0);
	else
		log_bytes("<<", r, rlen, 0, 0);
}

/*
 * 90 INS 00 00 [Lc data] 00: Lc must match and Le must be 00 (917E, E-7);
 * P1 and P2 must be 00 (919E).
 */
static uint16_t
parse_native(const uint8_t *c, size_t len, emu_cmd_t *cmd)
{
	size_t lc = 0;

	if (len < 5)
		return SW_LENGTH;
	if (len > 5) {
		lc = c[4];
		if (lc == 0 || len != 5 + lc + 1)
			return SW_LENGTH;
	}
	if (c[len - 1] != 0x00)
		return SW_LENGTH;
	if (c[2] != 0x00 || c[3] != 0x00)
		return SW_PARAMETER;
	cmd->ins = c[1];
	cmd->data = lc > 0 ? c + 5 : c;
	cmd->len = lc;
	return SW_OK;
}

static uint16_t
native(emu_t *e, const uint8_t *capdu, size_t len, wbuf_t *out)
{
	emu_cmd_t	 cmd;
	emu_handler_t	 fn = NULL;
	int		 pending = e->v.pending;
	uint16_t	 sw;

	e->v.pending = PEND_NONE;
	if ((sw = parse_native(capdu, len, &cmd)) != SW_OK)
		goto done;
	if (cmd.ins == 0xAF) {
		if (pending == PEND_AUTH)
			fn = auth_part2;
		else if (pending == PEND_VERSION2 || pending == PEND_VERSION3) {
			e->v.pending = pending;
			fn = version_next;
		}
	} else if (pending == PEND_AUTH) {
		/*
		 * Real tags refuse any other command while an authentication
		 * waits for its part 2 (91CA, "multiple pass command ongoing")
		 * and drop the authentication; the next command runs.
		 */
		emu_session_drop(e);
		sw = SW_ABORTED;
		goto done;
	}
	for (size_t i = 0; fn == NULL && i < sizeof(natives) / sizeof(natives[0]);
	    i++)
		if (natives[i].ins == cmd.ins)
			fn = natives[i].fn;
	sw = fn != NULL ? fn(e, &cmd, out) : SW_ILLEGAL;
done:
	if (sw != SW_OK && sw != SW_MORE && sw != SW_SIG_OK) {
		/* DS 9.1.9/9.1.10: not authenticated, no MAC on the error. */
		emu_session_drop(e);
		e->v.pending = PEND_NONE;
		out->len = 0;
	}
	return sw;
}

static uint16_t
dispatch(emu_t *e, const uint8_t *capdu, size_t len, wbuf_t *out)
{
	if (len < 4)
		return SW_ISO_LENGTH;
	switch (capdu[0]) {
	case 0x90:
		return native(e, capdu, len, out);
	case 0x00:
		if (e->v.pending != PEND_NONE) {
			if (e->v.pending == PEND_AUTH)
				emu_session_drop(e);
			e->v.pending = PEND_NONE;
		}
		return iso_process(e, capdu, len, out);
	default:
		return SW_ISO_CLA;
	}
}

/* Returns 1 if the power is cut at this C-APDU (tear point reached). */
static int
tear_due(emu_t *e)
{
	if (e->tear_left == 0)
		return 0;
	return --e->tear_left == 0;
}

int
emu_process(emu_t *e, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len)
{
	emu_persist_t	 before;
	wbuf_t		 out;
	uint16_t	 sw;
	int		 tear, secret;

	if (e == NULL || capdu == NULL || rapdu == NULL || rapdu_len == NULL ||
	    *rapdu_len < NTAG424_RAPDU_MAX)
		return NTAG424_ERR_ARG;
	if (e->v.torn)
		return NTAG424_ERR_CARD_REMOVED;
	tear = tear_due(e);
	if (tear && e->tear_when == EMU_TEAR_BEFORE) {
		e->v.torn = 1;
		return NTAG424_ERR_CARD_REMOVED;
	}
	memcpy(&before, &e->p, sizeof(before));
	secret = e->v.sess.active || e->v.pending == PEND_AUTH;
	e->v.run_prev = e->v.run;
	e->v.run = RUN_NONE;
	wbuf_init(&out, rapdu, *rapdu_len - 2);
	sw = dispatch(e, capdu, capdu_len, &out);
	if (memcmp(&before, &e->p, sizeof(before)) != 0)
		e->changed = 1;
	wipe(&before, sizeof(before));
	put_u16be(rapdu + out.len, sw);
	*rapdu_len = out.len + 2;
	if (e->log)
		log_apdu(e, capdu, capdu_len, rapdu, *rapdu_len,
		    secret || e->v.pending == PEND_AUTH);
	if (tear) {
		/* EMU_TEAR_AFTER: the effect stays, the answer is lost. */
		wipe(rapdu, *rapdu_len);
		*rapdu_len = 0;
		e->v.torn = 1;
		return NTAG424_ERR_CARD_REMOVED;
	}
	return NTAG424_OK;
}
