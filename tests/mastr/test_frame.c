/* SPDX-License-Identifier: BSD-2-Clause */
/* MASTR framing: the examples of docs/mastr-protocol.md 2, every error path. */
#include <string.h>

#include "mastr/err.h"
#include "mastr/frame.h"
#include "test.h"

/* Stuff an inner frame and compare the wire bytes. */
static void
wire_case(uint8_t type, const char *payload_hex, const char *wire_hex)
{
	uint8_t	payload[64], inner[80], wire[200], exp[200];
	size_t	plen = test_hex(payload_hex, payload, sizeof(payload));
	size_t	elen = test_hex(wire_hex, exp, sizeof(exp));
	size_t	ilen = 0, wlen = 0;

	CHECK_INT(MASTR_OK, mastr_inner_encode(type, payload, plen, inner,
	    sizeof(inner), &ilen));
	CHECK_INT(MASTR_OK, mastr_frame_stuff(inner, ilen, wire, sizeof(wire),
	    &wlen));
	CHECK_INT(elen, wlen);
	CHECK_BYTES(exp, wire, elen);
}

/* docs/mastr-protocol.md 2: H2T_HEARTBEAT is 7f 40 00 00 40 7e. */
static void
heartbeat_example(void)
{
	wire_case(MASTR_H2T_HEARTBEAT, "", "7f400000407e");
}

/* docs/mastr-protocol.md 2: INTEGRITY_CHALLENGE with nonce 7e 7d 01 02. */
static void
challenge_example(void)
{
	wire_case(MASTR_T2H_INTEGRITY_CHALLENGE, "7e7d0102",
	    "7f3000047d5e7d5d0102327e");
}

/* docs/mastr-protocol.md 2: the inner frame of "pong". */
static void
pong_inner_example(void)
{
	uint8_t		 inner[16], exp[8];
	const uint8_t	*payload;
	size_t		 n = 0, plen = 0;
	uint8_t		 type = 0;

	test_hex("230004706f6e67db", exp, sizeof(exp));
	CHECK_INT(MASTR_OK, mastr_inner_encode(0x23, (const uint8_t *)"pong",
	    4, inner, sizeof(inner), &n));
	CHECK_INT(8, n);
	CHECK_BYTES(exp, inner, 8);
	CHECK_INT(MASTR_OK, mastr_inner_decode(exp, 8, &type, &payload, &plen));
	CHECK_INT(0x23, type);
	CHECK_INT(4, plen);
	CHECK(memcmp(payload, "pong", 4) == 0);
}

/* Push bytes; return the last non-zero result (or 0). */
static int
push_all(mastr_deframer_t *d, const uint8_t *p, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		int got = mastr_deframer_push(d, p[i]);

		if (got != 0)
			r = got;
	}
	return r;
}

static void
deframe_challenge(void)
{
	mastr_deframer_t	 d;
	uint8_t			 wire[16], exp[8];
	const uint8_t		*body;
	size_t			 n = test_hex("aa7f3000047d5e7d5d0102327e", wire,
				    sizeof(wire)), blen;

	test_hex("300004" "7e7d0102" "32", exp, sizeof(exp));
	mastr_deframer_init(&d);
	/* A leading byte outside a frame is ignored. */
	CHECK_INT(1, push_all(&d, wire, n));
	body = mastr_deframer_body(&d, &blen);
	CHECK_INT(8, blen);
	CHECK_BYTES(exp, body, 8);
}

static void
sof_restarts_frame(void)
{
	mastr_deframer_t	 d;
	uint8_t			 wire[16];
	size_t			 n = test_hex("7f11227f400000407e", wire,
				    sizeof(wire)), blen;
	const uint8_t		*body;

	mastr_deframer_init(&d);
	CHECK_INT(1, push_all(&d, wire, n));
	body = mastr_deframer_body(&d, &blen);
	CHECK_INT(4, blen);
	CHECK_INT(0x40, body[0]);
}

