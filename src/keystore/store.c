/* SPDX-License-Identifier: BSD-2-Clause */
/* The keystore handle: open a file or a PostgreSQL URI, errors, helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/harden.h"
#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

#define DEFAULT_TIMEOUT_MS	5000

/* The handle holds the KEK for its whole life: keep it out of core dumps. */
ntag424_ks_t *
ntag424_ks_new(void)
{
	return harden_alloc(sizeof(ntag424_ks_t));
}

static void
ks_close(ntag424_ks_t *ks)
{
	if (ks->h != NULL)
		ks->be->close(ks->h);
	ks->h = NULL;
	ks->be = NULL;
	wipe(ks->kek, sizeof(ks->kek));
	ks->has_kek = 0;
	ks_rowauth_close(ks);
}

void
ntag424_ks_free(ntag424_ks_t **ksp)
{
	if (ksp == NULL || *ksp == NULL)
		return;
	ks_close(*ksp);
	harden_free(*ksp, sizeof(**ksp));
	*ksp = NULL;
}

/* Nothing worth keeping: no tag, master key or cohort key. */
static int
is_empty(ntag424_ks_t *ks)
{
	db_res_t	*res = NULL;
	int		 empty = 0;

	if (ks_query(ks, "counting rows", "SELECT (SELECT count(*) FROM tags) + "
	    "(SELECT count(*) FROM master_keys) + (SELECT count(*) FROM "
	    "cohort_keys)", NULL, 0, &res) != NTAG424_OK)
		return 0;
	if (ks_next(ks, "counting rows", res) == 1)
		empty = ks->be->col_int(res, 0) == 0;
	ks->be->res_free(res);
	return empty;
}

static void
unlink_db(const char *path)
{
	static const char *const sfx[] = { "-wal", "-shm", "-journal", "" };
	char f[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (snprintf(f, sizeof(f), "%s%s", path, sfx[i]) <
		    (int)sizeof(f))
			unlink(f);
}

void
ntag424_ks_abandon(ntag424_ks_t **ksp)
{
	ntag424_ks_t	*ks;
	char		 db[PATH_MAX] = "", kek[PATH_MAX] = "";

	if (ksp == NULL || (ks = *ksp) == NULL)
		return;
	if (ks->h != NULL && is_empty(ks)) {
		if (ks->db_created)
			ks_strcpy(db, sizeof(db), ks->where);
		/* The check value would refuse every later KEK. */
		if (ks->kek_created[0] != '\0' && (ks->db_created ||
		    ks_exec_raw(ks, "DELETE FROM kek_check") == NTAG424_OK))
			ks_strcpy(kek, sizeof(kek), ks->kek_created);
	}
	ntag424_ks_free(ksp);
	if (db[0] != '\0')
		unlink_db(db);
	if (kek[0] != '\0')
		unlink(kek);
}

const char *
ntag424_ks_errmsg(const ntag424_ks_t *ks)
{
	return ks->msg;
}

const char *
ntag424_ks_kek_created(const ntag424_ks_t *ks)
{
	return ks->kek_created[0] != '\0' ? ks->kek_created : NULL;
}

const char *
ntag424_ks_kek_kept(const ntag424_ks_t *ks)
{
	return ks->kek_kept[0] != '\0' ? ks->kek_kept : NULL;
}

const char *
ntag424_ks_kek_file(const ntag424_ks_t *ks)
{
	return ks->has_kek && !ks->kek_env ? ks->kek_from : NULL;
}

const char *
ntag424_ks_backend(const ntag424_ks_t *ks)
{
	return ks->be != NULL ? ks->be->name : "none";
}

const char *
ntag424_ks_where(const ntag424_ks_t *ks)
{
	return ks->where;
}

int
ks_fail(ntag424_ks_t *ks, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ks->msg, sizeof(ks->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
ks_dbfail(ntag424_ks_t *ks, int dbrc, const char *doing)
{
	const char *db = ks->h != NULL ? ks->be->errmsg(ks->h) : "no connection";

	switch (dbrc) {
	case DB_ENOMEM:
		return ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory while %s",
		    doing);
	case DB_EBUSY:
		return ks_fail(ks, NTAG424_ERR_STORE, "the keystore %s is "
		    "locked by another process (%s) while %s: nothing was "
		    "changed; let the other process finish and retry",
		    ks->where, db, doing);
	case DB_EFULL:
		return ks_fail(ks, NTAG424_ERR_STORE, "the keystore %s is full "
		    "(%s) while %s: nothing of this change was written; free "
		    "disk space and retry", ks->where, db, doing);
	case DB_ECORRUPT:
		return ks_fail(ks, NTAG424_ERR_STORE, "%s is not a keystore "
		    "database or is damaged (%s): restore it from a backup "
		    "with 'ntag424 keys import'", ks->where, db);
	case DB_ECONNECT:
		return ks_fail(ks, NTAG424_ERR_STORE, "cannot open the "
		    "keystore %s (%s)", ks->where, db);
	case DB_ECONSTRAINT:
		return ks_fail(ks, NTAG424_ERR_STORE, "the keystore %s refused "
		    "the change while %s (%s)", ks->where, doing, db);
	default:
		return ks_fail(ks, NTAG424_ERR_STORE, "keystore %s failed "
		    "while %s (%s)", ks->where, doing, db);
	}
}

int
ks_query(ntag424_ks_t *ks, const char *doing, const char *sql,
    const struct db_param *p, size_t n, db_res_t **res)
{
	int rc;

	if (ks->h == NULL)
		return ks_fail(ks, NTAG424_ERR_STATE, "the keystore is not open");
	if ((rc = ks->be->query(ks->h, sql, p, n, res)) != DB_OK)
		return ks_dbfail(ks, rc, doing);
	return NTAG424_OK;
}

int
ks_next(ntag424_ks_t *ks, const char *doing, db_res_t *res)
{
	int rc = ks->be->next(res);

	return rc >= 0 ? rc : ks_dbfail(ks, rc, doing);
}

int
ks_exec(ntag424_ks_t *ks, const char *doing, const char *sql,
    const struct db_param *p, size_t n, int64_t *changes)
{
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, doing, sql, p, n, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, doing, res)) == 1)
		continue;
	if (r == 0 && changes != NULL)
		*changes = ks->be->changes(res);
	ks->be->res_free(res);
	return r;
}

