/*
 * libFuzzer harness on ntag424-verifyd's request path: the /api/verify
 * url= extraction and percent-decoding, then the verification pipeline
 * (template match, parse, PICCData under the meta-read keys, tag lookup,
 * MAC) against a keystore holding the AN12196 SUN-2 tag (zero keys,
 * ntag424-vectors.md section 4). The counter commit is not fuzzed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verifyd/routes.h"
#include "verifyd/verifyd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vd_tags_t	*tags;
static vd_verifier_t	*verifier;
static char		 dir[] = "/tmp/fuzz-verifyd.XXXXXX";

/* The temporary keystore goes when the fuzzer exits. */
static void
remove_dir(void)
{
	static const char *const files[] = { "ks.db", "ks.db-wal", "ks.db-shm",
	    "kek" };
	char path[64];

	vd_verifier_free(&verifier);
	vd_tags_free(&tags);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
setup(void)
{
	static const uint8_t	 zero[16];
	static const uint8_t	 uid[7] = { 0x04, 0xDE, 0x5F, 0x1E, 0xAC, 0xC0,
	    0x40 };
	char			 db[64], kek[64], err[512];
	struct ntag424_ks_opts	 o = { db, kek, 0, 0 };
	struct vd_config	 c;
	ntag424_ks_t		*ks = ntag424_ks_new();
	uint32_t		 v;

	if (mkdtemp(dir) == NULL || ks == NULL)
		abort();
	atexit(remove_dir);
	snprintf(db, sizeof(db), "%s/ks.db", dir);
	snprintf(kek, sizeof(kek), "%s/kek", dir);
	if (ntag424_ks_open(ks, &o) != 0 ||
	    ntag424_ks_cohort_put(ks, "an12196", zero, &v) != 0 ||
	    ntag424_ks_tag_create(ks, uid) != 0 ||
	    ntag424_ks_tag_set_plan(ks, uid, "sun-2",
	    "https://ntag.nxp.com/424?e={picc}&c={mac}",
	    NTAG424_KS_SRC_RANDOM, 0) != 0 ||
	    ntag424_ks_key_intend(ks, uid, 3, zero, 1) != 0 ||
	    ntag424_ks_key_mark_sent(ks, uid, 3) != 0 ||
	    ntag424_ks_key_applied(ks, uid, 3) != 0 ||
	    ntag424_ks_tag_set_status(ks, uid, NTAG424_KS_PROVISIONED) != 0)
		abort();
	ntag424_ks_free(&ks);
	vd_config_init(&c);
	if (vd_config_set(&c, "db", db, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "kek-file", kek, err, sizeof(err)) != 0 ||
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
