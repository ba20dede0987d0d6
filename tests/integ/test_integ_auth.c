/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AuthenticateEV2First / NonFirst through libntag424 against the emulator:
 * success with every key, wrong keys and the failed-authentication counter,
 * AUTHENTICATION_DELAY (91AD) states, lockout (919D), missing key (9140).
 */
#include <string.h>

#include "integ.h"
#include "test.h"

static const uint8_t wrong[16] = { 0x55 };

static void
auth_every_factory_key(void)
{
	struct rig r;

	rig_open(&r, NULL);
	for (uint8_t k = 0; k <= NTAG424_KEY_MAX; k++) {
		rig_auth(&r, k, integ_zero);
		CHECK_INT(k, ntag424_auth_key_no(r.dev));
	}
	rig_close(&r);
}

static void
auth_wrong_key_counts(void)
{
	struct rig r;
	const emu_failctr_t *f;

	rig_open(&r, NULL);
	f = &emu_persist_const(r.emu)->fail[0];
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 0, wrong));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_INT(1, f->tot);
	CHECK_INT(1, f->seq);
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 0, wrong));
	CHECK_INT(2, f->tot);
	CHECK_INT(2, f->seq);
	/* AN12196 Figure 12: success subtracts TotFailCtrDecr (10), ends seq. */
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0, f->tot);
	CHECK_INT(0, f->seq);
	rig_close(&r);
}

static void
auth_wrong_key_ends_session(void)
{
	struct rig r;
	uint8_t v;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 1, wrong));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	/* Both sides dropped the session: a plain command works. */
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 1, &v));
	CHECK_INT(0x00, v);
	rig_close(&r);
}

static void
auth_nonfirst(void)
{
	struct rig r;
	uint8_t v = 0xFF;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 0, &v));
	CHECK_INT(NTAG424_OK, integ_auth_nonfirst(r.dev, 2, integ_zero));
	CHECK_INT(2, ntag424_auth_key_no(r.dev));
	/* TI and CmdCtr carried over: the next MACed command must verify. */
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 3, &v));
	CHECK_INT(0x91AE, integ_auth_nonfirst(r.dev, 3, wrong));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

static void
auth_nonfirst_needs_session(void)
{
	struct rig r;
	size_t before;

	rig_open(&r, NULL);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_STATE,
	    integ_auth_nonfirst(r.dev, 0, integ_zero));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	rig_close(&r);
}

/* The library refuses key 5 itself; the tag's own answer is 9140. */
static void
auth_no_such_key(void)
{
	/* LenCap 1, PCDcap2.1 = 02: the LRP request an LRP tag answers. */
	static const uint8_t capdu[] = { 0x90, 0x71, 0x00, 0x00, 0x03, 0x05,
	    0x01, 0x02, 0x00 };
	struct rig r;
	uint8_t resp[NTAG424_RAPDU_MAX];
	size_t n = sizeof(resp), before;

	rig_open(&r, NULL);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_ARG, integ_auth_first(r.dev, 5, integ_zero));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_dev_transceive(r.dev, capdu,
	    sizeof(capdu), resp, &n));
	CHECK_INT(2, n);
	CHECK_INT(0x9140, resp[0] << 8 | resp[1]);
	rig_close(&r);
}

/* docs/emulator.md E-24: EV2 authentication before selecting: 919D. */
static void
auth_at_mf_level(void)
{
	struct rig r;

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_OK, ntag424_dev_reconnect(r.dev));
	CHECK_INT(0x919D, integ_auth_first(r.dev, 0, integ_zero));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r.dev));
	rig_auth(&r, 0, integ_zero);
	rig_close(&r);
}

/*
 * The delay states (emu_delay_t: delays from SeqFailCtr 2, one unit per
 * failure beyond): 91AD until the delay is served, then the attempt counts.
 */
static void
auth_delay_states(void)
{
	const emu_delay_t d = { 2, 1, 16 };
	struct rig r;
	const emu_failctr_t *f;

	rig_open(&r, NULL);
	emu_set_delay(r.emu, &d);
	f = &emu_persist_const(r.emu)->fail[1];
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 1, wrong));
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 1, wrong));
	/* seq 2: one delay unit to serve, even with the right key */
	CHECK_INT(0x91AD, integ_auth_first(r.dev, 1, integ_zero));
	CHECK_INT(2, f->tot);
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 1, wrong));
	CHECK_INT(3, f->seq);
	/* seq 3: two units */
	CHECK_INT(0x91AD, integ_auth_first(r.dev, 1, integ_zero));
	CHECK_INT(0x91AD, integ_auth_first(r.dev, 1, integ_zero));
	rig_auth(&r, 1, integ_zero);
	CHECK_INT(0, f->seq);
	/* Other keys were never delayed. */
	rig_auth(&r, 2, integ_zero);
	rig_close(&r);
}

/* SetConfiguration option 0A: limit 3, decrement 1; then 919D (locked). */
static void
auth_lockout(void)
{
	struct rig r;
	const emu_failctr_t *f;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_config_failed_auth(r.dev, true, 3, 1));
	CHECK_INT(3, emu_persist_const(r.emu)->fail_limit);
	CHECK_INT(1, emu_persist_const(r.emu)->fail_decr);
	f = &emu_persist_const(r.emu)->fail[2];
	for (int i = 0; i < 3; i++)
		CHECK_INT(0x91AE, integ_auth_first(r.dev, 2, wrong));
	CHECK_INT(3, f->tot);
	CHECK_INT(0x919D, integ_auth_first(r.dev, 2, integ_zero));
	CHECK_INT(0x919D, integ_auth_first(r.dev, 2, integ_zero));
	/* Key 0 is untouched. */
	rig_auth(&r, 0, integ_zero);
	rig_close(&r);
}

static void
auth_fail_counter_disabled(void)
{
	struct rig r;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_config_failed_auth(r.dev, false, 0, 0));
	CHECK_INT(0, emu_persist_const(r.emu)->fail_enabled);
	for (int i = 0; i < 3; i++)
		CHECK_INT(0x91AE, integ_auth_first(r.dev, 4, wrong));
	CHECK_INT(0, emu_persist_const(r.emu)->fail[4].tot);
	rig_auth(&r, 4, integ_zero);
	rig_close(&r);
}

int
main(void)
{
	RUN(auth_every_factory_key);
	RUN(auth_wrong_key_counts);
	RUN(auth_wrong_key_ends_session);
	RUN(auth_nonfirst);
	RUN(auth_nonfirst_needs_session);
	RUN(auth_no_such_key);
	RUN(auth_at_mf_level);
	RUN(auth_delay_states);
	RUN(auth_lockout);
	RUN(auth_fail_counter_disabled);
	return test_summary();
}
