/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ReadData / WriteData in Plain, MAC and Full with C-APDU data limits of
 * 16, 52 and 255 bytes, and ISOReadBinary / ISOUpdateBinary, through
 * libntag424 against the emulator (NT4H2421Gx 10.8, 10.9), with every
 * refusal the tag gives: 91AE, 919D, 917E, 91BE, 6982, 6985, 6A82.
 */
#include <string.h>

#include "integ.h"
#include "test.h"

static const size_t chunks[] = { 16, 52, 255 };

static void
pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 7 * i);
}

static int
sw_of(const uint8_t *resp, size_t n)
{
	return n < 2 ? -1 : resp[n - 2] << 8 | resp[n - 1];
}

/* File 02 is free for reading and writing: Plain, no session. */
static void
data_plain_chunks(void)
{
	/* Plain WriteData carries 7 header bytes + data per APDU. */
	static const size_t apdus[] = { 29, 6, 2 };

	for (size_t c = 0; c < 3; c++) {
		struct rig r;
		uint8_t w[256], rd[256];
		size_t before;

		rig_open(&r, NULL);
		CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(r.dev,
		    chunks[c]));
		pattern(w, sizeof(w), (uint8_t)c);
		before = ntag424_dev_apdu_count(r.dev);
		CHECK_INT(NTAG424_OK, ntag424_data_write(r.dev, 2,
		    NTAG424_COMM_AUTO, 0, w, sizeof(w)));
		CHECK_INT(apdus[c], ntag424_dev_apdu_count(r.dev) - before);
		CHECK_BYTES(w, emu_persist_const(r.emu)->file[1].data, 256);
		CHECK_INT(NTAG424_OK, ntag424_data_read(r.dev, 2,
		    NTAG424_COMM_AUTO, 0, rd, sizeof(rd)));
		CHECK_BYTES(w, rd, sizeof(rd));
		/* an odd window in the middle */
		pattern(w, 100, 0x33);
		CHECK_INT(NTAG424_OK, ntag424_data_write(r.dev, 2,
		    NTAG424_COMM_PLAIN, 77, w, 100));
		CHECK_INT(NTAG424_OK, ntag424_data_read(r.dev, 2,
		    NTAG424_COMM_PLAIN, 77, rd, 100));
		CHECK_BYTES(w, rd, 100);
		rig_close(&r);
	}
}

/* Write and read file 03 (128 bytes, RW key 3) in its own mode. */
static void
rw_file3(struct rig *r, ntag424_comm_mode_t mode, size_t chunk)
{
	uint8_t w[128], rd[128];

	pattern(w, sizeof(w), (uint8_t)(chunk + mode));
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(r->dev, chunk));
	rig_auth(r, 3, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_data_write(r->dev, 3, NTAG424_COMM_AUTO,
	    0, w, sizeof(w)));
	CHECK_BYTES(w, emu_persist_const(r->emu)->file[2].data, 128);
	CHECK_INT(NTAG424_OK, ntag424_data_read(r->dev, 3, NTAG424_COMM_AUTO,
	    0, rd, sizeof(rd)));
	CHECK_BYTES(w, rd, sizeof(rd));
	pattern(w, 45, 0x5A);
	CHECK_INT(NTAG424_OK, ntag424_data_write(r->dev, 3, mode, 31, w, 45));
	CHECK_INT(NTAG424_OK, ntag424_data_read(r->dev, 3, mode, 31, rd, 45));
	CHECK_BYTES(w, rd, 45);
	/* key 2 may read (Read = 2) but not write */
	rig_auth(r, 2, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_data_read(r->dev, 3, NTAG424_COMM_AUTO,
	    31, rd, 45));
	CHECK_BYTES(w, rd, 45);
	CHECK_INT(0x91AE, ntag424_data_write(r->dev, 3, NTAG424_COMM_AUTO, 0,
	    w, 1));
}

static void
data_full_chunks(void)
{
	struct rig r;
	uint8_t b[32] = { 0 };
	size_t before;

	for (size_t c = 1; c < 3; c++) {
		rig_open(&r, NULL);
		rw_file3(&r, NTAG424_COMM_FULL, chunks[c]);
		rig_close(&r);
	}
	/* 16 bytes cannot carry header, one cipher block and the MAC */
	rig_open(&r, NULL);
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(r.dev, 16));
	rig_auth(&r, 3, integ_zero);
	before = ntag424_dev_apdu_count(r.dev);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_write(r.dev, 3,
	    NTAG424_COMM_AUTO, 0, b, sizeof(b)));
	/* the AUTO lookup (GetFileSettings) is the only APDU sent */
	CHECK_INT(1, ntag424_dev_apdu_count(r.dev) - before);
	rig_close(&r);
}

static void
data_mac_chunks(void)
{
	for (size_t c = 0; c < 3; c++) {
		struct rig r;
		ntag424_file_settings_t fs;

		rig_open(&r, NULL);
		rig_auth(&r, 0, integ_zero);
		CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev, 3, &fs));
		fs.comm_mode = NTAG424_COMM_MAC;
		CHECK_INT(NTAG424_OK, ntag424_file_settings_change(r.dev, 3,
		    &fs));
		rw_file3(&r, NTAG424_COMM_MAC, chunks[c]);
		rig_close(&r);
	}
}

