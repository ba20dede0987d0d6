/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GetFileSettings / ChangeFileSettings / GetFileCounters through
 * libntag424 against the emulator (NT4H2421Gx 10.7): factory settings,
 * every SDM layout the template compiler makes, and the refusals.
 */
#include <stdio.h>
#include <string.h>

#include "integ.h"
#include "test.h"

/* NT4H2421Gx 8.2.3, Tables 5, 8, 13: factory settings of files 1..3. */
static void
files_factory_settings(void)
{
	static const struct {
		uint8_t comm, read, write, rw, change;
		uint32_t size;
	} f[3] = {
		{ NTAG424_COMM_PLAIN, 0xE, 0x0, 0x0, 0x0, 32 },
		{ NTAG424_COMM_PLAIN, 0xE, 0xE, 0xE, 0x0, 256 },
		{ NTAG424_COMM_FULL, 0x2, 0x3, 0x3, 0x0, 128 },
	};
	struct rig r;
	ntag424_file_settings_t fs;

	rig_open(&r, NULL);
	for (int pass = 0; pass < 2; pass++) {
		/* pass 1: inside a session (MAC mode) */
		if (pass == 1)
			rig_auth(&r, 0, integ_zero);
		for (uint8_t i = 0; i < 3; i++) {
			CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev,
			    (uint8_t)(i + 1), &fs));
			CHECK_INT(0x00, fs.file_type);
			CHECK_INT(f[i].comm, fs.comm_mode);
			CHECK_INT(f[i].read, fs.access.read);
			CHECK_INT(f[i].write, fs.access.write);
			CHECK_INT(f[i].rw, fs.access.read_write);
			CHECK_INT(f[i].change, fs.access.change);
			CHECK_INT(f[i].size, fs.file_size);
			CHECK(!fs.sdm.enabled);
		}
	}
	rig_close(&r);
}

static void
same_settings(const ntag424_file_settings_t *a,
    const ntag424_file_settings_t *b)
{
	const ntag424_sdm_t *x = &a->sdm, *y = &b->sdm;

	CHECK_INT(a->comm_mode, b->comm_mode);
	CHECK_BYTES((const uint8_t *)&a->access, (const uint8_t *)&b->access,
	    sizeof(a->access));
	CHECK_INT(x->enabled, y->enabled);
	CHECK_INT(x->uid_mirror, y->uid_mirror);
	CHECK_INT(x->read_ctr, y->read_ctr);
	CHECK_INT(x->read_ctr_limit, y->read_ctr_limit);
	CHECK_INT(x->enc_file_data, y->enc_file_data);
	CHECK_INT(x->ctr_ret, y->ctr_ret);
	CHECK_INT(x->meta_read, y->meta_read);
	CHECK_INT(x->file_read, y->file_read);
	CHECK_INT(x->uid_offset, y->uid_offset);
	CHECK_INT(x->read_ctr_offset, y->read_ctr_offset);
	CHECK_INT(x->picc_data_offset, y->picc_data_offset);
	CHECK_INT(x->mac_input_offset, y->mac_input_offset);
	CHECK_INT(x->enc_offset, y->enc_offset);
	CHECK_INT(x->enc_length, y->enc_length);
	CHECK_INT(x->mac_offset, y->mac_offset);
	CHECK_INT(x->read_ctr_limit_value, y->read_ctr_limit_value);
}

/* Each layout: the tag accepts it and gives back exactly what we sent. */
static void
files_every_template_layout(void)
{
	for (size_t i = 0; i < integ_ntpls; i++) {
		ntag424_template_opts_t o;
		ntag424_template_t *t = NULL;
		ntag424_file_settings_t fs;
		struct rig r;

		memset(&fs, 0, sizeof(fs));
		rig_open(&r, NULL);
		integ_tpl_opts(&integ_tpls[i], &o);
		if (!CHECK_INT(NTAG424_OK, rig_configure(&r, integ_tpls[i].text,
		    &o, integ_zero, &t)))
			fprintf(stderr, "  template %zu\n", i);
		CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev,
		    NTAG424_FILE_NDEF, &fs));
		same_settings(ntag424_template_settings(t), &fs);
		CHECK_INT(256, fs.file_size);
		/* and once more in a session, all modes of secure messaging */
		rig_auth(&r, 0, integ_zero);
		CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev,
		    NTAG424_FILE_NDEF, &fs));
		same_settings(ntag424_template_settings(t), &fs);
		ntag424_template_free(&t);
		rig_close(&r);
	}
}

/* Change=0: without a session, or with another key, the tag says 91AE. */
static void
files_change_needs_change_key(void)
{
	struct rig r;
	ntag424_file_settings_t fs;

	rig_open(&r, NULL);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev, 3, &fs));
	fs.access.read = 0xE;
	CHECK_INT(0x91AE, ntag424_file_settings_change(r.dev, 3, &fs));
	rig_auth(&r, 1, integ_zero);
	CHECK_INT(0x91AE, ntag424_file_settings_change(r.dev, 3, &fs));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(r.dev));
	CHECK_INT(0x2, emu_persist_const(r.emu)->file[2].ar >> 12);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_change(r.dev, 3, &fs));
	CHECK_INT(0xE, emu_persist_const(r.emu)->file[2].ar >> 12);
	rig_close(&r);
}

