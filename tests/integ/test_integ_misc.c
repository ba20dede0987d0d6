/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GetVersion, GetCardUID, SetConfiguration (Random ID), Read_Sig and the
 * originality check, GetTTStatus and ISOSelectFile through libntag424
 * against the emulator.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "integ.h"
#include "internal.h"
#include "test.h"

/* docs/emulator.md E-10: the emulator's GetVersion (NT4H2421Gx 10.5.2). */
static void
check_version(const ntag424_version_t *v, const uint8_t uid[7])
{
	bool between = false;

	CHECK_INT(0x04, v->hw_vendor);
	CHECK_INT(0x04, v->hw_type);
	CHECK_INT(0x02, v->hw_subtype);
	CHECK_INT(0x30, v->hw_major);
	CHECK_INT(0x00, v->hw_minor);
	CHECK_INT(0x11, v->hw_storage);
	CHECK_INT(0x05, v->hw_protocol);
	CHECK_INT(0x04, v->sw_vendor);
	CHECK_INT(0x04, v->sw_type);
	CHECK_INT(0x02, v->sw_subtype);
	CHECK_INT(0x01, v->sw_major);
	CHECK_INT(0x02, v->sw_minor);
	CHECK_INT(0x11, v->sw_storage);
	CHECK_INT(0x05, v->sw_protocol);
	CHECK_BYTES(uid, v->uid, 7);
	CHECK_INT(0x01, v->prod_week);
	CHECK_INT(0x24, v->prod_year);
	CHECK_INT(0, v->fab_key);
	CHECK(!v->has_fab_key_id);
	CHECK_INT(256, ntag424_version_storage(v->hw_storage, &between));
	CHECK(between);
}

static void
misc_version(void)
{
	struct rig r;
	ntag424_version_t v;

	rig_open(&r, NULL);
	memset(&v, 0xAA, sizeof(v));
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	/* E-11: MAC on the first part, over all three parts on the last */
	rig_auth(&r, 2, integ_zero);
	memset(&v, 0xAA, sizeof(v));
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	CHECK_INT(2, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

static void
misc_card_uid(void)
{
	struct rig r;
	uint8_t uid[7];
	size_t before;

	rig_open(&r, NULL);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_uid_get(r.dev, uid));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	rig_auth(&r, 4, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_uid_get(r.dev, uid));
	CHECK_BYTES(integ_uid, uid, 7);
	rig_close(&r);
}

/* Option 00: Random ID from the next power-up; GetCardUID still tells. */
static void
misc_random_uid(void)
{
	static const uint8_t zero7[7];
	struct rig r;
	ntag424_version_t v;
	uint8_t uid[7], sig[NTAG424_SIG_LEN];

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_config_random_uid(r.dev));
	rig_auth(&r, 1, integ_zero);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_config_random_uid(r.dev));
	CHECK_INT(0, emu_persist_const(r.emu)->random_id);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_config_random_uid(r.dev));
	/* not before the next power-up */
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	CHECK_BYTES(integ_uid, v.uid, 7);
	rig_repower(&r);
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	CHECK_BYTES(zero7, v.uid, 7);
	/* E-17: Read_Sig needs an authentication with Random ID on */
	CHECK_INT(0x91AE, ntag424_originality_read(r.dev, sig));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_uid_get(r.dev, uid));
	CHECK_BYTES(integ_uid, uid, 7);
	CHECK_INT(NTAG424_OK, ntag424_originality_read(r.dev, sig));
	CHECK_INT(NTAG424_ERR_NOT_GENUINE,
	    ntag424_originality_verify(uid, 7, sig));
	rig_close(&r);
}

/* 57-byte uncompressed public point of a secp224r1 scalar (test only). */
static int
public_point(const uint8_t priv[28], uint8_t pub[57])
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp224r1);
	EC_POINT *p = g != NULL ? EC_POINT_new(g) : NULL;
	BIGNUM *d = BN_bin2bn(priv, 28, NULL);
	int ok = g != NULL && p != NULL && d != NULL &&
	    EC_POINT_mul(g, p, d, NULL, NULL, NULL) == 1 &&
	    EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, pub, 57,
	    NULL) == 57;

	BN_clear_free(d);
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return ok ? 0 : -1;
}

/*
 * The emulated tag signs with its own key: not genuine. With a known test
 * key, the signature verifies against that key's public point through the
 * library's ECDSA path (nt_ecdsa_verify), in plain and in Full.
 */
static void
misc_originality(void)
{
	uint8_t priv[EMU_SIG_PRIV_LEN], pub[57], sig[NTAG424_SIG_LEN];
	uint8_t other[7];
	struct rig r;

	for (size_t i = 0; i < sizeof(priv); i++)
		priv[i] = (uint8_t)(0x11 + i);
	CHECK_INT(0, public_point(priv, pub));
	rig_open(&r, NULL);
	CHECK_INT(NTAG424_OK, ntag424_originality_read(r.dev, sig));
	CHECK_INT(NTAG424_ERR_NOT_GENUINE,
	    ntag424_originality_verify(integ_uid, 7, sig));
	CHECK_INT(NTAG424_ERR_NOT_GENUINE, nt_ecdsa_verify(pub, sizeof(pub),
	    integ_uid, 7, sig));
	CHECK_INT(NTAG424_OK, emu_set_sig_key(r.emu, priv));
	CHECK_INT(NTAG424_OK, ntag424_originality_read(r.dev, sig));
	CHECK_INT(NTAG424_OK, nt_ecdsa_verify(pub, sizeof(pub), integ_uid, 7,
	    sig));
	CHECK_INT(NTAG424_ERR_NOT_GENUINE,
	    ntag424_originality_verify(integ_uid, 7, sig));
	memcpy(other, integ_uid, 7);
	other[6] ^= 1;
	CHECK_INT(NTAG424_ERR_NOT_GENUINE, nt_ecdsa_verify(pub, sizeof(pub),
	    other, 7, sig));
	rig_auth(&r, 3, integ_zero);
	memset(sig, 0, sizeof(sig));
	CHECK_INT(NTAG424_OK, ntag424_originality_read(r.dev, sig));
	CHECK_INT(NTAG424_OK, nt_ecdsa_verify(pub, sizeof(pub), integ_uid, 7,
	    sig));
	rig_close(&r);
}