int
ks_exec_raw(ntag424_ks_t *ks, const char *sql)
{
	return ks_exec(ks, "running a statement", sql, NULL, 0, NULL);
}

static const char lock_sql[] = "LOCK TABLE kek_check, tags, tag_keys, "
    "master_keys, cohort_keys, counters IN EXCLUSIVE MODE";

int
ks_begin(ntag424_ks_t *ks, enum db_tx mode)
{
	int rc;

	if (ks->h == NULL)
		return ks_fail(ks, NTAG424_ERR_STATE, "the keystore is not open");
	if ((rc = ks->be->begin(ks->h, mode)) != DB_OK)
		return ks_dbfail(ks, rc, "starting a transaction");
	if (mode == DB_TX_EXCLUSIVE && ks->be->lock_tables &&
	    (rc = ks_exec(ks, "locking the keystore", lock_sql, NULL, 0,
	    NULL)) != NTAG424_OK) {
		ks->be->rollback(ks->h);
		return rc;
	}
	return NTAG424_OK;
}

int
ks_commit(ntag424_ks_t *ks)
{
	int rc;

	if ((rc = ks->be->commit(ks->h)) != DB_OK) {
		rc = ks_dbfail(ks, rc, "committing");
		ks->be->rollback(ks->h);
	}
	return rc;
}

void
ks_rollback(ntag424_ks_t *ks)
{
	if (ks->h != NULL)
		ks->be->rollback(ks->h);
}

int
ks_need_kek(ntag424_ks_t *ks)
{
	if (ks->has_kek)
		return NTAG424_OK;
	return ks_fail(ks, NTAG424_ERR_KEK, "no key-encryption key was given "
	    "for this operation: give --kek-file or set PROVISIO_KEK");
}

void
ks_uid_hex(const uint8_t uid[NTAG424_KS_UID_LEN], char out[UID_HEX_LEN + 1])
{
	hex_encode(uid, NTAG424_KS_UID_LEN, out);
}

int
ks_uid_parse(const char *hex, uint8_t uid[NTAG424_KS_UID_LEN])
{
	return hex != NULL && hex_decode_str(hex, uid, NTAG424_KS_UID_LEN) == 0 ?
	    0 : -1;
}

int
ks_strcpy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

int
ks_make_parents(ntag424_ks_t *ks, const char *path)
{
	char	dir[PATH_MAX];
	char	*s;

	if (ks_strcpy(dir, sizeof(dir), path) != 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "path too long: %s", path);
	for (s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return ks_fail(ks, NTAG424_ERR_IO, "cannot create the "
			    "directory %s: %s", dir, strerror(errno));
		*s = '/';
	}
	return NTAG424_OK;
}

