/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every status-word path of every command, secure-messaging failures,
 * 91AF continuation and chunking, against a scripted tag. Frames that no
 * publication prints come from frames.h (gen_frames.py, an independent
 * Python model of the datasheet rules, itself checked against SM-3).
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "ntag424.h"
#include "script.h"
#include "test.h"

#include "frames.h"

#define AUTH1_ENC	"1309C877509E5A215007FF0ED19CA564"
#define AUTH1_MAC	"4C6626F5E72EA694202139295C7A7FC7"
#define AUTH1_TI	"9D00C4DF"

static const uint8_t zero16[16];

/* 16 wildcard bytes for the script patterns. */
#define Q16	"????????????????????????????????"

typedef int (*cmd_fn)(ntag424_dev_t *);

/*
 * Answer capdu with each status word in turn: the command must return
 * exactly that status word (and, in a session, drop the session); any
 * other status word must give NTAG424_ERR_RX.
 */
static void
sw_paths(const char *name, const char *capdu, cmd_fn fn, const uint16_t *sws,
    size_t n, uint16_t unexpected, int session_key)
{
	char		rapdu[5];
	struct step	st[1];
	ntag424_dev_t	*dev;
	int		r;

	for (size_t i = 0; i <= n; i++) {
		uint16_t sw = i < n ? sws[i] : unexpected;

		snprintf(rapdu, sizeof(rapdu), "%04X", sw);
		st[0].capdu = capdu;
		st[0].rapdu = rapdu;
		dev = script_dev(st, 1);
		if (session_key >= 0)
			set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0,
			    (uint8_t)session_key);
		r = fn(dev);
		if (!CHECK_INT(i < n ? sw : NTAG424_ERR_RX, r))
			fprintf(stderr, "  %s answered %04X\n", name, sw);
		if (session_key >= 0 && nt_sess_active(dev)) {
			test_fail(__FILE__, __LINE__, "session survived an error");
			fprintf(stderr, "  %s answered %04X\n", name, sw);
		}
		SCRIPT_END(&dev);
	}
}

static int
do_keyver(ntag424_dev_t *d)
{
	uint8_t v;

	return ntag424_key_version(d, 0, &v);
}

static int
do_getsettings(ntag424_dev_t *d)
{
	ntag424_file_settings_t fs;

	return ntag424_file_settings_get(d, 2, &fs);
}

static int
do_counters(ntag424_dev_t *d)
{
	uint32_t c;

	return ntag424_file_counters(d, 2, &c);
}

static void
factory3(ntag424_file_settings_t *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->comm_mode = NTAG424_COMM_FULL;
	fs->access.read = 2;
	fs->access.write = 3;
	fs->access.read_write = 3;
	fs->access.change = 0;
}

static int
do_changesettings(ntag424_dev_t *d)
{
	ntag424_file_settings_t fs;

	factory3(&fs);
	return ntag424_file_settings_change(d, 3, &fs);
}

static int
do_read(ntag424_dev_t *d)
{
	uint8_t b[16];

	return ntag424_data_read(d, 3, NTAG424_COMM_PLAIN, 0, b, sizeof(b));
}

static int
do_write(ntag424_dev_t *d)
{
	const uint8_t b[4] = { 0xDE, 0xAD, 0xBE, 0xEF };

	return ntag424_data_write(d, 2, NTAG424_COMM_PLAIN, 0, b, sizeof(b));
}

static int
do_version(ntag424_dev_t *d)
{
	ntag424_version_t v;

	return ntag424_version_get(d, &v);
}

static int
do_select(ntag424_dev_t *d)
{
	return ntag424_select_file(d, NTAG424_FID_NDEF);
}

static int
do_isoread(ntag424_dev_t *d)
{
	uint8_t b[16];
	size_t got;

	return ntag424_iso_read_binary(d, 0, b, sizeof(b), &got);
}

static int
do_isoupdate(ntag424_dev_t *d)
{
	const uint8_t b[2] = { 0x00, 0x00 };

	return ntag424_iso_update_binary(d, 0, b, sizeof(b));
}

static int
do_readsig(ntag424_dev_t *d)
{
	uint8_t sig[56];

	return ntag424_originality_read(d, sig);
}

static int
do_auth_part1(ntag424_dev_t *d)
{
	return ntag424_auth_ev2_first(d, 0, zero16);
}