/* No session, or a key without the right: 91AE; nothing written. */
static void
data_not_authenticated(void)
{
	struct rig r;
	uint8_t b[16] = { 1, 2, 3 };

	rig_open(&r, NULL);
	CHECK_INT(0x91AE, ntag424_data_read(r.dev, 3, NTAG424_COMM_AUTO, 0, b,
	    sizeof(b)));
	CHECK_INT(0x91AE, ntag424_data_write(r.dev, 3, NTAG424_COMM_AUTO, 0, b,
	    sizeof(b)));
	rig_auth(&r, 1, integ_zero);
	CHECK_INT(0x91AE, ntag424_data_read(r.dev, 3, NTAG424_COMM_AUTO, 0, b,
	    sizeof(b)));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	/* file 01 (CC): Write = 0 */
	CHECK_INT(0x91AE, ntag424_data_write(r.dev, 1, NTAG424_COMM_AUTO, 0, b,
	    2));
	CHECK_INT(0x00, emu_persist_const(r.emu)->file[0].data[0]);
	rig_close(&r);
}

/* Read, RW (and Write) all F: 919D. */
static void
data_permission_denied(void)
{
	struct rig r;
	ntag424_file_settings_t fs;
	uint8_t b[16] = { 0 };

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev, 3, &fs));
	fs.access.read = fs.access.write = fs.access.read_write =
	    NTAG424_AR_NEVER;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_change(r.dev, 3, &fs));
	CHECK_INT(0x919D, ntag424_data_read(r.dev, 3, NTAG424_COMM_FULL, 0, b,
	    sizeof(b)));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x919D, ntag424_data_write(r.dev, 3, NTAG424_COMM_FULL, 0, b,
	    sizeof(b)));
	rig_repower(&r);
	CHECK_INT(0x919D, ntag424_data_read(r.dev, 3, NTAG424_COMM_PLAIN, 0, b,
	    sizeof(b)));
	rig_close(&r);
}

/* docs/emulator.md E-26: a Full command to a file now Plain: 917E. */
static void
data_wrong_mode_length(void)
{
	struct rig r;
	uint8_t b[16] = { 0 };

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x917E, ntag424_data_write(r.dev, 2, NTAG424_COMM_FULL, 0, b,
	    sizeof(b)));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

/* Beyond the end: refused by the library; the tag's answers raw. */
static void
data_boundary(void)
{
	/* WriteData file 02, offset FC, length 8, plain */
	static const uint8_t wr[] = { 0x90, 0x8D, 0, 0, 15, 0x02, 0xFC, 0, 0,
	    0x08, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0 };
	struct rig r;
	uint8_t b[8] = { 0 }, resp[NTAG424_RAPDU_MAX];
	size_t n = sizeof(resp);

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_write(r.dev, 2,
	    NTAG424_COMM_PLAIN, 0xFC, b, sizeof(b)));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(r.dev, 2,
	    NTAG424_COMM_PLAIN, 0x100, b, 1));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_data_read(r.dev, 2,
	    NTAG424_COMM_PLAIN, 0, b, 0));
	CHECK_INT(NTAG424_OK, ntag424_dev_transceive(r.dev, wr, sizeof(wr),
	    resp, &n));
	CHECK_INT(0x91BE, sw_of(resp, n));
	CHECK_INT(0, emu_persist_const(r.emu)->file[1].data[0xFC]);
	/* ISOUpdateBinary past the end: 6985 */
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_NDEF));
	CHECK_INT(0x6985, ntag424_iso_update_binary(r.dev, 0xFC, b,
	    sizeof(b)));
	rig_close(&r);
}

static void
data_iso_binary(void)
{
	struct rig r;
	uint8_t w[200], rd[256];
	size_t got = 0;

	rig_open(&r, NULL);
	pattern(w, sizeof(w), 0x11);
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_NDEF));
	CHECK_INT(NTAG424_OK, ntag424_iso_update_binary(r.dev, 10, w,
	    sizeof(w)));
	CHECK_BYTES(w, emu_persist_const(r.emu)->file[1].data + 10, sizeof(w));
	CHECK_INT(NTAG424_OK, ntag424_iso_read_binary(r.dev, 10, rd, 200,
	    &got));
	CHECK_INT(200, got);
	CHECK_BYTES(w, rd, 200);
	/* asking for more than is left gives the rest */
	CHECK_INT(NTAG424_OK, ntag424_iso_read_binary(r.dev, 0xF0, rd, 100,
	    &got));
	CHECK_INT(16, got);
	/* the CC file, 32 bytes, as a phone reads it */
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_CC));
	CHECK_INT(NTAG424_OK, ntag424_iso_read_binary(r.dev, 0, rd, 15, &got));
	CHECK_INT(15, got);
	CHECK_INT(0x17, rd[1]);
	CHECK_INT(0xE1, rd[9]);
	CHECK_INT(0x04, rd[10]);
	CHECK_INT(0x6A82, ntag424_select_file(r.dev, 0xE1FF));
	rig_close(&r);
}

/* E-3: ISO file access while authenticated is 6982 and ends the session. */
static void
data_iso_in_session(void)
{
	struct rig r;
	uint8_t rd[16];
	size_t got = 0;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_select_file(r.dev, NTAG424_FID_NDEF));
	CHECK_INT(0, ntag424_auth_key_no(r.dev));
	CHECK_INT(0x6982, ntag424_iso_read_binary(r.dev, 0, rd, sizeof(rd),
	    &got));
	/* the tag is no longer authenticated, and the library knows it */
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_INT(NTAG424_OK, ntag424_iso_update_binary(r.dev, 0, rd, 4));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x6982, ntag424_iso_update_binary(r.dev, 0, rd, 4));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	/* the next MACed command works: no stale session on either side */
	CHECK_INT(NTAG424_OK, ntag424_key_version(r.dev, 0, rd));
	rig_close(&r);
}

int
main(void)
{
	RUN(data_plain_chunks);
	RUN(data_full_chunks);
	RUN(data_mac_chunks);
	RUN(data_not_authenticated);
	RUN(data_permission_denied);
	RUN(data_wrong_mode_length);
	RUN(data_boundary);
	RUN(data_iso_binary);
	RUN(data_iso_in_session);
	return test_summary();
}