int
ks_default_path(ntag424_ks_t *ks, const char *xdg, const char *sub,
    const char *name, char *out, size_t cap)
{
	const char	*base = getenv(xdg);
	const char	*home = getenv("HOME");
	int		 n;

	if (base != NULL && base[0] == '/')
		n = snprintf(out, cap, "%s/provisio/%s", base, name);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/%s/provisio/%s", home, sub, name);
	else
		return ks_fail(ks, NTAG424_ERR_ARG, "neither %s nor HOME is "
		    "set: give the path explicitly", xdg);
	if (n < 0 || (size_t)n >= cap)
		return ks_fail(ks, NTAG424_ERR_ARG, "default path too long");
	return NTAG424_OK;
}

/* Create the SQLite file 0600 (SQLite gives its -wal and -shm the same). */
static int
prepare_file(ntag424_ks_t *ks, const char *path, int create)
{
	int fd;

	if (access(path, F_OK) == 0)
		return NTAG424_OK;
	if (!create)
		return ks_fail(ks, NTAG424_ERR_NOT_FOUND, "there is no keystore "
		    "at %s: nothing was provisioned with it yet (or give --db)",
		    path);
	if (ks_make_parents(ks, path) != NTAG424_OK)
		return NTAG424_ERR_IO;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 && errno != EEXIST)
		return ks_fail(ks, NTAG424_ERR_IO, "cannot create the keystore "
		    "%s: %s", path, strerror(errno));
	if (fd >= 0) {
		ks->db_created = 1;
		close(fd);
	}
	return NTAG424_OK;
}

static int
is_pg_uri(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0;
}

static int
connect_db(ntag424_ks_t *ks, const struct ntag424_ks_opts *o)
{
	char	path[PATH_MAX];
	int	create = (o->flags & NTAG424_KS_NO_CREATE) == 0;
	int	tmo = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	int	r, rc;

	if (o->db != NULL && is_pg_uri(o->db)) {
		ks->be = &db_postgres;
		/* The URI may hold a password: never echo it. */
		ks_strcpy(ks->where, sizeof(ks->where), "(PostgreSQL)");
		rc = ks->be->open(&ks->h, o->db, create, tmo);
		return rc == DB_OK ? NTAG424_OK : ks_dbfail(ks, rc, "connecting");
	}
	if (o->db != NULL) {
		if (ks_strcpy(path, sizeof(path), o->db) != 0)
			return ks_fail(ks, NTAG424_ERR_ARG, "path too long");
	} else if ((r = ks_default_path(ks, "XDG_DATA_HOME", ".local/share",
	    "keystore.db", path, sizeof(path))) != NTAG424_OK)
		return r;
	ks->be = &db_sqlite;
	ks_strcpy(ks->where, sizeof(ks->where), path);
	if ((r = prepare_file(ks, path, create)) != NTAG424_OK)
		return r;
	rc = ks->be->open(&ks->h, path, create, tmo);
	return rc == DB_OK ? NTAG424_OK : ks_dbfail(ks, rc, "opening");
}

int
ks_open_version(ntag424_ks_t *ks, const struct ntag424_ks_opts *o, int version)
{
	int r;

	ks_close(ks);
	ks->msg[0] = '\0';
	ks->kek_created[0] = '\0';
	ks->kek_kept[0] = '\0';
	ks->db_created = 0;
	ks->where[0] = '\0';
	if ((r = connect_db(ks, o)) != NTAG424_OK)
		goto fail;
	if ((r = ks_migrate(ks, version)) != NTAG424_OK)
		goto fail;
	if ((o->flags & NTAG424_KS_NO_KEK) == 0 &&
	    (r = ks_kek_setup(ks, o->kek_file, 1)) != NTAG424_OK)
		goto fail;
	if (version >= 3 && (r = ks_rows_authenticate(ks)) != NTAG424_OK)
		goto fail;
	return NTAG424_OK;
fail:
	ks_close(ks);
	return r;
}

int
ntag424_ks_open(ntag424_ks_t *ks, const struct ntag424_ks_opts *o)
{
	return ks_open_version(ks, o, NTAG424_KS_SCHEMA);
}

static const char *const status_names[] = {
	"factory", "pending", "provisioned", "failed", "resetting",
	"imported",
};

const char *
ntag424_ks_status_name(int status)
{
	if (status < 0 || (size_t)status >=
	    sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[status];
}

int
ntag424_ks_status_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
	    i++)
		if (name != NULL && strcmp(name, status_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
ntag424_ks_source_name(int source)
{
	switch (source) {
	case NTAG424_KS_SRC_RANDOM:
		return "random";
	case NTAG424_KS_SRC_DIVERSIFIED:
		return "diversified";
	default:
		return "none";
	}
}
