/* SPDX-License-Identifier: BSD-2-Clause */
/* The verifier's CMAC on reused ECB contexts: RFC 4493, OpenSSL, AN12196. */
#include <string.h>

#include "common/prim.h"
#include "ntag424/sun_aes.h"
#include "test.h"

static const char *rfc_key = "2B7E151628AED2A6ABF7158809CF4F3C";
static const char *rfc_msg =
    "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51"
    "30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710";

/* RFC 4493 section 4, "Subkey Generation" (vector CMAC-0). */
static void
rfc4493_subkeys(void)
{
	sun_cmac_t c;
	uint8_t key[16], k1[16], k2[16];

	test_hex(rfc_key, key, sizeof(key));
	test_hex("FBEED618357133667C85E08F7236A8DE", k1, sizeof(k1));
	test_hex("F7DDAC306AE266CCF90BC11EE46D513B", k2, sizeof(k2));
	CHECK_INT(0, sun_cmac_init(&c));
	CHECK_INT(0, sun_cmac_set_key(&c, key));
	CHECK_BYTES(k1, c.k1, 16);
	CHECK_BYTES(k2, c.k2, 16);
	sun_cmac_cleanup(&c);
}

/* RFC 4493 section 4, Examples 1-4 (vectors CMAC-1..CMAC-4). */
static void
rfc4493_examples(void)
{
	static const struct {
		size_t		 len;
		const char	*mac;
	} ex[] = {
		{ 0, "BB1D6929E95937287FA37D129B756746" },
		{ 16, "070A16B46B4D4144F79BDD9DD04A287C" },
		{ 40, "DFA66747DE9AE63030CA32611497C827" },
		{ 64, "51F0BEBF7E3B9D92FC49741779363CFE" },
	};
	sun_cmac_t c;
	uint8_t key[16], msg[64], exp[16], mac[16];

	test_hex(rfc_key, key, sizeof(key));
	test_hex(rfc_msg, msg, sizeof(msg));
	CHECK_INT(0, sun_cmac_init(&c));
	CHECK_INT(0, sun_cmac_set_key(&c, key));
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		test_hex(ex[i].mac, exp, sizeof(exp));
		CHECK_INT(0, sun_cmac(&c, msg, ex[i].len, mac));
		CHECK_BYTES(exp, mac, 16);
	}
	sun_cmac_cleanup(&c);
}

/*
 * Against OpenSSL's EVP_MAC CMAC (common/prim.c) for every length 0..100
 * with random keys, re-keying the same context each time.
 */
static void
matches_evp_mac(void)
{
	sun_cmac_t c;
	uint8_t key[16], msg[100], mine[16], ref[16];

	CHECK_INT(0, sun_cmac_init(&c));
	for (size_t len = 0; len <= sizeof(msg); len++) {
		CHECK_INT(0, random_bytes(key, sizeof(key)));
		CHECK_INT(0, random_bytes(msg, sizeof(msg)));
		CHECK_INT(0, sun_cmac_set_key(&c, key));
		CHECK_INT(0, sun_cmac(&c, msg, len, mine));
		CHECK_INT(0, aes128_cmac(key, msg, len, ref));
		if (!CHECK_BYTES(ref, mine, 16))
			break;
	}
	sun_cmac_cleanup(&c);
}

/* AN12196 Table 5 (vector SUN-2): subkeys and CMAC of the empty message. */
static void
an12196_empty_message(void)
{
	sun_cmac_t c;
	uint8_t key[16], k1[16], k2[16], exp[16], mac[16];

	test_hex("3FB5F6E3A807A03D5E3570ACE393776F", key, sizeof(key));
	test_hex("1C5E18A33EC1D73292FDDAD167EF8B4A", k1, sizeof(k1));
	test_hex("38BC31467D83AE6525FBB5A2CFDF1694", k2, sizeof(k2));
	test_hex("E194C7EE12D9F7EE8A65C8331B704386", exp, sizeof(exp));
	CHECK_INT(0, sun_cmac_init(&c));
	CHECK_INT(0, sun_cmac_set_key(&c, key));
	CHECK_BYTES(k1, c.k1, 16);
	CHECK_BYTES(k2, c.k2, 16);
	CHECK_INT(0, sun_cmac(&c, NULL, 0, mac));
	CHECK_BYTES(exp, mac, 16);
	sun_cmac_cleanup(&c);
}

/*
 * The tag buffer doubles as the CMAC state: whatever it held before must
 * not leak into the result (RFC 4493 Examples 1-4 again).
 */
static void
dirty_output_buffer(void)
{
	static const size_t lens[] = { 0, 16, 40, 64 };
	static const char *macs[] = { "BB1D6929E95937287FA37D129B756746",
	    "070A16B46B4D4144F79BDD9DD04A287C",
	    "DFA66747DE9AE63030CA32611497C827",
	    "51F0BEBF7E3B9D92FC49741779363CFE" };
	sun_cmac_t c;
	uint8_t key[16], msg[64], exp[16], mac[16];

	test_hex(rfc_key, key, sizeof(key));
	test_hex(rfc_msg, msg, sizeof(msg));
	CHECK_INT(0, sun_cmac_init(&c));
	CHECK_INT(0, sun_cmac_set_key(&c, key));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		test_hex(macs[i], exp, sizeof(exp));
		memset(mac, 0xA5 + (int)i, sizeof(mac));
		CHECK_INT(0, sun_cmac(&c, msg, lens[i], mac));
		CHECK_BYTES(exp, mac, 16);
	}
	sun_cmac_cleanup(&c);
}

/* Re-keyed ECB contexts in both directions agree with one-shot OpenSSL. */
static void
rekeyed_blocks_and_cbc(void)
{
	sun_aes_t enc, dec;
	uint8_t key[16], iv[16], in[64], a[64], b[64];

	CHECK_INT(0, sun_aes_init(&enc, false));
	CHECK_INT(0, sun_aes_init(&dec, true));
	for (int round = 0; round < 8; round++) {
		CHECK_INT(0, random_bytes(key, sizeof(key)));
		CHECK_INT(0, random_bytes(iv, sizeof(iv)));
		CHECK_INT(0, random_bytes(in, sizeof(in)));
		CHECK_INT(0, sun_aes_set_key(&enc, key));
		CHECK_INT(0, sun_aes_set_key(&dec, key));
		CHECK_INT(0, sun_aes_block(&enc, in, a));
		CHECK_INT(0, aes128_ecb_encrypt(key, in, b));
		CHECK_BYTES(b, a, 16);
		/* A lone block comes out at once: padding stays off. */
		CHECK_INT(0, sun_aes_block(&dec, a, a));
		CHECK_BYTES(in, a, 16);
		CHECK_INT(0, aes128_cbc_encrypt(key, iv, in, sizeof(in), b));
		CHECK_INT(0, sun_aes_cbc_decrypt(&dec, iv, b, sizeof(in), a));
		CHECK_BYTES(in, a, sizeof(in));
	}
	CHECK_INT(-1, sun_aes_cbc_decrypt(&dec, iv, b, 15, a));
	CHECK_INT(-1, sun_aes_cbc_decrypt(&enc, iv, b, 16, a));
	sun_aes_cleanup(&enc);
	sun_aes_cleanup(&dec);
	CHECK(enc.ctx == NULL);
}

int
main(void)
{
	RUN(rfc4493_subkeys);
	RUN(rfc4493_examples);
	RUN(matches_evp_mac);
	RUN(an12196_empty_message);
	RUN(dirty_output_buffer);
	RUN(rekeyed_blocks_and_cbc);
	return test_summary();
}
