/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SDM mirroring against the AN12196 SUN vectors (SUN-2, SUN-3, SUN-4) and
 * the read-counter rules of NT4H2421Gx 9.3.1-9.3.2.
 */
#include <string.h>

#include "helper.h"
#include "test.h"

/* NLEN || D1 01 len 55 prefix url, into file 02 (static bytes). */
static void
put_ndef(emu_file_t *f, uint8_t prefix, const char *url)
{
	size_t n = strlen(url);

	memset(f->data, 0, sizeof(f->data));
	f->data[0] = 0x00;
	f->data[1] = (uint8_t)(n + 5);
	f->data[2] = 0xD1;
	f->data[3] = 0x01;
	f->data[4] = (uint8_t)(n + 1);
	f->data[5] = 0x55;
	f->data[6] = prefix;
	memcpy(f->data + 7, url, n);
}

/* Offset of the byte after marker in the static file. */
static uint32_t
after(const emu_file_t *f, const char *marker)
{
	const char *p = memmem(f->data, f->size, marker, strlen(marker));

	CHECK(p != NULL);
	return p == NULL ? 0 : (uint32_t)((const uint8_t *)p - f->data +
	    strlen(marker));
}

static emu_t *
tag(const char *uid_hex)
{
	uint8_t uid[7];
	emu_t *e;

	test_hex(uid_hex, uid, sizeof(uid));
	e = emu_new(uid);
	CHECK(e != NULL);
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	return e;
}

static void
pad(emu_t *e, const char *hex)
{
	uint8_t v[16];
	size_t n = test_hex(hex, v, sizeof(v));

	CHECK_INT(0, emu_inject(e, EMU_INJECT_PICC_PAD, v, n));
}

/* The whole dynamic file through ISOReadBinary of E104. */
static int
iso_read_all(emu_t *e, uint8_t *out, size_t *n)
{
	int sw = h_sw(e, "00A4000C02E10400");

	if (sw != 0x9000)
		return sw;
	return h_send(e, (const uint8_t *)"\x00\xB0\x00\x00\x00", 5, out, n);
}

/* ReadData file 02, offset 0, whole file, unauthenticated. */
static int
read_data_all(emu_t *e, uint8_t *out, size_t *n)
{
	static const uint8_t hdr[7] = { 0x02, 0, 0, 0, 0, 0, 0 };

	return h_plain(e, 0xAD, hdr, sizeof(hdr), out, n);
}

static void
check_ascii(const uint8_t *dyn, uint32_t off, const char *exp)
{
	CHECK_BYTES((const uint8_t *)exp, dyn + off, strlen(exp));
}

/* AN12196 Tables 3 and 5 (SUN-2): encrypted PICCData, empty MAC input. */
static void
sun2_picc_and_empty_mac(void)
{
	emu_t *e = tag("04DE5F1EACC040");
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t dyn[300];
	size_t n = 0;
	uint32_t e_off, c_off;

	put_ndef(f, 0x04, "ntag.nxp.com/424?e=00000000000000000000000000000000"
	    "&c=0000000000000000");
	e_off = after(f, "?e=");
	c_off = after(f, "&c=");
	f->option = 0x40;
	f->sdm_options = 0xC1;
	f->sdm_ar = 0x00FF;	/* MetaRead 0, FileRead 0, CtrRet F */
	f->picc_off = e_off;
	f->mac_in_off = c_off;
	f->mac_off = c_off;
	f->sdm_ctr = 60;
	pad(e, "DA5CF60941");
	CHECK_INT(0x9000, iso_read_all(e, dyn, &n));
	CHECK_INT(256, n);
	check_ascii(dyn, e_off, "EF963FF7828658A599F3041510671E88");
	check_ascii(dyn, c_off, "94EED9EE65337086");
	CHECK_INT(61, f->sdm_ctr);
	/* the static placeholders are untouched */
	CHECK_INT('0', f->data[e_off]);
	emu_free(&e);
}

static void
sun34_layout(emu_file_t *f, uint8_t prefix)
{
	put_ndef(f, prefix, "my424dna.com/?picc_data=0000000000000000000000000"
	    "0000000&enc=xxxxxxxxxxxxxxxx0000000000000000&cmac=0000000000000000");
}

