/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the MASTR frame parser: arbitrary serial bytes go
 * through the streaming receiver, and every completed body is parsed as a
 * plaintext inner frame and as an encrypted one (GCM open, then parse).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mastr/crypto.h"
#include "mastr/err.h"
#include "mastr/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_body(const uint8_t *body, size_t len)
{
	static const uint8_t	 key[MASTR_KEY_LEN] = { 0x4d, 0x41, 0x53 };
	uint8_t			 plain[MASTR_BODY_MAX];
	const uint8_t		*payload;
	size_t			 plen, n;
	uint8_t			 type;

	if (mastr_inner_decode(body, len, &type, &payload, &plen) == MASTR_OK &&
	    plen > len)
		__builtin_trap();
	if (mastr_gcm_open(key, body, len, plain, sizeof(plain), &n) ==
	    MASTR_OK)
		(void)mastr_inner_decode(plain, n, &type, &payload, &plen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mastr_deframer_t	 d;
	const uint8_t		*body;
	size_t			 len;

	mastr_deframer_init(&d);
	for (size_t i = 0; i < size; i++) {
		int r = mastr_deframer_push(&d, data[i]);

		if (r != 1)
			continue;
		body = mastr_deframer_body(&d, &len);
		if (len > MASTR_BODY_MAX)
			__builtin_trap();
		parse_body(body, len);
	}
	return 0;
}
