/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>

#include "common/hex.h"
#include "test.h"

int test_failures;
static int cases_passed;
static int cases_failed;

void
test_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	test_failures++;
}

static void
print_hex(const char *label, const uint8_t *p, size_t n)
{
	fprintf(stderr, "  %s ", label);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02X", p[i]);
	fputc('\n', stderr);
}

int
test_bytes(const char *file, int line, const char *what,
    const uint8_t *expected, const uint8_t *actual, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (expected[i] != actual[i]) {
			test_fail(file, line, what);
			print_hex("expected", expected, n);
			print_hex("actual  ", actual, n);
			return 0;
		}
	}
	return 1;
}

int
test_int(const char *file, int line, const char *what, long expected,
    long actual)
{
	if (expected == actual)
		return 1;
	test_fail(file, line, what);
	fprintf(stderr, "  expected %ld (0x%lX), actual %ld (0x%lX)\n",
	    expected, (unsigned long)expected, actual, (unsigned long)actual);
	return 0;
}

size_t
test_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[2 * n] != '\0') {
		if (n >= cap || hex_decode(hex + 2 * n, out + n, 1) != 0) {
			fprintf(stderr, "bad test hex: %s\n", hex);
			abort();
		}
		n++;
	}
	return n;
}

void
test_run(const char *name, void (*fn)(void))
{
	int before = test_failures;

	fn();
	if (test_failures == before) {
		cases_passed++;
		printf("ok   %s\n", name);
	} else {
		cases_failed++;
		printf("FAIL %s\n", name);
	}
}

int
test_summary(void)
{
	printf("%d passed, %d failed\n", cases_passed, cases_failed);
	return cases_failed == 0 && test_failures == 0 ? 0 : 1;
}
