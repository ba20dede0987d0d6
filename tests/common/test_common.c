/* SPDX-License-Identifier: BSD-2-Clause */
/* Hex, cursor, secret arguments and the error table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/secret.h"
#include "ntag424.h"
#include "test.h"

static void
hex_strict(void)
{
	uint8_t out[4];
	char enc[9];

	CHECK_INT(0, hex_decode_str("a1B2c3D4", out, 4));
	CHECK_INT(0xA1, out[0]);
	CHECK_INT(0xD4, out[3]);
	CHECK_INT(-1, hex_decode_str("a1B2c3D", out, 4));
	CHECK_INT(-1, hex_decode_str("a1B2c3D4FF", out, 4));
	CHECK_INT(-1, hex_decode_str("a1B2c3Dx", out, 4));
	CHECK_INT(-1, hex_decode_str("", out, 4));
	hex_encode(out, 4, enc);
	CHECK(strcmp(enc, "A1B2C3D4") == 0);
}

static void
cursor_bounds(void)
{
	const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04 };
	const uint8_t *p = data;
	size_t len = sizeof(data);
	uint32_t v24;
	uint16_t v16;
	uint8_t big[8];

	CHECK_INT(0, buf_read_u24le(&p, &len, &v24));
	CHECK_INT(0x030201, v24);
	CHECK_INT(-1, buf_read_u16le(&p, &len, &v16));
	CHECK_INT(1, len);
	CHECK_INT(-1, buf_read(&p, &len, big, 2));
	CHECK_INT(0, buf_skip(&p, &len, 1));
	CHECK_INT(0, len);
}

static void
writer_bounds(void)
{
	uint8_t out[4];
	wbuf_t w;

	wbuf_init(&w, out, sizeof(out));
	CHECK_INT(0, wbuf_put_u24le(&w, 0x800000));
	CHECK_INT(-1, wbuf_put_u16be(&w, 0xE104));
	CHECK_INT(0, wbuf_put_u8(&w, 0xAA));
	CHECK_INT(-1, wbuf_put_u8(&w, 0xBB));
	CHECK_INT(4, w.len);
	CHECK_INT(0x80, out[2]);
}

static void
secret_arguments(void)
{
	char path[] = "/tmp/provisio-secret-XXXXXX";
	uint8_t key[4];
	FILE *f;
	int fd;

	CHECK_INT(NTAG424_OK, secret_from_arg("00112233", key, 4));
	CHECK_INT(0x33, key[3]);
	CHECK_INT(NTAG424_ERR_MALFORMED, secret_from_arg("0011223", key, 4));
	CHECK_INT(0, key[0]);
	CHECK_INT(NTAG424_ERR_IO, secret_from_arg("@/nonexistent/key", key, 4));
	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("  DEADBEEF\n", f);
	fclose(f);
	{
		char arg[64];

		snprintf(arg, sizeof(arg), "@%s", path);
		CHECK_INT(NTAG424_OK, secret_from_arg(arg, key, 4));
		CHECK_INT(0xEF, key[3]);
	}
	unlink(path);
}

static void
strerror_covers_everything(void)
{
	for (int c = NTAG424_ERR_LAST; c <= 0; c++)
		CHECK(strcmp(ntag424_errname(c), "UNKNOWN_ERROR") != 0);
	CHECK(strcmp(ntag424_errname(0x91AD), "AUTHENTICATION_DELAY") == 0);
	CHECK(strcmp(ntag424_errname(0x91BE), "BOUNDARY_ERROR") == 0);
	CHECK(strcmp(ntag424_errname(0x9177), "UNKNOWN_SW") == 0);
	CHECK(ntag424_strerror(0x9177) != NULL);
	CHECK(ntag424_strerror(-1000) != NULL);
}

int
main(void)
{
	RUN(hex_strict);
	RUN(cursor_bounds);
	RUN(writer_bounds);
	RUN(secret_arguments);
	RUN(strerror_covers_everything);
	return test_summary();
}
