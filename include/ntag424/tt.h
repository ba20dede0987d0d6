/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GetTTStatus of the NTAG 424 DNA TagTamper part (NT4H2421Tx). The frame is
 * not in NT4H2421Gx or AN12196; this follows the layout the reference
 * digest (section 14) marks as external: 90 F7 in CommMode.Full, answer
 * TTPermStatus || TTCurrStatus. A plain NTAG 424 DNA answers 911C.
 */
#ifndef NTAG424_TT_H
#define NTAG424_TT_H

#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_TT_CLOSED	0x43	/* 'C' */
#define NTAG424_TT_OPEN		0x4F	/* 'O' */
#define NTAG424_TT_INVALID	0x49	/* 'I': invalid or not enabled */

/*
 * Needs a session (NTAG424_ERR_STATE, nothing sent, without one).
 * Status words: 911C (not a TagTamper part), 911E, 917E, 91AE, 91CA, 91EE.
 */
int ntag424_tt_status(ntag424_dev_t *dev, uint8_t *permanent,
    uint8_t *current);

#ifdef __cplusplus
}
#endif

#endif
