/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libntag424 error scheme.
 *
 * Every function that can fail returns an int:
 *   0                      NTAG424_OK
 *   > 0                    the tag's status word, e.g. 0x911E or 0x6982
 *   < 0                    a library error, NTAG424_ERR_*
 *
 * ntag424_strerror() gives one sentence for every code, status words included.
 */
#ifndef NTAG424_ERR_H
#define NTAG424_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_OK			0

#define NTAG424_ERR_TX			(-1)	/* sending to the reader failed */
#define NTAG424_ERR_RX			(-2)	/* malformed or missing answer */
#define NTAG424_ERR_ARG			(-3)	/* invalid argument */
#define NTAG424_ERR_CRYPTO		(-4)	/* OpenSSL failed */
#define NTAG424_ERR_INTEGRITY		(-5)	/* response MAC did not verify */
#define NTAG424_ERR_STATE		(-6)	/* wrong state (no session, ...) */
#define NTAG424_ERR_INTERNAL		(-7)	/* a bug */
#define NTAG424_ERR_NOMEM		(-8)	/* out of memory */
#define NTAG424_ERR_NO_READER		(-9)	/* no such reader / no reader */
#define NTAG424_ERR_NO_CARD		(-10)	/* no tag on the reader */
#define NTAG424_ERR_CARD_REMOVED	(-11)	/* tag left the field */
#define NTAG424_ERR_TIMEOUT		(-12)	/* waited too long */
#define NTAG424_ERR_PCSC		(-13)	/* other PC/SC failure */
#define NTAG424_ERR_AUTH		(-14)	/* authentication cryptogram wrong */
#define NTAG424_ERR_SETTINGS		(-15)	/* file settings invalid */
#define NTAG424_ERR_TEMPLATE		(-16)	/* URL template cannot work */
#define NTAG424_ERR_MALFORMED		(-17)	/* input not well formed (URL, hex) */
#define NTAG424_ERR_BAD_MAC		(-18)	/* SUN MAC does not verify */
#define NTAG424_ERR_NOT_GENUINE		(-19)	/* originality signature invalid */
#define NTAG424_ERR_IO			(-20)	/* file system error */
#define NTAG424_ERR_STORE		(-21)	/* keystore / database error */
#define NTAG424_ERR_KEK			(-22)	/* wrong or missing key-encryption key */
#define NTAG424_ERR_NOT_FOUND		(-23)	/* no such record */
#define NTAG424_ERR_FOREIGN		(-24)	/* tag not ours and not factory */
#define NTAG424_ERR_TORN		(-25)	/* power cut (emulated tearing) */
#define NTAG424_ERR_NO_SERVICE		(-26)	/* pcscd not running */
#define NTAG424_ERR_READER_BUSY		(-27)	/* reader used by another program */
#define NTAG424_ERR_LAST		(-27)

/*
 * Returns a static, NUL-terminated sentence for any return code:
 * NTAG424_OK, a library error or a status word (known or not).
 */
const char *ntag424_strerror(int code);

/* Returns the symbolic name ("NTAG424_ERR_RX", "AUTHENTICATION_ERROR", ...). */
const char *ntag424_errname(int code);

#ifdef __cplusplus
}
#endif

#endif
