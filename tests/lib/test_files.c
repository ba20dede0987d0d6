/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File settings: the codec (AN12196 Table 19 / SM-4 payload, SM-1 parse)
 * and one test per validation rule of NT4H2421Gx 10.7.1 (Tables 69, 71).
 */
#include <string.h>

#include "helpers.h"
#include "ntag424.h"
#include "test.h"

/* A valid SDM configuration for file 02: plain UID + counter + MAC. */
static void
plain_mirror(ntag424_file_settings_t *fs)
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
	fs->sdm.meta_read = NTAG424_AR_FREE;
	fs->sdm.file_read = 1;
	fs->sdm.ctr_ret = NTAG424_AR_NEVER;
	fs->sdm.uid_offset = 40;
	fs->sdm.read_ctr_offset = 55;
	fs->sdm.mac_input_offset = 40;
	fs->sdm.mac_offset = 64;
}

/* SUN-4 / SM-1 layout: encrypted PICCData, ENC file data, MAC. */
static void
enc_layout(ntag424_file_settings_t *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->access.read = NTAG424_AR_FREE;
	fs->sdm.enabled = true;
	fs->sdm.uid_mirror = true;
	fs->sdm.read_ctr = true;
	fs->sdm.enc_file_data = true;
	fs->sdm.meta_read = 0;
	fs->sdm.file_read = 0;
	fs->sdm.ctr_ret = NTAG424_AR_FREE;
	fs->sdm.picc_data_offset = 31;
	fs->sdm.mac_input_offset = 68;
	fs->sdm.enc_offset = 68;
	fs->sdm.enc_length = 32;
	fs->sdm.mac_offset = 106;
}

static void
expect_bad(const ntag424_file_settings_t *fs, uint8_t file_no,
    const char *field)
{
	const char *got = NULL;

	CHECK_INT(NTAG424_ERR_SETTINGS, ntag424_file_settings_validate(fs,
	    file_no, &got));
	CHECK(got != NULL && strcmp(got, field) == 0);
}

/* AN12196 Table 19 (SM-4): the ChangeFileSettings payload. */
static void
encode_sm4(void)
{
	ntag424_file_settings_t fs;
	uint8_t out[32], exp[15];
	size_t n = 0;

	memset(&fs, 0, sizeof(fs));
	fs.access.read = NTAG424_AR_FREE;
	fs.sdm.enabled = true;
	fs.sdm.uid_mirror = true;
	fs.sdm.read_ctr = true;
	fs.sdm.ctr_ret = 1;
	fs.sdm.meta_read = 2;
	fs.sdm.file_read = 1;
	fs.sdm.picc_data_offset = 32;
	fs.sdm.mac_input_offset = 67;
	fs.sdm.mac_offset = 67;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
	CHECK_INT(NTAG424_OK, nt_settings_encode(&fs, out, sizeof(out), &n));
	CHECK_INT(15, n);
	test_hex("4000E0C1F121200000430000430000", exp, sizeof(exp));
	CHECK_BYTES(exp, out, 15);
}

/* Encode, decode back: every conditional field survives (plain mirror). */
static void
round_trip(void)
{
	ntag424_file_settings_t fs, back;
	uint8_t out[32], resp[40];
	size_t n = 0;

	plain_mirror(&fs);
	fs.sdm.read_ctr_limit = true;
	fs.sdm.read_ctr_limit_value = 0x123456;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
	CHECK_INT(NTAG424_OK, nt_settings_encode(&fs, out, sizeof(out), &n));
	CHECK_INT(3 + 3 + 5 * 3, n);
	/* As GetFileSettings returns it: FileType, ..., FileSize inserted. */
	resp[0] = 0x00;
	memcpy(resp + 1, out, 3);
	resp[4] = 0x00;
	resp[5] = 0x01;
	resp[6] = 0x00;
	memcpy(resp + 7, out + 3, n - 3);
	CHECK_INT(NTAG424_OK, nt_settings_decode(resp, n + 4, &back));
	fs.file_size = 256;
	CHECK_BYTES((const uint8_t *)&fs, (const uint8_t *)&back, sizeof(fs));
	/* Every truncation and one extra byte are malformed. */
	for (size_t k = 0; k < n + 4; k++)
		CHECK_INT(NTAG424_ERR_RX, nt_settings_decode(resp, k, &back));
	resp[n + 4] = 0x00;
	CHECK_INT(NTAG424_ERR_RX, nt_settings_decode(resp, n + 5, &back));
}

