/* Inside the keystore: the handle and the helpers every noun shares. */
#ifndef PROVISIO_KS_H
#define PROVISIO_KS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "keystore/db.h"
#include "ntag424/keystore.h"

#define UID_HEX_LEN	(2 * NTAG424_KS_UID_LEN)

struct ntag424_ks {
	const struct db_backend	*be;
	void			*h;
	int			 has_kek;
	uint8_t			 kek[NTAG424_KS_KEK_LEN];
	char			 where[PATH_MAX];
	char			 kek_from[PATH_MAX];	/* for messages */
	char			 kek_created[PATH_MAX];
	int			 kek_env;		/* from PROVISIO_KEK */
	int			 db_created;		/* SQLite file, by open */
	char			 kek_kept[PATH_MAX];	/* by rotate */
	char			 msg[NTAG424_KS_MSG_MAX];
	void			*mac;		/* rowauth.c: EVP_MAC_CTX */
	void			*seen;		/* counters.c: rows last checked */
	uint8_t			 mac_kek[NTAG424_KS_KEK_LEN];	/* its KEK */
};

/* seal.c */
enum seal_purpose {
	SEAL_CHECK = 'K',
	SEAL_CURRENT = 'C',
	SEAL_PENDING = 'P',
	SEAL_MASTER = 'M',
	SEAL_COHORT = 'S',
};

struct seal_aad {
	int		 purpose;	/* enum seal_purpose */
	const uint8_t	*uid;		/* NULL: seven zero bytes */
	int		 keyno;
	uint32_t	 version;
	const char	*name;		/* NULL: empty */
};

#define SEAL_NONCE	12
#define SEAL_TAG	16
#define SEAL_PT_MAX	32
#define SEAL_LEN(n)	(1 + SEAL_NONCE + (n) + SEAL_TAG)
#define SEAL_HEX_MAX	(2 * SEAL_LEN(SEAL_PT_MAX) + 1)

