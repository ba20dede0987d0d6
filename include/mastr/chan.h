/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A MASTR serial channel: one file descriptor (a tty, a pty master or a
 * socket), the framing of frame.h and, once a session key is set, AES-GCM.
 * Used by the host programs and by the software token alike.
 */
#ifndef MASTR_CHAN_H
#define MASTR_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "mastr/crypto.h"
#include "mastr/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mastr_chan mastr_chan_t;

/* One received message; payload holds plaintext, wipe it when done. */
typedef struct mastr_msg {
	uint8_t	type;
	size_t	len;
	uint8_t	payload[MASTR_PAYLOAD_MAX];
} mastr_msg_t;

/* A channel on fd (borrowed: the caller closes it). NULL on no memory. */
mastr_chan_t *mastr_chan_new(int fd);
/* NULL-safe; wipes the key and buffers, sets *ch = NULL. */
void mastr_chan_free(mastr_chan_t **ch);

/* Encrypt everything from now on under key (copied). */
void mastr_chan_set_key(mastr_chan_t *ch, const uint8_t key[MASTR_KEY_LEN]);
/* Back to plaintext; the key is wiped. */
void mastr_chan_clear_key(mastr_chan_t *ch);
int mastr_chan_encrypted(const mastr_chan_t *ch);

/* Open a tty in raw mode (cfmakeraw, no echo, no ICRNL). fd or -1. */
int mastr_tty_open(const char *path);
/* Put fd in raw mode. MASTR_OK or MASTR_ERR_IO. */
int mastr_tty_raw(int fd);

/*
 * Send one message: inner frame, GCM if a key is set, stuffing, write.
 * MASTR_ERR_ARG if the payload is too long for the mode, MASTR_ERR_IO.
 */
int mastr_chan_send(mastr_chan_t *ch, uint8_t type, const uint8_t *payload,
    size_t len);

/*
 * The steps of mastr_chan_send, for callers that must alter a frame (the
 * software token's fault injection): wrap an inner frame into a body
 * (encrypting when a key is set), and stuff and write a body as it is.
 */
int mastr_chan_wrap(const mastr_chan_t *ch, const uint8_t *inner, size_t n,
    uint8_t *body, size_t cap, size_t *bodylen);
int mastr_chan_write_body(mastr_chan_t *ch, const uint8_t *body, size_t n);
/* Write bytes as they are (no framing). */
int mastr_chan_write_raw(mastr_chan_t *ch, const uint8_t *p, size_t n);

/*
 * Wait up to timeout_ms (0: only what is already readable) for one
 * message. MASTR_OK with *msg filled; MASTR_ERR_TIMEOUT; MASTR_ERR_CLOSED
 * at end of file; MASTR_ERR_IO; or, for a bad frame (which is consumed):
 * MASTR_ERR_ESCAPE, MASTR_ERR_OVERSIZE, MASTR_ERR_GCM, MASTR_ERR_FRAME,
 * MASTR_ERR_CHECKSUM. Bytes after the frame stay buffered for the next
 * call. A signal that interrupts the wait ends it with MASTR_ERR_TIMEOUT,
 * so that a caller's event loop can look at its flags.
 */
int mastr_chan_recv(mastr_chan_t *ch, int timeout_ms, mastr_msg_t *msg);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t mastr_clock_ms(void);

#ifdef __cplusplus
}
#endif

#endif
