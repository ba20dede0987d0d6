/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bridge to pcscd's virtual reader driver (vsmartcard vpcd). The emulator
 * connects to the driver's TCP port; every message is a 2-byte big-endian
 * length and a payload. A 1-byte payload is a control (0 power off, 1 power
 * on, 2 reset, 4 send the ATR); anything longer is a C-APDU to answer with
 * the R-APDU. Power off and reset are power cycles. Closing the socket is
 * what pcscd sees as the card leaving the field.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/prim.h"
#include "emu/emu_int.h"
#include "ntag424/err.h"
#include "ntag424/io.h"

#define CTRL_OFF	0
#define CTRL_ON		1
#define CTRL_RESET	2
#define CTRL_ATR	4

static volatile sig_atomic_t stop_requested;

void
emu_vpcd_stop(void)
{
	stop_requested = 1;
}

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int
try_connect(const char *host, uint16_t port)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 serv[8];
	int		 fd = -1, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", (unsigned)port);
	if (getaddrinfo(host, serv, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, ai->ai_protocol)) < 0)
			continue;
		/*
		 * A frame goes out as its length, then its payload: with
		 * Nagle on, the payload waits for the driver's delayed ACK
		 * of the length, some 40 ms per R-APDU.
		 */
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) < 0 ||
		    connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static int
connect_retry(const emu_vpcd_opts_t *o)
{
	unsigned tries = o->connect_secs * 10 + 1;
	int fd;

	while ((fd = try_connect(o->host, o->port)) < 0 && --tries > 0 &&
	    !stop_requested)
		nap();
	return fd;
}

/*
 * The driver sends a frame's length and its payload apart, and its Nagle
 * holds the payload until the length is acknowledged: acknowledge what
 * arrived at once rather than after the ~40 ms delayed ACK. The kernel
 * leaves quick-ack mode by itself, so this is redone after every read.
 */
static void
ack_now(int fd)
{
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/* 0 read, 1 peer closed, 2 stop requested, -1 error. */
static int
recv_all(int fd, uint8_t *p, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (n > 0) {
		ssize_t r;

		if (stop_requested)
			return 2;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 1;
		if (r < 0)
			return -1;
		ack_now(fd);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
send_frame(int fd, const uint8_t *p, size_t n)
{
	uint8_t	 hdr[2];
	size_t	 off = 0;

	put_u16be(hdr, (uint16_t)n);
	if (send(fd, hdr, 2, MSG_NOSIGNAL) != 2)
		return -1;
	while (off < n) {
		ssize_t r = send(fd, p + off, n - off, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

static int
save(emu_t *e, const emu_vpcd_opts_t *o)
{
	if (o->state_path == NULL || !emu_take_changed(e))
		return NTAG424_OK;
	return emu_save(e, o->state_path);
}

static int
control(emu_t *e, int fd, uint8_t ctrl)
{
	const uint8_t	*atr;
	size_t		 len;

	switch (ctrl) {
	case CTRL_OFF:
	case CTRL_ON:
	case CTRL_RESET:
		emu_power_cycle(e);
		return 0;
	case CTRL_ATR:
		atr = emu_atr(&len);
		return send_frame(fd, atr, len);
	default:
		log_msg(PLOG_WARN, "vpcd: unknown control %u", ctrl);
		return 0;
	}
}

/* One C-APDU; an oversized one (extended length) gets 6700. */
static int
apdu(emu_t *e, int fd, const uint8_t *c, size_t n, int *torn)
{
	uint8_t	r[NTAG424_RAPDU_MAX];
	size_t	rlen = sizeof(r);
	int	rc;

	if (n > NTAG424_CAPDU_MAX) {
		r[0] = 0x67;
		r[1] = 0x00;
		rlen = 2;
	} else if ((rc = emu_process(e, c, n, r, &rlen)) != NTAG424_OK) {
		*torn = rc == NTAG424_ERR_CARD_REMOVED;
		return *torn ? 0 : -1;
	}
	rc = send_frame(fd, r, rlen);
	wipe(r, sizeof(r));
	return rc;
}

static int
serve(emu_t *e, int fd, const emu_vpcd_opts_t *o, uint8_t *buf)
{
	uint8_t		hdr[2];
	size_t		n = 0;
	unsigned long	seen = 0;
	int		rc, torn = 0;

	for (;;) {
		if ((rc = recv_all(fd, hdr, 2)) == 0) {
			n = get_u16be(hdr);
			rc = recv_all(fd, buf, n);
		}
		if (rc == 1)
			return EMU_VPCD_CLOSED;
		if (rc == 2)
			return EMU_VPCD_STOPPED;
		if (rc < 0)
			return NTAG424_ERR_RX;
		if (n == 1)
			rc = control(e, fd, buf[0]);
		else if (n > 1 && ++seen == o->swallow_at)
			log_msg(PLOG_ERROR, "vpcd: C-APDU %lu swallowed (test "
			    "hook): no answer will come", seen);
		else if (n > 1)
			rc = apdu(e, fd, buf, n, &torn);
		if (rc < 0)
			return NTAG424_ERR_TX;
		if ((rc = save(e, o)) != NTAG424_OK)
			return rc;
		if (torn)
			return EMU_VPCD_TORN;
	}
}

int
emu_vpcd_run(emu_t *e, const emu_vpcd_opts_t *o)
{
	uint8_t	*buf;
	int	 fd, r, rs;

	if ((buf = malloc(0x10000)) == NULL)
		return NTAG424_ERR_NOMEM;
	if ((fd = connect_retry(o)) < 0) {
		free(buf);
		return stop_requested ? EMU_VPCD_STOPPED : NTAG424_ERR_NO_READER;
	}
	r = serve(e, fd, o, buf);
	close(fd);
	wipe(buf, 0x10000);
	free(buf);
	/* Whatever ended the session, the tag's state is on disk. */
	if ((rs = o->state_path != NULL ? emu_save(e, o->state_path) :
	    NTAG424_OK) != NTAG424_OK && r >= 0)
		r = rs;
	return r;
}
