/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer: SUN URL parsing and verification (a trust boundary: the URL
 * comes from anyone with a phone). The first byte picks one of a few
 * compiled templates (every placeholder kind, path and query fields); the
 * rest is the URL, verified with fixed keys. Also compiles the input as a
 * template, the other untrusted string the library takes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntag424.h"

static const char *const templates[] = {
	"https://ntag.nxp.com/424?e={picc}&c={mac}",
	("https://www.my424dna.com/?picc_data={picc}&enc={macin}"
	    "{enc:xxxxxxxxxxxxxxxx}&cmac={mac}"),
	"https://a.b/?u={macin}{uid}&c={ctr}&d={enc:0123456789abcdef}&m={mac}",
	"http://www.a.b/{macin}{uid}x{ctr}?m={mac}",
	"tel:+41{macin}{ctr}{mac}",
};
#define NTPL (sizeof(templates) / sizeof(templates[0]))

static ntag424_template_t	*tpl[NTPL];
static ntag424_template_t	*scratch;
static ntag424_sun_ctx_t	*ctx;

static void
setup(void)
{
	static const uint8_t key[16];
	ntag424_template_opts_t o;

	/* Either suite: the {picc} length picks the AES or the LRP layout. */
	ntag424_template_opts_init(&o);
	o.mode = NTAG424_SDM_ANY;
	for (size_t i = 0; i < NTPL; i++)
		if ((tpl[i] = ntag424_template_new()) == NULL ||
		    ntag424_template_compile(tpl[i], templates[i], &o) != 0)
			abort();
	if ((scratch = ntag424_template_new()) == NULL ||
	    (ctx = ntag424_sun_ctx_new()) == NULL ||
	    ntag424_sun_ctx_set_meta_key(ctx, key) != 0 ||
	    ntag424_sun_ctx_set_file_key(ctx, key) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ntag424_sun_t	 sun;
	char		*text;
	int		 r;

	if (ctx == NULL)
		setup();
	if (size == 0)
		return 0;
	/* The URL is not NUL-terminated: the parser must honour len. */
	r = ntag424_sun_verify(ctx, tpl[data[0] % NTPL],
	    (const char *)data + 1, size - 1, &sun);
	if (r == NTAG424_ERR_MALFORMED &&
	    (sun.field[0] == '\0' || sun.reason[0] == '\0'))
		abort();
	if (r == NTAG424_OK && sun.file_data_len > NTAG424_SUN_DATA_MAX)
		abort();
	ntag424_sun_clear(&sun);
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	r = ntag424_template_compile(scratch, text, NULL);
	if (r == NTAG424_OK && ntag424_template_ndef_len(scratch) >
	    NTAG424_NDEF_FILE_SIZE)
		abort();
	free(text);
	return 0;
}
