/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The provisioning engine object, its reports and the four runs
 * (provision, reset, check, diagnose). The state machine is in
 * provision_state.c and provision_run.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/err.h"
#include "ntag424/auth.h"
#include "ndef.h"
#include "provision_int.h"

ntag424_prov_t *
ntag424_prov_new(void)
{
	ntag424_prov_t *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->tpl = ntag424_template_new()) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

void
ntag424_prov_free(ntag424_prov_t **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	ntag424_template_free(&(*pp)->tpl);
	wipe(*pp, sizeof(**pp));
	free(*pp);
	*pp = NULL;
}

int
ntag424_prov_set_store(ntag424_prov_t *p, const ntag424_prov_store_t *ops,
    void *ctx)
{
	if (p == NULL || ops == NULL || ops->tag_get == NULL ||
	    ops->tag_begin == NULL || ops->tag_status == NULL ||
	    ops->key_get == NULL || ops->key_new == NULL ||
	    ops->key_intend == NULL || ops->key_sent == NULL ||
	    ops->key_applied == NULL || ops->key_abandon == NULL ||
	    ops->journal == NULL || ops->errmsg == NULL ||
	    ops->cohort_key == NULL || ops->counter_used == NULL)
		return NTAG424_ERR_ARG;
	p->ops = ops;
	p->ctx = ctx;
	return NTAG424_OK;
}

/* Bit k set for a key number k (0..4); E (free) and F (never) name none. */
static unsigned
key_bit(uint8_t role)
{
	return role <= NTAG424_KEY_MAX ? 1u << role : 0;
}

/*
 * A cohort key is shared by every tag of the cohort: only the meta-read
 * role may have it, never a role that authenticates or MACs (provision.h).
 */
static bool
cohort_ok(const ntag424_prov_plan_t *plan)
{
	const ntag424_template_opts_t	*o = &plan->opts;
	unsigned			 other;

	if (plan->cohort_mask == 0)
		return true;
	other = 1u | key_bit(o->file_read) | key_bit(o->ctr_ret) |
	    key_bit(o->access.read) | key_bit(o->access.write) |
	    key_bit(o->access.read_write) | key_bit(o->access.change);
	return plan->cohort[0] != '\0' &&
	    (plan->cohort_mask & ~key_bit(o->meta_read)) == 0 &&
	    (plan->cohort_mask & other) == 0 &&
	    (plan->cohort_mask & ~plan->key_mask) == 0;
}

int
ntag424_prov_set_plan(ntag424_prov_t *p, const ntag424_prov_plan_t *plan)
{
	int r;

	if (p == NULL || plan == NULL || (plan->key_mask & 1u) == 0 ||
	    plan->key_mask >= (1u << NKEYS) ||
	    memchr(plan->name, '\0', sizeof(plan->name)) == NULL ||
	    memchr(plan->tmpl, '\0', sizeof(plan->tmpl)) == NULL ||
	    memchr(plan->cohort, '\0', sizeof(plan->cohort)) == NULL ||
	    !cohort_ok(plan))
		return NTAG424_ERR_ARG;
	p->has_plan = false;
	if ((r = prov_compile(p->tpl, plan->tmpl, &plan->opts, plan->lrp)) !=
	    NTAG424_OK)
		return r;
	p->plan = *plan;
	/* No PICCData, no meta-read key: nothing to share. */
	p->plan.cohort_mask &=
	    key_bit(ntag424_template_settings(p->tpl)->sdm.meta_read);
	p->has_plan = true;
	return NTAG424_OK;
}

const char *
ntag424_prov_plan_error(const ntag424_prov_t *p)
{
	return p == NULL ? "" : ntag424_template_error(p->tpl, NULL);
}

void
ntag424_prov_set_dry_run(ntag424_prov_t *p, bool on)
{
	if (p != NULL)
		p->dry_run = on;
}

void
ntag424_prov_expect_uid(ntag424_prov_t *p, const uint8_t *uid)
{
	if (p == NULL)
		return;
	p->expect = uid != NULL;
	if (uid != NULL)
		memcpy(p->expect_uid, uid, sizeof(p->expect_uid));
}

