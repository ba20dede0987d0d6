/* SPDX-License-Identifier: BSD-2-Clause */
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
 *
 * The verifier's handle remembers, per (UID, generation), the counter row
 * and tag MAC it last checked or wrote ("seen"). The next tap then costs
 * one statement, as before rows had MACs: a compare and swap that holds
 * only while both rows are still exactly the ones checked (their MAC
 * columns equal), else the full read and check runs. The memory also
 * catches a counter row put back to an older authentic value while the
 * verifier runs: counters only go up.
 *
 * On a server (PostgreSQL) every statement is a round trip, so a batch's
 * compare and swaps against what was seen go out as one statement over a
 * list of rows (fast_rows_head, fast_rows_tail), with the same conditions
 * per row as fast_sql; the rows it did not change take the full read and
 * check, in the batch's order. Before it, the tags of the batch not seen
 * yet are read in one statement and checked as one read would be: each
 * is then decided (stale, revoked, tampered, replay) or seen, and joins
 * the list. A (UID, generation) appears at most once in either list: its
 * later taps in the batch run after it, one by one.
 */
#include <stdio.h>
#include <stdlib.h>
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
#define ACC_ITEM	(KS_TAG_MAC_COL + 3)	/* miss_tail's v.i */

/* The one-statement accept while both rows are as last seen. */
static const char fast_sql[] =
    "UPDATE counters SET ctr = $3, updated = $4, mac = $5 "
    "WHERE uid = $1 AND generation = $2 AND ctr = $6 AND mac = $7 "
    "AND EXISTS (SELECT 1 FROM tags WHERE tags.uid = $1 "
    "AND tags.generation = $2 AND tags.status = 'provisioned' "
    "AND tags.revoked = 0 AND tags.mac = $8)";

/*
 * The same for a list of rows: v(uid, generation, ctr, mac, old, cmac,
 * tmac), $1 the time, then ROW_PARAMS per row (the first row's casts type
 * the columns). RETURNING names the rows that held (SQLite allows only
 * the updated table's columns there). The tag row is checked by a
 * subquery on its key, not EXISTS: PostgreSQL turns EXISTS into a join,
 * and with statistics from while the tags were being provisioned it
 * planned a scan of every tag per listed row (50 ms for 32 rows of 1000
 * tags); the subquery is one index lookup per row whatever the estimates.
 */
static const char fast_rows_head[] =
    "WITH v(uid, generation, ctr, mac, old, cmac, tmac) AS (VALUES "
    "(CAST($2 AS TEXT), CAST($3 AS BIGINT), CAST($4 AS BIGINT), "
    "CAST($5 AS TEXT), CAST($6 AS BIGINT), CAST($7 AS TEXT), "
    "CAST($8 AS TEXT))";
static const char fast_rows_tail[] =
    ") UPDATE counters SET ctr = v.ctr, updated = $1, mac = v.mac FROM v "
    "WHERE counters.uid = v.uid AND counters.generation = v.generation "
    "AND counters.ctr = v.old AND counters.mac = v.cmac "
    "AND (SELECT tags.mac FROM tags WHERE tags.uid = v.uid "
    "AND tags.generation = v.generation AND tags.status = 'provisioned' "
    "AND tags.revoked = 0) = v.tmac "
    "RETURNING counters.uid, counters.generation";
#define ROW_PARAMS	7
#define ROW_SQL_MAX	64	/* ",($9999,...)" for one row */
#define FAST_ROWS_MAX	256	/* rows per statement */

/* accept_sql for a list of rows v(i, uid, generation) not seen before. */
static const char miss_head[] =
    "WITH v(i, uid, generation) AS (VALUES (CAST($1 AS BIGINT), "
    "CAST($2 AS TEXT), CAST($3 AS BIGINT))";
static const char miss_tail[] =
    ") SELECT " KS_TAG_COLS ", counters.ctr, counters.mac, v.i FROM v "
    "JOIN tags ON tags.uid = v.uid LEFT JOIN counters ON "
    "counters.uid = v.uid AND counters.generation = v.generation";
#define MISS_PARAMS	3

#define SEEN_SLOTS	16384	/* power of two; a miss costs one read */

