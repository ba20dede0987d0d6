/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tag keys: the CURRENT key (believed on the tag) and the PENDING key
 * (intended, then maybe applied) for each key number, sealed under the KEK
 * with UID, key number and slot as associated data.
 */
#include <string.h>
#include <time.h>

#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

struct row {
	int	found;
	uint8_t	version;
	int	state;
	int64_t	updated;
	char	sealed[SEAL_HEX_MAX];
};

static const char *
slot_name(int slot)
{
	return slot == NTAG424_KS_CURRENT ? "current" : "pending";
}

static int
state_parse(const char *s)
{
	if (s != NULL && strcmp(s, "applied") == 0)
		return NTAG424_KS_APPLIED;
	if (s != NULL && strcmp(s, "intent") == 0)
		return NTAG424_KS_INTENT;
	if (s != NULL && strcmp(s, "maybe") == 0)
		return NTAG424_KS_MAYBE;
	return -1;
}

static int
check_args(ntag424_ks_t *ks, int keyno, int slot)
{
	if (keyno < 0 || keyno >= NTAG424_KS_NKEYS ||
	    (slot != NTAG424_KS_CURRENT && slot != NTAG424_KS_PENDING_SLOT))
		return ks_fail(ks, NTAG424_ERR_ARG, "key number %d or slot %d "
		    "out of range", keyno, slot);
	return NTAG424_OK;
}

static int
read_row(ntag424_ks_t *ks, const char *uidhex, int keyno, int slot,
    struct row *row)
{
	struct db_param	 p[] = { P_TEXT(uidhex), P_INT(keyno),
	    P_TEXT(slot_name(slot)) };
	db_res_t	*res = NULL;
	const char	*s;
	int		 r;

	memset(row, 0, sizeof(*row));
	if ((r = ks_query(ks, "reading a key", "SELECT version, state, sealed, "
	    "updated FROM tag_keys WHERE uid = $1 AND keyno = $2 AND "
	    "slot = $3", p, 3, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a key", res)) == 1) {
		row->found = 1;
		row->version = (uint8_t)ks->be->col_int(res, 0);
		row->state = state_parse(ks->be->col_text(res, 1));
		s = ks->be->col_text(res, 2);
		row->updated = ks->be->col_int(res, 3);
		r = row->state >= 0 && s != NULL &&
		    ks_strcpy(row->sealed, sizeof(row->sealed), s) == 0 ?
		    NTAG424_OK : ks_fail(ks, NTAG424_ERR_STORE, "key %d (%s) of "
		    "tag %s is damaged in %s", keyno, slot_name(slot), uidhex,
		    ks->where);
	}
	ks->be->res_free(res);
	return r;
}

static int
not_found(ntag424_ks_t *ks, const char *uidhex, int keyno, int slot)
{
	return ks_fail(ks, NTAG424_ERR_NOT_FOUND, "tag %s has no %s key %d in "
	    "the keystore", uidhex, slot_name(slot), keyno);
}

static void
aad_for(struct seal_aad *a, const uint8_t *uid, int keyno, int slot)
{
	a->purpose = slot == NTAG424_KS_CURRENT ? SEAL_CURRENT : SEAL_PENDING;
	a->uid = uid;
	a->keyno = keyno;
	a->version = 0;
	a->name = NULL;
}

int
ntag424_ks_key_info(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, struct ntag424_ks_keyinfo *info)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct row	row;
	int		r;

	if ((r = check_args(ks, keyno, slot)) != NTAG424_OK)
		return r;
	ks_uid_hex(uid, uidhex);
	if ((r = read_row(ks, uidhex, keyno, slot, &row)) != NTAG424_OK)
		return r;
	if (!row.found)
		return not_found(ks, uidhex, keyno, slot);
	info->version = row.version;
	info->state = row.state;
	info->updated = row.updated;
	return NTAG424_OK;
}

/* The row of (keyno, slot) among a tag's checked key rows, or NULL. */
static const struct ks_keyrow *
find_row(const struct ks_keyrow *rows, size_t n, int keyno, int slot)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].keyno == keyno && rows[i].slot == slot)
			return &rows[i];
	return NULL;
}

/*
 * The key rows are read with the tag's row and checked against its digest
 * (rowauth.c), so a key row rolled back to an older sealed value of the
 * same place is refused, not used.
 */
int
ntag424_ks_key_get(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, uint8_t key[NTAG424_KS_KEY_LEN],
    struct ntag424_ks_keyinfo *info)
{
	struct ks_keyrow	 rows[KS_KEYROWS];
	const struct ks_keyrow	*row;
	struct seal_aad		 a;
	char			 uidhex[UID_HEX_LEN + 1];
	size_t			 n = 0;
	int			 r;