static int
do_changekey(ntag424_dev_t *d)
{
	return ntag424_key_change(d, 2, zero16, 1, zero16);
}

static int
do_setconfig(ntag424_dev_t *d)
{
	return ntag424_config_random_uid(d);
}

static int
do_uid(ntag424_dev_t *d)
{
	uint8_t uid[7];

	return ntag424_uid_get(d, uid);
}

static int
do_tt(ntag424_dev_t *d)
{
	uint8_t p, c;

	return ntag424_tt_status(d, &p, &c);
}

#define SW_PATHS(name, capdu, fn, unexpected, key, ...) do {		\
	const uint16_t sws_[] = { __VA_ARGS__ };			\
	sw_paths(name, capdu, fn, sws_, sizeof(sws_) / sizeof(sws_[0]),	\
	    unexpected, key);						\
} while (0)

/* NT4H2421Gx Tables 68, 74, 77, 71, 80, 83, 59 (not authenticated). */
static void
native_status_words(void)
{
	SW_PATHS("GetKeyVersion", "90640000010000", do_keyver, 0x91AE, -1,
	    0x911E, 0x917E, 0x919E, 0x9140, 0x91CA, 0x91EE);
	SW_PATHS("GetFileSettings", "90F50000010200", do_getsettings, 0x91AE,
	    -1, 0x911E, 0x917E, 0x919E, 0x919D, 0x91F0, 0x91CA, 0x91EE);
	SW_PATHS("GetFileCounters", "90F60000010200", do_counters, 0x91BE, -1,
	    0x91CA, 0x911E, 0x917E, 0x919E, 0x919D, 0x91F0, 0x91AE, 0x91EE);
	SW_PATHS("ChangeFileSettings", "905F0000040303302300",
	    do_changesettings, 0x91BE, -1, 0x919D, 0x91F0, 0x91AE, 0x911E,
	    0x917E, 0x919E, 0x91CA, 0x91EE);
	SW_PATHS("ReadData", "90AD0000070300000010000000", do_read, 0x91BE, -1,
	    0x91CA, 0x911E, 0x917E, 0x919E, 0x919D, 0x91F0, 0x91AE, 0x91EE);
	SW_PATHS("WriteData", "908D00000B02000000040000DEADBEEF00", do_write,
	    0x6982, -1, 0x91CA, 0x911E, 0x917E, 0x919E, 0x919D, 0x91F0, 0x91AE,
	    0x91BE, 0x91EE);
	SW_PATHS("GetVersion", "9060000000", do_version, 0x91AE, -1,
	    0x91CA, 0x911E, 0x917E, 0x91EE);
	SW_PATHS("Read_Sig", "903C0000010000", do_readsig, 0x919D, -1,
	    0x910B, 0x910C, 0x911E, 0x917E, 0x91AE, 0x91CA);
	SW_PATHS("AuthenticateEV2First", "9071000002000000", do_auth_part1,
	    0x91AE, -1, 0x91CA, 0x917E, 0x919E, 0x9140, 0x919D, 0x91AD, 0x91EE);
}

/* NT4H2421Gx Tables 86, 89, 92. */
static void
iso_status_words(void)
{
	SW_PATHS("ISOSelectFile", "00A4000C02E10400", do_select, 0x9100, -1,
	    0x6700, 0x6985, 0x6A82, 0x6A86, 0x6A87, 0x6E00);
	SW_PATHS("ISOReadBinary", "00B0000010", do_isoread, 0x9100, -1,
	    0x6581, 0x6700, 0x6982, 0x6985, 0x6A82, 0x6A86, 0x6E00);
	SW_PATHS("ISOUpdateBinary", "00D60000020000", do_isoupdate, 0x9100, -1,
	    0x6581, 0x6700, 0x6982, 0x6985, 0x6A82, 0x6A86, 0x6E00);
}

