/* SPDX-License-Identifier: BSD-2-Clause */
/* SUN verification: the AN12196 vectors, round trips, every bad input. */
#include <stdio.h>
#include <string.h>

#include "common/prim.h"
#include "mirror.h"
#include "ntag424.h"
#include "test.h"

static const uint8_t zero_key[16];

/* AN12196 4.4.2.2 Table 3 / 4.4.4.2.1 Table 5 (vector SUN-2). */
static const char *sun2_tpl = "https://ntag.nxp.com/424?e={picc}&c={mac}";
static const char *sun2_url = "https://ntag.nxp.com/424?"
    "e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086";
/* AN12196 4.4.3.1 / 4.4.3.2 Table 4 (vector SUN-3). */
static const char *sun3_tpl = "https://my424dna.com/?picc_data={picc}"
    "&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}";
static const char *sun3_url = "https://my424dna.com/?"
    "picc_data=FDE4AFA99B5C820A2C1BB0F1C792D0EB"
    "&enc=94592FDE69FA06E8E3B6CA686A22842B&cmac=C48B89C17A233B2C";
/* AN12196 4.4.4.2.2 Table 6 (vector SUN-4). */
static const char *sun4_tpl = "https://www.my424dna.com/?picc_data={picc}"
    "&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}";
static const char *sun4_url = "https://www.my424dna.com/?"
    "picc_data=FD91EC264309878BE6345CBE53BADF40"
    "&enc=CEE9A53E3E463EF1F459635736738962&cmac=ECC1E7F6C6C73BF6";

static ntag424_template_t *
tpl(const char *text)
{
	ntag424_template_t *t = ntag424_template_new();
	size_t pos;

	if (!CHECK_INT(NTAG424_OK, ntag424_template_compile(t, text, NULL)))
		fprintf(stderr, "  %s at %zu\n", ntag424_template_error(t, &pos),
		    pos);
	return t;
}

static ntag424_sun_ctx_t *
ctx_keys(const uint8_t meta[16], const uint8_t file[16])
{
	ntag424_sun_ctx_t *ctx = ntag424_sun_ctx_new();

	CHECK(ctx != NULL);
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_meta_key(ctx, meta));
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx, file));
	return ctx;
}

/* Verify url against text with all-zero keys; return the code. */
static int
verify0(const char *text, const char *url, ntag424_sun_t *sun)
{
	ntag424_template_t *t = tpl(text);
	ntag424_sun_ctx_t *ctx = ctx_keys(zero_key, zero_key);
	int r = ntag424_sun_verify(ctx, t, url, strlen(url), sun);

	sun->tpl = NULL;	/* t dies here */
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	return r;
}

static void
check_uid(const char *hex, const ntag424_sun_t *sun)
{
	uint8_t uid[7];

	test_hex(hex, uid, sizeof(uid));
	CHECK(sun->has_uid);
	CHECK_BYTES(uid, sun->uid, 7);
}

/* AN12196 4.3 Table 2 (vector SUN-1), through the test mirror. */
static void
sun1_session_keys(void)
{
	uint8_t key[16], uid[7], enc[16], mac[16], exp_enc[16], exp_mac[16];

	test_hex("5ACE7E50AB65D5D51FD5BF5A16B8205B", key, sizeof(key));
	test_hex("04C767F2066180", uid, sizeof(uid));
	test_hex("66DA61797E23DECA5D8ECA13BBADF7A9", exp_enc, sizeof(exp_enc));
	test_hex("3A3E8110E05311F7A3FCF0D969BF2B48", exp_mac, sizeof(exp_mac));
	mirror_session_keys(key, uid, 1, 1, 1, enc, mac);
	CHECK_BYTES(exp_enc, enc, 16);
	CHECK_BYTES(exp_mac, mac, 16);
}

