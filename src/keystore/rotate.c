/*
 * KEK rotation: every sealed value is opened with the old KEK and sealed
 * with the new one, and the check value replaced, in one transaction that
 * keeps other writers out. A value that does not open stops the rotation
 * and nothing changes.
 */
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

enum kind { K_TAG, K_MASTER, K_COHORT };

struct rrow {
	enum kind	kind;
	char		uid[UID_HEX_LEN + 1];
	int		keyno;
	char		slot[8];
	uint32_t	version;
	char		name[NTAG424_KS_NAME_MAX + 1];
	char		sealed[SEAL_HEX_MAX];
};

struct rows {
	struct rrow	*v;
	size_t		 n, cap;
};

static const struct {
	enum kind	 kind;
	const char	*sql;
} selects[] = {
	{ K_TAG, "SELECT uid, keyno, slot, sealed FROM tag_keys" },
	{ K_MASTER, "SELECT version, sealed FROM master_keys" },
	{ K_COHORT, "SELECT name, version, sealed FROM cohort_keys" },
};

static void
text(char *dst, size_t cap, const char *src)
{
	if (src == NULL || ks_strcpy(dst, cap, src) != 0)
		dst[0] = '\0';
}

static int
push(struct rows *rs, enum kind kind, const struct db_backend *be,
    db_res_t *res)
{
	struct rrow	*r, *v;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		if ((v = realloc(rs->v, rs->cap * sizeof(*v))) == NULL)
			return NTAG424_ERR_NOMEM;
		rs->v = v;
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == K_TAG) {
		text(r->uid, sizeof(r->uid), be->col_text(res, 0));
		r->keyno = (int)be->col_int(res, 1);
		text(r->slot, sizeof(r->slot), be->col_text(res, 2));
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 3));
	} else if (kind == K_MASTER) {
		r->version = (uint32_t)be->col_int(res, 0);
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 1));
	} else {
		text(r->name, sizeof(r->name), be->col_text(res, 0));
		r->version = (uint32_t)be->col_int(res, 1);
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 2));
	}
	return NTAG424_OK;
}

static int
collect(ntag424_ks_t *ks, struct rows *rs)
{
	db_res_t	*res = NULL;
	int		 r = NTAG424_OK;

	for (size_t i = 0; i < sizeof(selects) / sizeof(selects[0]); i++) {
		if ((r = ks_query(ks, "reading sealed values", selects[i].sql,
		    NULL, 0, &res)) != NTAG424_OK)
			return r;
		while ((r = ks_next(ks, "reading sealed values", res)) == 1)
			if ((r = push(rs, selects[i].kind, ks->be, res)) !=
			    NTAG424_OK)
				break;
		ks->be->res_free(res);
		if (r != NTAG424_OK)
			return r == NTAG424_ERR_NOMEM ? ks_fail(ks, r, "out of "
			    "memory") : r;
	}
	return NTAG424_OK;
}

static int
aad_for(const struct rrow *row, uint8_t uid[NTAG424_KS_UID_LEN],
    struct seal_aad *a)
{
	memset(a, 0, sizeof(*a));
	a->version = row->version;
	a->keyno = row->keyno;
	switch (row->kind) {
	case K_TAG:
		if (ks_uid_parse(row->uid, uid) != 0)
			return -1;
		a->uid = uid;
		a->purpose = strcmp(row->slot, "current") == 0 ? SEAL_CURRENT :
		    SEAL_PENDING;
		return 0;
	case K_MASTER:
		a->purpose = SEAL_MASTER;
		return 0;
	default:
		a->purpose = SEAL_COHORT;
		a->name = row->name;
		return 0;
	}
}

