/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tags: status, plan (template, key source), generation, timestamps, and
 * whether the tag is revoked.
 */
#include <string.h>
#include <time.h>

#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

static int
source_parse(const char *s)
{
	if (s == NULL)
		return NTAG424_KS_SRC_NONE;
	if (strcmp(s, "random") == 0)
		return NTAG424_KS_SRC_RANDOM;
	if (strcmp(s, "diversified") == 0)
		return NTAG424_KS_SRC_DIVERSIFIED;
	return -1;
}

static void
copy_text(char *dst, size_t cap, const char *src)
{
	if (src == NULL || ks_strcpy(dst, cap, src) != 0)
		dst[0] = '\0';
}

static int
fill(ntag424_ks_t *ks, db_res_t *res, struct ntag424_ks_tag *t)
{
	const struct db_backend *be = ks->be;

	memset(t, 0, sizeof(*t));
	if (ks_uid_parse(be->col_text(res, 0), t->uid) != 0 ||
	    (t->status = ntag424_ks_status_parse(be->col_text(res, 1))) < 0 ||
	    (t->source = source_parse(be->col_text(res, 4))) < 0)
		return ks_fail(ks, NTAG424_ERR_STORE, "a tag row in %s is "
		    "damaged", ks->where);
	copy_text(t->name, sizeof(t->name), be->col_text(res, 2));
	copy_text(t->tmpl, sizeof(t->tmpl), be->col_text(res, 3));
	t->master_version = (uint32_t)be->col_int(res, 5);
	t->generation = (uint32_t)be->col_int(res, 6);
	t->created = be->col_int(res, 7);
	t->updated = be->col_int(res, 8);
	t->provisioned = be->col_int(res, 9);
	t->revoked = be->col_int(res, 10);
	copy_text(t->revoke_reason, sizeof(t->revoke_reason),
	    be->col_text(res, 11));
	return NTAG424_OK;
}

/* Key presence and versions come from the key rows: one source of truth. */
static void
fill_keys(struct ntag424_ks_tag *t, const struct ks_keyrow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rows[i].keyno < 0 || rows[i].keyno >= NTAG424_KS_NKEYS)
			continue;
		if (rows[i].slot == NTAG424_KS_CURRENT) {
			t->current_mask |= 1u << rows[i].keyno;
			t->key_version[rows[i].keyno] = (uint8_t)rows[i].version;
		} else
			t->pending_mask |= 1u << rows[i].keyno;
	}
}

/*
 * The tags row under res's cursor and its key rows into t (and rows):
 * with the KEK, the row's MAC and the key rows' digest are checked first
 * (rowauth.c); without it, metadata is read as it is.
 */
static int
read_checked(ntag424_ks_t *ks, db_res_t *res, struct ntag424_ks_tag *t,
    struct ks_keyrow *rows, size_t *nrows)
{
	char		 mac[KS_MAC_HEX], digest[KS_MAC_HEX];
	char		 uidhex[UID_HEX_LEN + 1];
	const char	*stored;
	int		 r;

	if ((r = fill(ks, res, t)) != NTAG424_OK)
		return r;
	ks_uid_hex(t->uid, uidhex);
	stored = ks->be->col_text(res, KS_TAG_DIGEST_COL);
	if (ks->has_kek && ((r = ks_tag_mac(ks, res, stored, mac)) !=
	    NTAG424_OK || !ks_mac_equal(ks->be->col_text(res, KS_TAG_MAC_COL),
	    mac)))
		return r != NTAG424_OK ? r : ks_tampered(ks, uidhex, "tag row");
	if ((r = ks_keys_digest(ks, uidhex, digest, rows, nrows)) != NTAG424_OK)
		return r;
	if (ks->has_kek && !ks_mac_equal(stored, digest))
		return ks_tampered(ks, uidhex, "set of key rows");
	fill_keys(t, rows, *nrows);
	return NTAG424_OK;
}

