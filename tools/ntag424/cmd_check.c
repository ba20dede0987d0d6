/* SPDX-License-Identifier: BSD-2-Clause */
/* ntag424 check: verify a provisioned tag like a phone, then key 0. */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "prov_cli.h"

static const char usage_text[] =
    "usage: ntag424 check [--reader NAME] [--db DB] [--kek-file F] "
    "[--json]\n"
    "                     [--uid UID]\n"
    "\n"
    "Read the tag's NDEF in plain without authenticating, as a phone\n"
    "does, verify its SUN URL with the keys in the keystore, then\n"
    "authenticate once with the stored key 0. Changes nothing but the\n"
    "tag's read counter, and records that counter as used in the\n"
    "keystore: the verifier answers the URL printed here 'replay'.\n"
    "--uid names a tag that hides its UID (Random ID), confirmed by\n"
    "GetCardUID after authenticating.\n";

int
cmd_check(int argc, char **argv)
{
	struct prov_opts	 o;
	struct prov_ctx		 c;
	ntag424_prov_report_t	 rep;
	ntag424_dev_t		*dev = NULL;
	int			 st, rc;

	o.cmd = "check";
	if ((st = prov_parse(argc, argv, &o, usage_text)) >= 0)
		return st;
	if ((st = prov_ctx_open(&c, &o, false)) != 0)
		goto out;
	st = 1;
	if (cli_open(o.reader, &dev) != NTAG424_OK)
		goto out;
	ntag424_dev_set_trace(dev, o.trace);
	rc = ntag424_prov_check(c.p, dev, &rep);
	st = prov_print(&o, &rep, rc, "verified: SUN URL valid, key 0 "
	    "authenticates");
out:
	ntag424_dev_free(&dev);
	prov_ctx_close(&c);
	return st;
}
