/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tearing through the library: for each state-changing command, the
 * emulator cuts the power before or after the command takes effect. The
 * library must report NTAG424_ERR_CARD_REMOVED and drop its session, and
 * after a power cycle the tag must be exactly in the old state (before)
 * or exactly in the state an untorn twin reached (after).
 */
#include <stdio.h>
#include <string.h>

#include "integ.h"
#include "test.h"

static const uint8_t newkey[16] = { 0xC0, 0xFF, 0xEE, 0x01, 0x02 };
static const uint8_t wrong[16] = { 0x66 };
static uint8_t blob[64];

struct op {
	const char	*name;
	unsigned long	 k;		/* the C-APDU of act() to tear at */
	int		 rc;		/* what act() returns untorn */
	void		(*prepare)(struct rig *);
	int		(*act)(struct rig *);
};

static void
auth0(struct rig *r)
{
	rig_auth(r, 0, integ_zero);
}

static void
auth3(struct rig *r)
{
	rig_auth(r, 3, integ_zero);
}

static void
none(struct rig *r)
{
	(void)r;
}

static void
select_ndef(struct rig *r)
{
	CHECK_INT(NTAG424_OK, ntag424_select_file(r->dev, NTAG424_FID_NDEF));
}

static void
sdm_on(struct rig *r)
{
	ntag424_template_t *t = NULL;

	CHECK_INT(NTAG424_OK, rig_configure(r, integ_tpls[1].text, NULL,
	    integ_zero, &t));
	ntag424_template_free(&t);
}

static int
change_key2(struct rig *r)
{
	return ntag424_key_change(r->dev, 2, newkey, 0x12, integ_zero);
}

static int
change_key0(struct rig *r)
{
	return ntag424_key_change(r->dev, 0, newkey, 0x10, NULL);
}

static int
change_settings(struct rig *r)
{
	ntag424_file_settings_t fs;

	memset(&fs, 0, sizeof(fs));
	fs.comm_mode = NTAG424_COMM_MAC;
	fs.access.read = NTAG424_AR_FREE;
	fs.access.write = 3;
	fs.access.read_write = 3;
	fs.access.change = 0;
	return ntag424_file_settings_change(r->dev, 3, &fs);
}

static int
write_full(struct rig *r)
{
	/* 31 bytes: one Full piece at the default chunk of 52 */
	return ntag424_data_write(r->dev, 3, NTAG424_COMM_FULL, 16, blob, 31);
}

static int
write_plain(struct rig *r)
{
	return ntag424_data_write(r->dev, 2, NTAG424_COMM_PLAIN, 3, blob, 40);
}

static int
update_binary(struct rig *r)
{
	return ntag424_iso_update_binary(r->dev, 9, blob, 20);
}

static int
config_fail_ctr(struct rig *r)
{
	return ntag424_config_failed_auth(r->dev, true, 500, 5);
}

static int
config_random_uid(struct rig *r)
{
	return ntag424_config_random_uid(r->dev);
}

static int
auth_wrong(struct rig *r)
{
	return integ_auth_first(r->dev, 1, wrong);
}

static int
tap_read_data(struct rig *r)
{
	char url[300];

	return rig_tap(r, 0, url, sizeof(url));
}

static int
tap_read_binary(struct rig *r)
{
	char url[300];

	return rig_tap(r, 1, url, sizeof(url));
}

static const struct op ops[] = {
	{ "ChangeKey 2", 1, 0, auth0, change_key2 },
	{ "ChangeKey 0", 1, 0, auth0, change_key0 },
	{ "ChangeFileSettings", 1, 0, auth0, change_settings },
	{ "WriteData Full", 1, 0, auth3, write_full },
	{ "WriteData Plain", 1, 0, none, write_plain },
	{ "ISOUpdateBinary", 1, 0, select_ndef, update_binary },
	{ "SetConfiguration 0A", 1, 0, auth0, config_fail_ctr },
	{ "SetConfiguration 00", 1, 0, auth0, config_random_uid },
	{ "failed EV2First (counted at Part 1)", 1, 0x91AE, none, auth_wrong },
	{ "SDM ReadData (SDMReadCtr)", 1, 0, sdm_on, tap_read_data },
	{ "SDM ISOReadBinary (SDMReadCtr)", 2, 0, sdm_on, tap_read_binary },
};

static int
same(const emu_persist_t *a, const emu_persist_t *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void
one(const struct op *op, int when)
{
	static emu_persist_t old, new;
	struct rig a, b;

	rig_open(&a, NULL);
	rig_open(&b, NULL);
	/* identical twins, down to the originality key */
	memcpy(emu_persist(b.emu), emu_persist_const(a.emu), sizeof(old));
	op->prepare(&a);
	op->prepare(&b);
	memcpy(&old, emu_persist_const(a.emu), sizeof(old));
	CHECK(same(&old, emu_persist_const(b.emu)));
	CHECK_INT(op->rc, op->act(&b));
	memcpy(&new, emu_persist_const(b.emu), sizeof(new));
	CHECK(!same(&old, &new));	/* the command does change the tag */

	CHECK_INT(NTAG424_OK, emu_set_tear(a.emu, op->k, when));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, op->act(&a));
	CHECK(emu_is_torn(a.emu));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_auth_key_no(a.dev));
	rig_repower(&a);
	CHECK(!emu_is_torn(a.emu));
	CHECK(same(when == EMU_TEAR_BEFORE ? &old : &new,
	    emu_persist_const(a.emu)));
	/* the tag answers again */
	CHECK_INT(NTAG424_OK, ntag424_select_application(a.dev));
	rig_close(&a);
	rig_close(&b);
}

static void
tear_every_command(void)
{
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(0x80 + i);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int before = test_failures;

		one(&ops[i], EMU_TEAR_BEFORE);
		one(&ops[i], EMU_TEAR_AFTER);
		if (test_failures != before)
			fprintf(stderr, "  in: %s\n", ops[i].name);
	}
}

/* After a tear after ChangeKey 0 the new key works, the old one fails. */
static void
tear_after_key0_new_key_works(void)
{
	struct rig r;

	rig_open(&r, NULL);
	rig_auth(&r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, emu_set_tear(r.emu, 1, EMU_TEAR_AFTER));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, change_key0(&r));
	/* while torn, nothing gets through */
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, ntag424_select_application(r.dev));
	rig_repower(&r);
	CHECK_INT(0x91AE, integ_auth_first(r.dev, 0, integ_zero));
	rig_auth(&r, 0, newkey);
	rig_close(&r);
}

/* A long write torn in the middle keeps exactly the pieces before it. */
static void
tear_chunked_write(void)
{
	uint8_t w[100], zero[100] = { 0 };
	struct rig r;

	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i + 1);
	rig_open(&r, NULL);
	CHECK_INT(NTAG424_OK, ntag424_dev_set_max_chunk(r.dev, 52));
	/* 45 data bytes per plain APDU: the third piece is torn */
	CHECK_INT(NTAG424_OK, emu_set_tear(r.emu, 3, EMU_TEAR_BEFORE));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, ntag424_data_write(r.dev, 2,
	    NTAG424_COMM_PLAIN, 0, w, sizeof(w)));
	rig_repower(&r);
	CHECK_BYTES(w, emu_persist_const(r.emu)->file[1].data, 90);
	CHECK_BYTES(zero, emu_persist_const(r.emu)->file[1].data + 90, 10);
	rig_close(&r);
}

int
main(void)
{
	RUN(tear_every_command);
	RUN(tear_after_key0_new_key_works);
	RUN(tear_chunked_write);
	return test_summary();
}
