/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every command of the emulator, success and each status word it gives
 * (NT4H2421Gx 10, Tables 23-24; the E-n choices of docs/emulator.md).
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

#include "common/prim.h"
#include "helper.h"
#include "test.h"

static const uint8_t zero16[16];
static const uint8_t zero32[32];

static emu_t *
authed(uint8_t keyno, hsess_t *s)
{
	emu_t *e = h_tag();

	CHECK(e != NULL);
	CHECK_INT(0x9100, h_auth(e, 1, keyno, zero16, s));
	return e;
}

/* E-1: MF at power-up; ISOSelectFile forms and errors (DS Table 86). */
static void
select_and_levels(void)
{
	emu_t *e = emu_new(NULL);

	CHECK_INT(0x919D, h_sw(e, "90F50000010200"));
	CHECK_INT(0x919D, h_sw(e, "9071000002000000"));
	CHECK_INT(0x6A82, h_sw(e, "00A4000C02E10400"));	/* no EF at MF */
	CHECK_INT(0x9000, h_sw(e, "00A4010C02E110"));	/* child DF */
	CHECK_INT(0x9000, h_sw(e, "00A4020C02E104"));	/* EF */
	CHECK_INT(0x9000, h_sw(e, "00A4030C"));		/* parent */
	CHECK_INT(0x919D, h_sw(e, "90F50000010200"));
	CHECK_INT(0x9000, h_sw(e, "00A40000023F00"));
	CHECK_INT(0x9000, h_sw(e, "00A4000002E110"));
	CHECK_INT(0x9100, h_sw(e, "90F50000010200"));
	CHECK_INT(0x9000, h_sw(e, "00A4040007D276000085010000"));
	CHECK_INT(0x919D, h_sw(e, "90F50000010200"));
	CHECK_INT(0x6A82, h_sw(e, "00A4040C07D276000085010200"));
	CHECK_INT(0x6A86, h_sw(e, "00A4040107D276000085010100"));
	CHECK_INT(0x6A86, h_sw(e, "00A4050C00"));
	CHECK_INT(0x6A87, h_sw(e, "00A4000C03E1040000"));
	CHECK_INT(0x6700, h_sw(e, "00A4040C11D2760000850101000000000000000000000000"));
	CHECK_INT(0x6700, h_sw(e, "00A4040C07D2760000"));
	CHECK_INT(0x6E00, h_sw(e, "80A4040C07D276000085010100"));
	CHECK_INT(0x6D00, h_sw(e, "00CA000000"));
	CHECK_INT(0x6700, h_sw(e, "00A4"));
	emu_free(&e);
}

/* E-7, E-8: wrapping errors, unknown INS, stray 90AF. */
static void
native_framing(void)
{
	emu_t *e = h_tag();

	CHECK_INT(0x911C, h_sw(e, "906A000000"));
	CHECK_INT(0x911C, h_sw(e, "90AF000000"));
	CHECK_INT(0x911C, h_sw(e, "90F7000000"));	/* GetTTStatus: not Gx */
	CHECK_INT(0x919E, h_sw(e, "90F50100010200"));
	emu_free(&e);
}

static void
native_lengths(void)
{
	emu_t *e = h_tag();

	CHECK_INT(0x917E, h_sw(e, "90F50000"));		/* no Le */
	CHECK_INT(0x917E, h_sw(e, "90F500000102"));	/* no Le */
	CHECK_INT(0x917E, h_sw(e, "90F50000010201"));	/* Le != 00 */
	CHECK_INT(0x917E, h_sw(e, "90F5000002020000"));	/* Lc too big */
	CHECK_INT(0x917E, h_sw(e, "90F500000002"));	/* Lc 0 + data */
	CHECK_INT(0x917E, h_sw(e, "90F50000000000"));	/* Lc 0 + Le */
	emu_free(&e);
}

/* Factory bytes (DS 8.2.3.2, Tables 5, 8, 13) and first status words. */
static void
factory_recipes(void)
{
	emu_t *e = h_tag();

	XCHG(e, "90AD0000070100000020000000",
	    "001720010000FF0406E104010000000506E10500808283000000000000000000"
	    "9100");
	XCHG(e, "90F50000010200", "0000E0EE0001009100");
	XCHG(e, "90F50000010300", "000330238000009100");
	XCHG(e, "90F50000010100", "000000E02000009100");
	XCHG(e, "90640000010000", "009100");
	XCHG(e, "9051000000", "91AE");
	XCHG(e, "90AD0000070300000000000000", "91AE");
	XCHG(e, "90F60000010200", "919D");
	XCHG(e, "9071000002050000", "9140");
	XCHG(e, "906A000000", "911C");
	XCHG(e, "90F50000010400", "91F0");
	XCHG(e, "90F50000010000", "91F0");
	XCHG(e, "90640000010500", "9140");
	XCHG(e, "90640000011000", "919E");
	XCHG(e, "90F6000001050000", "917E");
	emu_free(&e);
}

