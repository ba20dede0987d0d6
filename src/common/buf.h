/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded byte cursor and explicit-endianness helpers.
 *
 * Wire data is only ever read through a cursor: every read fails instead of
 * running past the end. NTAG counters and lengths are little-endian, APDU
 * headers big-endian.
 */
#ifndef PROVISIO_BUF_H
#define PROVISIO_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Copy n bytes from *p to dst and advance; -1 (nothing consumed) if n > *len. */
int buf_read(const uint8_t **p, size_t *len, void *dst, size_t n);
/* Advance by n without copying; -1 if n > *len. */
int buf_skip(const uint8_t **p, size_t *len, size_t n);
int buf_read_u8(const uint8_t **p, size_t *len, uint8_t *v);
int buf_read_u16le(const uint8_t **p, size_t *len, uint16_t *v);
int buf_read_u24le(const uint8_t **p, size_t *len, uint32_t *v);
int buf_read_u16be(const uint8_t **p, size_t *len, uint16_t *v);

/* A bounded writer: data + capacity + fill. Writes fail instead of overflowing. */
typedef struct wbuf {
	uint8_t	*ptr;
	size_t	 cap;
	size_t	 len;
} wbuf_t;

void wbuf_init(wbuf_t *w, uint8_t *ptr, size_t cap);
int wbuf_put(wbuf_t *w, const void *src, size_t n);
int wbuf_put_u8(wbuf_t *w, uint8_t v);
int wbuf_put_u16le(wbuf_t *w, uint16_t v);
int wbuf_put_u24le(wbuf_t *w, uint32_t v);
int wbuf_put_u16be(wbuf_t *w, uint16_t v);

uint16_t get_u16le(const uint8_t *p);
uint32_t get_u24le(const uint8_t *p);
uint16_t get_u16be(const uint8_t *p);
void put_u16le(uint8_t *p, uint16_t v);
void put_u24le(uint8_t *p, uint32_t v);
void put_u16be(uint8_t *p, uint16_t v);

#endif
