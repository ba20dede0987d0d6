/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Prepare and inspect emulator state files for the end-to-end tests, as
 * another tool would have left the tag:
 *   emu_state STATE new UID                    a factory tag
 *   emu_state STATE key KEYNO HEXKEY VERSION   set a key and its version
 *   emu_state STATE ndef                       file 02 in hex (whole file)
 *   emu_state STATE ndef-zero                  exit 0 iff file 02 is all 00
 *   emu_state STATE ndef-fill HEX [OFFSET]     file 02 filled with a byte
 *                                              (from OFFSET on: a tail)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "emu/emu.h"

#define NDEF	1	/* file 02 at index 1 */

static int
usage(void)
{
	fprintf(stderr, "usage: emu_state STATE new UID | key KEYNO HEXKEY "
	    "VERSION | ndef | ndef-zero | ndef-fill HEXBYTE [OFFSET]\n");
	return 2;
}

static int
set_key(emu_t *emu, int argc, char **argv)
{
	emu_persist_t	*p = emu_persist(emu);
	long		 k, v;

	if (argc != 6)
		return usage();
	k = strtol(argv[3], NULL, 10);
	v = strtol(argv[5], NULL, 10);
	if (k < 0 || k >= EMU_NKEYS || v < 0 || v > 255 ||
	    hex_decode_str(argv[4], p->key[k], 16) != 0)
		return usage();
	p->key_ver[k] = (uint8_t)v;
	return emu_save(emu, argv[1]) == 0 ? 0 : 1;
}

static int
ndef(emu_t *emu, int argc, char **argv)
{
	emu_persist_t	*p = emu_persist(emu);
	emu_file_t	*f = &p->file[NDEF];
	unsigned long	 off = 0;
	uint8_t		 b;

	if (strcmp(argv[2], "ndef-fill") == 0) {
		if (argc == 5)
			off = strtoul(argv[4], NULL, 10);
		if (argc < 4 || argc > 5 || off >= f->size ||
		    hex_decode_str(argv[3], &b, 1) != 0)
			return usage();
		memset(f->data + off, b, f->size - off);
		return emu_save(emu, argv[1]) == 0 ? 0 : 1;
	}
	for (uint32_t i = 0; i < f->size; i++) {
		if (strcmp(argv[2], "ndef") == 0)
			printf("%02X", f->data[i]);
		else if (f->data[i] != 0)
			return 1;
	}
	if (strcmp(argv[2], "ndef") == 0)
		printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	emu_t	*emu = NULL;
	uint8_t	 uid[EMU_UID_LEN];
	int	 create, rc;

	if (argc < 3)
		return usage();
	create = strcmp(argv[2], "new") == 0;
	if (create && (argc != 4 || hex_decode_str(argv[3], uid,
	    sizeof(uid)) != 0))
		return usage();
	if (emu_load(&emu, argv[1], create, create ? uid : NULL) != 0) {
		fprintf(stderr, "emu_state: cannot load %s\n", argv[1]);
		return 1;
	}
	if (create)
		rc = emu_save(emu, argv[1]) == 0 ? 0 : 1;
	else if (strcmp(argv[2], "key") == 0)
		rc = set_key(emu, argc, argv);
	else if (strncmp(argv[2], "ndef", 4) == 0)
		rc = ndef(emu, argc, argv);
	else
		rc = usage();
	emu_free(&emu);
	return rc;
}
