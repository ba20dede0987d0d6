/* The verifyd fuzzers' keystore (vd_keystore.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntag424/keystore.h"
#include "vd_keystore.h"

const uint8_t fuzz_vd_uid[7] = { 0x04, 0xDE, 0x5F, 0x1E, 0xAC, 0xC0, 0x40 };

void
fuzz_vd_keystore_create(struct fuzz_vd_keystore *k)
{
	static const uint8_t	 zero[16];
	struct ntag424_ks_opts	 o = { k->db, k->kek, 0, 0 };
	ntag424_ks_t		*ks = ntag424_ks_new();
	uint32_t		 v;

	snprintf(k->dir, sizeof(k->dir), "/tmp/fuzz-verifyd.XXXXXX");
	if (mkdtemp(k->dir) == NULL || ks == NULL)
		abort();
	snprintf(k->db, sizeof(k->db), "%s/ks.db", k->dir);
	snprintf(k->kek, sizeof(k->kek), "%s/kek", k->dir);
	if (ntag424_ks_open(ks, &o) != 0 ||
	    ntag424_ks_cohort_put(ks, "an12196", zero, &v) != 0 ||
	    ntag424_ks_tag_create(ks, fuzz_vd_uid) != 0 ||
	    ntag424_ks_tag_set_plan(ks, fuzz_vd_uid, "sun-2",
	    "https://ntag.nxp.com/424?e={picc}&c={mac}",
	    NTAG424_KS_SRC_RANDOM, 0) != 0 ||
	    ntag424_ks_key_intend(ks, fuzz_vd_uid, 3, zero, 1) != 0 ||
	    ntag424_ks_key_mark_sent(ks, fuzz_vd_uid, 3) != 0 ||
	    ntag424_ks_key_applied(ks, fuzz_vd_uid, 3) != 0 ||
	    ntag424_ks_tag_set_status(ks, fuzz_vd_uid,
	    NTAG424_KS_PROVISIONED) != 0) {
		fprintf(stderr, "fuzz keystore: %s\n", ntag424_ks_errmsg(ks));
		abort();
	}
	ntag424_ks_free(&ks);
}

void
fuzz_vd_keystore_remove(const struct fuzz_vd_keystore *k)
{
	static const char *const files[] = { "ks.db", "ks.db-wal", "ks.db-shm",
	    "kek" };
	char path[2 * FUZZ_VD_PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", k->dir, files[i]);
		unlink(path);
	}
	rmdir(k->dir);
}
