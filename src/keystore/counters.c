/*
 * The verifier's counters: per (UID, generation) the last accepted
 * SDMReadCtr, each row with its MAC (rowauth.c). An advance reads the row,
 * checks its MAC (the verifier's also the tag row's), and writes the new
 * counter only while the row still holds the counter it read (compare and
 * swap). Two requests racing on two servers cannot both accept the same
 * counter: the row lock (PostgreSQL) or the write lock (SQLite) orders the
 * two writes, the second finds the row changed, reads it again and sees
 * ctr >= its own. A provisioned tag's row exists from its provisioning on
 * (ctr -1: nothing accepted yet), so a missing row is tampering.
 */
#include <string.h>
#include <time.h>

#include "keystore/ks.h"
#include "ntag424/err.h"

#define CAS_TRIES	8	/* other servers moved the row meanwhile */
#define NO_CTR		(-1)	/* a counter row before the first tap */

static const char read_sql[] =
    "SELECT ctr, mac FROM counters WHERE uid = $1 AND generation = $2";

static const char insert_sql[] =
    "INSERT INTO counters (uid, generation, ctr, updated, mac) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uid, generation) DO NOTHING";

static const char cas_sql[] =
    "UPDATE counters SET ctr = $3, updated = $4, mac = $5 "
    "WHERE uid = $1 AND generation = $2 AND ctr = $6";

/* The tag row and its counter row at the generation asked for. */
static const char accept_sql[] =
    "SELECT " KS_TAG_COLS ", counters.ctr, counters.mac FROM tags "
    "LEFT JOIN counters ON counters.uid = tags.uid "
    "AND counters.generation = $2 WHERE tags.uid = $1";
#define ACC_CTR		(KS_TAG_MAC_COL + 1)
#define ACC_MAC		(KS_TAG_MAC_COL + 2)

struct cur {
	int	found;
	int64_t	ctr;
};

/* A counter row as read (mac may be NULL): 1 authentic, 0 not, < 0 error. */
static int
authentic(ntag424_ks_t *ks, const char *uidhex, uint32_t generation,
    int64_t ctr, const char *mac)
{
	char	want[KS_MAC_HEX];
	int	r;

	if ((r = ks_counter_mac(ks, uidhex, generation, ctr, want)) !=
	    NTAG424_OK)
		return r;
	if (ks_mac_equal(mac, want))
		return 1;
	ks_tampered(ks, uidhex, "read counter row");
	return 0;
}

static int
read_counter(ntag424_ks_t *ks, const char *uidhex, uint32_t generation,
    struct cur *c, int *ok)
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(generation) };
	db_res_t	*res = NULL;
	int		 r;

	memset(c, 0, sizeof(*c));
	*ok = 1;
	if ((r = ks_query(ks, "reading a read counter", read_sql, p, 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a read counter", res)) == 1) {
		c->found = 1;
		c->ctr = ks->be->col_int(res, 0);
		r = authentic(ks, uidhex, generation, c->ctr,
		    ks->be->col_text(res, 1));
		*ok = r == 1;
		r = r < 0 ? r : NTAG424_OK;
	}
	ks->be->res_free(res);
	return r;
}

/* Write ctr with its MAC where old was read; *changes 0: it moved on. */
static int
store(ntag424_ks_t *ks, const char *uidhex, uint32_t generation,
    int64_t ctr, const struct cur *old, int64_t *changes)
{
	char		mac[KS_MAC_HEX];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(generation), P_INT(ctr),
	    P_INT(time(NULL)), P_TEXT(mac), P_INT(old->ctr) };
	int		r;

	*changes = 0;
	if ((r = ks_counter_mac(ks, uidhex, generation, ctr, mac)) !=
	    NTAG424_OK)
		return r;
	if (old->found)
		return ks_exec(ks, "advancing a read counter", cas_sql, p, 6,
		    changes);
	return ks_exec(ks, "storing a read counter", insert_sql, p, 5, changes);
}

int
ks_counter_create(ntag424_ks_t *ks, const char *uidhex, uint32_t generation)
{
	struct cur	none = { 0, 0 };
	int64_t		changes = 0;

	return store(ks, uidhex, generation, NO_CTR, &none, &changes);
}

static int
kept_changing(ntag424_ks_t *ks, const char *uidhex)
{
	return ks_fail(ks, NTAG424_ERR_STORE, "the read counter of tag %s "
	    "changed %d times while it was being advanced: nothing was "
	    "accepted", uidhex, CAS_TRIES);
}

/* The counter row alone (no tag row): create it or raise it. */
static int
advance(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    uint32_t generation, uint32_t ctr, int *outcome, uint32_t *got)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct cur	c;
	int64_t		changes = 0;
	int		r, ok;

	ks_uid_hex(uid, uidhex);
	for (int i = 0; i < CAS_TRIES; i++) {
		if ((r = read_counter(ks, uidhex, generation, &c, &ok)) !=
		    NTAG424_OK)
			return r;
		if (!ok) {
			*outcome = NTAG424_KS_TAMPERED;
			return NTAG424_OK;
		}
		if (c.found && c.ctr >= (int64_t)ctr) {
			*outcome = NTAG424_KS_REPLAY;
			if (got != NULL)
				*got = (uint32_t)c.ctr;
			return NTAG424_OK;
		}
		if ((r = store(ks, uidhex, generation, ctr, &c, &changes)) !=
		    NTAG424_OK)
			return r;
		if (changes == 1) {
			*outcome = NTAG424_KS_ADVANCED;
			return NTAG424_OK;
		}
	}
	return kept_changing(ks, uidhex);
}

