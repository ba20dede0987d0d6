/*
 * The keystore: tags, their keys, the provisioning journal, master and
 * cohort keys, and the verifier's read counters, in SQLite (a file) or
 * PostgreSQL (a postgresql:// URI). Same schema and same queries on both.
 *
 * Every function returns 0 (NTAG424_OK) or a negative NTAG424_ERR_*:
 *   NTAG424_ERR_STORE      the database failed (locked, full, damaged, ...)
 *   NTAG424_ERR_KEK        no key-encryption key, or not this keystore's
 *   NTAG424_ERR_NOT_FOUND  no such tag, key, master key or counter
 *   NTAG424_ERR_STATE      the change would lose a key (see below)
 *   NTAG424_ERR_ARG, _IO, _NOMEM, _CRYPTO, _MALFORMED as usual.
 * After any failure ntag424_ks_errmsg() gives a full sentence for a person:
 * what happened (with the database's own message) and what to do.
 *
 * Keys at rest. Every key is sealed with AES-256-GCM under the KEK, with a
 * fresh random 12-byte nonce per seal. The associated data binds a sealed
 * key to its place, so a sealed value copied to another row does not open:
 *   AAD = UID(7) || KeyNo(1) || Purpose(1) || Version(4, big-endian)
 *         || NameLen(1) || Name
 * Purpose is 'C' (a tag's current key), 'P' (its pending key), 'M' (a
 * master key; UID zero, Version = master version), 'S' (a cohort key; UID
 * zero, Version and Name of the cohort key) or 'K' (the KEK check value).
 * For tag keys Version is 0 and Name empty, so the AAD is in effect
 * UID || KeyNo || Purpose. A KEK check value (a sealed constant) is
 * stored when the keystore first sees a KEK; a different KEK is
 * NTAG424_ERR_KEK, never garbage keys.
 *
 * Key diversification: ntag424_ks_diversify() below, the one derivation
 * the engine (src/provision) and the verifier (src/verifyd) share:
 *   M = UID(7) || KeyNo(1) || KeyVersion(1) || "provisio"(8 ASCII bytes)
 *                                                             17 bytes
 *   K_tag[KeyNo] = AN10922-AES128(master key of version V, M)
 * KeyNo is part of M so that keys 0, 2, 3, 4 of one tag differ; the
 * constant separates our keys from other systems' diversified from the
 * same master. KeyVersion is the version the key is written with
 * (ChangeKey's KeyVer, stored with the key): the engine numbers the keys
 * of a tag's n-th provisioning ((n - 1) mod 255) + 1, so a re-provisioned
 * tag gets new keys and a URL of an earlier provisioning, whose counter
 * the tag has since restarted, fails its MAC instead of becoming valid.
 * The tag row records V (master_version); the verifier derives with that
 * master version and the version of the tag's current key. Cohort keys
 * (seed 004's static SDM meta-read key 1) are not diversified: the same
 * key for every tag, stored as a named, versioned cohort key.
 *
 * Current and pending keys. For every tag and key number the keystore
 * holds the CURRENT key (believed on the tag) and, during a run, a PENDING
 * key (intended). The engine calls, for each ChangeKey:
 *   ntag424_ks_key_intend()     before deciding to send (state intent)
 *   ntag424_ks_key_mark_sent()  just before sending (state maybe-applied)
 *   ntag424_ks_key_applied()    after the tag confirmed (pending -> current)
 * or ntag424_ks_key_abandon() when it has proved (GetKeyVersion) that the
 * pending key never reached the tag. A resume reads both slots. A tag with
 * no current key row has its factory key (all zero, version 0).
 *
 * Row authentication (schema 3, docs/keystore.md). Each tags row and each
 * counters row carries an HMAC-SHA256 under a key derived from the KEK; a
 * tag's key rows are bound to its row by a digest. A handle with the KEK
 * checks them on every read (a row changed by hand: NTAG424_ERR_STORE, the
 * sentence naming the tag) and MACs every row it writes; without the KEK,
 * metadata is read unchecked and tags, keys and counters cannot be written.
 *
 * Handles are not thread-safe; use one per thread or process.
 */
#ifndef PROVISIO_KEYSTORE_H
#define PROVISIO_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#define NTAG424_KS_UID_LEN	7
#define NTAG424_KS_NKEYS	5
#define NTAG424_KS_KEY_LEN	16
#define NTAG424_KS_KEK_LEN	32
#define NTAG424_KS_NAME_MAX	64	/* preset, template or cohort name */
#define NTAG424_KS_TEMPLATE_MAX	512	/* template string */
#define NTAG424_KS_RUN_ID_LEN	32	/* hex characters */
#define NTAG424_KS_STEP_MAX	32
#define NTAG424_KS_MSG_MAX	512
#define NTAG424_KS_REASON_MAX	128	/* why a tag was revoked */
#define NTAG424_KS_SCHEMA	4	/* schema version this code writes */