/* Change=F freezes the settings: 919D for everybody afterwards. */
static void
files_change_never(void)
{
	struct rig r;
	ntag424_file_settings_t fs;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev, 3, &fs));
	fs.access.change = NTAG424_AR_NEVER;
	CHECK_INT(NTAG424_OK, ntag424_file_settings_change(r.dev, 3, &fs));
	fs.access.read = 0x4;
	CHECK_INT(0x919D, ntag424_file_settings_change(r.dev, 3, &fs));
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x919D, ntag424_file_settings_change(r.dev, 3, &fs));
	CHECK_INT(0x2, emu_persist_const(r.emu)->file[2].ar >> 12);
	rig_close(&r);
}

/* Settings the library refuses never reach the tag. */
static void
files_invalid_not_sent(void)
{
	struct rig r;
	ntag424_file_settings_t fs;
	size_t before;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_file_settings_get(r.dev, 3, &fs));
	before = ntag424_dev_apdu_count(r.dev);
	fs.sdm.enabled = true;	/* SDM only on file 02 */
	CHECK_INT(NTAG424_ERR_SETTINGS, ntag424_file_settings_change(r.dev, 3,
	    &fs));
	fs.sdm.enabled = false;
	fs.access.change = NTAG424_AR_FREE;
	CHECK_INT(NTAG424_ERR_SETTINGS, ntag424_file_settings_change(r.dev, 3,
	    &fs));
	CHECK_INT(before, ntag424_dev_apdu_count(r.dev));
	CHECK_INT(0, ntag424_auth_key_no(r.dev));
	rig_close(&r);
}

/* The tag's own answers to what the library refuses: 91F0, 919D, 919E. */
static void
files_tag_refusals_raw(void)
{
	struct rig r;
	uint8_t resp[NTAG424_RAPDU_MAX];
	size_t n;
	ntag424_file_settings_t fs;
	static const uint8_t get4[] = { 0x90, 0xF5, 0, 0, 1, 0x04, 0 };
	/* CFS file 03 plain with SDM on: 919D (SDM only on file 02) */
	static const uint8_t sdm3[] = { 0x90, 0x5F, 0, 0, 7, 0x03, 0x40, 0xE0,
	    0xEE, 0x01, 0xFF, 0xFF, 0 };

	rig_open(&r, NULL);
	n = sizeof(resp);
	CHECK_INT(NTAG424_OK, ntag424_dev_transceive(r.dev, get4, sizeof(get4),
	    resp, &n));
	CHECK_INT(0x91F0, resp[n - 2] << 8 | resp[n - 1]);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_file_settings_get(r.dev, 4, &fs));
	/* make file 03's Change right free so that no session is needed */
	emu_persist(r.emu)->file[2].ar = 0x233E;
	n = sizeof(resp);
	CHECK_INT(NTAG424_OK, ntag424_dev_transceive(r.dev, sdm3, sizeof(sdm3),
	    resp, &n));
	CHECK_INT(0x919D, resp[n - 2] << 8 | resp[n - 1]);
	rig_close(&r);
}

/* GetFileCounters: 919D with SDM off, 91AE without CtrRet key, counts. */
static void
files_counters(void)
{
	ntag424_template_opts_t o;
	ntag424_template_t *t = NULL;
	struct rig r;
	char url[300];
	uint32_t ctr = 99;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(0x919D, ntag424_file_counters(r.dev, NTAG424_FILE_NDEF,
	    &ctr));
	ntag424_template_opts_init(&o);	/* CtrRet 3 */
	CHECK_INT(NTAG424_OK, rig_configure(&r, integ_tpls[0].text, &o,
	    integ_zero, &t));
	CHECK_INT(0x91AE, ntag424_file_counters(r.dev, NTAG424_FILE_NDEF,
	    &ctr));
	rig_auth(&r, 1, integ_zero);
	CHECK_INT(0x91AE, ntag424_file_counters(r.dev, NTAG424_FILE_NDEF,
	    &ctr));
	rig_auth(&r, 3, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_file_counters(r.dev, NTAG424_FILE_NDEF,
	    &ctr));
	CHECK_INT(0, ctr);
	rig_repower(&r);
	for (uint32_t i = 1; i <= 3; i++) {
		CHECK_INT(NTAG424_OK, rig_tap(&r, (int)(i & 1), url,
		    sizeof(url)));
		rig_repower(&r);
		rig_auth(&r, 3, integ_zero);
		CHECK_INT(NTAG424_OK, ntag424_file_counters(r.dev,
		    NTAG424_FILE_NDEF, &ctr));
		CHECK_INT(i, ctr);
		rig_repower(&r);
	}
	/* CtrRet E: free, plain */
	o.ctr_ret = NTAG424_AR_FREE;
	ntag424_template_free(&t);
	CHECK_INT(NTAG424_OK, rig_configure(&r, integ_tpls[0].text, &o,
	    integ_zero, &t));
	rig_repower(&r);
	CHECK_INT(NTAG424_OK, ntag424_file_counters(r.dev, NTAG424_FILE_NDEF,
	    &ctr));
	CHECK_INT(3, ctr);
	ntag424_template_free(&t);
	rig_close(&r);
}

int
main(void)
{
	RUN(files_factory_settings);
	RUN(files_every_template_layout);
	RUN(files_change_needs_change_key);
	RUN(files_change_never);
	RUN(files_invalid_not_sent);
	RUN(files_tag_refusals_raw);
	RUN(files_counters);
	return test_summary();
}
