/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * adopt's template rebuilt from a tag's NDEF file and SDM settings
 * (src/ntag424/provision_adopt.c): every template the compiler makes comes
 * back as written, and every hostile offset or URL is refused.
 */
#include <string.h>

#include "ntag424/err.h"
#include "ntag424/provision_int.h"
#include "test.h"

struct compiled {
	uint8_t			ndef[NTAG424_NDEF_FILE_SIZE];
	size_t			len;
	ntag424_file_settings_t	fs;
};

static void
compile(const char *tmpl, uint8_t meta, uint8_t file, struct compiled *c)
{
	ntag424_template_opts_t	 o;
	ntag424_template_t	*t = ntag424_template_new();

	ntag424_template_opts_init(&o);
	o.meta_read = meta;
	o.file_read = file;
	CHECK(t != NULL);
	CHECK_INT(NTAG424_OK, ntag424_template_compile(t, tmpl, &o));
	c->len = ntag424_template_ndef_len(t);
	memcpy(c->ndef, ntag424_template_ndef_ptr(t), c->len);
	c->fs = *ntag424_template_settings(t);
	ntag424_template_free(&t);
}

static void
round_trip(void)
{
	static const char *const tmpls[] = {
		"lnurlw://card.example/ln?p={picc}&c={mac}",
		"https://werkstattwaedi.ch/tag?picc={macin}{picc}&cmac={mac}",
		"https://x.example/t?u={uid}&n={ctr}&m={mac}",
		"https://www.example.com/a?m={mac}&p={picc}",
		"http://x.example/?c={ctr}&mi={macin}&m={mac}",
	};
	struct compiled	c;
	char		out[NTAG424_TEMPLATE_MAX + 1];

	for (size_t i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
		compile(tmpls[i], 1, 2, &c);
		memset(out, 0, sizeof(out));
		CHECK_INT(NTAG424_OK, adopt_template(c.ndef, c.len, &c.fs.sdm,
		    out, sizeof(out)));
		if (!CHECK_BYTES((const uint8_t *)tmpls[i],
		    (const uint8_t *)out, strlen(tmpls[i]) + 1))
			test_fail(__FILE__, __LINE__, tmpls[i]);
	}
}

static void
hostile_settings(void)
{
	struct compiled	c;
	char		out[NTAG424_TEMPLATE_MAX + 1];

	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.fs.sdm.mac_offset = (uint32_t)c.len;		/* past the URL */
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	c.fs.sdm.mac_offset = 0xFFFFFF;
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.fs.sdm.mac_offset = c.fs.sdm.picc_data_offset + 8;	/* overlap */
	c.fs.sdm.mac_input_offset = c.fs.sdm.mac_offset;
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.fs.sdm.picc_data_offset = 3;			/* in the header */
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.fs.sdm.enc_file_data = true;
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.fs.sdm.enabled = false;
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, 20));			/* does not fit */
}

static void
hostile_ndef(void)
{
	struct compiled	c;
	char		out[NTAG424_TEMPLATE_MAX + 1];

	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	CHECK_INT(NTAG424_ERR_MALFORMED, adopt_template(c.ndef, 6, &c.fs.sdm,
	    out, sizeof(out)));
	c.ndef[0] = 0xFF;				/* NLEN past the file */
	CHECK_INT(NTAG424_ERR_MALFORMED, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
	compile("https://x.example/t?p={picc}&c={mac}", 1, 2, &c);
	c.ndef[12] = '{';				/* a brace in the URL */
	CHECK_INT(NTAG424_ERR_TEMPLATE, adopt_template(c.ndef, c.len,
	    &c.fs.sdm, out, sizeof(out)));
}

int
main(void)
{
	RUN(round_trip);
	RUN(hostile_settings);
	RUN(hostile_ndef);
	return test_summary();
}
