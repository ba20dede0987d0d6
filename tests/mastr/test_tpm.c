/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TPM layer against a real swtpm (tpm.sh starts it and passes the
 * TCTI string): several operations in one ESYS context, cross-checked with
 * OpenSSL, and the exact errors of the negative paths.
 */
#include <stdlib.h>
#include <string.h>

#include "mastr/err.h"
#include "mastr/tpm.h"
#include "test.h"

#define HANDLE	0x81000081u
#define INDEX	0x01800003u

static mastr_tpm_t *tpm;

/* Rotate twice in one context, then sign: the TPM's r || s verifies. */
static void
rotate_and_sign(void)
{
	uint8_t		p1[64], p2[64], cur[64], sig[64];
	const uint8_t	msg[36] = { 1, 2, 3 };

	CHECK_INT(MASTR_OK, mastr_tpm_key_create(tpm, HANDLE, p1));
	CHECK_INT(MASTR_OK, mastr_tpm_key_create(tpm, HANDLE, p2));
	CHECK(memcmp(p1, p2, sizeof(p1)) != 0);
	CHECK_INT(MASTR_OK, mastr_tpm_key_pub(tpm, HANDLE, cur));
	CHECK_BYTES(p2, cur, sizeof(cur));
	CHECK_INT(MASTR_OK, mastr_tpm_sign(tpm, HANDLE, msg, sizeof(msg), sig));
	CHECK_INT(MASTR_OK, mastr_ecdsa_verify(p2, msg, sizeof(msg), sig));
	CHECK_INT(MASTR_ERR_SIGNATURE, mastr_ecdsa_verify(p1, msg, sizeof(msg),
	    sig));
}

static void
missing_key(void)
{
	uint8_t pub[64], sig[64];

	CHECK_INT(MASTR_ERR_NO_HOST_KEY, mastr_tpm_key_pub(tpm, 0x810000F0u,
	    pub));
	CHECK_INT(MASTR_ERR_NO_HOST_KEY, mastr_tpm_sign(tpm, 0x810000F0u, pub,
	    1, sig));
}

static void
nv_round_trip(void)
{
	mastr_eckey_t	*a = mastr_eckey_generate(), *b = mastr_eckey_generate();
	uint8_t		 pa[64], pb[64], got[64];

	CHECK_INT(MASTR_ERR_NV_EMPTY, mastr_tpm_nv_load(tpm, INDEX, got));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(a, pa));
	CHECK_INT(MASTR_OK, mastr_eckey_pub(b, pb));
	CHECK_INT(MASTR_OK, mastr_tpm_nv_store(tpm, INDEX, pa));
	CHECK_INT(MASTR_OK, mastr_tpm_nv_load(tpm, INDEX, got));
	CHECK_BYTES(pa, got, 64);
	CHECK_INT(MASTR_OK, mastr_tpm_nv_store(tpm, INDEX, pb));
	CHECK_INT(MASTR_OK, mastr_tpm_nv_load(tpm, INDEX, got));
	CHECK_BYTES(pb, got, 64);
	pa[63] ^= 1;
	CHECK_INT(MASTR_ERR_POINT, mastr_tpm_nv_store(tpm, INDEX, pa));
	CHECK_INT(MASTR_OK, mastr_tpm_nv_load(tpm, INDEX, got));
	CHECK_BYTES(pb, got, 64);
	mastr_eckey_free(&a);
	mastr_eckey_free(&b);
}

static void
unreachable(void)
{
	mastr_tpm_t *t = NULL;

	CHECK_INT(MASTR_ERR_TPM_UNREACHABLE, mastr_tpm_open(
	    "swtpm:path=/nonexistent/tpm.sock", &t));
	CHECK(t == NULL);
	mastr_tpm_close(&t);
}

int
main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	setenv("TSS2_LOG", "all+none", 0);
	if (mastr_tpm_open(argv[1], &tpm) != MASTR_OK)
		return 1;
	RUN(rotate_and_sign);
	RUN(missing_key);
	RUN(nv_round_trip);
	RUN(unreachable);
	mastr_tpm_close(&tpm);
	return test_summary();
}
