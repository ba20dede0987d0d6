/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host session steps (docs/mastr-protocol.md section 5, host side). The
 * ephemeral ECDH key is a fresh OpenSSL key every session (the original's
 * CreatePrimary key was the same every time, docs/mastr.md defect 1); the
 * signature over it is the TPM's.
 */
#include <string.h>

#include "common/log.h"
#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/host.h"

/* The original host's waits: ping 5 s, nonce and BOOT_OK 10 s each. */
#define WAIT_SHARE_MS	10000
#define WAIT_PING_MS	5000
#define WAIT_ATTEST_MS	10000

static const uint8_t ping[4] = { 'p', 'i', 'n', 'g' };
static const uint8_t pong[4] = { 'p', 'o', 'n', 'g' };

void
mastr_host_result_wipe(mastr_host_result_t *res)
{
	wipe(res, sizeof(*res));
}

static int
wait_ms(const mastr_host_cfg_t *cfg, int dflt)
{
	return cfg->timeout_ms > 0 ? cfg->timeout_ms : dflt;
}

int
mastr_host_recv(mastr_chan_t *ch, const mastr_host_cfg_t *cfg, int timeout_ms,
    mastr_msg_t *msg)
{
	uint64_t	deadline = mastr_clock_ms() + (uint64_t)timeout_ms;
	int		r;

	for (;;) {
		uint64_t	now = mastr_clock_ms();
		int		left = now >= deadline ? 0 : (int)(deadline - now);

		if ((r = mastr_chan_recv(ch, left, msg)) != MASTR_OK)
			return r;
		switch (msg->type) {
		case MASTR_T2H_ERROR:
			return MASTR_ERR_TOKEN;
		case MASTR_T2H_NACK:
			return MASTR_ERR_NACK;
		case MASTR_T2H_INTEGRITY_FAIL_HALT:
			return MASTR_ERR_HALT;
		case MASTR_DEBUG_MSG:
			if (!cfg->debug)
				return MASTR_ERR_DEBUG;
			log_msg(PLOG_INFO, "token debug: %.*s", (int)msg->len,
			    (const char *)msg->payload);
			continue;
		default:
			return MASTR_OK;
		}
	}
}

/* Wait for one message of the given type; anything else is an error. */
static int
expect(mastr_chan_t *ch, const mastr_host_cfg_t *cfg, int timeout_ms,
    uint8_t type, mastr_msg_t *msg, mastr_host_result_t *res)
{
	int r;

	if ((r = mastr_host_recv(ch, cfg, timeout_ms, msg)) != MASTR_OK)
		return r;
	if (msg->type != type) {
		res->type = msg->type;
		return MASTR_ERR_PROTOCOL;
	}
	return MASTR_OK;
}

/* Check the token's share and derive the session key with our eph. */
static int
accept_share(const mastr_host_cfg_t *cfg, const mastr_eckey_t *eph,
    const uint8_t *share, size_t len, uint8_t key[MASTR_KEY_LEN])
{
	int r;

	if (len != MASTR_SHARE_LEN)
		return MASTR_ERR_PROTOCOL;
	if ((r = mastr_share_check(cfg->token_pub, share, len)) != MASTR_OK)
		return r;
	return mastr_eckey_session(eph, share, key);
}

static int
send_share(mastr_chan_t *ch, const mastr_host_cfg_t *cfg, mastr_eckey_t **eph)
{
	uint8_t	share[MASTR_SHARE_LEN];
	int	r;

	if ((*eph = mastr_eckey_generate()) == NULL)
		return MASTR_ERR_CRYPTO;
	if ((r = mastr_share_make(*eph, cfg->sign, cfg->sign_arg,
	    share)) != MASTR_OK)
		return r;
	return mastr_chan_send(ch, MASTR_H2T_ECDH_SHARE, share, sizeof(share));
}

static int
handshake(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    mastr_host_result_t *res)
{
	mastr_eckey_t	*eph = NULL;
	mastr_msg_t	 msg;
	int		 r;

	res->stage = MASTR_STAGE_HANDSHAKE;
	if ((r = send_share(ch, cfg, &eph)) != MASTR_OK ||
	    (r = expect(ch, cfg, wait_ms(cfg, WAIT_SHARE_MS),
	    MASTR_T2H_ECDH_SHARE, &msg, res)) != MASTR_OK ||
	    (r = accept_share(cfg, eph, msg.payload, msg.len,
	    res->key)) != MASTR_OK)
		goto fail;
	/* The token encrypts from the ping on. */
	mastr_chan_set_key(ch, res->key);
fail:
	mastr_eckey_free(&eph);
	wipe(&msg, sizeof(msg));
	return r;
}

