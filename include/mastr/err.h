/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MASTR error scheme, in the shape of ntag424/err.h.
 *
 * Every function of libmastr that can fail returns an int:
 *   0       MASTR_OK
 *   < 0     a library error, MASTR_ERR_*
 *
 * mastr_strerror() gives one sentence for every code: what went wrong and,
 * where there is one, what to do about it.
 */
#ifndef MASTR_ERR_H
#define MASTR_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

#define MASTR_OK			0

#define MASTR_ERR_ARG			(-1)	/* invalid argument */
#define MASTR_ERR_INTERNAL		(-2)	/* a bug */
#define MASTR_ERR_NOMEM			(-3)	/* out of memory */
#define MASTR_ERR_CRYPTO		(-4)	/* OpenSSL failed */
#define MASTR_ERR_IO			(-5)	/* serial or file I/O failed */
#define MASTR_ERR_CLOSED		(-6)	/* the peer closed the link */
#define MASTR_ERR_TIMEOUT		(-7)	/* no frame in time */
#define MASTR_ERR_FRAME			(-8)	/* inner frame too short / length mismatch */
#define MASTR_ERR_CHECKSUM		(-9)	/* inner frame checksum wrong */
#define MASTR_ERR_ESCAPE		(-10)	/* invalid byte after 0x7D */
#define MASTR_ERR_OVERSIZE		(-11)	/* body longer than 260 bytes */
#define MASTR_ERR_GCM			(-12)	/* AES-GCM authentication failed */
#define MASTR_ERR_SIGNATURE		(-13)	/* ECDSA signature does not verify */
#define MASTR_ERR_POINT			(-14)	/* not a point on P-256 */
#define MASTR_ERR_HEX			(-15)	/* bad hex or wrong length */
#define MASTR_ERR_PROTOCOL		(-16)	/* unexpected message or payload */
#define MASTR_ERR_NACK			(-17)	/* the token sent T2H_NACK */
#define MASTR_ERR_TOKEN			(-18)	/* the token sent T2H_ERROR */
#define MASTR_ERR_HALT			(-19)	/* the token sent INTEGRITY_FAIL_HALT */
#define MASTR_ERR_DEBUG			(-20)	/* DEBUG_MSG from a debug token */
#define MASTR_ERR_TPM_UNREACHABLE	(-21)	/* no TPM at that TCTI */
#define MASTR_ERR_TPM			(-22)	/* a TPM command failed */
#define MASTR_ERR_NO_HOST_KEY		(-23)	/* nothing at the key handle */
#define MASTR_ERR_NV_EMPTY		(-24)	/* NV index undefined or unwritten */
#define MASTR_ERR_NV_FOREIGN		(-25)	/* NV index not ours (EK cert?) */
#define MASTR_ERR_KEYRING		(-26)	/* kernel keyring failed */
#define MASTR_ERR_STORE			(-27)	/* token state directory */
#define MASTR_ERR_STATE			(-28)	/* wrong state for this call */
#define MASTR_ERR_LAST			(-28)

/* A static, NUL-terminated sentence for any return code. */
const char *mastr_strerror(int code);

/* The symbolic name ("MASTR_ERR_GCM", ...), or "UNKNOWN_ERROR". */
const char *mastr_errname(int code);

#ifdef __cplusplus
}
#endif

#endif