/* DS Tables 27, 30, 33, 36. */
static void
auth_errors(void)
{
	emu_t *e = h_tag();
	static const uint8_t bad[16] = { 1 };
	const emu_persist_t *p = emu_persist(e);
	hsess_t s;

	CHECK_INT(0x919E, h_sw(e, "9071000002000700"));
	CHECK_INT(0x917E, h_sw(e, "907100000200020000"));	/* LenCap > Lc */
	CHECK_INT(0x917E, h_sw(e, "90710000010000"));
	CHECK_INT(0x919E, h_sw(e, "9071000002400000"));
	CHECK_INT(0x919D, h_sw(e, "90770000010000"));	/* no session */
	CHECK_INT(0x91AE, h_auth(e, 1, 0, bad, &s));
	CHECK_INT(1, p->fail[0].tot);
	CHECK_INT(1, p->fail[0].seq);
	CHECK_INT(0x91AF, h_sw(e, "9071000002000000"));
	CHECK_INT(0x917E, h_sw(e, "90AF0000021122" "00"));
	CHECK_INT(2, p->fail[0].tot);
	/* E-9: PCDcap2 and extra bytes accepted; LRP request answered as EV2 */
	CHECK_INT(0x91AF, h_sw(e, "90710000090006020000000000FF00"));
	/*
	 * E-8: a command while an authentication waits for part 2 answers
	 * 91CA as on real tags, and the authentication is dropped: 90AF then
	 * has nothing to continue (911C) and the next command runs.
	 */
	CHECK_INT(0x91CA, h_sw(e, "9060000000"));
	CHECK_INT(0x911C, h_sw(e, "90AF0000101122334455667788990011223344556600"));
	CHECK_INT(0x91AF, h_sw(e, "9060000000"));
	CHECK_INT(0x91AF, h_sw(e, "90AF000000"));	/* GetVersion part 2 */
	CHECK_INT(0x91AE, h_sw(e, "9051000000"));	/* no session */
	/* 90AF without data during an authentication is still 917E */
	CHECK_INT(0x91AF, h_sw(e, "9071000002000000"));
	CHECK_INT(0x917E, h_sw(e, "90AF000000"));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0, p->fail[0].tot);	/* 4 - TotFailCtrDecr, floored */
	CHECK_INT(0, p->fail[0].seq);
	CHECK_INT(0x9100, h_auth(e, 0, 3, zero16, &s));	/* NonFirst */
	CHECK_INT(3, s.keyno);
	emu_free(&e);
}

/* DS 9.1.9: an error in a session ends it; CmdCtr overflow (9.1.2). */
static void
session_rules(void)
{
	hsess_t s;
	emu_t *e = authed(0, &s);
	uint8_t v = 0;
	size_t n = 0;

	CHECK_INT(0x9100, h_cmd(e, &s, 0x64, (const uint8_t *)"\x01", 1, NULL,
	    0, H_MAC, &v, &n));
	CHECK_INT(1, n);
	/* a plain ReadData of the CC counts too: next MAC uses CmdCtr 2 */
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x01\x00\x00\x00\x02\x00\x00", 7, NULL, 0,
	    H_PLAIN, NULL, NULL));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xF5, (const uint8_t *)"\x02", 1, NULL,
	    0, H_MAC, NULL, NULL));
	s.ctr++;	/* desynchronise: the tag sees a bad MAC */
	CHECK_INT(0x911E, h_cmd(e, &s, 0xF5, (const uint8_t *)"\x02", 1, NULL,
	    0, H_MAC, NULL, NULL));
	/* not authenticated any more: the MACed frame is too long now */
	CHECK_INT(0x917E, h_cmd(e, &s, 0xF5, (const uint8_t *)"\x02", 1, NULL,
	    0, H_MAC, NULL, NULL));
	emu_free(&e);

	e = h_tag();
	CHECK_INT(0, emu_set_session(e, 0, s.ti, 0xFFFF, s.kenc, s.kmac));
	s.ctr = 0xFFFF;
	CHECK_INT(0x911E, h_cmd(e, &s, 0x64, (const uint8_t *)"\x00", 1, NULL,
	    0, H_MAC, NULL, NULL));
	emu_free(&e);
}

