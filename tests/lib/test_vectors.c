/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The published vectors of docs/test-vectors.md (all but SUN-*), replayed
 * through the command layer against a scripted tag that checks every
 * C-APDU byte for byte.
 */
#include <string.h>

#include "helpers.h"
#include "ntag424.h"
#include "script.h"
#include "test.h"

static const char *zero_key = "00000000000000000000000000000000";

/* AN12196 6.8.2 Table 18 (SM-3): the NDEF image, 83 bytes + 45 zero bytes. */
static const char *ndef83 =
    "0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F653D"
    "3030303030303030303030303030303030303030303030303030303030303030"
    "26633D30303030303030303030303030303030";

static size_t
ndef128(uint8_t out[128])
{
	memset(out, 0, 128);
	test_hex(ndef83, out, 128);
	return 128;
}

/*
 * AN12196 6.6 Table 14 (AUTH-1), 6.8.2 Table 18 (SM-3), 6.9 Table 19 (SM-4):
 * one session, as in the application note.
 */
static const struct step an_flow1[] = {
	{ "9071000002000000", "A04C124213C186F22399D33AC2A3021591AF" },
	{ "90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB94"
	  "7EA8E0118D00", "3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17F"
	  "A7AB2F081206639100" },
	{ "908D00009F02000000800000421C73A27D827658AF481FDFF20A5025B559D0E3"
	  "AA21E58D347F343CFFC768BFE596C706BC00F2176781D4B0242642A0FF5A42C4"
	  "61AAF894D9A1284B8C76BCFA658ACD40555D362E08DB15CF421B51283F9064BC"
	  "BE20E96CAE545B407C9D651A3315B27373772E5DA2367D2064AE054AF996C6F1"
	  "F669170FA88CE8C4E3A4A7BBBEF0FD971FF532C3A802AF745660F2B4D1D9A849"
	  "9661EBF300", "FC222E5F7A5424529100" },
	{ "905F0000190261B6D97903566E84C3AE5274467E89EAD799B7C1A0EF7A0400",
	  "57BFF87B1241E93D9100" },
};

/* SM-4's settings: AN12196 Table 19, "4000E0C1F121200000430000430000". */
static void
an_sdm_settings(ntag424_file_settings_t *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->comm_mode = NTAG424_COMM_PLAIN;
	fs->access.read = NTAG424_AR_FREE;
	fs->access.write = 0;
	fs->access.read_write = 0;
	fs->access.change = 0;
	fs->sdm.enabled = true;
	fs->sdm.uid_mirror = true;
	fs->sdm.read_ctr = true;
	fs->sdm.ctr_ret = 1;
	fs->sdm.meta_read = 2;
	fs->sdm.file_read = 1;
	fs->sdm.picc_data_offset = 32;
	fs->sdm.mac_input_offset = 67;
	fs->sdm.mac_offset = 67;
}

static void
auth1_sm3_sm4(void)
{
	ntag424_dev_t *dev = script_dev(an_flow1, NSTEPS(an_flow1));
	ntag424_file_settings_t fs;
	uint8_t key[16], data[128];

	test_hex(zero_key, key, sizeof(key));
	inject_rnda(dev, "13C5DB8A5930439FC3DEF9A4C675360F");
	CHECK_INT(NTAG424_OK, ntag424_auth_ev2_first(dev, 0, key));
	check_session(dev, "1309C877509E5A215007FF0ED19CA564",
	    "4C6626F5E72EA694202139295C7A7FC7", "9D00C4DF", 0);
	CHECK_INT(0, ntag424_auth_key_no(dev));
	/* The AN sends all 128 bytes in one APDU (Lc 9F). */
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(dev, 255));
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 2, NTAG424_COMM_FULL, 0,
	    data, ndef128(data)));
	CHECK_INT(1, dev->sess.cmd_ctr);
	an_sdm_settings(&fs);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_change(dev, 2, &fs));
	CHECK_INT(2, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
}

/*
 * AN12196 6.10 Table 20 (AUTH-2), 6.12 Table 22 (SM-5), 6.13 Table 23
 * (FR-1), 6.14 Table 24 (AUTH-3), 6.15 Table 25 (FR-4), 6.16.1 Table 26
 * (SM-6, CRC-1), 6.16.2 Table 27 (SM-7).
 */