/* Factory settings of all three files validate (NT4H2421Gx Tables 5, 8, 13). */
static void
factory_settings_valid(void)
{
	static const char *rows[] = { "000000E0200000", "0000E0EE000100",
	    "00033023800000" };
	static const uint8_t read[] = { 0xE, 0xE, 0x2 }, size[] = { 32, 0, 128 };
	ntag424_file_settings_t fs;
	uint8_t b[7];

	for (size_t i = 0; i < 3; i++) {
		test_hex(rows[i], b, sizeof(b));
		CHECK_INT(NTAG424_OK, nt_settings_decode(b, 7, &fs));
		CHECK_INT(read[i], fs.access.read);
		CHECK_INT(size[i] == 0 ? 256 : size[i], fs.file_size);
		CHECK_INT(0, fs.access.change);
		CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs,
		    (uint8_t)(i + 1), NULL));
	}
	plain_mirror(&fs);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
	enc_layout(&fs);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
}

static void
rule_file_no(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.enabled = false;
	expect_bad(&fs, 0, "file_no");
	expect_bad(&fs, 4, "file_no");
}

static void
rule_file_type_and_mode(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.file_type = 0x01;
	expect_bad(&fs, 2, "file_type");
	plain_mirror(&fs);
	fs.comm_mode = (ntag424_comm_mode_t)0x02;
	expect_bad(&fs, 2, "comm_mode");
}

/* Table 71: nibbles 5..D name no key (919E). */
static void
rule_access_nibbles(void)
{
	ntag424_file_settings_t fs;

	for (uint8_t v = 5; v <= 0xD; v++) {
		plain_mirror(&fs);
		fs.access.read = v;
		expect_bad(&fs, 2, "access.read");
		plain_mirror(&fs);
		fs.access.write = v;
		expect_bad(&fs, 2, "access.write");
		plain_mirror(&fs);
		fs.access.read_write = v;
		expect_bad(&fs, 2, "access.read_write");
		plain_mirror(&fs);
		fs.access.change = v;
		expect_bad(&fs, 2, "access.change");
		plain_mirror(&fs);
		fs.sdm.meta_read = v;
		expect_bad(&fs, 2, "sdm.meta_read");
		plain_mirror(&fs);
		fs.sdm.file_read = v;
		expect_bad(&fs, 2, "sdm.file_read");
		plain_mirror(&fs);
		fs.sdm.ctr_ret = v;
		expect_bad(&fs, 2, "sdm.ctr_ret");
	}
}

/* A free Change right is never sent (docs/provisioning.md). */
static void
rule_change_free(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.access.change = NTAG424_AR_FREE;
	expect_bad(&fs, 2, "access.change");
}

/* Table 71: SDM only for file 02 (919D). */
static void
rule_sdm_only_file2(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	expect_bad(&fs, 3, "sdm.enabled");
	expect_bad(&fs, 1, "sdm.enabled");
}

/* Table 11: SDMFileRead E is RFU. */
static void
rule_file_read_free(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.file_read = NTAG424_AR_FREE;
	expect_bad(&fs, 2, "sdm.file_read");
}

/* Table 71: MetaRead != F needs UID or counter mirroring. */
static void
rule_meta_without_mirror(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.uid_mirror = false;
	fs.sdm.read_ctr = false;
	expect_bad(&fs, 2, "sdm.meta_read");
}

