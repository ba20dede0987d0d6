/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * APDU trace with secrets redacted: only ISO headers, plain command
 * headers (file and key numbers, offsets, lengths) and status words are
 * shown. Cryptograms, MACs, key data and file contents are replaced by
 * their length; responses are shown only for the unauthenticated reads
 * that hold nothing secret (GetVersion, GetFileSettings, GetKeyVersion).
 */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "internal.h"

#define TRACE_MAX	(2 * NTAG424_RAPDU_MAX + 64)

/* How many data bytes of a C-APDU are plain, non-secret parameters. */
static size_t
visible(uint8_t cla, uint8_t ins, size_t lc)
{
	size_t n = 0;

	if (cla == 0x00)
		n = ins == NT_INS_SELECT ? lc : 0;
	else if (cla == 0x90) {
		switch (ins) {
		case NT_CMD_AUTH_EV2_FIRST:
			n = 2;	/* KeyNo LenCap */
			break;
		case NT_CMD_AUTH_EV2_NONFIRST:
		case NT_CMD_CHANGE_KEY:
		case NT_CMD_CHANGE_SETTINGS:
		case NT_CMD_GET_SETTINGS:
		case NT_CMD_GET_KEY_VERSION:
		case NT_CMD_GET_COUNTERS:
		case NT_CMD_SET_CONFIG:
		case NT_CMD_READ_SIG:
			n = 1;
			break;
		case NT_CMD_READ_DATA:
		case NT_CMD_WRITE_DATA:
			n = 7;	/* FileNo Offset Length */
			break;
		default:
			break;
		}
	}
	return n < lc ? n : lc;
}

static bool
public_answer(const ntag424_dev_t *dev)
{
	if (nt_sess_active(dev))
		return false;
	switch (dev->trace_last_ins) {
	case NT_CMD_GET_VERSION:
	case NT_CMD_GET_SETTINGS:
	case NT_CMD_GET_KEY_VERSION:
		return true;
	default:
		return false;
	}
}

static void
put_hex(char *out, size_t cap, size_t *at, const uint8_t *p, size_t n)
{
	char	h[2 * NTAG424_RAPDU_MAX + 1];
	int	k;

	if (n > NTAG424_RAPDU_MAX || *at >= cap)
		return;
	hex_encode(p, n, h);
	k = snprintf(out + *at, cap - *at, "%s", h);
	if (k > 0)
		*at += (size_t)k < cap - *at ? (size_t)k : cap - *at - 1;
}

static void
put_str(char *out, size_t cap, size_t *at, const char *s)
{
	int k;

	if (*at >= cap)
		return;
	k = snprintf(out + *at, cap - *at, "%s", s);
	if (k > 0)
		*at += (size_t)k < cap - *at ? (size_t)k : cap - *at - 1;
}

static void
redacted(char *out, size_t cap, size_t *at, size_t n)
{
	char s[48];

	if (n == 0)
		return;
	snprintf(s, sizeof(s), " <%zu bytes redacted>", n);
	put_str(out, cap, at, s);
}

static void
format_command(const uint8_t *a, size_t len, char *out, size_t cap,
    size_t *at)
{
	size_t lc = 0, show;

	put_str(out, cap, at, "C> ");
	put_hex(out, cap, at, a, len < 4 ? len : 4);
	if (len <= 5) {		/* no data; maybe Le */
		put_str(out, cap, at, " ");
		put_hex(out, cap, at, a + 4, len > 4 ? len - 4 : 0);
		return;
	}
	lc = a[4] <= len - 5 ? a[4] : len - 5;
	show = visible(a[0], a[1], lc);
	put_str(out, cap, at, " ");
	put_hex(out, cap, at, a + 4, 1);
	put_str(out, cap, at, " ");
	put_hex(out, cap, at, a + 5, show);
	redacted(out, cap, at, lc - show);
	if (len > 5 + lc) {
		put_str(out, cap, at, " ");
		put_hex(out, cap, at, a + 5 + lc, len - 5 - lc);
	}
}

size_t
nt_trace_format(const ntag424_dev_t *dev, bool command, const uint8_t *apdu,
    size_t len, char *out, size_t cap)
{
	size_t at = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (command) {
		format_command(apdu, len, out, cap, &at);
		return at;
	}
	put_str(out, cap, &at, "R< ");
	if (len >= 2 && public_answer(dev))
		put_hex(out, cap, &at, apdu, len - 2);
	else if (len >= 2)
		redacted(out, cap, &at, len - 2);
	put_str(out, cap, &at, " ");
	put_hex(out, cap, &at, apdu + (len >= 2 ? len - 2 : 0),
	    len >= 2 ? 2 : len);
	return at;
}

void
nt_trace(ntag424_dev_t *dev, bool command, const uint8_t *apdu, size_t len)
{
	char line[TRACE_MAX];

	if (!dev->trace)
		return;
	nt_trace_format(dev, command, apdu, len, line, sizeof(line));
	log_msg(PLOG_TRACE, "%s", line);
	/* 90 AF continues the previous command (GetVersion frames 2, 3). */
	if (command && len >= 2 && !(apdu[0] == 0x90 && apdu[1] == NT_CMD_MORE))
		dev->trace_last_ins = apdu[0] == 0x90 ? apdu[1] : 0;
}
