/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tearing sweep (issue 4, section 5): for every C-APDU index k of a
 * provision and of a reset, cut the tag's power before and after the
 * command takes effect, present the tag again and rerun. Every case must
 * end provisioned (or factory), with the keystore agreeing with the tag,
 * no key lost, and at most one failed authentication (in fact none: key
 * versions decide); a re-provisioned tag ends with new keys. Prints a
 * table. An LRP provision (plan.lrp, its SetConfiguration step torn too)
 * and the reset of an LRP tag are swept the same way. No argument: SQLite;
 * argument: a postgresql:// URI.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "test.h"

static const char *db;

struct sweep {
	const char	*name;
	const char	*preset;
	int		 source;
	int		 reset;		/* sweep the reset, not the provision */
	int		 again;		/* provision and reset first */
	size_t		 apdus;		/* of a clean run */
	unsigned	 cases, recovered, failed_auths, max_auths;
	bool		 lrp;		/* plan.lrp: switch to LRP mode */
};

static uint8_t first_keys[NTAG424_KS_NKEYS][16];

static int
op(struct fx *f, const struct sweep *s)
{
	return s->reset ? fx_reset(f) : fx_provision(f);
}

/* The preset's plan with plan.lrp (the game-coin URL of the fixture). */
static void
lrp_plan(struct fx *f, const struct sweep *s)
{
	ntag424_prov_plan_t plan;

	CHECK_INT(NTAG424_OK, ntag424_prov_preset(s->preset,
	    strcmp(s->preset, "game-coin") == 0 ? "https://coins.example/c" :
	    NULL, &plan));
	plan.lrp = true;
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(f->p, &plan));
}

static void
prepare(struct fx *f, const struct sweep *s)
{
	fx_init(f, db, s->preset, s->source);
	if (s->lrp)
		lrp_plan(f, s);
	if (s->reset || s->again) {
		if (!CHECK_INT(NTAG424_OK, fx_provision(f)))
			fx_dump(f);
		fx_represent(f);
	}
	if (s->again) {
		memcpy(first_keys, emu_persist_const(f->emu)->key,
		    sizeof(first_keys));
		if (!CHECK_INT(NTAG424_OK, fx_reset(f)))
			fx_dump(f);
		fx_represent(f);
	}
}

/*
 * A re-provisioned tag, resumed or not, carries the second provisioning's
 * keys: version 02, and every key that is not the cohort's key 1 new.
 */
static int
fresh_keys(const struct fx *f, const struct sweep *s)
{
	const emu_persist_t	*ep = emu_persist_const(f->emu);
	int			 ok = 1;

	if (!s->again)
		return 1;
	for (int k = 0; k < NTAG424_KS_NKEYS; k++)
		ok &= ep->key_ver[k] == 2 &&
		    (k == 1) == (memcmp(first_keys[k], ep->key[k], 16) == 0);
	if (!ok)
		fprintf(stderr, "  the second provisioning's keys are not new\n");
	return ok;
}

/* One clean run: how many C-APDUs there are to cut. */
static void
measure(struct sweep *s)
{
	struct fx f;

	prepare(&f, s);
	if (!CHECK_INT(NTAG424_OK, op(&f, s)))
		fx_dump(&f);
	s->apdus = f.rep.apdus;
	fx_free(&f);
}

static int
one_case(struct sweep *s, unsigned long k, int when)
{
	struct fx	f;
	unsigned	auths;
	int		ok, r1, r2;

	prepare(&f, s);
	CHECK_INT(NTAG424_OK, emu_set_tear(f.emu, k, when));
	r1 = op(&f, s);
	auths = f.rep.failed_auths;
	fx_represent(&f);
	r2 = op(&f, s);
	auths += f.rep.failed_auths;
	ok = r1 != NTAG424_OK && r2 == NTAG424_OK &&
	    fx_agrees(&f, s->reset ? NTAG424_KS_FACTORY :
	    NTAG424_KS_PROVISIONED) && fresh_keys(&f, s);
	if (ok && !s->reset) {
		/* usable: a phone's read verifies, key 0 authenticates */
		fx_represent(&f);
		ok = fx_check(&f) == NTAG424_OK;
		auths += f.rep.failed_auths;
	}
	if (!ok) {
		fprintf(stderr, "  %s: tear at %lu %s: first %d, rerun %d\n",
		    s->name, k, when == EMU_TEAR_BEFORE ? "before" : "after",
		    r1, r2);
		fx_dump(&f);
	}
	s->cases++;
	s->recovered += ok ? 1u : 0u;
	s->failed_auths += auths;
	if (auths > s->max_auths)
		s->max_auths = auths;
	fx_free(&f);
	return ok;
}

static struct sweep sweeps[] = {
	{ "provision game-coin random", "game-coin", NTAG424_KS_SRC_RANDOM,
	    0, 0, 0, 0, 0, 0, 0, false },
	{ "reset game-coin random", "game-coin", NTAG424_KS_SRC_RANDOM,
	    1, 0, 0, 0, 0, 0, 0, false },
	{ "provision self-checkout diversified", "self-checkout",
	    NTAG424_KS_SRC_DIVERSIFIED, 0, 0, 0, 0, 0, 0, 0, false },
	{ "reset self-checkout diversified", "self-checkout",
	    NTAG424_KS_SRC_DIVERSIFIED, 1, 0, 0, 0, 0, 0, 0, false },
	{ "re-provision self-checkout diversified", "self-checkout",
	    NTAG424_KS_SRC_DIVERSIFIED, 0, 1, 0, 0, 0, 0, 0, false },
	{ .name = "provision game-coin --lrp", .preset = "game-coin",
	    .source = NTAG424_KS_SRC_RANDOM, .lrp = true },
	{ .name = "reset game-coin LRP tag", .preset = "game-coin",
	    .source = NTAG424_KS_SRC_RANDOM, .reset = 1, .lrp = true },
};

static void
sweep_all(void)
{
	for (size_t i = 0; i < sizeof(sweeps) / sizeof(sweeps[0]); i++) {
		struct sweep *s = &sweeps[i];

		measure(s);
		for (unsigned long k = 1; k <= s->apdus; k++) {
			CHECK(one_case(s, k, EMU_TEAR_BEFORE));
			CHECK(one_case(s, k, EMU_TEAR_AFTER));
		}
		CHECK_INT(2 * s->apdus, s->cases);
		CHECK_INT(s->cases, s->recovered);
		CHECK(s->max_auths <= 1);
	}
}

static void
print_table(void)
{
	printf("\n%-40s %6s %6s %9s %12s %9s\n", "tearing sweep", "APDUs",
	    "cases", "recovered", "failed auths", "max/case");
	for (size_t i = 0; i < sizeof(sweeps) / sizeof(sweeps[0]); i++) {
		const struct sweep *s = &sweeps[i];

		printf("%-40s %6zu %6u %9u %12u %9u\n", s->name, s->apdus,
		    s->cases, s->recovered, s->failed_auths, s->max_auths);
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	fx_setup(argc, argv);
	if (argc > 1)
		db = argv[1];
	RUN(sweep_all);
	print_table();
	fx_teardown();
	return test_summary();
}
