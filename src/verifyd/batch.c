/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group commit of counter advances. Requests queue their advance and wait
 * (suspended, not blocking a thread); one committer thread takes all that
 * is queued, up to batch_max, runs them in one transaction
 * (ntag424_ks_counter_accept_batch) and only then hands back the outcomes:
 * a `valid` verdict is never given before its counter is durable, and one
 * fsync serves every request that arrived while the previous one ran. The
 * store is opened with the KEK: every counter and tag row it reads is
 * checked against its MAC, and every counter it writes gets one.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/log.h"
#include "verifyd/verifyd.h"

struct vd_batch {
	ntag424_ks_t		*ks;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct vd_advance	*head, *tail;
	bool			 stop;
	bool			 idle;		/* waiting on cond */
	unsigned		 max;
	struct ntag424_ks_advance *v;
	struct vd_advance	**reqs;
	bool			 accept;	/* counters in the keystore */
	bool			 broken;	/* reopen before the next commit */
	atomic_bool		 failing;	/* the last commit or probe failed */
	ntag424_ks_t		*next_ks;	/* SIGHUP: use from the next commit */
	const struct vd_config	*conf;
};

static int open_store(ntag424_ks_t **, const struct vd_config *, char *,
    size_t);

/* Take up to max queued requests (lock held). */
static size_t
take(vd_batch_t *b)
{
	size_t n = 0;

	while (b->head != NULL && n < b->max) {
		b->reqs[n] = b->head;
		b->v[n] = b->head->a;
		b->head = b->head->next;
		n++;
	}
	if (b->head == NULL)
		b->tail = NULL;
	return n;
}

/* After a failure the connection may be gone (a restarted server). */
static int
reopen(vd_batch_t *b)
{
	char err[VD_REASON_MAX];

	ntag424_ks_free(&b->ks);
	if (open_store(&b->ks, b->conf, err, sizeof(err)) != NTAG424_OK) {
		log_msg(PLOG_ERROR, "%s", err);
		return NTAG424_ERR_STORE;
	}
	b->broken = false;
	return NTAG424_OK;
}

/*
 * A row that does not authenticate: say which. The handle is kept: it
 * remembers the counters it wrote, which is how a counter row put back to
 * an older authentic value is caught again on the next try.
 */
static void
tampered(const struct ntag424_ks_advance *v)
{
	char uid[2 * NTAG424_KS_UID_LEN + 1];

	hex_encode(v->uid, NTAG424_KS_UID_LEN, uid);
	log_msg(PLOG_ERROR, "counter store: tag %s: its keystore rows do not "
	    "authenticate under the key-encryption key (changed outside "
	    "provisio?); its tap was refused", uid);
	vd_metrics_store_error();
}

/* A handle opened on SIGHUP (new KEK) replaces the old one (lock held). */
static void
swap_handle(vd_batch_t *b)
{
	if (b->next_ks == NULL)
		return;
	ntag424_ks_free(&b->ks);
	b->ks = b->next_ks;
	b->next_ks = NULL;
	b->broken = false;
}

/* One transaction of n advances; n = 0 probes that a write commits. */
static int
write_batch(vd_batch_t *b, size_t n)
{
	int r;

	if (b->broken && reopen(b) != NTAG424_OK)
		r = NTAG424_ERR_STORE;
	else
		r = b->accept ? ntag424_ks_counter_accept_batch(b->ks, b->v, n) :
		    ntag424_ks_counter_advance_batch(b->ks, b->v, n);
	if (r != NTAG424_OK)
		b->broken = true;
	atomic_store(&b->failing, r != NTAG424_OK);
	return r;
}

static void
commit(vd_batch_t *b, size_t n)
{
	int r = write_batch(b, n);

	vd_metrics_commit(n);
	if (r != NTAG424_OK) {
		log_msg(PLOG_ERROR, "counter store: %s", b->ks != NULL ?
		    ntag424_ks_errmsg(b->ks) : "not open");
		vd_metrics_store_error();
	}
	for (size_t i = 0; i < n; i++) {
		struct vd_advance *a = b->reqs[i];

		if (b->v[i].outcome == NTAG424_KS_TAMPERED)
			tampered(&b->v[i]);
		a->a.outcome = b->v[i].outcome;
		a->a.stored = b->v[i].stored;
		a->err = r;
		if (r != NTAG424_OK)
			snprintf(a->errmsg, sizeof(a->errmsg), "the counter "
			    "store failed, nothing was accepted: %s",
			    b->ks != NULL ? ntag424_ks_errmsg(b->ks) :
			    "cannot reconnect");
		a->done(a, a->arg);	/* a may be gone after this */
	}
}

/*
 * While the store fails and no request waits, try an empty write
 * transaction once a second, so that /readyz sees the store come back
 * (lock held). True if a request or the stop came meanwhile.
 */
