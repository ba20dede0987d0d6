/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the libntag424 tests. */
#ifndef TEST_LIB_HELPERS_H
#define TEST_LIB_HELPERS_H

#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "test.h"

/* Install a session as a published vector states it. */
static inline void
set_session(ntag424_dev_t *dev, const char *enc, const char *mac,
    const char *ti, uint16_t ctr, uint8_t key_no)
{
	memset(&dev->sess, 0, sizeof(dev->sess));
	test_hex(enc, dev->sess.enc_key, sizeof(dev->sess.enc_key));
	test_hex(mac, dev->sess.mac_key, sizeof(dev->sess.mac_key));
	test_hex(ti, dev->sess.ti, sizeof(dev->sess.ti));
	dev->sess.cmd_ctr = ctr;
	dev->sess.key_no = key_no;
	dev->sess.suite = &nt_suite_aes;
}

static inline void
check_session(const ntag424_dev_t *dev, const char *enc, const char *mac,
    const char *ti, uint16_t ctr)
{
	uint8_t e[16], m[16], t[4];

	test_hex(enc, e, sizeof(e));
	test_hex(mac, m, sizeof(m));
	test_hex(ti, t, sizeof(t));
	CHECK(dev->sess.suite != NULL);
	CHECK_BYTES(e, dev->sess.enc_key, 16);
	CHECK_BYTES(m, dev->sess.mac_key, 16);
	CHECK_BYTES(t, dev->sess.ti, 4);
	CHECK_INT(ctr, dev->sess.cmd_ctr);
}

static inline void
inject_rnda(ntag424_dev_t *dev, const char *hex)
{
	uint8_t r[16];

	test_hex(hex, r, sizeof(r));
	nt_test_set_rnda(dev, r);
}

#endif