/*
 * E-11: GetVersion in a session counts once for CmdCtr on both sides. The
 * MAC and Full commands after it only pass if the tag checked their MACs
 * with the CmdCtr the library used and answered with the one it expects.
 */
static void
misc_version_cmdctr(void)
{
	struct rig r;
	ntag424_version_t v;
	ntag424_file_settings_t fs;
	uint8_t kv = 0xAA, uid[7];

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0, r.dev->sess.cmd_ctr);
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	CHECK_INT(1, r.dev->sess.cmd_ctr);
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 0, &kv));
	CHECK_INT(0x00, kv);
	CHECK_INT(2, r.dev->sess.cmd_ctr);
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev,
	    NTAG424_FILE_NDEF, &fs));
	CHECK_INT(NTAG424_OK, ntag424_uid_get(r.dev, uid));
	CHECK_BYTES(integ_uid, uid, 7);
	CHECK_INT(5, r.dev->sess.cmd_ctr);
	CHECK_INT(0, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

/*
 * The 917E the engine once saw: selecting the MF by file ID ended the
 * tag's session (E-18) but not the library's, whose next GetVersion came
 * with a MAC the unauthenticated tag cannot take.
 */
static void
misc_version_after_mf(void)
{
	struct rig r;
	ntag424_version_t v;
	uint8_t kv;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_MF));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r.dev));
	memset(&v, 0xAA, sizeof(v));
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	rig_auth(&r, 3, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 3, &kv));
	CHECK_INT(3, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

/* ntag424_auth_end forgets only our half: the tag answers 917E, then drops. */
static void
misc_version_after_forget(void)
{
	struct rig r;
	ntag424_version_t v;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	ntag424_auth_end(r.dev);
	CHECK_INT(0x917E, ntag424_version_get(r.dev, &v));
	CHECK_INT(NTAG424_OK, ntag424_version_get(r.dev, &v));
	check_version(&v, integ_uid);
	rig_close(&r);
}

/* A plain NTAG 424 DNA is not a TagTamper part: 911C. */
static void
misc_tt_status(void)
{
	struct rig r;
	uint8_t p, c;

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_tt_status(r.dev, &p, &c));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x911C, ntag424_tt_status(r.dev, &p, &c));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

/* E-18: an EF select keeps the session, another DF ends it. */
static void
misc_select(void)
{
	static const uint8_t mf[7] = { 0xD2, 0x76, 0x00, 0x00, 0x85, 0x01,
	    0x00 };
	struct rig r;
	uint8_t v;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_PROP));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 1, &v));
	CHECK_INT(0, ntag424_auth_key_no(r.dev));
	CHECK_INT(0x6A82, ntag424_select_file(r.dev, 0x1234));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 1, &v));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_select_df(r.dev, mf, sizeof(mf)));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	/* at MF level application commands are refused (E-1) */
	CHECK_INT(0x919D, integ_auth_first(r.dev, 0, integ_zero));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r.dev));
	rig_auth(&r, 0, integ_zero);
	rig_close(&r);
}

/*
 * SetConfiguration 05 switches an AES tag to LRP for good: EV2First is
 * then 919D, LRPFirst works, and the LRP-mode probe (an OriginalityKey
 * LRP Part 1 at MF level) tells the modes apart without counting a failed
 * authentication. Under INTEG_LRP the tag starts in LRP mode.
 */
static void
misc_lrp_switch(void)
{
	struct rig r;

	rig_open(&r, NULL);
	CHECK_INT(integ_lrp() ? 1 : 0, ntag424_config_lrp_mode(r.dev));
	CHECK_INT(0, emu_persist(r.emu)->fail[1].tot);
	CHECK_INT(NTAG424_OK, ntag424_auth_first(r.dev, 0, integ_zero));
	CHECK_INT(integ_lrp() ? 1 : 0, ntag424_auth_is_lrp(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_config_lrp(r.dev));
	/* The running session keeps its suite. */
	CHECK_INT(integ_lrp() ? 1 : 0, ntag424_auth_is_lrp(r.dev));
	rig_repower(&r);
	CHECK_INT(1, ntag424_config_lrp_mode(r.dev));
	CHECK_INT(0x919D, ntag424_auth_ev2_first(r.dev, 0, integ_zero));
	CHECK_INT(NTAG424_OK, ntag424_auth_first(r.dev, 0, integ_zero));
	CHECK_INT(1, ntag424_auth_is_lrp(r.dev));
	/* Asking again changes nothing. */
	CHECK_INT(NTAG424_OK, ntag424_config_lrp(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_auth_nonfirst(r.dev, 0, integ_zero));
	CHECK_INT(1, ntag424_auth_is_lrp(r.dev));
	rig_close(&r);
}

int
main(void)
{
	RUN(misc_version);
	RUN(misc_version_cmdctr);
	RUN(misc_version_after_mf);
	RUN(misc_version_after_forget);
	RUN(misc_card_uid);
	RUN(misc_random_uid);
	RUN(misc_originality);
	RUN(misc_tt_status);
	RUN(misc_select);
	RUN(misc_lrp_switch);
	return test_summary();
}