static void
change_key(void)
{
	static const uint8_t k1[16] = { 0x11, 0x22 }, k1b[16] = { 0x33 };
	static const uint8_t k0[16] = { 0xA0, 0x0A };
	hsess_t s;
	emu_t *e = authed(0, &s);
	const emu_persist_t *p = emu_persist(e);

	CHECK_INT(0x9100, h_change_key(e, &s, 1, zero16, k1, 0x05));
	CHECK_BYTES(k1, p->key[1], 16);
	CHECK_INT(0x9100, h_cmd(e, &s, 0x64, (const uint8_t *)"\x01", 1, NULL,
	    0, H_MAC, NULL, NULL));
	/* wrong old key: CRC32NK mismatch, key unchanged */
	CHECK_INT(0x911E, h_change_key(e, &s, 1, zero16, k1b, 0x06));
	CHECK_BYTES(k1, p->key[1], 16);
	CHECK_INT(5, p->key_ver[1]);
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9140, h_change_key(e, &s, 5, zero16, k1, 1));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x919E, h_change_key(e, &s, 0x41, zero16, k1, 1));
	/* a session with key 1 cannot change keys, not even key 1 */
	CHECK_INT(0x9100, h_auth(e, 1, 1, k1, &s));
	CHECK_INT(0x91AE, h_change_key(e, &s, 1, k1, k1b, 1));
	CHECK_INT(0x91AE, h_sw(e, "90C400000100" "00"));	/* no session */
	/* key 0: bare 9100, session over, new key works */
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, h_change_key(e, &s, 0, zero16, k0, 0x01));
	CHECK_INT(0x91AE, h_sw(e, "9051000000"));
	CHECK_INT(0x91AE, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, h_auth(e, 1, 0, k0, &s));
	/* 17 bytes for key 1: the cryptogram does not fit (911E) */
	CHECK_INT(0x911E, h_cmd(e, &s, 0xC4, (const uint8_t *)"\x01", 1,
	    zero16, 16, H_FULL, NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 0, k0, &s));
	CHECK_INT(0x917E, h_cmd(e, &s, 0xC4, (const uint8_t *)"\x01", 1,
	    zero32, 32, H_FULL, NULL, NULL));
	emu_free(&e);
}

/* ChangeFileSettings on file 02 in a fresh key-0 session: SW for payload. */
static int
cfs(const char *payload_hex, uint8_t fileno)
{
	uint8_t d[64];
	size_t n = test_hex(payload_hex, d, sizeof(d));
	hsess_t s;
	emu_t *e = authed(0, &s);
	int sw = h_cmd(e, &s, 0x5F, &fileno, 1, d, n, H_FULL, NULL, NULL);

	emu_free(&e);
	return sw;
}

