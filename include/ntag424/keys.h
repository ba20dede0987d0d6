/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Application keys (NT4H2421Gx 8.2.4, 10.6): ChangeKey and GetKeyVersion.
 */
#ifndef NTAG424_KEYS_H
#define NTAG424_KEYS_H

#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_KEY_LEN		16	/* every key is AES-128 */
#define NTAG424_KEY_MAX		4	/* application keys 0..4 */

/*
 * ChangeKey (CommMode.Full). Needs a session authenticated with key 0
 * (NTAG424_ERR_STATE otherwise, nothing is sent).
 *   key_no 0: new_key || version is sent; the tag ends the session, and so
 *     does dev (old_key is ignored, may be NULL).
 *   key_no 1..4: (new_key ^ old_key) || version || CRC32NK(new_key) is sent;
 *     old_key is required (NTAG424_ERR_ARG). A wrong old_key gets 911E.
 * Status words: 911E, 917E, 919E, 9140, 919D, 91AE, 91CA, 91EE; any of them
 * ends the session. NTAG424_ERR_INTEGRITY if the response MAC is wrong.
 */
int ntag424_key_change(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t new_key[NTAG424_KEY_LEN], uint8_t version,
    const uint8_t old_key[NTAG424_KEY_LEN]);

/*
 * GetKeyVersion: needs no authentication (MAC mode inside a session).
 * Status words: 911E, 917E, 919E, 9140, 91CA, 91EE.
 */
int ntag424_key_version(ntag424_dev_t *dev, uint8_t key_no, uint8_t *version);

#ifdef __cplusplus
}
#endif

#endif
