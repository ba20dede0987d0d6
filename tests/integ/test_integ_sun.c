/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SUN cross-check: templates compiled by the library, configured on
 * the emulator through the library, tapped like a phone (unauthenticated
 * ReadData or ISOReadBinary), verified with ntag424_sun_verify. And the
 * emulated tag with AN12196's UID and keys must print AN12196's URLs.
 */
#include <stdio.h>
#include <string.h>

#include "integ.h"
#include "test.h"

static void
set_sdm_keys(struct rig *r, const uint8_t meta[16], const uint8_t file[16])
{
	rig_auth(r, 0, integ_zero);
	CHECK_INT(NTAG424_OK, ntag424_key_change(r->dev, 1, meta, 1,
	    integ_zero));
	CHECK_INT(NTAG424_OK, ntag424_key_change(r->dev, 3, file, 1,
	    integ_zero));
	rig_repower(r);
}

static int
verify(ntag424_sun_ctx_t *ctx, const ntag424_template_t *t, const char *url,
    ntag424_sun_t *sun)
{
	return ntag424_sun_verify(ctx, t, url, strlen(url), sun);
}

/* The {enc:TEXT} plaintext of a template, or NULL. */
static const char *
enc_text(const char *text, size_t *len)
{
	const char *p = strstr(text, "{enc:");

	if (p == NULL)
		return NULL;
	p += 5;
	*len = (size_t)(strchr(p, '}') - p);
	return p;
}

static void
one_template(const struct integ_tpl *it)
{
	ntag424_template_opts_t o;
	ntag424_template_t *t = NULL;
	ntag424_sun_ctx_t *ctx = ntag424_sun_ctx_new();
	ntag424_sun_t sun;
	uint8_t meta[16], file[16];
	char url[300], first[300];
	const char *text;
	size_t tlen = 0;
	struct rig r;

	integ_key(meta, 0xA1);
	integ_key(file, 0xB3);
	rig_open(&r, NULL);
	integ_tpl_opts(it, &o);
	CHECK_INT(NTAG424_OK, rig_configure(&r, it->text, &o, integ_zero, &t));
	set_sdm_keys(&r, meta, file);
	CHECK(ctx != NULL);
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_meta_key(ctx, meta));
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx, file));
	for (uint32_t tap = 1; tap <= 3; tap++) {
		if (!CHECK_INT(NTAG424_OK, rig_tap(&r, (int)(tap & 1), url,
		    sizeof(url))))
			break;
		if (tap == 1)
			memcpy(first, url, sizeof(first));
		if (!CHECK_INT(NTAG424_OK, verify(ctx, t, url, &sun)))
			fprintf(stderr, "  %s\n  %s: %s\n", url, sun.field,
			    sun.reason);
		CHECK(sun.has_read_ctr);
		CHECK_INT(tap, sun.read_ctr);
		CHECK_INT(it->has_uid, sun.has_uid);
		if (it->has_uid)
			CHECK_BYTES(integ_uid, sun.uid, 7);
		if ((text = enc_text(it->text, &tlen)) != NULL) {
			CHECK_INT(tlen, sun.file_data_len);
			CHECK_BYTES((const uint8_t *)text, sun.file_data, tlen);
		}
		ntag424_sun_clear(&sun);
		rig_repower(&r);
	}
	/* a replayed URL verifies with its old counter: no rise */
	CHECK_INT(NTAG424_OK, verify(ctx, t, first, &sun));
	CHECK_INT(1, sun.read_ctr);
	/* the wrong file-read key */
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx, meta));
	CHECK_INT(NTAG424_ERR_BAD_MAC, verify(ctx, t, url, &sun));
	ntag424_sun_clear(&sun);
	ntag424_template_free(&t);
	ntag424_sun_ctx_free(&ctx);
	rig_close(&r);
}

static void
sun_every_template(void)
{
	for (size_t i = 0; i < integ_ntpls; i++) {
		fprintf(stderr, "  template %zu: %s\n", i, integ_tpls[i].text);
		one_template(&integ_tpls[i]);
	}
}

