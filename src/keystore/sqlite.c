/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SQLite backend: one file, WAL, synchronous=FULL, foreign keys.
 *
 * Prepared statements are kept per connection, keyed by their SQL text,
 * and reset instead of finalized: the store runs the same few statements
 * over and over (the verifier's counter upsert thousands of times a
 * second), and preparing costs more than running them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "keystore/db.h"

#define STMT_CACHE	32

struct stmt {
	sqlite3_stmt	*st;		/* NULL: free slot */
	int		 busy;		/* held by an open db_res */
};

struct sq {
	sqlite3		*db;
	struct stmt	 cache[STMT_CACHE];
	size_t		 victim;	/* next slot to reuse when full */
	char		 msg[256];
};

struct db_res {
	struct sq	*sq;
	sqlite3_stmt	*st;
	struct stmt	*cached;	/* NULL: finalize st when done */
	int64_t		 changes;
	int		 own_tx;	/* we opened BEGIN IMMEDIATE for it */
};

static int
kind(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_EBUSY;
	case SQLITE_FULL:
		return DB_EFULL;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return DB_ECORRUPT;
	case SQLITE_CONSTRAINT:
		return DB_ECONSTRAINT;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
		return DB_ECONNECT;
	case SQLITE_NOMEM:
		return DB_ENOMEM;
	default:
		return DB_EOTHER;
	}
}

/*
 * Keep the engine's message for ks_errmsg(); return the error kind. A full
 * file system reaches SQLite as ENOSPC on a WAL or -shm write, which it
 * reports as SQLITE_IOERR, not SQLITE_FULL: name it and call it full.
 */
static int
fail(struct sq *sq, int rc)
{
	if ((rc & 0xff) == SQLITE_IOERR && sq->db != NULL &&
	    sqlite3_system_errno(sq->db) == ENOSPC) {
		snprintf(sq->msg, sizeof(sq->msg), "%s: %s",
		    sqlite3_errmsg(sq->db), strerror(ENOSPC));
		return DB_EFULL;
	}
	snprintf(sq->msg, sizeof(sq->msg), "%s",
	    sq->db != NULL ? sqlite3_errmsg(sq->db) : sqlite3_errstr(rc));
	return kind(rc);
}

