/* SPDX-License-Identifier: BSD-2-Clause */
/* MASTR crypto conventions: HKDF known answer, GCM, ECDSA, ECDH, points. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mastr/crypto.h"
#include "mastr/err.h"
#include "test.h"

/* docs/mastr-protocol.md 4: IKM 01..20, salt "MASTR-Session-Key-v1", L 16. */
static void
hkdf_known_answer(void)
{
	uint8_t ikm[32], key[16], exp[16];

	for (size_t i = 0; i < sizeof(ikm); i++)
		ikm[i] = (uint8_t)(i + 1);
	test_hex("54569380a13f65380130a0fa6065bf73", exp, sizeof(exp));
	CHECK_INT(MASTR_OK, mastr_session_key(ikm, key));
	CHECK_BYTES(exp, key, 16);
}

static void
gcm_round_trip_and_tamper(void)
{
	uint8_t	key[16] = { 1, 2, 3 }, other[16] = { 9 };
	uint8_t	msg[40], box[80], box2[80], out[80];
	size_t	blen, blen2, olen;

	memset(msg, 0x5a, sizeof(msg));
	CHECK_INT(MASTR_OK, mastr_gcm_seal(key, msg, sizeof(msg), box,
	    sizeof(box), &blen));
	CHECK_INT(sizeof(msg) + 28, blen);
	CHECK_INT(MASTR_OK, mastr_gcm_seal(key, msg, sizeof(msg), box2,
	    sizeof(box2), &blen2));
	CHECK(memcmp(box, box2, 12) != 0);	/* a fresh IV per frame */
	CHECK_INT(MASTR_OK, mastr_gcm_open(key, box, blen, out, sizeof(out),
	    &olen));
	CHECK_INT(sizeof(msg), olen);
	CHECK_BYTES(msg, out, sizeof(msg));
	CHECK_INT(MASTR_ERR_GCM, mastr_gcm_open(other, box, blen, out,
	    sizeof(out), &olen));
	box[blen - 1] ^= 1;
	CHECK_INT(MASTR_ERR_GCM, mastr_gcm_open(key, box, blen, out,
	    sizeof(out), &olen));
	box[blen - 1] ^= 1;
	box[20] ^= 0x80;
	CHECK_INT(MASTR_ERR_GCM, mastr_gcm_open(key, box, blen, out,
	    sizeof(out), &olen));
	CHECK_INT(MASTR_ERR_GCM, mastr_gcm_open(key, box, 27, out,
	    sizeof(out), &olen));
	CHECK_INT(MASTR_ERR_ARG, mastr_gcm_seal(key, msg, sizeof(msg), box,
	    sizeof(msg) + 27, &blen));
}

static void
sign_verify(void)
{
	mastr_eckey_t	*k = mastr_eckey_generate(), *o = mastr_eckey_generate();
	uint8_t		 pub[64], opub[64], sig[64];
	const uint8_t	 msg[] = "hash32||nonce4";

	CHECK(k != NULL && o != NULL);
	CHECK_INT(MASTR_OK, mastr_eckey_pub(k, pub));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(o, opub));
	CHECK_INT(MASTR_OK, mastr_pub_check(pub));
	CHECK_INT(MASTR_OK, mastr_eckey_sign(k, msg, sizeof(msg), sig));
	CHECK_INT(MASTR_OK, mastr_ecdsa_verify(pub, msg, sizeof(msg), sig));
	CHECK_INT(MASTR_ERR_SIGNATURE, mastr_ecdsa_verify(opub, msg,
	    sizeof(msg), sig));
	CHECK_INT(MASTR_ERR_SIGNATURE, mastr_ecdsa_verify(pub, msg,
	    sizeof(msg) - 1, sig));
	sig[63] ^= 1;
	CHECK_INT(MASTR_ERR_SIGNATURE, mastr_ecdsa_verify(pub, msg,
	    sizeof(msg), sig));
	mastr_eckey_free(&k);
	mastr_eckey_free(&o);
	CHECK(k == NULL);
	mastr_eckey_free(&k);
}

