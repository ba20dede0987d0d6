/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Verify like a phone (docs/provisioning.md step 5): read the NDEF plain
 * without a session, verify the SUN URL the tag mirrored, authenticate
 * with key 0 once. Used at the end of provision and by ntag424_prov_check().
 */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/auth.h"
#include "ntag424/data.h"
#include "ntag424/err.h"
#include "ntag424/files.h"
#include "ntag424/select.h"
#include "ntag424/sun.h"
#include "provision_int.h"

int
auth_key0(struct run *r, const uint8_t key[KLEN], const char *step)
{
	int rc;

	/* Either suite: the answer tells the tag's mode (provision_lrp.c). */
	rc = ntag424_auth_first(r->dev, 0, key);
	if (rc == NTAG424_OK) {
		r->rep->lrp = ntag424_auth_is_lrp(r->dev) == 1;
		return rid_confirm(r);
	}
	if (rc == 0x91AE || rc == NTAG424_ERR_AUTH)
		r->rep->failed_auths++;
	if (r->known)
		(void)r->p->ops->journal(r->p->ctx, r->uid, step, 0, "failed",
		    rc);
	if (rc == 0x91AD)
		return run_fail(r, step, rc, "the tag delays authentication "
		    "with key 0 after failed attempts");
	return run_fail(r, step, rc, "the tag refused authentication with "
	    "key 0 from the keystore");
}

/*
 * End the session on both sides: forgetting ours is not enough, the tag
 * would still expect MACs. Selecting the MF ends it on the tag and in the
 * device (docs/emulator.md E-18), then the application is selected again.
 */
static int
end_session(struct run *r)
{
	int rc;

	if ((rc = ntag424_select_file(r->dev, NTAG424_FID_MF)) == NTAG424_OK)
		rc = ntag424_select_application(r->dev);
	if (rc != NTAG424_OK)
		return run_fail(r, "select", rc, "could not end the session "
		    "before reading like a phone");
	return NTAG424_OK;
}

static int
read_url(struct run *r, char *url, size_t cap)
{
	uint8_t	file[NTAG424_NDEF_FILE_SIZE];
	size_t	len = prov_ndef_len(r->tpl);	/* either mode's layout */
	int	rc;

	if (ntag424_auth_key_no(r->dev) >= 0 &&
	    (rc = end_session(r)) != NTAG424_OK)
		return rc;
	rc = ntag424_data_read(r->dev, NTAG424_FILE_NDEF, NTAG424_COMM_PLAIN,
	    0, file, len);
	if (rc != NTAG424_OK)
		return run_fail(r, "read NDEF", rc, "reading the NDEF file "
		    "without authentication failed");
	if ((rc = ntag424_ndef_url(file, len, url, cap)) != NTAG424_OK) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "the NDEF file "
		    "was not written completely: run provision again");
		return run_fail(r, "read NDEF", rc, "the NDEF file does not "
		    "hold one URL");
	}
	return NTAG424_OK;
}

static int
verify_url(struct run *r, const char *url, const uint8_t meta[KLEN],
    const uint8_t file[KLEN])
{
	ntag424_sun_ctx_t	*ctx;
	ntag424_sun_t		 sun;
	int			 rc;

	memset(&sun, 0, sizeof(sun));
	if ((ctx = ntag424_sun_ctx_new()) == NULL)
		return run_fail(r, "verify", NTAG424_ERR_NOMEM, "out of memory");
	if ((rc = ntag424_sun_ctx_set_meta_key(ctx, meta)) == NTAG424_OK &&
	    (rc = ntag424_sun_ctx_set_file_key(ctx, file)) == NTAG424_OK)
		rc = ntag424_sun_verify(ctx, r->tpl, url, strlen(url), &sun);
	if (rc == NTAG424_OK && sun.has_uid &&
	    memcmp(sun.uid, r->uid, sizeof(r->uid)) != 0)
		rc = NTAG424_ERR_BAD_MAC;	/* another tag's URL */
	r->rep->read_ctr = sun.read_ctr;
	r->has_ctr = rc == NTAG424_OK && sun.has_read_ctr;
	ntag424_sun_clear(&sun);
	ntag424_sun_ctx_free(&ctx);
	if (rc != NTAG424_OK) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "the tag's SDM "
		    "keys or settings are not the ones in the keystore: run "
		    "'ntag424 diagnose' and 'ntag424 info'");
		return run_fail(r, "verify", rc, "the URL the tag produced "
		    "does not verify with the stored keys");
	}
	return NTAG424_OK;
}

int
phone_verify(struct run *r, const uint8_t meta[KLEN], const uint8_t file[KLEN])
{
	char	url[NTAG424_PROV_URL_MAX];
	int	rc;

	if ((rc = read_url(r, url, sizeof(url))) != NTAG424_OK)
		return rc;
	snprintf(r->rep->url, sizeof(r->rep->url), "%s", url);
	return verify_url(r, url, meta, file);
}

