/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared set-up of the integration tests (see integ.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "test.h"

const uint8_t integ_uid[7] = { 0x04, 0x6E, 0x1A, 0x2B, 0x3C, 0x4D, 0x80 };
const uint8_t integ_zero[16];

bool
integ_lrp(void)
{
	const char *v = getenv("INTEG_LRP");

	return v != NULL && strcmp(v, "1") == 0;
}

void
rig_open(struct rig *r, const uint8_t *uid)
{
	r->emu = emu_new(uid != NULL ? uid : integ_uid);
	r->dev = ntag424_dev_new();
	CHECK(r->emu != NULL);
	CHECK(r->dev != NULL);
	if (r->emu == NULL || r->dev == NULL)
		return;
	/* INTEG_LRP=1: every tag is in LRP mode (NT4H2421Gx 9.2). */
	if (integ_lrp())
		emu_persist(r->emu)->lrp = 1;
	CHECK_INT(NTAG424_OK, ntag424_emu_attach(r->dev, r->emu));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r->dev));
}

void
rig_close(struct rig *r)
{
	ntag424_dev_free(&r->dev);
	emu_free(&r->emu);
}

void
rig_repower(struct rig *r)
{
	CHECK_INT(NTAG424_OK, ntag424_dev_reconnect(r->dev));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r->dev));
}

void
rig_auth(struct rig *r, uint8_t key_no, const uint8_t key[16])
{
	CHECK_INT(NTAG424_OK, integ_auth_first(r->dev, key_no, key));
	if (integ_lrp())
		CHECK_INT(1, ntag424_auth_is_lrp(r->dev));
}

int
integ_auth_first(ntag424_dev_t *dev, uint8_t key_no, const uint8_t key[16])
{
	return integ_lrp() ? ntag424_auth_lrp_first(dev, key_no, key) :
	    ntag424_auth_ev2_first(dev, key_no, key);
}

int
integ_auth_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16])
{
	return integ_lrp() ? ntag424_auth_lrp_nonfirst(dev, key_no, key) :
	    ntag424_auth_ev2_nonfirst(dev, key_no, key);
}

void
integ_key(uint8_t key[16], uint8_t b)
{
	for (size_t i = 0; i < 16; i++)
		key[i] = (uint8_t)(b + i);
}

int
rig_configure(struct rig *r, const char *text,
    const ntag424_template_opts_t *opts, const uint8_t key0[16],
    ntag424_template_t **t)
{
	size_t pos = 0;
	int rc;

	ntag424_template_opts_t o;

	if (opts == NULL) {
		ntag424_template_opts_init(&o);
		opts = &o;
	}
	o = *opts;
	if (integ_lrp())
		o.mode = NTAG424_SDM_LRP;
	if ((*t = ntag424_template_new()) == NULL)
		return NTAG424_ERR_NOMEM;
	if ((rc = ntag424_template_compile(*t, text, &o)) != NTAG424_OK) {
		fprintf(stderr, "  %s: %s at %zu\n", text,
		    ntag424_template_error(*t, &pos), pos);
		return rc;
	}
	if ((rc = integ_auth_first(r->dev, 0, key0)) != NTAG424_OK ||
	    (rc = ntag424_data_write(r->dev, NTAG424_FILE_NDEF,
	    NTAG424_COMM_AUTO, 0, ntag424_template_ndef_ptr(*t),
	    ntag424_template_ndef_len(*t))) != NTAG424_OK ||
	    (rc = ntag424_file_settings_change(r->dev, NTAG424_FILE_NDEF,
	    ntag424_template_settings(*t))) != NTAG424_OK)
		return rc;
	/* The tag leaves the writer: no session remains on either side. */
	if ((rc = ntag424_dev_reconnect(r->dev)) != NTAG424_OK)
		return rc;
	return ntag424_select_application(r->dev);
}

/* NFC Forum URI RTD Table 3, the codes a template compiler may pick. */
static const char *
uri_prefix(uint8_t code)
{
	switch (code) {
	case 0x00:
		return "";
	case 0x01:
		return "http://www.";
	case 0x02:
		return "https://www.";
	case 0x03:
		return "http://";
	case 0x04:
		return "https://";
	default:
		return NULL;
	}
}

/* NLEN(2) || D1 01 PayloadLen(1) 55 || code || URI; nothing trusted. */
static int
ndef_url(const uint8_t *f, size_t n, char *url, size_t cap)
{
	const char *pre;
	size_t nlen, plen;

	if (n < 7)
		return NTAG424_ERR_RX;
	nlen = (size_t)f[0] << 8 | f[1];
	plen = f[4];
	if (f[2] != 0xD1 || f[3] != 0x01 || f[5] != 0x55 ||
	    nlen != plen + 4 || nlen + 2 > n || plen < 1 ||
	    (pre = uri_prefix(f[6])) == NULL ||
	    strlen(pre) + plen - 1 + 1 > cap)
		return NTAG424_ERR_RX;
	memcpy(url, pre, strlen(pre));
	memcpy(url + strlen(pre), f + 7, plen - 1);
	url[strlen(pre) + plen - 1] = '\0';
	return NTAG424_OK;
}

int
rig_tap(struct rig *r, int iso, char *url, size_t cap)
{
	uint8_t f[NTAG424_NDEF_FILE_SIZE];
	size_t got = 0;
	int rc;

	if (iso) {
		if ((rc = ntag424_select_file(r->dev, NTAG424_FID_NDEF)) != 0 ||
		    (rc = ntag424_iso_read_binary(r->dev, 0, f, sizeof(f),
		    &got)) != 0)
			return rc;
	} else {
		if ((rc = ntag424_data_read(r->dev, NTAG424_FILE_NDEF,
		    NTAG424_COMM_PLAIN, 0, f, sizeof(f))) != 0)
			return rc;
		got = sizeof(f);
	}
	return ndef_url(f, got, url, cap);
}

/*
 * Every SDM layout the compiler makes: encrypted PICCData with an empty
 * MAC input (AN12196 SUN-2) or a {macin} window (self-checkout), plain UID and
 * counter mirrors, encrypted file data with either, a counter only, and a
 * read-counter limit.
 */
const struct integ_tpl integ_tpls[] = {
	{ "https://ntag.nxp.com/424?e={picc}&c={mac}", 0, 1 },
	{ "https://example.com/tag?picc={macin}{picc}&cmac={mac}", 0, 1 },
	{ "https://example.com/t?uid={uid}&ctr={ctr}&m={mac}", 0, 1 },
	{ "http://example.com/t?uid={macin}{uid}&ctr={ctr}&m={mac}", 0, 1 },
	{ "https://www.my424dna.com/?picc_data={picc}"
	    "&enc={macin}{enc:xxxxxxxxxxxxxxxx}&cmac={mac}", 0, 1 },
	{ "https://e.example/p?u={uid}&c={ctr}"
	    "&d={macin}{enc:0123456789abcdefFEDCBA9876543210}&m={mac}", 0, 1 },
	{ "https://example.com/c?n={macin}{ctr}&m={mac}", 0, 0 },
	{ "https://example.com/l?picc={picc}&cmac={mac}", 3, 1 },
};
const size_t integ_ntpls = sizeof(integ_tpls) / sizeof(integ_tpls[0]);

void
integ_tpl_opts(const struct integ_tpl *it, ntag424_template_opts_t *o)
{
	ntag424_template_opts_init(o);
	o->read_ctr_limit = it->ctr_limit;
	if (integ_lrp())
		o->mode = NTAG424_SDM_LRP;
}
