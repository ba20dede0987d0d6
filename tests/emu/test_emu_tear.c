/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tearing: for each command that changes the persistent state, the power is
 * cut before or after it takes effect; the effect is all or nothing, the
 * tag is off the field until a power cycle, and the session is gone.
 */
#include <stdio.h>
#include <string.h>

#include "helper.h"
#include "ntag424/err.h"
#include "test.h"

static const uint8_t zero16[16];
static const uint8_t newkey[16] = { 0xDE, 0xAD, 0xBE, 0xEF };

struct op {
	const char	*name;
	void		(*prepare)(emu_t *, hsess_t *);
	int		(*act)(emu_t *, hsess_t *);
	int		(*applied)(const emu_persist_t *);
};

static void
auth0(emu_t *e, hsess_t *s)
{
	CHECK_INT(0x9100, h_auth(e, 1, 0, zero16, s));
}

static void
auth3(emu_t *e, hsess_t *s)
{
	CHECK_INT(0x9100, h_auth(e, 1, 3, zero16, s));
}

static void
select_ndef(emu_t *e, hsess_t *s)
{
	emu_file_t *f = &emu_persist(e)->file[1];

	(void)s;
	f->option = 0x40;
	f->sdm_options = 0xC1;
	f->sdm_ar = 0xEFFF;
	f->uid_off = 10;
	f->ctr_off = 30;
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
}

static void
select_e104(emu_t *e, hsess_t *s)
{
	(void)s;
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
}

static void
nothing(emu_t *e, hsess_t *s)
{
	(void)e;
	(void)s;
}

static int
write_data(emu_t *e, hsess_t *s)
{
	return h_cmd(e, s, 0x8D, (const uint8_t *)"\x03\x00\x00\x00\x04\x00\x00",
	    7, newkey, 4, H_FULL, NULL, NULL);
}

static int
write_applied(const emu_persist_t *p)
{
	return memcmp(p->file[2].data, newkey, 4) == 0;
}

static int
iso_update(emu_t *e, hsess_t *s)
{
	(void)s;
	return h_sw(e, "00D6000004DEADBEEF");
}

static int
iso_applied(const emu_persist_t *p)
{
	return memcmp(p->file[1].data, newkey, 4) == 0;
}

static int
change_key1(emu_t *e, hsess_t *s)
{
	return h_change_key(e, s, 1, zero16, newkey, 7);
}

static int
key1_applied(const emu_persist_t *p)
{
	return memcmp(p->key[1], newkey, 16) == 0 && p->key_ver[1] == 7;
}

static int
change_key0(emu_t *e, hsess_t *s)
{
	return h_change_key(e, s, 0, zero16, newkey, 7);
}

static int
key0_applied(const emu_persist_t *p)
{
	return memcmp(p->key[0], newkey, 16) == 0 && p->key_ver[0] == 7;
}

static int
change_settings(emu_t *e, hsess_t *s)
{
	uint8_t d[16];
	size_t n = test_hex("4000E0C1F121200000430000430000", d, sizeof(d));

	return h_cmd(e, s, 0x5F, (const uint8_t *)"\x02", 1, d, n, H_FULL,
	    NULL, NULL);
}

static int
settings_applied(const emu_persist_t *p)
{
	return p->file[1].option == 0x40 && p->file[1].sdm_ar == 0x21F1 &&
	    p->file[1].picc_off == 32 && p->file[1].mac_off == 67;
}

static int
set_random_id(emu_t *e, hsess_t *s)
{
	return h_cmd(e, s, 0x5C, (const uint8_t *)"\x00", 1,
	    (const uint8_t *)"\x02", 1, H_FULL, NULL, NULL);
}

static int
random_id_applied(const emu_persist_t *p)
{
	return p->random_id == 1;
}

static int
sdm_read(emu_t *e, hsess_t *s)
{
	(void)s;
	return h_sw(e, "00B0000000");
}

static int
sdm_applied(const emu_persist_t *p)
{
	return p->file[1].sdm_ctr == 1;
}

static int
auth_part1(emu_t *e, hsess_t *s)
{
	(void)s;
	return h_sw(e, "9071000002010000");
}

static int
part1_applied(const emu_persist_t *p)
{
	return p->fail[1].tot == 1 && p->fail[1].seq == 1;
}

static const struct op ops[] = {
	{ "WriteData", auth3, write_data, write_applied },
	{ "ISOUpdateBinary", select_e104, iso_update, iso_applied },
	{ "ChangeKey 1", auth0, change_key1, key1_applied },
	{ "ChangeKey 0", auth0, change_key0, key0_applied },
	{ "ChangeFileSettings", auth0, change_settings, settings_applied },
	{ "SetConfiguration", auth0, set_random_id, random_id_applied },
	{ "SDM read counter", select_ndef, sdm_read, sdm_applied },
	{ "Authenticate part 1", nothing, auth_part1, part1_applied },
};

static void
tear_one(const struct op *op, int when)
{
	emu_t *e = h_tag();
	emu_persist_t before;
	hsess_t s;

	op->prepare(e, &s);
	memcpy(&before, emu_persist(e), sizeof(before));
	CHECK_INT(0, emu_set_tear(e, 1, when));
	if (!CHECK_INT(NTAG424_ERR_CARD_REMOVED, op->act(e, &s)))
		fprintf(stderr, "  op %s when %d\n", op->name, when);
	CHECK(emu_is_torn(e));
	if (when == EMU_TEAR_BEFORE)
		CHECK(memcmp(&before, emu_persist(e), sizeof(before)) == 0);
	else if (!op->applied(emu_persist(e)))
		test_fail(__FILE__, __LINE__, op->name);
	/* off the field until it comes back, then without a session */
	CHECK_INT(NTAG424_ERR_CARD_REMOVED,
	    h_sw(e, "00A4040C07D276000085010100"));
	emu_power_cycle(e);
	CHECK(!emu_is_torn(e));
	CHECK_INT(0x919D, h_sw(e, "90F50000010200"));	/* MF again (E-1) */
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	CHECK_INT(0x91AE, h_sw(e, "9051000000"));
	emu_free(&e);
}

static void
tear_before_each_command(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		tear_one(&ops[i], EMU_TEAR_BEFORE);
}

static void
tear_after_each_command(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		tear_one(&ops[i], EMU_TEAR_AFTER);
}

/* k counts C-APDUs from emu_set_tear; 0 cancels; bad arguments. */
static void
tear_counting(void)
{
	emu_t *e = h_tag();

	CHECK_INT(NTAG424_ERR_ARG, emu_set_tear(e, 1, 0));
	CHECK_INT(0, emu_set_tear(e, 3, EMU_TEAR_AFTER));
	CHECK_INT(0x9100, h_sw(e, "90640000010000"));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(NTAG424_ERR_CARD_REMOVED, h_sw(e, "00D60000024142"));
	CHECK_INT('A', emu_persist(e)->file[1].data[0]);
	emu_power_cycle(e);
	CHECK_INT(0, emu_set_tear(e, 1, EMU_TEAR_BEFORE));
	CHECK_INT(0, emu_set_tear(e, 0, 0));
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	emu_free(&e);
}

int
main(void)
{
	RUN(tear_before_each_command);
	RUN(tear_after_each_command);
	RUN(tear_counting);
	return test_summary();
}