/* SUN-1 inputs end to end: plain mirror tapped with the Table 2 key. */
static void
sun1_plain_round_trip(void)
{
	ntag424_template_t *t = tpl("https://ntag.nxp.com/424?uid={uid}"
	    "&ctr={ctr}&c={macin}{mac}");
	const ntag424_file_settings_t *s = ntag424_template_settings(t);
	struct mirror_tap tap = { .ctr = 1 };
	ntag424_sun_ctx_t *ctx;
	ntag424_sun_t sun;
	char url[300];

	test_hex("5ACE7E50AB65D5D51FD5BF5A16B8205B", tap.file_key, 16);
	test_hex("04C767F2066180", tap.uid, 7);
	CHECK_INT(0, mirror_url(ntag424_template_ndef_ptr(t),
	    ntag424_template_ndef_len(t), s, &tap, "https://", url, sizeof(url)));
	CHECK(strncmp(url, "https://ntag.nxp.com/424?uid=04C767F2066180"
	    "&ctr=000001&c=", 57) == 0);
	ctx = ctx_keys(zero_key, tap.file_key);
	CHECK_INT(NTAG424_OK, ntag424_sun_verify(ctx, t, url, strlen(url), &sun));
	check_uid("04C767F2066180", &sun);
	CHECK_INT(1, sun.read_ctr);
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
}

static void
sun2_vector(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify0(sun2_tpl, sun2_url, &sun));
	check_uid("04DE5F1EACC040", &sun);
	CHECK(sun.has_read_ctr);
	CHECK_INT(61, sun.read_ctr);
	CHECK_INT(0, sun.file_data_len);
}

static void
sun3_vector(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify0(sun3_tpl, sun3_url, &sun));
	check_uid("04958CAA5C5E80", &sun);
	CHECK_INT(1, sun.read_ctr);
	CHECK_INT(16, sun.file_data_len);
	CHECK(memcmp(sun.file_data, "xxxxxxxxxxxxxxxx", 16) == 0);
}

static void
sun4_vector(void)
{
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify0(sun4_tpl, sun4_url, &sun));
	check_uid("04958CAA5C5E80", &sun);
	CHECK_INT(8, sun.read_ctr);
	CHECK_INT(16, sun.file_data_len);
	CHECK(memcmp(sun.file_data, "xxxxxxxxxxxxxxxx", 16) == 0);
}

/*
 * AN12196 4.4.1 (vector SUN-5): the AN gives neither key nor MAC input, so
 * only the parse can be checked: UID, and the MSB-first ASCII counter.
 */
static void
sun5_parse(void)
{
	ntag424_template_t *t = tpl("https://ntag.nxp.com/424?uid={uid}"
	    "&ctr={ctr}&c={mac}");
	const char *url = "https://ntag.nxp.com/424?uid=04C767F2066180"
	    "&ctr=000001&c=54A45B2C3A558765";
	uint8_t mac[8];
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, ntag424_sun_parse(t, url, strlen(url), &sun));
	check_uid("04C767F2066180", &sun);
	CHECK_INT(1, sun.read_ctr);
	test_hex("54A45B2C3A558765", mac, sizeof(mac));
	CHECK_BYTES(mac, sun.mac, 8);
	ntag424_template_free(&t);
}

/* The verifier's order for diversified keys: UID first, then its key. */
static void
steps_and_states(void)
{
	ntag424_template_t *t = tpl(sun2_tpl);
	ntag424_sun_ctx_t *ctx = ntag424_sun_ctx_new();
	ntag424_sun_t sun;
	size_t n = strlen(sun2_url);

	memset(&sun, 0, sizeof(sun));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_sun_decrypt_picc(ctx, &sun));
	CHECK_INT(NTAG424_OK, ntag424_sun_parse(t, sun2_url, n, &sun));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_sun_check_mac(ctx, &sun));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_sun_decrypt_picc(ctx, &sun));
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_meta_key(ctx, zero_key));
	CHECK_INT(NTAG424_OK, ntag424_sun_decrypt_picc(ctx, &sun));
	check_uid("04DE5F1EACC040", &sun);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_sun_check_mac(ctx, &sun));
	CHECK_INT(NTAG424_OK, ntag424_sun_ctx_set_file_key(ctx, zero_key));
	CHECK_INT(NTAG424_OK, ntag424_sun_check_mac(ctx, &sun));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_sun_parse(NULL, sun2_url, n, &sun));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_sun_parse(t, NULL, n, &sun));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_sun_parse(t, sun2_url, n, NULL));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_sun_check_mac(NULL, &sun));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_sun_ctx_set_file_key(ctx, NULL));
	ntag424_sun_clear(&sun);
	CHECK_INT(0, sun.read_ctr);
	ntag424_sun_ctx_free(&ctx);
	ntag424_sun_ctx_free(&ctx);
	CHECK(ctx == NULL);
	ntag424_template_free(&t);
}

