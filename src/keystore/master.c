/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Master keys and the one AN10922 diversification from them, and cohort
 * keys (static keys shared by a cohort of tags, e.g. the self-checkout
 * preset's SDM meta-read key 1, docs/key-layout.md), both versioned and
 * sealed; the version and the name are in the AAD. A name of NULL means
 * the master keys.
 */
#include <string.h>
#include <time.h>

#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"
#include "ntag424/kdf.h"

/* keystore.h: M = UID || KeyNo || KeyVersion || "provisio". */
static const uint8_t kdf_const[8] = { 'p', 'r', 'o', 'v', 'i', 's', 'i', 'o' };

static void
aad_for(struct seal_aad *a, const char *name, uint32_t version)
{
	a->purpose = name == NULL ? SEAL_MASTER : SEAL_COHORT;
	a->uid = NULL;
	a->keyno = 0;
	a->version = version;
	a->name = name;
}

static const char *
what(const char *name)
{
	return name == NULL ? "master key" : "cohort key";
}

static int
check_name(ntag424_ks_t *ks, const char *name)
{
	if (name != NULL && (name[0] == '\0' ||
	    strlen(name) > NTAG424_KS_NAME_MAX))
		return ks_fail(ks, NTAG424_ERR_ARG, "a cohort key name has 1 to "
		    "%d characters", NTAG424_KS_NAME_MAX);
	return ks_need_kek(ks);
}

/* version 0: the latest. */
static int
fetch(ntag424_ks_t *ks, const char *name, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got)
{
	struct db_param	 p[] = { P_INT(version), P_TEXT(name) };
	struct seal_aad	 a;
	db_res_t	*res = NULL;
	const char	*sql, *s;
	char		 sealed[SEAL_HEX_MAX] = "";
	uint32_t	 v = 0;
	int		 r;

	if (name == NULL)
		sql = "SELECT version, sealed FROM master_keys "
		    "WHERE version = $1 OR $1 = 0 ORDER BY version DESC LIMIT 1";
	else
		sql = "SELECT version, sealed FROM cohort_keys WHERE name = $2 "
		    "AND (version = $1 OR $1 = 0) ORDER BY version DESC LIMIT 1";
	if ((r = ks_query(ks, "reading a key", sql, p, name == NULL ? 1 : 2,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a key", res)) == 1) {
		v = (uint32_t)ks->be->col_int(res, 0);
		s = ks->be->col_text(res, 1);
		/* A damaged value fails in ks_unseal, which names it. */
		if (s == NULL || ks_strcpy(sealed, sizeof(sealed), s) != 0)
			sealed[0] = '\0';
		r = NTAG424_OK;
	} else if (r == 0)
		r = ks_fail(ks, NTAG424_ERR_NOT_FOUND, "no %s%s%s%s in the "
		    "keystore", what(name), name != NULL ? " '" : "",
		    name != NULL ? name : "", name != NULL ? "'" : "");
	ks->be->res_free(res);
	if (r != NTAG424_OK)
		return r;
	aad_for(&a, name, v);
	if ((r = ks_unseal(ks, &a, sealed, key, NTAG424_KS_KEY_LEN)) !=
	    NTAG424_OK)
		return r;
	*got = v;
	return NTAG424_OK;
}

static int
next_version(ntag424_ks_t *ks, const char *name, uint32_t *version)
{
	struct db_param	 p[] = { P_TEXT(name) };
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, "numbering a key", name == NULL ?
	    "SELECT COALESCE(MAX(version), 0) + 1 FROM master_keys" :
	    "SELECT COALESCE(MAX(version), 0) + 1 FROM cohort_keys "
	    "WHERE name = $1", p, name == NULL ? 0 : 1, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "numbering a key", res)) == 1) {
		*version = (uint32_t)ks->be->col_int(res, 0);
		r = NTAG424_OK;
	} else if (r == 0)
		r = ks_fail(ks, NTAG424_ERR_STORE, "cannot number a new key");
	ks->be->res_free(res);
	return r;
}

int
ks_key_insert(ntag424_ks_t *ks, const char *name,
    const uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version)
{
	char		sealed[SEAL_HEX_MAX];
	struct db_param	p[] = { P_INT(0), P_TEXT(sealed), P_INT(time(NULL)),
	    P_TEXT(name) };
	struct seal_aad	a;
	int		r;

	if (*version == 0 && (r = next_version(ks, name, version)) !=
	    NTAG424_OK)
		return r;
	p[0].i = *version;
	aad_for(&a, name, *version);
	if ((r = ks_seal(ks, &a, key, NTAG424_KS_KEY_LEN, sealed)) != NTAG424_OK)
		return r;
	if (name == NULL)
		return ks_exec(ks, "storing a master key", "INSERT INTO "
		    "master_keys (version, sealed, created) VALUES ($1, $2, $3)",
		    p, 3, NULL);
	return ks_exec(ks, "storing a cohort key", "INSERT INTO cohort_keys "
	    "(version, sealed, created, name) VALUES ($1, $2, $3, $4)", p, 4,
	    NULL);
}

