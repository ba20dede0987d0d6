/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness on ntag424-verifyd's HTTP layer: each input is a
 * whole byte stream (request lines, headers, bodies, pipelined requests,
 * odd methods, Expect, chunked) written to the real libmicrohttpd daemon
 * on 127.0.0.1, with the real group commit behind it, against a keystore
 * holding the AN12196 SUN-2 tag (vd_keystore.h). The client half-closes
 * and reads the answer until the server closes.
 *
 * Invariants, beyond not crashing:
 *   - whatever comes back starts with a well-formed HTTP status line;
 *   - the tag's stored counter never goes down;
 *   - a counter moves only for a GET (HEAD, previews and other methods
 *     verify nothing)
 *     (the input holds one of those words);
 *   - a "valid" verdict is given only for a tap whose counter was just
 *     committed above the stored one: at most one per committed advance.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ntag424/keystore.h"
#include "verifyd/verifyd.h"
#include "vd_keystore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ANSWER_MAX	(256 * 1024)
#define FIN_DELAY_MS	5

static struct fuzz_vd_keystore	 ks;
static vd_tags_t		*tags;
static vd_batch_t		*batch;
static vd_http_t		*http;
static ntag424_ks_t		*reader;	/* reads the stored counter */
static uint32_t			 generation;
static uint16_t			 port;
static char			*answer;

static void
teardown(void)
{
	vd_http_stop(&http);
	vd_batch_stop(&batch);
	vd_tags_free(&tags);
	ntag424_ks_free(&reader);
	free(answer);
	fuzz_vd_keystore_remove(&ks);
}

/* The tag's generation, as the verifier sees it (from the AN12196 tap). */
static uint32_t
tag_generation(void)
{
	static const char	 tap[] = "e=EF963FF7828658A599F3041510671E88"
	    "&c=94EED9EE65337086";
	vd_verifier_t		*v = vd_verifier_new(tags);
	struct vd_result	 res;
	struct ntag424_ks_advance adv;
	uint32_t		 g;

	if (v == NULL || vd_verify(v, "/424", tap, sizeof(tap) - 1, 0, &res,
	    &adv) != 1)
		abort();
	g = adv.generation;
	vd_result_clear(&res);
	vd_verifier_free(&v);
	return g;
}

static void
setup(void)
{
	struct vd_http_opts	 ho = { .host = "127.0.0.1", .threads = 2,
	    .max_conns = 1000, .header_timeout = 10 };
	struct ntag424_ks_opts	 o = { ks.db, ks.kek, 0, 0 };
	struct vd_config	 c;
	char			 err[512] = "";

	fuzz_vd_keystore_create(&ks);
	atexit(teardown);
	vd_config_init(&c);
	if (vd_config_set(&c, "db", ks.db, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "kek-file", ks.kek, err, sizeof(err)) != 0 ||
	    vd_config_set(&c, "cohort", "an12196", err, sizeof(err)) != 0 ||
	    vd_tags_open(&tags, &c, err, sizeof(err)) != 0 ||
	    vd_batch_start(&batch, &c, err, sizeof(err)) != 0 ||
	    vd_http_start(&http, &ho, tags, batch, err, sizeof(err)) != 0 ||
	    (reader = ntag424_ks_new()) == NULL ||
	    ntag424_ks_open(reader, &o) != 0 ||
	    (answer = malloc(ANSWER_MAX)) == NULL) {
		fprintf(stderr, "fuzz setup: %s\n", err);
		abort();
	}
	vd_config_free(&c);
	port = vd_http_port(http);
	generation = tag_generation();
}

/* The stored counter, or -1 if none is stored yet. */
static int64_t
stored_counter(void)
{
	uint32_t	ctr;
	int		r;

	r = ntag424_ks_counter_get(reader, fuzz_vd_uid, generation, &ctr);
	if (r == NTAG424_ERR_NOT_FOUND)
		return -1;
	if (r != 0)
		abort();
	return ctr;
}

/* Send the input, half-close, read until the server closes. */
static size_t
exchange(const uint8_t *data, size_t size)
{
	struct sockaddr_in	 sa;
	struct timeval		 tv = { 10, 0 };
	struct linger		 lg = { 1, 0 };
	size_t			 off = 0, got = 0;
	struct pollfd		 pfd;
	ssize_t			 n;
	int			 fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("fuzz: connect to the server");
		abort();
	}
	/*
	 * The client closes first (it half-closes to end the input), so each
	 * run would leave a port in TIME_WAIT and a long run would run out of
	 * them: close with a reset instead, once all has been read.
	 */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	pfd.fd = fd;
	pfd.events = POLLIN;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (off < size &&
	    (n = send(fd, data + off, size - off, MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
	/*
	 * libmicrohttpd (0.9.75, epoll) misses a FIN that arrives with the
	 * request's last bytes and would then hold the connection until its
	 * timeout: half-close only once it has answered or had a moment to
	 * read what was sent.
	 */
	(void)poll(&pfd, 1, FIN_DELAY_MS);
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, answer + got, ANSWER_MAX - 1 - got, 0)) > 0 &&
	    got + (size_t)n < ANSWER_MAX - 1)
		got += (size_t)n;
	close(fd);
	answer[got] = '\0';
	return got;
}

/* "HTTP/1.x NNN " with a 1xx..5xx status. */
static int
status_line_ok(const char *a, size_t len)
{
	return len >= 13 && memcmp(a, "HTTP/1.", 7) == 0 &&
	    (a[7] == '0' || a[7] == '1') && a[8] == ' ' &&
	    a[9] >= '1' && a[9] <= '5' && a[10] >= '0' && a[10] <= '9' &&
	    a[11] >= '0' && a[11] <= '9' && a[12] == ' ';
}

static size_t
count(const char *hay, size_t len, const char *needle)
{
	size_t	n = 0, nl = strlen(needle);

	for (const char *p = hay; (p = memmem(p, len - (size_t)(p - hay),
	    needle, nl)) != NULL; p += nl)
		n++;
	return n;
}

static int
has_method(const uint8_t *data, size_t size)
{
	return memmem(data, size, "GET", 3) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t	before, after;
	size_t	len, valid;

	if (http == NULL)
		setup();
	before = stored_counter();
	len = exchange(data, size);
	after = stored_counter();
	if (getenv("FUZZ_HTTP_DEBUG") != NULL)
		fprintf(stderr, "--- %zu bytes back:\n%s\n---\n", len, answer);
	if (len > 0 && !status_line_ok(answer, len)) {
		fprintf(stderr, "not an HTTP status line: %.40s\n", answer);
		abort();
	}
	if (after < before) {
		fprintf(stderr, "counter went down\n");
		abort();
	}
	if (after != before && !has_method(data, size)) {
		fprintf(stderr, "a request that is not a GET advanced "
		    "the counter\n");
		abort();
	}
	valid = count(answer, len, "\"verdict\":\"valid\"") +
	    count(answer, len, "verdict: valid<");
	if (valid > (after > before ? 1U : 0U)) {
		fprintf(stderr, "%zu valid verdicts, counter %lld -> %lld\n",
		    valid, (long long)before, (long long)after);
		abort();
	}
	return 0;
}