/*
 * The URL just verified is genuine and sits in logs and reports: use its
 * counter up at once, in the store the verifier checks, so that it never
 * passes as a first tap (ntag424 tap reads without verifying and leaves
 * its URL fresh). A URL without a counter cannot be used up.
 */
int
counter_used(struct run *r)
{
	const char	*msg;
	int		 rc;

	if (!r->has_ctr)
		return NTAG424_OK;
	rc = r->p->ops->counter_used(r->p->ctx, r->uid, r->rep->read_ctr);
	if (rc == NTAG424_OK) {
		r->rep->ctr_used = true;
		return NTAG424_OK;
	}
	msg = r->p->ops->errmsg(r->p->ctx);
	snprintf(r->rep->hint, sizeof(r->rep->hint), "the tag is fine, but "
	    "the URL read to verify it (counter %lu) is not marked used and "
	    "would pass the verifier once: fix the database, then run "
	    "'ntag424 check' (the newer counter it records retires this one)",
	    (unsigned long)r->rep->read_ctr);
	return run_fail(r, "counter", rc, "keystore: %s", msg != NULL &&
	    msg[0] != '\0' ? msg : ntag424_strerror(rc));
}

/* The stored current keys (factory zero where none is stored). */
static int
load_keys(struct run *r)
{
	int rc;

	for (uint8_t k = 0; k < NKEYS; k++) {
		rc = r->p->ops->key_get(r->p->ctx, r->uid, k,
		    NTAG424_PROV_CURRENT, r->key[k], NULL, NULL);
		if (rc == NTAG424_ERR_NOT_FOUND)
			memset(r->key[k], 0, KLEN);
		else if (rc != NTAG424_OK)
			return run_store_fail(r, "keys", rc, false);
	}
	return NTAG424_OK;
}

static int
check_template(struct run *r, ntag424_template_opts_t *opts)
{
	(void)ntag424_prov_preset_opts(r->tag.name, opts);
	if ((r->own_tpl = ntag424_template_new()) == NULL)
		return run_fail(r, "template", NTAG424_ERR_NOMEM,
		    "out of memory");
	if (prov_compile(r->own_tpl, r->tag.tmpl, opts, false) != NTAG424_OK)
		return run_fail(r, "template", NTAG424_ERR_TEMPLATE, "the "
		    "stored template does not compile");
	r->tpl = r->own_tpl;
	return NTAG424_OK;
}

static const char *
status_name(int status)
{
	switch (status) {
	case NTAG424_PROV_FACTORY:
		return "factory";
	case NTAG424_PROV_PENDING:
		return "pending";
	case NTAG424_PROV_FAILED:
		return "failed";
	case NTAG424_PROV_RESETTING:
		return "resetting";
	default:
		return "unknown status";
	}
}

static int
check_known(struct run *r)
{
	if (!r->known) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "provision it "
		    "first, or use the keystore it was provisioned with (--db)");
		return run_fail(r, "lookup", NTAG424_ERR_NOT_FOUND, "this tag "
		    "is not in the keystore");
	}
	/* Imported with its URL template: checked like one of ours. */
	if (r->tag.status == NTAG424_PROV_IMPORTED && r->tag.tmpl[0] != '\0')
		return NTAG424_OK;
	if (r->tag.status == NTAG424_PROV_IMPORTED) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "import it again "
		    "with its URL template (template column), or reset it");
		return run_fail(r, "lookup", NTAG424_ERR_STATE, "the keystore "
		    "has no URL template for this imported tag");
	}
	if (r->tag.status != NTAG424_PROV_PROVISIONED) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "run 'ntag424 "
		    "provision' (or 'reset') again to finish the interrupted "
		    "run");
		return run_fail(r, "lookup", NTAG424_ERR_STATE, "the keystore "
		    "says this tag is not provisioned (%s)",
		    status_name(r->tag.status));
	}
	return NTAG424_OK;
}

int
ntag424_prov_check(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep)
{
	ntag424_template_opts_t	opts;
	struct run		r;
	int			rc;

	if (p == NULL || dev == NULL || rep == NULL)
		return NTAG424_ERR_ARG;
	if (p->ops == NULL)
		return NTAG424_ERR_STATE;
	run_init(&r, p, dev, rep, OP_CHECK);
	if ((rc = state_read(&r)) != NTAG424_OK ||
	    (rc = check_known(&r)) != NTAG424_OK ||
	    (rc = check_template(&r, &opts)) != NTAG424_OK ||
	    (rc = load_keys(&r)) != NTAG424_OK)
		return run_done(&r, rc);
	rep->found = NTAG424_PROV_FOUND_OURS;
	if ((rc = phone_verify(&r, r.key[opts.meta_read <= 4 ? opts.meta_read :
	    0], r.key[opts.file_read <= 4 ? opts.file_read : 0])) ==
	    NTAG424_OK && (rc = counter_used(&r)) == NTAG424_OK)
		rc = auth_key0(&r, r.key[0], "check");
	return run_done(&r, rc);
}
