/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PC/SC transport (libpcsclite -> pcscd -> reader driver). Every SCARD_*
 * result is mapped to an NTAG424_ERR_* code: NO_SERVICE (pcscd not
 * running), NO_READER, NO_CARD, CARD_REMOVED, READER_BUSY, TIMEOUT, TX,
 * RX, NOMEM, INTERNAL or PCSC; the PC/SC detail is logged at debug level.
 */
#ifndef NTAG424_PCSC_H
#define NTAG424_PCSC_H

#include <stdbool.h>
#include <stddef.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The names of the connected readers. *names is a NULL-terminated array
 * of *count strings (count 0 and an empty array when there is none); free
 * it with ntag424_pcsc_free_readers.
 */
int ntag424_pcsc_list_readers(char ***names, size_t *count);
/* NULL-safe; sets *names = NULL. */
void ntag424_pcsc_free_readers(char ***names);

/* The transmit timeout of ntag424_dev_open_pcsc(). */
#define NTAG424_PCSC_TIMEOUT_MS	10000u

/*
 * Connect dev to the tag on reader (exact name), or, with reader NULL, to
 * the first reader that has a tag. The connection is exclusive so that no
 * other program can slip commands into a secure-messaging session.
 * ntag424_dev_reconnect() reconnects to the same reader.
 *
 * A C-APDU whose answer has not come after timeout_ms (0: wait for ever)
 * fails with NTAG424_ERR_TIMEOUT and an error log line: the card or the
 * reader driver hangs. The handle is dead from then on (every later
 * transmit and reconnect fails the same way); free it and exit, the
 * process's exit releases the reader in pcscd. A tag answers within
 * milliseconds, and its slowest commands well under a second.
 */
int ntag424_dev_open_pcsc_timeout(ntag424_dev_t *dev, const char *reader,
    unsigned int timeout_ms);
/* As above with NTAG424_PCSC_TIMEOUT_MS. */
int ntag424_dev_open_pcsc(ntag424_dev_t *dev, const char *reader);

/*
 * Wait until a tag is present (present = true) on reader, or until no
 * tag is (present = false). reader NULL: any reader / all readers.
 * timeout_ms 0 waits forever. NTAG424_OK or NTAG424_ERR_TIMEOUT, ...
 */
int ntag424_pcsc_wait_card(const char *reader, bool present,
    unsigned int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
