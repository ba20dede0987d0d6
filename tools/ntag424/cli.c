/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the ntag424 subcommands: opening a tag, errors. */
#include <stdio.h>

#include "cli.h"
#include "ntag424/pcsc.h"

static unsigned int transmit_timeout_ms = NTAG424_PCSC_TIMEOUT_MS;

void
cli_set_transmit_timeout(unsigned int ms)
{
	transmit_timeout_ms = ms;
}

struct hint {
	int		 code;
	const char	*text;
};

static const struct hint hints[] = {
	{ NTAG424_ERR_NO_SERVICE, "start the PC/SC daemon (systemctl start "
	    "pcscd.socket, or pcscd -f) and try again" },
	{ NTAG424_ERR_NO_READER, "plug in the reader; 'ntag424 list-readers' "
	    "shows the names pcscd knows" },
	{ NTAG424_ERR_NO_CARD, "place the tag flat on the reader and try "
	    "again" },
	{ NTAG424_ERR_CARD_REMOVED, "keep the tag on the reader until the "
	    "command has finished, then run it again" },
	{ NTAG424_ERR_READER_BUSY, "another program holds the reader; close "
	    "it (or stop the other ntag424) and try again" },
	{ NTAG424_ERR_TIMEOUT, "no tag came, or the tag or reader stopped "
	    "answering (see above); take the tag away, place it again and "
	    "retry" },
	{ NTAG424_ERR_INTEGRITY, "the tag's answer failed its MAC check "
	    "(radio noise or tampering); the session was closed, try again" },
	{ NTAG424_ERR_RX, "the answer was not what an NTAG 424 DNA sends; "
	    "check that this is an NTAG 424 DNA and hold it still" },
	{ NTAG424_ERR_AUTH, "the tag did not prove knowledge of the key: "
	    "not the tag you expect" },
	{ 0x6A82, "this is not an NTAG 424 DNA: it has no NDEF application "
	    "D2760000850101" },
	{ 0x911C, "the tag does not know this command: is it an NTAG 424 "
	    "DNA?" },
	{ 0x91AE, "the key is not this tag's key, or the command needs "
	    "another key; nothing was changed" },
	{ 0x91AD, "the tag delays authentication after failed attempts; "
	    "wait a little and retry, never guess keys" },
	{ 0x919D, "the tag's access rights forbid this" },
};

const char *
cli_hint(int code)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (hints[i].code == code)
			return hints[i].text;
	return NULL;
}

void
cli_error(const char *what, int code)
{
	const char *hint = cli_hint(code);

	if (code > 0)
		fprintf(stderr, "ntag424: %s: %s (%04X %s)\n", what,
		    ntag424_strerror(code), (unsigned)code,
		    ntag424_errname(code));
	else
		fprintf(stderr, "ntag424: %s: %s (%s)\n", what,
		    ntag424_strerror(code), ntag424_errname(code));
	if (hint != NULL)
		fprintf(stderr, "  what to do: %s\n", hint);
}

int
cli_open(const char *reader, ntag424_dev_t **devp)
{
	ntag424_dev_t	*dev;
	int		 r;

	*devp = NULL;
	if ((dev = ntag424_dev_new()) == NULL) {
		cli_error("open", NTAG424_ERR_NOMEM);
		return NTAG424_ERR_NOMEM;
	}
	if ((r = ntag424_dev_open_pcsc_timeout(dev, reader,
	    transmit_timeout_ms)) != NTAG424_OK) {
		cli_error(reader != NULL ? reader : "open reader", r);
		ntag424_dev_free(&dev);
		return r;
	}
	*devp = dev;
	return NTAG424_OK;
}

const char *
cli_access(uint8_t nibble, char buf[16])
{
	if (nibble <= NTAG424_KEY_MAX)
		snprintf(buf, 16, "key %u", nibble);
	else if (nibble == NTAG424_AR_FREE)
		snprintf(buf, 16, "free");
	else if (nibble == NTAG424_AR_NEVER)
		snprintf(buf, 16, "never");
	else
		snprintf(buf, 16, "invalid (%X)", nibble);
	return buf;
}
