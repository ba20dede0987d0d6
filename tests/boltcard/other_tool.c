/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helper: provision the factory tag on READER as another tool would
 * (the Boltcard NFC Programmer app, a script), not through provisio's
 * engine and its keystore:
 *   other_tool READER TEMPLATE META FILE CTR VERSION < five hex keys
 * writes the NDEF of TEMPLATE with SDM (meta-read key META, file-read key
 * FILE, counter key CTR, each 0-4, or 14 for E), then keys 1..4 and key 0
 * (read from stdin, one a line) with key version VERSION. Exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "ntag424.h"
#include "ntag424/template.h"

static int
fail(const char *what, int r)
{
	fprintf(stderr, "other_tool: %s: %s (%s)\n", what, ntag424_strerror(r),
	    ntag424_errname(r));
	return 1;
}

static int
program(ntag424_dev_t *dev, const ntag424_template_t *t,
    uint8_t keys[5][16], uint8_t version)
{
	static const uint8_t	zero[16];
	int			r;

	if ((r = ntag424_select_application(dev)) != 0 ||
	    (r = ntag424_auth_ev2_first(dev, 0, zero)) != 0)
		return fail("authenticate", r);
	if ((r = ntag424_data_write(dev, NTAG424_FILE_NDEF, NTAG424_COMM_PLAIN,
	    0, ntag424_template_ndef_ptr(t), ntag424_template_ndef_len(t))) !=
	    0 || (r = ntag424_file_settings_change(dev, NTAG424_FILE_NDEF,
	    ntag424_template_settings(t))) != 0)
		return fail("NDEF", r);
	for (uint8_t k = 1; k <= 5; k++)
		if ((r = ntag424_key_change(dev, k % 5, keys[k % 5], version,
		    k % 5 == 0 ? NULL : zero)) != 0)
			return fail("ChangeKey", r);
	return 0;
}

int
main(int argc, char **argv)
{
	ntag424_template_opts_t	 o;
	ntag424_template_t	*t = NULL;
	ntag424_dev_t		*dev = NULL;
	uint8_t			 keys[5][16];
	char			 line[80];
	int			 r, rc = 1;

	if (argc != 7) {
		fprintf(stderr, "usage: other_tool READER TEMPLATE META FILE "
		    "CTR VERSION < five hex keys\n");
		return 2;
	}
	for (int k = 0; k < 5; k++)
		if (fgets(line, sizeof(line), stdin) == NULL ||
		    (line[strcspn(line, "\r\n")] = '\0',
		    hex_decode_str(line, keys[k], 16)) != 0) {
			fprintf(stderr, "other_tool: five lines of 32 hex\n");
			return 2;
		}
	ntag424_template_opts_init(&o);
	o.meta_read = (uint8_t)atoi(argv[3]);
	o.file_read = (uint8_t)atoi(argv[4]);
	o.ctr_ret = (uint8_t)atoi(argv[5]);
	if ((t = ntag424_template_new()) == NULL ||
	    (r = ntag424_template_compile(t, argv[2], &o)) != 0)
		fprintf(stderr, "other_tool: template: %s\n", t != NULL ?
		    ntag424_template_error(t, NULL) : "out of memory");
	else if ((dev = ntag424_dev_new()) == NULL ||
	    (r = ntag424_dev_open_pcsc(dev, argv[1])) != 0)
		rc = fail("open", dev == NULL ? NTAG424_ERR_NOMEM : r);
	else
		rc = program(dev, t, keys, (uint8_t)atoi(argv[6]));
	wipe(keys, sizeof(keys));
	wipe(line, sizeof(line));
	ntag424_dev_free(&dev);
	ntag424_template_free(&t);
	return rc;
}
