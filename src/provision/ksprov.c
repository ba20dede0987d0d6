/* SPDX-License-Identifier: BSD-2-Clause */
/* The provisioning engine's store, over the keystore (see ksprov.h). */
#include <string.h>

#include "common/prim.h"
#include "ntag424/err.h"
#include "provision/ksprov.h"

_Static_assert((int)NTAG424_KS_FACTORY == NTAG424_PROV_FACTORY &&
    (int)NTAG424_KS_PENDING == NTAG424_PROV_PENDING &&
    (int)NTAG424_KS_PROVISIONED == NTAG424_PROV_PROVISIONED &&
    (int)NTAG424_KS_FAILED == NTAG424_PROV_FAILED &&
    (int)NTAG424_KS_RESETTING == NTAG424_PROV_RESETTING &&
    (int)NTAG424_KS_IMPORTED == NTAG424_PROV_IMPORTED, "status values");
_Static_assert((int)NTAG424_KS_CURRENT == NTAG424_PROV_CURRENT &&
    (int)NTAG424_KS_PENDING_SLOT == NTAG424_PROV_PENDING_SLOT &&
    (int)NTAG424_KS_APPLIED == NTAG424_PROV_KEY_APPLIED &&
    (int)NTAG424_KS_INTENT == NTAG424_PROV_KEY_INTENT &&
    (int)NTAG424_KS_MAYBE == NTAG424_PROV_KEY_MAYBE, "key slots and states");

int
ksprov_init(struct ksprov *s, ntag424_ks_t *ks, int source)
{
	if (s == NULL || ks == NULL || (source != NTAG424_KS_SRC_RANDOM &&
	    source != NTAG424_KS_SRC_DIVERSIFIED))
		return NTAG424_ERR_ARG;
	memset(s, 0, sizeof(*s));
	s->ks = ks;
	s->source = source;
	return ntag424_ks_run_id_new(s->run_id) == 0 ? NTAG424_OK :
	    NTAG424_ERR_CRYPTO;
}

static int
tag_get(void *ctx, const uint8_t *uid, ntag424_prov_tag_t *t)
{
	struct ksprov		*s = ctx;
	struct ntag424_ks_tag	 kt;
	int			 r;

	if ((r = ntag424_ks_tag_get(s->ks, uid, &kt)) != NTAG424_OK)
		return r;
	memset(t, 0, sizeof(*t));
	t->status = kt.status;
	memcpy(t->name, kt.name, sizeof(t->name));
	memcpy(t->tmpl, kt.tmpl, sizeof(kt.tmpl));
	t->generation = kt.generation;
	return NTAG424_OK;
}

static int
master(struct ksprov *s, uint8_t key[NTAG424_KS_KEY_LEN])
{
	uint32_t	v;
	int		created = 0, r;

	if (s->master_version != 0)
		return ntag424_ks_master_get(s->ks, s->master_version, key, &v);
	r = ntag424_ks_master_latest(s->ks, key, &s->master_version, &created);
	s->master_created |= created;
	return r;
}

static int
tag_begin(void *ctx, const uint8_t *uid, const char *name, const char *tmpl,
    int status)
{
	struct ksprov	*s = ctx;
	uint8_t		 m[NTAG424_KS_KEY_LEN];
	int		 r;

	if (s->source == NTAG424_KS_SRC_DIVERSIFIED &&
	    (r = master(s, m)) != NTAG424_OK)
		goto out;
	if ((r = ntag424_ks_run_id_new(s->run_id)) != NTAG424_OK ||
	    (r = ntag424_ks_tag_create(s->ks, uid)) != NTAG424_OK ||
	    (r = ntag424_ks_tag_set_plan(s->ks, uid, name, tmpl, s->source,
	    s->master_version)) != NTAG424_OK)
		goto out;
	r = ntag424_ks_tag_set_status(s->ks, uid, status);
out:
	wipe(m, sizeof(m));
	return r;
}

static int
tag_status(void *ctx, const uint8_t *uid, int status)
{
	struct ksprov *s = ctx;

	return ntag424_ks_tag_set_status(s->ks, uid, status);
}