/* One tag, checked; rows (KS_KEYROWS) get its key rows. */
static int
tag_read(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t, struct ks_keyrow *rows, size_t *nrows)
{
	char		 uidhex[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uidhex) };
	db_res_t	*res = NULL;
	int		 r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_query(ks, "reading a tag", "SELECT " KS_TAG_COLS " FROM tags "
	    "WHERE uid = $1", p, 1, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a tag", res)) == 1)
		r = read_checked(ks, res, t, rows, nrows);
	else if (r == 0)
		r = ks_fail(ks, NTAG424_ERR_NOT_FOUND, "tag %s is not in the "
		    "keystore %s", uidhex, ks->where);
	ks->be->res_free(res);
	return r;
}

int
ks_tag_check(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t, struct ks_keyrow *rows, size_t *nrows)
{
	struct ntag424_ks_tag	tt;
	struct ks_keyrow	rr[KS_KEYROWS];
	size_t			n = 0;
	int			r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	r = tag_read(ks, uid, t != NULL ? t : &tt, rows != NULL ? rows : rr,
	    nrows != NULL ? nrows : &n);
	wipe(rr, sizeof(rr));
	return r;
}

int
ks_tag_reseal(ntag424_ks_t *ks, const char *uidhex)
{
	char		 mac[KS_MAC_HEX], digest[KS_MAC_HEX];
	struct db_param	 p[] = { P_TEXT(uidhex), P_TEXT(digest), P_TEXT(mac) };
	db_res_t	*res = NULL;
	int		 r, found = 0;

	if ((r = ks_keys_digest(ks, uidhex, digest, NULL, NULL)) != NTAG424_OK ||
	    (r = ks_query(ks, "reading a tag", "SELECT " KS_TAG_COLS " FROM tags "
	    "WHERE uid = $1", p, 1, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a tag", res)) == 1) {
		found = 1;
		r = ks_tag_mac(ks, res, digest, mac);
	}
	ks->be->res_free(res);
	if (r != NTAG424_OK || !found)
		return r;	/* no such row: nothing to do */
	return ks_exec(ks, "authenticating a tag row", "UPDATE tags SET "
	    "keys_digest = $2, mac = $3 WHERE uid = $1", p, 3, NULL);
}

/*
 * Every change to a tag row: check it (unless it is being created), run
 * sql, compute its MAC again, then after (may be NULL) if a row changed,
 * in one transaction; *changes rows changed.
 */
static int
change(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN], int check,
    const char *doing, const char *sql, const struct db_param *p, size_t n,
    int64_t *changes, int (*after)(ntag424_ks_t *, const uint8_t *))
{
	char	uidhex[UID_HEX_LEN + 1];
	int	r;

	*changes = 0;
	ks_uid_hex(uid, uidhex);
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	if ((!check || (r = ks_tag_check(ks, uid, NULL, NULL, NULL)) ==
	    NTAG424_OK) &&
	    (r = ks_exec(ks, doing, sql, p, n, changes)) == NTAG424_OK &&
	    *changes > 0 && (r = ks_tag_reseal(ks, uidhex)) == NTAG424_OK &&
	    after != NULL)
		r = after(ks, uid);
	if (r != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

int
ntag424_ks_tag_create(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN])
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(time(NULL)) };
	int64_t		changes = 0;

	ks_uid_hex(uid, uidhex);
	return change(ks, uid, 0, "adding a tag", "INSERT INTO tags (uid, "
	    "status, created, updated) VALUES ($1, 'factory', $2, $2) "
	    "ON CONFLICT (uid) DO NOTHING", p, 2, &changes, NULL);
}

int
ntag424_ks_tag_get(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t)
{
	struct ks_keyrow	rows[KS_KEYROWS];
	size_t			n = 0;
	int			r;

	r = tag_read(ks, uid, t, rows, &n);
	wipe(rows, sizeof(rows));
	return r;
}

static int
updated_one(ntag424_ks_t *ks, int r, int64_t changes, const char *uidhex)
{
	if (r == NTAG424_OK && changes == 0)
		return ks_fail(ks, NTAG424_ERR_NOT_FOUND, "tag %s is not in the "
		    "keystore %s", uidhex, ks->where);
	return r;
}

