/*
 * The verifier's counters: per (UID, generation) the last accepted
 * SDMReadCtr. One conditional upsert decides, so two requests racing on two
 * servers cannot both accept the same counter: the row lock (PostgreSQL) or
 * the write lock (SQLite) orders them and the second sees ctr >= new.
 */
#include <time.h>

#include "keystore/ks.h"
#include "ntag424/err.h"

static const char advance_sql[] =
    "INSERT INTO counters (uid, generation, ctr, updated) "
    "VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (uid, generation) DO UPDATE "
    "SET ctr = excluded.ctr, updated = excluded.updated "
    "WHERE counters.ctr < excluded.ctr";

/*
 * The same upsert fed by a SELECT that yields a row only while generation
 * is the tag's current one. "WHERE" before "ON CONFLICT" also settles
 * SQLite's parsing ambiguity of INSERT ... SELECT ... ON CONFLICT.
 */
static const char accept_sql[] =
    "INSERT INTO counters (uid, generation, ctr, updated) "
    "SELECT uid, generation, CAST($3 AS BIGINT), CAST($4 AS BIGINT) "
    "FROM tags "
    "WHERE uid = $1 AND generation = $2 AND status = 'provisioned' "
    "AND revoked = 0 "
    "ON CONFLICT (uid, generation) DO UPDATE "
    "SET ctr = excluded.ctr, updated = excluded.updated "
    "WHERE counters.ctr < excluded.ctr";

/* Why accept_sql stored nothing: no row (stale), revoked, or the counter. */
static const char why_sql[] =
    "SELECT tags.revoked, counters.ctr FROM tags LEFT JOIN counters "
    "ON counters.uid = tags.uid AND counters.generation = tags.generation "
    "WHERE tags.uid = $1 AND tags.generation = $2 "
    "AND tags.status = 'provisioned'";

static const char stored_sql[] =
    "SELECT ctr FROM counters WHERE uid = $1 AND generation = $2";

/* The counter stored for (uid, generation), 0 if none (a replay's why). */
static int
stored(ntag424_ks_t *ks, const char *uidhex, uint32_t generation,
    uint32_t *ctr)
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(generation) };
	db_res_t	*res = NULL;
	int		 r;

	*ctr = 0;
	if ((r = ks_query(ks, "reading a read counter", stored_sql, p, 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a read counter", res)) == 1)
		*ctr = (uint32_t)ks->be->col_int(res, 0);
	ks->be->res_free(res);
	return r < 0 ? r : NTAG424_OK;
}

static int
advance(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    uint32_t generation, uint32_t ctr, int *outcome, uint32_t *got)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(generation), P_INT(ctr),
	    P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_exec(ks, "advancing a read counter", advance_sql, p, 4,
	    &changes)) != NTAG424_OK)
		return r;
	*outcome = changes == 1 ? NTAG424_KS_ADVANCED : NTAG424_KS_REPLAY;
	if (changes == 1 || got == NULL)
		return NTAG424_OK;
	return stored(ks, uidhex, generation, got);
}

int
ntag424_ks_counter_advance(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], uint32_t generation, uint32_t ctr,
    int *outcome)
{
	*outcome = 0;
	return advance(ks, uid, generation, ctr, outcome, NULL);
}

static int
advance_one(ntag424_ks_t *ks, struct ntag424_ks_advance *a)
{
	return advance(ks, a->uid, a->generation, a->ctr, &a->outcome,
	    &a->stored);
}

/*
 * Every item in one write transaction: all outcomes count, or on any
 * failure none does (every outcome is reset to 0 and nothing is kept).
 */