/* In a session every error status word also ends the session (9.1.9). */
static void
session_status_words(void)
{
	SW_PATHS("GetKeyVersion/MAC", "9064000009" "00" "????????????????"
	    "00", do_keyver, 0x91AE, 0, 0x911E, 0x917E, 0x919E, 0x9140, 0x91CA,
	    0x91EE);
	SW_PATHS("ChangeKey", "90C4000029" "02"
	    "????????????????????????????????????????????????????????????????"
	    "????????????????" "00", do_changekey, 0x91BE, 0, 0x911E, 0x917E,
	    0x919E, 0x9140, 0x919D, 0x91AE, 0x91CA, 0x91EE);
	SW_PATHS("SetConfiguration", "905C000019" "00"
	    "????????????????????????????????" "????????????????" "00",
	    do_setconfig, 0x91BE, 0, 0x91CA, 0x911E, 0x917E, 0x919E, 0x919D,
	    0x91AE, 0x91EE);
	SW_PATHS("GetCardUID", "9051000008" "????????????????" "00", do_uid,
	    0x919D, 3, 0x91CA, 0x911E, 0x917E, 0x91AE, 0x91EE);
	SW_PATHS("GetTTStatus", "90F7000008" "????????????????" "00", do_tt,
	    0x919D, 3, 0x911C, 0x911E, 0x917E, 0x91AE, 0x91CA, 0x91EE);
	SW_PATHS("ChangeFileSettings/Full", "905F000019" "03"
	    "????????????????????????????????" "????????????????" "00",
	    do_changesettings, 0x91BE, 0, 0x919D, 0x91F0, 0x91AE, 0x911E,
	    0x917E, 0x919E, 0x91CA, 0x91EE);
	/* An authentication failing at part 1 also ends the old session. */
	SW_PATHS("AuthenticateEV2First/session", "9071000002000000",
	    do_auth_part1, 0x91AE, 0, 0x91AD, 0x919D, 0x9140);
}

/* AuthenticateEV2First part 2 (Table 30) and its checks. */
static void
auth_part2_paths(void)
{
	static const char *p2 = "90AF000020"
	    "35C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB947EA8E0118D00";
	const uint16_t sws[] = { 0x917E, 0x91AE, 0x91EE, 0x919D };
	const int exp[] = { 0x917E, 0x91AE, 0x91EE, NTAG424_ERR_RX };
	char rapdu[5];

	for (size_t i = 0; i < 4; i++) {
		struct step st[] = {
			{ "9071000002000000",
			  "A04C124213C186F22399D33AC2A3021591AF" },
			{ p2, rapdu },
		};
		ntag424_dev_t *dev = script_dev(st, 2);

		snprintf(rapdu, sizeof(rapdu), "%04X", sws[i]);
		inject_rnda(dev, "13C5DB8A5930439FC3DEF9A4C675360F");
		CHECK_INT(exp[i], ntag424_auth_ev2_first(dev, 0, zero16));
		CHECK(!nt_sess_active(dev));
		SCRIPT_END(&dev);
	}
}

/* A tag that does not return RndA' (or a wrong-length answer) is refused. */
static void
auth_wrong_cryptogram(void)
{
	static const struct step bad_rnda[] = {
		{ "9071000002000000", "A04C124213C186F22399D33AC2A3021591AF" },
		{ "90AF000020" Q16 Q16 "00",
		  "3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F0812"
		  "06639100" },
	};
	static const struct step short_rndb[] = {
		{ "9071000002000000", "A04C124213C186F22399D33AC2A30291AF" },
	};
	static const struct step short_p2[] = {
		{ "9071000002000000", "A04C124213C186F22399D33AC2A3021591AF" },
		{ "90AF000020" Q16 Q16 "00",
		  "3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F0812"
		  "069100" },
	};
	ntag424_dev_t *dev = script_dev(bad_rnda, NSTEPS(bad_rnda));

	/* Same answers as AUTH-1, but our RndA is another one. */
	inject_rnda(dev, "00C5DB8A5930439FC3DEF9A4C675360F");
	CHECK_INT(NTAG424_ERR_AUTH, ntag424_auth_ev2_first(dev, 0, zero16));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
	dev = script_dev(short_rndb, NSTEPS(short_rndb));
	CHECK_INT(NTAG424_ERR_RX, ntag424_auth_ev2_first(dev, 0, zero16));
	SCRIPT_END(&dev);
	dev = script_dev(short_p2, NSTEPS(short_p2));
	CHECK_INT(NTAG424_ERR_RX, ntag424_auth_ev2_first(dev, 0, zero16));
	SCRIPT_END(&dev);
}

static void
auth_arguments(void)
{
	ntag424_dev_t *dev = script_dev(NULL, 0);

	CHECK_INT(NTAG424_ERR_ARG, ntag424_auth_ev2_first(dev, 5, zero16));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_auth_ev2_first(dev, 0, NULL));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_auth_ev2_first(NULL, 0, zero16));
	/* NonFirst needs a session; nothing is sent. */
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_ev2_nonfirst(dev, 0, zero16));
	SCRIPT_END(&dev);
}

