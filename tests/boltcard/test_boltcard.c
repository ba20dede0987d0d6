/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boltcard deterministic keys against the published test vectors of the
 * Boltcard specification (boltcard/boltcard docs/DETERMINISTIC.md,
 * "Test vectors": UID 04a39493cc8680, issuer key 00..01, Version 1).
 */
#include <string.h>

#include "ntag424/boltcard.h"
#include "ntag424/err.h"
#include "test.h"

static const char *uid_hex = "04a39493cc8680";
static const char *issuer_hex = "00000000000000000000000000000001";

static void
spec_vectors(void)
{
	static const char *exp[NTAG424_BOLTCARD_NKEYS] = {
		"a29119fcb48e737d1591d3489557e49b",
		"55da174c9608993dc27bb3f30a4a7314",
		"f4b404be700ab285e333e32348fa3d3b",
		"73610ba4afe45b55319691cb9489142f",
		"addd03e52964369be7f2967736b7bdb5",
	};
	uint8_t issuer[16], uid[7], keys[5][16], want[16];

	test_hex(issuer_hex, issuer, sizeof(issuer));
	test_hex(uid_hex, uid, sizeof(uid));
	CHECK_INT(NTAG424_OK, ntag424_boltcard_keys(issuer, uid, 1, keys));
	for (size_t k = 0; k < NTAG424_BOLTCARD_NKEYS; k++) {
		test_hex(exp[k], want, sizeof(want));
		CHECK_BYTES(want, keys[k], 16);
	}
}

static void
spec_id_card_key(void)
{
	uint8_t issuer[16], uid[7], out[16], want[16];

	test_hex(issuer_hex, issuer, sizeof(issuer));
	test_hex(uid_hex, uid, sizeof(uid));
	CHECK_INT(NTAG424_OK, ntag424_boltcard_id(issuer, uid, out));
	test_hex("e07ce1279d980ecb892a81924b67bf18", want, sizeof(want));
	CHECK_BYTES(want, out, 16);
	CHECK_INT(NTAG424_OK, ntag424_boltcard_card_key(issuer, uid, 1, out));
	test_hex("ebff5a4e6da5ee14cbfe720ae06fbed9", want, sizeof(want));
	CHECK_BYTES(want, out, 16);
	CHECK_INT(NTAG424_OK, ntag424_boltcard_k1(issuer, out));
	test_hex("55da174c9608993dc27bb3f30a4a7314", want, sizeof(want));
	CHECK_BYTES(want, out, 16);
}

/* Another Version: K1 stays (one per issuer key), the card's keys move. */
static void
version_changes_card_keys(void)
{
	uint8_t issuer[16], uid[7], a[5][16], b[5][16];

	test_hex(issuer_hex, issuer, sizeof(issuer));
	test_hex(uid_hex, uid, sizeof(uid));
	CHECK_INT(NTAG424_OK, ntag424_boltcard_keys(issuer, uid, 1, a));
	CHECK_INT(NTAG424_OK, ntag424_boltcard_keys(issuer, uid, 2, b));
	CHECK(memcmp(a[1], b[1], 16) == 0);
	for (size_t k = 0; k < NTAG424_BOLTCARD_NKEYS; k++)
		if (k != 1)
			CHECK(memcmp(a[k], b[k], 16) != 0);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_boltcard_keys(NULL, uid, 1, a));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_boltcard_k1(issuer, NULL));
}

int
main(void)
{
	RUN(spec_vectors);
	RUN(spec_id_card_key);
	RUN(version_changes_card_keys);
	return test_summary();
}
