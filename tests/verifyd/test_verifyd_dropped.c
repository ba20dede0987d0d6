/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Requests that libmicrohttpd drops on its own. A query with more
 * arguments than its per-connection memory pool holds (16 KiB here) makes
 * it close the connection after the URI callback but without the
 * completion callback; the server used to leak its request (about 3 KiB)
 * each time. The real HTTP layer runs in this process on an empty
 * keystore; the heap in use (mallinfo2) after one round of such requests
 * is compared with that after ten more, each round ending with the server
 * stopped. Under ASan, where mallinfo2 says nothing, the leak is
 * LeakSanitizer's to report at exit.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../test.h"
#include "ntag424/keystore.h"
#include "verifyd/verifyd.h"

#define ARGS		400	/* "&" separators: beyond MHD's pool */
#define ROUND		200	/* requests per server start */
#define ROUNDS		10
#define SLACK		(512 * 1024)	/* the leak was ~6 MiB */

static char		 dir[] = "/tmp/verifyd-dropped.XXXXXX";
static char		 db[64], kek[64];
static vd_tags_t	*tags;
static vd_batch_t	*batch;

static int
connect_to(uint16_t port)
{
	struct sockaddr_in	sa;
	struct timeval		tv = { 30, 0 };	/* a hang guard only */
	int			fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("connect");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void
send_all(int fd, const char *req)
{
	CHECK(send(fd, req, strlen(req), MSG_NOSIGNAL) ==
	    (ssize_t)strlen(req));
}

/*
 * /healthz on its own connection must answer 200. With one server thread,
 * once it has, the thread has also read every request sent before.
 */
static void
health(uint16_t port)
{
	char	ans[512];
	size_t	got = 0;
	ssize_t	n;
	int	fd = connect_to(port);

	send_all(fd, "GET /healthz HTTP/1.0\r\n\r\n");
	while (got + 1 < sizeof(ans) &&
	    (n = recv(fd, ans + got, sizeof(ans) - 1 - got, 0)) > 0)
		got += (size_t)n;
	ans[got] = '\0';
	close(fd);
	CHECK(strncmp(ans, "HTTP/1.1 200 ", 13) == 0);
}

/*
 * Start the server, send n over-long queries (each on a connection closed
 * right after), stop it: the requests are dropped at the latest then.
 */
static size_t
round_of(size_t n)
{
	struct vd_http_opts	 o = { .host = "127.0.0.1", .threads = 1,
	    .max_conns = 1000, .header_timeout = 10 };
	char			 err[256];
	char			 req[64 + ARGS];
	vd_http_t		*h = NULL;
	size_t			 len;

	len = (size_t)snprintf(req, 64, "GET /healthz?");
	memset(req + len, '&', ARGS);
	snprintf(req + len + ARGS, 64, " HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT(NTAG424_OK, vd_http_start(&h, &o, tags, batch, err,
	    sizeof(err)));
	if (h == NULL)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		int fd = connect_to(vd_http_port(h));

		send_all(fd, req);
		close(fd);
		if (i % 10 == 9)
			health(vd_http_port(h));
	}
	health(vd_http_port(h));
	vd_http_stop(&h);
	return mallinfo2().uordblks + mallinfo2().hblkhd;
}

static void
dropped_requests_are_freed(void)
{
	size_t	before, after = 0;

	(void)round_of(ROUND);		/* first-use allocations */
	before = round_of(ROUND);
	for (int i = 0; i < ROUNDS; i++)
		after = round_of(ROUND);
	printf("heap in use: %zu bytes, then %zu after %d dropped requests\n",
	    before, after, ROUNDS * ROUND);
	if (after > before + SLACK)
		test_fail(__FILE__, __LINE__, "dropped requests are freed");
}

static void
cleanup(void)
{
	char path[96];

	vd_batch_stop(&batch);
	vd_tags_free(&tags);
	snprintf(path, sizeof(path), "%s/ks.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ks.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ks.db-shm", dir);
	unlink(path);
	unlink(kek);
	rmdir(dir);
}

int
main(void)
{
	struct ntag424_ks_opts	 ko = { db, kek, 0, 0 };
	struct vd_config	 c;
	ntag424_ks_t		*ks = ntag424_ks_new();
	char			 err[256] = "";

	if (mkdtemp(dir) == NULL || ks == NULL)
		return 1;
	snprintf(db, sizeof(db), "%s/ks.db", dir);
	snprintf(kek, sizeof(kek), "%s/kek", dir);
	vd_config_init(&c);
	if (ntag424_ks_open(ks, &ko) != 0 ||
	    vd_config_set(&c, "db", db, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "kek-file", kek, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "template",
	    "https://t.example/tag?e={picc}&c={mac}", err, sizeof(err)) != 0 ||
	    vd_tags_open(&tags, &c, err, sizeof(err)) != 0 ||
	    vd_batch_start(&batch, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "setup: %s %s\n", err, ntag424_ks_errmsg(ks));
		return 1;
	}
	ntag424_ks_free(&ks);
	vd_config_free(&c);
	RUN(dropped_requests_are_freed);
	cleanup();
	return test_summary();
}
