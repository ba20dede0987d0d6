/*
 * ntag424_prov_store_t over the keystore: the engine's keys, journal and
 * key sources live in SQLite or PostgreSQL, sealed under the KEK.
 *
 * Key sources (keystore.h documents the diversification input):
 *   random       RAND_bytes, one key per tag and key number
 *   diversified  AN10922 from the keystore's latest master key, with
 *                ntag424_ks_diversify(): M = UID || KeyNo || KeyVersion
 *                || "provisio", KeyVersion the one the engine writes
 *   boltcard     the Boltcard specification's keys from an issuer key
 *                (ksprov_set_boltcard(), ksprov_boltcard.c): KeyVersion
 *                is the specification's Version, K1 the cohort key
 * A plan's cohort keys (the SDM meta-read key by default) come from the
 * named cohort key instead, the latest version, created on first use.
 * Every key is also stored sealed as the tag's key, so that a resume and
 * the verifier read it back the same way whatever its source.
 *
 * The counters of URLs the engine verified are stored with
 * ntag424_ks_counter_advance() for the tag's generation, as the verifier
 * stores the taps it accepts.
 */
#ifndef PROVISIO_KSPROV_H
#define PROVISIO_KSPROV_H

#include <stdint.h>

#include "ntag424/keystore.h"
#include "ntag424/provision.h"

struct ksprov {
	ntag424_ks_t	*ks;		/* borrowed */
	int		 source;	/* NTAG424_KS_SRC_RANDOM / _DIVERSIFIED */
	uint32_t	 master_version;	/* 0 until first needed */
	int		 master_created;	/* 1: this run created it */
	int		 cohort_created;	/* 1: this run created one */
	char		 run_id[NTAG424_KS_RUN_ID_LEN + 1];
	int		 boltcard;	/* 1: keys from the issuer key */
	uint8_t		 issuer[NTAG424_KEY_LEN];
};

/* Fill s; ks is borrowed. NTAG424_OK, NTAG424_ERR_ARG or _CRYPTO. */
int ksprov_init(struct ksprov *s, ntag424_ks_t *ks, int source);
/* Boltcard keys from issuer (copied) instead of the source. */
int ksprov_set_boltcard(struct ksprov *s, const uint8_t issuer[NTAG424_KEY_LEN]);
/* Wipe the issuer key; call when done with s. */
void ksprov_wipe(struct ksprov *s);
/*
 * The cohort of an issuer key's K1: "boltcard-" and 16 hex digits of
 * SHA-256(K1); cap >= 26.
 */
int ksprov_boltcard_cohort_name(const uint8_t issuer[NTAG424_KEY_LEN],
    char *name, size_t cap);
/* Internal to ksprov.c: key_new and cohort_key of the Boltcard source. */
int ksprov_boltcard_key(struct ksprov *s, const uint8_t *uid, int keyno,
    uint8_t version, uint8_t key[NTAG424_KEY_LEN]);
int ksprov_boltcard_cohort(struct ksprov *s, const char *name,
    uint8_t key[NTAG424_KEY_LEN]);
/* The operations to hand to ntag424_prov_set_store() with s as ctx. */
const ntag424_prov_store_t *ksprov_ops(void);

#endif