static void
invalid_escape(void)
{
	mastr_deframer_t	d;
	uint8_t			wire[8];
	size_t			n = test_hex("7f407d00", wire, sizeof(wire));

	mastr_deframer_init(&d);
	CHECK_INT(MASTR_ERR_ESCAPE, push_all(&d, wire, n));
	/* The rest of the aborted frame is ignored until the next SOF. */
	CHECK_INT(0, mastr_deframer_push(&d, 0x7e));
	mastr_deframer_init(&d);
	n = test_hex("7f407d7e", wire, sizeof(wire));
	CHECK_INT(MASTR_ERR_ESCAPE, push_all(&d, wire, n));
}

static void
oversize_body(void)
{
	mastr_deframer_t	d;
	int			r = 0;

	mastr_deframer_init(&d);
	mastr_deframer_push(&d, MASTR_SOF);
	for (size_t i = 0; i < MASTR_BODY_MAX + 1; i++)
		r |= mastr_deframer_push(&d, 0x11);
	CHECK_INT(0, r);
	CHECK_INT(MASTR_ERR_OVERSIZE, mastr_deframer_push(&d, MASTR_EOF));
	/* Exactly 260 bytes is still accepted. */
	mastr_deframer_push(&d, MASTR_SOF);
	for (size_t i = 0; i < MASTR_BODY_MAX; i++)
		mastr_deframer_push(&d, 0x11);
	CHECK_INT(1, mastr_deframer_push(&d, MASTR_EOF));
}

static void
inner_errors(void)
{
	uint8_t		 f[8];
	const uint8_t	*p;
	size_t		 plen;
	uint8_t		 type;

	test_hex("230004706f6e67db", f, sizeof(f));
	CHECK_INT(MASTR_ERR_FRAME, mastr_inner_decode(f, 3, &type, &p, &plen));
	CHECK_INT(MASTR_ERR_FRAME, mastr_inner_decode(f, 7, &type, &p, &plen));
	f[7] ^= 1;
	CHECK_INT(MASTR_ERR_CHECKSUM, mastr_inner_decode(f, 8, &type, &p,
	    &plen));
	f[7] ^= 1;
	f[2] = 5;	/* length field says 5, 4 bytes follow */
	CHECK_INT(MASTR_ERR_FRAME, mastr_inner_decode(f, 8, &type, &p, &plen));
}

static void
encode_limits(void)
{
	uint8_t	big[MASTR_PAYLOAD_MAX + 1] = { 0 }, out[MASTR_BODY_MAX + 8];
	size_t	n;

	CHECK_INT(MASTR_OK, mastr_inner_encode(0x31, big, MASTR_PAYLOAD_MAX,
	    out, sizeof(out), &n));
	CHECK_INT(MASTR_BODY_MAX, n);
	CHECK_INT(MASTR_ERR_ARG, mastr_inner_encode(0x31, big,
	    MASTR_PAYLOAD_MAX + 1, out, sizeof(out), &n));
	CHECK_INT(MASTR_ERR_ARG, mastr_inner_encode(0x31, big, 10, out, 13,
	    &n));
	CHECK_INT(MASTR_ERR_ARG, mastr_frame_stuff(big, 10, out, 11, &n));
}

/* Every byte value survives stuffing and the receiver. */
static void
stuff_round_trip(void)
{
	mastr_deframer_t	 d;
	uint8_t			 body[256], wire[2 + 512];
	const uint8_t		*got;
	size_t			 wlen, blen;

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)i;
	CHECK_INT(MASTR_OK, mastr_frame_stuff(body, sizeof(body), wire,
	    sizeof(wire), &wlen));
	CHECK_INT(2 + 256 + 3, wlen);
	mastr_deframer_init(&d);
	CHECK_INT(1, push_all(&d, wire, wlen));
	got = mastr_deframer_body(&d, &blen);
	CHECK_INT(sizeof(body), blen);
	CHECK_BYTES(body, got, sizeof(body));
}

int
main(void)
{
	RUN(heartbeat_example);
	RUN(challenge_example);
	RUN(pong_inner_example);
	RUN(deframe_challenge);
	RUN(sof_restarts_frame);
	RUN(invalid_escape);
	RUN(oversize_body);
	RUN(inner_errors);
	RUN(encode_limits);
	RUN(stuff_round_trip);
	return test_summary();
}