typedef struct ntag424_ks ntag424_ks_t;

/* Open flags. */
#define NTAG424_KS_NO_KEK	0x01	/* open without a KEK: no key access */
#define NTAG424_KS_NO_CREATE	0x02	/* a missing SQLite file is NOT_FOUND */

struct ntag424_ks_opts {
	const char	*db;		/* path, postgresql:// URI, NULL: default */
	const char	*kek_file;	/* NULL: env PROVISIO_KEK, else default */
	unsigned	 flags;		/* NTAG424_KS_* */
	int		 timeout_ms;	/* wait for locks; 0: 5000 */
};

enum ntag424_ks_status {
	NTAG424_KS_FACTORY = 0,
	NTAG424_KS_PENDING,
	NTAG424_KS_PROVISIONED,
	NTAG424_KS_FAILED,
	NTAG424_KS_RESETTING,
	NTAG424_KS_IMPORTED,		/* keys from another tool's file */
};

enum ntag424_ks_source {
	NTAG424_KS_SRC_NONE = 0,	/* not decided yet */
	NTAG424_KS_SRC_RANDOM,		/* RAND_bytes per tag, stored */
	NTAG424_KS_SRC_DIVERSIFIED,	/* AN10922 from a master key */
};

enum ntag424_ks_slot {
	NTAG424_KS_CURRENT = 0,
	NTAG424_KS_PENDING_SLOT,
};

enum ntag424_ks_key_state {
	NTAG424_KS_APPLIED = 0,		/* current keys */
	NTAG424_KS_INTENT,		/* pending, not sent */
	NTAG424_KS_MAYBE,		/* pending, sent: maybe applied */
};

enum ntag424_ks_ctr_outcome {
	NTAG424_KS_ADVANCED = 1,	/* new counter stored */
	NTAG424_KS_REPLAY,		/* counter not above the stored one */
	NTAG424_KS_STALE,		/* generation not the tag's current */
	NTAG424_KS_REVOKED,		/* the tag is revoked: not stored */
	NTAG424_KS_TAMPERED,		/* a row does not authenticate */
};

struct ntag424_ks_tag {
	uint8_t		uid[NTAG424_KS_UID_LEN];
	int		status;			/* enum ntag424_ks_status */
	char		name[NTAG424_KS_NAME_MAX + 1];
	char		tmpl[NTAG424_KS_TEMPLATE_MAX + 1];
	int		source;			/* enum ntag424_ks_source */
	uint32_t	master_version;		/* diversified: master used */
	uint32_t	generation;		/* times provisioned */
	int64_t		created;		/* Unix seconds */
	int64_t		updated;
	int64_t		provisioned;		/* 0 if never */
	unsigned	current_mask;		/* bit k: current key k stored */
	unsigned	pending_mask;		/* bit k: pending key k stored */
	uint8_t		key_version[NTAG424_KS_NKEYS];	/* current, 0 if none */
	int64_t		revoked;		/* Unix seconds, 0 if not */
	char		revoke_reason[NTAG424_KS_REASON_MAX + 1];
};

struct ntag424_ks_keyinfo {
	uint8_t		version;
	int		state;			/* enum ntag424_ks_key_state */
	int64_t		updated;
};

struct ntag424_ks_journal_entry {
	uint8_t		uid[NTAG424_KS_UID_LEN];
	uint64_t	seq;			/* 1, 2, ... per tag (set on append) */
	char		run_id[NTAG424_KS_RUN_ID_LEN + 1];
	char		step[NTAG424_KS_STEP_MAX + 1];	/* "ChangeKey", ... */
	int		keyno;			/* -1 if not about a key */
	char		outcome[NTAG424_KS_STEP_MAX + 1];	/* "intent", "ok", ... */
	int		sw;			/* status word, NTAG424_ERR_* or 0 */
	int64_t		ts;			/* set on append */
};

struct ntag424_ks_advance {
	uint8_t		uid[NTAG424_KS_UID_LEN];
	uint32_t	generation;
	uint32_t	ctr;
	int		outcome;		/* set: enum ntag424_ks_ctr_outcome */
	uint32_t	stored;			/* set on REPLAY: the stored ctr */
};

