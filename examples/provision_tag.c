/*
 * Provision one tag with the engine and a keystore, using only the
 * installed libntag424:
 *
 *   provision_tag KEYSTORE KEK_FILE BASE_URL [READER]
 *
 * Takes the tag on READER (or the first reader with a tag) from factory
 * state to the "game-coin" preset: five new random keys, stored sealed in
 * KEYSTORE (an SQLite file or a postgresql:// URI) under the key in
 * KEK_FILE (created when the keystore is new: back it up), and a SUN URL
 * BASE_URL?picc=...&cmac=... A run that was interrupted is finished; a tag
 * already provisioned is left alone.
 *
 * Build: cc provision_tag.c $(pkg-config --cflags --libs ntag424)
 */
#include <stdio.h>
#include <string.h>

#include <ntag424.h>
#include <ntag424/keystore.h>
#include <ntag424/ksstore.h>
#include <ntag424/provision.h>

static int
run(ntag424_ks_t *ks, const char *url, const char *reader)
{
	ntag424_prov_plan_t plan;
	ntag424_prov_report_t rep;
	ntag424_ks_store_t *s = NULL;
	ntag424_prov_t *p = NULL;
	ntag424_dev_t *dev = NULL;
	int r;

	memset(&rep, 0, sizeof(rep));
	if ((r = ntag424_prov_preset("game-coin", url, &plan)) != NTAG424_OK)
		goto out;
	r = NTAG424_ERR_NOMEM;
	if ((p = ntag424_prov_new()) == NULL || (dev = ntag424_dev_new()) ==
	    NULL || (s = ntag424_ks_store_new(ks, NTAG424_KS_SRC_RANDOM)) ==
	    NULL)
		goto out;
	if ((r = ntag424_ks_store_attach(s, p)) != NTAG424_OK ||
	    (r = ntag424_prov_set_plan(p, &plan)) != NTAG424_OK ||
	    (r = ntag424_dev_open_pcsc(dev, reader)) != NTAG424_OK)
		goto out;
	r = ntag424_prov_provision(p, dev, &rep);
out:
	if (r == NTAG424_OK)
		printf("%s: %s\n", ntag424_prov_found_name(rep.found),
		    rep.changed ? "provisioned" : "left alone");
	else if (rep.message[0] != '\0')
		fprintf(stderr, "provision_tag: %s %s\n", rep.message,
		    rep.hint);
	else
		fprintf(stderr, "provision_tag: %s\n", ntag424_strerror(r));
	ntag424_dev_free(&dev);
	ntag424_prov_free(&p);
	ntag424_ks_store_free(&s);
	return r == NTAG424_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct ntag424_ks_opts o;
	ntag424_ks_t *ks;
	int r, status;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: provision_tag KEYSTORE KEK_FILE "
		    "BASE_URL [READER]\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.db = argv[1];
	o.kek_file = argv[2];
	if ((ks = ntag424_ks_new()) == NULL) {
		fprintf(stderr, "provision_tag: out of memory\n");
		return 1;
	}
	if ((r = ntag424_ks_open(ks, &o)) != NTAG424_OK) {
		fprintf(stderr, "provision_tag: %s\n", ntag424_ks_errmsg(ks));
		ntag424_ks_free(&ks);
		return 1;
	}
	if (ntag424_ks_kek_created(ks) != NULL)
		fprintf(stderr, "provision_tag: new key-encryption key in %s: "
		    "back it up\n", ntag424_ks_kek_created(ks));
	status = run(ks, argv[3], argc == 5 ? argv[4] : NULL);
	ntag424_ks_free(&ks);
	return status;
}
