/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 adopt: take over a tag another tool provisioned, its keys in the
 * keystore, as it is (or, with --reprovision, on to provisio's keys and
 * layout through reset and provision).
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "prov_cli.h"

static const char usage_text[] =
    "usage: ntag424 adopt [--reader NAME] [--db DB] [--kek-file F]\n"
    "                     [--uid UID] [--dry-run] [--json] [--trace]\n"
    "       ntag424 adopt --reprovision --preset NAME [--url URL] | "
    "--template T\n"
    "                     [provision's key options] [--reader NAME] ...\n"
    "\n"
    "Take over the tag on the reader, provisioned by another tool, whose\n"
    "keys are in the keystore (imported): authenticate once with key 0,\n"
    "once with each other key its file settings name, read its NDEF and\n"
    "SDM settings, verify its SUN URL with the stored SDM keys, and record\n"
    "it as provisioned with the template they imply, without writing to\n"
    "the tag. check, tap, sun verify --uid and the verifier then work for\n"
    "it, and reset takes it back to factory. A wrong stored key stops at\n"
    "its first refused authentication, the tag untouched.\n"
    "--reprovision goes on: reset, then provision with the given preset\n"
    "or template (journaled, resumable like provision).\n";

static int
reprovision(struct prov_ctx *c, const struct prov_opts *o, ntag424_dev_t *dev)
{
	ntag424_prov_report_t	rep;
	int			rc, st;

	rc = ntag424_prov_reset(c->p, dev, &rep);
	if ((st = prov_print(o, &rep, rc, "reset to factory")) != 0)
		return st;
	rc = ntag424_prov_provision(c->p, dev, &rep);
	return prov_print(o, &rep, rc, "provisioned");
}

int
cmd_adopt(int argc, char **argv)
{
	struct prov_opts	 o;
	struct prov_ctx		 c;
	ntag424_prov_report_t	 rep;
	ntag424_dev_t		*dev = NULL;
	int			 st, rc, source;

	o.cmd = "adopt";
	if ((st = prov_parse(argc, argv, &o, usage_text)) >= 0)
		return st;
	if (!o.reprovision && (o.preset != NULL || o.tmpl != NULL ||
	    o.keys != NULL || o.cohort != NULL || o.meta_key != NULL ||
	    o.anyone_write || o.random_uid)) {
		fprintf(stderr, "ntag424 adopt: --preset, --template and the "
		    "key and layout options are for --reprovision; adopt alone "
		    "keeps the tag's keys and layout\n");
		return EXIT_USAGE;
	}
	if ((st = prov_ctx_open(&c, &o, o.reprovision != 0)) != 0)
		goto out;
	st = 1;
	if (cli_open(o.reader, &dev) != NTAG424_OK)
		goto out;
	ntag424_dev_set_trace(dev, o.trace);
	/* The adopted keys are stored ones, whatever --reprovision's source. */
	source = c.sp.source;
	c.sp.source = NTAG424_KS_SRC_RANDOM;
	rc = ntag424_prov_adopt(c.p, dev, o.reprovision != 0, &rep);
	c.sp.source = source;
	st = prov_print(&o, &rep, rc, o.dry_run ? "dry run, nothing changed" :
	    "adopted");
	if (st == 0 && o.reprovision && !o.dry_run)
		st = reprovision(&c, &o, dev);
out:
	ntag424_dev_free(&dev);
	prov_ctx_close(&c);
	return st;
}