/* Commands that need a session refuse to run without one, sending nothing. */
static void
state_errors(void)
{
	ntag424_dev_t *dev = script_dev(NULL, 0);
	uint8_t uid[7], p, c;

	CHECK_INT(NTAG424_ERR_STATE, ntag424_key_change(dev, 0, zero16, 1,
	    NULL));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_uid_get(dev, uid));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_config_random_uid(dev));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_tt_status(dev, &p, &c));
	/* ChangeKey and SetConfiguration need key 0 itself. */
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 3);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_key_change(dev, 1, zero16, 1,
	    zero16));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_config_failed_auth(dev, true,
	    1000, 10));
	/* Argument errors before anything is sent. */
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_key_change(dev, 1, zero16, 1, NULL));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_key_change(dev, 5, zero16, 1,
	    zero16));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_config_failed_auth(dev, true, 0,
	    10));
	CHECK(nt_sess_active(dev));
	/* CmdCtr FFFF cannot be used (9.1.2). */
	dev->sess.cmd_ctr = 0xFFFF;
	CHECK_INT(NTAG424_ERR_STATE, ntag424_key_version(dev, 0, &p));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
}

static void
flip(char *hex, size_t pos)
{
	hex[pos] = hex[pos] == '0' ? '1' : '0';
}

/* A response MAC that does not verify: NTAG424_ERR_INTEGRITY, session gone. */
static void
bad_response_mac(void)
{
	char mac_bit[] = "70756055688505B52A5E26E59E329CD6595F672298EA41B79100";
	char data_bit[] = "70756055688505B52A5E26E59E329CD6595F672298EA41B79100";
	const char *variants[] = { mac_bit, data_bit,
	    "70756055688505B52A5E26E59E329CD69100", "9100" };
	uint8_t uid[7];

	flip(mac_bit, 47);
	flip(data_bit, 3);
	for (size_t i = 0; i < 4; i++) {
		struct step st[] = { { "90510000088E2C155ADDA99BE300",
		    variants[i] } };
		ntag424_dev_t *dev = script_dev(st, 1);

		set_session(dev, "2B4D963C014DC36F24F69A50A394F875",
		    "379D32130CE61705DD5FD8C36B95D764", "DF055522", 0, 3);
		CHECK_INT(NTAG424_ERR_INTEGRITY, ntag424_uid_get(dev, uid));
		CHECK(!nt_sess_active(dev));
		SCRIPT_END(&dev);
	}
}

/* A verified MAC over a Full answer whose padding is wrong. */
static void
bad_padding(void)
{
	ntag424_dev_t *dev = script_dev(uid_badpad, NSTEPS(uid_badpad));
	uint8_t uid[7];

	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_ERR_INTEGRITY, ntag424_uid_get(dev, uid));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
}

/* ChangeKey of keys 1..4 must carry a MAC; of key 0 must not carry data. */
static void
changekey_responses(void)
{
	static const struct step no_mac[] = {
		{ "90C4000029" "01" "????????????????????????????????????????"
		  "????????????????????????????????????????" "00", "9100" },
	};
	static const struct step extra[] = {
		{ "90C4000029" "00" "????????????????????????????????????????"
		  "????????????????????????????????????????" "00",
		  "00112233445566779100" },
	};
	ntag424_dev_t *dev = script_dev(changekey1_full,
	    NSTEPS(changekey1_full));
	uint8_t key[16];

	test_hex("00112233445566778899AABBCCDDEEFF", key, sizeof(key));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_key_change(dev, 1, key, 2, zero16));
	CHECK_INT(1, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
	dev = script_dev(no_mac, NSTEPS(no_mac));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_ERR_INTEGRITY, ntag424_key_change(dev, 1, key, 2,
	    zero16));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
	dev = script_dev(extra, NSTEPS(extra));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_ERR_RX, ntag424_key_change(dev, 0, key, 2, NULL));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
}