/* DS 10.7.1, Table 71, with the E-12/E-13/E-22 choices. */
static void
change_file_settings_validation(void)
{
	CHECK_INT(0x9100, cfs("00E0EE", 2));
	CHECK_INT(0x9100, cfs("4000E0C1F121200000430000430000", 2));  /* SM-4 */
	CHECK_INT(0x9100, cfs("40E0EED1FE001F00004400004400002000006A0000", 2));
	CHECK_INT(0x917E, cfs("00E0", 2));
	CHECK_INT(0x917E, cfs("00E0EE00", 2));
	CHECK_INT(0x917E, cfs("4000E0C1F12120000043000043", 2));
	CHECK_INT(0x919E, cfs("80E0EE", 2));
	CHECK_INT(0x919E, cfs("04E0EE", 2));
	CHECK_INT(0x919D, cfs("4000E0C1F121200000430000430000", 3));
	CHECK_INT(0x919E, cfs("0050EE", 2));
	CHECK_INT(0x91F0, cfs("00E0EE", 4));
	/* MetaRead != F without UID or counter */
	CHECK_INT(0x919E, cfs("4000E001FF0F200000", 2));
	/* MetaRead = F with UID */
	CHECK_INT(0x919E, cfs("4000E081FFFF", 2));
	/* CtrRet != F without counter */
	CHECK_INT(0x919E, cfs("4000E081F10F200000", 2));
	/* ENC with FileRead F */
	CHECK_INT(0x919E, cfs("4000E0D1FF0F200000", 2));
	/* ENC without both UID and counter */
	CHECK_INT(0x919E, cfs("4000E091FF00200000440000440000200000"
	    "6A0000", 2));
	/* limit without counter */
	CHECK_INT(0x919E, cfs("4000E0A1FF0F200000050000", 2));
	/* encoding bit 0 clear, RFU bits */
	CHECK_INT(0x919E, cfs("4000E0C0FF0F200000", 2));
	CHECK_INT(0x919E, cfs("4000E0C3FF0F200000", 2));
	/* FileRead = E (RFU), RFU nibble of SDMAccessRights */
	CHECK_INT(0x919E, cfs("4000E0C1FF0E200000430000430000", 2));
	CHECK_INT(0x919E, cfs("4000E0C1EF0F200000", 2));
	/* PICCData out of range, MAC overlapping PICCData */
	CHECK_INT(0x919E, cfs("4000E0C1FF0FE10000", 2));
	CHECK_INT(0x919E, cfs("4000E0C1FF00200000300000300000", 2));
	/* MACInput > MAC offset, MAC beyond FS-16 */
	CHECK_INT(0x919E, cfs("4000E0C1FF00200000500000430000", 2));
	CHECK_INT(0x919E, cfs("4000E0C1FF00200000F10000F10000", 2));
	/* ENC length not a multiple of 32, ENC area past the MAC */
	CHECK_INT(0x919E, cfs("40E0EED1FE001F00004400004400001000006A0000", 2));
	CHECK_INT(0x919E, cfs("40E0EED1FE001F00004400004400004000006A0000", 2));
	/* plain UID/ctr overlapping each other; E-22 ENC with ctr FFFFFF */
	CHECK_INT(0x919E, cfs("40E0EEC1FFEF100000180000", 2));
	CHECK_INT(0x9100, cfs("40E0EEC1FFEF100000200000", 2));
	CHECK_INT(0x919E, cfs("40E0EED1FEE0100000FFFFFF4000004000002000008000"
	    "00", 2));
	CHECK_INT(0x9100, cfs("40E0EED1FEE0100000200000400000400000200000800000",
	    2));
}

static void
change_file_settings_rights(void)
{
	uint8_t d[32];
	size_t n;
	hsess_t s;
	emu_t *e = authed(1, &s);
	emu_file_t *f = &emu_persist(e)->file[1];

	/* Change = 0 but session with key 1 */
	n = test_hex("00E0EE", d, sizeof(d));
	CHECK_INT(0x91AE, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	CHECK_INT(0x91AE, h_plain(e, 0x5F, (const uint8_t *)"\x02\x00\xE0\xEE",
	    4, NULL, NULL));
	/* Change = E: plain, without a session (E-4) */
	f->ar = 0xEEEE;
	CHECK_INT(0x9100, h_plain(e, 0x5F, (const uint8_t *)"\x02\x00\xEF\xEE",
	    4, NULL, NULL));
	CHECK_INT(0xEEEF, f->ar);
	/* Change = F: frozen for good */
	CHECK_INT(0x919D, h_plain(e, 0x5F, (const uint8_t *)"\x02\x00\xE0\xEE",
	    4, NULL, NULL));
	emu_free(&e);

	/* E-12: counter reset only when SDM is switched on; limit vs it */
	e = authed(0, &s);
	f = &emu_persist(e)->file[1];
	n = test_hex("4000E0C1FF0F200000", d, sizeof(d));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	f->sdm_ctr = 9;
	n = test_hex("4000E0E1FF0F200000090000", d, sizeof(d));
	CHECK_INT(0x919E, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	n = test_hex("4000E0E1FF0F2000000A0000", d, sizeof(d));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	CHECK_INT(9, f->sdm_ctr);
	CHECK_INT(10, f->ctr_limit);
	n = test_hex("00E0EE", d, sizeof(d));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	n = test_hex("4000E0C1FF0F200000", d, sizeof(d));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, d, n,
	    H_FULL, NULL, NULL));
	CHECK_INT(0, f->sdm_ctr);
	emu_free(&e);
}

