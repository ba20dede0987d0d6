/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The database backend vtable: SQLite and PostgreSQL run the same SQL text.
 *
 * Queries use $1, $2, ... placeholders, numbered in order of first use (both
 * engines accept that), only BIGINT and TEXT columns (sealed values are hex
 * text), and only syntax both engines share (INSERT ... ON CONFLICT DO
 * UPDATE ... WHERE, INSERT ... SELECT, WITH v(...) AS (VALUES ...) UPDATE
 * ... FROM v ... RETURNING the updated table's columns: SQLite 3.35). The
 * store above owns every statement; a backend only executes them.
 */
#ifndef PROVISIO_KS_DB_H
#define PROVISIO_KS_DB_H

#include <stddef.h>
#include <stdint.h>

/* Backend error kinds (negative), mapped to messages by store.c. */
#define DB_OK		0
#define DB_EBUSY	(-1)	/* locked by another connection */
#define DB_EFULL	(-2)	/* disk or database full */
#define DB_ECORRUPT	(-3)	/* not a database, or damaged */
#define DB_ECONSTRAINT	(-4)	/* unique / check / foreign key */
#define DB_ECONNECT	(-5)	/* cannot open or connect */
#define DB_EOTHER	(-6)
#define DB_ENOMEM	(-7)

/*
 * Parameters a statement may take: a batch statement binds a few per row.
 * Both engines allow more (PostgreSQL 65535, SQLite 32766); the store
 * stays well below.
 */
#define DB_MAX_PARAMS	8192

enum db_type { DB_NULL = 0, DB_INT, DB_TEXT };

struct db_param {
	enum db_type	 type;
	int64_t		 i;
	const char	*s;
};

#define P_INT(v)	{ DB_INT, (int64_t)(v), NULL }
#define P_TEXT(v)	{ DB_TEXT, 0, (v) }
#define P_NULL		{ DB_NULL, 0, NULL }

/*
 * WRITE: a write transaction (SQLite: BEGIN IMMEDIATE).
 * EXCLUSIVE: no other writer (SQLite: BEGIN EXCLUSIVE; PostgreSQL: the
 * store then locks the tables holding sealed values).
 * MIGRATE: one migrator at a time, tables may not exist yet (PostgreSQL: an
 * advisory transaction lock).
 */
enum db_tx { DB_TX_WRITE = 0, DB_TX_EXCLUSIVE, DB_TX_MIGRATE };

typedef struct db_res db_res_t;

struct db_backend {
	const char	*name;
	/* 1 if DB_TX_EXCLUSIVE needs the store's LOCK TABLE (PostgreSQL),
	 * 0 if the transaction itself is exclusive (SQLite). */
	int		 lock_tables;
	/* 1 if every statement is a round trip to a server (PostgreSQL):
	 * the store then sends many rows in one statement where it can. 0
	 * if a statement is a function call (SQLite): a loop costs less. */
	int		 round_trips;
	int		(*open)(void **h, const char *target, int create,
			    int timeout_ms);
	void		(*close)(void *h);
	/* The database's own message for the last failure. */
	const char	*(*errmsg)(void *h);
	int		(*begin)(void *h, enum db_tx mode);
	int		(*commit)(void *h);
	void		(*rollback)(void *h);
	int		(*set_timeout)(void *h, int ms);
	/* Run sql with params; rows are then read with next(). */
	int		(*query)(void *h, const char *sql,
			    const struct db_param *p, size_t n, db_res_t **res);
	/* 1: a row is ready, 0: no more rows, < 0: DB_E*. */
	int		(*next)(db_res_t *r);
	int64_t		(*col_int)(db_res_t *r, int col);
	/* NUL-terminated text, NULL for SQL NULL; valid until next(). */
	const char	*(*col_text)(db_res_t *r, int col);
	/* Rows changed by an INSERT/UPDATE/DELETE, after next() returned 0. */
	int64_t		(*changes)(db_res_t *r);
	void		(*res_free)(db_res_t *r);
};

extern const struct db_backend db_sqlite;
extern const struct db_backend db_postgres;

#endif
