/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AN12196 byte-level vectors replayed against the emulator, with AN12196's
 * RndB, TI, keys and padding injected (IDs: docs/test-vectors.md).
 */
#include <string.h>

#include "common/prim.h"
#include "helper.h"
#include "test.h"

#define SEL_APP	"00A4040C07D276000085010100"	/* FR-1 */

static void
inject(emu_t *e, int what, const char *hex)
{
	uint8_t v[16];
	size_t n = test_hex(hex, v, sizeof(v));

	CHECK_INT(0, emu_inject(e, what, v, n));
}

static emu_t *
tag_uid(const char *uid_hex)
{
	uint8_t uid[7];
	emu_t *e;

	test_hex(uid_hex, uid, sizeof(uid));
	e = emu_new(uid);
	CHECK(e != NULL);
	CHECK_INT(0x9000, h_sw(e, SEL_APP));
	return e;
}

static void
session(emu_t *e, uint8_t keyno, const char *ti, const char *kenc,
    const char *kmac)
{
	uint8_t t[4], ke[16] = { 0 }, km[16];

	test_hex(ti, t, sizeof(t));
	if (kenc != NULL)
		test_hex(kenc, ke, sizeof(ke));
	test_hex(kmac, km, sizeof(km));
	CHECK_INT(0, emu_set_session(e, keyno, t, 0, ke, km));
}

/* AN12196 Table 14 (AUTH-1): AuthenticateEV2First with key 0. */
static void
auth1(emu_t *e)
{
	inject(e, EMU_INJECT_RNDB, "B9E2FC789B64BF237CCCAA20EC7E6E48");
	inject(e, EMU_INJECT_TI, "9D00C4DF");
	XCHG(e, "9071000002000000", "A04C124213C186F22399D33AC2A3021591AF");
	XCHG(e, "90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA26"
	    "6CAB947EA8E0118D00",
	    "3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F08120663"
	    "9100");
}

static const char *sm3_capdu =
    "908D00009F02000000800000"
    "421C73A27D827658AF481FDFF20A5025B559D0E3AA21E58D347F343CFFC768BF"
    "E596C706BC00F2176781D4B0242642A0FF5A42C461AAF894D9A1284B8C76BCFA"
    "658ACD40555D362E08DB15CF421B51283F9064BCBE20E96CAE545B407C9D651A"
    "3315B27373772E5DA2367D2064AE054AF996C6F1F669170FA88CE8C4E3A4A7BB"
    "BEF0FD971FF532C3A802AF745660F2B4" "D1D9A8499661EBF300";

/*
 * AUTH-1, then SM-3 (WriteData Full, AN Table 18) and SM-4
 * (ChangeFileSettings, AN Table 19) in the same session. File 02 is first
 * set to Full with Write = key 0, the only settings under which the AN's
 * Full WriteData is what a tag expects (docs/emulator.md E-26).
 */
static void
an_auth1_sm3_sm4(void)
{
	emu_t *e = tag_uid("04DE5F1EACC040");
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t ndef[128] = { 0 };

	f->option = 0x03;
	f->ar = 0xE000;
	auth1(e);
	XCHG(e, sm3_capdu, "FC222E5F7A5424529100");
	test_hex("0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F"
	    "653D303030303030303030303030303030303030303030303030303030303030"
	    "303026633D30303030303030303030303030303030", ndef, sizeof(ndef));
	CHECK_BYTES(ndef, f->data, 128);
	XCHG(e, "905F0000190261B6D97903566E84C3AE5274467E89EAD799B7C1A0EF7A04"
	    "00", "57BFF87B1241E93D9100");
	CHECK_INT(0x40, f->option);
	CHECK_INT(0xE000, f->ar);
	CHECK_INT(0xC1, f->sdm_options);
	CHECK_INT(0x21F1, f->sdm_ar);
	CHECK_INT(32, f->picc_off);
	CHECK_INT(67, f->mac_in_off);
	CHECK_INT(67, f->mac_off);
	CHECK_INT(0, f->sdm_ctr);
	emu_free(&e);
}

/* E-26: the AN's Full WriteData to the factory (Plain, Write=E) file 02. */
static void
an_sm3_factory_is_length_error(void)
{
	emu_t *e = tag_uid("04DE5F1EACC040");

	auth1(e);
	XCHG(e, sm3_capdu, "917E");
	/* the error ended the session (DS 9.1.9) */
	XCHG(e, "90510000088E2C155ADDA99BE300", "91AE");
	emu_free(&e);
}

