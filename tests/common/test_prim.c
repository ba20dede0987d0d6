/* SPDX-License-Identifier: BSD-2-Clause */
/* Primitives against RFC 4493 and the AN12196 ChangeKey CRC. */
#include <string.h>

#include "common/prim.h"
#include "test.h"

static const char *rfc_key = "2B7E151628AED2A6ABF7158809CF4F3C";
static const char *rfc_msg = "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51"
    "30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710";

static void
cmac_case(size_t len, const char *expected_hex)
{
	uint8_t key[16], msg[64], exp[16], mac[16];

	test_hex(rfc_key, key, sizeof(key));
	test_hex(rfc_msg, msg, sizeof(msg));
	test_hex(expected_hex, exp, sizeof(exp));
	CHECK_INT(0, aes128_cmac(key, msg, len, mac));
	CHECK_BYTES(exp, mac, 16);
}

/* RFC 4493 section 4, Examples 1-4 (vectors CMAC-1..CMAC-4). */
static void
cmac_rfc4493(void)
{
	cmac_case(0, "BB1D6929E95937287FA37D129B756746");
	cmac_case(16, "070A16B46B4D4144F79BDD9DD04A287C");
	cmac_case(40, "DFA66747DE9AE63030CA32611497C827");
	cmac_case(64, "51F0BEBF7E3B9D92FC49741779363CFE");
}

/* RFC 4493 section 4, subkey generation: L = AES(K, 0) (vector CMAC-0). */
static void
aes_ecb_zero_block(void)
{
	uint8_t key[16], zero[16] = { 0 }, exp[16], out[16], back[16];

	test_hex(rfc_key, key, sizeof(key));
	test_hex("7DF76B0C1AB899B33E42F047B91B546F", exp, sizeof(exp));
	CHECK_INT(0, aes128_ecb_encrypt(key, zero, out));
	CHECK_BYTES(exp, out, 16);
	CHECK_INT(0, aes128_ecb_decrypt(key, out, back));
	CHECK_BYTES(zero, back, 16);
}

static void
cbc_round_trip(void)
{
	uint8_t key[16], iv[16] = { 1 }, msg[64], enc[64], dec[64];

	test_hex(rfc_key, key, sizeof(key));
	test_hex(rfc_msg, msg, sizeof(msg));
	CHECK_INT(0, aes128_cbc_encrypt(key, iv, msg, sizeof(msg), enc));
	CHECK(memcmp(enc, msg, sizeof(msg)) != 0);
	CHECK_INT(0, aes128_cbc_decrypt(key, iv, enc, sizeof(enc), dec));
	CHECK_BYTES(msg, dec, sizeof(msg));
	CHECK_INT(-1, aes128_cbc_encrypt(key, iv, msg, 15, enc));
}

/* AN12196 Table 26 step 7 (vector CRC-1): JAMCRC, serialized LSB first. */
static void
crc32_changekey(void)
{
	uint8_t key[16];

	test_hex("F3847D627727ED3BC9C4CC050489B966", key, sizeof(key));
	CHECK_INT(0xDCFA9D78, crc32_nxp(key, sizeof(key)));
}

static void
mac_truncation(void)
{
	uint8_t mac[16], mact[8], exp[8];

	for (size_t i = 0; i < 16; i++)
		mac[i] = (uint8_t)i;
	test_hex("01030507090B0D0F", exp, sizeof(exp));
	cmac_truncate(mac, mact);
	CHECK_BYTES(exp, mact, 8);
}

static void
constant_time_equal(void)
{
	uint8_t a[8] = { 1, 2, 3 }, b[8] = { 1, 2, 3 };

	CHECK(ct_equal(a, b, sizeof(a)));
	b[7] = 1;
	CHECK(!ct_equal(a, b, sizeof(a)));
}

int
main(void)
{
	RUN(cmac_rfc4493);
	RUN(aes_ecb_zero_block);
	RUN(cbc_round_trip);
	RUN(crc32_changekey);
	RUN(mac_truncation);
	RUN(constant_time_equal);
	return test_summary();
}