static const struct step an_flow2[] = {
	{ "9071000002030000", "B875CEB0E66A6C5CD00898DC371F92D191AF" },
	{ "90AF000020FF0306E47DFBC50087C4D8A78E88E62DE1E8BE457AA477C707E2F0"
	  "874916A8B100", "0CC9A8094A8EEA683ECAAC5C7BF20584206D0608D477110FC6"
	  "B3D5D3F65C3A6A9100" },
	{ "908D00001F030000000A00006B5E6804909962FC4E3FF5522CF0F8436C0C5331"
	  "5B9C73AA00", "C26D236E4A7C046D9100" },
	{ "00A4040C07D276000085010100", "9000" },
	{ "90770000010000", "A6A2B3C572D06C097BB8DB70463E22DC91AF" },
	{ "90AF000020BE7D45753F2CAB85F34BC60CE58B940763FE969658A532DF6D95EA"
	  "2773F6E99100", "B888349C24B315EAB5B589E279C8263E9100" },
	{ "908D000019010E0000120000FF0506E1050080828300000000000000000000",
	  "9100" },
	{ "90C4000029022CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C23"
	  "93AE9CD1FAC75D0CE20BCD1D06E600", "203BB55D1089D5879100" },
	{ "90C400002900C0EB4DEEFEDDF0B513A03A95A75491818580503190D4D05053FF"
	  "75668A01D6FDA6610234BDED643200", "9100" },
};

static void
auth2_sm5_auth3_sm6_sm7(void)
{
	ntag424_dev_t *dev = script_dev(an_flow2, NSTEPS(an_flow2));
	uint8_t key[16], data[18], k2[16], k0[16];

	test_hex(zero_key, key, sizeof(key));
	inject_rnda(dev, "B98F4C50CF1C2E084FD150E33992B048");
	CHECK_INT(NTAG424_OK, ntag424_auth_ev2_first(dev, 3, key));
	check_session(dev, "7A93D6571E4B180FCA6AC90C9A7488D4",
	    "FC4AF159B62E549B5812394CAB1918CC", "7614281A", 0);
	test_hex("0102030405060708090A", data, sizeof(data));
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 3, NTAG424_COMM_FULL, 0,
	    data, 10));
	/* docs/emulator.md E-18: selecting keeps the session, no count. */
	CHECK_INT(NTAG424_OK, ntag424_select_application(dev));
	CHECK_INT(1, dev->sess.cmd_ctr);
	inject_rnda(dev, "60BE759EDA560250AC57CDDC11743CF6");
	CHECK_INT(NTAG424_OK, ntag424_auth_ev2_nonfirst(dev, 0, key));
	check_session(dev, "4CF3CB41A22583A61E89B158D252FC53",
	    "5529860B2FC5FB6154B7F28361D30BF9", "7614281A", 1);
	CHECK_INT(0, ntag424_auth_key_no(dev));
	/* FR-4: plain while authenticated, still counted (SM-6 uses 2). */
	test_hex("FF0506E105008082830000000000000000", data, 17);
	data[17] = 0x00;
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 1, NTAG424_COMM_PLAIN,
	    0x0E, data, 18));
	CHECK_INT(2, dev->sess.cmd_ctr);
	test_hex("F3847D627727ED3BC9C4CC050489B966", k2, sizeof(k2));
	CHECK_INT(NTAG424_OK, ntag424_key_change(dev, 2, k2, 0x01, key));
	CHECK_INT(3, dev->sess.cmd_ctr);
	test_hex("5004BF991F408672B1EF00F08F9E8647", k0, sizeof(k0));
	CHECK_INT(NTAG424_OK, ntag424_key_change(dev, 0, k0, 0x01, NULL));
	CHECK(!nt_sess_active(dev));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(dev));
	SCRIPT_END(&dev);
}

