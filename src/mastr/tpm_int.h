/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between tpm.c and nv.c; not part of the public API. */
#ifndef MASTR_TPM_INT_H
#define MASTR_TPM_INT_H

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "mastr/tpm.h"

struct mastr_tpm {
	TSS2_TCTI_CONTEXT	*tcti;
	ESYS_CONTEXT		*esys;
};

/* Whether a persistent or NV handle exists (GetCapability: no ESYS noise). */
int tpm_handle_exists(mastr_tpm_t *t, uint32_t handle, int *exists);

#endif