/* Successful MAC/Full answers of commands without a published vector. */
static void
secured_answers(void)
{
	ntag424_dev_t *dev;
	ntag424_version_t v;
	uint32_t ctr = 0;
	uint8_t p = 0, c = 0, ver = 0, sig[56], uid[7];

	dev = script_dev(counters_full, NSTEPS(counters_full));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_file_counters(dev, 2, &ctr));
	CHECK_INT(5, ctr);
	SCRIPT_END(&dev);
	dev = script_dev(tt_full, NSTEPS(tt_full));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_tt_status(dev, &p, &c));
	CHECK_INT(NTAG424_TT_CLOSED, p);
	CHECK_INT(NTAG424_TT_OPEN, c);
	SCRIPT_END(&dev);
	dev = script_dev(keyver_mac, NSTEPS(keyver_mac));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_key_version(dev, 1, &ver));
	CHECK_INT(1, ver);
	SCRIPT_END(&dev);
	dev = script_dev(version_mac, NSTEPS(version_mac));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_version_get(dev, &v));
	CHECK_INT(0x02, v.sw_minor);
	CHECK_INT(1, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
	dev = script_dev(readsig_full, NSTEPS(readsig_full));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_originality_read(dev, sig));
	test_hex("04518DFAA96180", uid, sizeof(uid));
	CHECK_INT(NTAG424_OK, ntag424_originality_verify(uid, 7, sig));
	SCRIPT_END(&dev);
	dev = script_dev(failedauth_full, NSTEPS(failedauth_full));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_config_failed_auth(dev, true, 1000, 10));
	SCRIPT_END(&dev);
}

/* 91AF continuation: an error in frame 2 or a short frame 3. */
static void
version_frames(void)
{
	static const struct step err2[] = {
		{ "9060000000", "0404083000110591AF" },
		{ "90AF000000", "91CA" },
	};
	static const struct step short3[] = {
		{ "9060000000", "0404083000110591AF" },
		{ "90AF000000", "0404020101110591AF" },
		{ "90AF000000", "04968CAA5C5E80CD65935D40219100" },
	};
	static const struct step fabkey[] = {
		{ "9060000000", "0404083000110591AF" },
		{ "90AF000000", "0404020101110591AF" },
		{ "90AF000000", "04968CAA5C5E80CD65935D4FA1181F9100" },
	};
	ntag424_dev_t *dev = script_dev(err2, NSTEPS(err2));
	ntag424_version_t v;

	CHECK_INT(0x91CA, ntag424_version_get(dev, &v));
	SCRIPT_END(&dev);
	dev = script_dev(short3, NSTEPS(short3));
	CHECK_INT(NTAG424_ERR_RX, ntag424_version_get(dev, &v));
	SCRIPT_END(&dev);
	/* Table 58: FabKey 1F (byte 11 bits 3-0, byte 12 bit 7) adds FabKeyID. */
	dev = script_dev(fabkey, NSTEPS(fabkey));
	CHECK_INT(NTAG424_OK, ntag424_version_get(dev, &v));
	CHECK_INT(0x1F, v.fab_key);
	CHECK(v.has_fab_key_id);
	CHECK_INT(0x1F, v.fab_key_id);
	CHECK_INT(0x21, v.prod_week);
	SCRIPT_END(&dev);
}

/* 8 frames of 91AF: the continuation loop stops. */
static void
version_endless(void)
{
	struct step st[8];
	ntag424_dev_t *dev;
	ntag424_version_t v;

	for (size_t i = 0; i < 8; i++) {
		st[i].capdu = i == 0 ? "9060000000" : "90AF000000";
		st[i].rapdu = "0191AF";
	}
	dev = script_dev(st, 8);
	CHECK_INT(NTAG424_ERR_RX, ntag424_version_get(dev, &v));
	SCRIPT_END(&dev);
}