/* AN12343 pp. 33-34 via proxmark3 TestEV2SessionKeys (AUTH-4). */
static void
auth4_session_keys(void)
{
	struct nt_session s;
	uint8_t key[16], rnda[16], rndb[16], sv[32], exp[32];

	memset(&s, 0, sizeof(s));
	test_hex(zero_key, key, sizeof(key));
	test_hex("B04D0787C93EE0CC8CACC8E86F16C6FE", rnda, sizeof(rnda));
	test_hex("FA659AD0DCA738DD65DC7DC38612AD81", rndb, sizeof(rndb));
	nt_sv(0xA5, 0x5A, rnda, rndb, sv);
	test_hex("A55A00010080B04DFDE253EE3C6B38DD65DC7DC38612AD818CACC8E86F16"
	    "C6FE", exp, sizeof(exp));
	CHECK_BYTES(exp, sv, 32);
	CHECK_INT(NTAG424_OK, nt_suite_aes.derive(&s, key, rnda, rndb));
	test_hex("63DC07286289A7A6C0334CA31C314A04", exp, 16);
	CHECK_BYTES(exp, s.enc_key, 16);
	test_hex("774F26743ECE6AF5033B6AE8522946F6", exp, 16);
	CHECK_BYTES(exp, s.mac_key, 16);
}

/* AN12196 Table 14 (AUTH-1): SV1 and SV2 as printed. */
static void
auth1_session_vectors(void)
{
	uint8_t rnda[16], rndb[16], sv[32], exp[32];

	test_hex("13C5DB8A5930439FC3DEF9A4C675360F", rnda, sizeof(rnda));
	test_hex("B9E2FC789B64BF237CCCAA20EC7E6E48", rndb, sizeof(rndb));
	nt_sv(0xA5, 0x5A, rnda, rndb, sv);
	test_hex("A55A0001008013C56268A548D8FBBF237CCCAA20EC7E6E48C3DEF9A4C675"
	    "360F", exp, sizeof(exp));
	CHECK_BYTES(exp, sv, 32);
	nt_sv(0x5A, 0xA5, rnda, rndb, sv);
	exp[0] = 0x5A;
	exp[1] = 0xA5;
	CHECK_BYTES(exp, sv, 32);
}

/* AN12196 5.3 Table 8 (SM-1): GetFileSettings in MAC mode and its parse. */
static const struct step sm1[] = {
	{ "90F5000009026597A457C8CD442C00",
	  "0040EEEE000100D1FE001F00004400004400002000006A00002A474282E7A47986"
	  "9100" },
};

static void
sm1_get_file_settings(void)
{
	ntag424_dev_t *dev = script_dev(sm1, NSTEPS(sm1));
	ntag424_file_settings_t fs;

	set_session(dev, zero_key, "8248134A386E86EB7FAF54A52E536CB6",
	    "7A21085E", 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(dev, 2, &fs));
	CHECK_INT(1, dev->sess.cmd_ctr);
	CHECK_INT(0x00, fs.file_type);
	CHECK_INT(NTAG424_COMM_PLAIN, fs.comm_mode);
	CHECK_INT(0xE, fs.access.read);
	CHECK_INT(0xE, fs.access.write);
	CHECK_INT(0xE, fs.access.read_write);
	CHECK_INT(0xE, fs.access.change);
	CHECK_INT(256, fs.file_size);
	CHECK(fs.sdm.enabled && fs.sdm.uid_mirror && fs.sdm.read_ctr &&
	    fs.sdm.enc_file_data && !fs.sdm.read_ctr_limit);
	CHECK_INT(0xE, fs.sdm.ctr_ret);
	CHECK_INT(0x0, fs.sdm.meta_read);
	CHECK_INT(0x0, fs.sdm.file_read);
	CHECK_INT(31, fs.sdm.picc_data_offset);
	CHECK_INT(68, fs.sdm.mac_input_offset);
	CHECK_INT(68, fs.sdm.enc_offset);
	CHECK_INT(32, fs.sdm.enc_length);
	CHECK_INT(106, fs.sdm.mac_offset);
	SCRIPT_END(&dev);
}

/* AN12196 5.4 Table 9 as corrected in the vectors file (SM-2). */
static const struct step sm2[] = {
	{ "908D00009F02000000800000B4716C58E71A09F6D869AB7810C2E94BD02F13DF"
	  "2159433D581F50185B11535F3E7A068582B04B5E4BDE374A788DF7AD8C4C5473"
	  "F7B30D9496BD8F3F8ED51D506D3194FDEA51A877C2EB28A0A8FD2B34E196800A"
	  "7D2F0AD1CBED98E311E2F7667DA10DF3CF4CE6A5658B89695EDAD9F5D9AD1E4C"
	  "41748D34BC6B15A2B45B050F34765F3E9D2CF701E0C7F781477F7B91B97CBB2A"
	  "236F876C00", "DDDB9EC959B3EFEB9100" },
};

