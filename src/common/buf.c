/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "common/buf.h"

int
buf_read(const uint8_t **p, size_t *len, void *dst, size_t n)
{
	if (n > *len)
		return -1;
	if (n > 0)
		memcpy(dst, *p, n);
	*p += n;
	*len -= n;
	return 0;
}

int
buf_skip(const uint8_t **p, size_t *len, size_t n)
{
	if (n > *len)
		return -1;
	*p += n;
	*len -= n;
	return 0;
}

int
buf_read_u8(const uint8_t **p, size_t *len, uint8_t *v)
{
	return buf_read(p, len, v, 1);
}

int
buf_read_u16le(const uint8_t **p, size_t *len, uint16_t *v)
{
	uint8_t b[2];

	if (buf_read(p, len, b, sizeof(b)) < 0)
		return -1;
	*v = get_u16le(b);
	return 0;
}

int
buf_read_u24le(const uint8_t **p, size_t *len, uint32_t *v)
{
	uint8_t b[3];

	if (buf_read(p, len, b, sizeof(b)) < 0)
		return -1;
	*v = get_u24le(b);
	return 0;
}

int
buf_read_u16be(const uint8_t **p, size_t *len, uint16_t *v)
{
	uint8_t b[2];

	if (buf_read(p, len, b, sizeof(b)) < 0)
		return -1;
	*v = get_u16be(b);
	return 0;
}

void
wbuf_init(wbuf_t *w, uint8_t *ptr, size_t cap)
{
	w->ptr = ptr;
	w->cap = cap;
	w->len = 0;
}

int
wbuf_put(wbuf_t *w, const void *src, size_t n)
{
	if (n > w->cap - w->len)
		return -1;
	if (n > 0)
		memcpy(w->ptr + w->len, src, n);
	w->len += n;
	return 0;
}

int
wbuf_put_u8(wbuf_t *w, uint8_t v)
{
	return wbuf_put(w, &v, 1);
}

int
wbuf_put_u16le(wbuf_t *w, uint16_t v)
{
	uint8_t b[2];

	put_u16le(b, v);
	return wbuf_put(w, b, sizeof(b));
}

int
wbuf_put_u24le(wbuf_t *w, uint32_t v)
{
	uint8_t b[3];

	put_u24le(b, v);
	return wbuf_put(w, b, sizeof(b));
}

int
wbuf_put_u16be(wbuf_t *w, uint16_t v)
{
	uint8_t b[2];

	put_u16be(b, v);
	return wbuf_put(w, b, sizeof(b));
}

uint16_t
get_u16le(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t
get_u24le(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

uint16_t
get_u16be(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

void
put_u16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
}

void
put_u24le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)((v >> 8) & 0xff);
	p[2] = (uint8_t)((v >> 16) & 0xff);
}

void
put_u16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
}
