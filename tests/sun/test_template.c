/* SPDX-License-Identifier: BSD-2-Clause */
/* URL template compiler: exact NDEF bytes, SDM settings, every error. */
#include <stdio.h>
#include <string.h>

#include "ntag424.h"
#include "test.h"

/*
 * ChangeFileSettings payload of file 02 from the settings (NT4H2421Gx
 * 10.7.1, Table 69 presence rules; LSB first), to compare with the bytes
 * the sources print. Test-only: the library's codec is files.c.
 */
static size_t
encode(const ntag424_file_settings_t *s, uint8_t *out)
{
	const ntag424_sdm_t *m = &s->sdm;
	size_t n = 0;

#define PUT24(v) do { out[n++] = (uint8_t)(v); out[n++] = (uint8_t)((v) >> 8); \
	out[n++] = (uint8_t)((v) >> 16); } while (0)
	out[n++] = (uint8_t)((m->enabled ? 0x40 : 0) | s->comm_mode);
	out[n++] = (uint8_t)(s->access.read_write << 4 | s->access.change);
	out[n++] = (uint8_t)(s->access.read << 4 | s->access.write);
	out[n++] = (uint8_t)((m->uid_mirror ? 0x80 : 0) | (m->read_ctr ? 0x40 : 0) |
	    (m->read_ctr_limit ? 0x20 : 0) | (m->enc_file_data ? 0x10 : 0) | 1);
	out[n++] = (uint8_t)(0xF0 | m->ctr_ret);
	out[n++] = (uint8_t)(m->meta_read << 4 | m->file_read);
	if (m->uid_mirror && m->meta_read == 0xE)
		PUT24(m->uid_offset);
	if (m->read_ctr && m->meta_read == 0xE)
		PUT24(m->read_ctr_offset);
	if (m->meta_read <= 4)
		PUT24(m->picc_data_offset);
	if (m->file_read != 0xF) {
		PUT24(m->mac_input_offset);
		if (m->enc_file_data) {
			PUT24(m->enc_offset);
			PUT24(m->enc_length);
		}
		PUT24(m->mac_offset);
	}
	if (m->read_ctr_limit)
		PUT24(m->read_ctr_limit_value);
#undef PUT24
	return n;
}

static ntag424_template_t *
compile_ok(const char *text, const ntag424_template_opts_t *o)
{
	ntag424_template_t *t = ntag424_template_new();
	size_t pos;

	CHECK(t != NULL);
	if (!CHECK_INT(NTAG424_OK, ntag424_template_compile(t, text, o)))
		fprintf(stderr, "  %s: %s at %zu\n", text,
		    ntag424_template_error(t, &pos), pos);
	return t;
}

static void
check_payload(const ntag424_template_t *t, const char *hex)
{
	uint8_t exp[32], got[32];
	size_t n = test_hex(hex, exp, sizeof(exp));

	CHECK_INT(n, encode(ntag424_template_settings(t), got));
	CHECK_BYTES(exp, got, n);
}

/*
 * The original self-checkout layout (docs/key-layout.md), byte for byte:
 * 88 bytes, PICC at 0x22, MAC input from 0x22, MAC at 0x48; FileOption 40,
 * AccessRights E0 E0, SDMOptions C1, SDMAccessRights FE 13. The MAC input
 * starting at the PICC data puts {macin} right before {picc}.
 */
static void
self_checkout_exact_bytes(void)
{
	static const char *ndef_hex =
	    "0056D1015255047765726B737461747477616564692E63682F7461673F7069"
	    "63633D3030303030303030303030303030303030303030303030303030303030"
	    "30303026636D61633D30303030303030303030303030303030";
	ntag424_template_opts_t o;
	ntag424_template_t *t;
	uint8_t exp[88];

	ntag424_template_opts_init(&o);
	o.meta_read = 1;
	o.file_read = 3;
	o.ctr_ret = NTAG424_AR_FREE;
	o.access.read = NTAG424_AR_FREE;
	o.access.write = 0;
	o.access.read_write = NTAG424_AR_FREE;
	o.access.change = 0;
	t = compile_ok("https://werkstattwaedi.ch/tag?picc={macin}{picc}"
	    "&cmac={mac}", &o);
	CHECK_INT(88, test_hex(ndef_hex, exp, sizeof(exp)));
	CHECK_INT(88, ntag424_template_ndef_len(t));
	CHECK_BYTES(exp, ntag424_template_ndef_ptr(t), 88);
	CHECK_INT(0x22, ntag424_template_settings(t)->sdm.picc_data_offset);
	CHECK_INT(0x22, ntag424_template_settings(t)->sdm.mac_input_offset);
	CHECK_INT(0x48, ntag424_template_settings(t)->sdm.mac_offset);
	check_payload(t, "40E0E0C1FE13220000220000480000");
	ntag424_template_free(&t);
	CHECK(t == NULL);
}

