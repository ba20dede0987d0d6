/*
 * The provisioning engine's store over a keystore: the engine
 * (ntag424/provision.h) keeps each tag's keys, its journal and its key
 * sources in the keystore (ntag424/keystore.h), sealed under the KEK, as
 * ntag424(1) does. The verifier then finds the keys where it looks.
 *
 *   ntag424_ks_t *ks = ntag424_ks_new();         ntag424_ks_open(ks, &o);
 *   ntag424_ks_store_t *s = ntag424_ks_store_new(ks, NTAG424_KS_SRC_RANDOM);
 *   ntag424_ks_store_attach(s, prov);             ntag424_prov_provision(...);
 *   ntag424_ks_store_free(&s);                    ntag424_ks_free(&ks);
 */
#ifndef NTAG424_KSSTORE_H
#define NTAG424_KSSTORE_H

#include "ntag424/keystore.h"
#include "ntag424/provision.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ntag424_ks_store ntag424_ks_store_t;

/*
 * A store over ks (borrowed: it must outlive the store) whose new keys
 * come from source: NTAG424_KS_SRC_RANDOM (RAND_bytes per tag and key) or
 * NTAG424_KS_SRC_DIVERSIFIED (from the keystore's latest master key, see
 * ntag424_ks_diversify()). NULL on a bad argument, out of memory or when
 * OpenSSL's generator fails.
 */
ntag424_ks_store_t *ntag424_ks_store_new(ntag424_ks_t *ks, int source);
/* NULL-safe; sets *sp = NULL. */
void ntag424_ks_store_free(ntag424_ks_store_t **sp);
/*
 * Make s the store of engine p (ntag424_prov_set_store()); s must outlive
 * p's runs. NTAG424_OK or NTAG424_ERR_ARG.
 */
int ntag424_ks_store_attach(ntag424_ks_store_t *s, ntag424_prov_t *p);

#ifdef __cplusplus
}
#endif

#endif
