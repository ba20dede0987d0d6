/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The presets of ntag424(1) (the game coin, the self-checkout tag and the
 * Boltcard) and
 * plans from a template of one's own: all five keys new, the SDM
 * meta-read key from a cohort, the NDEF file writable with key 0 only.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "ntag424/err.h"
#include "ntag424/provision.h"

#define ALL_KEYS	((1u << NTAG424_PROV_NKEYS) - 1)

static int
base_url_ok(const char *url)
{
	size_t n = strlen(url);

	return n > 0 && n < NTAG424_TEMPLATE_MAX / 2 &&
	    strpbrk(url, "?#{} ") == NULL && strstr(url, "://") != NULL;
}

/* Keys: all five; the meta-read key (when it is one) from the cohort. */
static void
keys_default(ntag424_prov_plan_t *plan)
{
	uint8_t meta = plan->opts.meta_read;

	plan->key_mask = ALL_KEYS;
	plan->cohort_mask = meta >= 1 && meta <= NTAG424_KEY_MAX ?
	    1u << meta : 0;
}

static void
self_checkout(ntag424_prov_plan_t *plan)
{
	ntag424_template_opts_t *o = &plan->opts;

	/* SDMAccessRights FE 13; the file: read free, the rest key 0. */
	o->ctr_ret = NTAG424_AR_FREE;
	o->meta_read = 1;
	o->file_read = 3;
}

/*
 * Boltcard (CARD_MANUAL of the Boltcard specification): PICCData under
 * key 1, the MAC under key 2, lnurlw:// kept as it is (URI prefix 00).
 */
static void
boltcard(ntag424_prov_plan_t *plan)
{
	ntag424_template_opts_t *o = &plan->opts;

	o->meta_read = 1;
	o->file_read = 2;
	o->ctr_ret = 2;
}

int
ntag424_prov_preset(const char *name, const char *url,
    ntag424_prov_plan_t *plan)
{
	const char	*query;
	int		 n;

	if (name == NULL || plan == NULL)
		return NTAG424_ERR_ARG;
	memset(plan, 0, sizeof(*plan));
	ntag424_template_opts_init(&plan->opts);
	if (strcmp(name, "game-coin") == 0)
		query = "?picc={picc}&cmac={mac}";
	else if (strcmp(name, "self-checkout") == 0) {
		self_checkout(plan);
		/* MAC input from the PICCData on (offset 0x22). */
		query = "?picc={macin}{picc}&cmac={mac}";
		if (url == NULL)
			url = "https://werkstattwaedi.ch/tag";
	} else if (strcmp(name, "boltcard") == 0) {
		boltcard(plan);
		query = "?p={picc}&c={mac}";
		if (url != NULL && strncmp(url, "lnurlw://", 9) != 0)
			return NTAG424_ERR_ARG;
	} else
		return NTAG424_ERR_NOT_FOUND;
	if (url == NULL || !base_url_ok(url))
		return NTAG424_ERR_ARG;
	keys_default(plan);
	snprintf(plan->name, sizeof(plan->name), "%s", name);
	snprintf(plan->cohort, sizeof(plan->cohort), "%s", name);
	n = snprintf(plan->tmpl, sizeof(plan->tmpl), "%s%s", url, query);
	if (n < 0 || (size_t)n >= sizeof(plan->tmpl))
		return NTAG424_ERR_ARG;
	return NTAG424_OK;
}

int
ntag424_prov_cohort_name(const char *tmpl, char *name, size_t cap)
{
	uint8_t		md[EVP_MAX_MD_SIZE];
	char		hex[17];
	size_t		mdlen = 0;

	if (tmpl == NULL || name == NULL || cap < 26)
		return NTAG424_ERR_ARG;
	if (EVP_Q_digest(NULL, "SHA256", NULL, tmpl, strlen(tmpl), md,
	    &mdlen) != 1 || mdlen < 8)
		return NTAG424_ERR_CRYPTO;
	for (size_t i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(name, cap, "template-%s", hex);
	return NTAG424_OK;
}

int
ntag424_prov_custom(const char *tmpl, const ntag424_template_opts_t *opts,
    ntag424_prov_plan_t *plan)
{
	int n, r;

	if (tmpl == NULL || plan == NULL)
		return NTAG424_ERR_ARG;
	memset(plan, 0, sizeof(*plan));
	if (opts != NULL)
		plan->opts = *opts;
	else
		ntag424_template_opts_init(&plan->opts);
	snprintf(plan->name, sizeof(plan->name), "template");
	n = snprintf(plan->tmpl, sizeof(plan->tmpl), "%s", tmpl);
	if (n < 0 || (size_t)n >= sizeof(plan->tmpl))
		return NTAG424_ERR_ARG;
	if ((r = ntag424_prov_cohort_name(tmpl, plan->cohort,
	    sizeof(plan->cohort))) != NTAG424_OK)
		return r;
	keys_default(plan);
	return NTAG424_OK;
}

int
ntag424_prov_preset_opts(const char *name, ntag424_template_opts_t *opts)
{
	ntag424_prov_plan_t	plan;
	int			r;

	if (name == NULL || opts == NULL)
		return NTAG424_ERR_ARG;
	/* Any base URL of the preset's scheme: only the options are wanted. */
	r = ntag424_prov_preset(name, strcmp(name, "boltcard") == 0 ?
	    "lnurlw://x.invalid/" : "https://x.invalid/", &plan);
	if (r == NTAG424_OK)
		*opts = plan.opts;
	else
		ntag424_template_opts_init(opts);
	return r;
}