static int
update(ntag424_ks_t *ks, const struct rrow *row, const char *sealed)
{
	struct db_param	p[] = { P_TEXT(sealed), P_TEXT(row->uid),
	    P_INT(row->keyno), P_TEXT(row->slot) };

	switch (row->kind) {
	case K_TAG:
		return ks_exec(ks, "re-sealing a key", "UPDATE tag_keys SET "
		    "sealed = $1 WHERE uid = $2 AND keyno = $3 AND slot = $4",
		    p, 4, NULL);
	case K_MASTER:
		p[1] = (struct db_param)P_INT(row->version);
		return ks_exec(ks, "re-sealing a master key", "UPDATE "
		    "master_keys SET sealed = $1 WHERE version = $2", p, 2,
		    NULL);
	default:
		p[1] = (struct db_param)P_TEXT(row->name);
		p[2] = (struct db_param)P_INT(row->version);
		return ks_exec(ks, "re-sealing a cohort key", "UPDATE "
		    "cohort_keys SET sealed = $1 WHERE name = $2 AND "
		    "version = $3", p, 3, NULL);
	}
}

static int
reseal(ntag424_ks_t *ks, const struct rrow *row,
    const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	uint8_t		uid[NTAG424_KS_UID_LEN], key[NTAG424_KS_KEY_LEN];
	char		sealed[SEAL_HEX_MAX];
	struct seal_aad	a;
	int		r;

	if (aad_for(row, uid, &a) != 0)
		return ks_fail(ks, NTAG424_ERR_STORE, "a key row in %s has a "
		    "damaged UID: nothing was re-sealed", ks->where);
	if ((r = ks_unseal(ks, &a, row->sealed, key, sizeof(key))) !=
	    NTAG424_OK)
		return r;
	if ((r = seal_hex(newkek, &a, key, sizeof(key), sealed)) != NTAG424_OK)
		r = ks_fail(ks, r, "cannot seal under the new KEK");
	else
		r = update(ks, row, sealed);
	wipe(key, sizeof(key));
	return r;
}

static int
rotate_locked(ntag424_ks_t *ks, const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	struct rows	rs = { NULL, 0, 0 };
	char		check[SEAL_HEX_MAX];
	struct db_param	p[] = { P_TEXT(check) };
	int		r;

	if ((r = collect(ks, &rs)) != NTAG424_OK)
		goto done;
	for (size_t i = 0; i < rs.n; i++)
		if ((r = reseal(ks, &rs.v[i], newkek)) != NTAG424_OK)
			goto done;
	/* Row MACs: checked under the old KEK, made again under the new. */
	if ((r = ks_rows_rekey(ks, newkek)) != NTAG424_OK)
		goto done;
	if ((r = ks_kek_check_seal(newkek, check)) != NTAG424_OK) {
		r = ks_fail(ks, r, "cannot seal the new KEK check value");
		goto done;
	}
	r = ks_exec(ks, "replacing the KEK check value", "UPDATE kek_check "
	    "SET sealed = $1 WHERE id = 1", p, 1, NULL);
done:
	free(rs.v);
	return r;
}

int
ntag424_ks_rotate_kek(ntag424_ks_t *ks, const char *new_kek_file)
{
	uint8_t	newkek[NTAG424_KS_KEK_LEN];
	int	created = 0, r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	if (new_kek_file == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "give the new KEK file");
	if ((r = ks_kek_file_load(ks, new_kek_file, 1, newkek, &created)) !=
	    NTAG424_OK)
		return r;
	if (created)
		ks_strcpy(ks->kek_created, sizeof(ks->kek_created),
		    new_kek_file);
	if (ct_equal(newkek, ks->kek, sizeof(newkek))) {
		r = ks_fail(ks, NTAG424_ERR_ARG, "the new KEK is the one in "
		    "use: nothing to rotate");
		goto done;
	}
	if ((r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		goto done;
	if ((r = rotate_locked(ks, newkek)) != NTAG424_OK) {
		ks_rollback(ks);
		goto done;
	}
	if ((r = ks_commit(ks)) != NTAG424_OK)
		goto done;
	memcpy(ks->kek, newkek, sizeof(newkek));
	ks_strcpy(ks->kek_from, sizeof(ks->kek_from), new_kek_file);
done:
	wipe(newkek, sizeof(newkek));
	return r;
}
