/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 diagnose: read-only. What state is the tag in, and what would
 * provision and reset do (their plans and C-APDU counts)?
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "common/hex.h"
#include "prov_cli.h"

static const char usage_text[] =
    "usage: ntag424 diagnose [--preset NAME [--url URL] | --template T]\n"
    "                        [--keys K] [--cohort NAME] [--meta-key M]\n"
    "                        [--anyone-can-write]\n"
    "                        [--reader NAME] [--db DB] [--kek-file F] "
    "[--json]\n"
    "\n"
    "Read the tag's state without authenticating (UID, key versions),\n"
    "compare it with the keystore and print what provision (with the\n"
    "given preset, template and key options, as ntag424 provision takes\n"
    "them) and reset would do. Changes nothing.\n";

static void
print_state(const ntag424_prov_report_t *rep, int st_known)
{
	char uid[2 * NTAG424_UID_LEN + 1];

	hex_encode(rep->uid, sizeof(rep->uid), uid);
	printf("tag:          %s\n", uid);
	printf("state:        %s\n", ntag424_prov_found_name(rep->found));
	printf("keystore:     %s\n", st_known ? ntag424_ks_status_name(
	    rep->status) : "not known");
	printf("key versions:");
	for (int k = 0; k < NTAG424_PROV_NKEYS; k++)
		if (rep->key_version_mask & (1u << k))
			printf(" %d:%02X", k, rep->key_version[k]);
	printf("\n");
}

static void
print_verdict(const char *what, const ntag424_prov_report_t *rep)
{
	if (rep->message[0] != '\0')
		printf("%s: would stop: %s\n  %s\n", what, rep->message,
		    rep->hint);
	else if (rep->nsteps <= 1)
		printf("%s: nothing to do\n", what);
	else
		prov_print_plan(what, rep);
}

int
cmd_diagnose(int argc, char **argv)
{
	struct prov_opts	 o;
	struct prov_ctx		 c;
	ntag424_prov_report_t	 prep, rrep;
	ntag424_dev_t		*dev = NULL;
	bool			 plan;
	int			 st, rc;

	o.cmd = "diagnose";
	if ((st = prov_parse(argc, argv, &o, usage_text)) >= 0)
		return st;
	plan = o.preset != NULL || o.tmpl != NULL;
	o.dry_run = 1;
	if ((st = prov_ctx_open(&c, &o, plan)) != 0)
		goto out;
	st = 1;
	if (cli_open(o.reader, &dev) != NTAG424_OK)
		goto out;
	if (plan)
		rc = ntag424_prov_diagnose(c.p, dev, &prep, &rrep);
	else {
		rc = ntag424_prov_reset(c.p, dev, &rrep);
		if (rc == NTAG424_ERR_FOREIGN || rc == NTAG424_ERR_STATE)
			rc = NTAG424_OK;
		prep = rrep;
	}
	if (rc != NTAG424_OK || o.json) {
		st = prov_print(&o, plan ? &prep : &rrep, rc, "diagnosed");
		goto out;
	}
	print_state(&rrep, rrep.status >= 0);
	if (plan)
		print_verdict("provision would", &prep);
	print_verdict("reset would", &rrep);
	st = 0;
out:
	ntag424_dev_free(&dev);
	prov_ctx_close(&c);
	return st;
}
