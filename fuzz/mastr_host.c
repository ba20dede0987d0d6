/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness on the MASTR host's side of a session (host.c,
 * docs/mastr-protocol.md 5): mastr_host_boot() runs against a fuzzed token. The
 * token is a thread that reads the host's share and then plays the input:
 * each byte picks a genuine step (its signed share, which switches to the
 * session key, the ping, a challenge, BOOT_OK) or a fuzzed message or raw
 * wire bytes, sent under the session key once it has one; then it closes
 * its sending side, so the host never waits out a timer.
 *
 * After a boot the host goes on as mastr-heartbeat does (mastr_host_recv),
 * and the token may start re-attestations: a fresh signed share, then it
 * waits for the host's and switches to the new key.
 *
 * Invariants, beyond not crashing: the gate opens (MASTR_OK) only if the
 * token sent its genuine share, and then with the key the token derived,
 * at stage BOOT_OK; when it stays shut, no key is left in the result; a
 * re-attestation passes only with a key the token derived.
 */
#include <openssl/crypto.h>
#include <pthread.h>
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
#include "mastr/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op { OP_SHARE, OP_PING, OP_CHALLENGE, OP_BOOT_OK, OP_RAW, OP_WIRE,
	OP_CLEAR_KEY, OP_REATTEST, OP_NOPS };

#define KEYS_MAX	16	/* re-attestation keys remembered */

static char		 golden_file[] = "/tmp/fuzz-mastr-golden.XXXXXX";
static mastr_eckey_t	*host_key;
static mastr_eckey_t	*token_key;
static uint8_t		 token_pub[MASTR_PUB_LEN];

struct token {
	const uint8_t	*p;
	size_t		 left;
	int		 fd;
	int		 good_share;	/* our genuine share went out */
	int		 boot_ok;	/* and BOOT_OK after it */
	uint8_t		 key[MASTR_KEY_LEN];
	uint8_t		 rekeys[KEYS_MAX][MASTR_KEY_LEN];
	size_t		 nrekeys;
};

static void
teardown(void)
{
	mastr_eckey_free(&host_key);
	mastr_eckey_free(&token_key);
	unlink(golden_file);
}

static void
setup(void)
{
	static const char	image[] = "the golden boot image";
	int			fd;

	if ((fd = mkstemp(golden_file)) < 0 ||
	    write(fd, image, sizeof(image) - 1) != (ssize_t)sizeof(image) - 1)
		abort();
	close(fd);
	atexit(teardown);
	if ((host_key = mastr_eckey_generate()) == NULL ||
	    (token_key = mastr_eckey_generate()) == NULL ||
	    mastr_eckey_pub(token_key, token_pub) != MASTR_OK)
		abort();
}

static uint8_t
take(struct token *t)
{
	if (t->left == 0)
		return 0;
	t->left--;
	return *t->p++;
}

static size_t
take_n(struct token *t, uint8_t *out, size_t n)
{
	size_t k = n < t->left ? n : t->left;

	memset(out, 0, n);
	memcpy(out, t->p, k);
	t->p += k;
	t->left -= k;
	return k;
}

/* Our signed share, then the session key with the host's share. */
static void
send_share(struct token *t, mastr_chan_t *ch, const mastr_msg_t *host)
{
	uint8_t		 share[MASTR_SHARE_LEN], key[MASTR_KEY_LEN] = { 0 };
	mastr_eckey_t	*eph;

	if ((eph = mastr_eckey_generate()) == NULL ||
	    mastr_share_make(eph, mastr_eckey_sign_cb, token_key,
	    share) != MASTR_OK)
		abort();
	(void)mastr_chan_send(ch, MASTR_T2H_ECDH_SHARE, share, sizeof(share));
	if (host->type == MASTR_H2T_ECDH_SHARE &&
	    host->len == MASTR_SHARE_LEN &&
	    mastr_eckey_session(eph, host->payload, key) == MASTR_OK)
		mastr_chan_set_key(ch, key);
	/* The host takes the first share it sees; later ones go unread. */
	if (!t->good_share)
		memcpy(t->key, key, sizeof(key));
	t->good_share = 1;
	mastr_eckey_free(&eph);
}

