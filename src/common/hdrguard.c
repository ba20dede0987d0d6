/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The request-header deadline (hdrguard.h). Hot path: one atomic store per
 * request (done, rearm); the list lock is taken per connection only. The
 * reaper scans the list a few times per timeout: a connection is closed
 * between timeout and timeout * 5/4 after its header became due.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/hdrguard.h"

struct hdr_conn {
	_Atomic int64_t		 due;	/* monotonic ms; 0: none */
	int			 fd;	/* our dup of the socket */
	struct hdr_conn		*prev, *next;
};

struct hdr_guard {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cond;
	pthread_t		 thread;
	struct hdr_conn		*head;
	unsigned		 timeout_ms;
	bool			 stop;
	bool			 running;
	atomic_uint_fast64_t	 reaped;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	/* Coarse is enough for a deadline of seconds and costs no syscall. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shut down every connection whose header is overdue (lock held). */
static void
reap(hdr_guard_t *g)
{
	int64_t	t = now_ms(), due;

	for (struct hdr_conn *c = g->head; c != NULL; c = c->next) {
		due = atomic_load_explicit(&c->due, memory_order_relaxed);
		if (due == 0 || due > t)
			continue;
		atomic_store(&c->due, 0);
		shutdown(c->fd, SHUT_RDWR);
		atomic_fetch_add(&g->reaped, 1);
	}
}

static void *
reaper(void *arg)
{
	hdr_guard_t	*g = arg;
	struct timespec	 ts;
	long		 step = (long)g->timeout_ms / 4 + 1;

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += step / 1000;
		ts.tv_nsec += (step % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (pthread_cond_timedwait(&g->cond, &g->mu, &ts) == ETIMEDOUT)
			reap(g);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

hdr_guard_t *
hdr_guard_new(unsigned timeout_ms)
{
	hdr_guard_t *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->timeout_ms = timeout_ms;
	if (timeout_ms > 0) {
		if (pthread_create(&g->thread, NULL, reaper, g) != 0) {
			hdr_guard_free(&g);
			return NULL;
		}
		g->running = true;
	}
	return g;
}

void
hdr_guard_free(hdr_guard_t **gp)
{
	hdr_guard_t	*g;
	struct hdr_conn	*c;

	if (gp == NULL || (g = *gp) == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
	if (g->running)
		pthread_join(g->thread, NULL);
	while ((c = g->head) != NULL) {
		g->head = c->next;
		close(c->fd);
		free(c);
	}
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cond);
	free(g);
	*gp = NULL;
}

struct hdr_conn *
hdr_guard_add(hdr_guard_t *g, int fd)
{
	struct hdr_conn *c;

	if (g == NULL || g->timeout_ms == 0 ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->fd = dup(fd)) < 0) {
		free(c);
		return NULL;
	}
	atomic_init(&c->due, now_ms() + g->timeout_ms);
	pthread_mutex_lock(&g->mu);
	c->next = g->head;
	if (g->head != NULL)
		g->head->prev = c;
	g->head = c;
	pthread_mutex_unlock(&g->mu);
	return c;
}

void
hdr_guard_remove(hdr_guard_t *g, struct hdr_conn **cp)
{
	struct hdr_conn *c;

	if (g == NULL || cp == NULL || (c = *cp) == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	close(c->fd);
	free(c);
	*cp = NULL;
}

void
hdr_conn_headers_done(struct hdr_conn *c)
{
	if (c != NULL)
		atomic_store_explicit(&c->due, 0, memory_order_relaxed);
}

void
hdr_conn_rearm(hdr_guard_t *g, struct hdr_conn *c)
{
	if (g != NULL && c != NULL)
		atomic_store_explicit(&c->due, now_ms() + g->timeout_ms,
		    memory_order_relaxed);
}

uint64_t
hdr_guard_reaped(const hdr_guard_t *g)
{
	return g != NULL ? atomic_load(&g->reaped) : 0;
}
