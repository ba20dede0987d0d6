/*
 * Steps 3 to 5 of a run: plan, journal the intent, change the tag in the
 * safe order (NDEF and SDM while the file is writable, keys 1..4, key 0
 * last), verify like a phone, and only then record the result. Reset is
 * the same order towards factory.
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/auth.h"
#include "ntag424/data.h"
#include "ntag424/err.h"
#include "ntag424/files.h"
#include "ntag424/keys.h"
#include "provision_int.h"

static const uint8_t zero_key[KLEN];

/*
 * The version of the keys of the tag's next provisioning: 01 the first
 * time, one up each time after (00 means factory: a key of ours never
 * carries it). A new key is only chosen for a key at 00 on the tag, so it
 * always differs from the tag's; the store derives with it (provision.h).
 */
static uint8_t
new_version(uint32_t generation)
{
	return (uint8_t)(generation % 0xFF + 1);
}

static void
factory_settings(ntag424_file_settings_t *fs)
{
	/* NT4H2421Gx 8.2.3.2, Table 5: file 02 Plain, E E E 0, no SDM. */
	memset(fs, 0, sizeof(*fs));
	fs->comm_mode = NTAG424_COMM_PLAIN;
	fs->access.read = NTAG424_AR_FREE;
	fs->access.write = NTAG424_AR_FREE;
	fs->access.read_write = NTAG424_AR_FREE;
	fs->access.change = 0;
}

static void
step_read_state(struct run *r)
{
	run_step(r, "read state (no authentication)",
	    (unsigned)(ntag424_dev_apdu_count(r->dev) - r->apdu0));
}

static void
steps_keys(struct run *r)
{
	char what[48];

	for (uint8_t i = 1; i <= NKEYS; i++) {
		uint8_t k = i % NKEYS;	/* 1, 2, 3, 4, then 0 */

		if ((r->todo & (1u << k)) == 0)
			continue;
		snprintf(what, sizeof(what), "ChangeKey %u (version %02X)", k,
		    r->nver[k]);
		run_step(r, what, 1);
	}
}

static void
steps_files(struct run *r, size_t ndef_len, bool auto_mode, bool sdm)
{
	char what[48];

	if (auto_mode)
		run_step(r, "GetFileSettings (write mode)", 1);
	snprintf(what, sizeof(what), "%s NDEF (%zu bytes)", sdm ? "write" :
	    "clear", ndef_len);
	run_step(r, what, write_frames(r->dev, ndef_len));
	run_step(r, sdm ? "ChangeFileSettings (SDM on)" :
	    "ChangeFileSettings (factory)", 1);
}

/* A fresh key for k: the cohort's shared key, or the tag's own. */
static int
new_key(struct run *r, uint8_t k)
{
	const ntag424_prov_plan_t	*plan = &r->p->plan;
	const ntag424_prov_store_t	*ops = r->p->ops;

	if ((plan->cohort_mask & (1u << k)) != 0)
		return ops->cohort_key(r->p->ctx, plan->cohort, r->nkey[k]);
	return ops->key_new(r->p->ctx, r->uid, k, r->nver[k], r->nkey[k]);
}

/* New keys: the pending one from an interrupted run, else a fresh one. */
static int
choose_keys(struct run *r)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	int				 rc, st;

	for (uint8_t k = 0; k < NKEYS; k++) {
		if ((r->p->plan.key_mask & (1u << k)) == 0)
			continue;
		rc = r->known ? ops->key_get(r->p->ctx, r->uid, k,
		    NTAG424_PROV_PENDING_SLOT, r->nkey[k], &r->nver[k], &st) :
		    NTAG424_ERR_NOT_FOUND;
		if (rc == NTAG424_OK) {
			r->todo |= 1u << k;
			r->stored |= 1u << k;
			continue;
		}
		if (rc != NTAG424_ERR_NOT_FOUND)
			return run_store_fail(r, "plan", rc, false);
		if (r->ver[k] != 0)
			continue;	/* changed earlier in this run */
		r->todo |= 1u << k;
		r->nver[k] = new_version(r->known ? r->tag.generation : 0);
		if (!r->p->dry_run && (rc = new_key(r, k)) != NTAG424_OK)
			return run_store_fail(r, "key source", rc, false);
	}
	return NTAG424_OK;
}

