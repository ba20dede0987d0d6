/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal test harness: every check that fails prints where and what
 * (expected vs actual) and makes the program exit 1. No hidden returns.
 */
#ifndef PROVISIO_TEST_H
#define PROVISIO_TEST_H

#include <stddef.h>
#include <stdint.h>

extern int test_failures;

void test_fail(const char *file, int line, const char *what);
/* Compare bytes; on mismatch print both in hex. Returns 1 if equal. */
int test_bytes(const char *file, int line, const char *what,
    const uint8_t *expected, const uint8_t *actual, size_t n);
/* Compare ints; on mismatch print both (in hex too). Returns 1 if equal. */
int test_int(const char *file, int line, const char *what, long expected,
    long actual);
/* Decode hex (test data only); aborts the program on bad hex. Returns len. */
size_t test_hex(const char *hex, uint8_t *out, size_t cap);
/* Run one case by name, print "ok"/"FAIL" for it. */
void test_run(const char *name, void (*fn)(void));
/* Print the summary line "N passed, N failed" and return the exit status. */
int test_summary(void);

#define CHECK(cond) \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, #cond); } while (0)
#define CHECK_INT(exp, act) \
	test_int(__FILE__, __LINE__, #act, (long)(exp), (long)(act))
#define CHECK_BYTES(exp, act, n) \
	test_bytes(__FILE__, __LINE__, #act, (exp), (act), (n))
#define RUN(fn) test_run(#fn, fn)

#endif
