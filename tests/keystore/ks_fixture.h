/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the keystore test files: the database under test (SQLite file
 * or PostgreSQL URI), fixed UIDs and keys, and helpers to open, empty and
 * fill a keystore.
 */
#ifndef TEST_KS_FIXTURE_H
#define TEST_KS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "keystore/ks.h"

extern char		 tmp[256];
extern char		 db_uri[1024];	/* the keystore under test */
extern char		 kek_file[300];
extern int		 is_pg;

extern const uint8_t	 uid_a[7], uid_b[7], key1[16], key2[16];

/*
 * Tests wait at most 200 ms for a lock, so that the locked-database case is
 * quick; the race waits up to RACE_WAIT_MS, as a real verifier would, since
 * each commit is an fsync and a loaded machine can take longer than 200 ms.
 */
#define TEST_WAIT_MS	200
#define RACE_WAIT_MS	20000

/* The keystore's last message contains needle. */
#define CHECK_MSG(ks, needle) check_msg(__FILE__, __LINE__, (ks), (needle))
void check_msg(const char *file, int line, const ntag424_ks_t *ks,
    const char *needle);

/* tmp/name into out. */
void path(char *out, size_t cap, const char *name);
/* Open (aborts if out of memory); checks NTAG424_OK unless rp is given. */
ntag424_ks_t *open_waiting(const char *db, const char *kek, unsigned flags,
    int wait_ms, int *rp);
ntag424_ks_t *open_with(const char *db, const char *kek, unsigned flags,
    int *rp);
/* The keystore under test with the main KEK. */
ntag424_ks_t *open_main(void);
/* Empty the database under test (every table, the KEK check included). */
void fresh(void);
/* Tag uid with key keyno applied at version. */
void provision_key(ntag424_ks_t *ks, const uint8_t uid[7], int keyno,
    const uint8_t key[16], uint8_t version);
/* Temporary directory, database and environment (XDG_*, HOME). */
void ks_setup(int argc, char **argv);

/* test_keystore_files.c: locks, plaintext search, backup, KEK rotation,
 * and the cases only SQLite can stage. */
void ks_run_file_cases(void);
/* test_keystore_stmt.c: prepared statements kept and reused. */
void ks_run_stmt_cases(void);
/* test_keystore_import.c: other tools' key files, keys forget. */
void ks_run_import_cases(void);
/* test_keystore_batch.c: the verifier's batch accept, every outcome. */
void ks_run_batch_cases(void);

#endif