struct seen {
	uint8_t		uid[NTAG424_KS_UID_LEN];
	uint8_t		used;
	uint32_t	generation;
	uint64_t	batch;		/* the last batch that listed it */
	size_t		row;		/* its row in that batch's statement */
	int64_t		ctr;
	char		cmac[KS_MAC_HEX];
	char		tmac[KS_MAC_HEX];
};

struct seen_tab {
	uint64_t	batch;		/* batches listed so far */
	struct seen	slot[SEEN_SLOTS];
};

static struct seen_tab *
seen_tab(ntag424_ks_t *ks)
{
	if (ks->seen == NULL)
		ks->seen = calloc(1, sizeof(struct seen_tab));
	return ks->seen;
}

static struct seen *
seen_slot(ntag424_ks_t *ks, const uint8_t *uid, uint32_t generation)
{
	struct seen_tab	*tab = seen_tab(ks);
	uint64_t	 h = 1469598103934665603ULL;	/* FNV-1a */

	if (tab == NULL)
		return NULL;
	for (size_t i = 0; i < NTAG424_KS_UID_LEN; i++)
		h = (h ^ uid[i]) * 1099511628211ULL;
	h = (h ^ generation) * 1099511628211ULL;
	return &tab->slot[h & (SEEN_SLOTS - 1)];
}

/* What was seen of (uid, generation), or NULL. */
static struct seen *
seen_get(ntag424_ks_t *ks, const uint8_t *uid, uint32_t generation)
{
	struct seen *e = seen_slot(ks, uid, generation);

	if (e == NULL || !e->used || e->generation != generation ||
	    memcmp(e->uid, uid, NTAG424_KS_UID_LEN) != 0)
		return NULL;
	return e;
}

static void
seen_put(ntag424_ks_t *ks, const uint8_t *uid, uint32_t generation,
    int64_t ctr, const char *cmac, const char *tmac)
{
	struct seen *e = seen_slot(ks, uid, generation);

	if (e == NULL)
		return;
	memcpy(e->uid, uid, NTAG424_KS_UID_LEN);
	e->used = 1;
	e->generation = generation;
	e->ctr = ctr;
	memcpy(e->cmac, cmac, KS_MAC_HEX);
	memcpy(e->tmac, tmac, KS_MAC_HEX);
}

/* A rolled-back batch: what was written in it was never stored. */
static void
seen_clear(ntag424_ks_t *ks)
{
	struct seen_tab *tab = ks->seen;

	if (tab != NULL)
		memset(tab->slot, 0, sizeof(tab->slot));
}

void
ks_counter_seen_free(ntag424_ks_t *ks)
{
	free(ks->seen);
	ks->seen = NULL;
}

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

/*
 * Write ctr with its MAC (into mac) where old was read; *changes 0: it
 * moved on.
 */
static int
store(ntag424_ks_t *ks, const char *uidhex, uint32_t generation,
    int64_t ctr, const struct cur *old, int64_t *changes, char mac[KS_MAC_HEX])
{
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
	char		mac[KS_MAC_HEX];
	int64_t		changes = 0;

	return store(ks, uidhex, generation, NO_CTR, &none, &changes, mac);
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
	char		uidhex[UID_HEX_LEN + 1], mac[KS_MAC_HEX];
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
		if ((r = store(ks, uidhex, generation, ctr, &c, &changes,
		    mac)) != NTAG424_OK)
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
advance_all(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n)
{
	int r = NTAG424_OK;

	for (size_t i = 0; i < n && r == NTAG424_OK; i++)
		r = advance(ks, v[i].uid, v[i].generation, v[i].ctr,
		    &v[i].outcome, &v[i].stored);
	return r;
}

/*
 * Every item in one write transaction: all outcomes count, or on any
 * failure none does (every outcome is reset to 0 and nothing is kept).
 */
static int
run_batch(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n,
    int (*all)(ntag424_ks_t *, struct ntag424_ks_advance *, size_t))
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
	if ((r = all(ks, v, n)) == NTAG424_OK)
		r = ks_commit(ks);
	else
		ks_rollback(ks);
	if (r != NTAG424_OK) {
		seen_clear(ks);
		for (i = 0; i < n; i++)
			v[i].outcome = 0;
	}
	return r;
}

