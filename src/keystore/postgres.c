/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PostgreSQL backend (libpq): text parameters and text results, every
 * statement through PQexecParams, so the SQL text is the same as SQLite's.
 *
 * Each statement is a round trip to the server. A write transaction's
 * BEGIN therefore waits for its first statement and goes out with it in
 * one pipeline (libpq pipeline mode): a verifier's batch is then two round
 * trips, its statement and the COMMIT.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "keystore/db.h"

struct pg {
	PGconn	*conn;
	int	 begin_pending;	/* BEGIN to send with the next statement */
	char	 msg[256];
};

struct db_res {
	struct pg	*pg;
	PGresult	*res;
	int		 row;	/* the current row, -1 before the first */
	int		 nrows;
};

/* Keystore-wide advisory lock key for migrations ("prov" in ASCII). */
#define MIGRATE_LOCK	"SELECT pg_advisory_xact_lock(1886547830)"

static void
keep(struct pg *pg, const char *m)
{
	size_t n;

	snprintf(pg->msg, sizeof(pg->msg), "%s", m != NULL ? m : "unknown");
	n = strlen(pg->msg);
	while (n > 0 && (pg->msg[n - 1] == '\n' || pg->msg[n - 1] == ' '))
		pg->msg[--n] = '\0';
}

/* SQLSTATE classes: PostgreSQL manual, appendix A. */
static int
kind(const char *state)
{
	if (state == NULL)
		return DB_ECONNECT;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "57014") == 0)
		return DB_EBUSY;	/* lock timeout, deadlock, cancelled */
	if (strncmp(state, "53", 2) == 0)
		return strcmp(state, "53200") == 0 ? DB_ENOMEM : DB_EFULL;
	if (strncmp(state, "23", 2) == 0)
		return DB_ECONSTRAINT;
	if (strncmp(state, "08", 2) == 0)
		return DB_ECONNECT;
	if (strcmp(state, "XX001") == 0 || strcmp(state, "XX002") == 0)
		return DB_ECORRUPT;
	return DB_EOTHER;
}

static int
fail_res(struct pg *pg, PGresult *res)
{
	int k;

	keep(pg, res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(pg->conn));
	k = kind(res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL);
	PQclear(res);
	return k;
}

static int
run(struct pg *pg, const char *sql)
{
	PGresult *res = PQexec(pg->conn, sql);

	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK))
		return fail_res(pg, res);
	PQclear(res);
	return DB_OK;
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* NOTICEs ("relation exists, skipping") */
}

static int
pg_set_timeout(void *h, int ms)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms);
	return run(h, sql);
}

static int
pg_open(void **h, const char *uri, int create, int timeout_ms)
{
	struct pg	*pg;
	int		 rc;

	(void)create;	/* the database itself is the administrator's */
	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return DB_ENOMEM;
	*h = pg;
	if ((pg->conn = PQconnectdb(uri)) == NULL)
		return DB_ENOMEM;
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		keep(pg, PQerrorMessage(pg->conn));
		return DB_ECONNECT;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	if ((rc = run(pg, "SET client_min_messages = warning")) != DB_OK ||
	    (rc = pg_set_timeout(pg, timeout_ms)) != DB_OK)
		return rc;
	return DB_OK;
}

static void
pg_close(void *h)
{
	struct pg *pg = h;

	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	free(pg);
}

static const char *
pg_errmsg(void *h)
{
	struct pg *pg = h;

	return pg->msg;
}

static int
pg_begin(void *h, enum db_tx mode)
{
	struct pg	*pg = h;
	int		 rc;

	if (mode == DB_TX_WRITE) {
		pg->begin_pending = 1;
		return DB_OK;
	}
	if ((rc = run(h, "BEGIN")) != DB_OK)
		return rc;
	if (mode == DB_TX_MIGRATE && (rc = run(h, MIGRATE_LOCK)) != DB_OK) {
		run(h, "ROLLBACK");
		return rc;
	}
	return DB_OK;
}

static int
pg_commit(void *h)
{
	struct pg *pg = h;

	if (pg->begin_pending) {
		pg->begin_pending = 0;	/* nothing was run in it */
		return DB_OK;
	}
	return run(h, "COMMIT");
}

static void
pg_rollback(void *h)
{
	struct pg *pg = h;

	pg->begin_pending = 0;
	if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		run(pg, "ROLLBACK");
}

#define INLINE_PARAMS	16	/* on the stack; more are allocated */
#define INT_TEXT	24	/* INT64_MIN and NUL */