/* DS 8.2.3.3-8.2.3.5, Tables 80, 83. */
static void
read_write_data(void)
{
	uint8_t r[300], w[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	size_t n = 0;
	hsess_t s;
	emu_t *e = authed(2, &s);
	emu_file_t *f2 = &emu_persist(e)->file[1];

	/* file 03: Read = 2, Full */
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x03\x00\x00\x00\x10\x00\x00", 7, NULL, 0,
	    H_FULL, r, &n));
	CHECK_INT(16, n);
	/* Write = 3: not granted to key 2 */
	CHECK_INT(0x91AE, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x03\x00\x00\x00\x0A\x00\x00", 7, w, 10, H_FULL,
	    NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x03\x76\x00\x00\x0A\x00\x00", 7, w, 10, H_FULL,
	    NULL, NULL));
	CHECK_BYTES(w, emu_persist(e)->file[2].data + 0x76, 10);
	CHECK_INT(0x91BE, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x03\x77\x00\x00\x0A\x00\x00", 7, w, 10, H_FULL,
	    NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, &s));
	CHECK_INT(0x917E, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x03\x00\x00\x00\x0B\x00\x00", 7, w, 10, H_FULL,
	    NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, &s));
	/* a read past the end: 91BE (BOUNDARY_ERROR) as on a real tag */
	CHECK_INT(0x91BE, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x03\x80\x00\x00\x00\x00\x00", 7, NULL, 0,
	    H_FULL, NULL, NULL));
	CHECK_INT(0x91BE, h_sw(e, "90AD0000070200F00020000000"));
	/* file 02 with key 3: only free rights -> Plain (E-4 rule) */
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x02\x00\x00\x00\x0A\x00\x00", 7, w, 10, H_PLAIN,
	    NULL, NULL));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x02\x00\x00\x00\x0A\x00\x00", 7, NULL, 0,
	    H_PLAIN, r, &n));
	CHECK_BYTES(w, r, 10);
	/* E-16: 256 bytes in MAC mode do not fit */
	f2->option = 0x01;
	f2->ar = 0x3000 | (f2->ar & 0x0FFF);
	CHECK_INT(0x917E, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x02\x00\x00\x00\x00\x00\x00", 7, NULL, 0,
	    H_MAC, NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x02\x00\x00\x00\xF0\x00\x00", 7, NULL, 0,
	    H_MAC, r, &n));
	CHECK_INT(240, n);
	/* all rights F: 919D */
	f2->ar = 0xFFF0;
	CHECK_INT(0x919D, h_cmd(e, &s, 0xAD,
	    (const uint8_t *)"\x02\x00\x00\x00\x01\x00\x00", 7, NULL, 0,
	    H_PLAIN, NULL, NULL));
	CHECK_INT(0x917E, h_plain(e, 0xAD, (const uint8_t *)"\x02\x00", 2,
	    NULL, NULL));
	CHECK_INT(0x91F0, h_plain(e, 0xAD,
	    (const uint8_t *)"\x07\x00\x00\x00\x01\x00\x00", 7, NULL, NULL));
	CHECK_INT(0x91AE, h_plain(e, 0x8D,
	    (const uint8_t *)"\x01\x00\x00\x00\x00\x00\x00", 7, NULL, NULL));
	/* Length 0 is not a length (919E); CC is Plain under key 0 */
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x919E, h_cmd(e, &s, 0x8D,
	    (const uint8_t *)"\x01\x00\x00\x00\x00\x00\x00", 7, NULL, 0,
	    H_PLAIN, NULL, NULL));
	emu_free(&e);
}

/* DS Tables 89, 92 and E-3, E-19. */
static void
iso_read_update(void)
{
	hsess_t s;
	emu_t *e = h_tag();
	uint8_t r[300];
	size_t n = 0;

	CHECK_INT(0x6985, h_sw(e, "00B0000002"));	/* no EF */
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10300"));
	CHECK_INT(0x9000, h_send(e, (const uint8_t *)"\x00\xB0\x00\x1E\x0F",
	    5, r, &n));
	CHECK_INT(2, n);	/* only what is left of the file */
	CHECK_INT(0x6982, h_sw(e, "00D6000001FF"));	/* CC: Write = 0 */
	CHECK_INT(0x6A86, h_sw(e, "00B0002000"));
	CHECK_INT(0x6A82, h_sw(e, "00B0810000"));	/* SFI 1 (E-19) */
	CHECK_INT(0x9000, h_sw(e, "00B0800002"));	/* SFI 0: current */
	CHECK_INT(0x6A86, h_sw(e, "00B0A00002"));
	CHECK_INT(0x6700, h_sw(e, "00B000000200"));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x9000, h_sw(e, "00D600FE024142"));
	CHECK_INT(0x6985, h_sw(e, "00D600FF024142"));
	CHECK_INT(0x6700, h_sw(e, "00D600FE02414200"));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10500"));
	CHECK_INT(0x6982, h_sw(e, "00B0000010"));	/* file 03: Read = 2 */
	/* E-3: refused while authenticated, and the session ends */
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x6982, h_sw(e, "00B0000002"));
	CHECK_INT(0x91AE, h_sw(e, "9051000000"));
	emu_free(&e);
}

