/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software token's serial side: the firmware's state machine
 * (docs/mastr-protocol.md section 5, as the original's src/protocol.c and
 * src/main.c run it), its timing, and the fault injections of section 6.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "mastr/chan.h"
#include "mastr/err.h"
#include "mastr/token.h"

enum action {
	ACT_NONE,
	ACT_SHARE,	/* send T2H_ECDH_SHARE after the ECDH delay */
	ACT_PING,	/* send the channel-verify ping under the new key */
	ACT_CHALLENGE,	/* send the integrity nonce */
	ACT_HB_ACK,	/* answer a heartbeat */
};

enum mangle { MANGLE_NONE, MANGLE_CHECKSUM, MANGLE_TAG };

struct mastr_token {
	mastr_token_opts_t	 o;
	char			*dir;
	mastr_eckey_t		*perm;
	uint8_t			 pub[MASTR_PUB_LEN];
	mastr_token_slots_t	 slots;
	int			 provisioned;
	int			 claimed;
	atomic_int		 state;
	mastr_chan_t		*ch;
	mastr_eckey_t		*eph;
	uint8_t			 next_key[MASTR_KEY_LEN];
	int			 reattest;
	uint8_t			 nonce[MASTR_NONCE_LEN];
	int			 nonce_sent;
	enum action		 act;
	uint64_t		 act_due;
	uint64_t		 session_start;
	uint64_t		 halt_due;
};

static const struct {
	const char	*name;
	unsigned	 bit;
} faults[] = {
	{ "bad-sig", MASTR_FAULT_BAD_SIG },
	{ "wrong-key", MASTR_FAULT_WRONG_KEY },
	{ "gcm-tag", MASTR_FAULT_GCM_TAG },
	{ "checksum", MASTR_FAULT_CHECKSUM },
	{ "bad-escape", MASTR_FAULT_BAD_ESCAPE },
	{ "oversize", MASTR_FAULT_OVERSIZE },
	{ "debug-msg", MASTR_FAULT_DEBUG_MSG },
	{ "error", MASTR_FAULT_ERROR },
	{ "nack", MASTR_FAULT_NACK },
	{ "drop-ping", MASTR_FAULT_DROP_PING },
	{ "drop-boot-ok", MASTR_FAULT_DROP_BOOT_OK },
	{ "drop-hb-ack", MASTR_FAULT_DROP_HB_ACK },
	{ "encrypted-start", MASTR_FAULT_ENCRYPTED_START },
};

int
mastr_token_fault_parse(const char *name, unsigned *bit)
{
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (strcmp(name, faults[i].name) == 0) {
			*bit = faults[i].bit;
			return MASTR_OK;
		}
	return MASTR_ERR_ARG;
}

void
mastr_token_opts_default(mastr_token_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->ecdh_delay_ms = 500;
	o->ping_delay_ms = 1000;
	o->reply_delay_ms = 500;
	o->session_timeout_ms = 30000;
	o->halt_period_ms = 1000;
}

static int
fault(const mastr_token_t *t, unsigned bit)
{
	return (t->o.faults & bit) != 0;
}

static void
logf_line(mastr_token_t *t, const char *dir, uint8_t type, size_t len)
{
	if (t->o.log == NULL)
		return;
	fprintf(t->o.log, "%s %s len=%zu state=0x%02X\n", dir,
	    mastr_msg_name(type), len, (unsigned)atomic_load(&t->state));
	fflush(t->o.log);
}

static void
log_event(mastr_token_t *t, const char *what)
{
	if (t->o.log == NULL)
		return;
	fprintf(t->o.log, "%s state=0x%02X\n", what,
	    (unsigned)atomic_load(&t->state));
	fflush(t->o.log);
}

int
mastr_token_new(const char *dir, const mastr_token_opts_t *o,
    mastr_token_t **out)
{
	mastr_token_t	*t;
	char		 why[512];
	int		 r;

	if ((r = mastr_token_store_check(dir, why, sizeof(why))) != MASTR_OK)
		return r;
	r = MASTR_ERR_NOMEM;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return MASTR_ERR_NOMEM;
	t->o = *o;
	if ((t->dir = strdup(dir)) == NULL)
		goto fail;
	if ((r = mastr_token_store_key(dir, &t->perm)) != MASTR_OK ||
	    (r = mastr_eckey_pub(t->perm, t->pub)) != MASTR_OK ||
	    (r = mastr_token_store_read(dir, &t->slots)) != MASTR_OK ||
	    (r = mastr_token_slots_check(&t->slots, why, sizeof(why))) !=
	    MASTR_OK)
		goto fail;
	/* Decided once, at start-up, as app_init_task does. */
	t->provisioned = mastr_token_slots_provisioned(&t->slots);
	t->claimed = mastr_token_slots_claimed(&t->slots);
	atomic_init(&t->state, t->provisioned ? MASTR_ST_WAIT_ECDH :
	    MASTR_ST_UNPROVISIONED);
	*out = t;
	return MASTR_OK;
fail:
	mastr_token_free(&t);
	return r;
}

