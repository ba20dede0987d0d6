/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SUN verification of tags in LRP mode (NT4H2421Gx 9.3.4.2, 9.3.6.2,
 * 9.3.8.2, 9.3.9.2) against published messages, and the exact errors for
 * a PICCData of the other mode's length.
 *
 * Sources: sdm-backend (nfc-developer/sdm-backend), tests/test_libsdm.py
 * test_sdm_lrp1 and test_sdm_lrp2 (real tags, all-zero keys, parameters
 * picc_data/enc/cmac), and tests/test_lrp_sdm.py (two NDEF URIs of an LRP
 * tag with the dynamic part laid out by the tag itself).
 */
#include <stdio.h>
#include <string.h>

#include "ntag424.h"
#include "test.h"

static const uint8_t zero_key[16];

static ntag424_template_t *
tpl(const char *text, uint8_t mode)
{
	ntag424_template_t *t = ntag424_template_new();
	ntag424_template_opts_t o;
	size_t pos;

	ntag424_template_opts_init(&o);
	o.mode = mode;
	if (!CHECK_INT(NTAG424_OK, ntag424_template_compile(t, text, &o)))
		fprintf(stderr, "  %s at %zu\n", ntag424_template_error(t, &pos),
		    pos);
	return t;
}

static int
verify(const char *text, uint8_t mode, const char *url, ntag424_sun_t *sun)
{
	ntag424_template_t *t = tpl(text, mode);
	ntag424_sun_ctx_t *ctx = ntag424_sun_ctx_new();
	int r;

	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_meta_key(ctx, zero_key));
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx, zero_key));
	r = ntag424_sun_verify(ctx, t, url, strlen(url), sun);
	sun->tpl = NULL;
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	return r;
}

static const char *sep_enc_tpl = "https://example.com/?picc_data={picc}"
    "&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}";
static const char *lrp1_url = "https://example.com/?"
    "picc_data=07D9CA2545881D4BFDD920BE1603268C0714420DD893A497"
    "&enc=D6E921C47DB4C17C56F979F81559BB83&cmac=F9481AC7D855BDB6";
static const char *sep_tpl = "https://example.com/?picc_data={picc}"
    "&cmac={mac}";
static const char *lrp2_url = "https://example.com/?"
    "picc_data=1FCBE61B3E4CAD980CBFDD333E7A4AC4A579569BAFD22C5F"
    "&cmac=4231608BA7B02BA9";

static void
check_uid(const ntag424_sun_t *sun, const char *hex, uint32_t ctr)
{
	uint8_t uid[7];

	test_hex(hex, uid, sizeof(uid));
	CHECK_BYTES(uid, sun->uid, 7);
	CHECK_INT(ctr, sun->read_ctr);
	CHECK(sun->lrp);
}

/* test_sdm_lrp1: PICCData, ENC file data and MAC, template in LRP mode. */
static void
lrp1_enc(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify(sep_enc_tpl, NTAG424_SDM_LRP, lrp1_url,
	    &sun));
	check_uid(&sun, "049B112A2F7080", 4);
	CHECK_INT(16, sun.file_data_len);
	CHECK_BYTES((const uint8_t *)"NTXXb7dz3PsYYBlU", sun.file_data, 16);
	ntag424_sun_clear(&sun);
}

/* The same URL against a template of either mode: found by its length. */
static void
lrp1_any(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify(sep_enc_tpl, NTAG424_SDM_ANY, lrp1_url,
	    &sun));
	check_uid(&sun, "049B112A2F7080", 4);
	ntag424_sun_clear(&sun);
}

/* test_sdm_lrp2: PICCData and MAC only (empty MAC input). */
static void
lrp2_mac(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify(sep_tpl, NTAG424_SDM_ANY, lrp2_url, &sun));
	check_uid(&sun, "04940E2A2F7080", 3);
	CHECK_INT(0, sun.file_data_len);
	ntag424_sun_clear(&sun);
}

/* test_lrp_sdm: MAC input from PICCData to the 'x' before the MAC. */
static void
uri_in_path(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify("https://{macin}{picc}x{mac}",
	    NTAG424_SDM_LRP, "https://AAE1508939ECF6FF26BCE407959AB1A5EC0228"
	    "19A35CD293x5E3DB82C19E3865F", &sun));
	check_uid(&sun, "042E1D222A6380", 0x6A);
	ntag424_sun_clear(&sun);
}

/* test_lrp_sdm with encrypted file data; ENC counter SDMReadCtr || 000000. */
static void
uri_with_enc(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify("https://{macin}any.domain/?m={picc}x"
	    "{enc:xxxxxxxxxxxxxxxx}x{mac}", NTAG424_SDM_ANY,
	    "https://any.domain/?m=65628ED36888CF9C84797E43ECACF114C6ED9A5E101E"
	    "B592x4ADE304B5AB9474CB40AFFCAB0607A85x87E287E8135BFC06", &sun));
	check_uid(&sun, "042E1D222A6380", 0x7B);
	CHECK_INT(16, sun.file_data_len);
	CHECK_BYTES((const uint8_t *)"0102030400000000", sun.file_data, 16);
	ntag424_sun_clear(&sun);
}

