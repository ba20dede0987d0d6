/*
 * The provisioning engine on an in-process emulated tag with a real
 * keystore: provision, check, reset, resume; foreign tags, 91AD, a
 * swapped tag, dry runs, store failures. No argument: SQLite; argument:
 * a postgresql:// URI (scripts/pg-rig.sh).
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "fixture.h"
#include "test.h"

static const char *db;	/* NULL: a fresh SQLite file per case */

#define EXPECT(f, exp, act) do {					\
	if (!CHECK_INT((exp), (act)))					\
		fx_dump(f);						\
} while (0)

static const uint8_t zero16[16];

static void
tag_keys(const struct fx *f, uint8_t ver[5])
{
	const emu_persist_t *ep = emu_persist_const(f->emu);

	memcpy(ver, ep->key_ver, 5);
}

/*
 * keystore.h, written out here independently of ntag424_ks_diversify():
 * AN10922(master, UID || KeyNo || KeyVersion || "provisio").
 */
static void
expected_key(struct fx *f, int keyno, uint8_t version, uint8_t out[16])
{
	const emu_persist_t	*ep = emu_persist_const(f->emu);
	uint8_t			 master[16], m[17];
	uint32_t		 v;

	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(f->ks, 0, master, &v));
	memcpy(m, ep->uid, 7);
	m[7] = (uint8_t)keyno;
	m[8] = version;
	memcpy(m + 9, "provisio", 8);
	CHECK_INT(NTAG424_OK, ntag424_kdf_an10922(master, m, sizeof(m), out));
	wipe(master, sizeof(master));
}

static void
game_coin_random(void)
{
	struct fx	f;
	uint8_t		ver[5];

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_FACTORY, f.rep.found);
	CHECK(f.rep.changed);
	CHECK_INT(0, f.rep.failed_auths);
	/* select 1, GetVersion 3, GetKeyVersion 0/1/3 3, auth 2, NDEF 2,
	 * ChangeFileSettings 1, ChangeKey 3, ReadData 1, auth 2 */
	CHECK_INT(18, f.rep.apdus);
	CHECK_INT(f.rep.planned_apdus, f.rep.apdus);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	tag_keys(&f, ver);
	CHECK_INT(1, ver[0]);
	CHECK_INT(1, ver[1]);
	CHECK_INT(0, ver[2]);
	CHECK_INT(1, ver[3]);
	CHECK_INT(0, ver[4]);
	CHECK(strncmp(f.rep.url, "https://coins.example/c?picc=", 29) == 0);
	CHECK_INT(1, f.rep.read_ctr);
	/* random keys: not zero, not equal to each other */
	CHECK(memcmp(emu_persist_const(f.emu)->key[0], zero16, 16) != 0);
	CHECK(memcmp(emu_persist_const(f.emu)->key[0],
	    emu_persist_const(f.emu)->key[1], 16) != 0);
	fx_free(&f);
}

static void
provision_twice_is_noop(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	(void)emu_take_changed(f.emu);
	fx_represent(&f);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_OURS, f.rep.found);
	CHECK(!f.rep.changed);
	CHECK_INT(0, emu_take_changed(f.emu));
	/* select, GetVersion, five key versions: no authentication */
	CHECK_INT(9, f.rep.apdus);
	fx_free(&f);
}

static void
check_counts_up(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	fx_represent(&f);	/* as a new ntag424 process would */
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(2, f.rep.read_ctr);
	/* select 1, GetVersion 3, ReadData 1, auth 2 */
	CHECK_INT(7, f.rep.apdus);
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(3, f.rep.read_ctr);
	CHECK_INT(0, f.rep.failed_auths);
	fx_free(&f);
}

static void
reset_and_again(void)
{
	struct fx	f;
	uint8_t		ver[5];

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(f.rep.changed);
	CHECK_INT(f.rep.planned_apdus, f.rep.apdus);
	CHECK(fx_agrees(&f, NTAG424_KS_FACTORY));
	tag_keys(&f, ver);
	for (int k = 0; k < 5; k++) {
		CHECK_INT(0, ver[k]);
		CHECK_BYTES(zero16, emu_persist_const(f.emu)->key[k], 16);
	}
	CHECK_INT(0x00, emu_persist_const(f.emu)->file[1].option);
	CHECK_INT(0xEEE0, emu_persist_const(f.emu)->file[1].ar);
	CHECK_BYTES(zero16, emu_persist_const(f.emu)->file[1].data, 16);
	/* a reset tag is factory again: reset is a no-op, provision works */
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(!f.rep.changed);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_FACTORY, f.rep.found);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(0, f.rep.failed_auths);
	fx_free(&f);
}

