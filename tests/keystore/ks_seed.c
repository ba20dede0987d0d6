/*
 * Seed a keystore for the CLI test: ks_seed DB KEKFILE makes tag
 * 04112233445566 provisioned with current key 0 and a sent (maybe
 * applied) key 1, two journal entries, and a master key.
 */
#include <stdio.h>
#include <string.h>

#include "ntag424/keystore.h"
#include "ntag424/err.h"

static const uint8_t uid[7] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
/* The CLI test greps for these two keys. */
static const uint8_t key0[16] = { 0x5A, 0x17, 0xC3, 0x99, 0x01, 0xEE, 0x42,
    0x7D, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80 };
static const uint8_t key1[16] = { 0xA5, 0xE8, 0x3C, 0x66, 0xFE, 0x11, 0xBD,
    0x82, 0xEF, 0xDF, 0xCF, 0xBF, 0xAF, 0x9F, 0x8F, 0x7F };

static int
seed(ntag424_ks_t *ks)
{
	struct ntag424_ks_journal_entry	e;
	uint8_t				m[16];
	uint32_t			v;
	int				r, created;

	memset(&e, 0, sizeof(e));
	memcpy(e.uid, uid, sizeof(uid));
	strcpy(e.step, "ChangeKey");
	strcpy(e.outcome, "ok");
	e.keyno = 0;
	if ((r = ntag424_ks_tag_create(ks, uid)) != 0 ||
	    (r = ntag424_ks_tag_set_plan(ks, uid, "game-coin",
	    "https://coins.example/c?picc={picc}&cmac={mac}",
	    NTAG424_KS_SRC_RANDOM, 0)) != 0 ||
	    (r = ntag424_ks_key_intend(ks, uid, 0, key0, 1)) != 0 ||
	    (r = ntag424_ks_key_mark_sent(ks, uid, 0)) != 0 ||
	    (r = ntag424_ks_key_applied(ks, uid, 0)) != 0 ||
	    (r = ntag424_ks_key_intend(ks, uid, 1, key1, 1)) != 0 ||
	    (r = ntag424_ks_key_mark_sent(ks, uid, 1)) != 0 ||
	    (r = ntag424_ks_run_id_new(e.run_id)) != 0 ||
	    (r = ntag424_ks_journal_append(ks, &e)) != 0)
		return r;
	e.keyno = 1;
	e.sw = 0x91AE;
	strcpy(e.outcome, "failed");
	if ((r = ntag424_ks_journal_append(ks, &e)) != 0 ||
	    (r = ntag424_ks_tag_set_status(ks, uid, NTAG424_KS_PROVISIONED)) != 0)
		return r;
	return ntag424_ks_master_latest(ks, m, &v, &created);
}

int
main(int argc, char **argv)
{
	struct ntag424_ks_opts	 o = { NULL, NULL, 0, 0 };
	ntag424_ks_t		*ks;
	int			 r;

	if (argc != 3) {
		fprintf(stderr, "usage: ks_seed DB KEKFILE\n");
		return 2;
	}
	o.db = argv[1];
	o.kek_file = argv[2];
	if ((ks = ntag424_ks_new()) == NULL)
		return 1;
	if ((r = ntag424_ks_open(ks, &o)) == 0)
		r = seed(ks);
	if (r != 0)
		fprintf(stderr, "ks_seed: %s\n", ntag424_ks_errmsg(ks));
	ntag424_ks_free(&ks);
	return r != 0;
}