/* Change one hex digit at url[at] to another valid digit. */
static void
flip(char *url, size_t at)
{
	url[at] = url[at] == '0' ? '1' : '0';
}

/* A changed MAC, PICC or ENC digit, anywhere, is BAD_MAC. */
static void
tampered(void)
{
	char url[256];
	ntag424_sun_t sun;
	size_t enc = strstr(sun4_url, "&enc=") - sun4_url + 5;
	size_t picc = strstr(sun4_url, "picc_data=") - sun4_url + 10;
	size_t mac = strlen(sun4_url) - 16;

	for (size_t i = 0; i < 16; i++) {
		snprintf(url, sizeof(url), "%s", sun4_url);
		flip(url, mac + i);
		CHECK_INT(NTAG424_ERR_BAD_MAC, verify0(sun4_tpl, url, &sun));
		CHECK_INT(0, sun.file_data_len);
	}
	snprintf(url, sizeof(url), "%s", sun4_url);
	flip(url, enc + 31);
	CHECK_INT(NTAG424_ERR_BAD_MAC, verify0(sun4_tpl, url, &sun));
	CHECK_INT(0, sun.file_data_len);
	snprintf(url, sizeof(url), "%s", sun4_url);
	flip(url, picc + 31);
	CHECK_INT(NTAG424_ERR_BAD_MAC, verify0(sun4_tpl, url, &sun));
	/* SUN-2: the MAC input is empty, the PICC data still counts (SV2). */
	snprintf(url, sizeof(url), "%s", sun2_url);
	flip(url, strstr(url, "e=") - url + 2 + 31);
	CHECK_INT(NTAG424_ERR_BAD_MAC, verify0(sun2_tpl, url, &sun));
}

static void
wrong_keys(void)
{
	ntag424_template_t *t = tpl(sun4_tpl);
	uint8_t other[16] = { 1 };
	ntag424_sun_ctx_t *ctx;
	ntag424_sun_t sun;
	size_t n = strlen(sun4_url);

	ctx = ctx_keys(zero_key, other);
	CHECK_INT(NTAG424_ERR_BAD_MAC, ntag424_sun_verify(ctx, t, sun4_url, n,
	    &sun));
	CHECK_INT(0, sun.file_data_len);
	ntag424_sun_ctx_free(&ctx);
	/* Wrong meta-read key: PICCDataTag does not come out as C7. */
	ctx = ctx_keys(other, zero_key);
	CHECK_INT(NTAG424_ERR_BAD_MAC, ntag424_sun_verify(ctx, t, sun4_url, n,
	    &sun));
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
}

/* Any order, either case, a bare query, extra parameters, a fragment. */
static void
accepted_forms(void)
{
	static const char *forms[] = {
		"https://ntag.nxp.com/424?c=94EED9EE65337086"
		    "&e=EF963FF7828658A599F3041510671E88",
		"https://ntag.nxp.com/424?e=ef963ff7828658a599f3041510671e88"
		    "&c=94eed9ee65337086",
		"e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086",
		"?e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086",
		"/424?c=94EED9EE65337086&e=EF963FF7828658A599F3041510671E88",
		"https://ntag.nxp.com/424?utm=x&e=EF963FF7828658A599F3041510671E88"
		    "&&c=94EED9EE65337086&flag",
		"https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88"
		    "&c=94EED9EE65337086#c=0000000000000000",
		"e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086"
		    "&next=https://x/",
	};
	ntag424_sun_t sun;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (!CHECK_INT(NTAG424_OK, verify0(sun2_tpl, forms[i], &sun)))
			fprintf(stderr, "  form %zu: %s: %s\n", i, sun.field,
			    sun.reason);
		CHECK_INT(61, sun.read_ctr);
	}
}

static void
bad(const char *text, const char *url, size_t len, const char *field,
    const char *reason)
{
	ntag424_template_t *t = tpl(text);
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_ERR_MALFORMED, ntag424_sun_parse(t, url, len, &sun));
	if (strcmp(sun.field, field) != 0 || strstr(sun.reason, reason) == NULL) {
		test_fail(__FILE__, __LINE__, url);
		fprintf(stderr, "  got %s: %s; want %s: %s\n", sun.field,
		    sun.reason, field, reason);
	}
	ntag424_template_free(&t);
}

