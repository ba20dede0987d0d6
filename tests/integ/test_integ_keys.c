/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ChangeKey and GetKeyVersion through libntag424 against the emulator
 * (NT4H2421Gx 10.6.1, 10.6.2): keys 1..4 then 0, re-authentication with
 * the new keys, versions, the CRC check (911E) and the session rules.
 */
#include <string.h>

#include "integ.h"
#include "test.h"

static void
keys_change_all_then_reauth(void)
{
	struct rig r;
	uint8_t k[5][16], v;

	rig_open(&r, NULL);
	for (uint8_t i = 0; i < 5; i++)
		integ_key(k[i], (uint8_t)(0x10 * (i + 1)));
	rig_auth(&r, 0, integ_zero);
	for (uint8_t i = 1; i <= 4; i++)
		CHECK_INT(NTAG424_OK, ntag424_key_change(r.dev, i, k[i],
		    (uint8_t)(0xA0 + i), integ_zero));
	/* Changing keys 1..4 keeps the key-0 session. */
	CHECK_INT(0, ntag424_auth_key_no(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_key_change(r.dev, 0, k[0], 0xA0, NULL));
	/* Key 0 changed: the session is over on both sides. */
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	for (uint8_t i = 0; i <= 4; i++) {
		CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, i, &v));
		CHECK_INT(0xA0 + i, v);
		CHECK_BYTES(k[i], emu_persist_const(r.emu)->key[i], 16);
	}
	for (uint8_t i = 0; i <= 4; i++) {
		CHECK_INT(0x91AE, integ_auth_first(r.dev, i, integ_zero));
		rig_auth(&r, i, k[i]);
		/* a MACed command inside each new session */
		CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, i, &v));
	}
	rig_close(&r);
}

static void
keys_change_back_to_factory(void)
{
	struct rig r;
	uint8_t k[16], v;

	rig_open(&r, NULL);
	integ_key(k, 0x42);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_key_change(r.dev, 3, k, 1, integ_zero));
	CHECK_INT(NTAG424_OK, ntag424_key_change(r.dev, 3, integ_zero, 0, k));
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 3, &v));
	CHECK_INT(0, v);
	rig_auth(&r, 3, integ_zero);
	rig_close(&r);
}

/* A wrong old key makes the tag's CRC32 over the new key fail: 911E. */
static void
keys_wrong_old_key(void)
{
	struct rig r;
	uint8_t k[16], bad[16], v;

	rig_open(&r, NULL);
	integ_key(k, 0x20);
	integ_key(bad, 0x99);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x911E, ntag424_key_change(r.dev, 2, k, 5, bad));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_BYTES(integ_zero, emu_persist_const(r.emu)->key[2], 16);
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 2, &v));
	CHECK_INT(0, v);
	rig_close(&r);
}

static void
keys_change_needs_key0_session(void)
{
	struct rig r;
	uint8_t k[16];
	size_t before;

	rig_open(&r, NULL);
	integ_key(k, 0x30);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_key_change(r.dev, 1, k, 1,
	    integ_zero));
	rig_auth(&r, 1, integ_zero);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_key_change(r.dev, 1, k, 1,
	    integ_zero));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_key_change(r.dev, 5, k, 1,
	    integ_zero));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_key_change(r.dev, 1, k, 1, NULL));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	rig_close(&r);
}

/* GetKeyVersion of key 5: refused by the library; the tag says 9140. */
static void
keys_version_no_such_key(void)
{
	static const uint8_t capdu[] = { 0x90, 0x64, 0x00, 0x00, 0x01, 0x05,
	    0x00 };
	struct rig r;
	uint8_t v, resp[NTAG424_RAPDU_MAX];
	size_t n = sizeof(resp);

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_key_version(r.dev, 5, &v));
	CHECK_INT(NTAG424_OK, ntag424_dev_transceive(r.dev, capdu,
	    sizeof(capdu), resp, &n));
	CHECK_INT(0x9140, resp[n - 2] << 8 | resp[n - 1]);
	rig_close(&r);
}

/* Key 0 changed while a session with it runs, then NonFirst is refused. */
static void
keys_change_key0_then_nonfirst(void)
{
	struct rig r;
	uint8_t k[16];
	size_t before;

	rig_open(&r, NULL);
	integ_key(k, 0x50);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_key_change(r.dev, 0, k, 7, NULL));
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_STATE, integ_auth_nonfirst(r.dev, 0, k));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	rig_auth(&r, 0, k);
	rig_close(&r);
}

int
main(void)
{
	RUN(keys_change_all_then_reauth);
	RUN(keys_change_back_to_factory);
	RUN(keys_wrong_old_key);
	RUN(keys_change_needs_key0_session);
	RUN(keys_version_no_such_key);
	RUN(keys_change_key0_then_nonfirst);
	return test_summary();
}