const char *
ntag424_prov_found_name(int found)
{
	switch (found) {
	case NTAG424_PROV_FOUND_FACTORY:
		return "factory";
	case NTAG424_PROV_FOUND_OURS:
		return "ours";
	case NTAG424_PROV_FOUND_PARTIAL:
		return "partial";
	case NTAG424_PROV_FOUND_FOREIGN:
		return "foreign";
	case NTAG424_PROV_FOUND_IMPORTED:
		return "imported";
	default:
		return "unknown";
	}
}

int
ntag424_ndef_url(const uint8_t *file, size_t len, char *url, size_t cap)
{
	if (file == NULL || url == NULL || cap == 0)
		return NTAG424_ERR_ARG;
	switch (ndef_uri_decode(file, len, url, cap)) {
	case 0:
		return NTAG424_OK;
	case -2:
		return NTAG424_ERR_ARG;
	default:
		return NTAG424_ERR_MALFORMED;
	}
}

/* ---- run bookkeeping -------------------------------------------------- */

void
run_init(struct run *r, ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep, enum run_op op)
{
	memset(r, 0, sizeof(*r));
	memset(rep, 0, sizeof(*rep));
	rep->status = -1;
	r->p = p;
	r->dev = dev;
	r->rep = rep;
	r->op = op;
	r->tpl = p->has_plan ? p->tpl : NULL;
	r->apdu0 = ntag424_dev_apdu_count(dev);
	r->byte0 = ntag424_dev_byte_count(dev);
}

int
run_done(struct run *r, int code)
{
	r->rep->apdus = ntag424_dev_apdu_count(r->dev) - r->apdu0;
	r->rep->bytes = ntag424_dev_byte_count(r->dev) - r->byte0;
	ntag424_template_free(&r->own_tpl);
	wipe(r->key, sizeof(r->key));
	wipe(r->nkey, sizeof(r->nkey));
	return code;
}

void
run_step(struct run *r, const char *what, unsigned apdus)
{
	ntag424_prov_report_t *rep = r->rep;

	if (rep->nsteps < NTAG424_PROV_STEPS_MAX) {
		snprintf(rep->steps[rep->nsteps].what,
		    sizeof(rep->steps[0].what), "%s", what);
		rep->steps[rep->nsteps].apdus = apdus;
		rep->nsteps++;
	}
	rep->planned_apdus += apdus;
}

/* Frames a WriteData of len bytes takes in Plain (7-byte header). */
unsigned
write_frames(const ntag424_dev_t *dev, size_t len)
{
	size_t room = ntag424_dev_max_chunk(dev) - 7;

	return (unsigned)((len + room - 1) / room);
}

static const char *
hint_for(const struct run *r, int code)
{
	switch (code) {
	case 0x91AD:
		return "the tag is serving an authentication delay after failed "
		    "attempts (not ours: we never guess keys). The delay only "
		    "runs down while the tag is powered and asked: leave it on "
		    "the reader, wait about one minute and run the command "
		    "again; never try other keys";
	case 0x91AE:
	case NTAG424_ERR_AUTH:
		return "the keystore's key is not this tag's. Do not retry with "
		    "guesses (each failed attempt counts towards a permanent "
		    "lockout): find the right keystore (--db, --kek-file) and "
		    "run 'ntag424 diagnose'";
	case 0x919D:
		return "the tag refuses this key (locked after too many failed "
		    "authentications, or the tag's access rights forbid it); "
		    "run 'ntag424 diagnose'";
	case NTAG424_ERR_FOREIGN:
		return "nothing was changed. If this tag is yours, use the "
		    "keystore it was provisioned with (--db, --kek-file)";
	case NTAG424_ERR_CARD_REMOVED:
	case NTAG424_ERR_NO_CARD:
	case NTAG424_ERR_TX:
	case NTAG424_ERR_RX:
	case NTAG424_ERR_TORN:
	case NTAG424_ERR_INTEGRITY:
	case NTAG424_ERR_TIMEOUT:
		return r->rep->changed ? "every step is journaled: put the same "
		    "tag back flat on the reader and run the same command "
		    "again to finish; no key is lost" :
		    "nothing was changed: put the tag back flat on the reader "
		    "and run the command again";
	case NTAG424_ERR_NO_READER:
	case NTAG424_ERR_NO_SERVICE:
	case NTAG424_ERR_PCSC:
		return "reconnect the reader (check 'ntag424 list-readers'), "
		    "then run the same command again; the journal resumes "
		    "where the run stopped";
	default:
		return "run 'ntag424 diagnose' to see the tag's state";
	}
}

