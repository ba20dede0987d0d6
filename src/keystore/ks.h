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

#endif