static int
decide_provision(struct run *r)
{
	const char *tmpl = r->p->plan.tmpl;

	switch (r->rep->found) {
	case NTAG424_PROV_FOUND_FOREIGN:
		return run_fail(r, "decide", NTAG424_ERR_FOREIGN, "this tag's "
		    "keys are neither factory keys nor in the keystore");
	case NTAG424_PROV_FOUND_IMPORTED:
		snprintf(r->rep->hint, sizeof(r->rep->hint), "reset it first "
		    "('ntag424 reset' uses the imported keys), then provision "
		    "it");
		return run_fail(r, "decide", NTAG424_ERR_STATE, "the tag's "
		    "keys were imported from another tool");
	case NTAG424_PROV_FOUND_OURS:
		if (strcmp(r->tag.tmpl, tmpl) == 0)
			return NTAG424_OK;
		snprintf(r->rep->hint, sizeof(r->rep->hint), "reset it first "
		    "('ntag424 reset'), then provision it again");
		return run_fail(r, "decide", NTAG424_ERR_STATE, "the tag is "
		    "already provisioned, with another template (%s)",
		    r->tag.tmpl);
	default:
		break;
	}
	if (r->known && r->tag.status == NTAG424_PROV_RESETTING) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "run 'ntag424 "
		    "reset' to finish the reset, then provision");
		return run_fail(r, "decide", NTAG424_ERR_STATE, "a reset of "
		    "this tag was interrupted");
	}
	if (r->rep->found == NTAG424_PROV_FOUND_PARTIAL &&
	    strcmp(r->tag.tmpl, tmpl) != 0) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "run provision "
		    "again with the same preset, --url or --template to finish "
		    "it, or reset the tag");
		return run_fail(r, "decide", NTAG424_ERR_STATE, "an "
		    "interrupted provision of this tag used another template "
		    "(%s)", r->tag.tmpl);
	}
	return NTAG424_OK;
}

int
plan_provision(struct run *r)
{
	size_t	len = ntag424_template_ndef_len(prov_layout(r->tpl,
	    r->p->plan.lrp) != NULL ? prov_layout(r->tpl, r->p->plan.lrp) :
	    r->tpl);
	int	rc;

	step_read_state(r);
	if ((rc = decide_provision(r)) != NTAG424_OK)
		return rc;
	if (r->rep->found == NTAG424_PROV_FOUND_OURS) {
		for (uint8_t k = 0; k < NKEYS; k++)
			if ((r->p->plan.key_mask & r->read_mask &
			    (1u << k)) != 0 && r->ver[k] == 0)
				r->rep->factory_keys |= 1u << k;
		return NTAG424_OK;
	}
	if ((rc = choose_keys(r)) != NTAG424_OK)
		return rc;
	r->files = (r->todo & 1u) != 0;
	if (r->todo != 0)
		run_step(r, "authenticate with key 0", 2);
	if (r->todo != 0 && r->p->plan.lrp) {
		run_step(r, "LRP mode (cannot be undone)", 1);
		run_step(r, "authenticate with key 0 (LRP)", 2);
	}
	if (r->files)
		steps_files(r, len,
		    r->rep->found != NTAG424_PROV_FOUND_FACTORY, true);
	steps_keys(r);
	run_step(r, "read NDEF like a phone", 1);
	run_step(r, "verify the SUN URL", 0);
	run_step(r, "authenticate with the new key 0", 2);
	rid_step(r);
	return NTAG424_OK;
}

/* Record every new key before anything changes (design step 3). */
static int
intend_keys(struct run *r)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	int				 rc;

	for (uint8_t k = 0; k < NKEYS; k++) {
		if ((r->todo & (1u << k)) == 0 || (r->stored & (1u << k)) != 0)
			continue;
		if ((rc = ops->key_intend(r->p->ctx, r->uid, k, r->nkey[k],
		    r->nver[k])) != NTAG424_OK)
			return run_store_fail(r, "intent", rc, r->rep->changed);
		r->stored |= 1u << k;
		if ((rc = run_journal(r, "ChangeKey", k, "intent", 0)) !=
		    NTAG424_OK)
			return rc;
	}
	return NTAG424_OK;
}

/* Journal a failure; the store's own error must not hide the tag's. */
static int
tag_failed(struct run *r, const char *step, int keyno, int code,
    const char *what)
{
	(void)r->p->ops->journal(r->p->ctx, r->uid, step, keyno, "failed",
	    code);
	return run_fail(r, step, code, "%s", what);
}

static int
change_key(struct run *r, uint8_t k)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	char				 what[96];
	int				 rc;

	if ((rc = ops->key_sent(r->p->ctx, r->uid, k)) != NTAG424_OK)
		return run_store_fail(r, "ChangeKey", rc, r->rep->changed);
	r->rep->changed = true;
	rc = ntag424_key_change(r->dev, k, r->nkey[k], r->nver[k],
	    k == 0 ? NULL : r->key[k]);
	if (rc != NTAG424_OK) {
		snprintf(what, sizeof(what), "ChangeKey %u failed; the "
		    "keystore keeps both candidate keys", k);
		return tag_failed(r, "ChangeKey", k, rc, what);
	}
	if ((rc = ops->key_applied(r->p->ctx, r->uid, k)) != NTAG424_OK)
		return run_store_fail(r, "ChangeKey", rc, true);
	memcpy(r->key[k], r->nkey[k], KLEN);
	r->ver[k] = r->nver[k];
	return run_journal(r, "ChangeKey", k, "ok", 0);
}