/* Table 71: MetaRead = F with UID mirroring. */
static void
rule_uid_without_meta(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.meta_read = NTAG424_AR_NEVER;
	expect_bad(&fs, 2, "sdm.uid_mirror");
}

/* Table 71: CtrRet != F needs the counter. */
static void
rule_ctr_ret_without_ctr(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.read_ctr = false;
	fs.sdm.ctr_ret = 1;
	expect_bad(&fs, 2, "sdm.ctr_ret");
}

/* Table 71: the limit needs the counter. */
static void
rule_limit_without_ctr(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.read_ctr = false;
	fs.sdm.read_ctr_limit = true;
	expect_bad(&fs, 2, "sdm.read_ctr_limit");
	plain_mirror(&fs);
	fs.sdm.read_ctr_limit = true;
	fs.sdm.read_ctr_limit_value = 0x1000000;
	expect_bad(&fs, 2, "sdm.read_ctr_limit_value");
}

/* Table 71: ENC needs SDMFileRead and both UID and counter mirrored. */
static void
rule_enc_conditions(void)
{
	ntag424_file_settings_t fs;

	enc_layout(&fs);
	fs.sdm.file_read = NTAG424_AR_NEVER;
	expect_bad(&fs, 2, "sdm.enc_file_data");
	enc_layout(&fs);
	fs.sdm.uid_mirror = false;
	expect_bad(&fs, 2, "sdm.enc_file_data");
	enc_layout(&fs);
	fs.sdm.read_ctr = false;
	fs.sdm.ctr_ret = NTAG424_AR_NEVER;
	expect_bad(&fs, 2, "sdm.enc_file_data");
	/* docs/emulator.md E-22: a counter on but not mirrored: no count. */
	plain_mirror(&fs);
	fs.sdm.enc_file_data = true;
	fs.sdm.read_ctr_offset = NTAG424_SDM_NO_MIRROR;
	fs.sdm.enc_offset = 96;
	fs.sdm.enc_length = 32;
	fs.sdm.mac_offset = 128;
	expect_bad(&fs, 2, "sdm.enc_file_data");
	fs.sdm.read_ctr_offset = 55;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
}

/* Table 69 ranges against the 256-byte file. */
static void
rule_ranges(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.uid_offset = 256 - 14 + 1;
	expect_bad(&fs, 2, "sdm.uid_offset");
	plain_mirror(&fs);
	fs.sdm.read_ctr_offset = 256 - 6 + 1;
	expect_bad(&fs, 2, "sdm.read_ctr_offset");
	plain_mirror(&fs);
	fs.sdm.mac_offset = 256 - 16 + 1;
	expect_bad(&fs, 2, "sdm.mac_offset");
	plain_mirror(&fs);
	fs.sdm.mac_input_offset = fs.sdm.mac_offset + 1;
	expect_bad(&fs, 2, "sdm.mac_input_offset");
	enc_layout(&fs);
	fs.sdm.picc_data_offset = 256 - 32 + 1;
	expect_bad(&fs, 2, "sdm.picc_data_offset");
	/* Upper ends are allowed. */
	plain_mirror(&fs);
	fs.sdm.mac_offset = 240;
	fs.sdm.uid_offset = 0;
	fs.sdm.read_ctr_offset = 200;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
}

/* Table 69: ENC area inside the MAC window, multiples of 32. */
static void
rule_enc_ranges(void)
{
	ntag424_file_settings_t fs;

	enc_layout(&fs);
	fs.sdm.enc_offset = 67;		/* before SDMMACInputOffset */
	expect_bad(&fs, 2, "sdm.enc_offset");
	enc_layout(&fs);
	fs.sdm.enc_offset = 80;		/* MACOffset - 32 < 80 */
	expect_bad(&fs, 2, "sdm.enc_offset");
	enc_layout(&fs);
	fs.sdm.enc_length = 48;
	expect_bad(&fs, 2, "sdm.enc_length");
	enc_layout(&fs);
	fs.sdm.enc_length = 0;
	expect_bad(&fs, 2, "sdm.enc_length");
	enc_layout(&fs);
	fs.sdm.enc_length = 64;		/* runs into the MAC */
	expect_bad(&fs, 2, "sdm.enc_length");
}

