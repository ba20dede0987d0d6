/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host side of a MASTR session (docs/mastr-protocol.md 5): ECDH handshake,
 * channel verification, integrity attestation, heartbeats and the
 * token-initiated re-attestation. Every failure leaves the gate closed:
 * a function returns MASTR_OK only when its step really succeeded.
 */
#ifndef MASTR_HOST_H
#define MASTR_HOST_H

#include <stdint.h>

#include "mastr/chan.h"
#include "mastr/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a session stopped, for the one line a user sees. */
enum mastr_stage {
	MASTR_STAGE_HANDSHAKE = 1,
	MASTR_STAGE_CHANNEL,
	MASTR_STAGE_ATTEST,
	MASTR_STAGE_BOOT_OK,
};

typedef struct mastr_host_cfg {
	mastr_sign_fn	*sign;		/* signs with the host's permanent key */
	void		*sign_arg;
	uint8_t		 token_pub[MASTR_PUB_LEN];	/* the paired token */
	const char	*golden_file;	/* hashed at each attestation */
	int		 debug;		/* accept DEBUG_MSG frames */
	int		 timeout_ms;	/* per wait; 0 = the original's 5 s / 10 s */
} mastr_host_cfg_t;

/* One session's outcome; key is wiped by mastr_host_result_wipe(). */
typedef struct mastr_host_result {
	enum mastr_stage	stage;	/* where it stopped (or finished) */
	uint8_t			type;	/* unexpected message type, if any */
	uint8_t			key[MASTR_KEY_LEN];
} mastr_host_result_t;

void mastr_host_result_wipe(mastr_host_result_t *res);

/*
 * The whole boot gate on ch (plaintext at entry): send our signed ephemeral
 * share, check the token's against cfg->token_pub, switch to the session
 * key, answer the ping, sign SHA-256(golden file) || nonce, wait for
 * BOOT_OK and acknowledge it. On MASTR_OK res->key holds the session key
 * and the channel stays keyed. Errors: MASTR_ERR_TIMEOUT, MASTR_ERR_CLOSED,
 * the framing errors of mastr_chan_recv(), MASTR_ERR_SIGNATURE,
 * MASTR_ERR_POINT, MASTR_ERR_PROTOCOL, MASTR_ERR_NACK, MASTR_ERR_TOKEN,
 * MASTR_ERR_HALT, MASTR_ERR_DEBUG, MASTR_ERR_IO (golden file), and the
 * signer's errors. res->stage tells where.
 */
int mastr_host_boot(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    mastr_host_result_t *res);

/*
 * Token-initiated re-attestation: share is the T2H_ECDH_SHARE payload just
 * received under the current key. Answers with a fresh share (still under
 * the current key), switches to the new key and runs channel verification
 * and attestation as in mastr_host_boot().
 */
int mastr_host_reattest(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    const uint8_t *share, size_t len, mastr_host_result_t *res);

/*
 * Wait for the next message that is not a tolerated DEBUG_MSG; T2H_ERROR,
 * T2H_NACK, INTEGRITY_FAIL_HALT and (without cfg->debug) DEBUG_MSG become
 * their errors.
 */
int mastr_host_recv(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    int timeout_ms, mastr_msg_t *msg);

#ifdef __cplusplus
}
#endif

#endif
