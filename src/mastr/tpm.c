/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TPM context, the host signing key and signing (tpm2-tss ESYS).
 *
 * The original made its keys with CreatePrimary and a fixed template, which
 * is deterministic (docs/mastr.md defects 1, 2). Here the signing key is a
 * child created with TPM2_Create under the storage primary, so its private
 * part comes from the TPM's RNG and --regenerate really rotates it.
 */
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "mastr/err.h"
#include "tpm_int.h"

int
mastr_tpm_open(const char *tcti, mastr_tpm_t **out)
{
	mastr_tpm_t	*t;
	TSS2_RC		 rc;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return MASTR_ERR_NOMEM;
	if (Tss2_TctiLdr_Initialize(tcti, &t->tcti) != TSS2_RC_SUCCESS ||
	    Esys_Initialize(&t->esys, t->tcti, NULL) != TSS2_RC_SUCCESS)
		goto fail;
	rc = Esys_Startup(t->esys, TPM2_SU_CLEAR);
	if (rc != TSS2_RC_SUCCESS && rc != TPM2_RC_INITIALIZE)
		goto fail;
	*out = t;
	return MASTR_OK;
fail:
	mastr_tpm_close(&t);
	return MASTR_ERR_TPM_UNREACHABLE;
}

void
mastr_tpm_close(mastr_tpm_t **t)
{
	if (t == NULL || *t == NULL)
		return;
	if ((*t)->esys != NULL)
		Esys_Finalize(&(*t)->esys);
	if ((*t)->tcti != NULL)
		Tss2_TctiLdr_Finalize(&(*t)->tcti);
	free(*t);
	*t = NULL;
}

int
tpm_handle_exists(mastr_tpm_t *t, uint32_t handle, int *exists)
{
	TPMS_CAPABILITY_DATA	*cap = NULL;
	TPMI_YES_NO		 more;

	if (Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1, &more, &cap) !=
	    TSS2_RC_SUCCESS)
		return MASTR_ERR_TPM;
	*exists = cap->data.handles.count > 0 &&
	    cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return MASTR_OK;
}

/* The storage primary key (an ECC P-256 SRK per the TCG template). */
static int
srk_create(mastr_tpm_t *t, ESYS_TR *srk)
{
	TPM2B_SENSITIVE_CREATE	sens = { 0 };
	TPM2B_DATA		outside = { 0 };
	TPML_PCR_SELECTION	pcrs = { 0 };
	TPM2B_PUBLIC		tmpl = { 0 };

	tmpl.publicArea.type = TPM2_ALG_ECC;
	tmpl.publicArea.nameAlg = TPM2_ALG_SHA256;
	tmpl.publicArea.objectAttributes = TPMA_OBJECT_RESTRICTED |
	    TPMA_OBJECT_DECRYPT | TPMA_OBJECT_FIXEDTPM |
	    TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |
	    TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA;
	tmpl.publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
	tmpl.publicArea.parameters.eccDetail.symmetric.keyBits.aes = 128;
	tmpl.publicArea.parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
	tmpl.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
	tmpl.publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	tmpl.publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	if (Esys_CreatePrimary(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs, srk,
	    NULL, NULL, NULL, NULL) != TSS2_RC_SUCCESS)
		return MASTR_ERR_TPM;
	return MASTR_OK;
}

static void
signing_template(TPM2B_PUBLIC *tmpl)
{
	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->publicArea.type = TPM2_ALG_ECC;
	tmpl->publicArea.nameAlg = TPM2_ALG_SHA256;
	tmpl->publicArea.objectAttributes = TPMA_OBJECT_SIGN_ENCRYPT |
	    TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
	    TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
	    TPMA_OBJECT_NODA;
	tmpl->publicArea.parameters.eccDetail.symmetric.algorithm =
	    TPM2_ALG_NULL;
	tmpl->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
	tmpl->publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg =
	    TPM2_ALG_SHA256;
	tmpl->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	tmpl->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

/* X || Y of an ECC P-256 signing key, left-padded (docs/mastr.md defect 4). */
static int
public_xy(const TPMT_PUBLIC *p, uint8_t pub[MASTR_PUB_LEN])
{
	const TPM2B_ECC_PARAMETER *x = &p->unique.ecc.x, *y = &p->unique.ecc.y;

	if (p->type != TPM2_ALG_ECC ||
	    p->parameters.eccDetail.curveID != TPM2_ECC_NIST_P256 ||
	    (p->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) == 0 ||
	    x->size > 32 || y->size > 32)
		return MASTR_ERR_TPM;
	memset(pub, 0, MASTR_PUB_LEN);
	memcpy(pub + 32 - x->size, x->buffer, x->size);
	memcpy(pub + 64 - y->size, y->buffer, y->size);
	return MASTR_OK;
}

static int
child_create(mastr_tpm_t *t, ESYS_TR srk, ESYS_TR *child,
    uint8_t pub[MASTR_PUB_LEN])
{
	TPM2B_SENSITIVE_CREATE	 sens = { 0 };
	TPM2B_DATA		 outside = { 0 };
	TPML_PCR_SELECTION	 pcrs = { 0 };
	TPM2B_PUBLIC		 tmpl, *outpub = NULL;
	TPM2B_PRIVATE		*outpriv = NULL;
	int			 r = MASTR_ERR_TPM;

	signing_template(&tmpl);
	if (Esys_Create(t->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs, &outpriv, &outpub,
	    NULL, NULL, NULL) != TSS2_RC_SUCCESS)
		goto fail;
	if (Esys_Load(t->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, outpriv, outpub, child) != TSS2_RC_SUCCESS)
		goto fail;
	r = public_xy(&outpub->publicArea, pub);
fail:
	Esys_Free(outpriv);
	Esys_Free(outpub);
	return r;
}

/* Remove whatever is persisted at handle (if anything). */
static int
evict_old(mastr_tpm_t *t, uint32_t handle)
{
	ESYS_TR	old = ESYS_TR_NONE, none = ESYS_TR_NONE;
	TSS2_RC	rc;
	int	exists = 0, r;

	if ((r = tpm_handle_exists(t, handle, &exists)) != MASTR_OK ||
	    !exists)
		return r;
	if (Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, &old) != TSS2_RC_SUCCESS)
		return MASTR_ERR_TPM;
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, old, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, handle, &none);
	/*
	 * The object is gone from the TPM, but tpm2-tss 3.2 keeps its ESYS_TR
	 * (with the old name) until closed: left open, the next
	 * TR_FromTPMPublic of this handle fails with "Name mismatch".
	 */
	Esys_TR_Close(t->esys, &old);
	return rc == TSS2_RC_SUCCESS ? MASTR_OK : MASTR_ERR_TPM;
}