/* p as libpq's text values; ints are written into ints[INT_TEXT * n]. */
static void
param_text(const struct db_param *p, size_t n, const char **values,
    char *ints)
{
	for (size_t i = 0; i < n; i++) {
		values[i] = p[i].type == DB_TEXT ? p[i].s : NULL;
		if (p[i].type == DB_INT) {
			snprintf(ints + i * INT_TEXT, INT_TEXT, "%" PRId64,
			    p[i].i);
			values[i] = ints + i * INT_TEXT;
		}
	}
}

static int
wrap(struct pg *pg, PGresult *pr, db_res_t **res)
{
	db_res_t *r;

	if (pr == NULL || (PQresultStatus(pr) != PGRES_COMMAND_OK &&
	    PQresultStatus(pr) != PGRES_TUPLES_OK))
		return fail_res(pg, pr);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		PQclear(pr);
		return DB_ENOMEM;
	}
	r->pg = pg;
	r->res = pr;
	r->row = -1;
	r->nrows = PQntuples(pr);
	*res = r;
	return DB_OK;
}

/*
 * The results of a pipeline of BEGIN and one statement, up to its sync:
 * BEGIN's if it failed, else the statement's (NULL if the connection
 * failed: its message is on the connection).
 */
static PGresult *
pipeline_results(PGconn *conn)
{
	PGresult	*res, *begin = NULL, *stmt = NULL;
	int		 nulls = 0;

	/* BEGIN's result, NULL, the statement's, NULL, the sync. */
	while (nulls <= 2) {
		if ((res = PQgetResult(conn)) == NULL) {
			nulls++;
			continue;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (begin == NULL)
			begin = res;
		else if (stmt == NULL)
			stmt = res;
		else
			PQclear(res);
	}
	if (begin != NULL && PQresultStatus(begin) != PGRES_COMMAND_OK) {
		PQclear(stmt);
		return begin;
	}
	PQclear(begin);
	return stmt;
}

/* BEGIN and sql in one round trip. */
static PGresult *
begin_and(struct pg *pg, const char *sql, size_t n,
    const char *const *values)
{
	PGresult *res = NULL;

	pg->begin_pending = 0;
	if (!PQenterPipelineMode(pg->conn))
		return NULL;
	if (PQsendQueryParams(pg->conn, "BEGIN", 0, NULL, NULL, NULL, NULL,
	    0) && PQsendQueryParams(pg->conn, sql, (int)n, NULL, values, NULL,
	    NULL, 0) && PQpipelineSync(pg->conn))
		res = pipeline_results(pg->conn);
	PQexitPipelineMode(pg->conn);
	return res;
}

static int
pg_query(void *h, const char *sql, const struct db_param *p, size_t n,
    db_res_t **res)
{
	struct pg	*pg = h;
	char		 ints_here[INLINE_PARAMS * INT_TEXT], *ints = ints_here;
	const char	*values_here[INLINE_PARAMS] = { NULL };
	const char	**values = values_here;
	PGresult	*pr;

	*res = NULL;
	if (n > DB_MAX_PARAMS)
		return DB_EOTHER;
	if (n > INLINE_PARAMS && ((values = calloc(n, sizeof(*values))) ==
	    NULL || (ints = malloc(n * INT_TEXT)) == NULL)) {
		free(values);
		return DB_ENOMEM;
	}
	param_text(p, n, values, ints);
	if (pg->begin_pending)
		pr = begin_and(pg, sql, n, values);
	else
		pr = PQexecParams(pg->conn, sql, (int)n, NULL, values, NULL,
		    NULL, 0);
	if (n > INLINE_PARAMS) {
		free(values);
		free(ints);
	}
	return wrap(pg, pr, res);
}

static int
pg_next(db_res_t *r)
{
	if (r->row + 1 >= r->nrows) {
		r->row = r->nrows;
		return 0;
	}
	r->row++;
	return 1;
}

static const char *
pg_col_text(db_res_t *r, int col)
{
	if (r->row < 0 || r->row >= r->nrows || col >= PQnfields(r->res) ||
	    PQgetisnull(r->res, r->row, col))
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int64_t
pg_col_int(db_res_t *r, int col)
{
	const char *s = pg_col_text(r, col);

	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

static int64_t
pg_changes(db_res_t *r)
{
	const char *s = PQcmdTuples(r->res);

	return s[0] != '\0' ? strtoll(s, NULL, 10) : 0;
}

static void
pg_res_free(db_res_t *r)
{
	if (r == NULL)
		return;
	PQclear(r->res);
	free(r);
}

const struct db_backend db_postgres = {
	.name = "postgresql",
	.lock_tables = 1,
	.round_trips = 1,
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.set_timeout = pg_set_timeout,
	.query = pg_query,
	.next = pg_next,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.changes = pg_changes,
	.res_free = pg_res_free,
};
