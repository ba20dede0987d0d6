/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LRP in the provisioning engine: the switch to LRP mode (SetConfiguration
 * option 05, NT4H2421Gx 10.5.1) as one journaled step, and the template
 * layout that goes with the tag's mode (an LRP tag mirrors 48 characters
 * of PICCData, 9.3.4.2). The tag's mode is learnt from the first
 * authentication (ntag424_auth_first asks for LRP; an AES tag answers as
 * EV2First).
 */
#include <stdio.h>

#include "ntag424/auth.h"
#include "ntag424/config.h"
#include "ntag424/err.h"
#include "ntag424/template_int.h"
#include "provision_int.h"

#define LRP_STEP	"SetConfiguration LRP"

/*
 * Compile text for both modes when it fits both (the verifier then picks
 * by the {picc} length), else for AES alone; with lrp, the LRP layout must
 * fit.
 */
int
prov_compile(ntag424_template_t *t, const char *text,
    const ntag424_template_opts_t *opts, bool lrp)
{
	ntag424_template_opts_t o = *opts;
	int rc;

	o.mode = NTAG424_SDM_ANY;
	if ((rc = ntag424_template_compile(t, text, &o)) == NTAG424_OK || lrp)
		return rc;
	return ntag424_template_compile(t, text, opts);
}

/* The layout to write on a tag in the given mode, or NULL (does not fit). */
const ntag424_template_t *
prov_layout(const ntag424_template_t *t, bool lrp)
{
	if (!lrp)
		return t;
	if (t->lrp)
		return t;
	return t->twin;
}

/* Bytes a phone reads: the longer of the two layouts. */
size_t
prov_ndef_len(const ntag424_template_t *t)
{
	size_t len = ntag424_template_ndef_len(t);

	if (t->twin != NULL && ntag424_template_ndef_len(t->twin) > len)
		len = ntag424_template_ndef_len(t->twin);
	return len;
}

/*
 * After authenticating with key 0: switch to LRP mode if the plan asks and
 * the tag is not already (then said so, nothing sent), and authenticate
 * again in LRP so that the rest of the run speaks the tag's new suite.
 */
int
prov_switch_lrp(struct run *r)
{
	int rc;

	if (!r->p->plan.lrp)
		return NTAG424_OK;
	if (r->rep->lrp) {
		r->rep->lrp_already = true;
		return run_journal(r, LRP_STEP, -1, "already", 0);
	}
	if ((rc = run_journal(r, LRP_STEP, -1, "intent", 0)) != NTAG424_OK)
		return rc;
	r->rep->changed = true;
	if ((rc = ntag424_config_lrp(r->dev)) != NTAG424_OK) {
		(void)r->p->ops->journal(r->p->ctx, r->uid, LRP_STEP, -1,
		    "failed", rc);
		return run_fail(r, LRP_STEP, rc, "switching the tag to LRP "
		    "mode failed");
	}
	r->rep->lrp_switched = true;
	if ((rc = run_journal(r, LRP_STEP, -1, "ok", 0)) != NTAG424_OK ||
	    (rc = auth_key0(r, r->key[0], "authenticate (LRP)")) != NTAG424_OK)
		return rc;
	if (!r->rep->lrp)
		return run_fail(r, LRP_STEP, NTAG424_ERR_STATE, "the tag "
		    "still authenticates in AES mode after the switch");
	return NTAG424_OK;
}

/* The layout for the tag's mode; a template too long for LRP fails. */
int
prov_tag_layout(struct run *r, const ntag424_template_t **t)
{
	if ((*t = prov_layout(r->tpl, r->rep->lrp)) != NULL)
		return NTAG424_OK;
	return run_fail(r, "template", NTAG424_ERR_TEMPLATE, "the tag is in "
	    "LRP mode and the template does not fit its layout (PICCData "
	    "takes 16 more characters)");
}