/* Max chunk 52: WriteData is split so that every Lc <= 52 (ACR122U). */
static void
write_chunking(void)
{
	ntag424_dev_t *dev;
	uint8_t data[128];

	memset(data, 0, sizeof(data));
	test_hex("0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F"
	    "653D3030303030303030303030303030303030303030303030303030303030303030"
	    "26633D30303030303030303030303030303030", data, sizeof(data));
	dev = script_dev(write_full_52, NSTEPS(write_full_52));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 2, NTAG424_COMM_FULL, 0,
	    data, sizeof(data)));
	CHECK_INT(5, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
	dev = script_dev(write_mac_52, NSTEPS(write_mac_52));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 2, NTAG424_COMM_MAC, 0,
	    data, sizeof(data)));
	CHECK_INT(4, dev->sess.cmd_ctr);
	SCRIPT_END(&dev);
	/* Without a session the mode argument does not matter: plain. */
	dev = script_dev(write_plain_52, NSTEPS(write_plain_52));
	CHECK_INT(NTAG424_OK, ntag424_data_write(dev, 2, NTAG424_COMM_FULL, 0,
	    data, sizeof(data)));
	SCRIPT_END(&dev);
	/* A chunk that cannot hold one Full block: refused, nothing sent. */
	dev = script_dev(NULL, 0);
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(dev, 30));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_write(dev, 2,
	    NTAG424_COMM_FULL, 0, data, sizeof(data)));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_dev_set_max_chunk(dev, 15));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_dev_set_max_chunk(dev, 256));
	CHECK_INT(30, ntag424_dev_max_chunk(dev));
	SCRIPT_END(&dev);
}

/* A failure in the middle of a split write stops there. */
static void
write_chunk_failure(void)
{
	struct step st[2];
	ntag424_dev_t *dev;
	uint8_t data[128];

	memset(data, 0, sizeof(data));
	st[0] = write_plain_52[0];
	st[1].capdu = write_plain_52[1].capdu;
	st[1].rapdu = "91BE";
	dev = script_dev(st, 2);
	data[0] = 0x00;
	test_hex("0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F"
	    "653D3030303030303030303030303030303030303030303030303030303030303030"
	    "26633D30303030303030303030303030303030", data, sizeof(data));
	CHECK_INT(0x91BE, ntag424_data_write(dev, 2, NTAG424_COMM_PLAIN, 0,
	    data, sizeof(data)));
	SCRIPT_END(&dev);
}

/* Secured reads in <= 239 / 240 byte pieces (docs/emulator.md E-16). */
static void
read_pieces(void)
{
	ntag424_dev_t *dev;
	uint8_t buf[256], exp[256];

	for (size_t i = 0; i < sizeof(exp); i++)
		exp[i] = (uint8_t)(i * 7);
	dev = script_dev(read_full_256, NSTEPS(read_full_256));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_read(dev, 2, NTAG424_COMM_FULL, 0,
	    buf, sizeof(buf)));
	CHECK_BYTES(exp, buf, sizeof(buf));
	SCRIPT_END(&dev);
	dev = script_dev(read_mac_256, NSTEPS(read_mac_256));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_read(dev, 2, NTAG424_COMM_MAC, 0,
	    buf, sizeof(buf)));
	CHECK_BYTES(exp, buf, sizeof(buf));
	SCRIPT_END(&dev);
}

static void
read_arguments(void)
{
	static const struct step short_answer[] = {
		{ "90AD0000070300000010000000", "00112233" "9100" },
	};
	ntag424_dev_t *dev = script_dev(NULL, 0);
	uint8_t b[16];

	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(dev, 3,
	    NTAG424_COMM_PLAIN, 120, b, 16));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(dev, 4,
	    NTAG424_COMM_PLAIN, 0, b, 16));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(dev, 3,
	    NTAG424_COMM_PLAIN, 0, b, 0));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(dev, 3,
	    (ntag424_comm_mode_t)2, 0, b, 16));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_write(dev, 1,
	    NTAG424_COMM_PLAIN, 30, b, 3));
	SCRIPT_END(&dev);
	dev = script_dev(short_answer, NSTEPS(short_answer));
	CHECK_INT(NTAG424_ERR_RX, ntag424_data_read(dev, 3,
	    NTAG424_COMM_PLAIN, 0, b, 16));
	SCRIPT_END(&dev);
}

/* NTAG424_COMM_AUTO: from GetFileSettings and the session key (8.2.3.3). */
static void
auto_mode(void)
{
	ntag424_dev_t *dev;
	ntag424_comm_mode_t m;

	dev = script_dev(settings3_mac, NSTEPS(settings3_mac));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 2);
	CHECK_INT(NTAG424_OK, ntag424_data_mode(dev, 3, false, &m));
	CHECK_INT(NTAG424_COMM_FULL, m);
	SCRIPT_END(&dev);
	dev = script_dev(settings3_mac, NSTEPS(settings3_mac));
	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_mode(dev, 3, true, &m));
	CHECK_INT(NTAG424_COMM_PLAIN, m);
	SCRIPT_END(&dev);
	dev = script_dev(NULL, 0);
	CHECK_INT(NTAG424_OK, ntag424_data_mode(dev, 3, true, &m));
	CHECK_INT(NTAG424_COMM_PLAIN, m);
	SCRIPT_END(&dev);
}

