/* SPDX-License-Identifier: BSD-2-Clause */
/* A framed, optionally encrypted MASTR channel over a file descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/prim.h"
#include "mastr/chan.h"
#include "mastr/err.h"

#define RX_CHUNK 512

struct mastr_chan {
	int			fd;
	int			encrypted;
	uint8_t			key[MASTR_KEY_LEN];
	mastr_deframer_t	rx;
	uint8_t			rbuf[RX_CHUNK];
	size_t			rpos;
	size_t			rlen;
};

uint64_t
mastr_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

mastr_chan_t *
mastr_chan_new(int fd)
{
	mastr_chan_t *ch;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return NULL;
	ch->fd = fd;
	mastr_deframer_init(&ch->rx);
	return ch;
}

void
mastr_chan_free(mastr_chan_t **ch)
{
	if (ch == NULL || *ch == NULL)
		return;
	wipe(*ch, sizeof(**ch));
	free(*ch);
	*ch = NULL;
}

void
mastr_chan_set_key(mastr_chan_t *ch, const uint8_t key[MASTR_KEY_LEN])
{
	memcpy(ch->key, key, MASTR_KEY_LEN);
	ch->encrypted = 1;
}

void
mastr_chan_clear_key(mastr_chan_t *ch)
{
	wipe(ch->key, sizeof(ch->key));
	ch->encrypted = 0;
}

int
mastr_chan_encrypted(const mastr_chan_t *ch)
{
	return ch->encrypted;
}

int
mastr_tty_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return MASTR_ERR_IO;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t) == 0 ? MASTR_OK : MASTR_ERR_IO;
}

int
mastr_tty_open(const char *path)
{
	int fd;

	if ((fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	/* Not a tty (a FIFO or socket in tests) is fine: no line discipline. */
	if (isatty(fd) && mastr_tty_raw(fd) != MASTR_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

int
mastr_chan_write_raw(mastr_chan_t *ch, const uint8_t *p, size_t n)
{
	while (n > 0) {
		struct pollfd	pfd = { .fd = ch->fd, .events = POLLOUT };
		ssize_t		w = write(ch->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		/* A full non-blocking pty: give the reader a second. */
		if (w < 0 && errno == EAGAIN && poll(&pfd, 1, 1000) == 1)
			continue;
		if (w <= 0)
			return MASTR_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return MASTR_OK;
}

int
mastr_chan_write_body(mastr_chan_t *ch, const uint8_t *body, size_t n)
{
	uint8_t	*wire;
	size_t	 cap = 2 + 2 * n, wlen;
	int	 r;

	if ((wire = malloc(cap)) == NULL)
		return MASTR_ERR_NOMEM;
	if ((r = mastr_frame_stuff(body, n, wire, cap, &wlen)) == MASTR_OK)
		r = mastr_chan_write_raw(ch, wire, wlen);
	wipe(wire, cap);
	free(wire);
	return r;
}

int
mastr_chan_wrap(const mastr_chan_t *ch, const uint8_t *inner, size_t n,
    uint8_t *body, size_t cap, size_t *bodylen)
{
	if (ch->encrypted)
		return mastr_gcm_seal(ch->key, inner, n, body, cap, bodylen);
	if (n > cap)
		return MASTR_ERR_ARG;
	memcpy(body, inner, n);
	*bodylen = n;
	return MASTR_OK;
}

int
mastr_chan_send(mastr_chan_t *ch, uint8_t type, const uint8_t *payload,
    size_t len)
{
	uint8_t	inner[MASTR_BODY_MAX], body[MASTR_BODY_MAX];
	size_t	ilen = 0, blen = 0;
	int	r;

	if (ch->encrypted && len > MASTR_PAYLOAD_MAX_ENC)
		return MASTR_ERR_ARG;
	if ((r = mastr_inner_encode(type, payload, len, inner, sizeof(inner),
	    &ilen)) != MASTR_OK ||
	    (r = mastr_chan_wrap(ch, inner, ilen, body, sizeof(body),
	    &blen)) != MASTR_OK)
		goto fail;
	r = mastr_chan_write_body(ch, body, blen);
fail:
	wipe(inner, sizeof(inner));
	wipe(body, sizeof(body));
	return r;
}

/* A complete body: decrypt if needed, parse, copy out. */
static int
deliver(mastr_chan_t *ch, mastr_msg_t *msg)
{
	uint8_t		 plain[MASTR_BODY_MAX];
	const uint8_t	*body, *payload;
	size_t		 blen, plen = 0;
	int		 r;

	body = mastr_deframer_body(&ch->rx, &blen);
	if (ch->encrypted) {
		if ((r = mastr_gcm_open(ch->key, body, blen, plain,
		    sizeof(plain), &plen)) != MASTR_OK)
			goto fail;
	} else {
		memcpy(plain, body, blen);
		plen = blen;
	}
	if ((r = mastr_inner_decode(plain, plen, &msg->type, &payload,
	    &msg->len)) != MASTR_OK)
		goto fail;
	memcpy(msg->payload, payload, msg->len);
fail:
	wipe(plain, sizeof(plain));
	mastr_deframer_wipe(&ch->rx);
	return r;
}

/* Feed buffered bytes; 1 with r set when a frame (good or bad) ended. */
static int
drain(mastr_chan_t *ch, mastr_msg_t *msg, int *r)
{
	while (ch->rpos < ch->rlen) {
		int got = mastr_deframer_push(&ch->rx, ch->rbuf[ch->rpos++]);

		if (got == 0)
			continue;
		*r = got == 1 ? deliver(ch, msg) : got;
		return 1;
	}
	return 0;
}

int
mastr_chan_recv(mastr_chan_t *ch, int timeout_ms, mastr_msg_t *msg)
{
	uint64_t	deadline = mastr_clock_ms() + (uint64_t)timeout_ms;
	int		r = MASTR_ERR_TIMEOUT;

	for (;;) {
		struct pollfd	pfd = { .fd = ch->fd, .events = POLLIN };
		uint64_t	now;
		ssize_t		n;
		int		wait;

		if (drain(ch, msg, &r))
			return r;
		now = mastr_clock_ms();
		wait = now >= deadline ? 0 : (int)(deadline - now);
		n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			return MASTR_ERR_TIMEOUT;
		if (n < 0)
			return MASTR_ERR_IO;
		if (n == 0)
			return MASTR_ERR_TIMEOUT;
		n = read(ch->fd, ch->rbuf, sizeof(ch->rbuf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* A pty master reads EIO once the other side is gone. */
		if (n == 0 || (n < 0 && errno == EIO))
			return MASTR_ERR_CLOSED;
		if (n < 0)
			return MASTR_ERR_IO;
		ch->rpos = 0;
		ch->rlen = (size_t)n;
	}
}