static void
self_checkout_diversified(void)
{
	struct fx		 f;
	const emu_persist_t	*ep;
	const emu_file_t	*nf;
	uint8_t			 master[16], k3[16], cohort[16];
	uint32_t		 v;

	fx_init(&f, db, "self-checkout", NTAG424_KS_SRC_DIVERSIFIED);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	ep = emu_persist_const(f.emu);
	nf = &ep->file[1];
	/* seed 004: SDM on, Plain; AccessRights E0 E0; SDMAccessRights FE 13 */
	CHECK_INT(0x40, nf->option);
	CHECK_INT(0xE0E0, nf->ar);
	CHECK_INT(0xC1, nf->sdm_options);
	CHECK_INT(0x13FE, nf->sdm_ar);	/* FE 13 on the wire */
	CHECK_INT(0x22, nf->picc_off);
	CHECK_INT(0x22, nf->mac_in_off);
	CHECK_INT(0x48, nf->mac_off);
	CHECK_INT(0x00, nf->data[0]);
	CHECK_INT(86, nf->data[1]);	/* NLEN: 88-byte NDEF */
	CHECK(memcmp(nf->data + 7, "werkstattwaedi.ch/tag?picc=", 27) == 0);
	/* key 3 = AN10922(master, UID || 03 || 01 || "provisio"); 1 cohort */
	expected_key(&f, 3, 1, k3);
	CHECK_BYTES(k3, ep->key[3], 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(f.ks, 0, master, &v));
	CHECK_INT(NTAG424_OK, ntag424_ks_diversify(master, ep->uid, 3, 1, k3));
	CHECK_BYTES(k3, ep->key[3], 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_get(f.ks, "self-checkout", 0,
	    cohort, &v));
	CHECK_BYTES(cohort, ep->key[1], 16);
	for (int k = 0; k < 5; k++)
		CHECK_INT(1, ep->key_ver[k]);
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_FACTORY));
	wipe(master, sizeof(master));
	fx_free(&f);
}

/*
 * Issue 5: provision, reset, provision again gives new diversified keys
 * (version 02 in the input), so an unused URL of the first provisioning
 * cannot verify once the tag's counter has restarted.
 */
static void
self_checkout_reprovision_new_keys(void)
{
	struct fx		 f;
	const emu_persist_t	*ep;
	struct ntag424_ks_tag	 t;
	uint8_t			 first[5][16], k[16];

	fx_init(&f, db, "self-checkout", NTAG424_KS_SRC_DIVERSIFIED);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	ep = emu_persist_const(f.emu);
	memcpy(first, ep->key, sizeof(first));
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_FACTORY));
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	CHECK_INT(1, f.rep.read_ctr);	/* the counter restarted */
	for (int i = 0; i < 5; i++)
		CHECK_INT(2, ep->key_ver[i]);
	for (int i = 0; i < 5; i++)
		if (i != 1)	/* key 1 is the cohort key: the same */
			CHECK(memcmp(first[i], ep->key[i], 16) != 0);
	CHECK_BYTES(first[1], ep->key[1], 16);
	expected_key(&f, 3, 2, k);
	CHECK_BYTES(k, ep->key[3], 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(f.ks, ep->uid, &t));
	CHECK_INT(2, t.generation);
	CHECK_INT(2, t.key_version[3]);
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	wipe(first, sizeof(first));
	wipe(k, sizeof(k));
	fx_free(&f);
}

static void
foreign_tag_untouched(void)
{
	struct fx	f;
	char		other[600];

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	snprintf(other, sizeof(other), "%s/other.db", fx_tmp());
	fx_switch_ks(&f, other);
	(void)emu_take_changed(f.emu);
	EXPECT(&f, NTAG424_ERR_FOREIGN, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_FOREIGN, f.rep.found);
	CHECK(strstr(f.rep.message, "neither factory keys nor in the "
	    "keystore") != NULL);
	CHECK(strstr(f.rep.hint, "nothing was changed") != NULL);
	CHECK(!f.rep.changed);
	CHECK_INT(0, f.rep.failed_auths);
	EXPECT(&f, NTAG424_ERR_FOREIGN, fx_reset(&f));
	CHECK_INT(0, emu_take_changed(f.emu));
	fx_free(&f);
}

static void
dry_run_sends_no_change(void)
{
	struct fx	f;
	unsigned	planned;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	ntag424_prov_set_dry_run(f.p, true);
	(void)emu_take_changed(f.emu);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(0, emu_take_changed(f.emu));
	CHECK(!f.rep.changed);
	planned = f.rep.planned_apdus;
	CHECK_INT(18, planned);
	CHECK_INT(7, f.rep.apdus);	/* only the reads were sent */
	ntag424_prov_set_dry_run(f.p, false);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(planned, f.rep.apdus);
	fx_free(&f);
}

