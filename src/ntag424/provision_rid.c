/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Random ID (NT4H2421Gx 10.5.1, SetConfiguration option 00): a tag that
 * answers every anticollision and GetVersion with a random UID, so that a
 * reader cannot track it; only GetCardUID in a session reveals the real
 * one. It cannot be turned off again. A run names such a tag with its UID
 * (ntag424_prov_expect_uid()), authenticates with that UID's key 0 and
 * confirms with GetCardUID before it relies on it.
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/config.h"
#include "ntag424/err.h"
#include "ntag424/uid.h"
#include "provision_int.h"

int
rid_confirm(struct run *r)
{
	uint8_t	uid[NTAG424_UID_LEN];
	int	rc;

	if (!r->random_uid || r->uid_confirmed)
		return NTAG424_OK;
	if ((rc = ntag424_uid_get(r->dev, uid)) != NTAG424_OK)
		return run_fail(r, "GetCardUID", rc, "GetCardUID failed");
	if (memcmp(uid, r->uid, sizeof(uid)) != 0) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "give the UID of "
		    "the tag on the reader with --uid");
		return run_fail(r, "GetCardUID", NTAG424_ERR_STATE, "the tag "
		    "on the reader is not the one named with --uid");
	}
	r->uid_confirmed = true;
	return NTAG424_OK;
}

void
rid_step(struct run *r)
{
	if (r->p->plan.random_uid && !r->random_uid)
		run_step(r, "SetConfiguration (Random ID, PERMANENT)", 1);
}

/* In the session of the final key 0 check: the last change of a run. */
int
rid_set(struct run *r)
{
	int rc;

	if (!r->p->plan.random_uid || r->random_uid)
		return NTAG424_OK;
	if ((rc = run_journal(r, "SetConfiguration", -1, "intent", 0)) !=
	    NTAG424_OK)
		return rc;
	r->rep->changed = true;
	if ((rc = ntag424_config_random_uid(r->dev)) != NTAG424_OK) {
		(void)r->p->ops->journal(r->p->ctx, r->uid, "SetConfiguration",
		    -1, "failed", rc);
		return run_fail(r, "SetConfiguration", rc, "turning on Random "
		    "ID failed");
	}
	return run_journal(r, "SetConfiguration", -1, "random-id", 0);
}
