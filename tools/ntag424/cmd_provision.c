/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 provision: make factory tags ours, one or a batch, resuming
 * interrupted runs (the engine: include/ntag424/provision.h).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "common/hex.h"
#include "prov_cli.h"

static const char usage_text[] =
    "usage: ntag424 provision --preset NAME [--url URL] | --template T\n"
    "                         [--keys random|diversified] [--cohort NAME]\n"
    "                         [--meta-key cohort|per-tag] "
    "[--anyone-can-write] [--lrp]\n"
    "                         [--reader NAME] [--db DB] [--kek-file F]\n"
    "                         [--dry-run] [--json] "
    "[--batch [--count N] [--timeout SECS]]\n"
    "                         [--random-uid [--yes]] [--uid UID] "
    "[--trace]\n"
    "\n"
    "Give the tag on the reader new keys 0..4, its NDEF URL template and\n"
    "SDM, in an order that survives the tag being pulled away at any\n"
    "moment: run the same command again to finish an interrupted tag.\n"
    "Presets: game-coin (needs --url; random keys by default),\n"
    "self-checkout (88-byte NDEF; diversified keys by default).\n"
    "Anyone may read the NDEF file; only key 0 may write it.\n"
    "  --cohort NAME   the SDM meta-read key (key 1) is the key of this\n"
    "                  cohort, shared by its tags (default: the preset's\n"
    "                  name, or template-<16 hex digits of SHA-256 of T>)\n"
    "  --meta-key per-tag  every tag its own meta-read key instead; the\n"
    "                  verifier must then try every such key on each tap\n"
    "  --anyone-can-write  leave the NDEF file's ReadWrite right free\n"
    "                  (AccessRights E0 E0): anyone can rewrite the URL\n"
    "  --lrp           switch the tag to LRP mode (NXP's leakage\n"
    "                  resilient cipher suite) before writing its SDM;\n"
    "                  CANNOT BE UNDONE: reset keeps the tag in LRP mode.\n"
    "                  A tag already in LRP mode needs nothing for it.\n"
    "The URL read to verify the tag is recorded as used: the verifier\n"
    "answers it 'replay'. --dry-run prints the plan and its C-APDU count\n"
    "and changes nothing. --batch provisions tag after tag until\n"
    "interrupted (Ctrl-C finishes the current tag) or --count N.\n"
    "  --keys boltcard --issuer-key @FILE  (--preset boltcard) the keys of\n"
    "                  the Boltcard specification from an issuer key\n"
    "  --random-uid    turn on Random ID at the end: PERMANENT, the tag\n"
    "                  hides its UID from every reader for good (asks, or\n"
    "                  --yes); later commands name it with --uid UID\n"
    "  --uid UID       the tag on the reader hides its UID: take it to be\n"
    "                  UID, confirmed by GetCardUID after authenticating\n";

static const char rid_warning[] =
    "Random ID is PERMANENT on a real tag: it will hide its UID from every "
    "reader for good, and provisio will need --uid UID to find it";

/* Random ID cannot be undone: a dry run says so, a real run is confirmed. */
static int
confirm_random_uid(const struct prov_opts *o)
{
	char line[16];

	if (!o->random_uid)
		return 0;
	if (o->dry_run || o->yes) {
		fprintf(stderr, "ntag424 provision: warning: --random-uid: %s%s\n",
		    rid_warning, o->dry_run ? " (this dry run changes nothing)" :
		    "");
		return 0;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "ntag424 provision: --random-uid: %s; confirm "
		    "with --yes\n", rid_warning);
		return EXIT_USAGE;
	}
	fprintf(stderr, "%s. Type yes to go on: ", rid_warning);
	if (fgets(line, sizeof(line), stdin) != NULL &&
	    strcmp(line, "yes\n") == 0)
		return 0;
	fprintf(stderr, "ntag424 provision: not confirmed, nothing changed\n");
	return 1;
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *
done_word(const struct prov_opts *o, const ntag424_prov_report_t *rep)
{
	if (o->dry_run)
		return "dry run, nothing changed";
	if (!rep->changed && rep->found == NTAG424_PROV_FOUND_OURS)
		return "already provisioned, nothing changed";
	return rep->resumed || rep->found == NTAG424_PROV_FOUND_PARTIAL ?
	    "provisioned (interrupted run finished)" : "provisioned";
}

