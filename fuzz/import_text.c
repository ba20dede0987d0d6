/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer: the parsers of other tools' key files (a trust boundary: the
 * file comes from another program, or from whoever handed it over). The
 * first byte picks the format (auto-detection or one forced); the rest is
 * the file. A wipe JSON gets a fixed UID. Invariants: a failure says why
 * and holds no record; every record names its line, carries a key and a
 * UID no other record has.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keystore/import_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	uid[NTAG424_KS_UID_LEN] = { 0x04, 1, 2, 3, 4, 5,
	    6 };
	struct ntag424_ks_text	t;
	int			format;

	if (size < 1)
		return 0;
	format = data[0] % (NTAG424_KS_FMT_JSONL + 1);
	if (ntag424_ks_text_parse((const char *)data + 1, size - 1, format,
	    data[0] & 0x80 ? uid : NULL, &t) != 0) {
		/* A failure says why and holds no record. */
		if (t.msg[0] == '\0' || t.n != 0 || t.v != NULL)
			abort();
		return 0;
	}
	/* Every record names a line, carries a key, and its UID once. */
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i].line == 0 || t.v[i].mask == 0 ||
		    (t.v[i].mask & ~0x1Fu) != 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (memcmp(t.v[i].uid, t.v[j].uid, sizeof(uid)) == 0)
				abort();
	}
	ntag424_ks_text_free(&t);
	return 0;
}
