/* SPDX-License-Identifier: BSD-2-Clause */
/* AN10922 AES-128 key diversification (section 2.2). */
#ifndef NTAG424_KDF_H
#define NTAG424_KDF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_KDF_INPUT_MAX	31

/*
 * out = AES-CMAC(master, 01 || input), input 1..31 bytes (typically
 * UID || AID || system identifier). NTAG424_OK, NTAG424_ERR_ARG or
 * NTAG424_ERR_CRYPTO (out is wiped then).
 */
int ntag424_kdf_an10922(const uint8_t master[16], const uint8_t *input,
    size_t input_len, uint8_t out[16]);

#ifdef __cplusplus
}
#endif

#endif
