/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The provisioning engine on an in-process emulated tag with a real
 * keystore: provision, check, reset, resume; foreign tags, 91AD, a
 * swapped tag, dry runs, store failures. No argument: SQLite; argument:
 * a postgresql:// URI (scripts/pg-rig.sh).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

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

	const emu_persist_t	*ep;
	uint8_t			 cohort[16];
	uint32_t		 v;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_FACTORY, f.rep.found);
	CHECK(f.rep.changed);
	CHECK_INT(0, f.rep.failed_auths);
	/* select 1, GetVersion 3, GetKeyVersion 0..4 5, auth 2, NDEF 2,
	 * ChangeFileSettings 1, ChangeKey 1..4, 0 5, ReadData 1, auth 2 */
	CHECK_INT(22, f.rep.apdus);
	CHECK_INT(f.rep.planned_apdus, f.rep.apdus);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	tag_keys(&f, ver);
	for (int k = 0; k < 5; k++)	/* all five keys changed */
		CHECK_INT(1, ver[k]);
	CHECK(strncmp(f.rep.url, "https://coins.example/c?picc=", 29) == 0);
	CHECK_INT(1, f.rep.read_ctr);
	ep = emu_persist_const(f.emu);
	/* random keys: not zero, not equal to each other */
	for (int k = 0; k < 5; k++) {
		CHECK(memcmp(ep->key[k], zero16, 16) != 0);
		for (int j = 0; j < k; j++)
			CHECK(memcmp(ep->key[j], ep->key[k], 16) != 0);
	}
	/* key 1 (SDM meta-read) is the game-coin cohort's key */
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_get(f.ks, "game-coin", 0,
	    cohort, &v));
	CHECK_INT(1, v);
	CHECK_BYTES(cohort, ep->key[1], 16);
	wipe(cohort, sizeof(cohort));
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
	/* SDM on, Plain; AccessRights 00 E0 (write: key 0 only); SDM FE 13 */
	CHECK_INT(0x40, nf->option);
	CHECK_INT(0xE000, nf->ar);
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
	CHECK_INT(22, planned);
	CHECK_INT(9, f.rep.apdus);	/* only the reads were sent */
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

/* A plan for f's tag: preset, or a template string of one's own. */
static void
set_plan(struct fx *f, const char *preset, const char *tmpl,
    void (*change)(ntag424_prov_plan_t *))
{
	ntag424_prov_plan_t plan;

	if (tmpl != NULL)
		CHECK_INT(NTAG424_OK, ntag424_prov_custom(tmpl, NULL, &plan));
	else
		CHECK_INT(NTAG424_OK, ntag424_prov_preset(preset,
		    strcmp(preset, "game-coin") == 0 ?
		    "https://coins.example/c" : NULL, &plan));
	if (change != NULL)
		change(&plan);
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(f->p, &plan));
}

static void
free_read_write(ntag424_prov_plan_t *plan)
{
	plan->opts.access.read_write = NTAG424_AR_FREE;
}

/*
 * A phone with no key writes the NDEF file (native WriteData, and
 * ISOUpdateBinary as NFC writer apps do); sw: both status words.
 */
static void
plain_writes(struct fx *f, int sw[2])
{
	const uint8_t evil[] = { 0x00, 0x05, 'e', 'v', 'i', 'l', '!' };

	fx_represent(f);
	sw[0] = ntag424_select_application(f->dev);
	if (sw[0] == NTAG424_OK)
		sw[0] = ntag424_data_write(f->dev, NTAG424_FILE_NDEF,
		    NTAG424_COMM_PLAIN, 0, evil, sizeof(evil));
	fx_represent(f);
	sw[1] = ntag424_select_application(f->dev);
	if (sw[1] == NTAG424_OK)
		sw[1] = ntag424_select_file(f->dev, NTAG424_FID_NDEF);
	if (sw[1] == NTAG424_OK)
		sw[1] = ntag424_iso_update_binary(f->dev, 0, evil, sizeof(evil));
	fx_represent(f);
}

