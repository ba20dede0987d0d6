/* SPDX-License-Identifier: BSD-2-Clause */
/* The one table of return codes: library errors and the tag's status words. */
#include <stddef.h>

#include "ntag424/err.h"

struct code {
	int		 code;
	const char	*name;
	const char	*text;
};

/* Library errors (negative). */
static const struct code lib_codes[] = {
	{ NTAG424_OK, "OK", "success" },
	{ NTAG424_ERR_TX, "NTAG424_ERR_TX",
	    "could not send the command to the reader" },
	{ NTAG424_ERR_RX, "NTAG424_ERR_RX",
	    "the tag's answer was missing or malformed" },
	{ NTAG424_ERR_ARG, "NTAG424_ERR_ARG", "invalid argument" },
	{ NTAG424_ERR_CRYPTO, "NTAG424_ERR_CRYPTO",
	    "a cryptographic operation failed in OpenSSL" },
	{ NTAG424_ERR_INTEGRITY, "NTAG424_ERR_INTEGRITY",
	    "the tag's response MAC did not verify; the session was closed" },
	{ NTAG424_ERR_STATE, "NTAG424_ERR_STATE",
	    "operation not possible in the current state (no session?)" },
	{ NTAG424_ERR_INTERNAL, "NTAG424_ERR_INTERNAL", "internal error" },
	{ NTAG424_ERR_NOMEM, "NTAG424_ERR_NOMEM", "out of memory" },
	{ NTAG424_ERR_NO_READER, "NTAG424_ERR_NO_READER",
	    "no such PC/SC reader (is pcscd running and the reader plugged in?)" },
	{ NTAG424_ERR_NO_CARD, "NTAG424_ERR_NO_CARD",
	    "no tag on the reader" },
	{ NTAG424_ERR_CARD_REMOVED, "NTAG424_ERR_CARD_REMOVED",
	    "the tag left the reader's field" },
	{ NTAG424_ERR_TIMEOUT, "NTAG424_ERR_TIMEOUT", "timed out" },
	{ NTAG424_ERR_PCSC, "NTAG424_ERR_PCSC", "PC/SC error" },
	{ NTAG424_ERR_AUTH, "NTAG424_ERR_AUTH",
	    "the tag's authentication cryptogram did not match: wrong key "
	    "or not a genuine exchange" },
	{ NTAG424_ERR_SETTINGS, "NTAG424_ERR_SETTINGS",
	    "invalid file settings" },
	{ NTAG424_ERR_TEMPLATE, "NTAG424_ERR_TEMPLATE",
	    "the URL template cannot work" },
	{ NTAG424_ERR_MALFORMED, "NTAG424_ERR_MALFORMED",
	    "input is not well formed" },
	{ NTAG424_ERR_BAD_MAC, "NTAG424_ERR_BAD_MAC",
	    "the SUN MAC does not verify: forged URL or wrong key" },
	{ NTAG424_ERR_NOT_GENUINE, "NTAG424_ERR_NOT_GENUINE",
	    "the originality signature does not verify against NXP's keys" },
	{ NTAG424_ERR_IO, "NTAG424_ERR_IO", "file input/output error" },
	{ NTAG424_ERR_STORE, "NTAG424_ERR_STORE", "keystore database error" },
	{ NTAG424_ERR_KEK, "NTAG424_ERR_KEK",
	    "the key-encryption key is wrong or missing" },
	{ NTAG424_ERR_NOT_FOUND, "NTAG424_ERR_NOT_FOUND", "no such record" },
	{ NTAG424_ERR_FOREIGN, "NTAG424_ERR_FOREIGN",
	    "the tag is neither factory-fresh nor one of ours" },
	{ NTAG424_ERR_TORN, "NTAG424_ERR_TORN",
	    "power was cut during the command (tearing)" },
	{ NTAG424_ERR_NO_SERVICE, "NTAG424_ERR_NO_SERVICE",
	    "the PC/SC service (pcscd) is not running" },
	{ NTAG424_ERR_READER_BUSY, "NTAG424_ERR_READER_BUSY",
	    "another program is using the reader" },
};

/* NT4H2421Gx Table 23 (native, CLA 90) and Table 24 (ISO, CLA 00). */
static const struct code sw_codes[] = {
	{ 0x9100, "OPERATION_OK", "success" },
	{ 0x9000, "OK", "success" },
	{ 0x91AF, "ADDITIONAL_FRAME", "more frames follow" },
	{ 0x911C, "ILLEGAL_COMMAND_CODE",
	    "the tag does not support this command" },
	{ 0x911E, "INTEGRITY_ERROR",
	    "the tag found a bad MAC, padding, CRC or counter" },
	{ 0x9140, "NO_SUCH_KEY", "no such key number on the tag" },
	{ 0x917E, "LENGTH_ERROR", "the tag rejected the command length" },
	{ 0x919D, "PERMISSION_DENIED",
	    "the tag's access rights forbid this" },
	{ 0x919E, "PARAMETER_ERROR", "the tag rejected a parameter value" },
	{ 0x91AD, "AUTHENTICATION_DELAY",
	    "the tag is delaying authentication after failed attempts; "
	    "wait and retry" },
	{ 0x91AE, "AUTHENTICATION_ERROR",
	    "authentication failed or is required: wrong key, or not "
	    "authenticated with the right key" },
	{ 0x91BE, "BOUNDARY_ERROR", "access beyond the end of the file" },
	{ 0x91CA, "COMMAND_ABORTED", "the previous command was not completed" },
	{ 0x91EE, "MEMORY_ERROR", "the tag failed to read or write its memory" },
	{ 0x91F0, "FILE_NOT_FOUND", "no such file on the tag" },
	{ 0x910B, "COMMAND_NOT_FOUND", "the tag does not know this command" },
	{ 0x910C, "COMMAND_FORMAT_ERROR", "the tag rejected the command format" },
	{ 0x6581, "MEMORY_FAILURE", "the tag failed to write its memory" },
	{ 0x6700, "WRONG_LENGTH", "wrong APDU length" },
	{ 0x6982, "SECURITY_STATUS_NOT_SATISFIED",
	    "security status not satisfied (access right or state)" },
	{ 0x6985, "CONDITIONS_NOT_SATISFIED", "conditions of use not satisfied" },
	{ 0x6A80, "INCORRECT_DATA", "incorrect data field" },
	{ 0x6A82, "FILE_NOT_FOUND_ISO", "file or application not found" },
	{ 0x6A86, "WRONG_P1P2", "wrong P1/P2" },
	{ 0x6A87, "LC_INCONSISTENT", "Lc inconsistent with P1/P2" },
	{ 0x6D00, "INS_NOT_SUPPORTED", "instruction not supported" },
	{ 0x6E00, "CLA_NOT_SUPPORTED", "class not supported" },
};

static const struct code *
lookup(int code)
{
	const struct code	*t = code > 0 ? sw_codes : lib_codes;
	size_t			 n = code > 0 ?
	    sizeof(sw_codes) / sizeof(sw_codes[0]) :
	    sizeof(lib_codes) / sizeof(lib_codes[0]);

	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

const char *
ntag424_strerror(int code)
{
	const struct code *c = lookup(code);

	if (c != NULL)
		return c->text;
	if (code > 0)
		return (code & 0xff00) == 0x6c00 ? "wrong Le" :
		    "the tag answered with an unknown status word";
	return "unknown error";
}

const char *
ntag424_errname(int code)
{
	const struct code *c = lookup(code);

	return c != NULL ? c->name : (code > 0 ? "UNKNOWN_SW" : "UNKNOWN_ERROR");
}