/* AN12196 4.4.3 and Table 4 (SUN-3): SDMENCFileData and its MAC. */
static void
sun3_enc_file_data(void)
{
	emu_t *e = tag("04958CAA5C5E80");
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t dyn[300];
	size_t n = 0;

	sun34_layout(f, 0x04);
	f->option = 0x40;
	f->sdm_options = 0xD1;
	f->sdm_ar = 0x00FF;
	f->picc_off = after(f, "picc_data=");
	f->enc_off = after(f, "&enc=");
	f->enc_len = 32;
	f->mac_in_off = f->enc_off;
	f->mac_off = after(f, "&cmac=");
	CHECK_INT(31, f->picc_off);
	CHECK_INT(68, f->enc_off);
	CHECK_INT(106, f->mac_off);
	pad(e, "851ECB67D4");
	CHECK_INT(0x9100, read_data_all(e, dyn, &n));
	CHECK_INT(256, n);
	check_ascii(dyn, 31, "FDE4AFA99B5C820A2C1BB0F1C792D0EB");
	check_ascii(dyn, 68, "94592FDE69FA06E8E3B6CA686A22842B");
	check_ascii(dyn, 106, "C48B89C17A233B2C");
	CHECK_INT(1, f->sdm_ctr);
	emu_free(&e);
}

/*
 * AN12196 Table 6 (SUN-4), configured the way a host would: NDEF written
 * with ISOUpdateBinary, SDM switched on with ChangeFileSettings under key
 * 0 (SM-1 payload), then read by a phone.
 */
static void
sun4_configured_by_change_file_settings(void)
{
	static const uint8_t key0[16] = { 0 };
	emu_t *e = tag("04958CAA5C5E80");
	emu_file_t *f = &emu_persist(e)->file[1];
	emu_file_t tmp;
	uint8_t c[300], dyn[300], set[32], r[16];
	size_t n = 0, setn;
	hsess_t s;

	memset(&tmp, 0, sizeof(tmp));
	tmp.size = 256;
	sun34_layout(&tmp, 0x02);
	memcpy(c, "\x00\xD6\x00\x00", 4);
	c[4] = 128;
	memcpy(c + 5, tmp.data, 128);
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x9000, h_send(e, c, 5 + 128, NULL, NULL));
	CHECK_INT(0x9100, h_auth(e, 1, 0, key0, &s));
	setn = test_hex("40E0EED1FE001F00004400004400002000006A0000", set,
	    sizeof(set));
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5F, (const uint8_t *)"\x02", 1, set,
	    setn, H_FULL, NULL, NULL));
	CHECK_INT(0, f->sdm_ctr);
	f->sdm_ctr = 7;
	emu_power_cycle(e);
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	pad(e, "A243C86DFC");
	CHECK_INT(0x9000, iso_read_all(e, dyn, &n));
	check_ascii(dyn, 31, "FD91EC264309878BE6345CBE53BADF40");
	check_ascii(dyn, 68, "CEE9A53E3E463EF1F459635736738962");
	check_ascii(dyn, 106, "ECC1E7F6C6C73BF6");
	/* GetFileCounters is free (SDMCtrRet = E) and Plain */
	CHECK_INT(0x9100, h_plain(e, 0xF6, (const uint8_t *)"\x02", 1, r, &n));
	CHECK_INT(5, n);
	CHECK_BYTES((const uint8_t *)"\x08\x00\x00\x00\x00", r, 5);
	emu_free(&e);
}

/* Plain UID and counter mirror; counter "000001" MSB first (DS 9.3.3). */
static emu_t *
plain_mirror_tag(uint8_t options, uint32_t limit)
{
	emu_t *e = tag("04C767F2066180");
	emu_file_t *f = &emu_persist(e)->file[1];

	put_ndef(f, 0x04, "x.example/?u=00000000000000x000000");
	f->option = 0x40;
	f->sdm_options = options;
	f->sdm_ar = 0xEFFF;	/* MetaRead E, FileRead F, CtrRet F */
	f->uid_off = after(f, "?u=");
	f->ctr_off = f->uid_off + 15;
	f->ctr_limit = limit;
	return e;
}

static void
plain_mirror_uid_and_counter(void)
{
	emu_t *e = plain_mirror_tag(0xC1, 0xFFFFFF);
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t dyn[300];
	size_t n = 0;

	CHECK_INT(0x9000, iso_read_all(e, dyn, &n));
	check_ascii(dyn, f->uid_off, "04C767F2066180x000001");
	emu_free(&e);
}

/*
 * Runs (DS 9.3.1): select, ReadBinary +1, ReadBinary +0, ReadData +1,
 * ReadBinary +1; an authenticated read neither mirrors nor counts.
 */