/* Every preset and a template: only key 0 may write the NDEF file. */
static void
ndef_write_needs_key0(void)
{
	static const char *const presets[] = { "game-coin", "self-checkout",
	    NULL };
	struct fx	f;
	uint8_t		before[NTAG424_NDEF_FILE_SIZE];
	int		sw[2];

	for (int i = 0; i < 3; i++) {
		fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
		set_plan(&f, presets[i] != NULL ? presets[i] : "game-coin",
		    presets[i] != NULL ? NULL :
		    "https://t.example/x?p={picc}&m={mac}", NULL);
		EXPECT(&f, NTAG424_OK, fx_provision(&f));
		memcpy(before, emu_persist_const(f.emu)->file[1].data,
		    sizeof(before));
		plain_writes(&f, sw);
		CHECK_INT(0x91AE, sw[0]);	/* authentication error */
		CHECK_INT(0x6982, sw[1]);	/* security status */
		CHECK_BYTES(before, emu_persist_const(f.emu)->file[1].data,
		    sizeof(before));
		EXPECT(&f, NTAG424_OK, fx_check(&f));
		fx_free(&f);
	}
	/* The explicit free ReadWrite right (E0 E0): anyone rewrites it. */
	fx_init(&f, db, "self-checkout", NTAG424_KS_SRC_DIVERSIFIED);
	set_plan(&f, "self-checkout", NULL, free_read_write);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(0xE0E0, emu_persist_const(f.emu)->file[1].ar);
	plain_writes(&f, sw);
	CHECK_INT(NTAG424_OK, sw[0]);
	CHECK_INT(NTAG424_OK, sw[1]);
	fx_free(&f);
}

static void
per_tag_meta(ntag424_prov_plan_t *plan)
{
	plan->cohort_mask = 0;
}

/* Two tags of one preset share key 1 (the cohort's) and nothing else. */
static void
cohort_meta_key_shared(void)
{
	struct fx	a, b;
	const uint8_t	*ka, *kb;
	char		dbfile[600];

	snprintf(dbfile, sizeof(dbfile), "%s/cohort.db", fx_tmp());
	fx_init(&a, db != NULL ? db : dbfile, "game-coin",
	    NTAG424_KS_SRC_DIVERSIFIED);
	fx_init(&b, db != NULL ? db : dbfile, "game-coin",
	    NTAG424_KS_SRC_DIVERSIFIED);
	EXPECT(&a, NTAG424_OK, fx_provision(&a));
	EXPECT(&b, NTAG424_OK, fx_provision(&b));
	if (db == NULL)		/* a fresh keystore: the first tag made it */
		CHECK(a.sp.cohort_created && !b.sp.cohort_created);
	for (int k = 0; k < 5; k++) {
		ka = emu_persist_const(a.emu)->key[k];
		kb = emu_persist_const(b.emu)->key[k];
		CHECK(memcmp(ka, zero16, 16) != 0);
		CHECK((memcmp(ka, kb, 16) == 0) == (k == 1));
	}
	EXPECT(&a, NTAG424_OK, fx_check(&a));
	EXPECT(&b, NTAG424_OK, fx_check(&b));
	/* --meta-key per-tag: key 1 is the tag's own */
	EXPECT(&b, NTAG424_OK, fx_reset(&b));
	set_plan(&b, "game-coin", NULL, per_tag_meta);
	EXPECT(&b, NTAG424_OK, fx_provision(&b));
	CHECK(memcmp(emu_persist_const(a.emu)->key[1],
	    emu_persist_const(b.emu)->key[1], 16) != 0);
	EXPECT(&b, NTAG424_OK, fx_check(&b));
	fx_free(&b);
	fx_free(&a);
}