/* One MAC bit off: NTAG424_ERR_BAD_MAC, no file data. */
static void
lrp_bad_mac(void)
{
	char url[256];
	ntag424_sun_t sun;

	snprintf(url, sizeof(url), "%s", lrp1_url);
	url[strlen(url) - 1] = '8';
	CHECK_INT(NTAG424_ERR_BAD_MAC, verify(sep_enc_tpl, NTAG424_SDM_LRP, url,
	    &sun));
	CHECK_INT(0, sun.file_data_len);
	ntag424_sun_clear(&sun);
}

/* An LRP URL given to an AES-only template: says so. */
static void
lrp_url_aes_template(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_ERR_MALFORMED, verify(sep_enc_tpl, NTAG424_SDM_AES,
	    lrp1_url, &sun));
	CHECK(strcmp(sun.field, "picc_data") == 0);
	CHECK(strcmp(sun.reason, "holds an LRP tag's PICCData (48 hex "
	    "digits); the template is for AES tags") == 0);
	ntag424_sun_clear(&sun);
}

/* An AES URL (AN12196 Table 4, SUN-3) given to an LRP-only template. */
static void
aes_url_lrp_template(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_ERR_MALFORMED, verify(sep_enc_tpl, NTAG424_SDM_LRP,
	    "https://example.com/?picc_data=FDE4AFA99B5C820A2C1BB0F1C792D0EB"
	    "&enc=94592FDE69FA06E8E3B6CA686A22842B&cmac=C48B89C17A233B2C",
	    &sun));
	CHECK(strcmp(sun.field, "picc_data") == 0);
	CHECK(strcmp(sun.reason, "holds an AES tag's PICCData (32 hex "
	    "digits); the template is for LRP tags") == 0);
	ntag424_sun_clear(&sun);
}

/* A truncated LRP PICCData (46 of 48 digits), either kind of template. */
static void
truncated_lrp_picc(void)
{
	static const char *url = "https://example.com/?"
	    "picc_data=1FCBE61B3E4CAD980CBFDD333E7A4AC4A579569BAFD22C"
	    "&cmac=4231608BA7B02BA9";
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_ERR_MALFORMED, verify(sep_tpl, NTAG424_SDM_ANY, url,
	    &sun));
	CHECK(strcmp(sun.field, "picc_data") == 0);
	CHECK(strcmp(sun.reason, "46 characters, the template has 48") == 0);
	CHECK_INT(NTAG424_ERR_MALFORMED, verify(sep_tpl, NTAG424_SDM_LRP, url,
	    &sun));
	CHECK(strcmp(sun.reason, "46 characters, the template has 48") == 0);
	ntag424_sun_clear(&sun);
}

/* The AES vectors still verify through an ANY template (AN12196 SUN-3). */
static void
aes_through_any(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify(sep_enc_tpl, NTAG424_SDM_ANY,
	    "https://example.com/?picc_data=FDE4AFA99B5C820A2C1BB0F1C792D0EB"
	    "&enc=94592FDE69FA06E8E3B6CA686A22842B&cmac=C48B89C17A233B2C",
	    &sun));
	CHECK(!sun.lrp);
	CHECK_INT(16, sun.file_data_len);
	ntag424_sun_clear(&sun);
}

/* The LRP layout: {picc} is 48 characters in the file. */
static void
lrp_layout(void)
{
	ntag424_template_t *a = tpl(sep_tpl, NTAG424_SDM_AES);
	ntag424_template_t *l = tpl(sep_tpl, NTAG424_SDM_LRP);

	CHECK_INT(ntag424_template_ndef_len(a) + 16,
	    ntag424_template_ndef_len(l));
	CHECK_INT(ntag424_template_settings(a)->sdm.mac_offset + 16,
	    ntag424_template_settings(l)->sdm.mac_offset);
	CHECK_INT(NTAG424_SDM_LRP, ntag424_template_mode(l));
	ntag424_template_free(&a);
	ntag424_template_free(&l);
}

int
main(void)
{
	RUN(lrp1_enc);
	RUN(lrp1_any);
	RUN(lrp2_mac);
	RUN(uri_in_path);
	RUN(uri_with_enc);
	RUN(lrp_bad_mac);
	RUN(lrp_url_aes_template);
	RUN(aes_url_lrp_template);
	RUN(truncated_lrp_picc);
	RUN(aes_through_any);
	RUN(lrp_layout);
	return test_summary();
}