/*
 * AN12196 section 6.10-6.16: AUTH-2, SM-5, select EF and DF (session
 * kept, E-18), AUTH-3 NonFirst, FR-4 plain WriteData that still counts,
 * SM-6 ChangeKey key 2 (CmdCtr 2), SM-7 ChangeKey key 0 (bare 9100).
 */
static void
an_auth2_sm5_auth3_sm6_sm7(void)
{
	emu_t *e = tag_uid("04958CAA5C5E80");
	const emu_persist_t *p = emu_persist(e);
	uint8_t k[16], cc[32];

	inject(e, EMU_INJECT_RNDB, "91517975190DCEA6104948EFA3085C1B");
	inject(e, EMU_INJECT_TI, "7614281A");
	XCHG(e, "9071000002030000", "B875CEB0E66A6C5CD00898DC371F92D191AF");
	XCHG(e, "90AF000020FF0306E47DFBC50087C4D8A78E88E62DE1E8BE457AA477C707"
	    "E2F0874916A8B100", "0CC9A8094A8EEA683ECAAC5C7BF20584206D0608D4771"
	    "10FC6B3D5D3F65C3A6A9100");
	XCHG(e, "908D00001F030000000A00006B5E6804909962FC4E3FF5522CF0F8436C0C"
	    "53315B9C73AA00", "C26D236E4A7C046D9100");
	test_hex("0102030405060708090A", k, 10);
	CHECK_BYTES(k, p->file[2].data, 10);
	XCHG(e, "00A4000C02E10500", "9000");
	XCHG(e, SEL_APP, "9000");
	inject(e, EMU_INJECT_RNDB, "6924E8D09722659A2E7DEC68E66312B8");
	XCHG(e, "90770000010000", "A6A2B3C572D06C097BB8DB70463E22DC91AF");
	XCHG(e, "90AF000020BE7D45753F2CAB85F34BC60CE58B940763FE969658A532DF6D"
	    "95EA2773F6E99100", "B888349C24B315EAB5B589E279C8263E9100");
	XCHG(e, "908D000019010E0000120000FF0506E10500808283000000000000000000"
	    "00", "9100");
	test_hex("001720010000FF0406E104010000FF0506E1050080828300000000000000"
	    "0000", cc, sizeof(cc));
	CHECK_BYTES(cc, p->file[0].data, 32);
	XCHG(e, "90C4000029022CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E1"
	    "6C2393AE9CD1FAC75D0CE20BCD1D06E600", "203BB55D1089D5879100");
	test_hex("F3847D627727ED3BC9C4CC050489B966", k, 16);
	CHECK_BYTES(k, p->key[2], 16);
	CHECK_INT(1, p->key_ver[2]);
	XCHG(e, "90C400002900C0EB4DEEFEDDF0B513A03A95A75491818580503190D4D050"
	    "53FF75668A01D6FDA6610234BDED643200", "9100");
	test_hex("5004BF991F408672B1EF00F08F9E8647", k, 16);
	CHECK_BYTES(k, p->key[0], 16);
	CHECK_INT(1, p->key_ver[0]);
	/* changing the authenticated key ended the session */
	XCHG(e, "9051000000", "91AE");
	emu_free(&e);
}

/* AN12196 Table 8 (SM-1): GetFileSettings in MAC mode, SUN-4 settings. */
static void
an_sm1_get_file_settings(void)
{
	emu_t *e = tag_uid("04958CAA5C5E80");
	emu_file_t *f = &emu_persist(e)->file[1];

	f->option = 0x40;
	f->ar = 0xEEEE;
	f->sdm_options = 0xD1;
	f->sdm_ar = 0x00FE;
	f->picc_off = 31;
	f->mac_in_off = 68;
	f->enc_off = 68;
	f->enc_len = 32;
	f->mac_off = 106;
	session(e, 0, "7A21085E", NULL, "8248134A386E86EB7FAF54A52E536CB6");
	XCHG(e, "90F5000009026597A457C8CD442C00",
	    "0040EEEE000100D1FE001F00004400004400002000006A0000"
	    "2A474282E7A479869100");
	emu_free(&e);
}