static void
sm2_write_data_full(void)
{
	ntag424_dev_t *dev = script_dev(sm2, NSTEPS(sm2));
	uint8_t data[128];

	memset(data, 0, sizeof(data));
	test_hex("005ED1015B5500687474703A2F2F7777772E6D69666172652E6E65742F70"
	    "726F64756374732F6E746167733F265549443D3034323136353441434634433830"
	    "264374723D30303030303126436D61633D32314532333630383236364533434541",
	    data, sizeof(data));
	set_session(dev, "7305E2CCA5B0377617CDBFEB96C9B358",
	    "8B485037C8C2FB400D79BF0AB956F28F", "856C1841", 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(dev, 255));
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 2, NTAG424_COMM_FULL, 0,
	    data, sizeof(data)));
	CHECK_INT(1, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
}

/* AN12196 7.2 Table 28 (SM-8): SetConfiguration, Random ID. */
static const struct step sm8[] = {
	{ "905C000019008EA0138A7AF6FC8E99DF2A3A305602C43A7A3C9228C3134A00",
	  "86044208CAD1676A9100" },
};

static void
sm8_set_configuration(void)
{
	ntag424_dev_t *dev = script_dev(sm8, NSTEPS(sm8));

	set_session(dev, "7951A705F47F3C29B596454DC1490383",
	    "FE4EDBF46536557E304682F33E63A84F", "D779B1D0", 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_config_random_uid(dev));
	CHECK_INT(1, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
}

/* AN12196 7.3 Table 29 (SM-9): GetCardUID, Full response. */
static const struct step sm9[] = {
	{ "90510000088E2C155ADDA99BE300",
	  "70756055688505B52A5E26E59E329CD6595F672298EA41B79100" },
};

static void
sm9_get_card_uid(void)
{
	ntag424_dev_t *dev = script_dev(sm9, NSTEPS(sm9));
	uint8_t uid[7], exp[7];

	set_session(dev, "2B4D963C014DC36F24F69A50A394F875",
	    "379D32130CE61705DD5FD8C36B95D764", "DF055522", 0, 3);
	CHECK_INT(NTAG424_OK, ntag424_uid_get(dev, uid));
	test_hex("04958CAA5C5E80", exp, sizeof(exp));
	CHECK_BYTES(exp, uid, 7);
	CHECK_INT(1, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
}

/*
 * AN12343 p. 54 via proxmark3 TestEV2MAC (SM-10). The DESFire file 00 is
 * not an NTAG file number, so this drives the session layer directly.
 */
static const struct step sm10[] = {
	{ "908D000028000000001900002222222222222222222222222222222222222222"
	  "222222222268F2C28C575A162800",
	  "0820F68898C2A7F19100" },
	{ "90AD00000F000000003000000D9BE191D596083400",
	  "2222222222222222222222222222222222222222222222222200000000000000"
	  "00000000000000000000000000000000A49A44222D9266669100" },
};

static void
sm10_mac_mode(void)
{
	ntag424_dev_t *dev = script_dev(sm10, NSTEPS(sm10));
	uint8_t hdr1[7], hdr2[7], data[25], resp[256], exp[48];
	nt_cmd_t c;
	size_t n = 0;
	uint16_t sw = 0;

	set_session(dev, zero_key, "9366FA195EB566F5BD2BAD4020B83002",
	    "E2D3AF69", 0, 0);
	test_hex("00000000190000", hdr1, sizeof(hdr1));
	memset(data, 0x22, sizeof(data));
	memset(&c, 0, sizeof(c));
	c.cmd = 0x8D;
	c.mode = NT_MODE_MAC;
	c.hdr = hdr1;
	c.hdr_len = 7;
	c.data = data;
	c.data_len = sizeof(data);
	CHECK_INT(NTAG424_OK, nt_sm_exchange(dev, &c, resp, sizeof(resp), &n,
	    &sw));
	CHECK_INT(0x9100, sw);
	CHECK_INT(0, n);
	test_hex("00000000300000", hdr2, sizeof(hdr2));
	memset(&c, 0, sizeof(c));
	c.cmd = 0xAD;
	c.mode = NT_MODE_MAC;
	c.hdr = hdr2;
	c.hdr_len = 7;
	CHECK_INT(NTAG424_OK, nt_sm_exchange(dev, &c, resp, sizeof(resp), &n,
	    &sw));
	CHECK_INT(48, n);
	memset(exp, 0, sizeof(exp));
	memset(exp, 0x22, 25);
	CHECK_BYTES(exp, resp, 48);
	CHECK_INT(2, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
}

/* AN10922 2.2.1 via proxmark3 TestAn10922KDFAES (KDF-1). */
static void
kdf1_an10922(void)
{
	uint8_t k[16], m[17], out[16], exp[16];

	test_hex("00112233445566778899AABBCCDDEEFF", k, sizeof(k));
	test_hex("04782E21801D803042F54E585020416275", m, sizeof(m));
	test_hex("A8DD63A3B89D54B37CA802473FDA9175", exp, sizeof(exp));
	CHECK_INT(NTAG424_OK, ntag424_kdf_an10922(k, m, sizeof(m), out));
	CHECK_BYTES(exp, out, 16);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_kdf_an10922(k, m, 0, out));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_kdf_an10922(k, m, 32, out));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_kdf_an10922(NULL, m, 17, out));
}