	wipe(key, NTAG424_KS_KEY_LEN);
	if ((r = check_args(ks, keyno, slot)) != NTAG424_OK ||
	    (r = ks_tag_check(ks, uid, NULL, rows, &n)) != NTAG424_OK)
		goto done;
	ks_uid_hex(uid, uidhex);
	if ((row = find_row(rows, n, keyno, slot)) == NULL) {
		r = not_found(ks, uidhex, keyno, slot);
		goto done;
	}
	aad_for(&a, uid, keyno, slot);
	if ((r = ks_unseal(ks, &a, row->sealed, key, NTAG424_KS_KEY_LEN)) !=
	    NTAG424_OK)
		goto done;
	if (info != NULL) {
		info->version = (uint8_t)row->version;
		info->state = state_parse(row->state);
		info->updated = row->updated;
	}
done:
	wipe(rows, sizeof(rows));
	return r;
}

static int
put_row(ntag424_ks_t *ks, const char *uidhex, int keyno, int slot,
    uint8_t version, const char *state, const char *sealed)
{
	struct db_param p[] = { P_TEXT(uidhex), P_INT(keyno),
	    P_TEXT(slot_name(slot)), P_INT(version), P_TEXT(state),
	    P_TEXT(sealed), P_INT(time(NULL)) };

	return ks_exec(ks, "storing a key", "INSERT INTO tag_keys (uid, keyno, "
	    "slot, version, state, sealed, updated) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7) "
	    "ON CONFLICT (uid, keyno, slot) DO UPDATE SET "
	    "version = excluded.version, state = excluded.state, "
	    "sealed = excluded.sealed, updated = excluded.updated", p, 7, NULL);
}

/* What a change to a tag's keys needs besides the UID. */
struct op {
	int		 keyno;
	const uint8_t	*key;
	uint8_t		 version;
};

typedef int (*op_fn)(ntag424_ks_t *, const uint8_t *, const char *,
    const struct op *);

/*
 * Every change to a tag's keys, in one write transaction between a check
 * of the tag's rows and a new MAC over them (rowauth.c).
 */
