/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MASTR cryptography with the original's byte conventions
 * (docs/mastr-protocol.md section 4), on OpenSSL 3.
 *
 *   public keys: 64 bytes X || Y (no 0x04), P-256
 *   signatures:  64 bytes r || s, ECDSA over SHA-256 of the message
 *   ECDH:        the X coordinate of the shared point
 *   session key: HKDF-SHA256(salt "MASTR-Session-Key-v1", IKM Z.x, info "", 16)
 *   frames:      AES-128-GCM, random 12-byte IV, 16-byte tag, no AAD
 */
#ifndef MASTR_CRYPTO_H
#define MASTR_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MASTR_PUB_LEN		64
#define MASTR_SIG_LEN		64
#define MASTR_HASH_LEN		32
#define MASTR_KEY_LEN		16
#define MASTR_ZX_LEN		32
#define MASTR_SHARE_LEN		(MASTR_PUB_LEN + MASTR_SIG_LEN)
#define MASTR_NONCE_LEN		4
#define MASTR_ATTEST_LEN	(MASTR_HASH_LEN + MASTR_SIG_LEN)

/* Session key from the ECDH X coordinate. MASTR_ERR_CRYPTO on failure. */
int mastr_session_key(const uint8_t zx[MASTR_ZX_LEN],
    uint8_t key[MASTR_KEY_LEN]);

/*
 * Seal inner (n bytes) as IV | ciphertext | tag into out (cap bytes; needs
 * n + MASTR_GCM_OVERHEAD). The IV comes from RAND_bytes.
 */
int mastr_gcm_seal(const uint8_t key[MASTR_KEY_LEN], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *outlen);

/*
 * Open IV | ciphertext | tag. MASTR_ERR_GCM if it is shorter than the
 * overhead or the tag does not verify (out is wiped then);
 * MASTR_ERR_ARG if out is too small.
 */
int mastr_gcm_open(const uint8_t key[MASTR_KEY_LEN], const uint8_t *in,
    size_t n, uint8_t *out, size_t cap, size_t *outlen);

int mastr_sha256(const void *msg, size_t n, uint8_t out[MASTR_HASH_LEN]);

/* SHA-256 of a whole file. MASTR_ERR_IO (errno kept) if it cannot be read. */
int mastr_sha256_file(const char *path, uint8_t out[MASTR_HASH_LEN]);

/* MASTR_OK if pub is a point on P-256 (not infinity), else MASTR_ERR_POINT. */
int mastr_pub_check(const uint8_t pub[MASTR_PUB_LEN]);

/*
 * Parse a public key given as exactly 128 hex characters (white space
 * around it ignored). MASTR_ERR_HEX for a bad character or length,
 * MASTR_ERR_POINT if it is not on the curve.
 */
int mastr_pub_from_hex(const char *hex, uint8_t pub[MASTR_PUB_LEN]);

/* Verify raw r || s over SHA-256(msg). MASTR_ERR_SIGNATURE if it fails. */
int mastr_ecdsa_verify(const uint8_t pub[MASTR_PUB_LEN], const uint8_t *msg,
    size_t n, const uint8_t sig[MASTR_SIG_LEN]);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void mastr_hex(const uint8_t *in, size_t n, char *out);

/* A P-256 key pair held by OpenSSL (opaque). */
typedef struct mastr_eckey mastr_eckey_t;

/* A fresh key pair from OpenSSL's CSPRNG, or NULL. */
mastr_eckey_t *mastr_eckey_generate(void);
/* Load / save a PEM private key; saving creates the file with mode 0600. */
int mastr_eckey_load(const char *path, mastr_eckey_t **out);
int mastr_eckey_save(const mastr_eckey_t *k, const char *path);
/* NULL-safe; frees the key (OpenSSL clears it) and sets *k = NULL. */
void mastr_eckey_free(mastr_eckey_t **k);
int mastr_eckey_pub(const mastr_eckey_t *k, uint8_t pub[MASTR_PUB_LEN]);
/* Raw r || s over SHA-256(msg), each left-padded to 32 bytes. */
int mastr_eckey_sign(const mastr_eckey_t *k, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN]);
/*
 * ECDH with peer (checked to be on the curve: MASTR_ERR_POINT) and the
 * session key derivation in one step; Z is wiped.
 */
int mastr_eckey_session(const mastr_eckey_t *k,
    const uint8_t peer[MASTR_PUB_LEN], uint8_t key[MASTR_KEY_LEN]);

/* Signs msg (n bytes) as raw r || s over SHA-256(msg). */
typedef int mastr_sign_fn(void *arg, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN]);

/* Adapter: a mastr_sign_fn whose arg is a mastr_eckey_t. */
int mastr_eckey_sign_cb(void *arg, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN]);

/* An ECDH share: eph_pub(64) || sign(eph_pub)(64). */
int mastr_share_make(const mastr_eckey_t *eph, mastr_sign_fn *sign,
    void *arg, uint8_t share[MASTR_SHARE_LEN]);

/*
 * Check a peer's share against its long-term key: MASTR_ERR_PROTOCOL if len is
 * not 128, MASTR_ERR_SIGNATURE, or MASTR_ERR_POINT for a bad ephemeral
 * point. The ephemeral key is share[0..63].
 */
int mastr_share_check(const uint8_t perm[MASTR_PUB_LEN],
    const uint8_t *share, size_t len);

#ifdef __cplusplus
}
#endif

#endif
