/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SetConfiguration (NT4H2421Gx 10.5.1, Table 50). Needs a session with key 0
 * (NTAG424_ERR_STATE, nothing sent, without one); always CommMode.Full.
 * Status words: 911E, 917E, 919E, 919D, 91AE, 91CA, 91EE.
 */
#ifndef NTAG424_CONFIG_H
#define NTAG424_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "ntag424/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Option 00: enable Random ID. IRREVERSIBLE; takes effect at the next
 * power-up. Afterwards only GetCardUID (authenticated) reveals the UID.
 */
int ntag424_config_random_uid(ntag424_dev_t *dev);

/*
 * Option 0A: the failed-authentication counter. enable false switches it
 * off (limit and decrement are then ignored by the tag and sent as 0);
 * with enable, limit must be > 0 (factory: 1000 and 10).
 */
int ntag424_config_failed_auth(ntag424_dev_t *dev, bool enable,
    uint16_t limit, uint16_t decrement);

/*
 * Option 05: switch the tag to LRP mode. IRREVERSIBLE: from then on only
 * LRP authentication works (EV2First answers 919D), and SDM is off until
 * the NDEF file's settings are written again (NT4H2421Gx 9.3.4.2). The
 * running session keeps its suite. PDCap2.5 and PDCap2.6 are written as 00.
 */
int ntag424_config_lrp(ntag424_dev_t *dev);

/*
 * Is the tag in LRP mode? Without a session and without touching any
 * failed-authentication counter: Part 1 of an LRP authentication with
 * OriginalityKey 1 at MF level, which only a tag in LRP mode answers;
 * then the application is selected again (any session ends). Returns 1
 * (LRP), 0 (AES) or an error.
 */
int ntag424_config_lrp_mode(ntag424_dev_t *dev);

#ifdef __cplusplus
}
#endif

#endif
