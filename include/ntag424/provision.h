/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The provisioning engine: makes a factory tag ours (keys, NDEF template,
 * SDM), checks it like a phone, and takes it back to factory, journaled so
 * that any interruption can be resumed (provisio design, "Provisioning:
 * journaled, idempotent, safe order").
 *
 * One run, for one tag:
 *   1. read state without authenticating: select the application,
 *      GetVersion (UID), GetKeyVersion of the keys that matter;
 *   2. look the UID up in the store and decide: factory, ours finished,
 *      ours partial (resume), or foreign (report, touch nothing);
 *   3. record every new key and its version in the store BEFORE anything
 *      changes, and every ChangeKey as "maybe applied" before it is sent;
 *   4. authenticate with key 0 once, write the NDEF while the file is still
 *      writable, ChangeFileSettings (SDM), ChangeKey 1..4, ChangeKey 0 LAST;
 *   5. verify like a phone: read the NDEF plain and unauthenticated, verify
 *      its SUN URL, authenticate with the new key 0; only then mark the tag
 *      provisioned, and record the read counter of the URL it verified as
 *      used (the verifier's counter store), so that this URL, which sits
 *      in logs and reports, is never accepted as a first tap.
 * Every key written gets a version different from the one on the tag, so
 * a resume learns from GetKeyVersion (no authentication) which of the two
 * candidate keys is on the tag: normal runs and resumes make no failed
 * authentication. When the version is neither candidate the engine stops
 * (someone else changed the tag) instead of guessing. The keys of a tag's
 * n-th provisioning carry version ((n - 1) mod 255) + 1 (01 the first
 * time, 02 after a reset and a new provisioning, ...), and the store gets
 * that version with every new key, so a key source that derives keys
 * (AN10922) gives every provisioning its own keys.
 *
 * Reset is the same engine backwards: NDEF cleared, SDM off with factory
 * access rights, keys 1..4 then key 0 back to zero with version 00 (every
 * key at another version, and every stored key that is not zero: an
 * adopted tag can carry keys of its own at version 00).
 *
 * The engine knows nothing about databases: it reads and records keys
 * through ntag424_prov_store_t, which the keystore implements
 * (src/provision). All functions return NTAG424_OK, a status word of the
 * tag (> 0) or NTAG424_ERR_*; the report then says what happened and what
 * to do, in sentences for a person.
 */
#ifndef NTAG424_PROVISION_H
#define NTAG424_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/dev.h"
#include "ntag424/keys.h"
#include "ntag424/template.h"
#include "ntag424/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_PROV_NAME_MAX	64
#define NTAG424_PROV_URL_MAX	512
#define NTAG424_PROV_MSG_MAX	320
#define NTAG424_PROV_STEPS_MAX	24
#define NTAG424_PROV_NKEYS	(NTAG424_KEY_MAX + 1)

/* Status of a tag in the store (the keystore uses the same values). */
enum ntag424_prov_status {
	NTAG424_PROV_FACTORY = 0,
	NTAG424_PROV_PENDING,
	NTAG424_PROV_PROVISIONED,
	NTAG424_PROV_FAILED,
	NTAG424_PROV_RESETTING,
	NTAG424_PROV_IMPORTED,		/* keys from another tool's file */
};

/* Key slots and the state of a stored key (as in the keystore). */
#define NTAG424_PROV_CURRENT	0	/* believed on the tag */
#define NTAG424_PROV_PENDING_SLOT 1	/* intended during a run */
#define NTAG424_PROV_KEY_APPLIED 0
#define NTAG424_PROV_KEY_INTENT	1	/* recorded, not sent */
#define NTAG424_PROV_KEY_MAYBE	2	/* sent: maybe applied */

/* What the store knows about a tag. */
typedef struct ntag424_prov_tag {
	int	status;				/* enum ntag424_prov_status */
	char	name[NTAG424_PROV_NAME_MAX + 1];	/* preset or "template" */
	char	tmpl[NTAG424_TEMPLATE_MAX + 1];	/* template of the last plan */
	uint32_t generation;		/* provisionings finished so far */
} ntag424_prov_tag_t;

/*
 * Where keys and the journal live. Every function returns NTAG424_OK or a
 * negative NTAG424_ERR_* (NTAG424_ERR_NOT_FOUND where said); errmsg then
 * gives the store's own sentence. uid is always 7 bytes.
 */
typedef struct ntag424_prov_store {
	/* The tag's record; NTAG424_ERR_NOT_FOUND if the store never saw it. */
	int	(*tag_get)(void *ctx, const uint8_t *uid, ntag424_prov_tag_t *t);
	/* Create the record if needed, record the plan, set the status. */
	int	(*tag_begin)(void *ctx, const uint8_t *uid, const char *name,
		    const char *tmpl, int status);
	int	(*tag_status)(void *ctx, const uint8_t *uid, int status);
	/*
	 * The key of slot for keyno, its version and state (any out pointer
	 * may be NULL except key); NTAG424_ERR_NOT_FOUND if the slot is empty
	 * (for the current slot: the factory key, zero, version 00).
	 */
	int	(*key_get)(void *ctx, const uint8_t *uid, int keyno, int slot,
		    uint8_t key[NTAG424_KEY_LEN], uint8_t *version, int *state);
	/*
	 * A new key for keyno, to be written with version (01..FF), from the
	 * key source (random, or diversified with version in the input).
	 */
	int	(*key_new)(void *ctx, const uint8_t *uid, int keyno,
		    uint8_t version, uint8_t key[NTAG424_KEY_LEN]);
	/* Pending key: record (intent), sent (maybe), applied, abandoned. */
	int	(*key_intend)(void *ctx, const uint8_t *uid, int keyno,
		    const uint8_t key[NTAG424_KEY_LEN], uint8_t version);
	int	(*key_sent)(void *ctx, const uint8_t *uid, int keyno);
	int	(*key_applied)(void *ctx, const uint8_t *uid, int keyno);
	int	(*key_abandon)(void *ctx, const uint8_t *uid, int keyno);
	/* Append to the journal: step, key (-1: none), outcome, code. */
	int	(*journal)(void *ctx, const uint8_t *uid, const char *step,
		    int keyno, const char *outcome, int code);
	/* The last failure's sentence, or "". */
	const char *(*errmsg)(void *ctx);
	/*
	 * The latest key of the named cohort, created on first use: the one
	 * SDM meta-read key every tag of a cohort shares (plan below).
	 */
	int	(*cohort_key)(void *ctx, const char *name,
		    uint8_t key[NTAG424_KEY_LEN]);
	/*
	 * Record read counter ctr of a URL the engine verified as used, for
	 * the tag's current (provisioned) generation, in the store the
	 * verifier checks counters against; a counter at or below the stored
	 * one is already used and is NTAG424_OK too.
	 */
	int	(*counter_used)(void *ctx, const uint8_t *uid, uint32_t ctr);
} ntag424_prov_store_t;

/*
 * What a run is to produce. ntag424_prov_preset() and ntag424_prov_custom()
 * fill one; a caller may then change cohort (another cohort name), clear
 * cohort_mask (per-tag meta-read keys) or loosen opts.access.
 *
 * Keys: every bit of key_mask gets a new key. A key in cohort_mask comes
 * from the cohort key called cohort (one key shared by every tag of the
 * cohort, versioned in the keystore); every other key is the tag's own
 * (random or diversified). Only the SDM meta-read key may be a cohort key:
 * it only hides the UID and counter (a holder of the cohort key reads
 * them for every tag of the cohort, but cannot forge a MAC), and sharing
 * it lets a verifier decrypt PICCData with a handful of cohort keys, then
 * find the tag by UID. A shared key with any other role (key 0, SDM
 * file-read/MAC key, counter-read key, a file access right) would let one
 * tag's keys forge or change every other tag: ntag424_prov_set_plan()
 * refuses it.
 */
typedef struct ntag424_prov_plan {
	char			name[NTAG424_PROV_NAME_MAX + 1];
	char			tmpl[NTAG424_TEMPLATE_MAX + 1];
	ntag424_template_opts_t	opts;
	unsigned		key_mask;	/* bit k: give key k a new key */
	unsigned		cohort_mask;	/* bit k: key k is the cohort's */
	char			cohort[NTAG424_PROV_NAME_MAX + 1];
	/*
	 * Turn on Random ID (SetConfiguration) as the last change, in the
	 * session of the final key 0 check. PERMANENT: the tag then hides
	 * its UID from every reader, and every later run must name it with
	 * ntag424_prov_expect_uid(); it confirms the UID with GetCardUID
	 * after authenticating with that UID's key 0.
	 */
	bool			random_uid;
	/*
	 * Switch the tag to LRP mode (NT4H2421Gx 9.2; SetConfiguration 05)
	 * before its NDEF and SDM are written. IRREVERSIBLE. A tag already in
	 * LRP mode is provisioned as it is (rep->lrp_already). Any tag found
	 * in LRP mode gets the LRP layout of the template, with or without.
	 */
	bool			lrp;
} ntag424_prov_plan_t;

/*
 * The presets of ntag424(1). All change all five keys, read the NDEF
 * file freely and let only key 0 write it or change its settings
 * (AccessRights 00 E0), and take the SDM meta-read key (key 1) from the
 * cohort named after the preset:
 *   "game-coin"      url "?picc={picc}&cmac={mac}" after the base URL;
 *                    the template defaults (meta-read key 1, file-read
 *                    and counter key 3).
 *   "self-checkout"  an 88-byte NDEF with the default url
 *                    https://werkstattwaedi.ch/tag, PICCData at 0x22,
 *                    MAC input from 0x22, MAC at 0x48, SDMAccessRights
 *                    FE 13. (The original layout had AccessRights E0 E0:
 *                    anyone could rewrite the file. ntag424(1) keeps it
 *                    as --anyone-can-write.)
 *   "boltcard"       url "?p={picc}&c={mac}" after an lnurlw:// base URL
 *                    (anything else: NTAG424_ERR_ARG); SDM meta-read
 *                    key 1, file-read (MAC) and counter key 2 (the
 *                    Boltcard layout), cohort "boltcard".
 * url is the base URL (scheme, host, path; no query); NULL takes the
 * preset's default (game-coin has none: NTAG424_ERR_ARG). Returns
 * NTAG424_OK, NTAG424_ERR_NOT_FOUND (no such preset) or NTAG424_ERR_ARG.
 */
int ntag424_prov_preset(const char *name, const char *url,
    ntag424_prov_plan_t *plan);

/*
 * The template options of preset name (for a template stored with that
 * name). NTAG424_OK, or NTAG424_ERR_NOT_FOUND with *opts the defaults of
 * ntag424_template_opts_init() (a tag provisioned with --template).
 */
int ntag424_prov_preset_opts(const char *name, ntag424_template_opts_t *opts);

/*
 * A plan from a template string of one's own (name "template"): opts NULL
 * takes ntag424_template_opts_init()'s; new keys for all five keys, the
 * meta-read key from the cohort ntag424_prov_cohort_name() names.
 * NTAG424_OK or NTAG424_ERR_ARG (too long).
 */
int ntag424_prov_custom(const char *tmpl, const ntag424_template_opts_t *opts,
    ntag424_prov_plan_t *plan);

/*
 * The default cohort of a template string: "template-" and the first 16
 * hex digits (lower case) of SHA-256 of tmpl, so that every tag of one
 * template shares one cohort and another template gets another. cap must
 * hold 26 bytes. NTAG424_OK, NTAG424_ERR_ARG or NTAG424_ERR_CRYPTO.
 */
int ntag424_prov_cohort_name(const char *tmpl, char *name, size_t cap);

/* What the engine found on the tag. */
enum ntag424_prov_found {
	NTAG424_PROV_FOUND_NONE = 0,	/* not read (failed before) */
	NTAG424_PROV_FOUND_FACTORY,	/* factory keys, not in the store */
	NTAG424_PROV_FOUND_OURS,	/* ours, provisioned, keys agree */
	NTAG424_PROV_FOUND_PARTIAL,	/* ours, a run was interrupted */
	NTAG424_PROV_FOUND_FOREIGN,	/* keys neither factory nor ours */
	NTAG424_PROV_FOUND_IMPORTED,	/* keys imported from another tool */
};

/* One planned step and the C-APDUs it takes. */
typedef struct ntag424_prov_step {
	char		what[48];
	unsigned	apdus;
} ntag424_prov_step_t;

/* The result of a run, for the person at the reader. */
typedef struct ntag424_prov_report {
	uint8_t		uid[NTAG424_UID_LEN];
	bool		has_uid;
	int		found;		/* enum ntag424_prov_found */
	int		status;		/* store status before the run, -1 unknown */
	uint8_t		key_version[NTAG424_PROV_NKEYS];
	unsigned	key_version_mask;	/* bit k: key_version[k] read */
	/*
	 * A tag of ours left alone: bit k, key k is still the factory key
	 * though the plan would change it (provisioned by an older layout;
	 * reset and provision it again to change it).
	 */
	unsigned	factory_keys;
	bool		changed;	/* the run changed the tag */
	bool		resumed;	/* it finished an interrupted run */
	unsigned	failed_auths;	/* authentications the tag refused */
	size_t		apdus;		/* C-APDUs of this run */
	size_t		bytes;		/* bytes both ways */
	/* The plan (dry run, diagnose) or what was done. */
	ntag424_prov_step_t steps[NTAG424_PROV_STEPS_MAX];
	size_t		nsteps;
	unsigned	planned_apdus;	/* sum over steps, reads included */
	/* check: what the phone saw. */
	char		url[NTAG424_PROV_URL_MAX];
	uint32_t	read_ctr;
	/* The tag's mode, learnt when the run authenticated (not in a dry run). */
	bool		lrp;		/* authenticated in LRP mode */
	bool		lrp_switched;	/* this run switched it (plan.lrp) */
	bool		lrp_already;	/* plan.lrp, and it was LRP already */
	bool		ctr_used;	/* read_ctr recorded as used */
	/* On failure: the step, one sentence each for what and what to do. */
	char		step[48];
	char		message[NTAG424_PROV_MSG_MAX];
	char		hint[NTAG424_PROV_MSG_MAX];
} ntag424_prov_report_t;

typedef struct ntag424_prov ntag424_prov_t;

/* Returns an engine with no store and no plan, or NULL (out of memory). */
ntag424_prov_t *ntag424_prov_new(void);
/* NULL-safe; wipes every key it held, sets *pp = NULL. */
void ntag424_prov_free(ntag424_prov_t **pp);

/* The store; ops and ctx are borrowed and must outlive p. */
int ntag424_prov_set_store(ntag424_prov_t *p, const ntag424_prov_store_t *ops,
    void *ctx);
/*
 * The plan for provision (copied, template compiled): NTAG424_OK,
 * NTAG424_ERR_TEMPLATE (ntag424_prov_plan_error() says why) or
 * NTAG424_ERR_ARG (key 0 not in the mask, strings not terminated, a
 * cohort key with another role than SDM meta-read, or no cohort name).
 * A template without PICCData has no meta-read key: its cohort_mask is
 * then dropped and every key is the tag's own.
 */
int ntag424_prov_set_plan(ntag424_prov_t *p, const ntag424_prov_plan_t *plan);
/* The template compiler's message after NTAG424_ERR_TEMPLATE. Borrowed. */
const char *ntag424_prov_plan_error(const ntag424_prov_t *p);
/* Dry run: read the state, plan, send nothing that changes the tag. */
void ntag424_prov_set_dry_run(ntag424_prov_t *p, bool on);
/*
 * Only accept the tag with this UID (NULL: any): another tag is
 * NTAG424_ERR_STATE before anything changes (a tag swapped mid-batch).
 * A tag with Random ID on (GetVersion UID all zero) is taken to be this
 * one until authentication, then GetCardUID must agree
 * (NTAG424_ERR_STATE); without an expected UID such a tag is
 * NTAG424_ERR_STATE at once.
 */
void ntag424_prov_expect_uid(ntag424_prov_t *p, const uint8_t *uid);

/*
 * Provision the tag on dev (application not yet selected), resuming an
 * interrupted provision. An already provisioned tag of ours is left alone
 * (NTAG424_OK, rep->changed false). NTAG424_ERR_FOREIGN: not ours and not
 * factory, nothing sent that changes it. 0x91AD: the tag delays
 * authentication (rep->hint says how long to wait). A tag being reset:
 * NTAG424_ERR_STATE (finish the reset first).
 */
int ntag424_prov_provision(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep);

/*
 * Take a tag of ours (provisioned, partial or being reset) back to
 * factory and record it so. A factory tag: NTAG424_OK, nothing changed.
 */
int ntag424_prov_reset(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep);

/*
 * Verify a provisioned tag like a phone: read the NDEF plain without
 * authenticating, verify its SUN URL with the stored keys (rep->url,
 * rep->read_ctr), record its counter as used (store's counter_used: the
 * URL will not pass the verifier as a first tap), then authenticate with
 * the stored key 0 once.
 * NTAG424_ERR_BAD_MAC: the URL does not verify; NTAG424_ERR_NOT_FOUND:
 * the tag is not in the store.
 */
int ntag424_prov_check(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep);

/*
 * Adopt a tag another tool provisioned, whose keys are in the store
 * (imported; any status but provisioned, pending or resetting:
 * NTAG424_ERR_STATE), without writing to it:
 * read its key versions, authenticate once with the stored key 0, read the
 * NDEF file's settings, authenticate once with each other key its access
 * rights or SDMCtrRet name, read the NDEF like a phone and rebuild the
 * template its URL and SDM offsets imply, verify that URL with the stored
 * SDM keys; then record the keys with the tag's key versions and the tag
 * as provisioned with that template (named "template" for SDM keys 1/3,
 * "boltcard" for 1/2), so that check, sun verify and the verifier work for
 * it. The first refused authentication stops the run (rep->failed_auths
 * 1, nothing recorded): 0x91AE. NTAG424_ERR_TEMPLATE: no template fits
 * (rep->message says why); any_layout records the tag without one instead,
 * for a reset or a reprovision right after. NTAG424_ERR_NOT_FOUND: no key
 * 0 stored, or a key the settings use is not stored.
 */
int ntag424_prov_adopt(ntag424_prov_t *p, ntag424_dev_t *dev, bool any_layout,
    ntag424_prov_report_t *rep);

/*
 * Read-only: what state the tag is in, and the plans of provision (in
 * rep->steps) and of reset (reset_steps, may be NULL).
 */
int ntag424_prov_diagnose(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep, ntag424_prov_report_t *reset_rep);

/* "factory", "ours", "partial", "foreign" or "unknown". */
const char *ntag424_prov_found_name(int found);

/*
 * The URL in an NDEF file (NLEN, then one URI record), NUL-terminated in
 * url. NTAG424_OK, NTAG424_ERR_MALFORMED (not one URI record, or not
 * printable) or NTAG424_ERR_ARG (does not fit cap).
 */
int ntag424_ndef_url(const uint8_t *file, size_t len, char *url, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
