/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the ntag424 subcommands. */
#ifndef NTAG424_CLI_H
#define NTAG424_CLI_H

#include "ntag424.h"

/*
 * Print "ntag424: WHAT: what happened (NAME)" and, when there is one, a
 * line saying what to do about it.
 */
void cli_error(const char *what, int code);
/* What to do about code, or NULL. */
const char *cli_hint(int code);
/* How long cli_open's handle waits for each answer (0: for ever). */
void cli_set_transmit_timeout(unsigned int ms);
/* Open the tag on reader (NULL: the first reader with a tag); prints errors. */
int cli_open(const char *reader, ntag424_dev_t **devp);
/* Access-right nibble as text: "key 2", "free", "never", "invalid (7)". */
const char *cli_access(uint8_t nibble, char buf[16]);

#endif
