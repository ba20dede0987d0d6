/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AN10922 2.2.1: the diversified key is CMAC(K, 01 || M). The note's
 * explicit construction (pad to 32 bytes, K2 if padded, K1 if not) is
 * exactly what CMAC does to a 1 + |M| <= 32 byte message.
 */
#include <string.h>

#include "common/prim.h"
#include "ntag424/err.h"
#include "ntag424/kdf.h"

int
ntag424_kdf_an10922(const uint8_t master[16], const uint8_t *input,
    size_t input_len, uint8_t out[16])
{
	uint8_t	d[1 + NTAG424_KDF_INPUT_MAX];
	int	r = NTAG424_ERR_ARG;

	if (master == NULL || input == NULL || out == NULL || input_len < 1 ||
	    input_len > NTAG424_KDF_INPUT_MAX)
		return r;
	d[0] = 0x01;
	memcpy(d + 1, input, input_len);
	if (aes128_cmac(master, d, 1 + input_len, out) < 0) {
		wipe(out, 16);
		r = NTAG424_ERR_CRYPTO;
		goto fail;
	}
	r = NTAG424_OK;
fail:
	wipe(d, sizeof(d));
	return r;
}