static const char *orig1_uid = "04518DFAA96180";
static const char *orig1_sig =
    "D1940D17CFEDA4BFF80359AB975F9F6514313E8F90C1D3CAAF5941AD"
    "744A1CDF9A83F883CAFE0FE95D1939B1B7E47113993324473B785D21";

/* AN12196 8.2 Table 30 (ORIG-1, FR-5): Read_Sig answered with 9190. */
static const struct step fr5[] = {
	{ "903C0000010000",
	  "D1940D17CFEDA4BFF80359AB975F9F6514313E8F90C1D3CAAF5941AD"
	  "744A1CDF9A83F883CAFE0FE95D1939B1B7E47113993324473B785D21"
	  "9190" },
};

static void
orig1_read_sig_and_verify(void)
{
	ntag424_dev_t *dev = script_dev(fr5, NSTEPS(fr5));
	uint8_t uid[7], sig[56], exp[56];

	test_hex(orig1_uid, uid, sizeof(uid));
	test_hex(orig1_sig, exp, sizeof(exp));
	CHECK_INT(NTAG424_OK, ntag424_originality_read(dev, sig));
	CHECK_BYTES(exp, sig, 56);
	CHECK_INT(NTAG424_OK, ntag424_originality_verify(uid, 7, sig));
	/* Negative checks of ORIG-1. */
	sig[55] ^= 0x01;
	CHECK_INT(NTAG424_ERR_NOT_GENUINE, ntag424_originality_verify(uid, 7,
	    sig));
	sig[55] ^= 0x01;
	uid[6] = 0x81;
	CHECK_INT(NTAG424_ERR_NOT_GENUINE, ntag424_originality_verify(uid, 7,
	    sig));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_originality_verify(uid, 4, sig));
	SCRIPT_END(&dev);
}

/* ORIG-2: the proxmark3 key is on the curve; its "...C52B3B" typo is not. */
static void
orig2_second_key(void)
{
	uint8_t pub[57], uid[7], sig[56];

	test_hex(orig1_uid, uid, sizeof(uid));
	test_hex(orig1_sig, sig, sizeof(sig));
	test_hex("04B304DC4C615F5326FE9383DDEC9AA892DF3A57FA7FFB3276192BC0EAA2"
	    "52ED45A865E3B093A3D0DCE5BE29E92F1392CE7DE321E3E5C52B3A", pub,
	    sizeof(pub));
	CHECK_INT(NTAG424_ERR_NOT_GENUINE, nt_ecdsa_verify(pub, sizeof(pub),
	    uid, 7, sig));
	pub[56] = 0x3B;
	CHECK_INT(NTAG424_ERR_ARG, nt_ecdsa_verify(pub, sizeof(pub), uid, 7,
	    sig));
	test_hex("048A9B380AF2EE1B98DC417FECC263F8449C7625CECE82D9B916C992DA20"
	    "9D68422B81EC20B65A66B5102A61596AF3379200599316A00A1410", pub,
	    sizeof(pub));
	CHECK_INT(NTAG424_OK, nt_ecdsa_verify(pub, sizeof(pub), uid, 7, sig));
}

/* AN12196 6.5 Table 13 (FR-2): GetVersion, three frames. */
static const struct step fr2[] = {
	{ "9060000000", "0404083000110591AF" },
	{ "90AF000000", "0404020101110591AF" },
	{ "90AF000000", "04968CAA5C5E80CD65935D4021189100" },
};

