/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compiled URL templates, shared by template.c (the compiler) and sun.c (the
 * verifier). Not a public header.
 */
#ifndef NTAG424_TEMPLATE_INT_H
#define NTAG424_TEMPLATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/template.h"

/* NDEF file: NLEN(2) D1 01 <payload len> 'U' <prefix code>, then the URI. */
#define NDEF_URI_START		7
#define NDEF_URI_MAX		(NTAG424_NDEF_FILE_SIZE - NDEF_URI_START)
#define TPL_URL_MAX		(NDEF_URI_MAX + 32)	/* + longest prefix */
#define TPL_ITEMS_MAX		6
#define TPL_PARAMS_MAX		64

#define PICC_HEX_LEN		32
#define PICC_LRP_HEX_LEN	48	/* PICCRand(8) + PICCData(16), 9.3.4.2 */
#define PICC_RAND_LEN		8
#define UID_HEX_LEN		14
#define CTR_HEX_LEN		6
#define MAC_HEX_LEN		16
#define ENC_TEXT_MAX		128	/* = NTAG424_SUN_DATA_MAX */
#define PICC_TAG_UID_CTR	0xC7	/* NT4H2421Gx Table 20: UID + ctr, UID length 7 */

enum tpl_kind {
	TPL_PICC,
	TPL_UID,
	TPL_CTR,
	TPL_ENC,
	TPL_MAC,
	TPL_MACIN,
	TPL_KINDS
};

/* One placeholder; offsets in the expanded URL and in the file. */
struct tpl_item {
	enum tpl_kind	kind;
	size_t		url_off;
	size_t		file_off;
	size_t		len;		/* characters; 0 for {macin} */
	size_t		text_pos;	/* position in the template string */
	size_t		text_len;	/* characters in the template string */
};

/*
 * A part of the URL matched as a whole: the part before '?' (name_len 0)
 * or the value of one query parameter.
 */
struct tpl_param {
	size_t	name_off;	/* in url[] */
	size_t	name_len;
	size_t	val_off;	/* in url[] */
	size_t	val_len;
};

struct ntag424_template {
	char			url[TPL_URL_MAX + 1];	/* static URL, NUL-terminated */
	size_t			url_len;
	size_t			prefix_len;	/* characters the prefix code stands for */
	uint8_t			ndef[NTAG424_NDEF_FILE_SIZE];
	size_t			ndef_len;
	ntag424_file_settings_t	settings;
	struct tpl_item		item[TPL_ITEMS_MAX];
	size_t			nitems;
	const struct tpl_item	*by_kind[TPL_KINDS];	/* NULL if absent */
	struct tpl_param	path;		/* the part before '?' */
	struct tpl_param	param[TPL_PARAMS_MAX];
	size_t			nparams;
	size_t			mac_in;		/* file offset where the MAC input starts */
	bool			lrp;		/* the LRP layout and cryptography */
	bool			any;		/* compiled for NTAG424_SDM_ANY */
	struct ntag424_template	*twin;		/* ANY: the LRP layout */
	char			err[160];
	size_t			err_pos;
};

#endif
