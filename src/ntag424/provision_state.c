/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Step 1 and 2 of a run: read the tag's state without authenticating,
 * look it up in the store, and work out which key is on the tag for every
 * key number from the key versions (never by trying keys).
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/err.h"
#include "ntag424/keys.h"
#include "ntag424/select.h"
#include "ntag424/version.h"
#include "provision_int.h"

static bool
zero_uid(const uint8_t uid[NTAG424_UID_LEN])
{
	static const uint8_t zero[NTAG424_UID_LEN];

	return memcmp(uid, zero, sizeof(zero)) == 0;
}

static int
read_uid(struct run *r)
{
	ntag424_version_t	v;
	int			rc;

	if ((rc = ntag424_select_application(r->dev)) != NTAG424_OK)
		return run_fail(r, "select", rc, "could not select the NDEF "
		    "application");
	if ((rc = ntag424_version_get(r->dev, &v)) != NTAG424_OK)
		return run_fail(r, "GetVersion", rc, "GetVersion failed");
	if (zero_uid(v.uid) && !r->p->expect) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "name it with "
		    "--uid UID: provisio authenticates with that tag's key 0 "
		    "and confirms the UID with GetCardUID");
		return run_fail(r, "GetVersion", NTAG424_ERR_STATE,
		    "the tag hides its UID (Random ID is on)");
	}
	/* Random ID: the named UID, confirmed once authenticated. */
	r->random_uid = zero_uid(v.uid);
	memcpy(v.uid, r->p->expect_uid, r->random_uid ? sizeof(v.uid) : 0);
	memcpy(r->uid, v.uid, sizeof(r->uid));
	memcpy(r->rep->uid, v.uid, sizeof(r->uid));
	r->rep->has_uid = true;
	if (r->p->expect && memcmp(r->uid, r->p->expect_uid,
	    sizeof(r->uid)) != 0) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "put the expected "
		    "tag back on the reader");
		return run_fail(r, "GetVersion", NTAG424_ERR_STATE,
		    "another tag was presented");
	}
	return NTAG424_OK;
}

static int
lookup(struct run *r)
{
	int rc;

	rc = r->p->ops->tag_get(r->p->ctx, r->uid, &r->tag);
	if (rc == NTAG424_ERR_NOT_FOUND) {
		r->known = false;
		return NTAG424_OK;
	}
	if (rc != NTAG424_OK)
		return run_store_fail(r, "lookup", rc, false);
	r->known = true;
	r->rep->status = r->tag.status;
	return NTAG424_OK;
}

/*
 * Read state. Only the keys the plan changes are read for a tag the store
 * never saw (a check needs none); every key for a tag of ours.
 */
int
state_read(struct run *r)
{
	unsigned	mask;
	int		rc;

	if ((rc = read_uid(r)) != NTAG424_OK || (rc = lookup(r)) != NTAG424_OK)
		return rc;
	if (r->op == OP_CHECK)
		return NTAG424_OK;
	mask = r->known || r->op == OP_RESET || r->tpl == NULL ?
	    (1u << NKEYS) - 1 : r->p->plan.key_mask;
	for (uint8_t k = 0; k < NKEYS; k++) {
		if ((mask & (1u << k)) == 0)
			continue;
		if ((rc = ntag424_key_version(r->dev, k, &r->ver[k])) !=
		    NTAG424_OK)
			return run_fail(r, "GetKeyVersion", rc, "could not read "
			    "the version of key %u", k);
		r->read_mask |= 1u << k;
		r->rep->key_version[k] = r->ver[k];
	}
	r->rep->key_version_mask = r->read_mask;
	return NTAG424_OK;
}

