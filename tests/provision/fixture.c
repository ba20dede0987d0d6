/* SPDX-License-Identifier: BSD-2-Clause */
/* Test fixture for the provisioning engine (see fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/emu_io.h"
#include "fixture.h"
#include "test.h"

static char	tmp[256];
static char	main_db[512];
static char	kek[300];
static int	serial;

void
fx_setup(int argc, char **argv)
{
	snprintf(tmp, sizeof(tmp), "%s/prov-test.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(kek, sizeof(kek), "%s/kek", tmp);
	if (argc > 1)
		snprintf(main_db, sizeof(main_db), "%s", argv[1]);
}

void
fx_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
}

const char *
fx_tmp(void)
{
	return tmp;
}

static ntag424_ks_t *
open_ks(const char *db)
{
	struct ntag424_ks_opts	 o = { db, kek, 0, 2000 };
	ntag424_ks_t		*ks = ntag424_ks_new();

	if (ks == NULL || ntag424_ks_open(ks, &o) != NTAG424_OK) {
		fprintf(stderr, "keystore %s: %s\n", db,
		    ks != NULL ? ntag424_ks_errmsg(ks) : "out of memory");
		exit(1);
	}
	return ks;
}

static void
attach_ks(struct fx *f, const char *db, int source)
{
	if (db != NULL)
		snprintf(f->db, sizeof(f->db), "%s", db);
	else if (main_db[0] != '\0')
		snprintf(f->db, sizeof(f->db), "%s", main_db);
	else
		snprintf(f->db, sizeof(f->db), "%s/ks%d.db", tmp, ++serial);
	f->ks = open_ks(f->db);
	if (ksprov_init(&f->sp, f->ks, source) != NTAG424_OK ||
	    ntag424_prov_set_store(f->p, ksprov_ops(), &f->sp) != NTAG424_OK)
		abort();
}

void
fx_init(struct fx *f, const char *db, const char *preset, int source)
{
	ntag424_prov_plan_t plan;

	memset(f, 0, sizeof(*f));
	if ((f->p = ntag424_prov_new()) == NULL ||
	    (f->emu = emu_new(NULL)) == NULL ||
	    (f->dev = ntag424_dev_new()) == NULL ||
	    ntag424_emu_attach(f->dev, f->emu) != NTAG424_OK)
		abort();
	attach_ks(f, db, source);
	if (preset != NULL) {
		if (ntag424_prov_preset(preset, strcmp(preset,
		    "game-coin") == 0 ? "https://coins.example/c" : NULL,
		    &plan) != NTAG424_OK ||
		    ntag424_prov_set_plan(f->p, &plan) != NTAG424_OK)
			abort();
	}
}

void
fx_switch_ks(struct fx *f, const char *db)
{
	ntag424_ks_free(&f->ks);
	attach_ks(f, db, NTAG424_KS_SRC_RANDOM);
}

void
fx_free(struct fx *f)
{
	ntag424_dev_free(&f->dev);
	emu_free(&f->emu);
	ntag424_prov_free(&f->p);
	ntag424_ks_free(&f->ks);
}

int
fx_provision(struct fx *f)
{
	return ntag424_prov_provision(f->p, f->dev, &f->rep);
}

int
fx_reset(struct fx *f)
{
	return ntag424_prov_reset(f->p, f->dev, &f->rep);
}

int
fx_check(struct fx *f)
{
	return ntag424_prov_check(f->p, f->dev, &f->rep);
}

void
fx_represent(struct fx *f)
{
	(void)ntag424_dev_reconnect(f->dev);
}

static int
key_agrees(struct fx *f, const uint8_t *uid, int k)
{
	const emu_persist_t		*ep = emu_persist_const(f->emu);
	struct ntag424_ks_keyinfo	 info;
	uint8_t				 key[16];
	int				 r, ok;

	memset(&info, 0, sizeof(info));
	r = ntag424_ks_key_get(f->ks, uid, k, NTAG424_KS_CURRENT, key, &info);
	if (r == NTAG424_ERR_NOT_FOUND)
		memset(key, 0, sizeof(key));
	else if (r != NTAG424_OK)
		return 0;
	ok = memcmp(key, ep->key[k], 16) == 0 && info.version == ep->key_ver[k];
	if (ntag424_ks_key_info(f->ks, uid, k, NTAG424_KS_PENDING_SLOT,
	    &info) != NTAG424_ERR_NOT_FOUND)
		ok = 0;
	if (!ok)
		fprintf(stderr, "  key %d: keystore and tag disagree\n", k);
	return ok;
}

int
fx_agrees(struct fx *f, int want_status)
{
	const emu_persist_t	*ep = emu_persist_const(f->emu);
	struct ntag424_ks_tag	 t;
	int			 ok = 1;

	if (ntag424_ks_tag_get(f->ks, ep->uid, &t) != NTAG424_OK) {
		fprintf(stderr, "  tag not in the keystore\n");
		return 0;
	}
	for (int k = 0; k < NTAG424_KS_NKEYS; k++)
		ok &= key_agrees(f, ep->uid, k);
	if (t.status != want_status) {
		fprintf(stderr, "  status %s, expected %s\n",
		    ntag424_ks_status_name(t.status),
		    ntag424_ks_status_name(want_status));
		ok = 0;
	}
	return ok;
}

void
fx_dump(const struct fx *f)
{
	const ntag424_prov_report_t *r = &f->rep;

	fprintf(stderr, "  found %s, step '%s': %s\n  hint: %s\n",
	    ntag424_prov_found_name(r->found), r->step, r->message, r->hint);
	for (size_t i = 0; i < r->nsteps; i++)
		fprintf(stderr, "    %-40s %u\n", r->steps[i].what,
		    r->steps[i].apdus);
}
