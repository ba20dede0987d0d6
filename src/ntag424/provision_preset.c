/* The presets of ntag424(1): seed 000's game coin and seed 004's tag. */
#include <stdio.h>
#include <string.h>

#include "ntag424/err.h"
#include "ntag424/provision.h"

/* Every key the template's SDM roles name, and key 0. */
static unsigned
role_mask(const ntag424_template_opts_t *o)
{
	unsigned m = 1u;

	if (o->meta_read <= NTAG424_KEY_MAX)
		m |= 1u << o->meta_read;
	if (o->file_read <= NTAG424_KEY_MAX)
		m |= 1u << o->file_read;
	if (o->ctr_ret <= NTAG424_KEY_MAX)
		m |= 1u << o->ctr_ret;
	return m;
}

static int
base_url_ok(const char *url)
{
	size_t n = strlen(url);

	return n > 0 && n < NTAG424_TEMPLATE_MAX / 2 &&
	    strpbrk(url, "?#{} ") == NULL && strstr(url, "://") != NULL;
}

static void
game_coin(ntag424_prov_plan_t *plan)
{
	/* Seed 000: unique keys 0, 1 (PICCData) and 3 (SDM MAC). */
	plan->key_mask = 1u << 0 | 1u << 1 | 1u << 3;
}

static void
self_checkout(ntag424_prov_plan_t *plan)
{
	ntag424_template_opts_t *o = &plan->opts;

	/* Seed 004: AccessRights E0 E0, SDMAccessRights FE 13, keys 0..4. */
	o->access.read = NTAG424_AR_FREE;
	o->access.write = 0;
	o->access.read_write = NTAG424_AR_FREE;
	o->access.change = 0;
	o->ctr_ret = NTAG424_AR_FREE;
	o->meta_read = 1;
	o->file_read = 3;
	plan->key_mask = 0x1F;
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
	if (strcmp(name, "game-coin") == 0) {
		game_coin(plan);
		query = "?picc={picc}&cmac={mac}";
	} else if (strcmp(name, "self-checkout") == 0) {
		self_checkout(plan);
		/* MAC input from the PICCData on, as seed 004 (offset 0x22). */
		query = "?picc={macin}{picc}&cmac={mac}";
		if (url == NULL)
			url = "https://werkstattwaedi.ch/tag";
	} else
		return NTAG424_ERR_NOT_FOUND;
	if (url == NULL || !base_url_ok(url))
		return NTAG424_ERR_ARG;
	snprintf(plan->name, sizeof(plan->name), "%s", name);
	n = snprintf(plan->tmpl, sizeof(plan->tmpl), "%s%s", url, query);
	if (n < 0 || (size_t)n >= sizeof(plan->tmpl))
		return NTAG424_ERR_ARG;
	return NTAG424_OK;
}

int
ntag424_prov_custom(const char *tmpl, const ntag424_template_opts_t *opts,
    ntag424_prov_plan_t *plan)
{
	int n;

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
	plan->key_mask = role_mask(&plan->opts);
	return NTAG424_OK;
}

int
ntag424_prov_preset_opts(const char *name, ntag424_template_opts_t *opts)
{
	ntag424_prov_plan_t	plan;
	int			r;

	if (name == NULL || opts == NULL)
		return NTAG424_ERR_ARG;
	/* Any base URL will do: only the options are wanted. */
	r = ntag424_prov_preset(name, "https://x.invalid/", &plan);
	if (r == NTAG424_OK)
		*opts = plan.opts;
	else
		ntag424_template_opts_init(opts);
	return r;
}