void
mastr_token_free(mastr_token_t **t)
{
	if (t == NULL || *t == NULL)
		return;
	mastr_eckey_free(&(*t)->perm);
	mastr_eckey_free(&(*t)->eph);
	mastr_chan_free(&(*t)->ch);
	free((*t)->dir);
	wipe(*t, sizeof(**t));
	free(*t);
	*t = NULL;
}

int
mastr_token_state(const mastr_token_t *t)
{
	return atomic_load(&((mastr_token_t *)(uintptr_t)t)->state);
}

int
mastr_token_provisioned(const mastr_token_t *t)
{
	return t->provisioned;
}

int
mastr_token_claimed(const mastr_token_t *t)
{
	return t->claimed;
}

const uint8_t *
mastr_token_pub_ptr(const mastr_token_t *t)
{
	return t->pub;
}

const char *
mastr_token_dir(const mastr_token_t *t)
{
	return t->dir;
}

static void
set_state(mastr_token_t *t, int s)
{
	atomic_store(&t->state, s);
}

static void
schedule(mastr_token_t *t, enum action a, int delay_ms)
{
	t->act = a;
	t->act_due = mastr_clock_ms() + (uint64_t)(delay_ms > 0 ? delay_ms : 0);
}

/* Send one frame, optionally damaged after framing decisions are made. */
static int
tx(mastr_token_t *t, uint8_t type, const uint8_t *p, size_t n, enum mangle m)
{
	uint8_t	inner[MASTR_BODY_MAX], body[MASTR_BODY_MAX];
	size_t	ilen = 0, blen = 0;
	int	r;

	logf_line(t, "tx", type, n);
	if ((r = mastr_inner_encode(type, p, n, inner, sizeof(inner),
	    &ilen)) != MASTR_OK)
		goto fail;
	if (m == MANGLE_CHECKSUM)
		inner[ilen - 1] ^= 0x01;
	if ((r = mastr_chan_wrap(t->ch, inner, ilen, body, sizeof(body),
	    &blen)) != MASTR_OK)
		goto fail;
	if (m == MANGLE_TAG)
		body[blen - 1] ^= 0x01;
	r = mastr_chan_write_body(t->ch, body, blen);
fail:
	wipe(inner, sizeof(inner));
	wipe(body, sizeof(body));
	return r;
}

/* send_shutdown_signal(): one FAIL_HALT, no state change. */
static int
shutdown_signal(mastr_token_t *t)
{
	return tx(t, MASTR_T2H_INTEGRITY_FAIL_HALT, NULL, 0, MANGLE_NONE);
}

static int
enter_halt(mastr_token_t *t, const char *why)
{
	set_state(t, MASTR_ST_HALT);
	log_event(t, why);
	t->act = ACT_NONE;
	t->halt_due = mastr_clock_ms() + (uint64_t)t->o.halt_period_ms;
	return shutdown_signal(t);
}

static int
make_share(mastr_token_t *t, uint8_t share[MASTR_SHARE_LEN])
{
	mastr_eckey_t	*other = NULL;
	int		 r;

	if (fault(t, MASTR_FAULT_WRONG_KEY)) {
		if ((other = mastr_eckey_generate()) == NULL)
			return MASTR_ERR_CRYPTO;
		r = mastr_share_make(t->eph, mastr_eckey_sign_cb, other, share);
		mastr_eckey_free(&other);
	} else
		r = mastr_share_make(t->eph, mastr_eckey_sign_cb, t->perm,
		    share);
	if (r == MASTR_OK && fault(t, MASTR_FAULT_BAD_SIG))
		share[MASTR_PUB_LEN + 5] ^= 0x01;
	return r;
}