#define BAD(text, url, field, reason) \
	bad((text), (url), strlen(url), (field), (reason))

static void
malformed_fields(void)
{
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E8G"
	    "&c=94EED9EE65337086", "e", "{picc} is not 32 hex digits");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E8"
	    "&c=94EED9EE65337086", "e", "31 characters, the template has 32");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE653370861", "c", "17 characters, the template has 16");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88",
	    "c", "missing");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?c=94EED9EE65337086", "e",
	    "missing");
	BAD(sun2_tpl, "https://ntag.nxp.com/424", "e", "missing");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE65337086&e=EF963FF7828658A599F3041510671E88", "e",
	    "appears twice");
	BAD(sun2_tpl, "https://ntag.nxp.com/425?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE65337086", "path", "does not match");
	BAD(sun2_tpl, "https://evil.example.org/424?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE65337086", "path", "28 characters, the template has 24");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE 5337086", "url", "byte 0x20 at position 70");
	BAD(sun2_tpl, "https://ntag.nxp.com/424?e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE\xc3\xa9" "337086", "url", "byte 0xC3 at position 70");
	bad(sun2_tpl, "e=EF963FF7828658A599F3041510671E88\0&c=94EED9EE65337086",
	    54, "url", "byte 0x00 at position 34");
	/* {uid}x{ctr} in one value: the literal 'x' must be there. */
	BAD("https://a.b/?p={uid}x{ctr}&m={mac}",
	    "https://a.b/?p=04C767F2066180y000001&m=0000000000000000", "p",
	    "does not match");
	BAD("https://a.b/?p={uid}x{ctr}&m={mac}",
	    "https://a.b/?p=04C767F2066180x00000G&m=0000000000000000", "p",
	    "{ctr} is not 6 hex digits");
	BAD("https://a.b/{uid}?c={ctr}&m={mac}",
	    "c=000001&m=0000000000000000", "url", "give the whole URL");
	BAD("https://a.b/{uid}/{ctr}/{mac}",
	    "https://a.b/04C767F2066180/000001/0000000000000000?x=1", "url",
	    "has a query");
}

/*
 * Every byte value at every position of a word and of the tail: only
 * 21h-7Eh pass the URL character check (the parser checks 8 at a time).
 */
static void
every_byte(void)
{
	ntag424_template_t *t = tpl(sun2_tpl);
	char url[19], want[64];
	ntag424_sun_t sun;

	for (unsigned b = 0; b < 256; b++) {
		for (size_t at = 0; at < sizeof(url); at++) {
			int bad = b <= 0x20 || b >= 0x7f;
			int r;

			memcpy(url, "x=0123456789abcdefg", sizeof(url));
			url[at] = (char)b;
			r = ntag424_sun_parse(t, url, sizeof(url), &sun);
			snprintf(want, sizeof(want), "byte 0x%02X at position %zu",
			    b, at);
			strcat(want, " is not a URL character");
			if (bad ? r != NTAG424_ERR_MALFORMED ||
			    strcmp(sun.reason, want) != 0 :
			    r == NTAG424_ERR_MALFORMED &&
			    strcmp(sun.field, "url") == 0) {
				test_fail(__FILE__, __LINE__, want);
				goto out;
			}
		}
	}
out:
	ntag424_template_free(&t);
}