static int
locked(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    const struct op *o, op_fn fn)
{
	char	uidhex[UID_HEX_LEN + 1];
	int	r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	if ((r = ks_tag_check(ks, uid, NULL, NULL, NULL)) != NTAG424_OK ||
	    (r = fn(ks, uid, uidhex, o)) != NTAG424_OK ||
	    (r = ks_tag_reseal(ks, uidhex)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

static int
intend_locked(ntag424_ks_t *ks, const uint8_t *uid, const char *uidhex,
    const struct op *o)
{
	char		sealed[SEAL_HEX_MAX];
	struct seal_aad	a;
	struct row	row;
	int		r;

	if ((r = read_row(ks, uidhex, o->keyno, NTAG424_KS_PENDING_SLOT,
	    &row)) != NTAG424_OK)
		return r;
	if (row.found && row.state == NTAG424_KS_MAYBE)
		return ks_fail(ks, NTAG424_ERR_STATE, "pending key %d of tag %s "
		    "was sent and may be on the tag: settle it (applied or "
		    "abandoned) before recording another", o->keyno, uidhex);
	aad_for(&a, uid, o->keyno, NTAG424_KS_PENDING_SLOT);
	if ((r = ks_seal(ks, &a, o->key, NTAG424_KS_KEY_LEN, sealed)) !=
	    NTAG424_OK)
		return r;
	return put_row(ks, uidhex, o->keyno, NTAG424_KS_PENDING_SLOT,
	    o->version, "intent", sealed);
}

int
ntag424_ks_key_intend(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, const uint8_t key[NTAG424_KS_KEY_LEN], uint8_t version)
{
	struct op	o = { keyno, key, version };
	int		r;

	if ((r = check_args(ks, keyno, NTAG424_KS_PENDING_SLOT)) != NTAG424_OK)
		return r;
	return locked(ks, uid, &o, intend_locked);
}

static int
sent_locked(ntag424_ks_t *ks, const uint8_t *uid, const char *uidhex,
    const struct op *o)
{
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(o->keyno),
	    P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	(void)uid;
	if ((r = ks_exec(ks, "marking a key as sent", "UPDATE tag_keys SET "
	    "state = 'maybe', updated = $3 WHERE uid = $1 AND keyno = $2 AND "
	    "slot = 'pending'", p, 3, &changes)) != NTAG424_OK)
		return r;
	return changes == 1 ? NTAG424_OK :
	    not_found(ks, uidhex, o->keyno, NTAG424_KS_PENDING_SLOT);
}

int
ntag424_ks_key_mark_sent(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno)
{
	struct op	o = { keyno, NULL, 0 };
	int		r;

	if ((r = check_args(ks, keyno, NTAG424_KS_PENDING_SLOT)) != NTAG424_OK)
		return r;
	return locked(ks, uid, &o, sent_locked);
}

static int
delete_pending(ntag424_ks_t *ks, const char *uidhex, int keyno)
{
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(keyno) };
	int64_t		changes = 0;
	int		r;

	if ((r = ks_exec(ks, "dropping a pending key", "DELETE FROM tag_keys "
	    "WHERE uid = $1 AND keyno = $2 AND slot = 'pending'", p, 2,
	    &changes)) != NTAG424_OK)
		return r;
	return changes == 1 ? NTAG424_OK :
	    not_found(ks, uidhex, keyno, NTAG424_KS_PENDING_SLOT);
}

/* Re-seal pending as current (the AAD names the slot), drop pending. */
static int
apply_locked(ntag424_ks_t *ks, const uint8_t *uid, const char *uidhex,
    const struct op *o)
{
	uint8_t		key[NTAG424_KS_KEY_LEN];
	char		sealed[SEAL_HEX_MAX];
	struct seal_aad	a;
	struct row	row;
	int		r;

	if ((r = read_row(ks, uidhex, o->keyno, NTAG424_KS_PENDING_SLOT,
	    &row)) != NTAG424_OK)
		return r;
	if (!row.found)
		return not_found(ks, uidhex, o->keyno, NTAG424_KS_PENDING_SLOT);
	aad_for(&a, uid, o->keyno, NTAG424_KS_PENDING_SLOT);
	if ((r = ks_unseal(ks, &a, row.sealed, key, sizeof(key))) != NTAG424_OK)
		goto done;
	aad_for(&a, uid, o->keyno, NTAG424_KS_CURRENT);
	if ((r = ks_seal(ks, &a, key, sizeof(key), sealed)) != NTAG424_OK ||
	    (r = put_row(ks, uidhex, o->keyno, NTAG424_KS_CURRENT, row.version,
	    "applied", sealed)) != NTAG424_OK)
		goto done;
	r = delete_pending(ks, uidhex, o->keyno);
done:
	wipe(key, sizeof(key));
	return r;
}

int
ntag424_ks_key_applied(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno)
{
	struct op	o = { keyno, NULL, 0 };
	int		r;

	if ((r = check_args(ks, keyno, NTAG424_KS_PENDING_SLOT)) != NTAG424_OK)
		return r;
	return locked(ks, uid, &o, apply_locked);
}

static int
abandon_locked(ntag424_ks_t *ks, const uint8_t *uid, const char *uidhex,
    const struct op *o)
{
	(void)uid;
	return delete_pending(ks, uidhex, o->keyno);
}

int
ntag424_ks_key_abandon(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno)
{
	struct op	o = { keyno, NULL, 0 };
	int		r;

	if ((r = check_args(ks, keyno, NTAG424_KS_PENDING_SLOT)) != NTAG424_OK)
		return r;
	return locked(ks, uid, &o, abandon_locked);
}

static const char *
state_name(int state)
{
	switch (state) {
	case NTAG424_KS_INTENT:
		return "intent";
	case NTAG424_KS_MAYBE:
		return "maybe";
	default:
		return "applied";
	}
}

/* Our stored key must be the backup's one, or the import stops. */
static int
compare(ntag424_ks_t *ks, const uint8_t *uid, const char *uidhex, int keyno,
    int slot, const struct row *row, uint8_t version,
    const uint8_t key[NTAG424_KS_KEY_LEN])
{
	uint8_t		ours[NTAG424_KS_KEY_LEN];
	struct seal_aad	a;
	int		r, same;

	aad_for(&a, uid, keyno, slot);
	if ((r = ks_unseal(ks, &a, row->sealed, ours, sizeof(ours))) !=
	    NTAG424_OK)
		return r;
	same = ct_equal(ours, key, sizeof(ours)) && row->version == version;
	wipe(ours, sizeof(ours));
	if (same)
		return NTAG424_OK;
	return ks_fail(ks, NTAG424_ERR_STATE, "the backup holds a different "
	    "%s key %d for tag %s than this keystore: nothing was imported; "
	    "find out which one is on the tag before merging", slot_name(slot),
	    keyno, uidhex);
}

int
ks_key_import(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, int state, uint8_t version,
    const uint8_t key[NTAG424_KS_KEY_LEN], int *added)
{
	char		uidhex[UID_HEX_LEN + 1];
	char		sealed[SEAL_HEX_MAX];
	struct seal_aad	a;
	struct row	row;
	int		r;

	*added = 0;
	if ((r = check_args(ks, keyno, slot)) != NTAG424_OK ||
	    (r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	ks_uid_hex(uid, uidhex);
	if ((r = ks_tag_check(ks, uid, NULL, NULL, NULL)) != NTAG424_OK ||
	    (r = read_row(ks, uidhex, keyno, slot, &row)) != NTAG424_OK)
		return r;
	if (row.found)
		return compare(ks, uid, uidhex, keyno, slot, &row, version, key);
	aad_for(&a, uid, keyno, slot);
	if ((r = ks_seal(ks, &a, key, NTAG424_KS_KEY_LEN, sealed)) != NTAG424_OK)
		return r;
	if ((r = put_row(ks, uidhex, keyno, slot, version,
	    slot == NTAG424_KS_CURRENT ? "applied" : state_name(state),
	    sealed)) != NTAG424_OK)
		return r;
	*added = 1;
	return ks_tag_reseal(ks, uidhex);
}
