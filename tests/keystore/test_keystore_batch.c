/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifier's batch accept (ntag424_ks_counter_accept_batch) with every
 * outcome in one batch. On PostgreSQL the advances of tags the handle has
 * seen go out as one statement over a list of rows; the rows it does not
 * change (replays, edited rows, stale generations, revoked tags) must come
 * out exactly as the one-by-one path gives them, in the batch's order.
 */
#include <stdio.h>
#include <string.h>

#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

#define TAGS	8
#define MANY	300	/* more than one statement's rows */

/* Tag i's UID: 04 EE 00 00 00 hi lo. */
static void
uid_of(size_t i, uint8_t uid[7])
{
	static const uint8_t base[7] = { 0x04, 0xEE, 0, 0, 0, 0, 0 };

	memcpy(uid, base, 7);
	uid[5] = (uint8_t)(i >> 8);
	uid[6] = (uint8_t)i;
}

static void
provisioned(ntag424_ks_t *ks, size_t n)
{
	uint8_t uid[7];

	for (size_t i = 0; i < n; i++) {
		uid_of(i, uid);
		CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid));
		CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid,
		    NTAG424_KS_PROVISIONED));	/* generation 1 */
	}
}

static void
tap(struct ntag424_ks_advance *a, size_t tag, uint32_t generation,
    uint32_t ctr)
{
	memset(a, 0, sizeof(*a));
	uid_of(tag, a->uid);
	a->generation = generation;
	a->ctr = ctr;
}

static void
check_ctr(ntag424_ks_t *ks, size_t tag, uint32_t generation, uint32_t want)
{
	uint8_t		uid[7];
	uint32_t	ctr = 0;

	uid_of(tag, uid);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid, generation,
	    &ctr));
	CHECK_INT(want, ctr);
}

/*
 * What accept_batch_mixed left, through a new handle that has seen
 * nothing: every outcome again from the first read of each tag.
 */
static void
accept_batch_cold(void)
{
	struct ntag424_ks_advance	 v[9];
	ntag424_ks_t			*ks = open_main();

	tap(&v[0], 0, 1, 4);		/* fresh */
	tap(&v[1], 0, 1, 4);		/* the same again */
	tap(&v[2], 1, 1, 5);		/* used before */
	tap(&v[3], 2, 1, 9);		/* its counter row edited */
	tap(&v[4], 3, 1, 9);		/* an earlier provisioning */
	tap(&v[5], 4, 1, 9);		/* revoked */
	tap(&v[6], 50, 1, 1);		/* no such tag */
	tap(&v[7], 5, 1, 4);		/* fresh */
	tap(&v[8], 3, 2, 2);		/* fresh, its new generation */
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 9));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[1].outcome);
	CHECK_INT(4, v[1].stored);
	CHECK_INT(NTAG424_KS_REPLAY, v[2].outcome);
	CHECK_INT(5, v[2].stored);
	CHECK_INT(NTAG424_KS_TAMPERED, v[3].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[4].outcome);
	CHECK_INT(NTAG424_KS_REVOKED, v[5].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[6].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[7].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[8].outcome);
	check_ctr(ks, 0, 1, 4);
	check_ctr(ks, 5, 1, 4);
	check_ctr(ks, 3, 2, 2);
	ntag424_ks_free(&ks);
}

/*
 * Tags 0-6 tapped once (so the handle has seen them), then edited, revoked
 * or re-provisioned behind its back; tag 7 never tapped before.
 */