static int
change_keys(struct run *r)
{
	int rc;

	for (uint8_t i = 1; i <= NKEYS; i++) {
		uint8_t k = i % NKEYS;	/* key 0 last */

		if ((r->todo & (1u << k)) != 0 &&
		    (rc = change_key(r, k)) != NTAG424_OK)
			return rc;
	}
	return NTAG424_OK;
}

static int
write_file(struct run *r, const uint8_t *data, size_t len, bool factory)
{
	int rc;

	if ((rc = run_journal(r, "WriteData", -1, "intent", 0)) != NTAG424_OK)
		return rc;
	r->rep->changed = true;
	rc = ntag424_data_write(r->dev, NTAG424_FILE_NDEF, factory ?
	    NTAG424_COMM_PLAIN : NTAG424_COMM_AUTO, 0, data, len);
	if (rc != NTAG424_OK)
		return tag_failed(r, "WriteData", -1, rc, "writing the NDEF "
		    "file failed");
	return run_journal(r, "WriteData", -1, "ok", 0);
}

static int
change_settings(struct run *r, const ntag424_file_settings_t *fs)
{
	int rc;

	if ((rc = run_journal(r, "ChangeFileSettings", -1, "intent", 0)) !=
	    NTAG424_OK)
		return rc;
	r->rep->changed = true;
	if ((rc = ntag424_file_settings_change(r->dev, NTAG424_FILE_NDEF,
	    fs)) != NTAG424_OK)
		return tag_failed(r, "ChangeFileSettings", -1, rc,
		    "ChangeFileSettings of the NDEF file failed");
	return run_journal(r, "ChangeFileSettings", -1, "ok", 0);
}

static int
finish(struct run *r, const char *step, int status)
{
	int rc;

	if ((rc = r->p->ops->tag_status(r->p->ctx, r->uid, status)) !=
	    NTAG424_OK)
		return run_store_fail(r, step, rc, r->rep->changed);
	return run_journal(r, step, -1, "ok", 0);
}

/* The key an SDM role nibble names (E or F name none: any key will do). */
static const uint8_t *
role_key(const struct run *r, uint8_t role)
{
	return r->key[role <= NTAG424_KEY_MAX ? role : 0];
}

/*
 * A tag that reads as factory (every key version 00) may still carry keys
 * another tool changed at version 00: versions say nothing about those.
 * So it is authenticated before anything is recorded, and a refused
 * factory key leaves no pending record behind.
 */
static int
factory_auth(struct run *r)
{
	int rc;

	/* Either suite: a factory tag may have been switched to LRP. */
	if ((rc = ntag424_auth_first(r->dev, 0, zero_key)) == NTAG424_OK) {
		r->rep->lrp = ntag424_auth_is_lrp(r->dev) == 1;
		return NTAG424_OK;
	}
	if (rc == 0x91AD)
		return run_fail(r, "authenticate", rc, "the tag delays "
		    "authentication with key 0 after failed attempts");
	if (rc != 0x91AE && rc != NTAG424_ERR_AUTH)
		return run_fail(r, "authenticate", rc, "the tag refused "
		    "authentication with the factory key 0");
	r->rep->failed_auths++;
	r->rep->found = NTAG424_PROV_FOUND_FOREIGN;
	snprintf(r->rep->hint, sizeof(r->rep->hint), "nothing was changed or "
	    "recorded. If you have its keys, import them ('ntag424 keys "
	    "import FILE': CSV, tag_keys.csv, Boltcard wipe JSON or JSON "
	    "Lines), then reset it");
	return run_fail(r, "authenticate", NTAG424_ERR_FOREIGN, "the tag reads "
	    "as factory (every key version 00) but refuses the factory key 0: "
	    "its keys were changed by another tool");
}

