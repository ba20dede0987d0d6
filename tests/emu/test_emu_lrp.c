/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulator in LRP mode against published bytes, on its own (no
 * libntag424 session code): AuthenticateLRPFirst, LRP secure messaging,
 * LRP SUN, and the switch to LRP mode with what it refuses afterwards.
 *
 * Sources: NXP AN12321 Table 2 (AuthenticateLRPFirst, all-zero key 3);
 * nfc-ev2-crypto's test_lrp_cmd (a real NTAG 424 DNA in LRP mode: three
 * GetCardUID in one session, given with the session vector); sdm-backend
 * tests/test_libsdm.py test_sdm_lrp1 (an LRP tag's SUN URL, all-zero keys).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/lrp.h"
#include "helper.h"
#include "ntag424.h"
#include "test.h"

static emu_t *
lrp_tag(void)
{
	emu_t *e = h_tag();

	CHECK(e != NULL);
	emu_persist(e)->lrp = 1;
	return e;
}

static void
inject(emu_t *e, int what, const char *hex)
{
	uint8_t v[16];
	size_t n = test_hex(hex, v, sizeof(v));

	CHECK_INT(0, emu_inject(e, what, v, n));
}

/* AN12321 Table 2, both frames byte for byte. */
static void
an12321_lrp_first(void)
{
	emu_t *e = lrp_tag();

	inject(e, EMU_INJECT_RNDB, "56109A31977C855319CD4618C9D2AED2");
	inject(e, EMU_INJECT_TI, "58EE9424");
	XCHG(e, "9071000008030602000000000000",
	    "0156109A31977C855319CD4618C9D2AED291AF");
	XCHG(e, "90AF00002074D7DF6A2CEC0B72B412DE0D2B1117E6189B59DCEDC31A3D3F"
	    "38EF8D4810B3B400", "F4FC209D9D60623588B299FA5D6B2D710125F8547D9F"
	    "B8D572C90D2C2A14E2359100");
	emu_free(&e);
}

/* A wrong PCDResponse: 91AE, no session (GetCardUID then wants one). */
static void
lrp_wrong_pcd_response(void)
{
	emu_t *e = lrp_tag();

	inject(e, EMU_INJECT_RNDB, "56109A31977C855319CD4618C9D2AED2");
	XCHG(e, "9071000008030602000000000000",
	    "0156109A31977C855319CD4618C9D2AED291AF");
	XCHG(e, "90AF00002074D7DF6A2CEC0B72B412DE0D2B1117E6189B59DCEDC31A3D3F"
	    "38EF8D4810B3B500", "91AE");
	CHECK_INT(0x91AE, h_sw(e, "9051000000"));
	emu_free(&e);
}

/* Table 19: EV2First on an LRP tag is refused with 919D. */
static void
lrp_tag_refuses_ev2(void)
{
	emu_t *e = lrp_tag();

	XCHG(e, "9071000002000000", "919D");
	XCHG(e, "9071000008000600000000000000", "919D");
	emu_free(&e);
}

/* An AES tag answers an LRP request as EV2First: 16 bytes, no AuthMode. */
static void
aes_tag_answers_ev2(void)
{
	emu_t *e = h_tag();
	uint8_t c[14], r[64];
	size_t n = sizeof(r);

	test_hex("9071000008000602000000000000", c, sizeof(c));
	CHECK_INT(0x91AF, h_send(e, c, sizeof(c), r, &n));
	CHECK_INT(16, n);
	emu_free(&e);
}

/* nfc-ev2-crypto test_lrp_cmd: GetCardUID three times, byte for byte. */
static void
trace_get_card_uid(void)
{
	uint8_t sv[32], key[16] = { 0 }, master[16], ti[4], uid[7];
	emu_t *e;
	lrp_t kx;

	test_hex("04940D2A2F7080", uid, sizeof(uid));
	CHECK((e = emu_new(uid)) != NULL);
	emu_persist(e)->lrp = 1;
	test_hex("00010080993C4EED466BFC0E7EE1D30C1EBD0DEA6F6481E0D70E9A174E"
	    "789669", sv, sizeof(sv));
	test_hex("4F5E8407", ti, sizeof(ti));
	CHECK_INT(0, lrp_init(&kx, key, 0));
	CHECK_INT(0, lrp_cmac(&kx, sv, sizeof(sv), master));
	CHECK_INT(0, emu_set_lrp_session(e, 0, ti, 0, master, 1));
	XCHG(e, "9051000008C37D6270F674CC6D00",
	    "5EC351196B8E2943DB04FCD4A952F53DA2830DC2258E45399100");
	XCHG(e, "9051000008D65CCB81E559140000",
	    "D80B735F7B4C8E7E8A3CDAAA4410F35F752769C8EBC48E1A9100");
	XCHG(e, "90510000088C677D7DCC34937100",
	    "9CCD031474A50199C696D8EF272E231A10173FAF41B614E49100");
	lrp_wipe(&kx);
	emu_free(&e);
}

/*
 * sdm-backend test_sdm_lrp1: the tag's own URL, byte for byte, with its
 * PICCRand and padding injected (the padding is what the published
 * PICCData decrypts to).
 */
static void
sun_lrp1(void)
{
	static const char *text = "https://example.com/?picc_data={picc}"
	    "&enc={macin}{enc:NTXXb7dz3PsYYBlU}&cmac={mac}";
	static const char *want = "https://example.com/?"
	    "picc_data=07D9CA2545881D4BFDD920BE1603268C0714420DD893A497"
	    "&enc=D6E921C47DB4C17C56F979F81559BB83&cmac=F9481AC7D855BDB6";
	ntag424_template_t *t = ntag424_template_new();
	ntag424_template_opts_t o;
	const ntag424_file_settings_t *s;
	uint8_t uid[7], rd[7] = { 0x02, 0, 0, 0, 0, 0, 0 }, out[300];
	size_t n = sizeof(out), ulen;
	emu_file_t *f;
	emu_t *e;

	test_hex("049B112A2F7080", uid, sizeof(uid));
	CHECK((e = emu_new(uid)) != NULL);
	CHECK_INT(0x9000, h_sw(e, "00A4040C07D276000085010100"));
	emu_persist(e)->lrp = 1;
	ntag424_template_opts_init(&o);
	o.mode = NTAG424_SDM_LRP;
	CHECK_INT(NTAG424_OK, ntag424_template_compile(t, text, &o));
	s = ntag424_template_settings(t);
	f = &emu_persist(e)->file[1];
	memset(f->data, 0, f->size);
	memcpy(f->data, ntag424_template_ndef_ptr(t),
	    ntag424_template_ndef_len(t));
	f->option = 0x40;
	f->ar = 0xE000;
	f->sdm_options = 0xD1;
	f->sdm_ar = 0x13F3;
	f->picc_off = s->sdm.picc_data_offset;
	f->mac_in_off = s->sdm.mac_input_offset;
	f->enc_off = s->sdm.enc_offset;
	f->enc_len = s->sdm.enc_length;
	f->mac_off = s->sdm.mac_offset;
	f->sdm_ctr = 3;
	inject(e, EMU_INJECT_PICC_RAND, "07D9CA2545881D4B");
	inject(e, EMU_INJECT_PICC_PAD, "08B336E25D");
	CHECK_INT(0x9100, h_plain(e, 0xAD, rd, sizeof(rd), out, &n));
	/* The URI record's text after the "https://" prefix code. */
	ulen = strlen(want) - strlen("https://");
	CHECK(n >= 7 + ulen);
	if (n >= 7 + ulen)
		CHECK_BYTES((const uint8_t *)want + strlen("https://"), out + 7,
		    ulen);
	CHECK_INT(4, f->sdm_ctr);
	ntag424_template_free(&t);
	emu_free(&e);
}

/*
 * SetConfiguration 05 with PDCap2.1 = 02 in an EV2 session: LRP for good
 * (saved with the state), SDM off; afterwards EV2First is refused and an
 * RFU bit in PDCap2.1 is a parameter error.
 */
static void
switch_to_lrp(void)
{
	uint8_t key[16] = { 0 }, opt = 0x05, d[10] = { 0 };
	char path[] = "/tmp/emu_lrp_XXXXXX";
	emu_t *e = h_tag(), *back = NULL;
	hsess_t s;
	int fd;

	emu_persist(e)->file[1].option |= 0x40;
	CHECK_INT(0x9100, h_auth(e, 1, 0, key, &s));
	d[4] = 0x06;
	CHECK_INT(0x919E, h_cmd(e, &s, 0x5C, &opt, 1, d, sizeof(d), H_FULL,
	    NULL, NULL));
	CHECK_INT(0, emu_persist(e)->lrp);
	CHECK_INT(0x9100, h_auth(e, 1, 0, key, &s));
	d[4] = 0x02;
	CHECK_INT(0x9100, h_cmd(e, &s, 0x5C, &opt, 1, d, sizeof(d), H_FULL,
	    NULL, NULL));
	CHECK_INT(1, emu_persist(e)->lrp);
	CHECK_INT(0, emu_persist(e)->file[1].option & 0x40);
	XCHG(e, "9071000002000000", "919D");
	CHECK((fd = mkstemp(path)) >= 0);
	close(fd);
	CHECK_INT(NTAG424_OK, emu_save(e, path));
	CHECK_INT(NTAG424_OK, emu_load(&back, path, 0, NULL));
	CHECK(back != NULL);
	if (back != NULL)
		CHECK_INT(1, emu_persist(back)->lrp);
	unlink(path);
	emu_free(&back);
	emu_free(&e);
}

int
main(void)
{
	RUN(an12321_lrp_first);
	RUN(lrp_wrong_pcd_response);
	RUN(lrp_tag_refuses_ev2);
	RUN(aes_tag_answers_ev2);
	RUN(trace_get_card_uid);
	RUN(sun_lrp1);
	RUN(switch_to_lrp);
	return test_summary();
}
