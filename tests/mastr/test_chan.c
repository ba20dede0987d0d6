/* SPDX-License-Identifier: BSD-2-Clause */
/* The MASTR channel over a socketpair: plaintext, encrypted, errors. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mastr/chan.h"
#include "mastr/err.h"
#include "test.h"

static int fds[2];
static mastr_chan_t *a, *b;

static void
setup(void)
{
	CHECK_INT(0, socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
	a = mastr_chan_new(fds[0]);
	b = mastr_chan_new(fds[1]);
	CHECK(a != NULL && b != NULL);
}

static void
teardown(void)
{
	mastr_chan_free(&a);
	mastr_chan_free(&b);
	close(fds[0]);
	close(fds[1]);
}

static void
plaintext_messages(void)
{
	mastr_msg_t msg;

	setup();
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x40, NULL, 0));
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x23, (const uint8_t *)"pong",
	    4));
	/* Two frames in one read: the second stays buffered. */
	CHECK_INT(MASTR_OK, mastr_chan_recv(b, 1000, &msg));
	CHECK_INT(0x40, msg.type);
	CHECK_INT(0, msg.len);
	CHECK_INT(MASTR_OK, mastr_chan_recv(b, 0, &msg));
	CHECK_INT(0x23, msg.type);
	CHECK_INT(4, msg.len);
	CHECK(memcmp(msg.payload, "pong", 4) == 0);
	CHECK_INT(MASTR_ERR_TIMEOUT, mastr_chan_recv(b, 10, &msg));
	teardown();
}

static void
encrypted_messages(void)
{
	uint8_t		key[16] = { 7 }, other[16] = { 8 }, p[228] = { 1 };
	mastr_msg_t	msg;

	setup();
	mastr_chan_set_key(a, key);
	mastr_chan_set_key(b, key);
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x31, p, sizeof(p)));
	CHECK_INT(MASTR_OK, mastr_chan_recv(b, 1000, &msg));
	CHECK_INT(0x31, msg.type);
	CHECK_INT(228, msg.len);
	/* 229 bytes do not fit in a 260-byte encrypted body. */
	CHECK_INT(MASTR_ERR_ARG, mastr_chan_send(a, 0x31, p, 229));
	mastr_chan_set_key(b, other);
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x41, NULL, 0));
	CHECK_INT(MASTR_ERR_GCM, mastr_chan_recv(b, 1000, &msg));
	/* A plaintext receiver sees an encrypted body as malformed. */
	mastr_chan_clear_key(b);
	CHECK_INT(0, mastr_chan_encrypted(b));
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x41, NULL, 0));
	CHECK(mastr_chan_recv(b, 1000, &msg) < 0);
	teardown();
}

static void
raw_errors(void)
{
	static const uint8_t bad_escape[] = { 0x7f, 0x21, 0x7d, 0x00, 0x7e };
	static const uint8_t bad_sum[] = { 0x7f, 0x40, 0x00, 0x00, 0x41, 0x7e };
	uint8_t		big[300];
	mastr_msg_t	msg;

	setup();
	CHECK_INT(MASTR_OK, mastr_chan_write_raw(a, bad_escape,
	    sizeof(bad_escape)));
	CHECK_INT(MASTR_ERR_ESCAPE, mastr_chan_recv(b, 1000, &msg));
	CHECK_INT(MASTR_OK, mastr_chan_write_raw(a, bad_sum, sizeof(bad_sum)));
	CHECK_INT(MASTR_ERR_CHECKSUM, mastr_chan_recv(b, 1000, &msg));
	memset(big, 0x11, sizeof(big));
	CHECK_INT(MASTR_OK, mastr_chan_write_body(a, big, sizeof(big)));
	CHECK_INT(MASTR_ERR_OVERSIZE, mastr_chan_recv(b, 1000, &msg));
	/* The channel recovers: the next good frame gets through. */
	CHECK_INT(MASTR_OK, mastr_chan_send(a, 0x41, NULL, 0));
	CHECK_INT(MASTR_OK, mastr_chan_recv(b, 1000, &msg));
	CHECK_INT(0x41, msg.type);
	close(fds[0]);
	fds[0] = -1;
	CHECK_INT(MASTR_ERR_CLOSED, mastr_chan_recv(b, 1000, &msg));
	mastr_chan_free(&a);
	mastr_chan_free(&b);
	close(fds[1]);
}

int
main(void)
{
	RUN(plaintext_messages);
	RUN(encrypted_messages);
	RUN(raw_errors);
	return test_summary();
}