/* Table 71 overlap rules, one per pair. */
static void
rule_overlaps(void)
{
	ntag424_file_settings_t fs;

	plain_mirror(&fs);
	fs.sdm.read_ctr_offset = 53;	/* UID 40..53 */
	expect_bad(&fs, 2, "sdm.read_ctr_offset");
	plain_mirror(&fs);
	fs.sdm.read_ctr_offset = 80;
	fs.sdm.mac_offset = 53;		/* MAC vs UID */
	fs.sdm.mac_input_offset = 0;
	expect_bad(&fs, 2, "sdm.mac_offset");
	plain_mirror(&fs);
	fs.sdm.mac_offset = 60;		/* MAC vs counter 55..60 */
	expect_bad(&fs, 2, "sdm.mac_offset");
	enc_layout(&fs);
	fs.sdm.mac_offset = 62;		/* MAC vs PICCData 31..62 */
	fs.sdm.mac_input_offset = 0;
	fs.sdm.enc_file_data = false;
	expect_bad(&fs, 2, "sdm.mac_offset");
	enc_layout(&fs);
	fs.sdm.picc_data_offset = 90;	/* ENC 68..99 vs PICCData */
	fs.sdm.mac_offset = 130;
	expect_bad(&fs, 2, "sdm.enc_offset");
	plain_mirror(&fs);
	fs.sdm.enc_file_data = true;
	fs.sdm.mac_input_offset = 0;
	fs.sdm.enc_offset = 30;		/* ENC 30..61 vs UID 40 */
	fs.sdm.enc_length = 32;
	fs.sdm.uid_offset = 100;
	fs.sdm.mac_offset = 120;
	fs.sdm.read_ctr_offset = 50;	/* ENC vs counter */
	expect_bad(&fs, 2, "sdm.enc_offset");
	fs.sdm.read_ctr_offset = 90;
	fs.sdm.uid_offset = 40;		/* ENC vs UID */
	expect_bad(&fs, 2, "sdm.enc_offset");
	fs.sdm.uid_offset = 62;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_validate(&fs, 2, NULL));
}

/* ChangeFileSettings validates before it sends anything. */
static void
change_refuses_invalid(void)
{
	ntag424_dev_t *dev = ntag424_dev_new();
	ntag424_file_settings_t fs;

	CHECK(dev != NULL);
	plain_mirror(&fs);
	fs.sdm.file_read = NTAG424_AR_FREE;
	/* No transport: anything sent would give NTAG424_ERR_STATE. */
	CHECK_INT(NTAG424_ERR_SETTINGS, ntag424_file_settings_change(dev, 2,
	    &fs));
	CHECK_INT(0, ntag424_dev_apdu_count(dev));
	ntag424_dev_free(&dev);
	CHECK(dev == NULL);
}

int
main(void)
{
	RUN(encode_sm4);
	RUN(round_trip);
	RUN(factory_settings_valid);
	RUN(rule_file_no);
	RUN(rule_file_type_and_mode);
	RUN(rule_access_nibbles);
	RUN(rule_change_free);
	RUN(rule_sdm_only_file2);
	RUN(rule_file_read_free);
	RUN(rule_meta_without_mirror);
	RUN(rule_uid_without_meta);
	RUN(rule_ctr_ret_without_ctr);
	RUN(rule_limit_without_ctr);
	RUN(rule_enc_conditions);
	RUN(rule_ranges);
	RUN(rule_enc_ranges);
	RUN(rule_overlaps);
	RUN(change_refuses_invalid);
	return test_summary();
}