/* store.c: set ks->msg from fmt and return code. */
int ks_fail(ntag424_ks_t *ks, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Turn a DB_E* into NTAG424_ERR_STORE (or _NOMEM) with a sentence. */
int ks_dbfail(ntag424_ks_t *ks, int dbrc, const char *doing);
/* Run a statement that returns no rows; *changes may be NULL. */
int ks_exec(ntag424_ks_t *ks, const char *doing, const char *sql,
    const struct db_param *p, size_t n, int64_t *changes);
/* Run a query; read rows with ks_next(); free with ks->be->res_free. */
int ks_query(ntag424_ks_t *ks, const char *doing, const char *sql,
    const struct db_param *p, size_t n, db_res_t **res);
/* 1 row, 0 done, < 0 NTAG424_ERR_STORE (message set). */
int ks_next(ntag424_ks_t *ks, const char *doing, db_res_t *res);
int ks_begin(ntag424_ks_t *ks, enum db_tx mode);
int ks_commit(ntag424_ks_t *ks);
void ks_rollback(ntag424_ks_t *ks);
/*
 * Default paths: $XDG_x_HOME/provisio/name, else ~/sub/provisio/name
 * (the database, and in kek.c the default KEK file).
 */
int ks_default_path(ntag424_ks_t *ks, const char *xdg, const char *sub,
    const char *name, char *out, size_t cap);
/* mkdir -p for the parents of path, each new directory 0700. */
int ks_make_parents(ntag424_ks_t *ks, const char *path);
/* schema.c: bring the schema to version target (migrations). */
int ks_migrate(ntag424_ks_t *ks, int target);
/* NTAG424_ERR_KEK with a sentence when the handle was opened without one. */
int ks_need_kek(ntag424_ks_t *ks);
/* Open at a given schema version: for the migration tests only. */
int ks_open_version(ntag424_ks_t *ks, const struct ntag424_ks_opts *o,
    int version);
/* Run one SQL statement verbatim: for tests that alter rows by hand. */
int ks_exec_raw(ntag424_ks_t *ks, const char *sql);

void ks_uid_hex(const uint8_t uid[NTAG424_KS_UID_LEN], char out[UID_HEX_LEN + 1]);
int ks_uid_parse(const char *hex, uint8_t uid[NTAG424_KS_UID_LEN]);
/* Copy src into dst (cap bytes) if it fits; -1 if not. */
int ks_strcpy(char *dst, size_t cap, const char *src);

/* kek.c: load or create the KEK and check it against the keystore. */
int ks_kek_setup(ntag424_ks_t *ks, const char *kek_file, int may_create);
/*
 * Load a KEK file (mode checked, created 0600 with 32 random bytes in hex
 * when missing and may_create). *created = 1 if it was created.
 */
int ks_kek_file_load(ntag424_ks_t *ks, const char *path, int may_create,
    uint8_t kek[NTAG424_KS_KEK_LEN], int *created);

/*
 * master.c: store a master (name NULL) or cohort key as version *version
 * (0: the next one, set on return). Call inside a transaction.
 */
int ks_key_insert(ntag424_ks_t *ks, const char *name,
    const uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version);

/*
 * kek.c: read a secret file (regular, ours, not readable by group or
 * others: else NTAG424_ERR_KEK) into buf (cap bytes, NUL-terminated).
 * The caller wipes buf. A missing file is NTAG424_ERR_NOT_FOUND.
 */
int ks_secret_file_read(ntag424_ks_t *ks, const char *what, const char *path,
    char *buf, size_t cap, size_t *len);
/* kek.c: a fresh check value for kek. */
int ks_kek_check_seal(const uint8_t kek[NTAG424_KS_KEK_LEN],
    char hex[SEAL_HEX_MAX]);

/*
 * Import helpers (backup.c), each inside the caller's transaction: add
 * what is missing (*added = 1), accept what is identical, refuse a
 * different key with NTAG424_ERR_STATE.
 */
int ks_tag_import(ntag424_ks_t *ks, const struct ntag424_ks_tag *t, int *added);
/* Mark a tag revoked unless it is already (NTAG424_ERR_MALFORMED if bad). */
int ks_tag_import_revoked(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int64_t revoked,
    const char *reason);
/*
 * counters.c: call fn for every stored read counter (backups); raise one
 * to ctr unless it is already at or above it (*raised = 1 if changed).
 */
int ks_counter_foreach(ntag424_ks_t *ks, int (*fn)(const uint8_t *uid,
    uint32_t generation, uint32_t ctr, void *arg), void *arg);
int ks_counter_raise(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    uint32_t generation, uint32_t ctr, int *raised);
int ks_key_import(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, int state, uint8_t version,
    const uint8_t key[NTAG424_KS_KEY_LEN], int *added);
int ks_key_import_versioned(ntag424_ks_t *ks, const char *name,
    uint32_t version, const uint8_t key[NTAG424_KS_KEY_LEN], int *added);
/* seal.c: one AES-256-GCM pass (enc 1/0); decryption checks tag. */
int ks_gcm(int enc, const uint8_t key[NTAG424_KS_KEK_LEN],
    const uint8_t nonce[SEAL_NONCE], const uint8_t *aad, size_t aadlen,
    const uint8_t *in, size_t n, uint8_t *out, uint8_t tag[SEAL_TAG]);

/* Seal n bytes (n <= SEAL_PT_MAX) to hex text. 0 or NTAG424_ERR_CRYPTO. */
int seal_hex(const uint8_t kek[NTAG424_KS_KEK_LEN], const struct seal_aad *a,
    const uint8_t *pt, size_t n, char hex[SEAL_HEX_MAX]);
/*
 * Open hex text sealed over exactly n bytes. 0, NTAG424_ERR_INTEGRITY (the
 * GCM tag does not verify: wrong KEK or moved/altered record),
 * NTAG424_ERR_MALFORMED, NTAG424_ERR_CRYPTO. pt is wiped on failure.
 */
int unseal_hex(const uint8_t kek[NTAG424_KS_KEK_LEN], const struct seal_aad *a,
    const char *hex, uint8_t *pt, size_t n);
/* Seal/unseal with ks->kek; failures get a sentence naming what. */
int ks_seal(ntag424_ks_t *ks, const struct seal_aad *a, const uint8_t *pt,
    size_t n, char hex[SEAL_HEX_MAX]);
int ks_unseal(ntag424_ks_t *ks, const struct seal_aad *a, const char *hex,
    uint8_t *pt, size_t n);

/*
 * rowauth.c: row MACs (see there). A tags row is read with KS_TAG_COLS:
 * KS_TAG_DATA_COLS data columns, then keys_digest, then mac.
 */
#define KS_TAG_COLS	"tags.uid, tags.status, tags.name, tags.template, " \
    "tags.key_source, tags.master_version, tags.generation, tags.created, " \
    "tags.updated, tags.provisioned, tags.revoked, tags.revoke_reason, " \
    "tags.keys_digest, tags.mac"
#define KS_TAG_DATA_COLS	12
#define KS_TAG_DIGEST_COL	12
#define KS_TAG_MAC_COL		13
#define KS_MAC_HEX		65	/* 64 hex characters and NUL */
#define KS_KEYROWS		(2 * NTAG424_KS_NKEYS)

struct ks_keyrow {
	int	keyno;
	int	slot;			/* enum ntag424_ks_slot */
	int64_t	version;
	char	state[16];
	char	sealed[SEAL_HEX_MAX];
	int64_t	updated;
};

/* The MAC of the tags row under res's cursor, with digest as keys_digest. */
int ks_tag_mac(ntag424_ks_t *ks, db_res_t *res, const char *digest,
    char hex[KS_MAC_HEX]);
int ks_counter_mac(ntag424_ks_t *ks, const char *uidhex, int64_t generation,
    int64_t ctr, char hex[KS_MAC_HEX]);
/* 1 if stored (may be NULL) is computed, in constant time. */
int ks_mac_equal(const char *stored, const char computed[KS_MAC_HEX]);
/* NTAG424_ERR_STORE with the sentence naming the tag and what failed. */
int ks_tampered(ntag424_ks_t *ks, const char *uidhex, const char *what);
/*
 * The digest of uidhex's key rows; rows (KS_KEYROWS, may be NULL) and
 * *nrows get the rows it was computed over.
 */
int ks_keys_digest(ntag424_ks_t *ks, const char *uidhex, char hex[KS_MAC_HEX],
    struct ks_keyrow *rows, size_t *nrows);
void ks_rowauth_close(ntag424_ks_t *ks);
/*
 * After a KEK is loaded: authenticate the rows of a keystore from before
 * schema 3 (once; see docs/keystore.md), else check the marker saying so.
 */
int ks_rows_authenticate(ntag424_ks_t *ks);
/* rotate: check every row MAC under the KEK in use, MAC again under new. */
int ks_rows_rekey(ntag424_ks_t *ks, const uint8_t newkek[NTAG424_KS_KEK_LEN]);

/*
 * tags.c: a tag's row and key rows, checked (KEK needed; NOT_FOUND if no
 * such tag); and, after a change, its key digest and MAC computed again.
 * Call both in the transaction that changes the tag or its keys.
 */
int ks_tag_check(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t, struct ks_keyrow *rows, size_t *nrows);
int ks_tag_reseal(ntag424_ks_t *ks, const char *uidhex);
/* counters.c: free the memory of rows checked (ks_rowauth_close). */
void ks_counter_seen_free(ntag424_ks_t *ks);
/* counters.c: the empty counter row (ctr -1) of a newly provisioned tag. */
int ks_counter_create(ntag424_ks_t *ks, const char *uidhex,
    uint32_t generation);

#endif