/* Exclusive: two processes creating keys at once get distinct versions. */
static int
put(ntag424_ks_t *ks, const char *name, const uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version)
{
	int r;

	*version = 0;
	if ((r = check_name(ks, name)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		return r;
	if ((r = ks_key_insert(ks, name, key, version)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

static int
create(ntag424_ks_t *ks, const char *name, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version)
{
	int r;

	if (random_bytes(key, NTAG424_KS_KEY_LEN) != 0)
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "no random bytes for a "
		    "new %s", what(name));
	if ((r = put(ks, name, key, version)) != NTAG424_OK)
		wipe(key, NTAG424_KS_KEY_LEN);
	return r;
}

static int
latest_locked(ntag424_ks_t *ks, const char *name,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version, int *created)
{
	int r;

	if ((r = fetch(ks, name, 0, key, version)) != NTAG424_ERR_NOT_FOUND)
		return r;
	if (random_bytes(key, NTAG424_KS_KEY_LEN) != 0)
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "no random bytes for a "
		    "new %s", what(name));
	*version = 0;
	if ((r = ks_key_insert(ks, name, key, version)) == NTAG424_OK)
		*created = 1;
	return r;
}

static int
latest(ntag424_ks_t *ks, const char *name, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version, int *created)
{
	int r;

	*created = 0;
	if ((r = check_name(ks, name)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		return r;
	if ((r = latest_locked(ks, name, key, version, created)) ==
	    NTAG424_OK)
		r = ks_commit(ks);
	else
		ks_rollback(ks);
	if (r != NTAG424_OK) {
		wipe(key, NTAG424_KS_KEY_LEN);
		*created = 0;
	}
	return r;
}

static int
get(ntag424_ks_t *ks, const char *name, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got)
{
	int r;

	wipe(key, NTAG424_KS_KEY_LEN);
	if ((r = check_name(ks, name)) != NTAG424_OK)
		return r;
	return fetch(ks, name, version, key, got);
}

int
ntag424_ks_master_get(ntag424_ks_t *ks, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got)
{
	return get(ks, NULL, version, key, got);
}

int
ntag424_ks_master_create(ntag424_ks_t *ks, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version)
{
	return create(ks, NULL, key, version);
}

int
ntag424_ks_master_put(ntag424_ks_t *ks, const uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version)
{
	return put(ks, NULL, key, version);
}

int
ntag424_ks_master_latest(ntag424_ks_t *ks, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version, int *created)
{
	return latest(ks, NULL, key, version, created);
}

int
ntag424_ks_cohort_get(ntag424_ks_t *ks, const char *name, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got)
{
	if (name == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "a cohort key needs a name");
	return get(ks, name, version, key, got);
}

int
ntag424_ks_cohort_create(ntag424_ks_t *ks, const char *name,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version)
{
	if (name == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "a cohort key needs a name");
	return create(ks, name, key, version);
}

int
ntag424_ks_cohort_put(ntag424_ks_t *ks, const char *name,
    const uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version)
{
	if (name == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "a cohort key needs a name");
	return put(ks, name, key, version);
}

int
ntag424_ks_cohort_latest(ntag424_ks_t *ks, const char *name,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version, int *created)
{
	if (name == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "a cohort key needs a name");
	return latest(ks, name, key, version, created);
}

int
ntag424_ks_cohort_foreach(ntag424_ks_t *ks,
    int (*fn)(const char *, uint32_t, void *), void *arg)
{
	db_res_t	*res = NULL;
	const char	*name;
	int		 r;

	if ((r = ks_query(ks, "listing cohort keys", "SELECT name, "
	    "MAX(version) FROM cohort_keys GROUP BY name ORDER BY name", NULL,
	    0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing cohort keys", res)) == 1) {
		if ((name = ks->be->col_text(res, 0)) == NULL)
			continue;
		if ((r = fn(name, (uint32_t)ks->be->col_int(res, 1), arg)) != 0)
			break;
	}
	ks->be->res_free(res);
	return r;
}

int
ks_key_import_versioned(ntag424_ks_t *ks, const char *name, uint32_t version,
    const uint8_t key[NTAG424_KS_KEY_LEN], int *added)
{
	uint8_t		ours[NTAG424_KS_KEY_LEN];
	uint32_t	got = 0;
	int		r, same;

	*added = 0;
	if (version == 0)
		return ks_fail(ks, NTAG424_ERR_MALFORMED, "a %s of version 0",
		    what(name));
	if ((r = check_name(ks, name)) != NTAG424_OK)
		return r;
	r = fetch(ks, name, version, ours, &got);
	if (r == NTAG424_ERR_NOT_FOUND) {
		if ((r = ks_key_insert(ks, name, key, &version)) == NTAG424_OK)
			*added = 1;
		return r;
	}
	if (r != NTAG424_OK)
		return r;
	same = ct_equal(ours, key, sizeof(ours));
	wipe(ours, sizeof(ours));
	if (same)
		return NTAG424_OK;
	return ks_fail(ks, NTAG424_ERR_STATE, "the backup holds a different "
	    "%s%s%s version %u than this keystore: nothing was imported",
	    what(name), name != NULL ? " " : "", name != NULL ? name : "",
	    (unsigned)version);
}

int
ntag424_ks_diversify(const uint8_t master[NTAG424_KS_KEY_LEN],
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno, uint8_t key_version,
    uint8_t key[NTAG424_KS_KEY_LEN])
{
	uint8_t	m[NTAG424_KS_UID_LEN + 2 + sizeof(kdf_const)];
	int	r;

	if (key == NULL)
		return NTAG424_ERR_ARG;
	wipe(key, NTAG424_KS_KEY_LEN);
	/* Version 00 is the factory key's: never one of ours. */
	if (master == NULL || uid == NULL || keyno < 0 ||
	    keyno >= NTAG424_KS_NKEYS || key_version == 0)
		return NTAG424_ERR_ARG;
	memcpy(m, uid, NTAG424_KS_UID_LEN);
	m[NTAG424_KS_UID_LEN] = (uint8_t)keyno;
	m[NTAG424_KS_UID_LEN + 1] = key_version;
	memcpy(m + NTAG424_KS_UID_LEN + 2, kdf_const, sizeof(kdf_const));
	r = ntag424_kdf_an10922(master, m, sizeof(m), key);
	wipe(m, sizeof(m));
	return r;
}
