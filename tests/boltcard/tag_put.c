/*
 * Test helper: record a tag as another tool would have left it, its keys
 * known to the user (a Boltcard wipe JSON, a CSV), in a keystore:
 *   tag_put DB KEK UID NAME TEMPLATE VERSION [STATUS]
 * reads the five keys k0..k4 as hex, one a line, from stdin (never argv),
 * and stores them as the tag's current keys with key version VERSION, the
 * tag with NAME and TEMPLATE and STATUS (default provisioned; "factory"
 * for keys known but the tag not yet taken over, as an import leaves
 * it). Exit 0, or 1 with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "ntag424/keystore.h"
#include "ntag424/err.h"

static int
fail(const char *what, int r, ntag424_ks_t *ks)
{
	fprintf(stderr, "tag_put: %s: %s\n", what, ks != NULL &&
	    ntag424_ks_errmsg(ks)[0] != '\0' ? ntag424_ks_errmsg(ks) :
	    ntag424_strerror(r));
	return 1;
}

static int
read_keys(uint8_t keys[NTAG424_KS_NKEYS][NTAG424_KS_KEY_LEN])
{
	char line[80];

	for (int k = 0; k < NTAG424_KS_NKEYS; k++) {
		if (fgets(line, sizeof(line), stdin) == NULL)
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		if (hex_decode_str(line, keys[k], NTAG424_KS_KEY_LEN) != 0)
			return -1;
	}
	wipe(line, sizeof(line));
	return 0;
}

static int
put(ntag424_ks_t *ks, const uint8_t *uid, char **argv,
    uint8_t keys[NTAG424_KS_NKEYS][NTAG424_KS_KEY_LEN], uint8_t version)
{
	int r;

	if ((r = ntag424_ks_tag_create(ks, uid)) != 0 ||
	    (r = ntag424_ks_tag_set_plan(ks, uid, argv[4], argv[5],
	    NTAG424_KS_SRC_RANDOM, 0)) != 0)
		return fail("record tag", r, ks);
	for (int k = 0; k < NTAG424_KS_NKEYS; k++)
		if ((r = ntag424_ks_key_intend(ks, uid, k, keys[k],
		    version)) != 0 ||
		    (r = ntag424_ks_key_mark_sent(ks, uid, k)) != 0 ||
		    (r = ntag424_ks_key_applied(ks, uid, k)) != 0)
			return fail("store key", r, ks);
	if ((r = ntag424_ks_tag_set_status(ks, uid, argv[7] == NULL ?
	    NTAG424_KS_PROVISIONED : ntag424_ks_status_parse(argv[7]))) != 0)
		return fail("status", r, ks);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ntag424_ks_opts	 o;
	ntag424_ks_t		*ks;
	uint8_t			 uid[NTAG424_KS_UID_LEN];
	uint8_t			 keys[NTAG424_KS_NKEYS][NTAG424_KS_KEY_LEN];
	int			 r, rc = 1;

	if ((argc != 7 && argc != 8) || hex_decode_str(argv[3], uid, sizeof(uid)) != 0 ||
	    atoi(argv[6]) < 0 || atoi(argv[6]) > 255) {
		fprintf(stderr, "usage: tag_put DB KEK UID NAME TEMPLATE "
		    "VERSION [STATUS] < five hex keys\n");
		return 2;
	}
	if (read_keys(keys) != 0) {
		fprintf(stderr, "tag_put: stdin: five lines of 32 hex digits\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.db = argv[1];
	o.kek_file = argv[2];
	if ((ks = ntag424_ks_new()) == NULL)
		rc = fail("keystore", NTAG424_ERR_NOMEM, NULL);
	else if ((r = ntag424_ks_open(ks, &o)) != NTAG424_OK)
		rc = fail("open keystore", r, ks);
	else
		rc = put(ks, uid, argv, keys, (uint8_t)atoi(argv[6]));
	wipe(keys, sizeof(keys));
	ntag424_ks_free(&ks);
	return rc;
}