/* The framing faults replace the first T2H_ECDH_SHARE. */
static int
send_broken_share(mastr_token_t *t)
{
	static const uint8_t bad_escape[] = { MASTR_SOF, MASTR_T2H_ECDH_SHARE,
	    MASTR_ESC, 0x00, MASTR_EOF };
	uint8_t body[300];

	if (fault(t, MASTR_FAULT_BAD_ESCAPE)) {
		log_event(t, "fault bad-escape");
		return mastr_chan_write_raw(t->ch, bad_escape,
		    sizeof(bad_escape));
	}
	log_event(t, "fault oversize");
	memset(body, 0x55, sizeof(body));
	body[0] = MASTR_T2H_ECDH_SHARE;
	return mastr_chan_write_body(t->ch, body, sizeof(body));
}

static int
act_share(mastr_token_t *t)
{
	static const char dbg[] = "software token: debug build";
	uint8_t	share[MASTR_SHARE_LEN];
	int	r;

	if (fault(t, MASTR_FAULT_DEBUG_MSG) &&
	    (r = tx(t, MASTR_DEBUG_MSG, (const uint8_t *)dbg, sizeof(dbg) - 1,
	    MANGLE_NONE)) != MASTR_OK)
		return r;
	if (fault(t, MASTR_FAULT_BAD_ESCAPE | MASTR_FAULT_OVERSIZE))
		r = send_broken_share(t);
	else if ((r = make_share(t, share)) == MASTR_OK)
		r = tx(t, MASTR_T2H_ECDH_SHARE, share, sizeof(share),
		    fault(t, MASTR_FAULT_CHECKSUM) ? MANGLE_CHECKSUM :
		    MANGLE_NONE);
	/* Sent in plaintext; encryption is on from now until reset. */
	set_state(t, MASTR_ST_ECDH_DONE);
	mastr_chan_set_key(t->ch, t->next_key);
	wipe(t->next_key, sizeof(t->next_key));
	schedule(t, ACT_PING, t->o.ping_delay_ms);
	return r;
}

static int
act_ping(mastr_token_t *t)
{
	static const uint8_t ping[4] = { 'p', 'i', 'n', 'g' };

	set_state(t, MASTR_ST_CHANNEL);
	if (fault(t, MASTR_FAULT_DROP_PING)) {
		log_event(t, "fault drop-ping");
		return MASTR_OK;
	}
	return tx(t, MASTR_T2H_CHANNEL_VERIFY_REQUEST, ping, sizeof(ping),
	    fault(t, MASTR_FAULT_GCM_TAG) ? MANGLE_TAG : MANGLE_NONE);
}

static int
act_challenge(mastr_token_t *t)
{
	if (random_bytes(t->nonce, sizeof(t->nonce)) < 0)
		return MASTR_ERR_CRYPTO;
	t->nonce_sent = 1;
	return tx(t, MASTR_T2H_INTEGRITY_CHALLENGE, t->nonce, sizeof(t->nonce),
	    MANGLE_NONE);
}

static int
run_action(mastr_token_t *t)
{
	enum action a = t->act;

	t->act = ACT_NONE;
	switch (a) {
	case ACT_SHARE:
		return act_share(t);
	case ACT_PING:
		return act_ping(t);
	case ACT_CHALLENGE:
		return act_challenge(t);
	case ACT_HB_ACK:
		if (fault(t, MASTR_FAULT_DROP_HB_ACK)) {
			log_event(t, "fault drop-hb-ack");
			return MASTR_OK;
		}
		return tx(t, MASTR_T2H_HEARTBEAT_ACK, NULL, 0, MANGLE_NONE);
	case ACT_NONE:
	default:
		return MASTR_OK;
	}
}

/* Watchdog: 30 s after the ACK, a new ECDH share under the old key. */
static int
start_reattest(mastr_token_t *t)
{
	uint8_t	share[MASTR_SHARE_LEN];
	int	r;

	mastr_eckey_free(&t->eph);
	if ((t->eph = mastr_eckey_generate()) == NULL)
		return MASTR_ERR_CRYPTO;
	log_event(t, "reattest");
	t->reattest = 1;
	t->nonce_sent = 0;
	if ((r = make_share(t, share)) != MASTR_OK)
		return r;
	r = tx(t, MASTR_T2H_ECDH_SHARE, share, sizeof(share), MANGLE_NONE);
	set_state(t, MASTR_ST_ECDH_DONE);
	return r;
}

