/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness on ntag424-verifyd's request path: the /api/verify
 * url= extraction and percent-decoding, then the verification pipeline
 * (template match, parse, PICCData under the meta-read keys, tag lookup,
 * MAC) against a keystore holding the AN12196 SUN-2 tag (zero keys,
 * docs/test-vectors.md). The counter commit is not fuzzed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifyd/routes.h"
#include "verifyd/verifyd.h"
#include "vd_keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vd_tags_t		*tags;
static vd_verifier_t		*verifier;
static struct fuzz_vd_keystore	 ks;

/* The temporary keystore goes when the fuzzer exits. */
static void
teardown(void)
{
	vd_verifier_free(&verifier);
	vd_tags_free(&tags);
	fuzz_vd_keystore_remove(&ks);
}

static void
setup(void)
{
	char			 err[512];
	struct vd_config	 c;

	fuzz_vd_keystore_create(&ks);
	atexit(teardown);
	vd_config_init(&c);
	if (vd_config_set(&c, "db", ks.db, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "kek-file", ks.kek, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "cohort", "an12196", err, sizeof(err)) != 0 ||
	    vd_tags_open(&tags, &c, err, sizeof(err)) != 0 ||
	    (verifier = vd_verifier_new(tags)) == NULL) {
		fprintf(stderr, "fuzz setup: %s\n", err);
		abort();
	}
	vd_config_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_result		res;
	struct ntag424_ks_advance	adv;
	char				url[NTAG424_SUN_URL_MAX + 1];
	size_t				n;

	if (tags == NULL)
		setup();
	if (vd_verify(verifier, "/424", (const char *)data, size, 0, &res,
	    &adv) == 1 && (res.verdict != VD_VALID || res.ctr != adv.ctr))
		abort();	/* verified: must carry the counter to commit */
	if (vd_route_api_url((const char *)data, size, url, sizeof(url), &n,
	    &res) == 0)
		(void)vd_verify(verifier, NULL, url, n, 0, &res, &adv);
	vd_result_clear(&res);
	return 0;
}
