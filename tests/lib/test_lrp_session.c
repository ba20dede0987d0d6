/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LRP authentication and secure messaging of libntag424 against published
 * bytes, replayed through the command layer against a scripted tag.
 *
 * Sources:
 * - NXP AN12321 (MIFARE DESFire EV3 quick start, LRP), Table 2: a whole
 *   AuthenticateLRPFirst with the all-zero key. The table names key 3.
 * - Traces of a real NTAG 424 DNA in LRP mode published with the
 *   nfc-ev2-crypto project (icedevml), test_lrp_cmd / test_lrp_cmd2:
 *   GetCardUID three times in one session and a Full-mode WriteData, given
 *   with the session vector the tag's session came from.
 */
#include <string.h>

#include "helpers.h"
#include "ntag424.h"
#include "script.h"
#include "test.h"

static const struct step an12321_t2[] = {
	{ "9071000008030602000000000000",
	  "0156109A31977C855319CD4618C9D2AED291AF" },
	{ "90AF00002074D7DF6A2CEC0B72B412DE0D2B1117E6189B59DCEDC31A3D3F38EF"
	  "8D4810B3B400", "F4FC209D9D60623588B299FA5D6B2D710125F8547D9FB8D5"
	  "72C90D2C2A14E2359100" },
};

static void
check_an12321_session(const ntag424_dev_t *dev)
{
	uint8_t ti[4], mac_uk[16], enc_uk[16];

	test_hex("58EE9424", ti, sizeof(ti));
	test_hex("F56CADE598CC2A3FE47E438CFEB885DB", mac_uk, sizeof(mac_uk));
	test_hex("E9043D65AB21C0C422781099AB25EFDD", enc_uk, sizeof(enc_uk));
	CHECK(dev->sess.suite == &nt_suite_lrp);
	CHECK_BYTES(ti, dev->sess.ti, 4);
	CHECK_BYTES(mac_uk, dev->sess.lrp_mac.ku, 16);
	CHECK_BYTES(enc_uk, dev->sess.lrp_enc.ku, 16);
	CHECK_INT(0, dev->sess.cmd_ctr);
	/* 9.2.4: EncCtr 0 went to PICCData, secure messaging starts at 1. */
	CHECK_INT(1, dev->sess.enc_ctr);
	CHECK_INT(3, ntag424_auth_key_no(dev));
	CHECK_INT(1, ntag424_auth_is_lrp(dev));
}

/* AN12321 Table 2 through AuthenticateLRPFirst. */
static void
an12321_lrp_first(void)
{
	ntag424_dev_t *dev = script_dev(an12321_t2, NSTEPS(an12321_t2));
	uint8_t key[16] = { 0 };

	inject_rnda(dev, "74D7DF6A2CEC0B72B412DE0D2B1117E6");
	CHECK_INT(NTAG424_OK, ntag424_auth_lrp_first(dev, 3, key));
	check_an12321_session(dev);
	SCRIPT_END(&dev);
}

/* The same bytes through the negotiating ntag424_auth_first. */
static void
an12321_auth_first(void)
{
	ntag424_dev_t *dev = script_dev(an12321_t2, NSTEPS(an12321_t2));
	uint8_t key[16] = { 0 };

	inject_rnda(dev, "74D7DF6A2CEC0B72B412DE0D2B1117E6");
	CHECK_INT(NTAG424_OK, ntag424_auth_first(dev, 3, key));
	check_an12321_session(dev);
	SCRIPT_END(&dev);
}

/* A PICCResponse off by one bit: no session, NTAG424_ERR_AUTH. */
static void
an12321_bad_picc_response(void)
{
	static const struct step bad[] = {
		{ "9071000008030602000000000000",
		  "0156109A31977C855319CD4618C9D2AED291AF" },
		{ "90AF00002074D7DF6A2CEC0B72B412DE0D2B1117E6189B59DCEDC31A3D3F"
		  "38EF8D4810B3B400", "F4FC209D9D60623588B299FA5D6B2D710025F854"
		  "7D9FB8D572C90D2C2A14E2359100" },
	};
	ntag424_dev_t *dev = script_dev(bad, NSTEPS(bad));
	uint8_t key[16] = { 0 };

	inject_rnda(dev, "74D7DF6A2CEC0B72B412DE0D2B1117E6");
	CHECK_INT(NTAG424_ERR_AUTH, ntag424_auth_lrp_first(dev, 3, key));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_is_lrp(dev));
	SCRIPT_END(&dev);
}

/*
 * An AES tag answers LRPFirst as EV2First (16 bytes): the strict LRP call
 * stops there with NTAG424_ERR_STATE and sends nothing more.
 */
static void
lrp_first_on_aes_tag(void)
{
	static const struct step aes[] = {
		{ "9071000008000602000000000000",
		  "A04C124213C186F22399D33AC2A3021591AF" },
	};
	ntag424_dev_t *dev = script_dev(aes, NSTEPS(aes));
	uint8_t key[16] = { 0 };

	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_lrp_first(dev, 0, key));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_is_lrp(dev));
	SCRIPT_END(&dev);
}