static void
fr2_get_version(void)
{
	ntag424_dev_t *dev = script_dev(fr2, NSTEPS(fr2));
	ntag424_version_t v;
	uint8_t uid[7], batch[5];
	bool between = false;

	CHECK_INT(NTAG424_OK, ntag424_version_get(dev, &v));
	CHECK_INT(0x04, v.hw_vendor);
	CHECK_INT(0x04, v.hw_type);
	CHECK_INT(0x08, v.hw_subtype);
	CHECK_INT(0x30, v.hw_major);
	CHECK_INT(0x00, v.hw_minor);
	CHECK_INT(0x11, v.hw_storage);
	CHECK_INT(0x05, v.hw_protocol);
	CHECK_INT(0x02, v.sw_subtype);
	CHECK_INT(0x01, v.sw_major);
	CHECK_INT(0x01, v.sw_minor);
	test_hex("04968CAA5C5E80", uid, sizeof(uid));
	CHECK_BYTES(uid, v.uid, 7);
	test_hex("CD65935D40", batch, sizeof(batch));
	CHECK_BYTES(batch, v.batch, 5);
	CHECK_INT(0, v.fab_key);
	CHECK_INT(0x21, v.prod_week);
	CHECK_INT(0x18, v.prod_year);
	CHECK(!v.has_fab_key_id);
	CHECK_INT(256, ntag424_version_storage(v.hw_storage, &between));
	CHECK(between);
	SCRIPT_END(&dev);
}

/* AN12196 6.3 Table 11 (FR-1). */
static const struct step fr1[] = {
	{ "00A4040C07D276000085010100", "9000" },
};

static void
fr1_select(void)
{
	ntag424_dev_t *dev = script_dev(fr1, NSTEPS(fr1));

	CHECK_INT(NTAG424_OK, ntag424_select_application(dev));
	SCRIPT_END(&dev);
}

/*
 * AN12196 6.8.1 Table 17 (FR-3). The AN's APDU carries a trailing Le 00;
 * NT4H2421Gx Figure 29 / Table 90 define ISOUpdateBinary without Le, which
 * is what we send, so the expected frame is FR-3 without its last byte.
 */
static const struct step fr3[] = {
	{ "00D60000530051D1014D550463686F6F73652E75726C2E636F6D2F6E74616734"
	  "32343F653D303030303030303030303030303030303030303030303030303030"
	  "303030303026633D30303030303030303030303030303030", "9000" },
};

/* FR-3 through the ACR122U-sized chunk: 52 + 31 bytes, offsets 0 and 52. */
static const struct step fr3_chunked[] = {
	{ "00D60000340051D1014D550463686F6F73652E75726C2E636F6D2F6E74616734"
	  "32343F653D3030303030303030303030303030303030303030", "9000" },
	{ "00D600341F30303030303030303030303026633D303030303030303030303030"
	  "30303030", "9000" },
};

static void
fr3_update_binary(void)
{
	ntag424_dev_t *dev = script_dev(fr3, NSTEPS(fr3));
	uint8_t data[128];

	ndef128(data);
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(dev, 255));
	CHECK_INT(NTAG424_OK, ntag424_iso_update_binary(dev, 0, data, 83));
	SCRIPT_END(&dev);
	dev = script_dev(fr3_chunked, NSTEPS(fr3_chunked));
	CHECK_INT(52, ntag424_dev_max_chunk(dev));
	CHECK_INT(NTAG424_OK, ntag424_iso_update_binary(dev, 0, data, 83));
	SCRIPT_END(&dev);
}

int
main(void)
{
	RUN(auth1_sm3_sm4);
	RUN(auth2_sm5_auth3_sm6_sm7);
	RUN(auth4_session_keys);
	RUN(auth1_session_vectors);
	RUN(sm1_get_file_settings);
	RUN(sm2_write_data_full);
	RUN(sm8_set_configuration);
	RUN(sm9_get_card_uid);
	RUN(sm10_mac_mode);
	RUN(kdf1_an10922);
	RUN(orig1_read_sig_and_verify);
	RUN(orig2_second_key);
	RUN(fr1_select);
	RUN(fr2_get_version);
	RUN(fr3_update_binary);
	return test_summary();
}
