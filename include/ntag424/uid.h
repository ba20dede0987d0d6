/* SPDX-License-Identifier: BSD-2-Clause */
/* GetCardUID (NT4H2421Gx 10.5.3): the real UID, also with Random ID on. */
#ifndef NTAG424_UID_H
#define NTAG424_UID_H

#include <stdint.h>

#include "ntag424/dev.h"
#include "ntag424/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Needs a session with any key (NTAG424_ERR_STATE, nothing sent, without).
 * CommMode.Full. Status words: 911E, 917E, 91AE, 91CA, 91EE.
 */
int ntag424_uid_get(ntag424_dev_t *dev, uint8_t uid[NTAG424_UID_LEN]);

#ifdef __cplusplus
}
#endif

#endif