int
ntag424_ks_tag_set_plan(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], const char *name, const char *tmpl,
    int source, uint32_t master_version)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_TEXT(name), P_TEXT(tmpl),
	    P_TEXT(ntag424_ks_source_name(source)), P_INT(master_version),
	    P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	if (name == NULL || tmpl == NULL ||
	    strlen(name) > NTAG424_KS_NAME_MAX ||
	    strlen(tmpl) > NTAG424_KS_TEMPLATE_MAX ||
	    (source != NTAG424_KS_SRC_RANDOM &&
	    source != NTAG424_KS_SRC_DIVERSIFIED))
		return ks_fail(ks, NTAG424_ERR_ARG, "invalid tag plan (name, "
		    "template or key source)");
	ks_uid_hex(uid, uidhex);
	r = change(ks, uid, 1, "recording a tag's plan", "UPDATE tags SET "
	    "name = $2, template = $3, key_source = $4, master_version = $5, "
	    "updated = $6 WHERE uid = $1", p, 6, &changes, NULL);
	return updated_one(ks, r, changes, uidhex);
}

/*
 * A tag provisioned anew has its counter row from the start, so that a
 * deleted counter row reads as tampering, never as "no tap seen yet".
 */
static int
first_counter(ntag424_ks_t *ks, const uint8_t *uid)
{
	struct ntag424_ks_tag	t;
	char			uidhex[UID_HEX_LEN + 1];
	int			r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_tag_check(ks, uid, &t, NULL, NULL)) != NTAG424_OK)
		return r;
	return ks_counter_create(ks, uidhex, t.generation);
}

int
ntag424_ks_tag_set_status(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int status)
{
	char		 uidhex[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uidhex),
	    P_TEXT(ntag424_ks_status_name(status)), P_INT(time(NULL)) };
	const char	*sql = "UPDATE tags SET status = $2, updated = $3 "
	    "WHERE uid = $1";
	int64_t		 changes = 0;
	int		 r;

	if (ntag424_ks_status_parse(p[1].s) < 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "invalid tag status %d",
		    status);
	if (status == NTAG424_KS_PROVISIONED)
		sql = "UPDATE tags SET status = $2, updated = $3, "
		    "provisioned = $3, generation = generation + 1 "
		    "WHERE uid = $1";
	ks_uid_hex(uid, uidhex);
	r = change(ks, uid, 1, "changing a tag's status", sql, p, 3, &changes,
	    status == NTAG424_KS_PROVISIONED ? first_counter : NULL);
	return updated_one(ks, r, changes, uidhex);
}

/* Printable ASCII only: the reason is shown by keys list and show. */
static int
reason_ok(const char *reason)
{
	size_t n = 0;

	for (; reason[n] != '\0'; n++)
		if (reason[n] < 0x20 || reason[n] > 0x7e)
			return 0;
	return n <= NTAG424_KS_REASON_MAX;
}

int
ntag424_ks_tag_revoke(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    const char *reason)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(time(NULL)),
	    P_TEXT(reason) };
	int64_t		changes = 0;
	int		r;

	if (reason == NULL || reason[0] == '\0')
		p[2].type = DB_NULL;
	else if (!reason_ok(reason))
		return ks_fail(ks, NTAG424_ERR_ARG, "the reason must be at most "
		    "%d printable ASCII characters", NTAG424_KS_REASON_MAX);
	ks_uid_hex(uid, uidhex);
	r = change(ks, uid, 1, "revoking a tag", "UPDATE tags SET revoked = $2, "
	    "revoke_reason = $3, updated = $2 WHERE uid = $1", p, 3, &changes,
	    NULL);
	return updated_one(ks, r, changes, uidhex);
}

int
ntag424_ks_tag_unrevoke(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN])
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	ks_uid_hex(uid, uidhex);
	r = change(ks, uid, 1, "unrevoking a tag", "UPDATE tags SET revoked = 0, "
	    "revoke_reason = NULL, updated = $2 WHERE uid = $1 AND revoked <> 0",
	    p, 2, &changes, NULL);
	if (r != NTAG424_OK || changes == 1)
		return r;
	return ks_fail(ks, NTAG424_ERR_STATE, "tag %s is not revoked: nothing "
	    "was changed", uidhex);
}

