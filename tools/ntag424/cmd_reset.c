/* SPDX-License-Identifier: BSD-2-Clause */
/* ntag424 reset: take a tag of ours back to factory (keys, NDEF, SDM). */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "prov_cli.h"

static const char usage_text[] =
    "usage: ntag424 reset [--reader NAME] [--db DB] [--kek-file F]\n"
    "                     [--uid UID] [--dry-run] [--json] [--trace]\n"
    "\n"
    "Take a tag provisioned with this keystore back to factory state:\n"
    "NDEF cleared, SDM off with factory access rights, keys 1..4 then\n"
    "key 0 back to zero with version 00. Interrupted resets (and\n"
    "interrupted provisions) are finished by running it again. A tag\n"
    "whose keys are not in the keystore is left untouched. --uid names a\n"
    "tag that hides its UID (Random ID), confirmed by GetCardUID.\n";

int
cmd_reset(int argc, char **argv)
{
	struct prov_opts	 o;
	struct prov_ctx		 c;
	ntag424_prov_report_t	 rep;
	ntag424_dev_t		*dev = NULL;
	int			 st, rc;

	o.cmd = "reset";
	if ((st = prov_parse(argc, argv, &o, usage_text)) >= 0)
		return st;
	if ((st = prov_ctx_open(&c, &o, false)) != 0)
		goto out;
	st = 1;
	if (cli_open(o.reader, &dev) != NTAG424_OK)
		goto out;
	ntag424_dev_set_trace(dev, o.trace);
	rc = ntag424_prov_reset(c.p, dev, &rep);
	if (o.dry_run && rc == NTAG424_OK && !o.json)
		prov_print_plan("plan", &rep);
	st = prov_print(&o, &rep, rc, o.dry_run ? "dry run, nothing changed" :
	    rep.changed ? "reset to factory" : "already factory, nothing "
	    "changed");
out:
	ntag424_dev_free(&dev);
	prov_ctx_close(&c);
	return st;
}