static bool
idle_probe(vd_batch_t *b)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	if (pthread_cond_timedwait(&b->cond, &b->lock, &ts) == 0 ||
	    b->head != NULL || b->stop)
		return b->head != NULL || b->stop;
	swap_handle(b);
	pthread_mutex_unlock(&b->lock);
	(void)write_batch(b, 0);
	pthread_mutex_lock(&b->lock);
	return b->head != NULL || b->stop;
}

static void *
committer(void *arg)
{
	vd_batch_t	*b = arg;
	size_t		 n;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (b->head == NULL && !b->stop) {
			b->idle = true;
			if (!atomic_load(&b->failing))
				pthread_cond_wait(&b->cond, &b->lock);
			else if (idle_probe(b))
				break;
			b->idle = false;
		}
		b->idle = false;
		if (b->head == NULL && b->stop)
			break;
		n = take(b);
		swap_handle(b);
		pthread_mutex_unlock(&b->lock);
		commit(b, n);
		pthread_mutex_lock(&b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

void
vd_batch_submit(vd_batch_t *b, struct vd_advance *a)
{
	a->next = NULL;
	pthread_mutex_lock(&b->lock);
	if (b->tail != NULL)
		b->tail->next = a;
	else
		b->head = a;
	b->tail = a;
	/* A busy committer looks at the queue again before it sleeps. */
	if (b->idle)
		pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

bool
vd_batch_ready(vd_batch_t *b)
{
	return !atomic_load(&b->failing);
}

void
vd_batch_cancel(vd_batch_t *b, const char *why)
{
	struct vd_advance *a, *next;

	pthread_mutex_lock(&b->lock);
	a = b->head;
	b->head = b->tail = NULL;
	pthread_mutex_unlock(&b->lock);
	for (; a != NULL; a = next) {
		next = a->next;		/* a may be gone after done() */
		a->err = NTAG424_ERR_STORE;
		snprintf(a->errmsg, sizeof(a->errmsg), "%s", why);
		a->done(a, a->arg);
	}
}

struct waiter {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
	bool		done;
};

static void
wake(struct vd_advance *a, void *arg)
{
	struct waiter *w = arg;

	(void)a;
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void
vd_batch_run(vd_batch_t *b, struct vd_advance *a)
{
	struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	    false };

	a->done = wake;
	a->arg = &w;
	vd_batch_submit(b, a);
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
}

static int
open_store(ntag424_ks_t **ksp, const struct vd_config *c, char *err,
    size_t errlen)
{
	struct ntag424_ks_opts	o = { c->counter_db != NULL ? c->counter_db :
	    c->db, c->kek_file, 0, 0 };
	int			r;

	if (c->counter_db == NULL)
		o.flags |= NTAG424_KS_NO_CREATE;
	if ((*ksp = ntag424_ks_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	if ((r = ntag424_ks_open(*ksp, &o)) != NTAG424_OK)
		snprintf(err, errlen, "counter store: %s",
		    ntag424_ks_errmsg(*ksp));
	return r;
}

int
vd_batch_reload(vd_batch_t *b, char *err, size_t errlen)
{
	ntag424_ks_t	*ks = NULL;
	int		 r;

	if ((r = open_store(&ks, b->conf, err, errlen)) != NTAG424_OK) {
		ntag424_ks_free(&ks);
		return r;
	}
	pthread_mutex_lock(&b->lock);
	ntag424_ks_free(&b->next_ks);
	b->next_ks = ks;
	pthread_mutex_unlock(&b->lock);
	return NTAG424_OK;
}

int
vd_batch_start(vd_batch_t **bp, const struct vd_config *c, char *err,
    size_t errlen)
{
	vd_batch_t	*b;
	int		 r;

	*bp = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NTAG424_ERR_NOMEM;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->max = c->batch_max > 0 ? c->batch_max : VD_BATCH_MAX;
	b->accept = c->counter_db == NULL;
	b->conf = c;
	if ((b->v = calloc(b->max, sizeof(*b->v))) == NULL ||
	    (b->reqs = calloc(b->max, sizeof(*b->reqs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = NTAG424_ERR_NOMEM;
		goto fail;
	}
	if ((r = open_store(&b->ks, c, err, errlen)) != NTAG424_OK)
		goto fail;
	if (pthread_create(&b->thread, NULL, committer, b) != 0) {
		snprintf(err, errlen, "cannot start the committer thread");
		r = NTAG424_ERR_NOMEM;
		goto fail;
	}
	*bp = b;
	return NTAG424_OK;
fail:
	ntag424_ks_free(&b->ks);
	free(b->v);
	free(b->reqs);
	free(b);
	return r;
}

void
vd_batch_stop(vd_batch_t **bp)
{
	vd_batch_t *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	b->stop = true;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	ntag424_ks_free(&b->ks);
	ntag424_ks_free(&b->next_ks);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b->v);
	free(b->reqs);
	free(b);
	*bp = NULL;
}