int
run_fail(struct run *r, const char *step, int code, const char *fmt, ...)
{
	ntag424_prov_report_t	*rep = r->rep;
	char			 what[NTAG424_PROV_MSG_MAX - 96];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(rep->step, sizeof(rep->step), "%s", step);
	if (code > 0)
		snprintf(rep->message, sizeof(rep->message), "%s (status %04X "
		    "%s)", what, (unsigned)code, ntag424_errname(code));
	else
		snprintf(rep->message, sizeof(rep->message), "%s (%s)", what,
		    ntag424_errname(code));
	if (rep->hint[0] == '\0')
		snprintf(rep->hint, sizeof(rep->hint), "%s", hint_for(r, code));
	return code;
}

int
run_store_fail(struct run *r, const char *step, int code, bool changed)
{
	const char *msg = r->p->ops->errmsg(r->p->ctx);

	snprintf(r->rep->hint, sizeof(r->rep->hint), "%s", changed ?
	    "the tag is safe: each change was recorded as maybe-applied "
	    "before it was sent. Fix the database, then run the same command "
	    "again to finish" : "nothing was sent to the tag. Fix the "
	    "database, then run the command again");
	return run_fail(r, step, code, "keystore: %s", msg != NULL &&
	    msg[0] != '\0' ? msg : ntag424_strerror(code));
}

int
run_journal(struct run *r, const char *step, int keyno, const char *outcome,
    int code)
{
	int rc;

	rc = r->p->ops->journal(r->p->ctx, r->uid, step, keyno, outcome, code);
	if (rc != NTAG424_OK)
		return run_store_fail(r, step, rc, r->rep->changed);
	return NTAG424_OK;
}

/* ---- the runs ----------------------------------------------------------- */

static int
ready(ntag424_prov_t *p, ntag424_dev_t *dev, ntag424_prov_report_t *rep,
    bool need_plan)
{
	if (p == NULL || dev == NULL || rep == NULL)
		return NTAG424_ERR_ARG;
	if (p->ops == NULL || (need_plan && !p->has_plan))
		return NTAG424_ERR_STATE;
	return NTAG424_OK;
}

int
ntag424_prov_provision(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep)
{
	struct run	r;
	int		rc;

	if ((rc = ready(p, dev, rep, true)) != NTAG424_OK)
		return rc;
	run_init(&r, p, dev, rep, OP_PROVISION);
	if ((rc = state_read(&r)) == NTAG424_OK &&
	    (rc = state_reconcile(&r)) == NTAG424_OK &&
	    (rc = plan_provision(&r)) == NTAG424_OK && !p->dry_run)
		rc = run_provision(&r);
	return run_done(&r, rc);
}

int
ntag424_prov_reset(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep)
{
	struct run	r;
	int		rc;

	if ((rc = ready(p, dev, rep, false)) != NTAG424_OK)
		return rc;
	run_init(&r, p, dev, rep, OP_RESET);
	if ((rc = state_read(&r)) == NTAG424_OK &&
	    (rc = state_reconcile(&r)) == NTAG424_OK &&
	    (rc = plan_reset(&r)) == NTAG424_OK && !p->dry_run)
		rc = run_reset(&r);
	return run_done(&r, rc);
}

/* A foreign tag or a blocked run is a finding of diagnose, not a failure. */
static int
finding(int rc)
{
	return rc == NTAG424_ERR_FOREIGN || rc == NTAG424_ERR_STATE ?
	    NTAG424_OK : rc;
}

int
ntag424_prov_diagnose(ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep, ntag424_prov_report_t *reset_rep)
{
	bool	dry;
	int	rc, rr = NTAG424_OK;

	if ((rc = ready(p, dev, rep, true)) != NTAG424_OK)
		return rc;
	dry = p->dry_run;
	p->dry_run = true;
	rc = finding(ntag424_prov_provision(p, dev, rep));
	if (rc == NTAG424_OK && reset_rep != NULL)
		rr = finding(ntag424_prov_reset(p, dev, reset_rep));
	p->dry_run = dry;
	return rc != NTAG424_OK ? rc : rr;
}