int
run_provision(struct run *r)
{
	const ntag424_prov_plan_t	*plan = &r->p->plan;
	bool				 authed = false;
	const ntag424_template_t	*lay = r->tpl;
	int				 rc;

	if (r->rep->found == NTAG424_PROV_FOUND_OURS)
		return NTAG424_OK;
	if (r->rep->found == NTAG424_PROV_FOUND_FACTORY && r->todo != 0) {
		if ((rc = factory_auth(r)) != NTAG424_OK)
			return rc;
		authed = true;
	}
	if ((rc = r->p->ops->tag_begin(r->p->ctx, r->uid, plan->name,
	    plan->tmpl, NTAG424_PROV_PENDING)) != NTAG424_OK)
		return run_store_fail(r, "plan", rc, false);
	if ((rc = intend_keys(r)) != NTAG424_OK)
		return rc;
	if (r->todo != 0 &&
	    ((!authed && (rc = auth_key0(r, r->key[0], "authenticate")) !=
	    NTAG424_OK) || (rc = prov_switch_lrp(r)) != NTAG424_OK ||
	    (rc = prov_tag_layout(r, &lay)) != NTAG424_OK))
		return rc;
	if (r->files &&
	    ((rc = write_file(r, ntag424_template_ndef_ptr(lay),
	    ntag424_template_ndef_len(lay),
	    r->rep->found == NTAG424_PROV_FOUND_FACTORY)) != NTAG424_OK ||
	    (rc = change_settings(r, ntag424_template_settings(lay))) !=
	    NTAG424_OK))
		return rc;
	if ((rc = change_keys(r)) != NTAG424_OK)
		return rc;
	if ((rc = phone_verify(r, role_key(r, plan->opts.meta_read),
	    role_key(r, plan->opts.file_read))) != NTAG424_OK ||
	    (rc = auth_key0(r, r->key[0], "verify")) != NTAG424_OK ||
	    (rc = rid_set(r)) != NTAG424_OK ||
	    (rc = finish(r, "provisioned", NTAG424_PROV_PROVISIONED)) !=
	    NTAG424_OK)
		return rc;
	/* Only now is the generation the verifier checks against final. */
	return counter_used(r);
}

/* ---- reset ------------------------------------------------------------ */


int
plan_reset(struct run *r)
{
	step_read_state(r);
	switch (r->rep->found) {
	case NTAG424_PROV_FOUND_FOREIGN:
		return run_fail(r, "decide", NTAG424_ERR_FOREIGN, "this tag's "
		    "keys are neither factory keys nor in the keystore");
	case NTAG424_PROV_FOUND_FACTORY:
		return NTAG424_OK;
	default:
		break;
	}
	/* Imported or adopted keys may sit at version 00: the key itself tells. */
	for (uint8_t k = 0; k < NKEYS; k++)
		if (r->ver[k] != 0 || !ct_equal(r->key[k], zero_key, KLEN)) {
			r->todo |= 1u << k;
			r->nver[k] = 0;
			memset(r->nkey[k], 0, KLEN);
		}
	r->files = true;
	run_step(r, "authenticate with key 0", 2);
	steps_files(r, NTAG424_NDEF_FILE_SIZE, true, false);
	steps_keys(r);
	run_step(r, "authenticate with the factory key 0", 2);
	return NTAG424_OK;
}

/* Pending keys of an interrupted provision that never reached the tag. */
static int
drop_pending(struct run *r)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	uint8_t				 k0[KLEN];
	int				 rc = NTAG424_OK;

	for (uint8_t k = 0; k < NKEYS && rc == NTAG424_OK; k++) {
		if ((r->todo & (1u << k)) != 0)
			continue;
		rc = ops->key_get(r->p->ctx, r->uid, k,
		    NTAG424_PROV_PENDING_SLOT, k0, NULL, NULL);
		if (rc == NTAG424_OK)
			rc = ops->key_abandon(r->p->ctx, r->uid, k);
		else if (rc == NTAG424_ERR_NOT_FOUND)
			rc = NTAG424_OK;
	}
	wipe(k0, sizeof(k0));
	return rc == NTAG424_OK ? NTAG424_OK :
	    run_store_fail(r, "reset", rc, r->rep->changed);
}

int
run_reset(struct run *r)
{
	ntag424_file_settings_t	fs;
	uint8_t			clear[NTAG424_NDEF_FILE_SIZE];
	int			rc;

	if (r->rep->found == NTAG424_PROV_FOUND_FACTORY)
		return NTAG424_OK;
	/* The whole file, as a factory tag has it: a longer foreign NDEF
	 * must not keep its tail. */
	memset(clear, 0, sizeof(clear));
	factory_settings(&fs);
	if ((rc = r->p->ops->tag_status(r->p->ctx, r->uid,
	    NTAG424_PROV_RESETTING)) != NTAG424_OK)
		return run_store_fail(r, "reset", rc, false);
	if ((rc = intend_keys(r)) != NTAG424_OK ||
	    (rc = auth_key0(r, r->key[0], "authenticate")) != NTAG424_OK ||
	    (rc = write_file(r, clear, sizeof(clear), false)) != NTAG424_OK ||
	    (rc = change_settings(r, &fs)) != NTAG424_OK ||
	    (rc = change_keys(r)) != NTAG424_OK ||
	    (rc = auth_key0(r, zero_key, "verify")) != NTAG424_OK ||
	    (rc = drop_pending(r)) != NTAG424_OK)
		return rc;
	return finish(r, "reset", NTAG424_PROV_FACTORY);
}