int
ntag424_ks_counter_advance(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], uint32_t generation, uint32_t ctr,
    int *outcome)
{
	int r;

	*outcome = 0;
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	if ((r = advance(ks, uid, generation, ctr, outcome, NULL)) ==
	    NTAG424_OK && *outcome == NTAG424_KS_TAMPERED)
		r = NTAG424_ERR_STORE;	/* the message is set */
	if (r != NTAG424_OK) {
		ks_rollback(ks);
		*outcome = 0;
		return r;
	}
	return ks_commit(ks);
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
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
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
 * What the tag row under res's cursor says of a: 0 go on (c is its
 * counter row), else the outcome (stale, revoked, tampered).
 */
static int
judge(ntag424_ks_t *ks, db_res_t *res, const char *uidhex,
    const struct ntag424_ks_advance *a, struct cur *c)
{
	const struct db_backend	*be = ks->be;
	const char		*status = be->col_text(res, 1);
	char			 mac[KS_MAC_HEX];
	int			 r;

	if ((r = ks_tag_mac(ks, res, be->col_text(res, KS_TAG_DIGEST_COL),
	    mac)) != NTAG424_OK)
		return r;
	if (!ks_mac_equal(be->col_text(res, KS_TAG_MAC_COL), mac)) {
		ks_tampered(ks, uidhex, "tag row");
		return NTAG424_KS_TAMPERED;
	}
	if (status == NULL || strcmp(status, "provisioned") != 0 ||
	    be->col_int(res, 6) != (int64_t)a->generation)
		return NTAG424_KS_STALE;
	if (be->col_int(res, 10) != 0)
		return NTAG424_KS_REVOKED;
	c->found = 1;
	c->ctr = be->col_int(res, ACC_CTR);
	if (be->col_text(res, ACC_CTR) == NULL) {
		ks_tampered(ks, uidhex, "read counter row (missing)");
		return NTAG424_KS_TAMPERED;
	}
	r = authentic(ks, uidhex, a->generation, c->ctr,
	    be->col_text(res, ACC_MAC));
	return r < 0 ? r : r == 1 ? 0 : NTAG424_KS_TAMPERED;
}

/* One read of the tag and counter rows: 0 go on, > 0 outcome, < 0 error. */
static int
accept_read(ntag424_ks_t *ks, const char *uidhex,
    const struct ntag424_ks_advance *a, struct cur *c)
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(a->generation) };
	db_res_t	*res = NULL;
	int		 r;

	memset(c, 0, sizeof(*c));
	if ((r = ks_query(ks, "reading a tag and its counter", accept_sql, p, 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a tag and its counter", res)) == 1)
		r = judge(ks, res, uidhex, a, c);
	else if (r == 0)
		r = NTAG424_KS_STALE;	/* no such tag (any more) */
	ks->be->res_free(res);
	return r;
}

static int
accept_one(ntag424_ks_t *ks, struct ntag424_ks_advance *a)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct cur	c;
	int64_t		changes = 0;
	int		r;

	ks_uid_hex(a->uid, uidhex);
	for (int i = 0; i < CAS_TRIES; i++) {
		if ((r = accept_read(ks, uidhex, a, &c)) < 0)
			return r;
		if (r > 0) {
			a->outcome = r;
			return NTAG424_OK;
		}
		if (c.ctr >= (int64_t)a->ctr) {
			a->outcome = NTAG424_KS_REPLAY;
			a->stored = (uint32_t)c.ctr;
			return NTAG424_OK;
		}
		if ((r = store(ks, uidhex, a->generation, a->ctr, &c,
		    &changes)) != NTAG424_OK)
			return r;
		if (changes == 1) {
			a->outcome = NTAG424_KS_ADVANCED;
			return NTAG424_OK;
		}
	}
	return kept_changing(ks, uidhex);
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
	char		uidhex[UID_HEX_LEN + 1];
	struct cur	c;
	int		r, ok;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = read_counter(ks, uidhex, generation, &c, &ok)) != NTAG424_OK)
		return r;
	if (!ok)
		return NTAG424_ERR_STORE;	/* the message is set */
	if (!c.found || c.ctr < 0)
		return ks_fail(ks, NTAG424_ERR_NOT_FOUND, "no read counter for "
		    "tag %s generation %u", uidhex, (unsigned)generation);
	*ctr = (uint32_t)c.ctr;
	return NTAG424_OK;
}

/* Backups: every accepted counter out (checked), and in only upwards. */
int
ks_counter_foreach(ntag424_ks_t *ks, int (*fn)(const uint8_t *uid,
    uint32_t generation, uint32_t ctr, void *arg), void *arg)
{
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	const char	*uidhex;
	db_res_t	*res = NULL;
	uint32_t	 gen;
	int64_t		 ctr;
	int		 r;

	if ((r = ks_query(ks, "listing read counters", "SELECT uid, generation, "
	    "ctr, mac FROM counters ORDER BY uid, generation", NULL, 0, &res)) !=
	    NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing read counters", res)) == 1) {
		uidhex = ks->be->col_text(res, 0);
		gen = (uint32_t)ks->be->col_int(res, 1);
		ctr = ks->be->col_int(res, 2);
		if (ks_uid_parse(uidhex, uid) != 0) {
			r = ks_fail(ks, NTAG424_ERR_STORE, "a read counter row "
			    "in %s is damaged", ks->where);
			break;
		}
		if ((r = authentic(ks, uidhex, gen, ctr,
		    ks->be->col_text(res, 3))) != 1) {
			r = r < 0 ? r : NTAG424_ERR_STORE;
			break;
		}
		if (ctr >= 0 && (r = fn(uid, gen, (uint32_t)ctr, arg)) != 0)
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
	if (r == NTAG424_OK && outcome == NTAG424_KS_TAMPERED)
		r = NTAG424_ERR_STORE;
	*raised = outcome == NTAG424_KS_ADVANCED;
	return r;
}
