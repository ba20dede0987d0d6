/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transport below libntag424: one small vtable.
 *
 * A backend moves one C-APDU to the tag and one R-APDU back. It knows
 * nothing about native wrapping, 91AF continuation or secure messaging.
 * Backends shipped: PC/SC (pcsc.c) and the in-process emulator (src/emu).
 */
#ifndef NTAG424_IO_H
#define NTAG424_IO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest short C-APDU: header 4 + Lc 1 + 255 data + Le 1. */
#define NTAG424_CAPDU_MAX	261
/* Largest short R-APDU: 256 data + SW1 SW2. */
#define NTAG424_RAPDU_MAX	258

typedef struct ntag424_io_ops {
	/*
	 * Send capdu[0..capdu_len) and store the answer, status word last,
	 * in rapdu. On entry *rapdu_len is the capacity of rapdu
	 * (NTAG424_RAPDU_MAX); on success it is the answer's length (>= 2).
	 * Returns NTAG424_OK or a negative NTAG424_ERR_* (never a status word).
	 */
	int (*transceive)(void *ctx, const uint8_t *capdu, size_t capdu_len,
	    uint8_t *rapdu, size_t *rapdu_len);
	/* Optional: re-establish the link after the tag left and came back. */
	int (*reconnect)(void *ctx);
	/* Optional: release ctx. Called once by ntag424_dev_free(). */
	void (*close)(void *ctx);
} ntag424_io_ops_t;

#ifdef __cplusplus
}
#endif

#endif