static int
is_hex(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* The digit of the URL's value at offset off, as the parser stored it. */
static unsigned
stored_digit(const ntag424_sun_t *sun, char name, size_t off)
{
	size_t	i = off / 2;
	uint8_t	b;

	switch (name) {
	case 'p':
		b = sun->picc_enc[i];
		break;
	case 'u':
		b = sun->uid[i];
		break;
	case 'c':	/* NT4H2421Gx 9.3.1: MSB first */
		b = (uint8_t)(sun->read_ctr >> (8 * (2 - i)));
		break;
	default:
		b = sun->mac[i];
		break;
	}
	return off % 2 == 0 ? b >> 4 : b & 0x0f;
}

/* Each URL character in turn at every hex position of good. */
static void
hex_positions(const char *text, const char *good)
{
	ntag424_template_t *t = tpl(text);
	size_t len = strlen(good), q = (size_t)(strchr(good, '?') - good);
	ntag424_sun_t sun;
	char url[128];

	CHECK_INT(NTAG424_OK, ntag424_sun_parse(t, good, len, &sun));
	for (size_t at = q + 1, vstart = 0; at < len; at++) {
		if (good[at] == '&' || good[at] == '=') {
			vstart = good[at] == '=' ? at + 1 : 0;
			continue;
		}
		if (vstart == 0)
			continue;	/* in a name */
		for (unsigned c = 0x21; c < 0x7f; c++) {
			char name = good[vstart - 2];
			int r;

			if (c == '&' || c == '#' || c == '?' || c == '=')
				continue;	/* URL syntax, not a value */
			memcpy(url, good, len + 1);
			url[at] = (char)c;
			r = ntag424_sun_parse(t, url, len, &sun);
			if (is_hex(c) ? !CHECK_INT(NTAG424_OK, r) ||
			    !CHECK_INT(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10,
			    stored_digit(&sun, name, at - vstart)) :
			    !CHECK_INT(NTAG424_ERR_MALFORMED, r) ||
			    !CHECK_INT(name, sun.field[0]) ||
			    !CHECK_INT(1, strstr(sun.reason, "hex digits") !=
			    NULL)) {
				fprintf(stderr, "  %s\n", url);
				goto out;
			}
		}
	}
out:
	ntag424_template_free(&t);
}

/*
 * Every URL character in every hex position: {picc} (32 digits, eight at
 * a time in the parser: every lane of every word), {mac} (16), and digits
 * left over after whole words ({uid}: 14 = 8 + 6, {ctr}: 6). Hex decodes
 * to its value in either case; anything else is refused naming the field.
 */
static void
hex_digits(void)
{
	hex_positions("https://a.b/?p={picc}&m={mac}",
	    "https://a.b/?p=0123456789abcdefABCDEF0123456789"
	    "&m=FEDCBA9876543210");
	hex_positions("https://a.b/?u={uid}&c={ctr}&m={mac}",
	    "https://a.b/?u=0123456789ABCD&c=0A1b2C&m=fedcba9876543210");
}

/*
 * A struct used again is reset by parse: results of the last URL and its
 * decrypted file data are gone, even when the new URL is refused.
 */
static void
parse_resets(void)
{
	static const uint8_t none[NTAG424_SUN_DATA_MAX];
	ntag424_template_t *t2 = tpl(sun2_tpl);
	ntag424_sun_t sun;

	CHECK_INT(NTAG424_OK, verify0(sun3_tpl, sun3_url, &sun));
	CHECK_INT(16, sun.file_data_len);
	CHECK_INT(NTAG424_ERR_MALFORMED, ntag424_sun_parse(t2, "e=00",
	    strlen("e=00"), &sun));
	CHECK_BYTES(none, sun.file_data, sizeof(none));
	CHECK_INT(0, sun.file_data_len);
	CHECK(!sun.has_uid && !sun.has_read_ctr);
	CHECK_BYTES(none, sun.uid, sizeof(sun.uid));
	CHECK_INT(NTAG424_OK, verify0(sun3_tpl, sun3_url, &sun));
	CHECK_INT(NTAG424_OK, ntag424_sun_parse(t2, sun2_url, strlen(sun2_url),
	    &sun));
	CHECK_BYTES(none, sun.file_data, sizeof(none));
	CHECK_INT(0, sun.file_data_len);
	CHECK_INT(0, sun.enc_len);
	CHECK_INT('\0', sun.field[0]);
	CHECK_INT('\0', sun.reason[0]);
	CHECK(!sun.has_uid && !sun.has_read_ctr);
	ntag424_template_free(&t2);
}

static void
oversize(void)
{
	static char url[NTAG424_SUN_URL_MAX + 2];

	memset(url, 'a', sizeof(url) - 1);
	BAD(sun2_tpl, url, "url", "longer than 2048 bytes");
}

/*
 * Round trips: compile, let the test mirror play the tag with random keys,
 * UID, counter and padding, verify. {macin} in every kind of place.
 */
static void
round_trips(void)
{
	static const struct {
		const char	*text;
		const char	*prefix;
	} c[] = {
		{ "https://a.example/t?p={picc}&m={mac}", "https://" },
		{ "https://a.example/t?p={macin}{picc}&m={mac}", "https://" },
		{ "{macin}https://a.example/t?p={picc}&m={mac}", "" },
		{ "https://{macin}a.example/t?p={picc}&m={mac}", "https://" },
		{ "https://a.example/t?{macin}p={picc}&m={mac}", "https://" },
		{ "https://a.example/t?p={picc}&{macin}m={mac}", "https://" },
		{ "https://a.example/t?p={picc}&d={macin}{enc:0123456789abcdef"
		    "ABCDEFGHIJKLMNOP}&m={mac}", "https://" },
		{ "https://a.example/t?d={macin}{enc:secretsecretsecr}"
		    "&p={picc}&m={mac}", "https://" },
		{ "http://www.a.example/{macin}{uid}x{ctr}?m={mac}",
		    "http://www." },
		{ "https://a.example/t?c={ctr}&m={mac}", "https://" },
		{ "https://a.example/t?u={macin}{uid}&c={ctr}"
		    "&e={enc:!\"$%&'()*+,-./:;}&m={mac}", "https://" },
		{ "tel:+41{macin}{ctr}{mac}", "tel:" },
	};
	static const uint32_t ctrs[] = { 0, 1, 0x123456, 0xFFFFFF };

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ntag424_template_t *t = tpl(c[i].text);
		struct mirror_tap tap;
		ntag424_sun_ctx_t *ctx;
		ntag424_sun_t sun;
		char url[300];
		const ntag424_sdm_t *m = &ntag424_template_settings(t)->sdm;

		CHECK_INT(0, random_bytes((uint8_t *)&tap, sizeof(tap)));
		tap.ctr = ctrs[i % 4];
		CHECK_INT(0, mirror_url(ntag424_template_ndef_ptr(t),
		    ntag424_template_ndef_len(t), ntag424_template_settings(t),
		    &tap, c[i].prefix, url, sizeof(url)));
		ctx = ctx_keys(tap.meta_key, tap.file_key);
		if (!CHECK_INT(NTAG424_OK, ntag424_sun_verify(ctx, t, url,
		    strlen(url), &sun)))
			fprintf(stderr, "  %s -> %s (%s: %s)\n", c[i].text, url,
			    sun.field, sun.reason);
		CHECK_INT(tap.ctr, sun.read_ctr);
		if (m->uid_mirror)
			CHECK_BYTES(tap.uid, sun.uid, 7);
		CHECK_INT(m->uid_mirror, sun.has_uid);
		CHECK_INT(m->enc_length / 2, sun.file_data_len);
		if (m->enc_file_data)
			CHECK(memcmp(sun.file_data, ntag424_template_ndef_ptr(t) +
			    m->enc_offset, sun.file_data_len) == 0);
		ntag424_sun_clear(&sun);
		ntag424_sun_ctx_free(&ctx);
		ntag424_template_free(&t);
	}
}

