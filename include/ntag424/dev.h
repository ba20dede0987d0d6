/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tag behind some transport, with its secure-messaging session.
 *
 * ntag424_dev_t is opaque. Every command function takes one. The session
 * (authenticated key, TI, CmdCtr, session keys) lives inside it and is wiped
 * when it ends, when the tag answers an error in a secure session, and in
 * ntag424_dev_free().
 */
#ifndef NTAG424_DEV_H
#define NTAG424_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/io.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ntag424_dev ntag424_dev_t;

/* Default and smallest allowed largest C-APDU data size (ACR122U: 52). */
#define NTAG424_CHUNK_DEFAULT	52
#define NTAG424_CHUNK_MIN	16

/* Returns a device with no transport, or NULL if out of memory. */
ntag424_dev_t *ntag424_dev_new(void);
/* NULL-safe; closes the transport, wipes the session, sets *devp = NULL. */
void ntag424_dev_free(ntag424_dev_t **devp);

/*
 * Use a custom transport. ops must outlive dev; ctx is owned by dev from
 * now on (ops->close(ctx) is called by ntag424_dev_free or when replaced).
 */
int ntag424_dev_set_io(ntag424_dev_t *dev, const ntag424_io_ops_t *ops,
    void *ctx);

/*
 * Largest C-APDU data field (Lc) any command may send, NTAG424_CHUNK_MIN..255.
 * Longer writes are split. Default NTAG424_CHUNK_DEFAULT.
 */
int ntag424_dev_set_max_chunk(ntag424_dev_t *dev, size_t max_lc);
size_t ntag424_dev_max_chunk(const ntag424_dev_t *dev);

/*
 * Trace every C-APDU and R-APDU to the log at trace level, with key
 * material and session data redacted.
 */
void ntag424_dev_set_trace(ntag424_dev_t *dev, int on);

/* Number of C-APDUs and bytes (both directions) sent since creation. */
size_t ntag424_dev_apdu_count(const ntag424_dev_t *dev);
size_t ntag424_dev_byte_count(const ntag424_dev_t *dev);

/* Send one raw C-APDU (no wrapping, no session). Counts as an APDU. */
int ntag424_dev_transceive(ntag424_dev_t *dev, const uint8_t *capdu,
    size_t capdu_len, uint8_t *rapdu, size_t *rapdu_len);

/* Re-establish the transport after the tag left the field; drops the session. */
int ntag424_dev_reconnect(ntag424_dev_t *dev);

#ifdef __cplusplus
}
#endif

#endif
