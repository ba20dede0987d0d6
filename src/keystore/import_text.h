/*
 * Key files written by other tools, imported into the keystore: parsing
 * (import_text.c, no database) and storing (import_keys.c, one
 * transaction). Formats, detected from content (docs/import.md):
 *
 *   CSV       header "uid,k0,...": any subset of k0..k4, optional
 *             version (key version 0..255, default 0), template, label;
 *   tag_keys  the CSV of the common Python provisioner: header with
 *             uid, picc_master_key (key 0), app_read_key (key 1),
 *             sdm_mac_key (key 3), provisioned_date, status, notes;
 *   wipe JSON the Boltcard NFC Programmer app's {"version": 1,
 *             "action": "wipe", "k0": ..., "k4": ...}, for one tag whose
 *             UID is given apart (or in an optional "uid" member);
 *   JSONL     one {"uid": ..., "keys": {"0": ..., "4": ...}} per line,
 *             optional "version", "template", "label".
 *
 * Every function returns 0 or a negative NTAG424_ERR_*; on failure the
 * parse result's msg holds a sentence naming the line.
 */
#ifndef PROVISIO_IMPORT_TEXT_H
#define PROVISIO_IMPORT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/keystore.h"

#define NTAG424_KS_TEXT_MAX	(16u << 20)	/* largest file read */

enum ntag424_ks_text_format {
	NTAG424_KS_FMT_AUTO = 0,
	NTAG424_KS_FMT_BACKUP,		/* provisio's own encrypted backup */
	NTAG424_KS_FMT_CSV,
	NTAG424_KS_FMT_TAG_KEYS,
	NTAG424_KS_FMT_WIPE_JSON,
	NTAG424_KS_FMT_JSONL,
};

/* One tag's keys as another tool left them. Keys are wiped by _free. */
struct ntag424_ks_tag_keys {
	size_t		line;			/* where the record starts */
	uint8_t		uid[NTAG424_KS_UID_LEN];
	unsigned	mask;			/* bit k: key k given */
	uint8_t		key[NTAG424_KS_NKEYS][NTAG424_KS_KEY_LEN];
	uint8_t		version[NTAG424_KS_NKEYS];
	char		tmpl[NTAG424_KS_TEMPLATE_MAX + 1];	/* "" if none */
	char		file_status[16];	/* tag_keys "status", else "" */
};

struct ntag424_ks_text {
	int				 format;	/* as detected */
	struct ntag424_ks_tag_keys	*v;
	size_t				 n, cap;
	size_t				 skipped;	/* factory rows */
	int				 has_label;	/* label seen, ignored */
	char				 msg[NTAG424_KS_MSG_MAX];
};

/* "csv", "tag-keys", "wipe-json", "jsonl", "backup"; -1 if unknown. */
int ntag424_ks_text_format_parse(const char *name);
const char *ntag424_ks_text_format_name(int format);
/* The format of buf by its content (never AUTO). */
int ntag424_ks_text_detect(const char *buf, size_t len);
/*
 * Parse buf (len bytes) in format (AUTO: detect; BACKUP is refused) into
 * t (zeroed first). uid names the tag of a wipe JSON (NULL: the file must
 * say it). NTAG424_ERR_MALFORMED with t->msg on bad input.
 */
int ntag424_ks_text_parse(const char *buf, size_t len, int format,
    const uint8_t *uid, struct ntag424_ks_text *t);
/* Wipe and free the records; t may be reused afterwards. */
void ntag424_ks_text_free(struct ntag424_ks_text *t);

/*
 * import_keys.c. Store t's records in one transaction: each tag is added
 * with status imported and its keys as current keys, sealed under the
 * KEK. A tag already here with the same keys is skipped (st->keys_same),
 * but takes the record's template while its status is imported;
 * one with other keys, or a provisioning under way, is NTAG424_ERR_STATE
 * naming the record's line, and nothing of the file is stored. A tag here
 * with no key at all (factory) takes the imported keys. st may be NULL.
 */
int ntag424_ks_import_keys(ntag424_ks_t *ks, const struct ntag424_ks_text *t,
    struct ntag424_ks_import_stats *st);
/*
 * Forget a tag's keys (wiped or lost elsewhere): its keys are deleted, it
 * is factory again with no template, and the journal records "forget". A
 * tag with a provisioning or reset under way (status pending or
 * resetting, or a pending key) is NTAG424_ERR_STATE unless force. Needs
 * the KEK (the tag's row MAC is computed again).
 */
int ntag424_ks_tag_forget(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int force);

#endif