int
mastr_tpm_key_create(mastr_tpm_t *t, uint32_t handle,
    uint8_t pub[MASTR_PUB_LEN])
{
	ESYS_TR	srk = ESYS_TR_NONE, child = ESYS_TR_NONE;
	ESYS_TR	persist = ESYS_TR_NONE;
	int	r;

	if ((r = srk_create(t, &srk)) != MASTR_OK ||
	    (r = child_create(t, srk, &child, pub)) != MASTR_OK ||
	    (r = evict_old(t, handle)) != MASTR_OK)
		goto fail;
	if (Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, child,
	    ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, handle, &persist) !=
	    TSS2_RC_SUCCESS) {
		r = MASTR_ERR_TPM;
		goto fail;
	}
	Esys_TR_Close(t->esys, &persist);
	r = MASTR_OK;
fail:
	if (child != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, child);
	if (srk != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, srk);
	return r;
}

/* An ESYS_TR for the persistent key at handle; MASTR_ERR_NO_HOST_KEY. */
static int
key_open(mastr_tpm_t *t, uint32_t handle, ESYS_TR *tr)
{
	int exists = 0, r;

	if ((r = tpm_handle_exists(t, handle, &exists)) != MASTR_OK)
		return r;
	if (!exists)
		return MASTR_ERR_NO_HOST_KEY;
	if (Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, tr) != TSS2_RC_SUCCESS)
		return MASTR_ERR_TPM;
	return MASTR_OK;
}

int
mastr_tpm_key_pub(mastr_tpm_t *t, uint32_t handle, uint8_t pub[MASTR_PUB_LEN])
{
	TPM2B_PUBLIC	*outpub = NULL;
	ESYS_TR		 tr = ESYS_TR_NONE;
	int		 r;

	if ((r = key_open(t, handle, &tr)) != MASTR_OK)
		return r;
	if (Esys_ReadPublic(t->esys, tr, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, &outpub, NULL, NULL) != TSS2_RC_SUCCESS)
		r = MASTR_ERR_TPM;
	else
		r = public_xy(&outpub->publicArea, pub);
	Esys_Free(outpub);
	Esys_TR_Close(t->esys, &tr);
	return r;
}

static int
sig_raw(const TPMT_SIGNATURE *s, uint8_t sig[MASTR_SIG_LEN])
{
	const TPM2B_ECC_PARAMETER *sr = &s->signature.ecdsa.signatureR;
	const TPM2B_ECC_PARAMETER *ss = &s->signature.ecdsa.signatureS;

	if (s->sigAlg != TPM2_ALG_ECDSA || sr->size > 32 || ss->size > 32)
		return MASTR_ERR_TPM;
	memset(sig, 0, MASTR_SIG_LEN);
	memcpy(sig + 32 - sr->size, sr->buffer, sr->size);
	memcpy(sig + 64 - ss->size, ss->buffer, ss->size);
	return MASTR_OK;
}

int
mastr_tpm_sign(mastr_tpm_t *t, uint32_t handle, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN])
{
	TPM2B_DIGEST		 digest = { .size = MASTR_HASH_LEN };
	TPMT_SIG_SCHEME		 scheme = { .scheme = TPM2_ALG_ECDSA };
	TPMT_TK_HASHCHECK	 ticket = { .tag = TPM2_ST_HASHCHECK,
				    .hierarchy = TPM2_RH_NULL };
	TPMT_SIGNATURE		*s = NULL;
	ESYS_TR			 tr = ESYS_TR_NONE;
	int			 r;

	scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
	/* Hashing in software equals TPM2_Hash; the key is unrestricted. */
	if ((r = mastr_sha256(msg, n, digest.buffer)) != MASTR_OK ||
	    (r = key_open(t, handle, &tr)) != MASTR_OK)
		return r;
	if (Esys_Sign(t->esys, tr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, &digest, &scheme, &ticket, &s) != TSS2_RC_SUCCESS)
		r = MASTR_ERR_TPM;
	else
		r = sig_raw(s, sig);
	Esys_Free(s);
	Esys_TR_Close(t->esys, &tr);
	return r;
}

int
mastr_tpm_sign_cb(void *arg, const uint8_t *msg, size_t n,
    uint8_t sig[MASTR_SIG_LEN])
{
	const struct mastr_tpm_signer *s = arg;

	return mastr_tpm_sign(s->tpm, s->handle, msg, n, sig);
}
