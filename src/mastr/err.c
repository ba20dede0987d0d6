/* SPDX-License-Identifier: BSD-2-Clause */
/* The one table of libmastr return codes. */
#include <stddef.h>

#include "mastr/err.h"

struct code {
	int		 code;
	const char	*name;
	const char	*text;
};

static const struct code codes[] = {
	{ MASTR_OK, "OK", "success" },
	{ MASTR_ERR_ARG, "MASTR_ERR_ARG", "invalid argument" },
	{ MASTR_ERR_INTERNAL, "MASTR_ERR_INTERNAL", "internal error" },
	{ MASTR_ERR_NOMEM, "MASTR_ERR_NOMEM", "out of memory" },
	{ MASTR_ERR_CRYPTO, "MASTR_ERR_CRYPTO",
	    "a cryptographic operation failed in OpenSSL" },
	{ MASTR_ERR_IO, "MASTR_ERR_IO", "input/output error" },
	{ MASTR_ERR_CLOSED, "MASTR_ERR_CLOSED",
	    "the serial link was closed (token unplugged?)" },
	{ MASTR_ERR_TIMEOUT, "MASTR_ERR_TIMEOUT",
	    "the token did not answer in time" },
	{ MASTR_ERR_FRAME, "MASTR_ERR_FRAME",
	    "malformed frame: too short or its length field does not match" },
	{ MASTR_ERR_CHECKSUM, "MASTR_ERR_CHECKSUM",
	    "frame checksum mismatch" },
	{ MASTR_ERR_ESCAPE, "MASTR_ERR_ESCAPE",
	    "invalid escape sequence in a frame" },
	{ MASTR_ERR_OVERSIZE, "MASTR_ERR_OVERSIZE",
	    "frame longer than 260 bytes" },
	{ MASTR_ERR_GCM, "MASTR_ERR_GCM",
	    "AES-GCM authentication failed: frame forged, corrupted or sent "
	    "under another session key (token still in an old session? "
	    "power-cycle it)" },
	{ MASTR_ERR_SIGNATURE, "MASTR_ERR_SIGNATURE",
	    "signature does not verify against the paired key" },
	{ MASTR_ERR_POINT, "MASTR_ERR_POINT",
	    "not a valid P-256 public key (point not on the curve)" },
	{ MASTR_ERR_HEX, "MASTR_ERR_HEX",
	    "not hex of the expected length" },
	{ MASTR_ERR_PROTOCOL, "MASTR_ERR_PROTOCOL",
	    "unexpected message from the token" },
	{ MASTR_ERR_NACK, "MASTR_ERR_NACK",
	    "the token rejected the message (NACK)" },
	{ MASTR_ERR_TOKEN, "MASTR_ERR_TOKEN",
	    "the token reported an internal error (secure element)" },
	{ MASTR_ERR_HALT, "MASTR_ERR_HALT",
	    "the token refused the host's integrity (INTEGRITY_FAIL_HALT)" },
	{ MASTR_ERR_DEBUG, "MASTR_ERR_DEBUG",
	    "the token is a debug build (DEBUG_MSG received); refusing "
	    "without --debug" },
	{ MASTR_ERR_TPM_UNREACHABLE, "MASTR_ERR_TPM_UNREACHABLE",
	    "cannot reach the TPM (check --tcti / MASTR_TCTI)" },
	{ MASTR_ERR_TPM, "MASTR_ERR_TPM", "a TPM command failed" },
	{ MASTR_ERR_NO_HOST_KEY, "MASTR_ERR_NO_HOST_KEY",
	    "no host signing key at the key handle (run "
	    "mastr-provision --regenerate)" },
	{ MASTR_ERR_NV_EMPTY, "MASTR_ERR_NV_EMPTY",
	    "no token public key stored in the NV index (run "
	    "mastr-provision --set-token-pubkey)" },
	{ MASTR_ERR_NV_FOREIGN, "MASTR_ERR_NV_FOREIGN",
	    "the NV index is occupied by the platform (EK certificate?) or is "
	    "not a 64-byte owner index; use a free owner index such as "
	    "--nv-index 0x01800002" },
	{ MASTR_ERR_KEYRING, "MASTR_ERR_KEYRING",
	    "the kernel session keyring refused the session key" },
	{ MASTR_ERR_STORE, "MASTR_ERR_STORE",
	    "the token state directory cannot be read or written" },
	{ MASTR_ERR_STATE, "MASTR_ERR_STATE",
	    "operation not possible in the current state" },
};

static const struct code *
lookup(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

const char *
mastr_strerror(int code)
{
	const struct code *c = lookup(code);

	return c != NULL ? c->text : "unknown error";
}

const char *
mastr_errname(int code)
{
	const struct code *c = lookup(code);

	return c != NULL ? c->name : "UNKNOWN_ERROR";
}
