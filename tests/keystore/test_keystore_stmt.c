/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keystore cases about statement reuse: the SQLite backend keeps prepared
 * statements per connection and resets them instead of finalizing. A
 * reused statement must not keep the last caller's bindings, must not be
 * handed to two open results at once, must survive eviction while held,
 * and must see schema changes. Run on both engines where both can stage it.
 */
#include <stdio.h>
#include <string.h>

#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

#define MANY	100	/* distinct statements, more than any cache holds */

/* The one BIGINT of a single-row, single-column query (-1 on error). */
static int64_t
one_int(ntag424_ks_t *ks, const char *sql, const struct db_param *p,
    size_t n)
{
	db_res_t	*res = NULL;
	int64_t		 v = -1;

	if (!CHECK_INT(NTAG424_OK, ks_query(ks, "test", sql, p, n, &res)))
		return -1;
	if (CHECK_INT(1, ks_next(ks, "test", res)))
		v = ks->be->col_int(res, 0);
	CHECK_INT(0, ks_next(ks, "test", res));
	ks->be->res_free(res);
	return v;
}

/* SQLite only: PostgreSQL refuses an unbound parameter outright. */
static void
reused_statement_forgets_bindings(void)
{
	static const char	 sql[] = "SELECT $1";
	struct db_param		 p[] = { P_INT(5) };
	ntag424_ks_t		*ks = open_main();
	db_res_t		*res = NULL;

	CHECK_INT(5, one_int(ks, sql, p, 1));
	/* Run again with no parameter: $1 is NULL, not the 5 of before. */
	CHECK_INT(NTAG424_OK, ks_query(ks, "test", sql, NULL, 0, &res));
	CHECK_INT(1, ks_next(ks, "test", res));
	CHECK(ks->be->col_text(res, 0) == NULL);
	ks->be->res_free(res);
	ntag424_ks_free(&ks);
}

/* The same SQL run while its first result is still open. */
static void
same_statement_twice_open(void)
{
	static const char	 sql[] = "SELECT CAST($1 AS BIGINT)";
	struct db_param		 p1[] = { P_INT(1) }, p2[] = { P_INT(2) };
	ntag424_ks_t		*ks = open_main();
	db_res_t		*r1 = NULL, *r2 = NULL;

	CHECK_INT(NTAG424_OK, ks_query(ks, "test", sql, p1, 1, &r1));
	CHECK_INT(NTAG424_OK, ks_query(ks, "test", sql, p2, 1, &r2));
	CHECK_INT(1, ks_next(ks, "test", r2));
	CHECK_INT(2, ks->be->col_int(r2, 0));
	CHECK_INT(1, ks_next(ks, "test", r1));
	CHECK_INT(1, ks->be->col_int(r1, 0));
	ks->be->res_free(r2);
	ks->be->res_free(r1);
	CHECK_INT(3, one_int(ks, sql, (struct db_param[]){ P_INT(3) }, 1));
	ntag424_ks_free(&ks);
}

/* More statements than the cache holds, while one result stays open. */
static void
many_statements_one_held(void)
{
	struct db_param	 p[] = { P_INT(1000) };
	ntag424_ks_t	*ks = open_main();
	db_res_t	*held = NULL;
	char		 sql[64];
	int		 bad = 0;

	CHECK_INT(NTAG424_OK, ks_query(ks, "test", "SELECT CAST($1 AS BIGINT) "
	    "- 1", p, 1, &held));
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < MANY; i++) {
			snprintf(sql, sizeof(sql), "SELECT CAST($1 AS BIGINT) + "
			    "%d", i);
			bad += one_int(ks, sql, p, 1) != 1000 + i;
		}
	CHECK_INT(0, bad);
	CHECK_INT(1, ks_next(ks, "test", held));
	CHECK_INT(999, ks->be->col_int(held, 0));
	ks->be->res_free(held);
	ntag424_ks_free(&ks);
}

/* A statement kept from before a table was dropped and made again. */
static void
statement_sees_schema_change(void)
{
	static const char	 count[] = "SELECT COUNT(*) FROM stmt_test";
	ntag424_ks_t		*ks = open_main();

	ks_exec_raw(ks, "DROP TABLE IF EXISTS stmt_test");
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "CREATE TABLE stmt_test "
	    "(a BIGINT)"));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "INSERT INTO stmt_test VALUES "
	    "(1)"));
	CHECK_INT(1, one_int(ks, count, NULL, 0));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "DROP TABLE stmt_test"));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "CREATE TABLE stmt_test "
	    "(a BIGINT, b BIGINT)"));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "INSERT INTO stmt_test VALUES "
	    "(1, 2), (3, 4)"));
	CHECK_INT(2, one_int(ks, count, NULL, 0));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "DROP TABLE stmt_test"));
	/* Now gone: the kept statement fails like a new one would. */
	CHECK_INT(NTAG424_ERR_STORE, ks_exec(ks, "test", count, NULL, 0, NULL));
	ntag424_ks_free(&ks);
}

void
ks_run_stmt_cases(void)
{
	fresh();
	if (!is_pg)
		RUN(reused_statement_forgets_bindings);
	RUN(same_statement_twice_open);
	RUN(many_statements_one_held);
	RUN(statement_sees_schema_change);
}
