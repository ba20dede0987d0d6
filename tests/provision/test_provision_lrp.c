/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The provisioning engine and LRP (NT4H2421Gx 9.2): a provision that
 * switches the tag to LRP mode (journaled, said in the plan), check,
 * reset (keys back to factory, the tag stays in LRP mode), provision
 * again, --lrp on a tag already in LRP mode, an LRP tag provisioned
 * without --lrp. In-process emulated tag, real keystore; no argument:
 * SQLite, argument: a postgresql:// URI.
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "fixture.h"
#include "test.h"

static const char *db;
static const uint8_t zero16[16];

#define EXPECT(f, exp, act) do {					\
	if (!CHECK_INT((exp), (act)))					\
		fx_dump(f);						\
} while (0)

/* The game-coin preset, with or without lrp. */
static void
plan(struct fx *f, bool lrp)
{
	ntag424_prov_plan_t p;

	CHECK_INT(NTAG424_OK, ntag424_prov_preset("game-coin",
	    "https://coins.example/c", &p));
	p.lrp = lrp;
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(f->p, &p));
}

static bool
has_step(const ntag424_prov_report_t *rep, const char *what)
{
	for (size_t i = 0; i < rep->nsteps; i++)
		if (strcmp(rep->steps[i].what, what) == 0)
			return true;
	return false;
}

/* PICCData of an LRP tag: 48 hex digits after "picc=". */
static void
check_lrp_url(const struct fx *f)
{
	const char *p = strstr(f->rep.url, "picc=");
	const char *amp = p != NULL ? strchr(p, '&') : NULL;

	CHECK(p != NULL && amp != NULL);
	if (p != NULL && amp != NULL)
		CHECK_INT(5 + 48, amp - p);
}

/* Factory AES tag, --lrp: switched, SDM in the LRP layout, verified. */
static void
provision_lrp(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	plan(&f, true);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(f.rep.lrp);
	CHECK(f.rep.lrp_switched);
	CHECK(!f.rep.lrp_already);
	CHECK_INT(1, emu_persist_const(f.emu)->lrp);
	CHECK(has_step(&f.rep, "LRP mode (cannot be undone)"));
	CHECK_INT(f.rep.planned_apdus, f.rep.apdus);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	check_lrp_url(&f);
	CHECK_INT(0, f.rep.failed_auths);
	fx_free(&f);
}

/* The dry run names the step that cannot be undone and sends nothing. */
static void
dry_run_says_irreversible(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	plan(&f, true);
	ntag424_prov_set_dry_run(f.p, true);
	(void)emu_take_changed(f.emu);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(has_step(&f.rep, "LRP mode (cannot be undone)"));
	CHECK(has_step(&f.rep, "authenticate with key 0 (LRP)"));
	CHECK_INT(0, emu_take_changed(f.emu));
	CHECK_INT(0, emu_persist_const(f.emu)->lrp);
	/* 22 + 1 + 2, and the longer NDEF of the LRP layout takes a frame more */
	CHECK_INT(26, f.rep.planned_apdus);
	fx_free(&f);
}

/*
 * check, then reset: keys back to factory, the tag stays LRP; provision
 * again with --lrp: nothing to do for it; check again.
 */
static void
check_reset_again(void)
{
	struct fx	f;
	uint32_t	ctr;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	plan(&f, true);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	ctr = f.rep.read_ctr;
	fx_represent(&f);
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(ctr + 1, f.rep.read_ctr);
	CHECK(f.rep.lrp);
	check_lrp_url(&f);
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_FACTORY));
	for (int k = 0; k < 5; k++) {
		CHECK_INT(0, emu_persist_const(f.emu)->key_ver[k]);
		CHECK_BYTES(zero16, emu_persist_const(f.emu)->key[k], 16);
	}
	CHECK_INT(1, emu_persist_const(f.emu)->lrp);
	CHECK_INT(1, ntag424_config_lrp_mode(f.dev));
	CHECK_INT(0x00, emu_persist_const(f.emu)->file[1].option);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(f.rep.lrp_already);
	CHECK(!f.rep.lrp_switched);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	check_lrp_url(&f);
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(0, f.rep.failed_auths);
	fx_free(&f);
}

/* A tag already in LRP mode, provisioned without --lrp: LRP layout. */
static void
lrp_tag_without_option(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	emu_persist(f.emu)->lrp = 1;
	plan(&f, false);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(f.rep.lrp);
	CHECK(!f.rep.lrp_switched && !f.rep.lrp_already);
	check_lrp_url(&f);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	fx_free(&f);
}

/* Without --lrp an AES tag stays AES (32-digit PICCData). */
static void
aes_stays_aes(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(!f.rep.lrp);
	CHECK_INT(0, emu_persist_const(f.emu)->lrp);
	CHECK(strstr(f.rep.url, "picc=") != NULL &&
	    strchr(strstr(f.rep.url, "picc="), '&') -
	    strstr(f.rep.url, "picc=") == 5 + 32);
	fx_free(&f);
}

int
main(int argc, char **argv)
{
	fx_setup(argc, argv);
	if (argc > 1)
		db = argv[1];
	RUN(provision_lrp);
	RUN(dry_run_says_irreversible);
	RUN(check_reset_again);
	RUN(lrp_tag_without_option);
	RUN(aes_stays_aes);
	fx_teardown();
	return test_summary();
}
