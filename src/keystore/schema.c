/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The schema, versioned: each migration brings it one version up, in one
 * transaction that also records the version. Only BIGINT and TEXT, so the
 * same text runs on SQLite and PostgreSQL.
 */
#include <stddef.h>
#include <stdio.h>

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

/*
 * Version 4: tag status 'imported' (keys from another tool's file). The
 * CHECK on tags.status gains a value, whatever other columns tags has:
 * PostgreSQL replaces the constraint; SQLite cannot alter a constraint,
 * but one may be loosened by editing the table's CREATE text in the
 * schema table ("ALTER TABLE", "making other kinds of table schema
 * changes", in SQLite's documentation), then bumping the schema cookie
 * (cookie_bump) so that other connections read the new text.
 */
static const char *const v4_sqlite[] = {
	"PRAGMA writable_schema = ON",
	"UPDATE sqlite_master SET sql = replace(sql, '''resetting'')', "
	"'''resetting'', ''imported'')') WHERE type = 'table' AND "
	"name = 'tags'",
	NULL,
};

static const char *const v4_postgres[] = {
	"ALTER TABLE tags DROP CONSTRAINT IF EXISTS tags_status_check",
	"ALTER TABLE tags ADD CONSTRAINT tags_status_check CHECK (status IN "
	"('factory', 'pending', 'provisioned', 'failed', 'resetting', "
	"'imported'))",
	NULL,
};

static const struct {
	int			 version;
	const char *const	*sql;
	const char *const	*postgres;	/* NULL: sql on both */
} migrations[] = {
	{ 1, v1, NULL },
	{ 2, v2, NULL },
	{ 3, v3, NULL },
	{ 4, v4_sqlite, v4_postgres },
};

/* SQLite after an edit of sqlite_master: new cookie, schema reloaded. */
static int
cookie_bump(ntag424_ks_t *ks)
{
	char		 sql[64];
	db_res_t	*res = NULL;
	int64_t		 cookie = -1;
	int		 r;

	if ((r = ks_query(ks, "migrating the schema", "PRAGMA schema_version",
	    NULL, 0, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "migrating the schema", res)) == 1)
		cookie = ks->be->col_int(res, 0);
	ks->be->res_free(res);
	if (r < 0)
		return r;
	if (cookie < 0)
		return ks_fail(ks, NTAG424_ERR_STORE, "migrating the schema of "
		    "%s: no schema cookie", ks->where);
	snprintf(sql, sizeof(sql), "PRAGMA schema_version = %lld",
	    (long long)cookie + 1);
	if ((r = ks_exec(ks, "migrating the schema", sql, NULL, 0, NULL)) !=
	    NTAG424_OK)
		return r;
	return ks_exec(ks, "migrating the schema", "PRAGMA writable_schema = "
	    "RESET", NULL, 0, NULL);
}

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
		const char *const *sql = migrations[i].sql;
		int pg = ks->be == &db_postgres;

		if (migrations[i].version <= from ||
		    migrations[i].version > target)
			continue;
		if (pg && migrations[i].postgres != NULL)
			sql = migrations[i].postgres;
		for (const char *const *s = sql; *s != NULL; s++)
			if ((r = ks_exec(ks, "migrating the schema", *s, NULL, 0,
			    NULL)) != NTAG424_OK)
				return r;
		if (!pg && migrations[i].postgres != NULL &&
		    (r = cookie_bump(ks)) != NTAG424_OK)
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