int
ntag424_ks_counter_advance_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n)
{
	return run_batch(ks, v, n, advance_all);
}

/*
 * What the tag row under res's cursor says of a: 0 go on (c is its
 * counter row), else the outcome (stale, revoked, tampered).
 */
static int
judge(ntag424_ks_t *ks, db_res_t *res, const char *uidhex,
    const struct ntag424_ks_advance *a, struct cur *c, char mac[KS_MAC_HEX])
{
	const struct db_backend	*be = ks->be;
	const char		*status = be->col_text(res, 1);
	const struct seen	*e;
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
	if (r != 1)
		return r < 0 ? r : NTAG424_KS_TAMPERED;
	if ((e = seen_get(ks, a->uid, a->generation)) != NULL &&
	    c->ctr < e->ctr) {
		ks_tampered(ks, uidhex, "read counter row (put back to an "
		    "older value)");
		return NTAG424_KS_TAMPERED;
	}
	return 0;
}

/* One read of the tag and counter rows: 0 go on, > 0 outcome, < 0 error. */
static int
accept_read(ntag424_ks_t *ks, const char *uidhex,
    const struct ntag424_ks_advance *a, struct cur *c, char tmac[KS_MAC_HEX])
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(a->generation) };
	db_res_t	*res = NULL;
	int		 r;

	memset(c, 0, sizeof(*c));
	if ((r = ks_query(ks, "reading a tag and its counter", accept_sql, p, 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a tag and its counter", res)) == 1)
		r = judge(ks, res, uidhex, a, c, tmac);
	else if (r == 0)
		r = NTAG424_KS_STALE;	/* no such tag (any more) */
	ks->be->res_free(res);
	return r;
}

/* The one-statement accept against what was seen: *changes 1 if it held. */
static int
accept_fast(ntag424_ks_t *ks, const char *uidhex,
    const struct ntag424_ks_advance *a, struct seen *e, int64_t *changes)
{
	char		mac[KS_MAC_HEX];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(a->generation),
	    P_INT(a->ctr), P_INT(time(NULL)), P_TEXT(mac), P_INT(e->ctr),
	    P_TEXT(e->cmac), P_TEXT(e->tmac) };
	int		r;

	*changes = 0;
	if ((r = ks_counter_mac(ks, uidhex, a->generation, a->ctr, mac)) !=
	    NTAG424_OK || (r = ks_exec(ks, "accepting a read counter",
	    fast_sql, p, 8, changes)) != NTAG424_OK || *changes != 1)
		return r;
	e->ctr = a->ctr;
	memcpy(e->cmac, mac, sizeof(mac));
	return NTAG424_OK;
}

/* listed: its compare and swap against what was seen already failed. */
static int
accept_one(ntag424_ks_t *ks, struct ntag424_ks_advance *a, int listed)
{
	char		 uidhex[UID_HEX_LEN + 1], tmac[KS_MAC_HEX];
	char		 cmac[KS_MAC_HEX];
	struct seen	*e;
	struct cur	 c;
	int64_t		 changes = 0;
	int		 r;

	ks_uid_hex(a->uid, uidhex);
	a->outcome = NTAG424_KS_ADVANCED;
	if (!listed && (e = seen_get(ks, a->uid, a->generation)) != NULL &&
	    (int64_t)a->ctr > e->ctr &&
	    ((r = accept_fast(ks, uidhex, a, e, &changes)) != NTAG424_OK ||
	    changes == 1))
		return r;
	for (int i = 0; i < CAS_TRIES; i++) {
		if ((r = accept_read(ks, uidhex, a, &c, tmac)) < 0)
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
		    &changes, cmac)) != NTAG424_OK)
			return r;
		if (changes == 1) {
			seen_put(ks, a->uid, a->generation, a->ctr, cmac, tmac);
			return NTAG424_OK;
		}
	}
	return kept_changing(ks, uidhex);
}

/* A row of the list: the advance, its new MAC, what was seen. */
struct fast_row {
	struct ntag424_ks_advance	*a;
	struct seen			*e;
	char				 uidhex[UID_HEX_LEN + 1];
	char				 mac[KS_MAC_HEX];
};