/*
 * Token-initiated re-attestation: a fresh signed share under the current
 * key, then the host's answer (whatever else it sent before is skipped)
 * gives the next key. Only after BOOT_OK: earlier, a host still in its
 * handshake would take this share for the first one and wait for the ping
 * while we wait for its share. The host, done or failed, ends the wait by
 * closing; the timeout is a guard against a deadlock the input finds.
 */
static void
reattest(struct token *t, mastr_chan_t *ch)
{
	uint8_t		 share[MASTR_SHARE_LEN], key[MASTR_KEY_LEN];
	mastr_eckey_t	*eph;
	mastr_msg_t	 m;
	int		 e;

	if ((eph = mastr_eckey_generate()) == NULL ||
	    mastr_share_make(eph, mastr_eckey_sign_cb, token_key,
	    share) != MASTR_OK)
		abort();
	(void)mastr_chan_send(ch, MASTR_T2H_ECDH_SHARE, share, sizeof(share));
	while ((e = mastr_chan_recv(ch, 1000, &m)) != MASTR_ERR_CLOSED &&
	    e != MASTR_ERR_IO && e != MASTR_ERR_TIMEOUT) {
		if (e != MASTR_OK || m.type != MASTR_H2T_ECDH_SHARE ||
		    m.len != MASTR_SHARE_LEN)
			continue;
		if (mastr_eckey_session(eph, m.payload, key) == MASTR_OK) {
			mastr_chan_set_key(ch, key);
			if (t->nrekeys < KEYS_MAX)
				memcpy(t->rekeys[t->nrekeys++], key,
				    sizeof(key));
		}
		break;
	}
	mastr_eckey_free(&eph);
}

static void
play(struct token *t, mastr_chan_t *ch, const mastr_msg_t *host, enum op op)
{
	static const uint8_t	ping[4] = { 'p', 'i', 'n', 'g' };
	uint8_t			buf[MASTR_PAYLOAD_MAX];
	uint8_t			type;
	size_t			n;

	switch (op) {
	case OP_SHARE:
		send_share(t, ch, host);
		break;
	case OP_PING:
		(void)mastr_chan_send(ch, MASTR_T2H_CHANNEL_VERIFY_REQUEST,
		    ping, sizeof(ping));
		break;
	case OP_CHALLENGE:
		n = take_n(t, buf, MASTR_NONCE_LEN);
		(void)mastr_chan_send(ch, MASTR_T2H_INTEGRITY_CHALLENGE, buf,
		    MASTR_NONCE_LEN);
		break;
	case OP_BOOT_OK:
		(void)mastr_chan_send(ch, MASTR_T2H_BOOT_OK, NULL, 0);
		t->boot_ok = t->good_share;
		break;
	case OP_RAW:
		type = take(t);
		n = take_n(t, buf, take(t));
		(void)mastr_chan_send(ch, type, buf, n);
		break;
	case OP_WIRE:
		n = take_n(t, buf, take(t) % 64);
		(void)mastr_chan_write_raw(ch, buf, n);
		break;
	case OP_REATTEST:
		if (t->boot_ok)
			reattest(t, ch);
		break;
	case OP_CLEAR_KEY:
	default:
		mastr_chan_clear_key(ch);
		break;
	}
}

static void *
token_main(void *arg)
{
	struct token	*t = arg;
	mastr_chan_t	*ch = mastr_chan_new(t->fd);
	mastr_msg_t	 host;

	if (ch == NULL)
		abort();
	/* The host speaks first; what it said is kept for the ECDH. */
	if (mastr_chan_recv(ch, 10000, &host) != MASTR_OK)
		memset(&host, 0, sizeof(host));
	while (t->left > 0)
		play(t, ch, &host, (enum op)(take(t) % OP_NOPS));
	shutdown(t->fd, SHUT_WR);
	mastr_chan_free(&ch);
	return NULL;
}

