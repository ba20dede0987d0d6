/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MASTR serial framing (docs/mastr-protocol.md section 2), wire-compatible
 * with the original token.
 *
 *   inner = Type(1) | Len(2, big-endian) | Payload(Len) | Cksum(1)
 *           Cksum = sum of all preceding inner bytes mod 256
 *   body  = inner, or IV(12) | AES-128-GCM(inner) | Tag(16) once encrypted
 *   wire  = 0x7F | stuff(body) | 0x7E
 *   stuff: 0x7F -> 7D 5F, 0x7E -> 7D 5E, 0x7D -> 7D 5D
 *
 * Everything here is pure: no I/O, no allocation, no crypto.
 */
#ifndef MASTR_FRAME_H
#define MASTR_FRAME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MASTR_SOF		0x7F
#define MASTR_EOF		0x7E
#define MASTR_ESC		0x7D

/* Longest unstuffed body either side accepts (MAX_PAYLOAD_SIZE + 4). */
#define MASTR_BODY_MAX		260
#define MASTR_INNER_OVERHEAD	4
#define MASTR_GCM_IV_LEN	12
#define MASTR_GCM_TAG_LEN	16
#define MASTR_GCM_OVERHEAD	(MASTR_GCM_IV_LEN + MASTR_GCM_TAG_LEN)
/* Longest payload of a plaintext / an encrypted frame. */
#define MASTR_PAYLOAD_MAX	(MASTR_BODY_MAX - MASTR_INNER_OVERHEAD)
#define MASTR_PAYLOAD_MAX_ENC	(MASTR_PAYLOAD_MAX - MASTR_GCM_OVERHEAD)
/* Worst case on the wire: every body byte escaped, plus SOF and EOF. */
#define MASTR_WIRE_MAX		(2 + 2 * MASTR_BODY_MAX)

/* Message types (docs/mastr-protocol.md section 3). */
enum mastr_msg_type {
	MASTR_T2H_ERROR			= 0x00,
	MASTR_T2H_NACK			= 0x01,
	MASTR_H2T_ECDH_SHARE		= 0x20,
	MASTR_T2H_ECDH_SHARE		= 0x21,
	MASTR_T2H_CHANNEL_VERIFY_REQUEST = 0x22,
	MASTR_H2T_CHANNEL_VERIFY_RESPONSE = 0x23,
	MASTR_T2H_INTEGRITY_CHALLENGE	= 0x30,
	MASTR_H2T_INTEGRITY_RESPONSE	= 0x31,
	MASTR_T2H_BOOT_OK		= 0x32,
	MASTR_T2H_INTEGRITY_FAIL_HALT	= 0x33,
	MASTR_H2T_BOOT_OK_ACK		= 0x34,
	MASTR_H2T_INTEGRITY_FAIL_HALT	= 0x35,
	MASTR_H2T_INTEGRITY_FAIL_ACK	= 0x36,
	MASTR_H2T_HEARTBEAT		= 0x40,
	MASTR_T2H_HEARTBEAT_ACK		= 0x41,
	MASTR_DEBUG_MSG			= 0xFE,
};

/*
 * Build an inner frame for type and payload (len <= MASTR_PAYLOAD_MAX) in
 * out (cap bytes). Returns MASTR_OK and the size in *outlen, or
 * MASTR_ERR_ARG if len is too long or out too small.
 */
int mastr_inner_encode(uint8_t type, const uint8_t *payload, size_t len,
    uint8_t *out, size_t cap, size_t *outlen);

/*
 * Parse an inner frame. On MASTR_OK *type is set and *payload points into
 * in (borrowed) for *plen bytes. MASTR_ERR_FRAME if shorter than 4 bytes or
 * the length field disagrees with the size; MASTR_ERR_CHECKSUM if the
 * checksum is wrong.
 */
int mastr_inner_decode(const uint8_t *in, size_t len, uint8_t *type,
    const uint8_t **payload, size_t *plen);

/*
 * Stuff body into SOF | stuffed | EOF in out (cap bytes; 2 + 2 * len is
 * always enough). Any length is accepted here: only receivers enforce
 * MASTR_BODY_MAX. MASTR_ERR_ARG if out is too small.
 */
int mastr_frame_stuff(const uint8_t *body, size_t len, uint8_t *out,
    size_t cap, size_t *outlen);

/*
 * Streaming receiver. Caller-allocated, initialised with
 * mastr_deframer_init(); the fields are private.
 */
typedef struct mastr_deframer {
	uint8_t	body[MASTR_BODY_MAX];
	size_t	len;
	int	state;
	int	overflow;
} mastr_deframer_t;

void mastr_deframer_init(mastr_deframer_t *d);

/*
 * Feed one byte. Returns 0 if more bytes are needed; 1 when a body is
 * complete (then mastr_deframer_body() gives it until the next push);
 * MASTR_ERR_ESCAPE if the frame was aborted by an invalid escape;
 * MASTR_ERR_OVERSIZE if the frame ended with more than MASTR_BODY_MAX body
 * bytes (dropped). Bytes outside a frame are ignored; SOF always restarts.
 */
int mastr_deframer_push(mastr_deframer_t *d, uint8_t byte);

/* The completed body (borrowed) and its length. */
const uint8_t *mastr_deframer_body(const mastr_deframer_t *d, size_t *len);

/* Wipe the receiver (it may hold plaintext). */
void mastr_deframer_wipe(mastr_deframer_t *d);

/* Name of a message type ("H2T_ECDH_SHARE"), or "UNKNOWN". */
const char *mastr_msg_name(uint8_t type);

#ifdef __cplusplus
}
#endif

#endif