static int
key_get(void *ctx, const uint8_t *uid, int keyno, int slot,
    uint8_t key[NTAG424_KEY_LEN], uint8_t *version, int *state)
{
	struct ksprov			*s = ctx;
	struct ntag424_ks_keyinfo	 info;
	int				 r;

	memset(&info, 0, sizeof(info));
	if ((r = ntag424_ks_key_get(s->ks, uid, keyno, slot, key, &info)) !=
	    NTAG424_OK)
		return r;
	if (version != NULL)
		*version = info.version;
	if (state != NULL)
		*state = info.state;
	return NTAG424_OK;
}

static int
key_new(void *ctx, const uint8_t *uid, int keyno, uint8_t version,
    uint8_t key[NTAG424_KEY_LEN])
{
	struct ksprov	*s = ctx;
	uint8_t		 m[NTAG424_KS_KEY_LEN];
	int		 r;

	if (keyno < 0 || keyno >= NTAG424_KS_NKEYS)
		return NTAG424_ERR_ARG;
	if (s->boltcard)
		return ksprov_boltcard_key(s, uid, keyno, version, key);
	if (s->source == NTAG424_KS_SRC_RANDOM)
		return random_bytes(key, NTAG424_KEY_LEN) == 0 ? NTAG424_OK :
		    NTAG424_ERR_CRYPTO;
	if ((r = master(s, m)) == NTAG424_OK)
		r = ntag424_ks_diversify(m, uid, keyno, version, key);
	wipe(m, sizeof(m));
	return r;
}

static int
cohort_key(void *ctx, const char *name, uint8_t key[NTAG424_KEY_LEN])
{
	struct ksprov	*s = ctx;
	uint32_t	 v;
	int		 created = 0, r;

	if (s->boltcard)
		return ksprov_boltcard_cohort(s, name, key);
	r = ntag424_ks_cohort_latest(s->ks, name, key, &v, &created);
	s->cohort_created |= created;
	return r;
}

static int
key_intend(void *ctx, const uint8_t *uid, int keyno,
    const uint8_t key[NTAG424_KEY_LEN], uint8_t version)
{
	struct ksprov *s = ctx;

	return ntag424_ks_key_intend(s->ks, uid, keyno, key, version);
}

static int
key_sent(void *ctx, const uint8_t *uid, int keyno)
{
	struct ksprov *s = ctx;

	return ntag424_ks_key_mark_sent(s->ks, uid, keyno);
}

static int
key_applied(void *ctx, const uint8_t *uid, int keyno)
{
	struct ksprov *s = ctx;

	return ntag424_ks_key_applied(s->ks, uid, keyno);
}

static int
key_abandon(void *ctx, const uint8_t *uid, int keyno)
{
	struct ksprov *s = ctx;

	return ntag424_ks_key_abandon(s->ks, uid, keyno);
}

static int
journal(void *ctx, const uint8_t *uid, const char *step, int keyno,
    const char *outcome, int code)
{
	struct ksprov			*s = ctx;
	struct ntag424_ks_journal_entry	 e;

	memset(&e, 0, sizeof(e));
	memcpy(e.uid, uid, sizeof(e.uid));
	memcpy(e.run_id, s->run_id, sizeof(e.run_id));
	strncpy(e.step, step, NTAG424_KS_STEP_MAX);
	strncpy(e.outcome, outcome, NTAG424_KS_STEP_MAX);
	e.keyno = keyno;
	e.sw = code;
	return ntag424_ks_journal_append(s->ks, &e);
}

static const char *
errmsg(void *ctx)
{
	struct ksprov *s = ctx;

	return ntag424_ks_errmsg(s->ks);
}

/* A replay outcome is fine: a later counter already used this one up. */
static int
counter_used(void *ctx, const uint8_t *uid, uint32_t ctr)
{
	struct ksprov		*s = ctx;
	struct ntag424_ks_tag	 kt;
	int			 outcome = 0, r;

	if ((r = ntag424_ks_tag_get(s->ks, uid, &kt)) != NTAG424_OK)
		return r;
	return ntag424_ks_counter_advance(s->ks, uid, kt.generation, ctr,
	    &outcome);
}

static const ntag424_prov_store_t ops = {
	tag_get, tag_begin, tag_status, key_get, key_new, key_intend,
	key_sent, key_applied, key_abandon, journal, errmsg, cohort_key,
	counter_used,
};

const ntag424_prov_store_t *
ksprov_ops(void)
{
	return &ops;
}
