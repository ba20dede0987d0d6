/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness on the software MASTR token's state machine
 * (token.c, docs/mastr-protocol.md 5). The harness is the host: each input byte
 * picks its next move, from the genuine protocol steps (signed ECDH share,
 * pong, attestation) to fuzzed messages, raw wire bytes and the passing of
 * time, and the token takes one turn (mastr_token_step) when told to. The
 * harness reads whatever the token sends and follows the session key.
 *
 * Invariants, beyond not crashing:
 *   - BOOT_OK is entered only after the host sent an attestation with the
 *     golden hash and a valid host signature over it and the token's nonce;
 *   - RUNTIME is entered only from BOOT_OK; HALT is never left;
 *   - an unprovisioned token never changes state and never says a word.
 */
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mastr/chan.h"
#include "mastr/crypto.h"
#include "mastr/err.h"
#include "mastr/frame.h"
#include "mastr/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op {
	OP_STEP, OP_TIME, OP_SHARE, OP_PONG, OP_ATTEST, OP_ATTEST_HASH,
	OP_BOOT_ACK, OP_HEARTBEAT, OP_RAW, OP_WIRE, OP_CLEAR_KEY, OP_NOPS
};

static char		 dir_prov[] = "/tmp/fuzz-mastr-prov.XXXXXX";
static char		 dir_unprov[] = "/tmp/fuzz-mastr-unprov.XXXXXX";
static mastr_eckey_t	*host_key;
static uint8_t		 host_pub[MASTR_PUB_LEN];
static uint8_t		 token_pub[MASTR_PUB_LEN];
static uint8_t		 golden[MASTR_HASH_LEN];

/* One run: the token, the host's end and what the host knows. */
struct run {
	const uint8_t	*p;
	size_t		 left;
	mastr_token_t	*token;
	mastr_chan_t	*host;
	int		 fd[2];
	mastr_eckey_t	*eph;		/* our share is out, theirs awaited */
	uint8_t		 nonce[MASTR_NONCE_LEN];
	int		 genuine;	/* a genuine attestation is pending */
	uint64_t	 skew;
	int		 state;
};

static void
remove_dir(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/slot0.pem", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/slot8.bin", dir);
	unlink(path);
	rmdir(dir);
}

static void
teardown(void)
{
	mastr_eckey_free(&host_key);
	remove_dir(dir_prov);
	remove_dir(dir_unprov);
}

static void
setup(void)
{
	static const char	 image[] = "the golden boot image";
	mastr_token_slots_t	 s;
	mastr_eckey_t		*k = NULL;

	if (mkdtemp(dir_prov) == NULL || mkdtemp(dir_unprov) == NULL)
		abort();
	atexit(teardown);
	memset(&s, 0, sizeof(s));
	if ((host_key = mastr_eckey_generate()) == NULL ||
	    mastr_eckey_pub(host_key, host_pub) != MASTR_OK ||
	    mastr_sha256(image, sizeof(image) - 1, golden) != MASTR_OK ||
	    mastr_token_store_key(dir_prov, &k) != MASTR_OK ||
	    mastr_eckey_pub(k, token_pub) != MASTR_OK)
		abort();
	mastr_eckey_free(&k);
	memcpy(s.host_pub, host_pub, sizeof(s.host_pub));
	memcpy(s.golden, golden, sizeof(s.golden));
	memcpy(s.wifi, "fuzz", 4);
	if (mastr_token_store_write(dir_prov, &s) != MASTR_OK)
		abort();
}

static uint8_t
take(struct run *r)
{
	if (r->left == 0)
		return 0;
	r->left--;
	return *r->p++;
}

