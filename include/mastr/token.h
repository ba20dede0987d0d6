/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software MASTR token: a stand-in for the Pico W + ATECC608A that
 * speaks the original's serial protocol and provisioning HTTP API
 * (docs/mastr-protocol.md sections 1-6), for tests, demos and people without
 * the board.
 *
 * State directory layout (mirrors the ATECC608A):
 *   slot0.pem  the token's permanent P-256 private key (mode 0600),
 *              created on first use
 *   slot8.bin  128 bytes: host_pub(64) | golden_hash(32) | wifi_pass(32)
 */
#ifndef MASTR_TOKEN_H
#define MASTR_TOKEN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "mastr/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Token states (docs/mastr-protocol.md section 5). */
#define MASTR_ST_UNPROVISIONED	0x10
#define MASTR_ST_WAIT_ECDH	0x20
#define MASTR_ST_ECDH_DONE	0x21
#define MASTR_ST_CHANNEL	0x22
#define MASTR_ST_INTEGRITY	0x30
#define MASTR_ST_BOOT_OK	0x32
#define MASTR_ST_RUNTIME	0x40
#define MASTR_ST_HALT		0xFF

#define MASTR_WIFI_LEN		32

/* Slot 8 of the ATECC608A. */
typedef struct mastr_token_slots {
	uint8_t	host_pub[MASTR_PUB_LEN];
	uint8_t	golden[MASTR_HASH_LEN];
	uint8_t	wifi[MASTR_WIFI_LEN];	/* NUL-padded WPA2 password */
} mastr_token_slots_t;

/* Load slot 0 from dir, creating a fresh key on first use. */
int mastr_token_store_key(const char *dir, mastr_eckey_t **key);
/* Read slot 8 (all zero if never written). MASTR_ERR_STORE. */
int mastr_token_store_read(const char *dir, mastr_token_slots_t *s);
/*
 * Write slot 8 atomically (temp file, fsync, rename, directory fsync);
 * MASTR_ERR_STORE, also when slot8.bin is a link or not a regular file.
 */
int mastr_token_store_write(const char *dir, const mastr_token_slots_t *s);
/*
 * Before the token uses dir: MASTR_ERR_STORE with a sentence in why when
 * the directory is not ours or can be written by group or others,
 * slot0.pem (the private key) can be read by them or slot8.bin written by
 * them. MASTR_OK for a directory not created yet.
 */
int mastr_token_store_check(const char *dir, char *why, size_t cap);
/*
 * MASTR_ERR_STORE with a sentence when slot 8 holds a host key with an
 * all-zero golden hash: no boot could ever match it, the token would wait
 * for ever. mastr_token_new() refuses such a state, and it is never
 * written.
 */
int mastr_token_slots_check(const mastr_token_slots_t *s, char *why,
    size_t cap);
/* Both host key and golden hash non-zero, as the firmware decides. */
int mastr_token_slots_provisioned(const mastr_token_slots_t *s);
int mastr_token_slots_claimed(const mastr_token_slots_t *s);

/* Fault injections (docs/mastr-protocol.md 6); each is off unless asked for. */
#define MASTR_FAULT_BAD_SIG		(1u << 0)  /* flip a bit of Sig_T */
#define MASTR_FAULT_WRONG_KEY		(1u << 1)  /* sign ET with another key */
#define MASTR_FAULT_GCM_TAG		(1u << 2)  /* flip a tag bit of the ping */
#define MASTR_FAULT_CHECKSUM		(1u << 3)  /* bad checksum on T2H_ECDH_SHARE */
#define MASTR_FAULT_BAD_ESCAPE		(1u << 4)  /* 7D 00 instead of the share */
#define MASTR_FAULT_OVERSIZE		(1u << 5)  /* 300-byte body instead */
#define MASTR_FAULT_DEBUG_MSG		(1u << 6)  /* DEBUG_MSG before the share */
#define MASTR_FAULT_ERROR		(1u << 7)  /* T2H_ERROR for the verdict */
#define MASTR_FAULT_NACK		(1u << 8)  /* T2H_NACK for the verdict */
#define MASTR_FAULT_DROP_PING		(1u << 9)
#define MASTR_FAULT_DROP_BOOT_OK	(1u << 10)
#define MASTR_FAULT_DROP_HB_ACK		(1u << 11)
#define MASTR_FAULT_ENCRYPTED_START	(1u << 12) /* as after a host reboot */

/* "bad-sig" -> MASTR_FAULT_BAD_SIG, ... MASTR_ERR_ARG if unknown. */
int mastr_token_fault_parse(const char *name, unsigned *bit);

typedef struct mastr_token_opts {
	int	 ecdh_delay_ms;		/* 500 */
	int	 ping_delay_ms;		/* 1000 */
	int	 reply_delay_ms;	/* 500 */
	int	 session_timeout_ms;	/* 30000 */
	int	 halt_period_ms;	/* 1000 */
	unsigned faults;
	FILE	*log;			/* one line per frame, or NULL */
} mastr_token_opts_t;

void mastr_token_opts_default(mastr_token_opts_t *o);

typedef struct mastr_token mastr_token_t;

/*
 * A token on state directory dir (copied); whether it is provisioned is
 * decided here, once, as on the real token. MASTR_ERR_STORE, MASTR_ERR_NOMEM.
 */
int mastr_token_new(const char *dir, const mastr_token_opts_t *o,
    mastr_token_t **out);
/* NULL-safe; wipes session keys, sets *t = NULL. */
void mastr_token_free(mastr_token_t **t);

int mastr_token_state(const mastr_token_t *t);	/* thread-safe */
int mastr_token_provisioned(const mastr_token_t *t);
int mastr_token_claimed(const mastr_token_t *t);
const uint8_t *mastr_token_pub_ptr(const mastr_token_t *t);
const char *mastr_token_dir(const mastr_token_t *t);

/*
 * Serve the serial protocol on fd until *stop becomes non-zero (MASTR_OK)
 * or the peer closes it (MASTR_ERR_CLOSED). A non-zero *reattest starts a
 * re-attestation (if in runtime) and is cleared. The final state is logged.
 */
int mastr_token_serve(mastr_token_t *t, int fd, volatile sig_atomic_t *stop,
    volatile sig_atomic_t *reattest);

/*
 * One turn of mastr_token_serve() without waiting, for tests and fuzzing:
 * attach starts a session on fd (as serve does); step runs the timers as of
 * now (mastr_clock_ms() plus any skew) and handles at most one frame that
 * is already readable. Returns as serve's loop would decide to go on
 * (MASTR_OK) or stop (the error).
 */
int mastr_token_attach(mastr_token_t *t, int fd);
int mastr_token_step(mastr_token_t *t, uint64_t now);

/* The provisioning HTTP API on addr:port (port 0: any free port). */
typedef struct mastr_token_http mastr_token_http_t;

int mastr_token_http_start(mastr_token_t *t, const char *addr, uint16_t port,
    mastr_token_http_t **out);
uint16_t mastr_token_http_port(const mastr_token_http_t *h);
/* NULL-safe; stops the server thread, wipes the bearer token. */
void mastr_token_http_stop(mastr_token_http_t **h);

#ifdef __cplusplus
}
#endif

#endif