struct ntag424_ks_import_stats {
	size_t		tags_added;
	size_t		keys_added;
	size_t		keys_same;		/* already there, identical */
	size_t		masters_added;
	size_t		cohorts_added;
	size_t		counters_raised;	/* added or raised */
};

/* store.c */
/* A closed handle; NULL if out of memory. */
ntag424_ks_t *ntag424_ks_new(void);
/*
 * Open (creating and migrating as needed) the keystore o->db, with the
 * KEK from o->kek_file, else PROVISIO_KEK (64 hex), else the default file
 * $XDG_CONFIG_HOME/provisio/kek. A KEK file is created (0600, 32 random
 * bytes in hex) only while the keystore has no KEK check value; then
 * ntag424_ks_kek_created() returns its path and the caller must tell the
 * person to back it up. Default database:
 * $XDG_DATA_HOME/provisio/keystore.db (~/.local/share if unset), directories
 * created 0700, the file 0600. SQLite runs in WAL mode with
 * synchronous=FULL, foreign keys and a busy timeout.
 */
int ntag424_ks_open(ntag424_ks_t *ks, const struct ntag424_ks_opts *o);
/* Close, wipe the KEK, free; NULL-safe; sets *ksp = NULL. */
void ntag424_ks_free(ntag424_ks_t **ksp);
/*
 * As ntag424_ks_free(), for a command that failed on a keystore it was to
 * fill: when the keystore still holds no tag, master or cohort key, what
 * this handle's open created goes too: the SQLite file (with its -wal and
 * -shm) and the KEK file with the check value sealed under it. Anything
 * that existed before the open is left as it was.
 */
void ntag424_ks_abandon(ntag424_ks_t **ksp);
/* The last failure's sentence (empty if none). Borrowed. */
const char *ntag424_ks_errmsg(const ntag424_ks_t *ks);
/* The KEK file created by open or rotate, or NULL. Borrowed. */
const char *ntag424_ks_kek_created(const ntag424_ks_t *ks);
/* "sqlite" or "postgresql", and the file or "PostgreSQL" for messages. */
const char *ntag424_ks_backend(const ntag424_ks_t *ks);
const char *ntag424_ks_where(const ntag424_ks_t *ks);
/* Schema version found in the database (after open: NTAG424_KS_SCHEMA). */
int ntag424_ks_schema_version(ntag424_ks_t *ks, int *version);
/* Names for the enums, and back (-1 if unknown). */
const char *ntag424_ks_status_name(int status);
int ntag424_ks_status_parse(const char *name);
const char *ntag424_ks_source_name(int source);

/* tags.c */
/* Create the tag's row (status factory) if it is not there. */
int ntag424_ks_tag_create(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN]);
/* Fill *t; NTAG424_ERR_NOT_FOUND if the tag is unknown. */
int ntag424_ks_tag_get(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t);
/* Record the plan of a run: preset/template name, template, key source. */
int ntag424_ks_tag_set_plan(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], const char *name, const char *tmpl,
    int source, uint32_t master_version);
/*
 * Set the status. Becoming NTAG424_KS_PROVISIONED also stamps the time and
 * increments the generation, in the same statement.
 */
int ntag424_ks_tag_set_status(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int status);
/*
 * Revoke a tag (a lost or stolen one): the verifier then answers its
 * genuine taps "revoked" and stores no counter for them. reason may be
 * NULL or empty, at most NTAG424_KS_REASON_MAX printable characters; it
 * stays in the keystore and is never shown to whoever tapped. Revoking a
 * revoked tag replaces the reason. NTAG424_ERR_NOT_FOUND for an unknown
 * tag (nothing stored).
 */
int ntag424_ks_tag_revoke(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], const char *reason);
/* Undo a revocation; NTAG424_ERR_STATE if the tag is not revoked. */
int ntag424_ks_tag_unrevoke(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN]);
/*
 * Call fn for every tag in UID order; fn returns 0 to go on, anything else
 * stops the walk and is returned. fn must not call the keystore.
 */
int ntag424_ks_tag_foreach(ntag424_ks_t *ks,
    int (*fn)(const struct ntag424_ks_tag *, void *), void *arg);
/*
 * Call fn with the UID of every tag of status (enum ntag424_ks_status), in
 * UID order, as tag_foreach stops on fn's non-zero return. Only the UID is
 * read and nothing is authenticated: whoever reads the tag's row or keys
 * next is checked then, so one damaged row does not stop a walk.
 */
int ntag424_ks_uid_foreach(ntag424_ks_t *ks, int status,
    int (*fn)(const uint8_t *uid, void *arg), void *arg);
