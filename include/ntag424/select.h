/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ISOSelectFile (NT4H2421Gx 10.9.1). Always plain; an active session is
 * kept and its CmdCtr does not move (AN12196 6.11-6.14), except that an
 * error status or selecting a DF other than the NDEF application ends it
 * (NT4H2421Gx 9.1.9; docs/emulator.md E-18), on the tag and in dev alike.
 * Status words: 6700, 6985, 6A82 (not found), 6A86, 6A87, 6E00.
 */
#ifndef NTAG424_SELECT_H
#define NTAG424_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTAG424_FID_MF		0x3F00
#define NTAG424_FID_CC		0xE103
#define NTAG424_FID_NDEF	0xE104
#define NTAG424_FID_PROP	0xE105

/* Select the NDEF application D2760000850101. Do this before anything else. */
int ntag424_select_application(ntag424_dev_t *dev);
/* Select a DF by name (1..16 bytes). */
int ntag424_select_df(ntag424_dev_t *dev, const uint8_t *name, size_t len);
/*
 * Select an EF (or DF) by its ISO file ID, e.g. NTAG424_FID_NDEF.
 * NTAG424_FID_MF ends the session, whatever the tag answers.
 */
int ntag424_select_file(ntag424_dev_t *dev, uint16_t fid);

#ifdef __cplusplus
}
#endif

#endif