/*
 * Where each advance of a batch is: MISS (not seen: read with the
 * others), LISTED (in the list statement), LISTED_HELD (advanced there),
 * DECIDED (its outcome came from the read of the misses).
 */
enum listing { NOT_LISTED = 0, MISS, LISTED, LISTED_HELD, DECIDED };

/*
 * Which advances go into the list (listing[i] = LISTED): those seen, above
 * the counter seen, and the first of their (UID, generation) in v.
 */
static size_t
list_seen(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n,
    uint8_t *listing)
{
	struct seen_tab	*tab = seen_tab(ks);
	struct seen	*e;
	size_t		 m = 0;

	if (tab == NULL)
		return 0;
	tab->batch++;
	for (size_t i = 0; i < n; i++) {
		if (listing[i] == DECIDED ||
		    (e = seen_get(ks, v[i].uid, v[i].generation)) == NULL ||
		    e->batch == tab->batch)
			continue;
		e->batch = tab->batch;
		if ((int64_t)v[i].ctr > e->ctr) {
			listing[i] = LISTED;
			m++;
		}
	}
	return m;
}

/*
 * A list statement's text for m rows of per parameters each, the first
 * row's (in head) from $first on, into sql (cap: head, tail, m rows).
 */
static void
rows_text(char *sql, size_t cap, const char *head, const char *tail,
    size_t m, size_t per, size_t first)
{
	size_t	len = strlen(head);

	memcpy(sql, head, len);
	for (size_t j = 1; j < m; j++) {
		sql[len++] = ',';
		for (size_t c = 0; c < per; c++)
			len += (size_t)snprintf(sql + len, cap - len, "%s$%zu",
			    c == 0 ? "(" : ",", first + j * per + c);
		sql[len++] = ')';
	}
	snprintf(sql + len, cap - len, "%s", tail);
}

/* A row's parameters and its new MAC. */
static int
fast_row_params(ntag424_ks_t *ks, struct fast_row *f, struct db_param *p)
{
	const struct ntag424_ks_advance *a = f->a;
	int r;

	ks_uid_hex(a->uid, f->uidhex);
	if ((r = ks_counter_mac(ks, f->uidhex, a->generation, a->ctr,
	    f->mac)) != NTAG424_OK)
		return r;
	p[0] = (struct db_param)P_TEXT(f->uidhex);
	p[1] = (struct db_param)P_INT(a->generation);
	p[2] = (struct db_param)P_INT(a->ctr);
	p[3] = (struct db_param)P_TEXT(f->mac);
	p[4] = (struct db_param)P_INT(f->e->ctr);
	p[5] = (struct db_param)P_TEXT(f->e->cmac);
	p[6] = (struct db_param)P_TEXT(f->e->tmac);
	return NTAG424_OK;
}

/* The row of f (m rows) that res's row names, or NULL. */
static struct fast_row *
held_row(ntag424_ks_t *ks, db_res_t *res, struct fast_row *f, size_t m)
{
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	const char	*hex = ks->be->col_text(res, 0);
	int64_t		 gen = ks->be->col_int(res, 1);
	struct seen	*e;

	if (hex == NULL || ks_uid_parse(hex, uid) != 0 || gen < 0 ||
	    gen > UINT32_MAX || (e = seen_get(ks, uid, (uint32_t)gen)) ==
	    NULL || e->row >= m || f[e->row].e != e)
		return NULL;
	return &f[e->row];
}

/* The rows that held: advanced, and now what is seen of them. */
static int
fast_rows_held(ntag424_ks_t *ks, db_res_t *res, struct fast_row *f,
    size_t m, struct ntag424_ks_advance *v, uint8_t *listing)
{
	struct fast_row	*h;
	struct seen	*e;
	int		 r;

	while ((r = ks_next(ks, "accepting read counters", res)) == 1) {
		if ((h = held_row(ks, res, f, m)) == NULL)
			return ks_fail(ks, NTAG424_ERR_STORE, "accepting read "
			    "counters: the database returned a row not asked "
			    "for");
		listing[h->a - v] = LISTED_HELD;
		h->a->outcome = NTAG424_KS_ADVANCED;
		e = seen_get(ks, h->a->uid, h->a->generation);
		e->ctr = h->a->ctr;
		memcpy(e->cmac, h->mac, KS_MAC_HEX);
	}
	return r;
}

