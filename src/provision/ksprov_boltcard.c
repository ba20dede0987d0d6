/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Boltcard key source of ksprov (ksprov.h): keys derived from an issuer
 * key as the Boltcard specification says (include/ntag424/boltcard.h),
 * with the engine's key version as the specification's Version, so that
 * every provisioning of a card gets its own keys and key 1 stays the one
 * key of the issuer key. The derived keys are stored sealed like random
 * ones (resume, check, reset and the verifier read them back unchanged);
 * the issuer key itself is never stored.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/prim.h"
#include "ntag424/boltcard.h"
#include "ntag424/err.h"
#include "provision/ksprov.h"

int
ksprov_set_boltcard(struct ksprov *s, const uint8_t issuer[NTAG424_KEY_LEN])
{
	if (s == NULL || issuer == NULL)
		return NTAG424_ERR_ARG;
	memcpy(s->issuer, issuer, sizeof(s->issuer));
	s->boltcard = 1;
	return NTAG424_OK;
}

void
ksprov_wipe(struct ksprov *s)
{
	if (s != NULL)
		wipe(s->issuer, sizeof(s->issuer));
}

int
ksprov_boltcard_cohort_name(const uint8_t issuer[NTAG424_KEY_LEN],
    char *name, size_t cap)
{
	uint8_t	k1[NTAG424_KEY_LEN], md[EVP_MAX_MD_SIZE];
	size_t	mdlen = 0;
	int	r;

	if (name == NULL || cap < 26)
		return NTAG424_ERR_ARG;
	if ((r = ntag424_boltcard_k1(issuer, k1)) != NTAG424_OK)
		return r;
	/* A name for K1 that does not give K1 away. */
	if (EVP_Q_digest(NULL, "SHA256", NULL, k1, sizeof(k1), md, &mdlen) !=
	    1 || mdlen < 8)
		r = NTAG424_ERR_CRYPTO;
	else {
		snprintf(name, cap, "boltcard-");
		for (size_t i = 0; i < 8; i++)
			snprintf(name + 9 + 2 * i, cap - 9 - 2 * i, "%02x",
			    md[i]);
	}
	wipe(k1, sizeof(k1));
	return r;
}

int
ksprov_boltcard_key(struct ksprov *s, const uint8_t *uid, int keyno,
    uint8_t version, uint8_t key[NTAG424_KEY_LEN])
{
	uint8_t	keys[NTAG424_BOLTCARD_NKEYS][NTAG424_KEY_LEN];
	int	r;

	if (keyno < 0 || keyno >= NTAG424_BOLTCARD_NKEYS)
		return NTAG424_ERR_ARG;
	if ((r = ntag424_boltcard_keys(s->issuer, uid, version, keys)) ==
	    NTAG424_OK)
		memcpy(key, keys[keyno], NTAG424_KEY_LEN);
	wipe(keys, sizeof(keys));
	return r;
}

/*
 * The cohort holds K1, put there on first use: the verifier then finds
 * the card's PICCData key among the cohort keys as for any cohort.
 */
int
ksprov_boltcard_cohort(struct ksprov *s, const char *name,
    uint8_t key[NTAG424_KEY_LEN])
{
	uint8_t		cur[NTAG424_KEY_LEN];
	uint32_t	v;
	int		r;

	if ((r = ntag424_boltcard_k1(s->issuer, key)) != NTAG424_OK)
		return r;
	r = ntag424_ks_cohort_get(s->ks, name, 0, cur, &v);
	if (r == NTAG424_ERR_NOT_FOUND) {
		if ((r = ntag424_ks_cohort_put(s->ks, name, key, &v)) ==
		    NTAG424_OK)
			s->cohort_created = 1;
	} else if (r == NTAG424_OK && !ct_equal(cur, key, sizeof(cur)))
		r = NTAG424_ERR_STATE;
	wipe(cur, sizeof(cur));
	if (r != NTAG424_OK)
		wipe(key, NTAG424_KEY_LEN);
	return r;
}