static int
on_ecdh_share(mastr_token_t *t, const mastr_msg_t *m)
{
	int s = mastr_token_state(t), r;

	if ((s != MASTR_ST_WAIT_ECDH && s != MASTR_ST_ECDH_DONE) ||
	    m->len != MASTR_SHARE_LEN)
		return shutdown_signal(t);
	if (mastr_share_check(t->slots.host_pub, m->payload, m->len) != MASTR_OK) {
		log_event(t, "host share signature rejected");
		return shutdown_signal(t);
	}
	if (s == MASTR_ST_WAIT_ECDH || t->eph == NULL) {
		mastr_eckey_free(&t->eph);
		if ((t->eph = mastr_eckey_generate()) == NULL)
			return MASTR_ERR_CRYPTO;
	}
	if ((r = mastr_eckey_session(t->eph, m->payload, t->next_key)) !=
	    MASTR_OK)
		return shutdown_signal(t);
	if (s == MASTR_ST_WAIT_ECDH) {
		schedule(t, ACT_SHARE, t->o.ecdh_delay_ms);
		return MASTR_OK;
	}
	/* Re-attestation: our share went out already; switch now. */
	mastr_chan_set_key(t->ch, t->next_key);
	wipe(t->next_key, sizeof(t->next_key));
	t->reattest = 0;
	schedule(t, ACT_PING, t->o.ping_delay_ms);
	return MASTR_OK;
}

static int
on_integrity(mastr_token_t *t, const mastr_msg_t *m)
{
	uint8_t	signed_part[MASTR_HASH_LEN + MASTR_NONCE_LEN];
	int	good;

	if (mastr_token_state(t) != MASTR_ST_INTEGRITY || !t->nonce_sent)
		return shutdown_signal(t);
	if (m->len != MASTR_ATTEST_LEN || fault(t, MASTR_FAULT_NACK))
		return tx(t, MASTR_T2H_NACK, NULL, 0, MANGLE_NONE);
	if (fault(t, MASTR_FAULT_ERROR))
		return tx(t, MASTR_T2H_ERROR, NULL, 0, MANGLE_NONE);
	t->nonce_sent = 0;
	memcpy(signed_part, m->payload, MASTR_HASH_LEN);
	memcpy(signed_part + MASTR_HASH_LEN, t->nonce, MASTR_NONCE_LEN);
	/* Signature first, then the hash, as crypto_verify_integrity_challenge. */
	if (mastr_ecdsa_verify(t->slots.host_pub, signed_part,
	    sizeof(signed_part), m->payload + MASTR_HASH_LEN) != MASTR_OK)
		return enter_halt(t, "halt: integrity signature bad");
	good = ct_equal(m->payload, t->slots.golden, MASTR_HASH_LEN);
	if (!good)
		return enter_halt(t, "halt: golden hash mismatch");
	set_state(t, MASTR_ST_BOOT_OK);
	if (fault(t, MASTR_FAULT_DROP_BOOT_OK)) {
		log_event(t, "fault drop-boot-ok");
		return MASTR_OK;
	}
	return tx(t, MASTR_T2H_BOOT_OK, NULL, 0, MANGLE_NONE);
}

static int
on_message(mastr_token_t *t, const mastr_msg_t *m)
{
	int s = mastr_token_state(t);

	switch (m->type) {
	case MASTR_H2T_ECDH_SHARE:
		return on_ecdh_share(t, m);
	case MASTR_H2T_CHANNEL_VERIFY_RESPONSE:
		if (s != MASTR_ST_CHANNEL || m->len < 4 ||
		    memcmp(m->payload, "pong", 4) != 0)
			return shutdown_signal(t);
		set_state(t, MASTR_ST_INTEGRITY);
		schedule(t, ACT_CHALLENGE, t->o.reply_delay_ms);
		return MASTR_OK;
	case MASTR_H2T_INTEGRITY_RESPONSE:
		return on_integrity(t, m);
	case MASTR_H2T_BOOT_OK_ACK:
		if (s != MASTR_ST_BOOT_OK)
			return shutdown_signal(t);
		set_state(t, MASTR_ST_RUNTIME);
		t->session_start = mastr_clock_ms();
		return MASTR_OK;
	case MASTR_H2T_HEARTBEAT:
		/* Ignored outside runtime; never extends the session. */
		if (s == MASTR_ST_RUNTIME)
			schedule(t, ACT_HB_ACK, t->o.reply_delay_ms);
		return MASTR_OK;
	case MASTR_H2T_INTEGRITY_FAIL_HALT:
	case MASTR_H2T_INTEGRITY_FAIL_ACK:
		return MASTR_OK;
	default:
		return shutdown_signal(t);
	}
}