static void
counter_runs(void)
{
	emu_t *e = plain_mirror_tag(0xC1, 0xFFFFFF);
	emu_file_t *f = &emu_persist(e)->file[1];
	static const uint8_t key0[16] = { 0 };
	uint8_t dyn[300], hdr[7] = { 0x02, 0, 0, 0, 0, 0, 0 };
	size_t n = 0;
	hsess_t s;

	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x9000, h_sw(e, "00B0000002"));
	CHECK_INT(1, f->sdm_ctr);
	CHECK_INT(0x9000, h_sw(e, "00B0000200"));
	CHECK_INT(1, f->sdm_ctr);
	CHECK_INT(0x9100, read_data_all(e, dyn, &n));
	CHECK_INT(2, f->sdm_ctr);
	check_ascii(dyn, f->ctr_off, "000002");
	CHECK_INT(0x9100, read_data_all(e, dyn, &n));
	CHECK_INT(2, f->sdm_ctr);
	CHECK_INT(0x9000, h_sw(e, "00B0000002"));
	CHECK_INT(3, f->sdm_ctr);
	CHECK_INT(0x9100, h_auth(e, 1, 0, key0, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD, hdr, 7, NULL, 0, H_PLAIN, dyn,
	    &n));
	CHECK_INT(3, f->sdm_ctr);
	CHECK_BYTES(f->data, dyn, 256);
	emu_free(&e);
}

/* SDMReadCtrLimit: ReadData 919D, ISOReadBinary 6982 (DS Tables 80, 89). */
static void
counter_limit(void)
{
	emu_t *e = plain_mirror_tag(0xE1, 2);
	emu_file_t *f = &emu_persist(e)->file[1];
	static const uint8_t key0[16] = { 0 };
	uint8_t dyn[300], hdr[7] = { 0x02, 0, 0, 0, 0x10, 0, 0 };
	size_t n = 0;
	hsess_t s;

	CHECK_INT(0x9100, read_data_all(e, dyn, &n));
	CHECK_INT(0x9000, iso_read_all(e, dyn, &n));
	CHECK_INT(2, f->sdm_ctr);
	/* docs/emulator.md E-23: the run that reached the limit may go on */
	CHECK_INT(0x9000, h_sw(e, "00B0000010"));
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x6982, h_sw(e, "00B0000000"));
	CHECK_INT(0x919D, read_data_all(e, dyn, &n));
	CHECK_INT(2, f->sdm_ctr);
	/* authenticated reads still work past the limit */
	CHECK_INT(0x9100, h_auth(e, 1, 0, key0, &s));
	CHECK_INT(0x9100, h_cmd(e, &s, 0xAD, hdr, 7, NULL, 0, H_PLAIN, dyn,
	    &n));
	CHECK_INT(16, n);
	emu_free(&e);
}

/* Counter at FFFFFF without limit: ReadData 911E, ISOReadBinary 6982. */
static void
counter_overflow(void)
{
	emu_t *e = plain_mirror_tag(0xC1, 0xFFFFFF);
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t dyn[300];
	size_t n = 0;

	f->sdm_ctr = 0xFFFFFE;
	CHECK_INT(0x9100, read_data_all(e, dyn, &n));
	check_ascii(dyn, f->ctr_off, "FFFFFF");
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x911E, read_data_all(e, dyn, &n));
	CHECK_INT(0x6982, iso_read_all(e, dyn, &n));
	emu_free(&e);
}

/* The PICCData padding is reused inside a run and fresh in the next. */
static void
picc_padding_per_run(void)
{
	emu_t *e = tag("04DE5F1EACC040");
	emu_file_t *f = &emu_persist(e)->file[1];
	uint8_t a[300], b[300], c[300];
	size_t n = 0;

	put_ndef(f, 0x04, "x/?e=00000000000000000000000000000000");
	f->option = 0x40;
	f->sdm_options = 0x81;	/* UID only: PICCDataTag 87, 8 pad bytes */
	f->sdm_ar = 0x0FFF;
	f->picc_off = after(f, "?e=");
	CHECK_INT(0x9100, read_data_all(e, a, &n));
	CHECK_INT(0x9100, read_data_all(e, b, &n));
	CHECK_BYTES(a, b, 256);
	CHECK_INT(0x9000, h_sw(e, "00A4000C02E10400"));
	CHECK_INT(0x9100, read_data_all(e, c, &n));
	CHECK(memcmp(a + f->picc_off, c + f->picc_off, 32) != 0);
	emu_free(&e);
}

int
main(void)
{
	RUN(sun2_picc_and_empty_mac);
	RUN(sun3_enc_file_data);
	RUN(sun4_configured_by_change_file_settings);
	RUN(plain_mirror_uid_and_counter);
	RUN(counter_runs);
	RUN(counter_limit);
	RUN(counter_overflow);
	RUN(picc_padding_per_run);
	return test_summary();
}