/* The mirror's MAC covers a plain UID in the window: change it, BAD_MAC. */
static void
plain_uid_in_window(void)
{
	ntag424_template_t *t = tpl("https://a.b/?u={macin}{uid}&c={ctr}&m={mac}");
	struct mirror_tap tap = { .ctr = 5 };
	ntag424_sun_ctx_t *ctx = ctx_keys(zero_key, zero_key);
	ntag424_sun_t sun;
	char url[300];

	memcpy(tap.uid, "\x04\x11\x22\x33\x44\x55\x66", 7);
	CHECK_INT(0, mirror_url(ntag424_template_ndef_ptr(t),
	    ntag424_template_ndef_len(t), ntag424_template_settings(t), &tap,
	    "https://", url, sizeof(url)));
	CHECK_INT(NTAG424_OK, ntag424_sun_verify(ctx, t, url, strlen(url), &sun));
	flip(url, strstr(url, "u=") - url + 2 + 13);
	CHECK_INT(NTAG424_ERR_BAD_MAC, ntag424_sun_verify(ctx, t, url,
	    strlen(url), &sun));
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
}

int
main(void)
{
	RUN(sun1_session_keys);
	RUN(sun1_plain_round_trip);
	RUN(sun2_vector);
	RUN(sun3_vector);
	RUN(sun4_vector);
	RUN(sun5_parse);
	RUN(steps_and_states);
	RUN(tampered);
	RUN(wrong_keys);
	RUN(accepted_forms);
	RUN(malformed_fields);
	RUN(every_byte);
	RUN(hex_digits);
	RUN(parse_resets);
	RUN(oversize);
	RUN(round_trips);
	RUN(plain_uid_in_window);
	return test_summary();
}
