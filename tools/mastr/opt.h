/* SPDX-License-Identifier: BSD-2-Clause */
/* Option helpers shared by the mastr-* programs. */
#ifndef MASTR_TOOLS_OPT_H
#define MASTR_TOOLS_OPT_H

#include <stdint.h>

/* Parse a 32-bit handle ("0x81000080" or decimal); -1 if malformed. */
int opt_u32(const char *s, uint32_t *v);
/* Parse a non-negative int in milliseconds; -1 if malformed. */
int opt_ms(const char *s, int *v);
/* --tcti, else $MASTR_TCTI, else device:/dev/tpmrm0. */
const char *opt_tcti(const char *arg);
/* Silence ESYS's own error lines unless the user asked for them. */
void opt_quiet_tss(void);

#endif