/* After the boot: what mastr-heartbeat reads, and re-attestations. */
static void
runtime(mastr_chan_t *ch, const mastr_host_cfg_t *cfg,
    uint8_t rekey[KEYS_MAX][MASTR_KEY_LEN], size_t *n)
{
	static const uint8_t	zero[MASTR_KEY_LEN];
	mastr_host_result_t	res;
	mastr_msg_t		m;
	int			r;

	while (mastr_host_recv(ch, cfg, 10000, &m) == MASTR_OK) {
		if (m.type != MASTR_T2H_ECDH_SHARE)
			continue;
		r = mastr_host_reattest(ch, cfg, m.payload, m.len, &res);
		if (getenv("FUZZ_MASTR_DEBUG") != NULL)
			fprintf(stderr, "reattest: %s\n", mastr_errname(r));
		if (r != MASTR_OK) {
			if (CRYPTO_memcmp(res.key, zero, sizeof(zero)) != 0)
				abort();
			break;
		}
		if (res.stage != MASTR_STAGE_BOOT_OK)
			abort();
		if (*n < KEYS_MAX)
			memcpy(rekey[(*n)++], res.key, MASTR_KEY_LEN);
		mastr_host_result_wipe(&res);
	}
}

static int
known_key(const struct token *t, const uint8_t key[MASTR_KEY_LEN])
{
	for (size_t i = 0; i < t->nrekeys; i++)
		if (CRYPTO_memcmp(t->rekeys[i], key, MASTR_KEY_LEN) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 zero[MASTR_KEY_LEN];
	struct token		 t;
	mastr_host_cfg_t	 cfg;
	mastr_host_result_t	 res;
	mastr_chan_t		*ch;
	uint8_t			 rekey[KEYS_MAX][MASTR_KEY_LEN];
	size_t			 nrekey = 0;
	pthread_t		 th;
	int			 fd[2], r;

	if (host_key == NULL)
		setup();
	if (size == 0)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.sign = mastr_eckey_sign_cb;
	cfg.sign_arg = host_key;
	memcpy(cfg.token_pub, token_pub, sizeof(token_pub));
	cfg.golden_file = golden_file;
	cfg.debug = data[0] & 1;
	cfg.timeout_ms = 10000;		/* never waited out: the token closes */
	memset(&t, 0, sizeof(t));
	t.p = data + 1;
	t.left = size - 1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0 ||
	    (ch = mastr_chan_new(fd[1])) == NULL)
		abort();
	t.fd = fd[0];
	if (pthread_create(&th, NULL, token_main, &t) != 0)
		abort();
	r = mastr_host_boot(ch, &cfg, &res);
	if (r == MASTR_OK)
		runtime(ch, &cfg, rekey, &nrekey);
	shutdown(fd[1], SHUT_WR);	/* ends a token waiting for a share */
	pthread_join(th, NULL);
	for (size_t i = 0; i < nrekey; i++)
		if (!known_key(&t, rekey[i])) {
			fprintf(stderr, "a re-attestation passed with a key "
			    "the token never made\n");
			abort();
		}
	if (getenv("FUZZ_MASTR_DEBUG") != NULL)
		fprintf(stderr, "host: %s at stage %d\n", mastr_errname(r),
		    (int)res.stage);
	if (r == MASTR_OK && (!t.good_share || res.stage != MASTR_STAGE_BOOT_OK ||
	    CRYPTO_memcmp(res.key, t.key, sizeof(t.key)) != 0)) {
		fprintf(stderr, "the gate opened for a token that is not the "
		    "paired one\n");
		abort();
	}
	if (r != MASTR_OK && CRYPTO_memcmp(res.key, zero, sizeof(zero)) != 0)
		abort();
	mastr_host_result_wipe(&res);
	mastr_chan_free(&ch);
	close(fd[0]);
	close(fd[1]);
	return 0;
}
