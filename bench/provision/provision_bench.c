/*
 * provision_bench: C-APDUs and bytes exchanged by provision, check, tap
 * and reset for each preset (in-process emulated tag, SQLite keystore in
 * a temporary directory), next to the sequence seed 000 lists.
 *
 * Every C-APDU costs tens of milliseconds on an ACR122U (frame exchange,
 * USB round trip) and widens the window in which a tag can be torn; the
 * time column assumes 30 ms per C-APDU, a figure to compare, not a claim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/emu.h"
#include "emu/emu_io.h"
#include "ntag424/keystore.h"
#include "ntag424.h"
#include "ntag424/provision.h"
#include "provision/ksprov.h"

#define MS_PER_APDU	30

/*
 * Seed 000 "Complete Sequence Diagram": SelectPiccApplication 1,
 * GetChipVersion 3, GetFileSettings 1, GetKeyVersion 0/1/3 3; session 1:
 * auth 2, ChangeKey 0 1; session 2: auth 2, ChangeKey 1 and 3 2;
 * session 3: auth 2, ChangeFileSettings 1; ISOSelectFile 1,
 * ISOUpdateBinary 4. No verification.
 */
static const struct { const char *what; unsigned n; } seed000[] = {
	{ "select", 1 }, { "GetVersion", 3 }, { "GetFileSettings", 1 },
	{ "GetKeyVersion", 3 }, { "session 1", 3 }, { "session 2", 4 },
	{ "session 3", 3 }, { "ISO NDEF write", 5 },
};

static char	tmp[256];

static void
row(const char *preset, const char *op, const ntag424_prov_report_t *r)
{
	printf("%-14s %-10s %6zu %7zu %8zu ms\n", preset, op, r->apdus,
	    r->bytes, r->apdus * MS_PER_APDU);
}

static int
bench_preset(const char *preset, int source, int n)
{
	char			 db[300], kek[300];
	struct ntag424_ks_opts	 o = { db, kek, 0, 0 };
	ntag424_ks_t		*ks = ntag424_ks_new();
	ntag424_prov_t		*p = ntag424_prov_new();
	ntag424_dev_t		*dev = ntag424_dev_new();
	emu_t			*emu = emu_new(NULL);
	ntag424_prov_plan_t	 plan;
	ntag424_prov_report_t	 rep;
	struct ksprov		 sp;
	int			 sc = strcmp(preset, "self-checkout") == 0;
	int			 r = 1;

	snprintf(db, sizeof(db), "%s/ks%d.db", tmp, n);
	snprintf(kek, sizeof(kek), "%s/kek", tmp);
	if (ks == NULL || p == NULL || dev == NULL || emu == NULL ||
	    ntag424_ks_open(ks, &o) != NTAG424_OK ||
	    ntag424_emu_attach(dev, emu) != NTAG424_OK ||
	    ksprov_init(&sp, ks, source) != NTAG424_OK ||
	    ntag424_prov_set_store(p, ksprov_ops(), &sp) != NTAG424_OK ||
	    ntag424_prov_preset(preset, sc ? NULL : "https://coins.example/c",
	    &plan) != NTAG424_OK || ntag424_prov_set_plan(p, &plan) !=
	    NTAG424_OK)
		goto out;
	if (ntag424_prov_provision(p, dev, &rep) != NTAG424_OK)
		goto out;
	row(preset, "provision", &rep);
	(void)ntag424_dev_reconnect(dev);	/* a new connection, as the CLI */
	if (ntag424_prov_check(p, dev, &rep) != NTAG424_OK)
		goto out;
	row(preset, "check", &rep);
	(void)ntag424_dev_reconnect(dev);
	if (ntag424_prov_reset(p, dev, &rep) != NTAG424_OK)
		goto out;
	row(preset, "reset", &rep);
	r = 0;
out:
	if (r != 0)
		fprintf(stderr, "provision_bench: %s failed: %s\n", preset,
		    rep.message);
	ntag424_dev_free(&dev);
	emu_free(&emu);
	ntag424_prov_free(&p);
	ntag424_ks_free(&ks);
	return r;
}

int
main(void)
{
	unsigned	total = 0;
	char		cmd[300];
	int		r;

	snprintf(tmp, sizeof(tmp), "/tmp/provision_bench.XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	printf("%-14s %-10s %6s %7s %11s\n", "preset", "operation", "APDUs",
	    "bytes", "at 30 ms");
	r = bench_preset("game-coin", NTAG424_KS_SRC_RANDOM, 1) |
	    bench_preset("self-checkout", NTAG424_KS_SRC_DIVERSIFIED, 2);
	for (size_t i = 0; i < sizeof(seed000) / sizeof(seed000[0]); i++)
		total += seed000[i].n;
	printf("%-14s %-10s %6u %7s %8u ms   (listed, no verification)\n",
	    "seed 000", "provision", total, "-", total * MS_PER_APDU);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "provision_bench: could not remove %s\n", tmp);
	return r;
}
