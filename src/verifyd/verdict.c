/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Verdicts and their HTTP statuses (docs/verifyd.md). A genuine first tap
 * is 200; every refusal gets the 4xx that says why, and only failures of
 * the service itself (keys or store unreachable) are 5xx, so a client
 * knows whether asking again can help.
 */
#include <stddef.h>

#include "verifyd/verifyd.h"

static const struct {
	const char	*name;
	unsigned	 status;
} verdicts[VD_NVERDICTS] = {
	[VD_VALID] = { "valid", 200 },
	[VD_BAD_MAC] = { "bad_mac", 403 },
	[VD_REPLAY] = { "replay", 409 },
	[VD_UNKNOWN_TAG] = { "unknown_tag", 404 },
	[VD_MALFORMED] = { "malformed", 400 },
	[VD_KEY_UNAVAILABLE] = { "key_unavailable", 503 },
	[VD_STORE_ERROR] = { "store_error", 503 },
	[VD_REVOKED] = { "revoked", 410 },
};

const char *
vd_verdict_name(int verdict)
{
	if (verdict < 0 || verdict >= VD_NVERDICTS)
		return "internal_error";
	return verdicts[verdict].name;
}

unsigned
vd_verdict_status(int verdict)
{
	if (verdict < 0 || verdict >= VD_NVERDICTS)
		return 500;
	return verdicts[verdict].status;
}
