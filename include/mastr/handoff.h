/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Handing the session key from mastr-bootstrap (initramfs) to
 * mastr-heartbeat (runtime): the kernel session keyring, as the original
 * ("user" key "mastr-session" in @s), or for tests a file of mode 0600.
 */
#ifndef MASTR_HANDOFF_H
#define MASTR_HANDOFF_H

#include <stdint.h>

#include "mastr/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MASTR_KEYRING_DESC	"mastr-session"

/*
 * Store key: in path (created or replaced with mode 0600, written whole
 * then renamed into place) or, if path is NULL, in the session keyring.
 * MASTR_ERR_IO or MASTR_ERR_KEYRING.
 */
int mastr_handoff_store(const char *path, const uint8_t key[MASTR_KEY_LEN]);

/*
 * Load it back. A file must be exactly 16 bytes and not readable by group
 * or others (MASTR_ERR_IO otherwise); key is wiped on failure.
 */
int mastr_handoff_load(const char *path, uint8_t key[MASTR_KEY_LEN]);

#ifdef __cplusplus
}
#endif

#endif