/*
 * AN12196 6.7-6.9: the NDEF of Table 17 (vector FR-3, 83 bytes) and the
 * ChangeFileSettings data of Table 19 (vector SM-4), with the AN's choices:
 * PICCData key 2, MAC key 1, CtrRet 1, AccessRights 00 E0.
 */
static void
an12196_layout(void)
{
	static const char *ndef_hex =
	    "0051D1014D550463686F6F73652E75726C2E636F6D2F6E7461673432343F653D"
	    "3030303030303030303030303030303030303030303030303030303030303030"
	    "26633D30303030303030303030303030303030";
	ntag424_template_opts_t o;
	ntag424_template_t *t;
	uint8_t exp[83];

	ntag424_template_opts_init(&o);
	o.meta_read = 2;
	o.file_read = 1;
	o.ctr_ret = 1;
	t = compile_ok("https://choose.url.com/ntag424?e={picc}&c={mac}", &o);
	CHECK_INT(83, test_hex(ndef_hex, exp, sizeof(exp)));
	CHECK_INT(83, ntag424_template_ndef_len(t));
	CHECK_BYTES(exp, ntag424_template_ndef_ptr(t), 83);
	check_payload(t, "4000E0C1F121200000430000430000");
	CHECK(strcmp(ntag424_template_url(t), "https://choose.url.com/ntag424?e="
	    "00000000000000000000000000000000&c=0000000000000000") == 0);
	ntag424_template_free(&t);
}

/* AN12196 Table 6 (vector SUN-4): offsets 31/68/68/32/106, prefix 02. */
static void
sun4_layout(void)
{
	ntag424_template_t *t = compile_ok("https://www.my424dna.com/"
	    "?picc_data={picc}&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}",
	    NULL);
	const ntag424_sdm_t *m = &ntag424_template_settings(t)->sdm;

	CHECK_INT(0x02, ntag424_template_ndef_ptr(t)[6]);
	CHECK_INT(31, m->picc_data_offset);
	CHECK_INT(68, m->mac_input_offset);
	CHECK_INT(68, m->enc_offset);
	CHECK_INT(32, m->enc_length);
	CHECK_INT(106, m->mac_offset);
	CHECK(m->enc_file_data && m->uid_mirror && m->read_ctr);
	/* The plaintext sits in the first half, '0' fills the rest. */
	CHECK(memcmp(ntag424_template_ndef_ptr(t) + 68,
	    "xxxxxxxxxxxxxxxx0000000000000000", 32) == 0);
	/* Defaults: key 1 meta, key 3 file and CtrRet, AR 00 E0. */
	check_payload(t, "4000E0D1F3131F0000440000440000200000"
	    "6A0000");
	ntag424_template_free(&t);
}

/* Plain mirror as in DS Figure 12: UID 'x' counter in one parameter. */
static void
plain_mirror_layout(void)
{
	ntag424_template_opts_t o;
	ntag424_template_t *t;
	const ntag424_sdm_t *m;

	ntag424_template_opts_init(&o);
	o.read_ctr_limit = 1000;
	t = compile_ok("http://www.nxp.com/index.html?p={macin}{uid}x{ctr}"
	    "&m={mac}", &o);
	m = &ntag424_template_settings(t)->sdm;
	CHECK_INT(0x01, ntag424_template_ndef_ptr(t)[6]);
	/* 7 + "nxp.com/index.html?p=" (21) */
	CHECK_INT(28, m->uid_offset);
	CHECK_INT(43, m->read_ctr_offset);
	CHECK_INT(28, m->mac_input_offset);
	CHECK_INT(52, m->mac_offset);
	CHECK_INT(NTAG424_AR_FREE, m->meta_read);
	check_payload(t, "4000E0E1F3E31C00002B00001C0000340000E80300");
	ntag424_template_free(&t);
}