static int
tick(mastr_token_t *t, uint64_t now)
{
	int s = mastr_token_state(t);

	if (s == MASTR_ST_HALT) {
		if (now < t->halt_due)
			return MASTR_OK;
		t->halt_due = now + (uint64_t)t->o.halt_period_ms;
		return shutdown_signal(t);
	}
	if (t->act != ACT_NONE && now >= t->act_due)
		return run_action(t);
	if (s == MASTR_ST_RUNTIME && t->act == ACT_NONE &&
	    now - t->session_start >= (uint64_t)t->o.session_timeout_ms)
		return start_reattest(t);
	return MASTR_OK;
}

/* How long the loop may sleep: until the next timer, at most 100 ms. */
static int
sleep_ms(const mastr_token_t *t, uint64_t now)
{
	uint64_t due = now + 100;

	if (t->act != ACT_NONE && t->act_due < due)
		due = t->act_due;
	if (mastr_token_state(t) == MASTR_ST_HALT && t->halt_due < due)
		due = t->halt_due;
	return due <= now ? 0 : (int)(due - now);
}

static int
start_session(mastr_token_t *t, int fd)
{
	uint8_t key[MASTR_KEY_LEN];

	mastr_chan_free(&t->ch);
	if ((t->ch = mastr_chan_new(fd)) == NULL)
		return MASTR_ERR_NOMEM;
	if (t->provisioned && fault(t, MASTR_FAULT_ENCRYPTED_START)) {
		/* Still in a session with a host that has rebooted. */
		if (random_bytes(key, sizeof(key)) < 0)
			return MASTR_ERR_CRYPTO;
		mastr_chan_set_key(t->ch, key);
		wipe(key, sizeof(key));
		set_state(t, MASTR_ST_RUNTIME);
		t->session_start = mastr_clock_ms();
	}
	log_event(t, "start");
	return MASTR_OK;
}

static int
handle_rx(mastr_token_t *t, int r, const mastr_msg_t *m)
{
	int s = mastr_token_state(t);

	if (r == MASTR_OK)
		logf_line(t, "rx", m->type, m->len);
	/* Unprovisioned: the serial task is never woken. Halted: deaf. */
	if (s == MASTR_ST_UNPROVISIONED || s == MASTR_ST_HALT)
		return MASTR_OK;
	if (r != MASTR_OK) {
		log_event(t, mastr_errname(r));
		return shutdown_signal(t);
	}
	return on_message(t, m);
}

/* Like USB with nobody listening: a frame that cannot be written is lost. */
static int
tx_dropped(mastr_token_t *t, int r)
{
	if (r != MASTR_ERR_IO)
		return 0;
	log_event(t, "tx dropped");
	return 1;
}

int
mastr_token_serve(mastr_token_t *t, int fd, volatile sig_atomic_t *stop,
    volatile sig_atomic_t *reattest)
{
	mastr_msg_t	msg;
	int		r;

	if ((r = start_session(t, fd)) != MASTR_OK)
		return r;
	while (!*stop) {
		uint64_t now = mastr_clock_ms();

		if (*reattest) {
			*reattest = 0;
			if (mastr_token_state(t) == MASTR_ST_RUNTIME &&
			    (r = start_reattest(t)) != MASTR_OK)
				break;
		}
		if ((r = tick(t, now)) != MASTR_OK && !tx_dropped(t, r))
			break;
		r = mastr_chan_recv(t->ch, sleep_ms(t, now), &msg);
		if (r == MASTR_ERR_TIMEOUT)
			continue;
		if (r == MASTR_ERR_CLOSED || r == MASTR_ERR_IO)
			break;
		if ((r = handle_rx(t, r, &msg)) != MASTR_OK && !tx_dropped(t, r))
			break;
	}
	wipe(&msg, sizeof(msg));
	if (*stop)
		r = MASTR_OK;
	log_event(t, "final");
	return r;
}

int
mastr_token_attach(mastr_token_t *t, int fd)
{
	return start_session(t, fd);
}

int
mastr_token_step(mastr_token_t *t, uint64_t now)
{
	mastr_msg_t	msg;
	int		r;

	if ((r = tick(t, now)) != MASTR_OK && !tx_dropped(t, r))
		return r;
	r = mastr_chan_recv(t->ch, 0, &msg);
	if (r == MASTR_ERR_TIMEOUT)
		r = MASTR_OK;
	else if (r != MASTR_ERR_CLOSED && r != MASTR_ERR_IO &&
	    (r = handle_rx(t, r, &msg)) != MASTR_OK && tx_dropped(t, r))
		r = MASTR_OK;
	wipe(&msg, sizeof(msg));
	return r;
}
