/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SUN verification (Secure Dynamic Messaging, NT4H2421Gx 9.3; AN12196 4):
 * pure functions from a tapped URL, its compiled template and the keys to
 * the UID, the read counter, the file data and a verdict. No tag needed.
 *
 * A verifier runs the steps separately when the file-read key depends on
 * the UID (keys diversified per tag, as the self-checkout preset's):
 *
 *   ntag424_sun_parse()         URL or query string -> fields (no crypto)
 *   ntag424_sun_decrypt_picc()  PICCData -> UID + counter (meta-read key)
 *   (look the UID up, derive its SDMFileRead key, set it)
 *   ntag424_sun_check_mac()     MAC over the tag's window; decrypt ENC
 *
 * or all at once with ntag424_sun_verify(). The read counter must still be
 * checked against the last one seen (replay); that is the caller's job.
 *
 * Return codes: NTAG424_OK; NTAG424_ERR_MALFORMED (sun->field names the
 * parameter, sun->reason says why); NTAG424_ERR_BAD_MAC (forged or
 * replayed-with-changes URL, or wrong key); NTAG424_ERR_STATE (a step run
 * out of order or a key not set); NTAG424_ERR_ARG (NULL argument);
 * NTAG424_ERR_CRYPTO (OpenSSL failed).
 */
#ifndef NTAG424_SUN_H
#define NTAG424_SUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/template.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_UID_LEN		7
#define NTAG424_SUN_DATA_MAX	128	/* largest SDMENCFileData plaintext */
#define NTAG424_SUN_URL_MAX	2048	/* longest URL or query accepted */
#define NTAG424_SUN_FIELD_MAX	32
#define NTAG424_SUN_REASON_MAX	96

/*
 * Keyed AES state for verification, reused from one verification to the
 * next (no allocation, and no key expansion for keys that did not change).
 * The LRP state of a key (AN12304) is set up on its first LRP use.
 * Create one per thread; it is not shared between threads.
 */
typedef struct ntag424_sun_ctx ntag424_sun_ctx_t;

/* One tapped URL: its parsed fields and what verification found. */
typedef struct ntag424_sun {
	/* Results. uid/read_ctr are authentic only after check_mac is OK. */
	uint8_t		uid[NTAG424_UID_LEN];
	bool		has_uid;	/* UID mirrored (plain or in PICCData) */
	uint32_t	read_ctr;	/* SDMReadCtr */
	bool		has_read_ctr;
	uint8_t		file_data[NTAG424_SUN_DATA_MAX];	/* ENC plaintext */
	size_t		file_data_len;	/* 0 without {enc} or before check_mac */
	bool		lrp;		/* verified as a tag in LRP mode */

	/* Set when a call returns NTAG424_ERR_MALFORMED. */
	char		field[NTAG424_SUN_FIELD_MAX];	/* "picc", "url", ... */
	char		reason[NTAG424_SUN_REASON_MAX];

	/* Parsed input, as binary (filled by ntag424_sun_parse). */
	uint8_t		picc_enc[24];	/* PICCENCData; LRP: PICCRand first */
	uint8_t		enc[NTAG424_SUN_DATA_MAX];	/* SDMENCFileData */
	size_t		enc_len;
	uint8_t		mac[8];		/* SDMMAC */

	/* Private: the template parsed against and how far we got. */
	const ntag424_template_t *tpl;
	unsigned	state;
} ntag424_sun_t;

/* Returns a context, or NULL if out of memory or OpenSSL failed. */
ntag424_sun_ctx_t *ntag424_sun_ctx_new(void);
/* NULL-safe; wipes every key and subkey, sets *ctxp = NULL. */
void ntag424_sun_ctx_free(ntag424_sun_ctx_t **ctxp);

/*
 * Set the SDMMetaReadKey (decrypts {picc}) or the SDMFileReadKey (session
 * keys for {mac} and {enc}). The key is expanded once and kept until
 * replaced. Returns NTAG424_OK, NTAG424_ERR_ARG or NTAG424_ERR_CRYPTO.
 */
int ntag424_sun_ctx_set_meta_key(ntag424_sun_ctx_t *ctx,
    const uint8_t key[16]);
int ntag424_sun_ctx_set_file_key(ntag424_sun_ctx_t *ctx,
    const uint8_t key[16]);

/*
 * Parse url (len bytes, need not be NUL-terminated) against t into *sun,
 * whose results, parsed fields and field/reason are reset first and whose
 * file data from an earlier URL is wiped (*sun may be reused from one URL
 * to the next without ntag424_sun_clear in between). url is either the whole URL the phone opened,
 * whose part before '?' must match the template's (a whole URL starts
 * with "scheme:"), or what an HTTP server gets: the query string, with or
 * without a leading '?' or a "/path?" in front (the path is then the
 * server's business and is not checked).
 * With a template compiled for NTAG424_SDM_ANY, a {picc} value longer than
 * 32 hex digits selects the LRP layout (sun->lrp). A {picc} of the other
 * mode's length is NTAG424_ERR_MALFORMED with a reason that says so.
 * Parameters may come in any order and hex in either case; a '#' fragment
 * and parameters the template does not name are ignored. Every parameter
 * the template names must appear exactly once, with exactly the template's
 * length and literal text. t must outlive *sun.
 * Returns NTAG424_OK, NTAG424_ERR_MALFORMED (field + reason) or
 * NTAG424_ERR_ARG.
 */
int ntag424_sun_parse(const ntag424_template_t *t, const char *url,
    size_t len, ntag424_sun_t *sun);

/*
 * After parse: with {picc}, decrypt PICCData with the meta-read key and
 * fill uid/read_ctr; with plain mirrors they are already filled and this
 * only checks the state. Not authenticated yet: run check_mac next.
 * Returns NTAG424_OK; NTAG424_ERR_BAD_MAC if the PICCDataTag is not the
 * template's (wrong meta-read key or forged data); NTAG424_ERR_STATE if
 * not parsed or no meta-read key set; NTAG424_ERR_CRYPTO.
 */
int ntag424_sun_decrypt_picc(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun);

/*
 * After decrypt_picc: derive the SDM session keys from the file-read key,
 * rebuild the MAC input exactly as the tag did (its window of the file,
 * mirrors as upper-case hex), compare the MAC in constant time, and only
 * then decrypt {enc} into file_data.
 * Returns NTAG424_OK, NTAG424_ERR_BAD_MAC, NTAG424_ERR_STATE (earlier step
 * missing, or no file-read key set) or NTAG424_ERR_CRYPTO.
 */
int ntag424_sun_check_mac(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun);

/* parse + decrypt_picc + check_mac with the keys set in ctx. */
int ntag424_sun_verify(ntag424_sun_ctx_t *ctx, const ntag424_template_t *t,
    const char *url, size_t len, ntag424_sun_t *sun);

/* Wipe *sun (it may hold decrypted file data). */
void ntag424_sun_clear(ntag424_sun_t *sun);

#ifdef __cplusplus
}
#endif

#endif