static void
accept_batch_mixed(void)
{
	struct ntag424_ks_advance	 v[11];
	ntag424_ks_t			*ks;
	uint8_t				 uid[7];
	char				 sql[200];

	fresh();
	ks = open_main();
	provisioned(ks, TAGS);
	for (size_t i = 0; i < 7; i++)
		tap(&v[i], i, 1, 1);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 7));
	for (size_t i = 0; i < 7; i++)
		CHECK_INT(NTAG424_KS_ADVANCED, v[i].outcome);

	snprintf(sql, sizeof(sql), "UPDATE counters SET ctr = 0 WHERE uid = "
	    "'04EE0000000002'");
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, sql));	/* no MAC for it */
	uid_of(3, uid);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid,
	    NTAG424_KS_PROVISIONED));	/* generation 2: 1 is over */
	uid_of(4, uid);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_revoke(ks, uid, "lost"));

	tap(&v[0], 0, 1, 2);		/* fresh */
	tap(&v[1], 1, 1, 1);		/* used before */
	tap(&v[2], 2, 1, 2);		/* its counter row edited */
	tap(&v[3], 3, 1, 2);		/* an earlier provisioning */
	tap(&v[4], 4, 1, 2);		/* revoked */
	tap(&v[5], 5, 1, 3);		/* fresh, skipping 2 */
	tap(&v[6], 0, 1, 2);		/* the first one again */
	tap(&v[7], 7, 1, 1);		/* first tap, not seen before */
	tap(&v[8], 1, 1, 5);		/* after its replay: fresh */
	tap(&v[9], 6, 1, 4);		/* fresh ... */
	tap(&v[10], 6, 1, 3);		/* ... then an older one of it */
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 11));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[1].outcome);
	CHECK_INT(1, v[1].stored);
	CHECK_INT(NTAG424_KS_TAMPERED, v[2].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[3].outcome);
	CHECK_INT(NTAG424_KS_REVOKED, v[4].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[5].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[6].outcome);
	CHECK_INT(2, v[6].stored);
	CHECK_INT(NTAG424_KS_ADVANCED, v[7].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[8].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[9].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[10].outcome);
	CHECK_INT(4, v[10].stored);
	CHECK_MSG(ks, "tag 04EE0000000002: its read counter row");
	check_ctr(ks, 0, 1, 2);
	check_ctr(ks, 1, 1, 5);
	check_ctr(ks, 5, 1, 3);
	check_ctr(ks, 6, 1, 4);
	check_ctr(ks, 7, 1, 1);
	/* Nothing was stored for the refused ones. */
	check_ctr(ks, 4, 1, 1);
	uid_of(3, uid);
	uint32_t ctr = 0;
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_counter_get(ks, uid, 2,
	    &ctr));

	/* The next batch: tag 7 is now seen too, tag 2 is still refused. */
	tap(&v[0], 7, 1, 2);
	tap(&v[1], 0, 1, 3);
	tap(&v[2], 2, 1, 3);
	tap(&v[3], 3, 2, 1);		/* its new generation */
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 4));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[1].outcome);
	CHECK_INT(NTAG424_KS_TAMPERED, v[2].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[3].outcome);
	check_ctr(ks, 7, 1, 2);
	check_ctr(ks, 3, 2, 1);
	ntag424_ks_free(&ks);
	accept_batch_cold();
}

/*
 * More advances than one statement takes, every one fresh, then the same
 * taps again: every one a replay of exactly its own counter.
 */
static void
accept_batch_many(void)
{
	static struct ntag424_ks_advance	 v[MANY];
	ntag424_ks_t				*ks;

	fresh();
	ks = open_main();
	provisioned(ks, MANY);
	for (uint32_t round = 1; round <= 2; round++) {
		for (size_t i = 0; i < MANY; i++)
			tap(&v[i], i, 1, round * 10 + (uint32_t)(i % 7));
		CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v,
		    MANY));
		for (size_t i = 0; i < MANY; i++)
			CHECK_INT(NTAG424_KS_ADVANCED, v[i].outcome);
	}
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, MANY));
	for (size_t i = 0; i < MANY; i++) {
		CHECK_INT(NTAG424_KS_REPLAY, v[i].outcome);
		CHECK_INT(20 + i % 7, v[i].stored);
	}
	check_ctr(ks, MANY - 1, 1, 20 + (MANY - 1) % 7);
	ntag424_ks_free(&ks);
}

void
ks_run_batch_cases(void)
{
	RUN(accept_batch_mixed);
	RUN(accept_batch_many);
}