/*
 * Call fn once for every distinct template of a provisioned tag, in text
 * order (one query; the verifier's start does not walk the tags). fn
 * returns 0 to go on, anything else stops and is returned; fn must not
 * call the keystore.
 */
int ntag424_ks_template_foreach(ntag424_ks_t *ks,
    int (*fn)(const char *tmpl, void *), void *arg);

/* keys.c: tag keys (needs the KEK) */
/*
 * Read the key of slot for key keyno (0..4) into key (wiped on failure);
 * info may be NULL. NTAG424_ERR_NOT_FOUND if that slot is empty.
 */
int ntag424_ks_key_get(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, uint8_t key[NTAG424_KS_KEY_LEN],
    struct ntag424_ks_keyinfo *info);
/* Metadata only (no KEK needed). */
int ntag424_ks_key_info(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, int slot, struct ntag424_ks_keyinfo *info);
/*
 * Record the intended key (state intent). Replacing a pending key that
 * may already be on the tag (state maybe) is refused: NTAG424_ERR_STATE.
 */
int ntag424_ks_key_intend(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int keyno, const uint8_t key[NTAG424_KS_KEY_LEN], uint8_t version);
/* Pending intent -> maybe applied. NOT_FOUND if no pending key. */
int ntag424_ks_key_mark_sent(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno);
/* The pending key becomes the current one (one transaction). */
int ntag424_ks_key_applied(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno);
/* Drop the pending key (proved not on the tag). */
int ntag424_ks_key_abandon(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno);

/* journal.c */
/* A fresh random run id (NTAG424_KS_RUN_ID_LEN hex characters + NUL). */
int ntag424_ks_run_id_new(char out[NTAG424_KS_RUN_ID_LEN + 1]);
/* Append e (seq and ts are assigned; e->uid must be a known tag). */
int ntag424_ks_journal_append(ntag424_ks_t *ks,
    const struct ntag424_ks_journal_entry *e);
/* Call fn for each entry of the tag, oldest first (as tag_foreach). */
int ntag424_ks_journal_read(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN],
    int (*fn)(const struct ntag424_ks_journal_entry *, void *), void *arg);

/* master.c: master keys (AN10922 input) and cohort keys, versioned */
/* Master key of version (0: the latest); *got = its version. */
int ntag424_ks_master_get(ntag424_ks_t *ks, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got);
/* A new master key from RAND_bytes, with the next version. */
int ntag424_ks_master_create(ntag424_ks_t *ks, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version);
/* Store a given master key as the next version. */
int ntag424_ks_master_put(ntag424_ks_t *ks, const uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version);
/* The latest master key, created (version 1) on first use; *created 0/1. */
int ntag424_ks_master_latest(ntag424_ks_t *ks, uint8_t key[NTAG424_KS_KEY_LEN],
    uint32_t *version, int *created);
/* The same four for the cohort key called name (1..NAME_MAX characters). */
int ntag424_ks_cohort_get(ntag424_ks_t *ks, const char *name, uint32_t version,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *got);
int ntag424_ks_cohort_create(ntag424_ks_t *ks, const char *name,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version);
int ntag424_ks_cohort_put(ntag424_ks_t *ks, const char *name,
    const uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version);
int ntag424_ks_cohort_latest(ntag424_ks_t *ks, const char *name,
    uint8_t key[NTAG424_KS_KEY_LEN], uint32_t *version, int *created);
/*
 * Call fn for every cohort name in name order with its latest version; fn
 * returns 0 to go on, anything else stops the walk and is returned. fn
 * must not call the keystore.
 */
int ntag424_ks_cohort_foreach(ntag424_ks_t *ks,
    int (*fn)(const char *name, uint32_t latest, void *arg), void *arg);
/*
 * Key keyno (0..4) of tag uid, written with key_version (1..255), from
 * master: AN10922 with M = UID(7) || KeyNo(1) || KeyVersion(1) ||
 * "provisio" (see the top of this file). Pure computation, no database.
 * NTAG424_OK, NTAG424_ERR_ARG (NULL, keyno or version out of range; key
 * wiped) or NTAG424_ERR_CRYPTO.
 */
int ntag424_ks_diversify(const uint8_t master[NTAG424_KS_KEY_LEN],
    const uint8_t uid[NTAG424_KS_UID_LEN], int keyno, uint8_t key_version,
    uint8_t key[NTAG424_KS_KEY_LEN]);

/*
 * counters.c: the verifier's last accepted SDMReadCtr per (UID, generation).
 * Each needs the KEK: every counter row carries a MAC (see the top).
 */