/* Which of the two candidates is on the tag for key k (store writes too). */
static int
resolve_key(struct run *r, uint8_t k, bool *foreign)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	uint8_t				 ck[KLEN], pk[KLEN], cv = 0, pv = 0;
	int				 ps = 0, rc, have_p;
	bool				 write = !r->p->dry_run, have_c;

	memset(ck, 0, sizeof(ck));
	rc = ops->key_get(r->p->ctx, r->uid, k, NTAG424_PROV_CURRENT, ck, &cv,
	    NULL);
	if (rc != NTAG424_OK && rc != NTAG424_ERR_NOT_FOUND)
		goto store;
	have_c = rc == NTAG424_OK;
	if (!have_c) {
		memset(ck, 0, sizeof(ck));
		cv = 0;
	}
	rc = ops->key_get(r->p->ctx, r->uid, k, NTAG424_PROV_PENDING_SLOT, pk,
	    &pv, &ps);
	if (rc != NTAG424_OK && rc != NTAG424_ERR_NOT_FOUND)
		goto store;
	have_p = rc == NTAG424_OK;
	rc = NTAG424_OK;
	/*
	 * Another tool chose the versions of the keys it wrote: an imported
	 * key is taken whatever its version. A key the file did not give is
	 * the factory key only while its version says so.
	 */
	if (have_c && !have_p && r->tag.status == NTAG424_PROV_IMPORTED)
		cv = r->ver[k];
	if (have_p && pv == r->ver[k] && pv != cv) {
		/* The pending key reached the tag. */
		memcpy(r->key[k], pk, KLEN);
		if (write && (rc = ops->key_applied(r->p->ctx, r->uid, k)) !=
		    NTAG424_OK)
			goto store;
		if (write)
			rc = run_journal(r, "resume", k, "applied", 0);
		r->rep->resumed = true;
	} else if (cv == r->ver[k]) {
		memcpy(r->key[k], ck, KLEN);
		if (have_p && ps == NTAG424_PROV_KEY_MAYBE && write) {
			/* Proved not applied; a new intent follows. */
			if ((rc = ops->key_abandon(r->p->ctx, r->uid, k)) !=
			    NTAG424_OK)
				goto store;
			rc = run_journal(r, "resume", k, "not-applied", 0);
			r->rep->resumed = true;
		}
	} else {
		*foreign = true;
		if (r->tag.status == NTAG424_PROV_IMPORTED && !have_c)
			snprintf(r->rep->hint, sizeof(r->rep->hint), "key %u "
			    "is not the factory key (version %02X) and the "
			    "imported file did not give it: import it too "
			    "(same file with that key; nothing was changed)",
			    k, r->ver[k]);
	}
	goto out;
store:
	rc = run_store_fail(r, "lookup", rc, false);
out:
	wipe(ck, sizeof(ck));
	wipe(pk, sizeof(pk));
	return rc;
}

int
state_reconcile(struct run *r)
{
	bool	foreign = false;
	int	rc;

	if (r->op == OP_CHECK)
		return NTAG424_OK;
	for (uint8_t k = 0; k < NKEYS; k++) {
		if ((r->read_mask & (1u << k)) == 0)
			continue;	/* assumed factory: zero */
		if (!r->known) {
			if (r->ver[k] != 0)
				foreign = true;
			continue;
		}
		if ((rc = resolve_key(r, k, &foreign)) != NTAG424_OK)
			return rc;
	}
	if (foreign)
		r->rep->found = NTAG424_PROV_FOUND_FOREIGN;
	else
		(void)state_found(r);
	return NTAG424_OK;
}

static bool
all_versions_zero(const struct run *r)
{
	for (uint8_t k = 0; k < NKEYS; k++)
		if ((r->read_mask & (1u << k)) != 0 && r->ver[k] != 0)
			return false;
	return true;
}

/* Classify after reconcile; also stores the finding in the report. */
int
state_found(struct run *r)
{
	int f;

	if (!r->known)
		f = all_versions_zero(r) ? NTAG424_PROV_FOUND_FACTORY :
		    NTAG424_PROV_FOUND_FOREIGN;
	else if (r->tag.status == NTAG424_PROV_PROVISIONED && !r->rep->resumed)
		f = NTAG424_PROV_FOUND_OURS;
	else if (r->tag.status == NTAG424_PROV_FACTORY && all_versions_zero(r))
		f = NTAG424_PROV_FOUND_FACTORY;
	else if (r->tag.status == NTAG424_PROV_IMPORTED)
		f = NTAG424_PROV_FOUND_IMPORTED;
	else
		f = NTAG424_PROV_FOUND_PARTIAL;
	r->rep->found = f;
	return f;
}