/* ISOReadBinary: Le 00 for 256, short answer at the end of the file. */
static void
iso_read(void)
{
	static const struct step st[] = {
		{ "00B0000000", NULL },
	};
	char big[2 * 256 + 5], tail[2 * 10 + 5];
	struct step ok[2];
	ntag424_dev_t *dev;
	uint8_t buf[300];
	size_t got = 0;

	memset(big, 'A', 512);
	strcpy(big + 512, "9000");
	memset(tail, 'B', 20);
	strcpy(tail + 20, "9000");
	ok[0].capdu = "00B0000000";
	ok[0].rapdu = big;
	ok[1].capdu = "00B001002C";
	ok[1].rapdu = tail;
	dev = script_dev(ok, 2);
	CHECK_INT(NTAG424_OK, ntag424_iso_read_binary(dev, 0, buf, 300, &got));
	CHECK_INT(266, got);
	CHECK_INT(0xAA, buf[0]);
	CHECK_INT(0xBB, buf[265]);
	SCRIPT_END(&dev);
	dev = script_dev(st, NSTEPS(st));
	CHECK_INT(NTAG424_ERR_TX, ntag424_iso_read_binary(dev, 0, buf, 256,
	    &got));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_iso_read_binary(dev, 0x8000, buf,
	    1, &got));
	SCRIPT_END(&dev);
}

/* A transport failure in a session ends the session. */
static void
transport_failure(void)
{
	static const struct step st[] = {
		{ "9064000009" "00" "????????????????" "00", NULL },
	};
	ntag424_dev_t *dev = script_dev(st, NSTEPS(st));
	uint8_t v;

	set_session(dev, AUTH1_ENC, AUTH1_MAC, AUTH1_TI, 0, 0);
	CHECK_INT(NTAG424_ERR_TX, ntag424_key_version(dev, 0, &v));
	CHECK(!nt_sess_active(dev));
	SCRIPT_END(&dev);
}

static void
malformed_answers(void)
{
	static const struct step st[] = {
		{ "90640000010000", "9100" },
		{ "90640000010000", "00019100" },
		{ "90F50000010200", "0000E0EE00019100" },
		{ "90F50000010200", "0000E0EE00010000" "9100" },
		{ "90F60000010200", "05000000" "9100" },
		{ "903C0000010000", "0011" "9100" },
		{ "00A4000C02E10400", "019000" },
		{ "90640000010000", "91" },
	};
	ntag424_dev_t *dev = script_dev(st, NSTEPS(st));
	ntag424_file_settings_t fs;
	uint32_t c;
	uint8_t v, sig[56];

	CHECK_INT(NTAG424_ERR_RX, ntag424_key_version(dev, 0, &v));
	CHECK_INT(NTAG424_ERR_RX, ntag424_key_version(dev, 0, &v));
	CHECK_INT(NTAG424_ERR_RX, ntag424_file_settings_get(dev, 2, &fs));
	CHECK_INT(NTAG424_ERR_RX, ntag424_file_settings_get(dev, 2, &fs));
	CHECK_INT(NTAG424_ERR_RX, ntag424_file_counters(dev, 2, &c));
	CHECK_INT(NTAG424_ERR_RX, ntag424_originality_read(dev, sig));
	CHECK_INT(NTAG424_ERR_RX, ntag424_select_file(dev, 0xE104));
	CHECK_INT(NTAG424_ERR_RX, ntag424_key_version(dev, 0, &v));
	SCRIPT_END(&dev);
}

int
main(void)
{
	RUN(native_status_words);
	RUN(iso_status_words);
	RUN(session_status_words);
	RUN(auth_part2_paths);
	RUN(auth_wrong_cryptogram);
	RUN(auth_arguments);
	RUN(state_errors);
	RUN(bad_response_mac);
	RUN(bad_padding);
	RUN(changekey_responses);
	RUN(secured_answers);
	RUN(version_frames);
	RUN(version_endless);
	RUN(write_chunking);
	RUN(write_chunk_failure);
	RUN(read_pieces);
	RUN(read_arguments);
	RUN(auto_mode);
	RUN(iso_read);
	RUN(transport_failure);
	RUN(malformed_answers);
	return test_summary();
}
