/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * URL templates: one string that says what the tag's NDEF file holds and
 * where the tag mirrors its SUN data (NT4H2421Gx 9.3, 10.7.1).
 *
 *   https://example.com/tag?picc={picc}&cmac={mac}
 *
 * compiles to the NDEF file content (NLEN + one URI record with the
 * shortest NFC Forum prefix code) and the matching SDM file settings, with
 * every offset counted in the file. Placeholders, all fixed-length ASCII:
 *
 *   {picc}       32 hex: encrypted PICCData (UID + SDMReadCtr), SDMMetaRead
 *                is a key (opts.meta_read); 48 hex on a tag in LRP mode
 *                (PICCRand + encrypted PICCData, NT4H2421Gx 9.3.4.2)
 *   {uid}        14 hex: plain UID mirror (SDMMetaRead = E)
 *   {ctr}        6 hex: plain SDMReadCtr mirror, MSB first (SDMMetaRead = E)
 *   {enc:TEXT}   2 * strlen(TEXT) hex: SDMENCFileData; TEXT (printable
 *                ASCII, not '}', a multiple of 16 characters) is the file
 *                data the tag encrypts; it is stored in the first half of
 *                the placeholder, the second half is filled with '0'
 *   {mac}        16 hex: SDMMAC, MACt under the SDMFileRead session key
 *   {macin}      zero width: SDMMACInputOffset, where the MAC input starts;
 *                without it the MAC input is empty (SDMMACInputOffset =
 *                SDMMACOffset, as in AN12196 4.4.4.2.1)
 *
 * Rules (a template that breaks one does not compile): exactly one {mac};
 * a read counter in the URL ({picc} or {ctr}); {picc} excludes {uid} and
 * {ctr}; {enc} needs the UID and the counter mirrored and must lie inside
 * the MAC input, i.e. {macin} ... {enc} ... {mac}; {macin} before {mac};
 * each placeholder at most once. Placeholders after the first '?' must form
 * the value of a "name=value" query parameter (names unique, no '#'), so
 * that a verifier can find them in any order. The file is 256 bytes.
 */
#ifndef NTAG424_TEMPLATE_H
#define NTAG424_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/files.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_NDEF_FILE_SIZE	256
#define NTAG424_TEMPLATE_MAX	1024	/* longest template string */

typedef struct ntag424_template ntag424_template_t;

/*
 * Which cipher suite the tag's SDM uses (opts.mode). AES and LRP lay out
 * the file for that mode. ANY is for verifiers only: the template holds
 * both layouts (ndef_ptr and settings give the AES one) and
 * ntag424_sun_parse picks the LRP layout when the {picc} value is longer
 * than 32 hex digits, as a tag in LRP mode sends 48. Without {picc} the
 * lengths do not tell, and ANY verifies as AES.
 */
#define NTAG424_SDM_AES		0
#define NTAG424_SDM_LRP		1
#define NTAG424_SDM_ANY		2

/* The caller's choices; ntag424_template_opts_init() sets the defaults. */
typedef struct ntag424_template_opts {
	uint8_t			meta_read;	/* key 0-4 for {picc}; default 1 */
	uint8_t			file_read;	/* key 0-4 for {mac}, {enc}; default 3 */
	uint8_t			ctr_ret;	/* 0-4, E or F; default 3 */
	ntag424_access_t	access;		/* default Read E, Write 0, RW 0, Change 0 */
	ntag424_comm_mode_t	comm_mode;	/* default NTAG424_COMM_PLAIN */
	uint32_t		read_ctr_limit;	/* 1..FFFFFF; 0 (default) = none */
	uint8_t			mode;		/* NTAG424_SDM_*; default AES */
} ntag424_template_opts_t;

/*
 * Defaults: the key roles of the presets (key 1 reads PICCData, key 3 derives
 * the SDM session keys and guards GetFileCounters), and AN12196 Table 19's
 * AccessRights: free read, write and change with key 0 only.
 */
void ntag424_template_opts_init(ntag424_template_opts_t *opts);

/* Returns an empty template, or NULL if out of memory. */
ntag424_template_t *ntag424_template_new(void);
/* NULL-safe; sets *tp = NULL. */
void ntag424_template_free(ntag424_template_t **tp);

/*
 * Compile text with opts (NULL: defaults) into t, replacing what t held.
 * Returns NTAG424_OK; NTAG424_ERR_TEMPLATE if the template cannot work or
 * NTAG424_ERR_ARG if opts are invalid (a key number out of range, a free
 * Change right), both with a message and position from
 * ntag424_template_error(); t is then empty.
 */
int ntag424_template_compile(ntag424_template_t *t, const char *text,
    const ntag424_template_opts_t *opts);

/*
 * The last compile error: a NUL-terminated sentence naming the problem
 * ("" after success), and in *pos (if not NULL) the 0-based character
 * position in the template it refers to. Borrowed; valid until the next
 * compile or free.
 */
const char *ntag424_template_error(const ntag424_template_t *t, size_t *pos);

/*
 * The NDEF file content to write at offset 0 of file 02: NLEN (2 bytes, big
 * endian) and the URI record, placeholders as their static text. Borrowed.
 */
const uint8_t *ntag424_template_ndef_ptr(const ntag424_template_t *t);
size_t ntag424_template_ndef_len(const ntag424_template_t *t);

/*
 * The file settings for ChangeFileSettings of file 02 (SDM on, offsets in
 * the file). Offsets that the presence rules of NT4H2421Gx 10.7.1 leave
 * out are 0. Borrowed.
 */
const ntag424_file_settings_t *ntag424_template_settings(
    const ntag424_template_t *t);

/*
 * The URL a phone reads from a tag that mirrors nothing (placeholders as
 * their static text), NUL-terminated. Borrowed.
 */
const char *ntag424_template_url(const ntag424_template_t *t);

/* The mode t was compiled for: NTAG424_SDM_AES, _LRP or _ANY. */
int ntag424_template_mode(const ntag424_template_t *t);

#ifdef __cplusplus
}
#endif

#endif