int
ntag424_ks_tag_foreach(ntag424_ks_t *ks,
    int (*fn)(const struct ntag424_ks_tag *, void *), void *arg)
{
	struct ntag424_ks_tag	 t;
	struct ks_keyrow	 rows[KS_KEYROWS];
	size_t			 n = 0;
	db_res_t		*res = NULL;
	int			 r;

	if ((r = ks_query(ks, "listing tags", "SELECT " KS_TAG_COLS " FROM tags "
	    "ORDER BY uid", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing tags", res)) == 1) {
		if ((r = read_checked(ks, res, &t, rows, &n)) != NTAG424_OK ||
		    (r = fn(&t, arg)) != 0)
			break;
	}
	ks->be->res_free(res);
	wipe(rows, sizeof(rows));
	return r;
}

int
ntag424_ks_uid_foreach(ntag424_ks_t *ks, int status,
    int (*fn)(const uint8_t *, void *), void *arg)
{
	struct db_param	 p[] = { P_TEXT(ntag424_ks_status_name(status)) };
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	db_res_t	*res = NULL;
	const char	*s;
	int		 r;

	if ((r = ks_query(ks, "listing tags", "SELECT uid FROM tags WHERE "
	    "status = $1 ORDER BY uid", p, 1, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing tags", res)) == 1) {
		if ((s = ks->be->col_text(res, 0)) == NULL ||
		    ks_uid_parse(s, uid) != 0)
			continue;	/* not a UID: no key of it can be read */
		if ((r = fn(uid, arg)) != 0)
			break;
	}
	ks->be->res_free(res);
	return r;
}

int
ntag424_ks_template_foreach(ntag424_ks_t *ks,
    int (*fn)(const char *, void *), void *arg)
{
	db_res_t	*res = NULL;
	const char	*tmpl;
	int		 r;

	if ((r = ks_query(ks, "listing templates", "SELECT DISTINCT template "
	    "FROM tags WHERE status = 'provisioned' AND template IS NOT NULL "
	    "ORDER BY template", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing templates", res)) == 1)
		if ((tmpl = ks->be->col_text(res, 0)) != NULL && tmpl[0] != '\0' &&
		    (r = fn(tmpl, arg)) != 0)
			break;
	ks->be->res_free(res);
	return r;
}

static struct db_param
text_or_null(const char *s)
{
	struct db_param p = P_TEXT(s);

	if (s == NULL || s[0] == '\0')
		p.type = DB_NULL;
	return p;
}

int
ks_tag_import(ntag424_ks_t *ks, const struct ntag424_ks_tag *t, int *added)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex),
	    P_TEXT(ntag424_ks_status_name(t->status)), text_or_null(t->name),
	    text_or_null(t->tmpl), P_TEXT(ntag424_ks_source_name(t->source)),
	    P_INT(t->master_version), P_INT(t->generation), P_INT(t->created),
	    P_INT(t->updated), P_INT(t->provisioned) };
	int64_t		changes = 0;
	int		r;

	if (t->source == NTAG424_KS_SRC_NONE)
		p[4].type = DB_NULL;
	ks_uid_hex(t->uid, uidhex);
	if ((r = ks_exec(ks, "importing a tag", "INSERT INTO tags (uid, status, "
	    "name, template, key_source, master_version, generation, created, "
	    "updated, provisioned) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10) ON CONFLICT (uid) DO NOTHING", p, 10, &changes)) !=
	    NTAG424_OK)
		return r;
	*added = changes == 1;
	if (!*added)
		return NTAG424_OK;
	if ((r = ks_tag_reseal(ks, uidhex)) != NTAG424_OK ||
	    t->status != NTAG424_KS_PROVISIONED)
		return r;
	/* Raised by the backup's counter records, if it has them. */
	return ks_counter_create(ks, uidhex, t->generation);
}

/* A revocation in a backup is kept; one already here stays as it is. */
int
ks_tag_import_revoked(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int64_t revoked, const char *reason)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(revoked),
	    text_or_null(reason) };

	int64_t		changes = 0;
	int		r;

	if (revoked <= 0 || !reason_ok(reason))
		return NTAG424_ERR_MALFORMED;
	ks_uid_hex(uid, uidhex);
	if ((r = ks_tag_check(ks, uid, NULL, NULL, NULL)) != NTAG424_OK ||
	    (r = ks_exec(ks, "importing a revocation", "UPDATE tags SET "
	    "revoked = $2, revoke_reason = $3 WHERE uid = $1 AND revoked = 0",
	    p, 3, &changes)) != NTAG424_OK || changes == 0)
		return r;
	return ks_tag_reseal(ks, uidhex);
}