static int
provision_one(struct prov_ctx *c, const struct prov_opts *o,
    ntag424_prov_report_t *rep, int *rc)
{
	ntag424_dev_t *dev;

	if (cli_open(o->reader, &dev) != NTAG424_OK)
		return 1;
	ntag424_dev_set_trace(dev, o->trace);
	*rc = ntag424_prov_provision(c->p, dev, rep);
	ntag424_dev_free(&dev);
	if (o->dry_run && *rc == NTAG424_OK && !o->json) {
		prov_print_plan("plan", rep);
		if (o->lrp)
			printf("note: --lrp switches the tag to LRP mode for "
			    "good (skipped if it is in LRP mode already)\n");
	}
	return prov_print(o, rep, *rc, done_word(o, rep));
}

struct batch {
	unsigned long	done, already, failed;
	uint8_t		interrupted[NTAG424_UID_LEN];
	bool		has_interrupted;
};

/* Wait for a tag (present) or for the field to be empty; 0 or an error. */
static int
wait_tag(const struct prov_opts *o, bool present)
{
	unsigned long	waited = 0;
	int		r, glitches = 0;

	while (!stop) {
		r = ntag424_pcsc_wait_card(o->reader, present, 500);
		/* A tag torn away can leave the reader briefly confused. */
		if ((r == NTAG424_ERR_TX || r == NTAG424_ERR_PCSC) &&
		    ++glitches < 20) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			(void)nanosleep(&ts, NULL);
			continue;
		}
		if (r != NTAG424_ERR_TIMEOUT)
			return r;
		waited += 500;
		if (present && o->timeout != 0 && waited >= o->timeout * 1000)
			return NTAG424_ERR_TIMEOUT;
	}
	return NTAG424_ERR_TIMEOUT;
}

static void
note_swap(struct batch *b, const ntag424_prov_report_t *rep, int rc)
{
	char a[2 * NTAG424_UID_LEN + 1], n[2 * NTAG424_UID_LEN + 1];

	if (!rep->has_uid)
		return;
	if (b->has_interrupted &&
	    memcmp(b->interrupted, rep->uid, NTAG424_UID_LEN) != 0) {
		hex_encode(b->interrupted, NTAG424_UID_LEN, a);
		hex_encode(rep->uid, NTAG424_UID_LEN, n);
		fprintf(stderr, "ntag424 provision: tag %s was taken away "
		    "mid-run and tag %s came instead; %s stays pending (its "
		    "keys are journaled): present it again to finish it\n", a,
		    n, a);
	} else if (b->has_interrupted && rc == NTAG424_OK)
		b->has_interrupted = false;
	if (rc != NTAG424_OK && rep->changed) {
		memcpy(b->interrupted, rep->uid, NTAG424_UID_LEN);
		b->has_interrupted = true;
	}
}

static int
batch_run(struct prov_ctx *c, const struct prov_opts *o)
{
	ntag424_prov_report_t	rep;
	struct batch		b;
	struct sigaction	sa;
	int			r, rc;

	memset(&b, 0, sizeof(b));
	setvbuf(stdout, NULL, _IOLBF, 0);	/* one line per tag, now */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	while (!stop && (o->count == 0 || b.done + b.already + b.failed <
	    o->count)) {
		fprintf(stderr, "batch: %lu provisioned, %lu already, %lu "
		    "failed; waiting for a tag...\n", b.done, b.already,
		    b.failed);
		if ((r = wait_tag(o, true)) != NTAG424_OK) {
			if (!stop)
				cli_error("waiting for a tag", r);
			break;
		}
		rc = NTAG424_ERR_INTERNAL;
		(void)provision_one(c, o, &rep, &rc);
		note_swap(&b, &rep, rc);
		if (rc != NTAG424_OK)
			b.failed++;
		else if (!rep.changed)
			b.already++;
		else
			b.done++;
		if ((r = wait_tag(o, false)) != NTAG424_OK && !stop) {
			cli_error("waiting for the tag to leave", r);
			break;
		}
	}
	printf("batch summary: %lu provisioned, %lu already provisioned, "
	    "%lu failed\n", b.done, b.already, b.failed);
	return b.failed == 0 && (o->count == 0 || b.done + b.already ==
	    o->count) ? 0 : 1;
}

int
cmd_provision(int argc, char **argv)
{
	struct prov_opts	o;
	struct prov_ctx		c;
	ntag424_prov_report_t	rep;
	int			st, rc;

	o.cmd = "provision";
	if ((st = prov_parse(argc, argv, &o, usage_text)) >= 0)
		return st;
	if ((st = confirm_random_uid(&o)) != 0)
		return st;
	if ((st = prov_ctx_open(&c, &o, true)) == 0)
		st = o.batch ? batch_run(&c, &o) :
		    provision_one(&c, &o, &rep, &rc);
	prov_ctx_close(&c);
	return st;
}