static int
run(struct sq *sq, const char *sql)
{
	int rc = sqlite3_exec(sq->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? DB_OK : fail(sq, rc);
}

static int
sq_set_timeout(void *h, int ms)
{
	struct sq *sq = h;

	return sqlite3_busy_timeout(sq->db, ms) == SQLITE_OK ? DB_OK : DB_EOTHER;
}

static void
sq_close(void *h)
{
	struct sq *sq = h;

	if (sq == NULL)
		return;
	for (size_t i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(sq->cache[i].st);
	sqlite3_close_v2(sq->db);
	free(sq);
}

/*
 * synchronous=FULL in WAL mode syncs the WAL at every commit, so an
 * accepted counter survives a power cut (NORMAL would not).
 *
 * SQLite opens a file it cannot write read-only instead of failing (a
 * read-only mount holding the WAL files of an earlier run). Every user of
 * the keystore writes, and the read-only WAL index would be shared with
 * every later connection of the process, which then could not write even
 * once the mount is writable again: refuse such a store at the open.
 */
static int
sq_open(void **h, const char *path, int create, int timeout_ms)
{
	struct sq	*sq;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW;
	int		 rc;

	if ((sq = calloc(1, sizeof(*sq))) == NULL)
		return DB_ENOMEM;
	*h = sq;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if ((rc = sqlite3_open_v2(path, &sq->db, flags, NULL)) != SQLITE_OK)
		return fail(sq, rc);
	sqlite3_extended_result_codes(sq->db, 1);
	if ((rc = sq_set_timeout(sq, timeout_ms)) != DB_OK)
		return rc;
	if ((rc = run(sq, "PRAGMA foreign_keys = ON")) != DB_OK ||
	    (rc = run(sq, "PRAGMA journal_mode = WAL")) != DB_OK ||
	    (rc = run(sq, "PRAGMA synchronous = FULL")) != DB_OK)
		return rc;
	if (sqlite3_db_readonly(sq->db, "main") != 0) {
		snprintf(sq->msg, sizeof(sq->msg), "it can only be opened "
		    "read-only: a read-only file system or file");
		return kind(SQLITE_READONLY);
	}
	return DB_OK;
}

static const char *
sq_errmsg(void *h)
{
	struct sq *sq = h;

	return sq->msg;
}

/*
 * A keystore file deleted or renamed over while open keeps taking writes on
 * the unlinked inode, and every later open of the path sees none of them
 * (counters accepted there come back as fresh after a restart). SQLite's
 * unix VFS compares the open inode with the path's and checks its link
 * count: checked under the write lock, before anything is written.
 */
static int
check_moved(struct sq *sq)
{
	int moved = 0;

	if (sqlite3_file_control(sq->db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) != SQLITE_OK || !moved)
		return DB_OK;
	snprintf(sq->msg, sizeof(sq->msg), "the keystore file was deleted or "
	    "replaced while open (the open file is no longer the one at its "
	    "path): nothing was written to either; restart on the right file");
	return DB_EOTHER;
}

static int
begin_checked(struct sq *sq, const char *sql)
{
	int rc;

	if ((rc = run(sq, sql)) != DB_OK)
		return rc;
	if ((rc = check_moved(sq)) != DB_OK)
		sqlite3_exec(sq->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
sq_begin(void *h, enum db_tx mode)
{
	return begin_checked(h, mode == DB_TX_WRITE ? "BEGIN IMMEDIATE" :
	    "BEGIN EXCLUSIVE");
}

static int
sq_commit(void *h)
{
	return run(h, "COMMIT");
}

static void
sq_rollback(void *h)
{
	struct sq *sq = h;

	if (!sqlite3_get_autocommit(sq->db))
		sqlite3_exec(sq->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
bind(struct sq *sq, sqlite3_stmt *st, const struct db_param *p, size_t n)
{
	char	name[24];
	int	idx, rc;

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "$%zu", i + 1);
		if ((idx = sqlite3_bind_parameter_index(st, name)) == 0)
			continue;	/* not used by this statement */
		switch (p[i].type) {
		case DB_INT:
			rc = sqlite3_bind_int64(st, idx, p[i].i);
			break;
		case DB_TEXT:
			rc = sqlite3_bind_text(st, idx, p[i].s, -1,
			    SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, idx);
			break;
		}
		if (rc != SQLITE_OK)
			return fail(sq, rc);
	}
	return DB_OK;
}

/*
 * A lone write statement outside a transaction would start as a reader and
 * upgrade to a writer; in WAL mode that upgrade fails at once with
 * SQLITE_BUSY when another connection committed meanwhile, without waiting
 * for the busy timeout. Taking the write lock first (BEGIN IMMEDIATE) makes
 * it wait its turn instead.
 */
static int
own_write_tx(db_res_t *r)
{
	if (!sqlite3_get_autocommit(r->sq->db) || sqlite3_stmt_readonly(r->st))
		return DB_OK;
	r->own_tx = 1;
	return begin_checked(r->sq, "BEGIN IMMEDIATE");
}

static int
end_own_tx(db_res_t *r, int rc)
{
	if (!r->own_tx)
		return rc;
	r->own_tx = 0;
	if (rc == DB_OK && (rc = run(r->sq, "COMMIT")) == DB_OK)
		return DB_OK;
	sq_rollback(r->sq);
	return rc;
}

/* The cached statement for sql, if it is there and not in use. */
static struct stmt *
cache_find(struct sq *sq, const char *sql)
{
	for (size_t i = 0; i < STMT_CACHE; i++)
		if (sq->cache[i].st != NULL && !sq->cache[i].busy &&
		    strcmp(sqlite3_sql(sq->cache[i].st), sql) == 0)
			return &sq->cache[i];
	return NULL;
}

/* A slot for a new statement: a free one, else the next idle one. */
static struct stmt *
cache_slot(struct sq *sq)
{
	struct stmt *c;

	for (size_t i = 0; i < STMT_CACHE; i++)
		if (sq->cache[i].st == NULL)
			return &sq->cache[i];
	for (size_t i = 0; i < STMT_CACHE; i++) {
		c = &sq->cache[sq->victim];
		sq->victim = (sq->victim + 1) % STMT_CACHE;
		if (!c->busy) {
			sqlite3_finalize(c->st);
			c->st = NULL;
			return c;
		}
	}
	return NULL;	/* all in use: run this one uncached */
}

/*
 * r->st for sql: the cached statement, or a new one prepared persistent
 * and cached. A statement already held by an open result (a query run
 * while its own rows are read) gets an uncached copy.
 */
static int
prepare(struct sq *sq, const char *sql, db_res_t *r)
{
	struct stmt	*c;
	int		 rc;

	if ((c = cache_find(sq, sql)) == NULL) {
		c = cache_slot(sq);
		rc = sqlite3_prepare_v3(sq->db, sql, -1, c != NULL ?
		    SQLITE_PREPARE_PERSISTENT : 0, &r->st, NULL);
		if (rc != SQLITE_OK)
			return fail(sq, rc);
		if (c != NULL)
			c->st = r->st;
	}
	if (c != NULL) {
		c->busy = 1;
		r->st = c->st;
		r->cached = c;
	}
	return DB_OK;
}

/* Give r's statement back: reset and unbound if cached, else finalized. */
static void
release(db_res_t *r)
{
	if (r->cached == NULL) {
		sqlite3_finalize(r->st);
		return;
	}
	sqlite3_reset(r->st);
	sqlite3_clear_bindings(r->st);
	r->cached->busy = 0;
}

static int
sq_query(void *h, const char *sql, const struct db_param *p, size_t n,
    db_res_t **res)
{
	struct sq	*sq = h;
	db_res_t	*r;
	int		 rc;

	*res = NULL;
	if (n > DB_MAX_PARAMS)
		return DB_EOTHER;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return DB_ENOMEM;
	r->sq = sq;
	if ((rc = prepare(sq, sql, r)) != DB_OK) {
		free(r);
		return rc;
	}
	if ((rc = bind(sq, r->st, p, n)) != DB_OK ||
	    (rc = own_write_tx(r)) != DB_OK) {
		release(r);
		free(r);
		return rc;
	}
	*res = r;
	return DB_OK;
}

static int
sq_next(db_res_t *r)
{
	int rc = sqlite3_step(r->st);

	switch (rc) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		r->changes = sqlite3_changes64(r->sq->db);
		return end_own_tx(r, 0);
	default:
		return end_own_tx(r, fail(r->sq, rc));
	}
}

static int64_t
sq_col_int(db_res_t *r, int col)
{
	return sqlite3_column_int64(r->st, col);
}

static const char *
sq_col_text(db_res_t *r, int col)
{
	return (const char *)sqlite3_column_text(r->st, col);
}

static int64_t
sq_changes(db_res_t *r)
{
	return r->changes;
}

static void
sq_res_free(db_res_t *r)
{
	if (r == NULL)
		return;
	release(r);
	if (r->own_tx)
		sq_rollback(r->sq);
	free(r);
}

const struct db_backend db_sqlite = {
	.name = "sqlite",
	.lock_tables = 0,
	.round_trips = 0,
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.set_timeout = sq_set_timeout,
	.query = sq_query,
	.next = sq_next,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.changes = sq_changes,
	.res_free = sq_res_free,
};
