/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token's public key in a TPM NV index.
 *
 * The original's index 0x01C00002 is the TCG RSA EK-certificate index on
 * most real TPMs: platform-created, about 1 KB, and a 64-byte owner read
 * "succeeds" with certificate bytes (docs/mastr.md defect 3). So every use
 * is preceded by NV_ReadPublic, and only a 64-byte owner index is trusted.
 */
#include <string.h>

#include "common/prim.h"
#include "mastr/err.h"
#include "tpm_int.h"

#define NV_ATTRS (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | \
	TPMA_NV_AUTHREAD | TPMA_NV_NO_DA)

/*
 * Look the index up. *tr is ESYS_TR_NONE if it is not defined; otherwise
 * it is open and the attributes have been checked (MASTR_ERR_NV_FOREIGN).
 */
static int
nv_open(mastr_tpm_t *t, uint32_t index, ESYS_TR *tr, int *written)
{
	TPM2B_NV_PUBLIC	*pub = NULL;
	TPMA_NV		 a;
	int		 exists = 0, r;

	*tr = ESYS_TR_NONE;
	if ((r = tpm_handle_exists(t, index, &exists)) != MASTR_OK || !exists)
		return r;
	if (Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, tr) != TSS2_RC_SUCCESS ||
	    Esys_NV_ReadPublic(t->esys, *tr, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, &pub, NULL) != TSS2_RC_SUCCESS) {
		r = MASTR_ERR_TPM;
		goto fail;
	}
	a = pub->nvPublic.attributes;
	if ((a & TPMA_NV_PLATFORMCREATE) != 0 ||
	    pub->nvPublic.dataSize != MASTR_PUB_LEN ||
	    (a & TPMA_NV_TPM2_NT_MASK) != 0 ||
	    (a & (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD)) !=
	    (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD)) {
		r = MASTR_ERR_NV_FOREIGN;
		goto fail;
	}
	*written = (a & TPMA_NV_WRITTEN) != 0;
	r = MASTR_OK;
fail:
	Esys_Free(pub);
	if (r != MASTR_OK && *tr != ESYS_TR_NONE) {
		Esys_TR_Close(t->esys, tr);
		*tr = ESYS_TR_NONE;
	}
	return r;
}

static int
nv_define(mastr_tpm_t *t, uint32_t index, ESYS_TR *tr)
{
	TPM2B_AUTH	auth = { 0 };
	TPM2B_NV_PUBLIC	pub = { 0 };

	pub.nvPublic.nvIndex = index;
	pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
	pub.nvPublic.attributes = NV_ATTRS;
	pub.nvPublic.dataSize = MASTR_PUB_LEN;
	if (Esys_NV_DefineSpace(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, &auth, &pub, tr) != TSS2_RC_SUCCESS)
		return MASTR_ERR_TPM;
	return MASTR_OK;
}

int
mastr_tpm_nv_store(mastr_tpm_t *t, uint32_t index,
    const uint8_t pub[MASTR_PUB_LEN])
{
	TPM2B_MAX_NV_BUFFER	data = { .size = MASTR_PUB_LEN };
	ESYS_TR			tr = ESYS_TR_NONE;
	int			written = 0, r;

	if ((r = mastr_pub_check(pub)) != MASTR_OK ||
	    (r = nv_open(t, index, &tr, &written)) != MASTR_OK)
		return r;
	/* An index of ours is written over in place: it is never undefined. */
	if (tr == ESYS_TR_NONE && (r = nv_define(t, index, &tr)) != MASTR_OK)
		return r;
	memcpy(data.buffer, pub, MASTR_PUB_LEN);
	if (Esys_NV_Write(t->esys, ESYS_TR_RH_OWNER, tr, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, &data, 0) != TSS2_RC_SUCCESS)
		r = MASTR_ERR_TPM;
	Esys_TR_Close(t->esys, &tr);
	return r;
}

int
mastr_tpm_nv_load(mastr_tpm_t *t, uint32_t index, uint8_t pub[MASTR_PUB_LEN])
{
	TPM2B_MAX_NV_BUFFER	*data = NULL;
	ESYS_TR			 tr = ESYS_TR_NONE;
	int			 written = 0, r;

	if ((r = nv_open(t, index, &tr, &written)) != MASTR_OK)
		return r;
	if (tr == ESYS_TR_NONE || !written) {
		r = MASTR_ERR_NV_EMPTY;
		goto fail;
	}
	if (Esys_NV_Read(t->esys, ESYS_TR_RH_OWNER, tr, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, MASTR_PUB_LEN, 0, &data) !=
	    TSS2_RC_SUCCESS || data->size != MASTR_PUB_LEN) {
		r = MASTR_ERR_TPM;
		goto fail;
	}
	memcpy(pub, data->buffer, MASTR_PUB_LEN);
	r = mastr_pub_check(pub);
fail:
	Esys_Free(data);
	if (tr != ESYS_TR_NONE)
		Esys_TR_Close(t->esys, &tr);
	return r;
}
