/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EV2 AES and LRP authentication (NT4H2421Gx 9.1.5, 9.1.6, 9.2). A successful
 * authentication installs the secure-messaging session in dev; every later
 * command is MACed or encrypted as the datasheet requires until the session
 * ends (error status word, bad response MAC, ChangeKey of key 0, a failed
 * authentication, ntag424_auth_end, reconnect).
 *
 * Each attempt that reaches the tag counts against its failed-
 * authentication counter until it succeeds: never guess keys.
 */
#ifndef NTAG424_AUTH_H
#define NTAG424_AUTH_H

#include <stdint.h>

#include "ntag424/dev.h"
#include "ntag424/keys.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * AuthenticateEV2First with application key key_no (0..4): new TI,
 * CmdCtr 0. Returns NTAG424_OK, NTAG424_ERR_AUTH (the tag's RndA' does not
 * match: not the tag we think), or a status word: 9140 (no such key), 919D
 * (key locked / LRP mode), 91AD (authentication delay: retry later), 91AE
 * (wrong key), 917E, 919E, 91CA, 91EE. On any failure no session remains.
 */
int ntag424_auth_ev2_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);

/*
 * AuthenticateEV2NonFirst: needs an active session (NTAG424_ERR_STATE, and
 * nothing is sent, without one). Keeps TI and CmdCtr, derives new session
 * keys. Same returns as ntag424_auth_ev2_first.
 */
int ntag424_auth_ev2_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);

/*
 * AuthenticateLRPFirst / AuthenticateLRPNonFirst (NT4H2421Gx 9.2.5, 9.2.6):
 * the LRP cipher suite of a tag switched to LRP mode (ntag424_config_lrp).
 * Same returns as the EV2 functions; NTAG424_ERR_STATE also when the tag
 * answers in AES mode (it is not an LRP tag; its half-done authentication
 * makes it refuse the next command with 91CA) or when nonfirst is asked for
 * inside an EV2 session. ntag424_auth_ev2_nonfirst likewise refuses an LRP
 * session.
 */
int ntag424_auth_lrp_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);
int ntag424_auth_lrp_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);

/*
 * Authenticate in whichever mode the tag is in: asks for LRP, and an AES
 * tag answers as EV2First (NT4H2421Gx Table 19). nonfirst follows the
 * active session's suite. Same returns as the EV2 functions.
 */
int ntag424_auth_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);
int ntag424_auth_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[NTAG424_KEY_LEN]);

/* 1 if the active session is LRP, 0 if EV2 AES, or NTAG424_ERR_STATE. */
int ntag424_auth_is_lrp(const ntag424_dev_t *dev);

/* The key number of the active session, or NTAG424_ERR_STATE. */
int ntag424_auth_key_no(const ntag424_dev_t *dev);

/*
 * Forget the session (wiped) in dev only: the tag stays authenticated and
 * answers the next command, now sent without a MAC, with an error status
 * word (917E for GetVersion) that ends its session too. To end it on both
 * sides without an error, select the MF (ntag424_select_file with
 * NTAG424_FID_MF) or reconnect.
 */
void ntag424_auth_end(ntag424_dev_t *dev);

#ifdef __cplusplus
}
#endif

#endif
