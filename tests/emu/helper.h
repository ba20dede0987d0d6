/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helpers for the emulator: exchange APDUs given in hex, and a small
 * host side (EV2 authentication and secure messaging) written here from
 * the reference, independent of both src/emu and src/ntag424. The AN12196
 * replays in test_emu_vectors.c pin both sides to the published bytes.
 */
#ifndef PROVISIO_TEST_EMU_HELPER_H
#define PROVISIO_TEST_EMU_HELPER_H

#include <stddef.h>
#include <stdint.h>

#include "emu/emu.h"

#define H_PLAIN	0
#define H_MAC	1
#define H_FULL	3

typedef struct hsess {
	uint8_t		keyno;
	uint8_t		ti[4];
	uint16_t	ctr;
	uint8_t		kenc[16];
	uint8_t		kmac[16];
} hsess_t;

/* A factory tag with UID 04 11 22 33 44 55 66 and the application selected. */
emu_t *h_tag(void);
/* Send raw bytes; returns the status word, data in resp/resplen if given. */
int h_send(emu_t *e, const uint8_t *c, size_t clen, uint8_t *resp,
    size_t *resplen);
/* Send hex, return the SW (data discarded). */
int h_sw(emu_t *e, const char *capdu_hex);
/* Send hex and compare the whole R-APDU with hex; 1 if equal. */
int h_xchg(const char *file, int line, emu_t *e, const char *capdu_hex,
    const char *rapdu_hex);
#define XCHG(e, c, r) h_xchg(__FILE__, __LINE__, (e), (c), (r))

/* EV2First (first = 1) or NonFirst with key; 0x9100 on success. */
int h_auth(emu_t *e, int first, uint8_t keyno, const uint8_t key[16],
    hsess_t *s);
/*
 * One command in a session in mode: builds MAC/encryption, checks the
 * answer's MAC, decrypts. Returns the SW; on a MAC mismatch of the answer
 * returns -1. resp may be NULL.
 */
int h_cmd(emu_t *e, hsess_t *s, uint8_t ins, const uint8_t *hdr,
    size_t hdrlen, const uint8_t *data, size_t len, int mode, uint8_t *resp,
    size_t *resplen);
/* A native command without a session: 90 ins 00 00 [Lc data] 00. */
int h_plain(emu_t *e, uint8_t ins, const uint8_t *data, size_t len,
    uint8_t *resp, size_t *resplen);

/* MACt over first || ctr || TI || d with the session MAC key. */
void h_mact(const hsess_t *s, uint8_t first, uint16_t ctr, const uint8_t *d,
    size_t n, uint8_t out[8]);

/* ChangeKey through h_cmd (session with key 0). */
int h_change_key(emu_t *e, hsess_t *s, uint8_t keyno, const uint8_t old[16],
    const uint8_t nk[16], uint8_t ver);

#endif
