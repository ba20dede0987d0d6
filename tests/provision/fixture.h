/*
 * Test fixture for the provisioning engine: an in-process emulated tag,
 * libntag424 on top of it, and a real keystore (a fresh SQLite file in a
 * temporary directory, or the PostgreSQL given on the command line).
 */
#ifndef PROVISIO_TEST_PROV_FIXTURE_H
#define PROVISIO_TEST_PROV_FIXTURE_H

#include <stdbool.h>

#include "emu/emu.h"
#include "ntag424/keystore.h"
#include "ntag424.h"
#include "ntag424/provision.h"
#include "provision/ksprov.h"

struct fx {
	ntag424_ks_t		*ks;
	struct ksprov		 sp;
	ntag424_prov_t		*p;
	emu_t			*emu;	/* borrowed by dev */
	ntag424_dev_t		*dev;
	ntag424_prov_report_t	 rep;
	char			 db[512];
};

/* Temporary directory and the database under test (argv[1] or SQLite). */
void fx_setup(int argc, char **argv);
void fx_teardown(void);
const char *fx_tmp(void);

/* A factory tag (random UID) and a keystore: db NULL = fresh SQLite file. */
void fx_init(struct fx *f, const char *db, const char *preset, int source);
/* Use another keystore for the same tag (e.g. a foreign one). */
void fx_switch_ks(struct fx *f, const char *db);
void fx_free(struct fx *f);

int fx_provision(struct fx *f);
int fx_reset(struct fx *f);
int fx_check(struct fx *f);
/* Take the tag out of the field and back (after a tear). */
void fx_represent(struct fx *f);

/*
 * 1 if the keystore agrees with the tag: for every key the stored current
 * key (factory zero if none) and version are the tag's, no pending key
 * is left, and the status is want.
 */
int fx_agrees(struct fx *f, int want_status);

/* Print the report when a check fails. */
void fx_dump(const struct fx *f);

#endif
