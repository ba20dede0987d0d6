/*
 * libFuzzer: the parsers of other tools' key files (a trust boundary: the
 * file comes from another program, or from whoever handed it over). The
 * first byte picks the format (auto-detection or one forced); the rest is
 * the file. A wipe JSON gets a fixed UID.
 */
#include <stddef.h>
#include <stdint.h>

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
	    data[0] & 0x80 ? uid : NULL, &t) == 0)
		ntag424_ks_text_free(&t);
	return 0;
}
