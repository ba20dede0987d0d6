/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host's TPM 2.0 (tpm2-tss ESYS): the host signing key at a persistent
 * handle and the token's public key in an NV index.
 *
 * Every transient object a function creates is flushed before it returns,
 * on every path (swtpm has no resource manager and 3 object slots).
 */
#ifndef MASTR_TPM_H
#define MASTR_TPM_H

#include <stdint.h>

#include "mastr/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MASTR_TPM_DEFAULT_TCTI		"device:/dev/tpmrm0"
#define MASTR_TPM_HOST_KEY_HANDLE	0x81000080u
#define MASTR_TPM_TOKEN_NV_INDEX	0x01C00002u

typedef struct mastr_tpm mastr_tpm_t;

/*
 * Connect with an explicit TCTI configuration string ("swtpm:path=S",
 * "device:/dev/tpmrm0") and send TPM2_Startup(CLEAR) (harmless if already
 * started). MASTR_ERR_TPM_UNREACHABLE if there is no TPM there.
 */
int mastr_tpm_open(const char *tcti, mastr_tpm_t **out);
/* NULL-safe; finalizes ESYS and the TCTI, sets *t = NULL. */
void mastr_tpm_close(mastr_tpm_t **t);

/*
 * Create a new P-256 ECDSA-SHA256 signing key as a child of the storage
 * primary key (TPM2_Create: random, so really new each time), and only once
 * it exists replace whatever is persisted at handle with it. pub gets X || Y.
 */
int mastr_tpm_key_create(mastr_tpm_t *t, uint32_t handle,
    uint8_t pub[MASTR_PUB_LEN]);

/*
 * Public key of the signing key at handle. MASTR_ERR_NO_HOST_KEY if there is
 * none; MASTR_ERR_TPM if it is not a P-256 signing key.
 */
int mastr_tpm_key_pub(mastr_tpm_t *t, uint32_t handle,
    uint8_t pub[MASTR_PUB_LEN]);

/* Sign SHA-256(msg) with the key at handle: raw r || s, left-padded. */
int mastr_tpm_sign(mastr_tpm_t *t, uint32_t handle, const uint8_t *msg,
    size_t n, uint8_t sig[MASTR_SIG_LEN]);

/* mastr_sign_fn adapter; arg is a struct mastr_tpm_signer. */
struct mastr_tpm_signer {
	mastr_tpm_t	*tpm;
	uint32_t	 handle;
};
int mastr_tpm_sign_cb(void *arg, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN]);

/*
 * Store the token's public key in NV index (owner auth). An existing index
 * is checked with NV_ReadPublic first and written over only if it is a
 * 64-byte owner index readable and writable by the owner; otherwise
 * MASTR_ERR_NV_FOREIGN and nothing is touched. pub must be on the curve
 * (MASTR_ERR_POINT).
 */
int mastr_tpm_nv_store(mastr_tpm_t *t, uint32_t index,
    const uint8_t pub[MASTR_PUB_LEN]);

/*
 * Read the token's public key back after the same NV_ReadPublic checks.
 * MASTR_ERR_NV_EMPTY (undefined or never written), MASTR_ERR_NV_FOREIGN,
 * MASTR_ERR_POINT (stored bytes are not a key).
 */
int mastr_tpm_nv_load(mastr_tpm_t *t, uint32_t index,
    uint8_t pub[MASTR_PUB_LEN]);

#ifdef __cplusplus
}
#endif

#endif