static EVP_PKEY *
test_key(uint8_t priv[28])
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
	BIGNUM *bn = NULL;

	CHECK(k != NULL);
	CHECK_INT(1, EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn));
	CHECK_INT(28, BN_bn2binpad(bn, priv, 28));
	BN_clear_free(bn);
	return k;
}

/* r || s -> DER, then EVP verify with the UID as digest. */
static int
verify(EVP_PKEY *k, const uint8_t *uid, const uint8_t sig[56])
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
	uint8_t der[80], *p = der;
	int len, ok;

	ECDSA_SIG_set0(es, BN_bin2bn(sig, 28, NULL), BN_bin2bn(sig + 28, 28,
	    NULL));
	len = i2d_ECDSA_SIG(es, &p);
	ok = EVP_PKEY_verify_init(ctx) == 1 &&
	    EVP_PKEY_verify(ctx, der, (size_t)len, uid, 7) == 1;
	EVP_PKEY_CTX_free(ctx);
	ECDSA_SIG_free(es);
	return ok;
}

/* NXP's NTAG 424 DNA originality key (AN12196 8.2, ORIG-1). */
static EVP_PKEY *
nxp_key(void)
{
	uint8_t pub[57];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;

	test_hex("048A9B380AF2EE1B98DC417FECC263F8449C7625CECE82D9B916C992DA"
	    "209D68422B81EC20B65A66B5102A61596AF3379200599316A00A1410", pub,
	    sizeof(pub));
	params[0] = OSSL_PARAM_construct_utf8_string("group",
	    (char *)(uintptr_t)"P-224", 0);
	params[1] = OSSL_PARAM_construct_octet_string("pub", pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	CHECK_INT(1, EVP_PKEY_fromdata_init(ctx));
	CHECK_INT(1, EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params));
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* Read_Sig (DS 10.10, E-17): own key signs, NXP's key does not verify. */
static void
read_sig(void)
{
	uint8_t priv[28], sig[64];
	size_t n = 0;
	EVP_PKEY *k = test_key(priv), *nxp = nxp_key();
	emu_t *e = emu_new(NULL);
	const uint8_t *uid = emu_persist(e)->uid;
	hsess_t s;

	CHECK_INT(0, emu_set_sig_key(e, priv));
	/* genuine tags answer 9190 (AN12196 Table 30); works at MF level */
	CHECK_INT(0x9190, h_plain(e, 0x3C, (const uint8_t *)"\x00", 1, sig,
	    &n));
	CHECK_INT(56, n);
	CHECK(verify(k, uid, sig));
	CHECK(!verify(nxp, uid, sig));
	sig[55] ^= 1;
	CHECK(!verify(k, uid, sig));
	CHECK_INT(0x919E, h_plain(e, 0x3C, (const uint8_t *)"\x01", 1, NULL,
	    NULL));
	CHECK_INT(0x917E, h_plain(e, 0x3C, (const uint8_t *)"\x00\x00", 2,
	    NULL, NULL));
	/* Random ID: a session is needed, then Full */
	emu_persist(e)->random_id = 1;
	emu_power_cycle(e);
	CHECK_INT(0x91AE, h_plain(e, 0x3C, (const uint8_t *)"\x00", 1, NULL,
	    NULL));
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	CHECK_INT(0x9100, h_auth(e, 1, 4, zero16, &s));
	/* in a session too, the response MAC taken over RC = 90 (h_cmd) */
	CHECK_INT(0x9190, h_cmd(e, &s, 0x3C, (const uint8_t *)"\x00", 1, NULL,
	    0, H_FULL, sig, &n));
	CHECK_INT(56, n);
	CHECK(verify(k, uid, sig));
	EVP_PKEY_free(k);
	EVP_PKEY_free(nxp);
	emu_free(&e);
}

static int
set_config(emu_t *e, hsess_t *s, const char *hex)
{
	uint8_t d[16];
	size_t n = test_hex(hex, d, sizeof(d));

	return h_cmd(e, s, 0x5C, d, 1, d + 1, n - 1, H_FULL, NULL, NULL);
}

/* DS Tables 50, 52. */
static void
set_configuration(void)
{
	hsess_t s;
	emu_t *e = authed(1, &s);
	const emu_persist_t *p = emu_persist(e);

	CHECK_INT(0x91AE, set_config(e, &s, "0002"));
	CHECK_INT(0x91AE, h_plain(e, 0x5C, (const uint8_t *)"\x00\x02", 2,
	    NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x919E, set_config(e, &s, "0701"));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x917E, set_config(e, &s, "000200"));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x919E, set_config(e, &s, "0003"));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	/* PDCap2.1: only bit 1 (LRP, test_emu_lrp.c) is defined. */
	CHECK_INT(0x919E, set_config(e, &s, "0500000000040000000000"));
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, set_config(e, &s, "0500000000000000001234"));
	CHECK_INT(0x12, p->pdcap2_5);
	CHECK_INT(0x9100, set_config(e, &s, "0B00"));
	CHECK_INT(0, p->hw_config);
	CHECK_INT(0x9100, set_config(e, &s, "040400"));
	CHECK_INT(4, p->sm_config);
	CHECK_INT(0x919E, set_config(e, &s, "0A0100000A00"));	/* limit 0 */
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, set_config(e, &s, "0A0105000100"));
	CHECK_INT(5, p->fail_limit);
	CHECK_INT(1, p->fail_decr);
	CHECK_INT(0x9100, set_config(e, &s, "0A0000000000"));
	CHECK_INT(0, p->fail_enabled);
	CHECK_INT(0x9100, set_config(e, &s, "0002"));
	CHECK_INT(1, p->random_id);
	/* PDcap2.5/.6 come back in EV2First */
	emu_free(&e);
}