/* One statement for the m rows in f. */
static int
fast_rows(ntag424_ks_t *ks, struct fast_row *f, size_t m,
    struct ntag424_ks_advance *v, uint8_t *listing)
{
	size_t		 cap = sizeof(fast_rows_head) + sizeof(fast_rows_tail) +
	    m * ROW_SQL_MAX;
	char		*sql = malloc(cap);
	struct db_param	*p = calloc(1 + m * ROW_PARAMS, sizeof(*p));
	db_res_t	*res = NULL;
	int		 r;

	if (sql == NULL || p == NULL) {
		r = ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		goto fail;
	}
	p[0] = (struct db_param)P_INT(time(NULL));
	for (size_t j = 0; j < m; j++)
		if ((r = fast_row_params(ks, &f[j], &p[1 + j * ROW_PARAMS])) !=
		    NTAG424_OK)
			goto fail;
	rows_text(sql, cap, fast_rows_head, fast_rows_tail, m, ROW_PARAMS, 2);
	if ((r = ks_query(ks, "accepting read counters", sql, p,
	    1 + m * ROW_PARAMS, &res)) != NTAG424_OK)
		goto fail;
	r = fast_rows_held(ks, res, f, m, v, listing);
	ks->be->res_free(res);
fail:
	free(sql);
	free(p);
	return r;
}

/* The listed advances, FAST_ROWS_MAX rows per statement. */
static int
accept_listed(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n,
    uint8_t *listing, size_t listed)
{
	struct fast_row	*f;
	size_t		 m = 0, cap = listed < FAST_ROWS_MAX ? listed :
	    FAST_ROWS_MAX;
	int		 r = NTAG424_OK;

	if ((f = calloc(cap, sizeof(*f))) == NULL)
		return ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && r == NTAG424_OK; i++) {
		if (listing[i] == LISTED) {
			f[m].a = &v[i];
			f[m].e = seen_get(ks, v[i].uid, v[i].generation);
			f[m].e->row = m;
			m++;
		}
		if (m == cap || (i + 1 == n && m > 0)) {
			r = fast_rows(ks, f, m, v, listing);
			m = 0;
		}
	}
	free(f);
	return r;
}

/* Is v[i] a miss: not seen, and the first of its key among the misses? */
static int
first_miss(ntag424_ks_t *ks, const struct ntag424_ks_advance *v, size_t i,
    const uint8_t *listing)
{
	if (seen_get(ks, v[i].uid, v[i].generation) != NULL)
		return 0;
	for (size_t j = 0; j < i; j++)
		if (listing[j] == MISS && v[j].generation == v[i].generation &&
		    memcmp(v[j].uid, v[i].uid, NTAG424_KS_UID_LEN) == 0)
			return 0;
	return 1;
}

/* One row of the misses' read: decided, or seen from now on. */
static int
miss_row(ntag424_ks_t *ks, db_res_t *res, struct ntag424_ks_advance *a,
    uint8_t *state)
{
	char		uidhex[UID_HEX_LEN + 1], tmac[KS_MAC_HEX];
	const char	*cmac;
	struct cur	c;
	int		r;

	ks_uid_hex(a->uid, uidhex);
	memset(&c, 0, sizeof(c));
	if ((r = judge(ks, res, uidhex, a, &c, tmac)) < 0)
		return r;
	*state = DECIDED;
	if (r > 0) {
		a->outcome = r;
		return NTAG424_OK;
	}
	if ((cmac = ks->be->col_text(res, ACC_MAC)) == NULL)
		return NTAG424_ERR_INTERNAL;	/* judge checked it */
	seen_put(ks, a->uid, a->generation, c.ctr, cmac, tmac);
	if (c.ctr >= (int64_t)a->ctr) {
		a->outcome = NTAG424_KS_REPLAY;
		a->stored = (uint32_t)c.ctr;
	} else
		*state = MISS;	/* seen now: list_seen lists it */
	return NTAG424_OK;
}