/* Both sides of an ECDH share derive the same key; a forged one fails. */
static void
share_and_session(void)
{
	mastr_eckey_t	*hperm = mastr_eckey_generate();
	mastr_eckey_t	*heph = mastr_eckey_generate();
	mastr_eckey_t	*teph = mastr_eckey_generate();
	uint8_t		 hpub[64], hshare[128], tshare[128];
	uint8_t		 k1[16], k2[16];

	CHECK_INT(MASTR_OK, mastr_eckey_pub(hperm, hpub));
	CHECK_INT(MASTR_OK, mastr_share_make(heph, mastr_eckey_sign_cb, hperm,
	    hshare));
	CHECK_INT(MASTR_OK, mastr_share_check(hpub, hshare, sizeof(hshare)));
	CHECK_INT(MASTR_ERR_PROTOCOL, mastr_share_check(hpub, hshare, 127));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(teph, tshare));
	CHECK_INT(MASTR_OK, mastr_eckey_session(heph, tshare, k1));
	CHECK_INT(MASTR_OK, mastr_eckey_session(teph, hshare, k2));
	CHECK_BYTES(k1, k2, 16);
	hshare[70] ^= 4;
	CHECK_INT(MASTR_ERR_SIGNATURE, mastr_share_check(hpub, hshare,
	    sizeof(hshare)));
	mastr_eckey_free(&hperm);
	mastr_eckey_free(&heph);
	mastr_eckey_free(&teph);
}

static void
points(void)
{
	/* The P-256 generator G (SEC 2, 2.4.2) is on the curve. */
	static const char *g =
	    "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
	    "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5";
	uint8_t	pub[64], key[16];
	mastr_eckey_t *k = mastr_eckey_generate();

	CHECK_INT(MASTR_OK, mastr_pub_from_hex(g, pub));
	CHECK_INT(MASTR_OK, mastr_pub_from_hex("  6B17D1F2E12C4247F8BCE6E563A440F2"
	    "77037D812DEB33A0F4A13945D898C2964FE342E2FE1A7F9B8EE7EB4A7C0F9E16"
	    "2BCE33576B315ECECBB6406837BF51F5\n", pub));
	pub[63] ^= 1;
	CHECK_INT(MASTR_ERR_POINT, mastr_pub_check(pub));
	CHECK_INT(MASTR_ERR_POINT, mastr_eckey_session(k, pub, key));
	memset(pub, 0, sizeof(pub));
	CHECK_INT(MASTR_ERR_POINT, mastr_pub_check(pub));
	CHECK_INT(MASTR_ERR_HEX, mastr_pub_from_hex("abcd", pub));
	CHECK_INT(MASTR_ERR_HEX, mastr_pub_from_hex(
	    "zz17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
	    "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
	    pub));
	mastr_eckey_free(&k);
}

/* A key saved over a world-readable file ends up 0600 and loads back. */
static void
eckey_save_mode_and_load(void)
{
	mastr_eckey_t	*k = mastr_eckey_generate(), *back = NULL;
	uint8_t		 pub[64], pub2[64];
	char		 dir[] = "/tmp/test_mastr_crypto.XXXXXX", path[64];
	struct stat	 st;
	FILE		*f;

	CHECK(k != NULL);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/slot0.pem", dir);
	CHECK((f = fopen(path, "w")) != NULL);
	fputs("an old file that anyone may read\n", f);
	fclose(f);
	CHECK_INT(0, chmod(path, 0644));
	CHECK_INT(MASTR_OK, mastr_eckey_save(k, path));
	CHECK_INT(0, stat(path, &st));
	CHECK_INT(0600, st.st_mode & 07777);
	CHECK_INT(MASTR_OK, mastr_eckey_load(path, &back));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(k, pub));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(back, pub2));
	CHECK_BYTES(pub, pub2, sizeof(pub));
	unlink(path);
	CHECK_INT(MASTR_ERR_IO, mastr_eckey_load(path, &back));
	rmdir(dir);
	mastr_eckey_free(&back);
	mastr_eckey_free(&k);
}

static void
hex_lower(void)
{
	const uint8_t	in[] = { 0x00, 0xab, 0x7f };
	char		out[7];

	mastr_hex(in, sizeof(in), out);
	CHECK(strcmp(out, "00ab7f") == 0);
}

int
main(void)
{
	RUN(hkdf_known_answer);
	RUN(gcm_round_trip_and_tamper);
	RUN(sign_verify);
	RUN(share_and_session);
	RUN(points);
	RUN(eckey_save_mode_and_load);
	RUN(hex_lower);
	return test_summary();
}
