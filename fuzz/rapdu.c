/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness: arbitrary R-APDUs into the command layer. The input
 * is a sequence of answers, each a 2-byte big-endian length and that many
 * bytes;
 * the harness runs the read-only survey of "ntag424 info", an
 * authentication and the secured commands against them. Nothing may crash,
 * leak or read out of bounds whatever the tag answers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "ntag424.h"

struct feed {
	const uint8_t	*p;
	size_t		 len;
};

static int
feed_transceive(void *ctx, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len)
{
	struct feed	*f = ctx;
	size_t		 n;

	(void)capdu;
	(void)capdu_len;
	if (f->len < 2)
		return NTAG424_ERR_TX;
	n = (size_t)f->p[0] << 8 | f->p[1];
	f->p += 2;
	f->len -= 2;
	if (n > f->len)
		n = f->len;
	if (n > *rapdu_len)
		return NTAG424_ERR_RX;
	memcpy(rapdu, f->p, n);
	*rapdu_len = n;
	f->p += n;
	f->len -= n;
	return NTAG424_OK;
}

static const ntag424_io_ops_t feed_ops = {
	.transceive = feed_transceive,
	.reconnect = NULL,
	.close = NULL,
};

static void
survey(ntag424_dev_t *dev)
{
	ntag424_version_t	v;
	ntag424_file_settings_t	fs;
	uint8_t			sig[NTAG424_SIG_LEN], buf[300], ver;
	size_t			got;

	(void)ntag424_select_application(dev);
	if (ntag424_version_get(dev, &v) == NTAG424_OK &&
	    ntag424_originality_read(dev, sig) == NTAG424_OK)
		(void)ntag424_originality_verify(v.uid, sizeof(v.uid), sig);
	for (uint8_t k = 0; k <= NTAG424_KEY_MAX; k++)
		(void)ntag424_key_version(dev, k, &ver);
	for (uint8_t f = 1; f <= 3; f++)
		(void)ntag424_file_settings_get(dev, f, &fs);
	(void)ntag424_data_read(dev, 2, NTAG424_COMM_PLAIN, 0, buf, 256);
	(void)ntag424_iso_read_binary(dev, 0, buf, sizeof(buf), &got);
}

static void
secured(ntag424_dev_t *dev)
{
	static const uint8_t key[16];
	ntag424_file_settings_t	fs;
	uint8_t			buf[256], uid[7], p, c;
	uint32_t		ctr;

	memset(&fs, 0, sizeof(fs));
	fs.comm_mode = NTAG424_COMM_FULL;
	fs.access.read = 2;
	fs.access.write = 3;
	fs.access.read_write = 3;
	(void)ntag424_uid_get(dev, uid);
	(void)ntag424_file_counters(dev, 2, &ctr);
	(void)ntag424_data_read(dev, 3, NTAG424_COMM_FULL, 0, buf, 128);
	(void)ntag424_data_read(dev, 2, NTAG424_COMM_MAC, 0, buf, 256);
	(void)ntag424_data_write(dev, 3, NTAG424_COMM_AUTO, 0, buf, 100);
	(void)ntag424_file_settings_change(dev, 3, &fs);
	(void)ntag424_tt_status(dev, &p, &c);
	(void)ntag424_key_change(dev, 1, key, 1, key);
	(void)ntag424_config_failed_auth(dev, true, 1000, 10);
	(void)ntag424_key_change(dev, 0, key, 1, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16];
	static const uint8_t rnda[16] = { 0x13, 0xC5, 0xDB, 0x8A, 0x59, 0x30,
	    0x43, 0x9F, 0xC3, 0xDE, 0xF9, 0xA4, 0xC6, 0x75, 0x36, 0x0F };
	struct feed	 f = { data, size };
	ntag424_dev_t	*dev;

	if ((dev = ntag424_dev_new()) == NULL ||
	    ntag424_dev_set_io(dev, &feed_ops, &f) != NTAG424_OK) {
		ntag424_dev_free(&dev);
		return 0;
	}
	survey(dev);
	nt_test_set_rnda(dev, rnda);
	if (ntag424_auth_ev2_first(dev, 0, key) != NTAG424_OK) {
		/* Secured paths up to the MAC check, with a known session. */
		memset(&dev->sess, 0, sizeof(dev->sess));
		dev->sess.suite = &nt_suite_aes;
	}
	secured(dev);
	/* The same through the LRP suite (AuthenticateLRPFirst, LRICB). */
	nt_test_set_rnda(dev, rnda);
	if (ntag424_auth_lrp_first(dev, 0, key) != NTAG424_OK) {
		memset(&dev->sess, 0, sizeof(dev->sess));
		if (lrp_init(&dev->sess.lrp_mac, key, 0) == 0 &&
		    lrp_init(&dev->sess.lrp_enc, key, 1) == 0)
			dev->sess.suite = &nt_suite_lrp;
	}
	secured(dev);
	ntag424_dev_free(&dev);
	return 0;
}