/* Up to n input bytes into out (zero-filled past the end). */
static size_t
take_n(struct run *r, uint8_t *out, size_t n)
{
	size_t k = n < r->left ? n : r->left;

	memset(out, 0, n);
	memcpy(out, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

static void
check_state(struct run *r, int provisioned)
{
	int s = mastr_token_state(r->token);

	if (!provisioned && s != MASTR_ST_UNPROVISIONED)
		abort();
	if (r->state == MASTR_ST_HALT && s != MASTR_ST_HALT)
		abort();
	if (s == MASTR_ST_RUNTIME && r->state != MASTR_ST_RUNTIME &&
	    r->state != MASTR_ST_BOOT_OK)
		abort();
	if (s == MASTR_ST_BOOT_OK && r->state != MASTR_ST_BOOT_OK) {
		if (!r->genuine) {
			fprintf(stderr, "BOOT_OK without a genuine "
			    "attestation (from 0x%02X)\n", r->state);
			abort();
		}
		r->genuine = 0;
	}
	if (s != r->state && getenv("FUZZ_MASTR_DEBUG") != NULL)
		fprintf(stderr, "token 0x%02X -> 0x%02X\n", r->state, s);
	r->state = s;
}

static void
send_share(struct run *r)
{
	uint8_t share[MASTR_SHARE_LEN];

	mastr_eckey_free(&r->eph);
	if ((r->eph = mastr_eckey_generate()) == NULL ||
	    mastr_share_make(r->eph, mastr_eckey_sign_cb, host_key,
	    share) != MASTR_OK)
		abort();
	(void)mastr_chan_send(r->host, MASTR_H2T_ECDH_SHARE, share,
	    sizeof(share));
}

/* The token's share: answer it if it started a re-attestation, switch. */
static void
on_token_share(struct run *r, const mastr_msg_t *m)
{
	uint8_t key[MASTR_KEY_LEN];

	if (mastr_share_check(token_pub, m->payload, m->len) != MASTR_OK)
		return;
	if (r->eph == NULL)
		send_share(r);
	if (mastr_eckey_session(r->eph, m->payload, key) == MASTR_OK)
		mastr_chan_set_key(r->host, key);
	mastr_eckey_free(&r->eph);
}

/* Read all the token has sent; a provisioned token only may speak. */
static void
drain(struct run *r, int provisioned)
{
	mastr_msg_t	m;
	int		e;

	while ((e = mastr_chan_recv(r->host, 0, &m)) != MASTR_ERR_TIMEOUT &&
	    e != MASTR_ERR_CLOSED && e != MASTR_ERR_IO) {
		if (!provisioned)
			abort();
		if (e != MASTR_OK)
			continue;
		if (m.type == MASTR_T2H_ECDH_SHARE)
			on_token_share(r, &m);
		else if (m.type == MASTR_T2H_INTEGRITY_CHALLENGE &&
		    m.len == MASTR_NONCE_LEN)
			memcpy(r->nonce, m.payload, MASTR_NONCE_LEN);
	}
}

/* hash || Sig_H(hash || nonce); genuine if hash is the golden one. */
static void
send_attest(struct run *r, const uint8_t hash[MASTR_HASH_LEN])
{
	uint8_t	signed_part[MASTR_HASH_LEN + MASTR_NONCE_LEN];
	uint8_t	resp[MASTR_ATTEST_LEN];

	memcpy(signed_part, hash, MASTR_HASH_LEN);
	memcpy(signed_part + MASTR_HASH_LEN, r->nonce, MASTR_NONCE_LEN);
	memcpy(resp, hash, MASTR_HASH_LEN);
	if (mastr_eckey_sign(host_key, signed_part, sizeof(signed_part),
	    resp + MASTR_HASH_LEN) != MASTR_OK)
		abort();
	if (CRYPTO_memcmp(hash, golden, MASTR_HASH_LEN) == 0)
		r->genuine = 1;
	(void)mastr_chan_send(r->host, MASTR_H2T_INTEGRITY_RESPONSE, resp,
	    sizeof(resp));
}

/* A fuzzed message; an integrity response in it is judged as the token must. */
static void
send_raw(struct run *r)
{
	uint8_t	payload[MASTR_PAYLOAD_MAX];
	uint8_t	signed_part[MASTR_HASH_LEN + MASTR_NONCE_LEN];
	uint8_t	type = take(r);
	size_t	n = take(r);

	n = take_n(r, payload, n);
	if (type == MASTR_H2T_INTEGRITY_RESPONSE && n == MASTR_ATTEST_LEN &&
	    CRYPTO_memcmp(payload, golden, MASTR_HASH_LEN) == 0) {
		memcpy(signed_part, payload, MASTR_HASH_LEN);
		memcpy(signed_part + MASTR_HASH_LEN, r->nonce, MASTR_NONCE_LEN);
		if (mastr_ecdsa_verify(host_pub, signed_part,
		    sizeof(signed_part), payload + MASTR_HASH_LEN) == MASTR_OK)
			r->genuine = 1;
	}
	(void)mastr_chan_send(r->host, type, payload, n);
}

static int
play(struct run *r, enum op op)
{
	static const uint8_t	pong[4] = { 'p', 'o', 'n', 'g' };
	uint8_t			buf[MASTR_HASH_LEN];
	size_t			n;

	switch (op) {
	case OP_STEP:
		return mastr_token_step(r->token, mastr_clock_ms() + r->skew);
	case OP_TIME:
		r->skew += (uint64_t)take(r) * 250;
		return MASTR_OK;
	case OP_SHARE:
		send_share(r);
		return MASTR_OK;
	case OP_PONG:
		return mastr_chan_send(r->host,
		    MASTR_H2T_CHANNEL_VERIFY_RESPONSE, pong, sizeof(pong));
	case OP_ATTEST:
		send_attest(r, golden);
		return MASTR_OK;
	case OP_ATTEST_HASH:
		(void)take_n(r, buf, sizeof(buf));
		send_attest(r, buf);
		return MASTR_OK;
	case OP_BOOT_ACK:
		return mastr_chan_send(r->host, MASTR_H2T_BOOT_OK_ACK, NULL, 0);
	case OP_HEARTBEAT:
		return mastr_chan_send(r->host, MASTR_H2T_HEARTBEAT, NULL, 0);
	case OP_RAW:
		send_raw(r);
		return MASTR_OK;
	case OP_WIRE:
		n = take_n(r, buf, take(r) % sizeof(buf));
		return mastr_chan_write_raw(r->host, buf, n);
	case OP_CLEAR_KEY:
	default:
		mastr_chan_clear_key(r->host);
		return MASTR_OK;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run		r;
	mastr_token_opts_t	o;
	int			provisioned;

	if (host_key == NULL)
		setup();
	if (size == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	provisioned = (data[0] & 0x80) == 0;
	r.p = data + 1;
	r.left = size - 1;
	mastr_token_opts_default(&o);
	o.ecdh_delay_ms = o.ping_delay_ms = o.reply_delay_ms = 100;
	o.session_timeout_ms = 5000;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, r.fd) != 0 ||
	    mastr_token_new(provisioned ? dir_prov : dir_unprov, &o,
	    &r.token) != MASTR_OK ||
	    (r.host = mastr_chan_new(r.fd[1])) == NULL ||
	    mastr_token_attach(r.token, r.fd[0]) != MASTR_OK)
		abort();
	r.state = mastr_token_state(r.token);
	while (r.left > 0) {
		if (play(&r, (enum op)(take(&r) % OP_NOPS)) != MASTR_OK)
			break;
		check_state(&r, provisioned);
		drain(&r, provisioned);
	}
	mastr_eckey_free(&r.eph);
	mastr_chan_free(&r.host);
	mastr_token_free(&r.token);
	close(r.fd[0]);
	close(r.fd[1]);
	return 0;
}
