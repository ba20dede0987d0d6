/*
 * The schema, versioned: each migration brings it one version up, in one
 * transaction that also records the version. Only BIGINT and TEXT, so the
 * same text runs on SQLite and PostgreSQL.
 */
#include <stddef.h>

#include "keystore/ks.h"
#include "ntag424/err.h"

/* Version 1: tags, their keys, the journal, the KEK check value. */
static const char *const v1[] = {
	"CREATE TABLE kek_check ("
	" id BIGINT PRIMARY KEY CHECK (id = 1),"
	" sealed TEXT NOT NULL,"
	" created BIGINT NOT NULL)",
	"CREATE TABLE tags ("
	" uid TEXT PRIMARY KEY CHECK (length(uid) = 14),"
	" status TEXT NOT NULL CHECK (status IN ('factory', 'pending',"
	"  'provisioned', 'failed', 'resetting')),"
	" name TEXT,"
	" template TEXT,"
	" key_source TEXT CHECK (key_source IN ('random', 'diversified')),"
	" master_version BIGINT NOT NULL DEFAULT 0,"
	" generation BIGINT NOT NULL DEFAULT 0,"
	" created BIGINT NOT NULL,"
	" updated BIGINT NOT NULL,"
	" provisioned BIGINT NOT NULL DEFAULT 0)",
	"CREATE TABLE tag_keys ("
	" uid TEXT NOT NULL REFERENCES tags (uid),"
	" keyno BIGINT NOT NULL CHECK (keyno BETWEEN 0 AND 4),"
	" slot TEXT NOT NULL CHECK (slot IN ('current', 'pending')),"
	" version BIGINT NOT NULL CHECK (version BETWEEN 0 AND 255),"
	" state TEXT NOT NULL CHECK (state IN ('applied', 'intent', 'maybe')),"
	" sealed TEXT NOT NULL,"
	" updated BIGINT NOT NULL,"
	" PRIMARY KEY (uid, keyno, slot))",
	"CREATE TABLE journal ("
	" uid TEXT NOT NULL REFERENCES tags (uid),"
	" seq BIGINT NOT NULL,"
	" run_id TEXT NOT NULL,"
	" step TEXT NOT NULL,"
	" keyno BIGINT NOT NULL,"
	" outcome TEXT NOT NULL,"
	" sw BIGINT NOT NULL,"
	" ts BIGINT NOT NULL,"
	" PRIMARY KEY (uid, seq))",
	NULL,
};

/* Version 2: master and cohort keys, the verifier's counters. */
static const char *const v2[] = {
	"CREATE TABLE master_keys ("
	" version BIGINT PRIMARY KEY CHECK (version > 0),"
	" sealed TEXT NOT NULL,"
	" created BIGINT NOT NULL)",
	"CREATE TABLE cohort_keys ("
	" name TEXT NOT NULL,"
	" version BIGINT NOT NULL CHECK (version > 0),"
	" sealed TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" PRIMARY KEY (name, version))",
	"CREATE TABLE counters ("
	" uid TEXT NOT NULL,"
	" generation BIGINT NOT NULL,"
	" ctr BIGINT NOT NULL,"
	" updated BIGINT NOT NULL,"
	" PRIMARY KEY (uid, generation))",
	NULL,
};

/*
 * Version 3: revoked tags, and row MACs (rowauth.c). Rows of an older
 * keystore get their MACs the first time it is opened with the KEK; then
 * row_auth holds an authenticated marker and a row without MAC is refused.
 */
static const char *const v3[] = {
	"ALTER TABLE tags ADD COLUMN revoked BIGINT NOT NULL DEFAULT 0",
	"ALTER TABLE tags ADD COLUMN revoke_reason TEXT",
	"ALTER TABLE tags ADD COLUMN keys_digest TEXT",
	"ALTER TABLE tags ADD COLUMN mac TEXT",
	"ALTER TABLE counters ADD COLUMN mac TEXT",
	"CREATE TABLE row_auth ("
	" id BIGINT PRIMARY KEY CHECK (id = 1),"
	" mac TEXT NOT NULL,"
	" created BIGINT NOT NULL)",
	NULL,
};

static const struct {
	int			 version;
	const char *const	*sql;
} migrations[] = {
	{ 1, v1 },
	{ 2, v2 },
	{ 3, v3 },
};

static int
read_version(ntag424_ks_t *ks, int *version, int *found)
{
	db_res_t	*res = NULL;
	int		 r;

	*found = 0;
	*version = 0;
	if ((r = ks_query(ks, "reading the schema version",
	    "SELECT version FROM schema_version", NULL, 0, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading the schema version", res)) == 1) {
		*version = (int)ks->be->col_int(res, 0);
		*found = 1;
		r = NTAG424_OK;
	}
	ks->be->res_free(res);
	return r;
}

static int
apply(ntag424_ks_t *ks, int from, int target)
{
	int r;

	for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= from ||
		    migrations[i].version > target)
			continue;
		for (const char *const *s = migrations[i].sql; *s != NULL; s++)
			if ((r = ks_exec(ks, "migrating the schema", *s, NULL, 0,
			    NULL)) != NTAG424_OK)
				return r;
	}
	return NTAG424_OK;
}

static int
migrate_locked(ntag424_ks_t *ks, int target)
{
	struct db_param	p[] = { P_INT(target) };
	int		version, found, r;

	if ((r = ks_exec(ks, "creating the schema", "CREATE TABLE IF NOT "
	    "EXISTS schema_version (version BIGINT NOT NULL)", NULL, 0,
	    NULL)) != NTAG424_OK)
		return r;
	if ((r = read_version(ks, &version, &found)) != NTAG424_OK)
		return r;
	if (version > NTAG424_KS_SCHEMA)
		return ks_fail(ks, NTAG424_ERR_STORE, "the keystore %s has "
		    "schema version %d, newer than this program's %d: use the "
		    "newer ntag424 that wrote it", ks->where, version,
		    NTAG424_KS_SCHEMA);
	if (version > target)
		return ks_fail(ks, NTAG424_ERR_STORE, "the keystore %s is "
		    "already at schema version %d", ks->where, version);
	if (found && version == target)
		return NTAG424_OK;
	if ((r = apply(ks, version, target)) != NTAG424_OK)
		return r;
	if (found)
		return ks_exec(ks, "recording the schema version",
		    "UPDATE schema_version SET version = $1", p, 1, NULL);
	return ks_exec(ks, "recording the schema version",
	    "INSERT INTO schema_version (version) VALUES ($1)", p, 1, NULL);
}

int
ks_migrate(ntag424_ks_t *ks, int target)
{
	int r;

	if ((r = ks_begin(ks, DB_TX_MIGRATE)) != NTAG424_OK)
		return r;
	if ((r = migrate_locked(ks, target)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

int
ntag424_ks_schema_version(ntag424_ks_t *ks, int *version)
{
	int found;

	return read_version(ks, version, &found);
}