static void
swapped_tag_detected(void)
{
	struct fx	f;
	const uint8_t	other[7] = { 0x04, 1, 2, 3, 4, 5, 6 };

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	ntag424_prov_expect_uid(f.p, other);
	(void)emu_take_changed(f.emu);
	EXPECT(&f, NTAG424_ERR_STATE, fx_provision(&f));
	CHECK(strstr(f.rep.message, "another tag was presented") != NULL);
	CHECK_INT(0, emu_take_changed(f.emu));
	ntag424_prov_expect_uid(f.p, emu_persist_const(f.emu)->uid);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	fx_free(&f);
}

static void
auth_delay_stops(void)
{
	struct fx	f;
	emu_delay_t	d = { 2, 1, 16 };
	uint8_t		wrong[16];
	int		r;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	emu_set_delay(f.emu, &d);
	memset(wrong, 0x5A, sizeof(wrong));
	/* someone else tries wrong keys until the tag delays */
	CHECK_INT(NTAG424_OK, ntag424_select_application(f.dev));
	for (int i = 0; i < 2; i++)
		CHECK_INT(0x91AE, ntag424_auth_ev2_first(f.dev, 0, wrong));
	r = fx_provision(&f);
	EXPECT(&f, 0x91AD, r);
	CHECK(strstr(f.rep.message, "91AD") != NULL);
	CHECK(strstr(f.rep.hint, "wait about one minute") != NULL);
	CHECK_INT(0, f.rep.failed_auths);
	fx_free(&f);
}

static void
wrong_key_one_failed_auth(void)
{
	struct fx		 f;
	emu_persist_t		*ep;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	/* the tag's key 0 changed behind our back, same version */
	ep = emu_persist(f.emu);
	ep->key[0][0] ^= 0x01;
	EXPECT(&f, 0x91AE, fx_check(&f));
	CHECK_INT(1, f.rep.failed_auths);
	CHECK(strstr(f.rep.hint, "Do not retry with guesses") != NULL);
	fx_free(&f);
}

static void
partial_other_template_refused(void)
{
	struct fx		f;
	ntag424_prov_plan_t	plan;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	CHECK_INT(NTAG424_OK, emu_set_tear(f.emu, 12, EMU_TEAR_AFTER));
	CHECK(fx_provision(&f) < 0);
	fx_represent(&f);
	CHECK_INT(NTAG424_OK, ntag424_prov_preset("game-coin",
	    "https://other.example/x", &plan));
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(f.p, &plan));
	EXPECT(&f, NTAG424_ERR_STATE, fx_provision(&f));
	CHECK(strstr(f.rep.message, "used another template") != NULL);
	/* reset takes the half-made tag back to factory */
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_FACTORY));
	fx_free(&f);
}

static void
presets_and_ndef_url(void)
{
	ntag424_prov_plan_t	plan;
	const uint8_t		file[] = { 0x00, 0x0C, 0xD1, 0x01, 0x08, 'U',
	    0x04, 'a', '.', 'b', '/', 'c', 'd', 'e' };
	char			url[32];

	CHECK_INT(NTAG424_ERR_ARG, ntag424_prov_preset("game-coin", NULL,
	    &plan));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_prov_preset("game-coin",
	    "https://x.example/?a", &plan));
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_prov_preset("coin", "x",
	    &plan));
	CHECK_INT(NTAG424_OK, ntag424_prov_preset("self-checkout", NULL,
	    &plan));
	CHECK(strcmp(plan.tmpl, "https://werkstattwaedi.ch/tag?picc={macin}"
	    "{picc}&cmac={mac}") == 0);
	CHECK_INT(0x1F, plan.key_mask);
	CHECK_INT(NTAG424_OK, ntag424_ndef_url(file, sizeof(file), url,
	    sizeof(url)));
	CHECK(strcmp(url, "https://a.b/cde") == 0);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ndef_url(file, sizeof(file), url,
	    8));
	CHECK_INT(NTAG424_ERR_MALFORMED, ntag424_ndef_url(file, 5, url,
	    sizeof(url)));
}

int
main(int argc, char **argv)
{
	fx_setup(argc, argv);
	if (argc > 1)
		db = argv[1];
	RUN(presets_and_ndef_url);
	RUN(game_coin_random);
	RUN(provision_twice_is_noop);
	RUN(check_counts_up);
	RUN(reset_and_again);
	RUN(self_checkout_diversified);
	RUN(self_checkout_reprovision_new_keys);
	RUN(foreign_tag_untouched);
	RUN(dry_run_sends_no_change);
	RUN(swapped_tag_detected);
	RUN(auth_delay_stops);
	RUN(wrong_key_one_failed_auth);
	RUN(partial_other_template_refused);
	fx_teardown();
	return test_summary();
}