/* Install the LRP session a published session vector gives. */
static void
lrp_session(ntag424_dev_t *dev, const char *sv_hex, const char *ti,
    uint32_t enc_ctr)
{
	uint8_t key[16] = { 0 }, sv[32], master[16];
	lrp_t kx;

	memset(&dev->sess, 0, sizeof(dev->sess));
	test_hex(sv_hex, sv, sizeof(sv));
	CHECK_INT(0, lrp_init(&kx, key, 0));
	CHECK_INT(0, lrp_cmac(&kx, sv, sizeof(sv), master));
	CHECK_INT(0, lrp_init(&dev->sess.lrp_mac, master, 0));
	CHECK_INT(0, lrp_init(&dev->sess.lrp_enc, master, 1));
	test_hex(ti, dev->sess.ti, sizeof(dev->sess.ti));
	dev->sess.enc_ctr = enc_ctr;
	dev->sess.suite = &nt_suite_lrp;
	lrp_wipe(&kx);
}

/*
 * nfc-ev2-crypto test_lrp_cmd: GetCardUID (Full) three times; CmdCtr and
 * EncCtr advance, the response MACs verify and decrypt to the UID.
 */
static void
trace_get_card_uid(void)
{
	static const struct step uid3[] = {
		{ "9051000008C37D6270F674CC6D00", "5EC351196B8E2943DB04FCD4A952"
		  "F53DA2830DC2258E45399100" },
		{ "9051000008D65CCB81E559140000", "D80B735F7B4C8E7E8A3CDAAA4410"
		  "F35F752769C8EBC48E1A9100" },
		{ "90510000088C677D7DCC34937100", "9CCD031474A50199C696D8EF272E"
		  "231A10173FAF41B614E49100" },
	};
	ntag424_dev_t *dev = script_dev(uid3, NSTEPS(uid3));
	uint8_t uid[7], exp[7];

	lrp_session(dev, "00010080993C4EED466BFC0E7EE1D30C1EBD0DEA6F6481E0D70E"
	    "9A174E789669", "4F5E8407", 1);
	test_hex("04940D2A2F7080", exp, sizeof(exp));
	for (size_t i = 0; i < 3; i++) {
		memset(uid, 0, sizeof(uid));
		CHECK_INT(NTAG424_OK, ntag424_uid_get(dev, uid));
		CHECK_BYTES(exp, uid, 7);
		CHECK_INT(i + 1, dev->sess.cmd_ctr);
		CHECK_INT(i + 2, dev->sess.enc_ctr);
	}
	SCRIPT_END(&dev);
}

/* The same trace with one response MAC bit flipped: session closed. */
static void
trace_get_card_uid_bad_mac(void)
{
	static const struct step bad[] = {
		{ "9051000008C37D6270F674CC6D00", "5EC351196B8E2943DB04FCD4A952"
		  "F53DA2830DC2258E45389100" },
	};
	ntag424_dev_t *dev = script_dev(bad, NSTEPS(bad));
	uint8_t uid[7];

	lrp_session(dev, "00010080993C4EED466BFC0E7EE1D30C1EBD0DEA6F6481E0D70E"
	    "9A174E789669", "4F5E8407", 1);
	CHECK_INT(NTAG424_ERR_INTEGRITY, ntag424_uid_get(dev, uid));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_is_lrp(dev));
	SCRIPT_END(&dev);
}

/*
 * nfc-ev2-crypto test_lrp_cmd2: WriteData of 01 02 03 to file 3 in Full
 * mode; the C-APDU is the trace's byte for byte (the answer here is an
 * error status word, which ends the session without a MAC).
 */
static void
trace_write_data_full(void)
{
	static const struct step wr[] = {
		{ "908D00001F03000000030000EAF0FAD0430ECDC947A822E12EC8D5F3BB75"
		  "F218B405FDBC00", "911E" },
	};
	ntag424_dev_t *dev = script_dev(wr, NSTEPS(wr));
	const uint8_t data[3] = { 0x01, 0x02, 0x03 };

	lrp_session(dev, "0001008008A6953C60BC3D34E53766689732E2A203FF23855751"
	    "D644ED519669", "204F2276", 1);
	CHECK_INT(0x911E, ntag424_data_write(dev, 3, NTAG424_COMM_FULL, 0, data,
	    sizeof(data)));
	SCRIPT_END(&dev);
}

/* NT4H2421Gx 9.2.7: the session vector of the AN12321 randoms. */
static void
session_vector(void)
{
	uint8_t rnda[16], rndb[16], sv[32], exp[32];

	test_hex("74D7DF6A2CEC0B72B412DE0D2B1117E6", rnda, sizeof(rnda));
	test_hex("56109A31977C855319CD4618C9D2AED2", rndb, sizeof(rndb));
	nt_lrp_sv(rnda, rndb, sv);
	/* Layout 00 01 00 80 || RndA[15..14] || ... || 96 69 (derived). */
	test_hex("0001008074D7897AB6DD9C0E855319CD4618C9D2AED2B412DE0D2B11"
	    "17E69669", exp, sizeof(exp));
	CHECK_BYTES(exp, sv, 32);
}

int
main(void)
{
	RUN(an12321_lrp_first);
	RUN(an12321_auth_first);
	RUN(an12321_bad_picc_response);
	RUN(lrp_first_on_aes_tag);
	RUN(trace_get_card_uid);
	RUN(trace_get_card_uid_bad_mac);
	RUN(trace_write_data_full);
	RUN(session_vector);
	return test_summary();
}