/* DS 9, AN12196 7.4: TotFailCtr lock, ChangeKey unlock, the delay states. */
static void
failed_auth_counter(void)
{
	static const uint8_t bad[16] = { 9 };
	emu_delay_t d = { 2, 1, 2 };
	hsess_t s;
	emu_t *e = authed(0, &s);
	const emu_persist_t *p = emu_persist(e);

	CHECK_INT(0x9100, set_config(e, &s, "0A0103000100"));
	for (int i = 0; i < 3; i++)
		CHECK_INT(0x91AE, h_auth(e, 1, 2, bad, &s));
	CHECK_INT(3, p->fail[2].tot);
	CHECK_INT(0x919D, h_auth(e, 1, 2, zero16, &s));	/* locked */
	CHECK_INT(3, p->fail[2].tot);
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, h_change_key(e, &s, 2, zero16, zero16, 0));
	CHECK_INT(0, p->fail[2].tot);
	CHECK_INT(0x9100, h_auth(e, 1, 2, zero16, &s));
	emu_free(&e);

	/* delay: threshold 2, one unit per failure, at most 2 units */
	e = h_tag();
	p = emu_persist(e);
	emu_set_delay(e, &d);
	CHECK_INT(0x91AE, h_auth(e, 1, 1, bad, &s));
	CHECK_INT(0x91AE, h_auth(e, 1, 1, bad, &s));
	CHECK_INT(2, p->fail[1].seq);
	CHECK_INT(0x91AD, h_auth(e, 1, 1, zero16, &s));
	CHECK_INT(1, p->fail[1].spent);
	CHECK_INT(2, p->fail[1].tot);
	CHECK_INT(0x91AE, h_auth(e, 1, 1, bad, &s));	/* delay served */
	CHECK_INT(3, p->fail[1].seq);
	CHECK_INT(0x91AD, h_auth(e, 1, 1, zero16, &s));
	CHECK_INT(0x91AD, h_auth(e, 1, 1, zero16, &s));
	/* the state survives a power cycle (E-21) */
	emu_power_cycle(e);
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	CHECK_INT(0x9100, h_auth(e, 1, 1, zero16, &s));
	CHECK_INT(0, p->fail[1].seq);
	CHECK_INT(0, p->fail[1].tot);	/* 4 - 10, floored */
	/* other keys keep their own counters */
	CHECK_INT(0, p->fail[0].tot);
	emu_free(&e);
}