/* The default cohort of a template, and roles a cohort key may not have. */
static void
template_cohort_rules(void)
{
	static const char	 tmpl[] = "https://t.example/x?p={picc}&m={mac}";
	ntag424_template_opts_t	 o;
	ntag424_prov_plan_t	 plan;
	ntag424_prov_t		*p = ntag424_prov_new();
	uint8_t			 md[32];
	char			 want[32];
	unsigned		 mdlen = 0;

	CHECK(p != NULL);
	CHECK_INT(NTAG424_OK, ntag424_prov_custom(tmpl, NULL, &plan));
	CHECK_INT(0x1F, plan.key_mask);
	CHECK_INT(1u << 1, plan.cohort_mask);
	/* "template-" and SHA-256(tmpl)'s first 8 bytes in lower-case hex */
	CHECK_INT(1, EVP_Digest(tmpl, strlen(tmpl), md, &mdlen, EVP_sha256(),
	    NULL));
	snprintf(want, sizeof(want), "template-%02x%02x%02x%02x%02x%02x%02x"
	    "%02x", md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7]);
	CHECK(strcmp(plan.cohort, want) == 0);
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(p, &plan));
	/* a shared key with the MAC role, or a write right: refused */
	ntag424_template_opts_init(&o);
	o.file_read = 1;
	CHECK_INT(NTAG424_OK, ntag424_prov_custom(tmpl, &o, &plan));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_prov_set_plan(p, &plan));
	plan.cohort_mask = 0;
	CHECK_INT(NTAG424_OK, ntag424_prov_set_plan(p, &plan));
	ntag424_template_opts_init(&o);
	o.access.write = 1;
	CHECK_INT(NTAG424_OK, ntag424_prov_custom(tmpl, &o, &plan));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_prov_set_plan(p, &plan));
	plan.cohort[0] = '\0';
	plan.cohort_mask = 1u << 1;
	o.access.write = 0;
	plan.opts = o;
	CHECK_INT(NTAG424_ERR_ARG, ntag424_prov_set_plan(p, &plan));
	ntag424_prov_free(&p);
}

/* What the verifier answers a URL with this counter: ADVANCED or REPLAY. */
static int
verifier_takes(struct fx *f, uint32_t ctr)
{
	struct ntag424_ks_tag		t;
	struct ntag424_ks_advance	a;

	memset(&a, 0, sizeof(a));
	memcpy(a.uid, emu_persist_const(f->emu)->uid, 7);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(f->ks, a.uid, &t));
	a.generation = t.generation;
	a.ctr = ctr;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(f->ks, &a, 1));
	return a.outcome;
}

static void
old_layout(ntag424_prov_plan_t *plan)
{
	plan->key_mask = 1u << 0 | 1u << 1 | 1u << 3;
	plan->cohort_mask = 0;
}

/* A tag of an older layout (keys 2 and 4 at zero) is named, not touched. */
static void
older_layout_reported(void)
{
	struct fx f;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	set_plan(&f, "game-coin", NULL, old_layout);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(0, f.rep.factory_keys);
	set_plan(&f, "game-coin", NULL, NULL);
	(void)emu_take_changed(f.emu);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(NTAG424_PROV_FOUND_OURS, f.rep.found);
	CHECK_INT(1u << 2 | 1u << 4, f.rep.factory_keys);
	CHECK_INT(0, emu_take_changed(f.emu));
	/* reset and provision again: five keys */
	EXPECT(&f, NTAG424_OK, fx_reset(&f));
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	for (int k = 0; k < 5; k++)
		CHECK_INT(2, emu_persist_const(f.emu)->key_ver[k]);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(0, f.rep.factory_keys);
	fx_free(&f);
}

/* The URLs provision and check verified are used up at once. */
static void
verified_counters_used(void)
{
	struct fx	f;
	uint32_t	ctr = 0;

	fx_init(&f, db, "game-coin", NTAG424_KS_SRC_RANDOM);
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK_INT(1, f.rep.read_ctr);
	CHECK(f.rep.ctr_used);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(f.ks,
	    emu_persist_const(f.emu)->uid, 1, &ctr));
	CHECK_INT(1, ctr);
	CHECK_INT(NTAG424_KS_REPLAY, verifier_takes(&f, 1));
	EXPECT(&f, NTAG424_OK, fx_check(&f));
	CHECK_INT(2, f.rep.read_ctr);
	CHECK(f.rep.ctr_used);
	CHECK_INT(NTAG424_KS_REPLAY, verifier_takes(&f, 2));
	/* a URL nobody verified (counter 3, a tap) is still fresh */
	CHECK_INT(NTAG424_KS_ADVANCED, verifier_takes(&f, 3));
	/* a tag that is already provisioned: nothing read, nothing used */
	EXPECT(&f, NTAG424_OK, fx_provision(&f));
	CHECK(!f.rep.ctr_used);
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
	RUN(ndef_write_needs_key0);
	RUN(cohort_meta_key_shared);
	RUN(template_cohort_rules);
	RUN(verified_counters_used);
	RUN(older_layout_reported);
	fx_teardown();
	return test_summary();
}