/* The rows of the m misses in f (a row missing: no such tag, STALE). */
static int
miss_rows(ntag424_ks_t *ks, struct fast_row *f, size_t m,
    struct ntag424_ks_advance *v, uint8_t *listing)
{
	char		*sql = malloc(sizeof(miss_head) + sizeof(miss_tail) +
	    m * ROW_SQL_MAX);
	struct db_param	*p = calloc(m * MISS_PARAMS, sizeof(*p));
	db_res_t	*res = NULL;
	int64_t		 j;
	int		 r;

	if (sql == NULL || p == NULL) {
		r = ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (size_t k = 0; k < m; k++) {
		ks_uid_hex(f[k].a->uid, f[k].uidhex);
		p[k * MISS_PARAMS] = (struct db_param)P_INT(k);
		p[k * MISS_PARAMS + 1] = (struct db_param)P_TEXT(f[k].uidhex);
		p[k * MISS_PARAMS + 2] = (struct db_param)P_INT(
		    f[k].a->generation);
		f[k].a->outcome = NTAG424_KS_STALE;	/* until its row */
		listing[f[k].a - v] = DECIDED;
	}
	rows_text(sql, sizeof(miss_head) + sizeof(miss_tail) + m *
	    ROW_SQL_MAX, miss_head, miss_tail, m, MISS_PARAMS, 1);
	if ((r = ks_query(ks, "reading tags and their counters", sql, p,
	    m * MISS_PARAMS, &res)) != NTAG424_OK)
		goto fail;
	while ((r = ks_next(ks, "reading tags and their counters", res)) == 1) {
		j = ks->be->col_int(res, ACC_ITEM);
		if (j < 0 || (size_t)j >= m) {
			r = ks_fail(ks, NTAG424_ERR_STORE, "reading tags: the "
			    "database returned a row not asked for");
			break;
		}
		if ((r = miss_row(ks, res, f[j].a, &listing[f[j].a - v])) !=
		    NTAG424_OK)
			break;
	}
	ks->be->res_free(res);
fail:
	free(sql);
	free(p);
	return r;
}

/* The misses of v, FAST_ROWS_MAX rows per statement. */
static int
read_misses(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n,
    uint8_t *listing)
{
	struct fast_row	*f = NULL;
	size_t		 m = 0;
	int		 r = NTAG424_OK;

	for (size_t i = 0; i < n && r == NTAG424_OK; i++) {
		if (first_miss(ks, v, i, listing)) {
			if (f == NULL && (f = calloc(FAST_ROWS_MAX,
			    sizeof(*f))) == NULL)
				return ks_fail(ks, NTAG424_ERR_NOMEM,
				    "out of memory");
			listing[i] = MISS;
			f[m++].a = &v[i];
		}
		if (m == FAST_ROWS_MAX || (i + 1 == n && m > 0)) {
			r = miss_rows(ks, f, m, v, listing);
			m = 0;
		}
	}
	free(f);
	return r;
}

/*
 * On a server: the tag and counter rows of the advances not seen before
 * read in one statement (each checked and then seen, or decided), then
 * every advance seen in one statement; then the rest, and those whose
 * rows were no longer as seen, in order.
 */
static int
accept_all(ntag424_ks_t *ks, struct ntag424_ks_advance *v, size_t n)
{
	uint8_t	*listing = calloc(n > 0 ? n : 1, 1);
	size_t	 listed = 0;
	int	 r = NTAG424_OK;

	if (listing == NULL)
		return ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
	if (ks->be->round_trips && (r = read_misses(ks, v, n, listing)) ==
	    NTAG424_OK && (listed = list_seen(ks, v, n, listing)) > 0)
		r = accept_listed(ks, v, n, listing, listed);
	for (size_t i = 0; i < n && r == NTAG424_OK; i++)
		if (listing[i] != LISTED_HELD && listing[i] != DECIDED)
			r = accept_one(ks, &v[i], listing[i] == LISTED);
	free(listing);
	return r;
}

int
ntag424_ks_counter_accept_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n)
{
	return run_batch(ks, v, n, accept_all);
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