static int
run_batch(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n,
    int (*one)(ntag424_ks_t *, struct ntag424_ks_advance *))
{
	size_t	i;
	int	r;

	for (i = 0; i < n; i++) {
		v[i].outcome = 0;
		v[i].stored = 0;
	}
	if ((r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	for (i = 0; i < n; i++)
		if ((r = one(ks, &v[i])) != NTAG424_OK)
			break;
	if (r == NTAG424_OK)
		r = ks_commit(ks);
	else
		ks_rollback(ks);
	if (r != NTAG424_OK)
		for (i = 0; i < n; i++)
			v[i].outcome = 0;
	return r;
}

int
ntag424_ks_counter_advance_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n)
{
	return run_batch(ks, v, n, advance_one);
}

/*
 * Not advanced: stale if the generation is not the provisioned tag's,
 * else revoked, else a replay (with the counter that was stored).
 */
static int
why_not(ntag424_ks_t *ks, const char *uidhex, struct ntag424_ks_advance *a)
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(a->generation) };
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, "checking a tag's generation", why_sql, p, 2,
	    &res)) != NTAG424_OK)
		return r;
	r = ks_next(ks, "checking a tag's generation", res);
	if (r == 0)
		a->outcome = NTAG424_KS_STALE;
	else if (r == 1 && ks->be->col_int(res, 0) != 0)
		a->outcome = NTAG424_KS_REVOKED;
	else if (r == 1) {
		a->outcome = NTAG424_KS_REPLAY;
		a->stored = (uint32_t)ks->be->col_int(res, 1);
	}
	ks->be->res_free(res);
	return r < 0 ? r : NTAG424_OK;
}

static int
accept_one(ntag424_ks_t *ks, struct ntag424_ks_advance *a)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(a->generation),
	    P_INT(a->ctr), P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	ks_uid_hex(a->uid, uidhex);
	if ((r = ks_exec(ks, "accepting a read counter", accept_sql, p, 4,
	    &changes)) != NTAG424_OK)
		return r;
	if (changes == 1) {
		a->outcome = NTAG424_KS_ADVANCED;
		return NTAG424_OK;
	}
	return why_not(ks, uidhex, a);
}

int
ntag424_ks_counter_accept_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n)
{
	return run_batch(ks, v, n, accept_one);
}

int
ntag424_ks_counter_get(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], uint32_t generation, uint32_t *ctr)
{
	char		 uidhex[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(generation) };
	db_res_t	*res = NULL;
	int		 r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_query(ks, "reading a read counter", "SELECT ctr FROM "
	    "counters WHERE uid = $1 AND generation = $2", p, 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a read counter", res)) == 1) {
		*ctr = (uint32_t)ks->be->col_int(res, 0);
		r = NTAG424_OK;
	} else if (r == 0)
		r = ks_fail(ks, NTAG424_ERR_NOT_FOUND, "no read counter for tag "
		    "%s generation %u", uidhex, (unsigned)generation);
	ks->be->res_free(res);
	return r;
}

/* Backups: every counter out, and in only upwards (advance_sql). */
int
ks_counter_foreach(ntag424_ks_t *ks, int (*fn)(const uint8_t *uid,
    uint32_t generation, uint32_t ctr, void *arg), void *arg)
{
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, "listing read counters", "SELECT uid, generation, "
	    "ctr FROM counters ORDER BY uid, generation", NULL, 0, &res)) !=
	    NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing read counters", res)) == 1) {
		if (ks_uid_parse(ks->be->col_text(res, 0), uid) != 0) {
			r = ks_fail(ks, NTAG424_ERR_STORE, "a read counter row "
			    "in %s is damaged", ks->where);
			break;
		}
		if ((r = fn(uid, (uint32_t)ks->be->col_int(res, 1),
		    (uint32_t)ks->be->col_int(res, 2), arg)) != 0)
			break;
	}
	ks->be->res_free(res);
	return r;
}

int
ks_counter_raise(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    uint32_t generation, uint32_t ctr, int *raised)
{
	int outcome = 0, r;

	r = advance(ks, uid, generation, ctr, &outcome, NULL);
	*raised = outcome == NTAG424_KS_ADVANCED;
	return r;
}
