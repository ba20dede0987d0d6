/* SPDX-License-Identifier: BSD-2-Clause */
/* Boltcard deterministic keys (include/ntag424/boltcard.h). */
#include <stddef.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/boltcard.h"
#include "ntag424/err.h"

/* The specification's PRF labels: 2d003f75 .. 2d003f7b. */
enum { L_CARD = 0x75, L_K0, L_K1, L_K2, L_K3, L_K4, L_ID };

/* PRF(key, 2d 00 3f label || tail); tail up to 11 bytes. */
static int
prf(const uint8_t key[NTAG424_KEY_LEN], uint8_t label, const uint8_t *tail,
    size_t tail_len, uint8_t out[NTAG424_KEY_LEN])
{
	uint8_t	msg[4 + NTAG424_UID_LEN + 4] = { 0x2d, 0x00, 0x3f, 0 };
	int	r = NTAG424_ERR_CRYPTO;

	if (tail_len > sizeof(msg) - 4)
		return NTAG424_ERR_ARG;
	msg[3] = label;
	if (tail_len > 0)
		memcpy(msg + 4, tail, tail_len);
	if (aes128_cmac(key, msg, 4 + tail_len, out) == 0)
		r = NTAG424_OK;
	else
		wipe(out, NTAG424_KEY_LEN);
	wipe(msg, sizeof(msg));
	return r;
}

int
ntag424_boltcard_card_key(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint32_t version,
    uint8_t card_key[NTAG424_KEY_LEN])
{
	uint8_t tail[NTAG424_UID_LEN + 4];

	if (issuer == NULL || uid == NULL || card_key == NULL)
		return NTAG424_ERR_ARG;
	memcpy(tail, uid, NTAG424_UID_LEN);
	for (size_t i = 0; i < 4; i++)
		tail[NTAG424_UID_LEN + i] = (uint8_t)(version >> (8 * i));
	return prf(issuer, L_CARD, tail, sizeof(tail), card_key);
}

int
ntag424_boltcard_k1(const uint8_t issuer[NTAG424_KEY_LEN],
    uint8_t k1[NTAG424_KEY_LEN])
{
	if (issuer == NULL || k1 == NULL)
		return NTAG424_ERR_ARG;
	return prf(issuer, L_K1, NULL, 0, k1);
}

int
ntag424_boltcard_id(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint8_t id[NTAG424_KEY_LEN])
{
	if (issuer == NULL || uid == NULL || id == NULL)
		return NTAG424_ERR_ARG;
	return prf(issuer, L_ID, uid, NTAG424_UID_LEN, id);
}

int
ntag424_boltcard_keys(const uint8_t issuer[NTAG424_KEY_LEN],
    const uint8_t uid[NTAG424_UID_LEN], uint32_t version,
    uint8_t keys[NTAG424_BOLTCARD_NKEYS][NTAG424_KEY_LEN])
{
	static const uint8_t	label[NTAG424_BOLTCARD_NKEYS] = {
		L_K0, 0, L_K2, L_K3, L_K4,
	};
	uint8_t			card[NTAG424_KEY_LEN];
	int			r;

	if (keys == NULL)
		return NTAG424_ERR_ARG;
	if ((r = ntag424_boltcard_card_key(issuer, uid, version, card)) !=
	    NTAG424_OK || (r = ntag424_boltcard_k1(issuer, keys[1])) !=
	    NTAG424_OK)
		goto fail;
	for (size_t k = 0; k < NTAG424_BOLTCARD_NKEYS; k++)
		if (k != 1 && (r = prf(card, label[k], NULL, 0, keys[k])) !=
		    NTAG424_OK)
			goto fail;
	r = NTAG424_OK;
fail:
	if (r != NTAG424_OK)
		wipe(keys, NTAG424_BOLTCARD_NKEYS * NTAG424_KEY_LEN);
	wipe(card, sizeof(card));
	return r;
}