/* AN12196 Table 9 as corrected (SM-2): WriteData Full, 128 bytes. */
static void
an_sm2_write_full(void)
{
	emu_t *e = tag_uid("04958CAA5C5E80");
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t d[128] = { 0 };

	f->option = 0x03;
	f->ar = 0xE000;
	session(e, 0, "856C1841", "7305E2CCA5B0377617CDBFEB96C9B358",
	    "8B485037C8C2FB400D79BF0AB956F28F");
	XCHG(e, "908D00009F02000000800000"
	    "B4716C58E71A09F6D869AB7810C2E94BD02F13DF2159433D581F50185B11535F"
	    "3E7A068582B04B5E4BDE374A788DF7AD8C4C5473F7B30D9496BD8F3F8ED51D50"
	    "6D3194FDEA51A877C2EB28A0A8FD2B34E196800A7D2F0AD1CBED98E311E2F766"
	    "7DA10DF3CF4CE6A5658B89695EDAD9F5D9AD1E4C41748D34BC6B15A2B45B050F"
	    "34765F3E9D2CF701E0C7F781477F7B91" "B97CBB2A236F876C00",
	    "DDDB9EC959B3EFEB9100");
	test_hex("005ED1015B5500687474703A2F2F7777772E6D69666172652E6E65742F70"
	    "726F64756374732F6E746167733F265549443D30343231363534414346344338"
	    "30264374723D30303030303126436D61633D3231453233363038323636453343"
	    "4541", d, sizeof(d));
	CHECK_BYTES(d, f->data, 128);
	emu_free(&e);
}

/* AN12196 Table 28 (SM-8): SetConfiguration, Random ID. */
static void
an_sm8_random_id(void)
{
	emu_t *e = tag_uid("04958CAA5C5E80");
	uint8_t r[64], zero[7] = { 0 };
	size_t n = 0;

	session(e, 0, "D779B1D0", "7951A705F47F3C29B596454DC1490383",
	    "FE4EDBF46536557E304682F33E63A84F");
	XCHG(e, "905C000019008EA0138A7AF6FC8E99DF2A3A305602C43A7A3C9228C3134A"
	    "00", "86044208CAD1676A9100");
	CHECK_INT(1, emu_persist(e)->random_id);
	/* active only after a power cycle (DS 8.1.1): GetVersion part 3 */
	emu_power_cycle(e);
	CHECK_INT(0x91AF, h_sw(e, "9060000000"));
	CHECK_INT(0x91AF, h_sw(e, "90AF000000"));
	CHECK_INT(0x9100, h_plain(e, 0xAF, NULL, 0, r, &n));
	CHECK_INT(14, n);
	CHECK_BYTES(zero, r, 7);
	emu_free(&e);
}

/* AN12196 Table 29 (SM-9): GetCardUID, Full response. */
static void
an_sm9_get_card_uid(void)
{
	emu_t *e = tag_uid("04958CAA5C5E80");

	session(e, 1, "DF055522", "2B4D963C014DC36F24F69A50A394F875",
	    "379D32130CE61705DD5FD8C36B95D764");
	XCHG(e, "90510000088E2C155ADDA99BE300",
	    "70756055688505B52A5E26E59E329CD6595F672298EA41B79100");
	emu_free(&e);
}

/* FR-2 shape (AN Table 13) with this emulator's values (E-10). */
static void
an_fr2_get_version(void)
{
	emu_t *e = tag_uid("04968CAA5C5E80");

	XCHG(e, "9060000000", "0404023000110591AF");
	XCHG(e, "90AF000000", "0404020102110591AF");
	XCHG(e, "90AF000000", "04968CAA5C5E80000000000001249100");
	/* GetVersion needs no application (E-1) */
	emu_power_cycle(e);
	XCHG(e, "9060000000", "0404023000110591AF");
	emu_free(&e);
}

int
main(void)
{
	RUN(an_auth1_sm3_sm4);
	RUN(an_sm3_factory_is_length_error);
	RUN(an_auth2_sm5_auth3_sm6_sm7);
	RUN(an_sm1_get_file_settings);
	RUN(an_sm2_write_full);
	RUN(an_sm8_random_id);
	RUN(an_sm9_get_card_uid);
	RUN(an_fr2_get_version);
	return test_summary();
}