/* The MAC input offset follows {macin} wherever it sits. */
static void
macin_positions(void)
{
	static const struct {
		const char	*text;
		uint8_t		 prefix;
		uint32_t	 mac_in;
		uint32_t	 mac;
	} c[] = {
		/* no {macin}: empty input (AN12196 4.4.4.2.1) */
		{ "https://a.b/?e={picc}&c={mac}", 4, 49, 49 },
		{ "https://a.b/?e={picc}&c={macin}{mac}", 4, 49, 49 },
		{ "https://a.b/?e={picc}&{macin}c={mac}", 4, 47, 49 },
		{ "https://a.b/?e={macin}{picc}&c={mac}", 4, 14, 49 },
		{ "https://a.b/{macin}?e={picc}&c={mac}", 4, 11, 49 },
		{ "https://{macin}a.b/?e={picc}&c={mac}", 4, 7, 49 },
		/* before the scheme: no prefix code, the whole URL is MACed */
		{ "{macin}https://a.b/?e={picc}&c={mac}", 0, 7, 57 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ntag424_template_t *t = compile_ok(c[i].text, NULL);

		CHECK_INT(c[i].prefix, ntag424_template_ndef_ptr(t)[6]);
		CHECK_INT(c[i].mac_in,
		    ntag424_template_settings(t)->sdm.mac_input_offset);
		CHECK_INT(c[i].mac, ntag424_template_settings(t)->sdm.mac_offset);
		ntag424_template_free(&t);
	}
}

/* NFC Forum URI RTD Table 3: the longest prefix wins. */
static void
uri_prefix_codes(void)
{
	static const struct {
		const char	*text;
		uint8_t		 code;
		uint8_t		 first;
	} c[] = {
		{ "http://www.x.y/?c={ctr}&m={mac}", 0x01, 'x' },
		{ "https://www.x.y/?c={ctr}&m={mac}", 0x02, 'x' },
		{ "http://x.y/?c={ctr}&m={mac}", 0x03, 'x' },
		{ "https://x.y/?c={ctr}&m={mac}", 0x04, 'x' },
		{ "urn:epc:id:x?c={ctr}&m={mac}", 0x1E, 'x' },
		{ "urn:x?c={ctr}&m={mac}", 0x13, 'x' },
		{ "x://y?c={ctr}&m={mac}", 0x00, 'x' },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ntag424_template_t *t = compile_ok(c[i].text, NULL);

		CHECK_INT(c[i].code, ntag424_template_ndef_ptr(t)[6]);
		CHECK_INT(c[i].first, ntag424_template_ndef_ptr(t)[7]);
		ntag424_template_free(&t);
	}
}

static void
compile_err(const char *text, const ntag424_template_opts_t *o, int err,
    size_t pos, const char *words)
{
	ntag424_template_t *t = ntag424_template_new();
	size_t got;
	const char *msg;

	CHECK_INT(err, ntag424_template_compile(t, text, o));
	msg = ntag424_template_error(t, &got);
	if (!CHECK_INT(pos, got) || strstr(msg, words) == NULL) {
		test_fail(__FILE__, __LINE__, text);
		fprintf(stderr, "  message: %s (want \"%s\")\n", msg, words);
	}
	CHECK_INT(0, ntag424_template_ndef_len(t));
	ntag424_template_free(&t);
}

static void
errors_placeholders(void)
{
	compile_err("https://a.b/?e={foo}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "unknown placeholder {foo}");
	compile_err("https://a.b/?e={picc&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "{picc&c={mac}");
	compile_err("https://a.b/?e={picc", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "without a closing");
	compile_err("https://a.b/?e=}{picc}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "without an opening");
	compile_err("https://a.b/?e={picc}&c={mac}&d={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 32, "{mac} appears twice (first at position 24)");
	compile_err("https://a.b/?e={enc:xxxxxxxxxxxxxxx}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "15 characters");
	compile_err("https://a.b/?e={enc:}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "unknown placeholder {enc:}");
	compile_err("https://a.b/?e={enc:xxxxxxxx\txxxxxxx}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 15, "character 8 of TEXT");
}

static void
errors_layout(void)
{
	compile_err("https://a.b/?e={picc}", NULL,
	    NTAG424_ERR_TEMPLATE, 21, "no {mac}");
	compile_err("https://a.b/?e={picc}&u={uid}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 24, "{uid} cannot be combined with {picc}");
	compile_err("https://a.b/?u={uid}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 28, "no {picc} or {ctr}");
	compile_err("https://a.b/?e={picc}&c={mac}{macin}", NULL,
	    NTAG424_ERR_TEMPLATE, 29, "{macin} must come before {mac}");
	compile_err("https://a.b/?{macin}n={ctr}&d={enc:xxxxxxxxxxxxxxxx}"
	    "&c={mac}", NULL, NTAG424_ERR_TEMPLATE, 30, "needs the UID");
	compile_err("https://a.b/?{macin}e={picc}&c={mac}"
	    "&d={enc:xxxxxxxxxxxxxxxx}", NULL, NTAG424_ERR_TEMPLATE, 39,
	    "{enc} must come before {mac}");
	compile_err("https://a.b/?e={picc}&d={enc:xxxxxxxxxxxxxxxx}{macin}"
	    "&c={mac}", NULL, NTAG424_ERR_TEMPLATE, 24, "must cover {enc}");
	compile_err("https://a.b/?e={picc}&d={enc:xxxxxxxxxxxxxxxx}&c={mac}",
	    NULL, NTAG424_ERR_TEMPLATE, 24, "must cover {enc}");
}

static void
errors_url(void)
{
	char big[NTAG424_TEMPLATE_MAX + 2];

	compile_err("https://a.b/?e={picc}&c= {mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 24, "character 0x20");
	compile_err("https://a.b/?e={picc}&c={mac}#x", NULL,
	    NTAG424_ERR_TEMPLATE, 29, "fragment");
	compile_err("https://a.b/?{picc}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 13, "name=value");
	compile_err("https://a.b/?e={picc}&=x&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 22, "name=value");
	compile_err("https://a.b/?c={ctr}&x{uid}=1&m={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 21, "name=value");
	compile_err("https://a.b/?c={picc}&c={mac}", NULL,
	    NTAG424_ERR_TEMPLATE, 22, "'c' appears twice");
	/* File too small: 7 + 249 bytes fit; the first byte past them. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "https://?e={picc}&c={mac}", 25);
	big[25 + 200] = '\0';
	compile_err(big, NULL, NTAG424_ERR_TEMPLATE, 220,
	    "does not fit: 261 bytes");
	big[NTAG424_TEMPLATE_MAX + 1] = '\0';
	memset(big + 25, 'a', NTAG424_TEMPLATE_MAX + 1 - 25);
	compile_err(big, NULL, NTAG424_ERR_TEMPLATE, NTAG424_TEMPLATE_MAX,
	    "longer than 1024");
}

static void
errors_opts(void)
{
	ntag424_template_opts_t o;
	const char *text = "https://a.b/?e={picc}&c={mac}";

	ntag424_template_opts_init(&o);
	o.meta_read = 5;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "keys 0-4");
	ntag424_template_opts_init(&o);
	o.file_read = NTAG424_AR_FREE;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "keys 0-4");
	ntag424_template_opts_init(&o);
	o.access.change = NTAG424_AR_FREE;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "Change right");
	ntag424_template_opts_init(&o);
	o.access.write = 7;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "access rights");
	ntag424_template_opts_init(&o);
	o.read_ctr_limit = 0x1000000;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "24 bits");
	ntag424_template_opts_init(&o);
	o.comm_mode = (ntag424_comm_mode_t)2;
	compile_err(text, &o, NTAG424_ERR_ARG, 0, "CommMode");
	CHECK_INT(NTAG424_ERR_ARG, ntag424_template_compile(NULL, text, NULL));
}

/* A failed compile empties a template that held a good one. */
static void
recompile_clears(void)
{
	ntag424_template_t *t = compile_ok("https://a.b/?e={picc}&c={mac}", NULL);
	size_t pos;

	CHECK_INT(NTAG424_ERR_TEMPLATE, ntag424_template_compile(t, "{x}", NULL));
	CHECK_INT(0, ntag424_template_ndef_len(t));
	CHECK_INT(0, ntag424_template_settings(t)->sdm.enabled);
	CHECK(strstr(ntag424_template_error(t, &pos), "{x}") != NULL);
	CHECK_INT(NTAG424_OK, ntag424_template_compile(t,
	    "https://a.b/?e={picc}&c={mac}", NULL));
	CHECK_INT(0, ntag424_template_error(t, &pos)[0]);
	ntag424_template_free(&t);
	ntag424_template_free(&t);
	ntag424_template_free(NULL);
}

int
main(void)
{
	RUN(self_checkout_exact_bytes);
	RUN(an12196_layout);
	RUN(sun4_layout);
	RUN(plain_mirror_layout);
	RUN(macin_positions);
	RUN(uri_prefix_codes);
	RUN(errors_placeholders);
	RUN(errors_layout);
	RUN(errors_url);
	RUN(errors_opts);
	RUN(recompile_clears);
	return test_summary();
}
