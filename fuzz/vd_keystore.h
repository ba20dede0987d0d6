/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifyd fuzzers' keystore: one SQLite file holding the AN12196 SUN-2
 * tag (UID 04DE5F1EACC040, all keys zero, AN12196 4.4.2.2 Table 3)
 * under the cohort "an12196" with an all-zero meta-read key.
 */
#ifndef PROVISIO_FUZZ_VD_KEYSTORE_H
#define PROVISIO_FUZZ_VD_KEYSTORE_H

#include <stdint.h>

#define FUZZ_VD_PATH_MAX	64

struct fuzz_vd_keystore {
	char	dir[FUZZ_VD_PATH_MAX];
	char	db[FUZZ_VD_PATH_MAX];
	char	kek[FUZZ_VD_PATH_MAX];
};

extern const uint8_t fuzz_vd_uid[7];

/* Create the temporary keystore; aborts on failure (fuzzer setup). */
void fuzz_vd_keystore_create(struct fuzz_vd_keystore *k);
/* Remove its files and directory. */
void fuzz_vd_keystore_remove(const struct fuzz_vd_keystore *k);

#endif