/* Change each hex digit after the '?' in turn: every change is caught. */
static void
sun_tampered(void)
{
	static const char *tpls[] = {
		"https://example.com/tag?picc={macin}{picc}&cmac={mac}",
		"https://e.example/p?u={uid}&c={ctr}"
		    "&d={macin}{enc:0123456789abcdefFEDCBA9876543210}&m={mac}",
	};
	for (size_t k = 0; k < 2; k++) {
		ntag424_template_t *t = NULL;
		ntag424_sun_ctx_t *ctx = ntag424_sun_ctx_new();
		ntag424_sun_t sun;
		char url[300], bad[300];
		struct rig r;
		size_t tried = 0;

		rig_open(&r, NULL);
		CHECK_INT(NTAG424_OK, rig_configure(&r, tpls[k], NULL,
		    integ_zero, &t));
		CHECK_INT(NTAG424_OK, rig_tap(&r, 0, url, sizeof(url)));
		CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_meta_key(ctx,
		    integ_zero));
		CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx,
		    integ_zero));
		CHECK_INT(NTAG424_OK, verify(ctx, t, url, &sun));
		for (char *q = strchr(url, '?'); *q != '\0'; q++) {
			size_t i = (size_t)(q - url);
			int rc;

			if (strchr("0123456789ABCDEF", *q) == NULL)
				continue;
			memcpy(bad, url, sizeof(bad));
			bad[i] = bad[i] == '0' ? '1' : '0';
			rc = verify(ctx, t, bad, &sun);
			if (!CHECK_INT(NTAG424_ERR_BAD_MAC, rc))
				fprintf(stderr, "  %s\n", bad);
			tried++;
		}
		CHECK(tried > 40);
		ntag424_sun_clear(&sun);
		ntag424_template_free(&t);
		ntag424_sun_ctx_free(&ctx);
		rig_close(&r);
	}
}

/* SDMReadCtrLimit 3 (template 7): the fourth plain read is refused. */
static void
sun_read_ctr_limit(void)
{
	const struct integ_tpl *it = &integ_tpls[integ_ntpls - 1];
	ntag424_template_opts_t o;
	ntag424_template_t *t = NULL;
	char url[300];
	struct rig r;

	CHECK_INT(3, it->ctr_limit);
	rig_open(&r, NULL);
	integ_tpl_opts(it, &o);
	CHECK_INT(NTAG424_OK, rig_configure(&r, it->text, &o, integ_zero, &t));
	for (int i = 0; i < 3; i++) {
		CHECK_INT(NTAG424_OK, rig_tap(&r, 0, url, sizeof(url)));
		rig_repower(&r);
	}
	CHECK_INT(0x919D, rig_tap(&r, 0, url, sizeof(url)));
	rig_repower(&r);
	CHECK_INT(0x6982, rig_tap(&r, 1, url, sizeof(url)));
	CHECK_INT(3, emu_persist_const(r.emu)->file[1].sdm_ctr);
	ntag424_template_free(&t);
	rig_close(&r);
}

/*
 * AN12196 4.4.2.2 Table 3 / 4.4.4.2.1 Table 5 (SUN-2) and 4.4.3.1 Table 4
 * (SUN-3): all keys zero; the tag reads for the counter the AN shows.
 */
static const struct {
	const char	*tpl, *uid, *pad, *url;
	uint32_t	 ctr;	/* SDMReadCtr after the tap */
} an12196[] = {
	{ "https://ntag.nxp.com/424?e={picc}&c={mac}", "04DE5F1EACC040",
	    "DA5CF60941", "https://ntag.nxp.com/424?"
	    "e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086", 61 },
	{ "https://my424dna.com/?picc_data={picc}"
	    "&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}", "04958CAA5C5E80",
	    "851ECB67D4", "https://my424dna.com/?"
	    "picc_data=FDE4AFA99B5C820A2C1BB0F1C792D0EB"
	    "&enc=94592FDE69FA06E8E3B6CA686A22842B&cmac=C48B89C17A233B2C", 1 },
};

static void
sun_an12196_urls(void)
{
	if (integ_lrp())
		return;	/* AES vectors; the LRP ones are in test_emu_lrp.c */
	for (size_t i = 0; i < sizeof(an12196) / sizeof(an12196[0]); i++) {
		ntag424_template_t *t = NULL;
		uint8_t uid[7], pad[5];
		char url[300];
		struct rig r;

		test_hex(an12196[i].uid, uid, sizeof(uid));
		test_hex(an12196[i].pad, pad, sizeof(pad));
		rig_open(&r, uid);
		CHECK_INT(NTAG424_OK, rig_configure(&r, an12196[i].tpl, NULL,
		    integ_zero, &t));
		emu_persist(r.emu)->file[1].sdm_ctr = an12196[i].ctr - 1;
		CHECK_INT(0, emu_inject(r.emu, EMU_INJECT_PICC_PAD, pad,
		    sizeof(pad)));
		CHECK_INT(NTAG424_OK, rig_tap(&r, (int)i, url, sizeof(url)));
		CHECK(strcmp(url, an12196[i].url) == 0);
		if (strcmp(url, an12196[i].url) != 0)
			fprintf(stderr, "  expected %s\n  actual   %s\n",
			    an12196[i].url, url);
		ntag424_template_free(&t);
		rig_close(&r);
	}
}

int
main(void)
{
	RUN(sun_every_template);
	RUN(sun_tampered);
	RUN(sun_read_ctr_limit);
	RUN(sun_an12196_urls);
	return test_summary();
}