/* GetFileCounters with SDMCtrRet = key 1: 91AE, then Full (DS Table 77). */
static void
get_file_counters(void)
{
	static const uint8_t k1[16] = { 0 };
	uint8_t r[32];
	size_t n = 0;
	hsess_t s;
	emu_t *e = h_tag();
	emu_file_t *f = &emu_persist(e)->file[1];

	f->option = 0x40;
	f->sdm_options = 0x41;
	f->sdm_ar = 0xFFF1;
	f->sdm_ctr = 0x030201;
	CHECK_INT(0x91AE, h_plain(e, 0xF6, (const uint8_t *)"\x02", 1, NULL,
	    NULL));
	CHECK_INT(0x91F0, h_plain(e, 0xF6, (const uint8_t *)"\x09", 1, NULL,
	    NULL));
	CHECK_INT(0x919D, h_plain(e, 0xF6, (const uint8_t *)"\x03", 1, NULL,
	    NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 1, k1, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xF6, (const uint8_t *)"\x02", 1, NULL,
	    0, H_FULL, r, &n));
	CHECK_INT(5, n);
	CHECK_BYTES((const uint8_t *)"\x01\x02\x03\x00\x00", r, 5);
	emu_free(&e);
}

/* GetVersion in MAC mode (E-11) and GetCardUID through the host helper. */
static void
secured_get_version_and_uid(void)
{
	hsess_t s;
	emu_t *e = authed(2, &s);
	uint8_t c[16], r[64], all[28], m[8], uid[16];
	size_t n = 0;

	memcpy(c, "\x90\x60\x00\x00\x08", 5);
	h_mact(&s, 0x60, s.ctr, NULL, 0, c + 5);
	c[13] = 0;
	CHECK_INT(0x91AF, h_send(e, c, 14, all, &n));
	CHECK_INT(7, n);
	CHECK_INT(0x91AF, h_plain(e, 0xAF, NULL, 0, all + 7, &n));
	CHECK_INT(0x9100, h_plain(e, 0xAF, NULL, 0, r, &n));
	CHECK_INT(22, n);
	memcpy(all + 14, r, 14);
	s.ctr++;
	h_mact(&s, 0x00, s.ctr, all, 28, m);
	CHECK_BYTES(m, r + 14, 8);
	CHECK_INT(0x9100, h_cmd(e, &s, 0x51, NULL, 0, NULL, 0, H_FULL, uid,
	    &n));
	CHECK_INT(7, n);
	CHECK_BYTES(emu_persist(e)->uid, uid, 7);
	/* in a session GetVersion needs its MAC; then part 2 with data */
	CHECK_INT(0x917E, h_sw(e, "9060000000"));
	CHECK_INT(0x91AF, h_sw(e, "9060000000"));
	CHECK_INT(0x917E, h_sw(e, "90AF0000010000"));
	emu_free(&e);
}

/* The APDU log shows headers and status words, never key material. */
static void
apdu_log_redacts(void)
{
	static const uint8_t nk[16] = { 0xC0, 0xFF, 0xEE, 0xC0, 0xFF, 0xEE };
	char path[] = "/tmp/emu-log-XXXXXX", buf[8192];
	int fd = mkstemp(path), saved = dup(2);
	size_t n;
	FILE *f;
	hsess_t s;
	emu_t *e = h_tag();

	CHECK(fd >= 0 && saved >= 0);
	log_set_level(PLOG_TRACE);
	emu_set_log(e, 1);
	dup2(fd, 2);
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, &s));
	CHECK_INT(0x9100, h_change_key(e, &s, 1, zero16, nk, 1));
	emu_power_cycle(e);
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	CHECK_INT(0x9100, h_sw(e, "90F50000010200"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_set_level(PLOG_WARN);
	f = fdopen(fd, "r");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	CHECK(strstr(buf, ">> 90C400002901 [40 bytes redacted] 00") != NULL);
	CHECK(strstr(buf, ">> 90AF000020 [32 bytes redacted] 00") != NULL);
	CHECK(strstr(buf, ">> 00A4040C07D276000085010100") != NULL);
	CHECK(strstr(buf, "<< 91AF") != NULL);
	CHECK(strstr(buf, "<< 0000E0EE0001009100") != NULL);
	CHECK(strstr(buf, "C0FFEE") == NULL);
	if (test_failures)
		fputs(buf, stderr);
	emu_free(&e);
}

int
main(void)
{
	RUN(select_and_levels);
	RUN(native_framing);
	RUN(native_lengths);
	RUN(factory_recipes);
	RUN(auth_errors);
	RUN(session_rules);
	RUN(change_key);
	RUN(change_file_settings_validation);
	RUN(change_file_settings_rights);
	RUN(read_write_data);
	RUN(iso_read_update);
	RUN(read_sig);
	RUN(set_configuration);
	RUN(failed_auth_counter);
	RUN(get_file_counters);
	RUN(secured_get_version_and_uid);
	RUN(apdu_log_redacts);
	return test_summary();
}