/*
 * Store ctr if it is above the stored one (or none is stored), atomically
 * even against other processes and servers: *outcome = ADVANCED or REPLAY.
 * Durable when it returns (SQLite synchronous=FULL; PostgreSQL commit). A
 * counter row that does not authenticate is NTAG424_ERR_STORE.
 */
int ntag424_ks_counter_advance(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], uint32_t generation, uint32_t ctr,
    int *outcome);
/*
 * Group commit: the n advances in order in one transaction, each one's
 * outcome in v[i].outcome (NTAG424_KS_TAMPERED: its counter row does not
 * authenticate, nothing stored for it; ntag424_ks_errmsg() names the last
 * such tag). On failure nothing is stored and every outcome is 0.
 */
int ntag424_ks_counter_advance_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n);
/*
 * The verifier's group commit: as ntag424_ks_counter_advance_batch, but an
 * advance is stored only while v[i].generation is the generation of a tag
 * whose status is provisioned and that is not revoked, checked with the
 * tag row's MAC in the same transaction; otherwise v[i].outcome =
 * NTAG424_KS_REVOKED (the tag is revoked; nothing stored),
 * NTAG424_KS_STALE (the tag was re-provisioned, reset or is unknown), so a
 * URL of an earlier provisioning never becomes valid again, or
 * NTAG424_KS_TAMPERED (the tag row or its counter row does not
 * authenticate, or the counter row is missing or went down since this
 * handle last wrote it). On REPLAY v[i].stored is the counter already
 * stored: equal to v[i].ctr for this very URL, above it when a later tap
 * was accepted.
 */
int ntag424_ks_counter_accept_batch(ntag424_ks_t *ks,
    struct ntag424_ks_advance *v, size_t n);
/* The stored counter (checked); NTAG424_ERR_NOT_FOUND if none. */
int ntag424_ks_counter_get(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], uint32_t generation, uint32_t *ctr);

/* kek.c */
/*
 * Re-seal every sealed value under a new KEK in one transaction that locks
 * the keystore; afterwards the handle uses the new KEK. The new KEK is
 * read from new_kek_file (created if missing, then
 * ntag424_ks_kek_created() says so), or drawn at random when it is NULL.
 *
 * When the KEK came from a file (--kek-file or the default one), that
 * file is replaced so every later open finds the new KEK: the new KEK is
 * written and synced to "FILE.new-STAMP" before the commit, the old file
 * is kept as "FILE.old-STAMP" (a hard link: same mode 0600, same owner,
 * STAMP the UTC time), and after the commit the new file is renamed over
 * FILE and the directory synced. ntag424_ks_kek_kept() names the old copy.
 * If the commit fails both extra files are removed; if the rename fails
 * after the commit, the error names the .new file that holds the KEK now
 * in use.
 *
 * When the KEK came from PROVISIO_KEK there is no file to replace:
 * new_kek_file is then required (NTAG424_ERR_ARG without it), and the
 * person must put its content in PROVISIO_KEK, or use it as --kek-file,
 * for every later command.
 */
int ntag424_ks_rotate_kek(ntag424_ks_t *ks, const char *new_kek_file);
/* Where rotate kept the old KEK file, or NULL. Borrowed. */
const char *ntag424_ks_kek_kept(const ntag424_ks_t *ks);
/* The KEK file in use, or NULL when the KEK came from PROVISIO_KEK. */
const char *ntag424_ks_kek_file(const ntag424_ks_t *ks);

/* backup.c */
/*
 * Write every tag (with its revocation), tag key, master and cohort key
 * and the verifier's read counters (not the journal) to path (created
 * 0600, replaced atomically), encrypted with AES-256-GCM under PBKDF2-HMAC-SHA256(secret, salt) where secret is the
 * content of passphrase_file, or the keystore's KEK if passphrase_file is
 * NULL. *ntags = tags written (may be NULL).
 */
int ntag424_ks_export(ntag424_ks_t *ks, const char *path,
    const char *passphrase_file, size_t *ntags);
/*
 * Merge a backup in one transaction: records missing here are added,
 * identical ones skipped; a key that differs from the one stored here is
 * NTAG424_ERR_STATE and nothing is imported. A read counter is raised to
 * the backup's, never lowered (the higher of the two wins), so a restore
 * cannot make a used URL valid again. A revocation in the backup is kept
 * (a tag revoked here stays revoked). st may be NULL.
 */
int ntag424_ks_import(ntag424_ks_t *ks, const char *path,
    const char *passphrase_file, struct ntag424_ks_import_stats *st);

#endif