static int
verify_channel(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    mastr_host_result_t *res)
{
	mastr_msg_t	msg;
	int		r;

	res->stage = MASTR_STAGE_CHANNEL;
	if ((r = expect(ch, cfg, wait_ms(cfg, WAIT_PING_MS),
	    MASTR_T2H_CHANNEL_VERIFY_REQUEST, &msg, res)) != MASTR_OK)
		goto fail;
	if (msg.len != sizeof(ping) || memcmp(msg.payload, ping, 4) != 0) {
		r = MASTR_ERR_PROTOCOL;
		goto fail;
	}
	r = mastr_chan_send(ch, MASTR_H2T_CHANNEL_VERIFY_RESPONSE, pong,
	    sizeof(pong));
fail:
	wipe(&msg, sizeof(msg));
	return r;
}

/* hash(32) || Sig_H(SHA-256(hash || nonce as received)). */
static int
attest_response(const mastr_host_cfg_t *cfg, const uint8_t *nonce,
    uint8_t out[MASTR_ATTEST_LEN])
{
	uint8_t	signed_part[MASTR_HASH_LEN + MASTR_NONCE_LEN];
	int	r;

	if ((r = mastr_sha256_file(cfg->golden_file, out)) != MASTR_OK)
		return r;
	memcpy(signed_part, out, MASTR_HASH_LEN);
	memcpy(signed_part + MASTR_HASH_LEN, nonce, MASTR_NONCE_LEN);
	return cfg->sign(cfg->sign_arg, signed_part, sizeof(signed_part),
	    out + MASTR_HASH_LEN);
}

static int
attest(mastr_chan_t *ch, const mastr_host_cfg_t *cfg, mastr_host_result_t *res)
{
	mastr_msg_t	msg;
	uint8_t		resp[MASTR_ATTEST_LEN];
	int		r;

	res->stage = MASTR_STAGE_ATTEST;
	if ((r = expect(ch, cfg, wait_ms(cfg, WAIT_ATTEST_MS),
	    MASTR_T2H_INTEGRITY_CHALLENGE, &msg, res)) != MASTR_OK)
		goto fail;
	if (msg.len != MASTR_NONCE_LEN) {
		r = MASTR_ERR_PROTOCOL;
		goto fail;
	}
	if ((r = attest_response(cfg, msg.payload, resp)) != MASTR_OK ||
	    (r = mastr_chan_send(ch, MASTR_H2T_INTEGRITY_RESPONSE, resp,
	    sizeof(resp))) != MASTR_OK)
		goto fail;
	res->stage = MASTR_STAGE_BOOT_OK;
	if ((r = expect(ch, cfg, wait_ms(cfg, WAIT_ATTEST_MS),
	    MASTR_T2H_BOOT_OK, &msg, res)) != MASTR_OK)
		goto fail;
	r = mastr_chan_send(ch, MASTR_H2T_BOOT_OK_ACK, NULL, 0);
fail:
	wipe(&msg, sizeof(msg));
	return r;
}

int
mastr_host_boot(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    mastr_host_result_t *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	mastr_chan_clear_key(ch);
	if ((r = handshake(ch, cfg, res)) != MASTR_OK ||
	    (r = verify_channel(ch, cfg, res)) != MASTR_OK ||
	    (r = attest(ch, cfg, res)) != MASTR_OK)
		wipe(res->key, sizeof(res->key));
	return r;
}

int
mastr_host_reattest(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    const uint8_t *share, size_t len, mastr_host_result_t *res)
{
	mastr_eckey_t	*eph = NULL;
	int		 r;

	memset(res, 0, sizeof(*res));
	res->stage = MASTR_STAGE_HANDSHAKE;
	/* Check first, answer under the old key, then switch (3.5 step 8). */
	if ((r = mastr_share_check(cfg->token_pub, share, len)) != MASTR_OK ||
	    (r = send_share(ch, cfg, &eph)) != MASTR_OK ||
	    (r = accept_share(cfg, eph, share, len, res->key)) != MASTR_OK)
		goto fail;
	mastr_chan_set_key(ch, res->key);
	if ((r = verify_channel(ch, cfg, res)) != MASTR_OK ||
	    (r = attest(ch, cfg, res)) != MASTR_OK)
		goto fail;
	r = MASTR_OK;
fail:
	mastr_eckey_free(&eph);
	if (r != MASTR_OK)
		wipe(res->key, sizeof(res->key));
	return r;
}
