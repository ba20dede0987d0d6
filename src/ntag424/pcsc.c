/* SPDX-License-Identifier: BSD-2-Clause */
/* PC/SC backend of the io vtable (libpcsclite). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "common/log.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/pcsc.h"

#define MAX_READERS	16

/*
 * SCardTransmit has no timeout: a card or driver that never answers holds
 * the caller (and the reader) for ever. With a timeout, each transmit runs
 * in a worker thread on buffers of its own, and the caller waits for it
 * until the deadline. A transmit that times out leaves the worker inside
 * SCardTransmit holding the context's lock: the handle is then dead, and
 * closing it leaves the PC/SC handles to the process's exit.
 */
enum xfer_state { X_IDLE, X_REQUEST, X_DONE, X_QUIT };

struct xfer {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	enum xfer_state	 state;
	bool		 running;
	bool		 stuck;		/* a transmit never came back */
	uint8_t		 c[NTAG424_CAPDU_MAX];
	DWORD		 clen;
	uint8_t		 r[NTAG424_RAPDU_MAX];
	DWORD		 rlen;
	LONG		 rv;
};

struct pcsc {
	SCARDCONTEXT	 ctx;
	SCARDHANDLE	 card;
	DWORD		 proto;
	char		*reader;
	unsigned	 timeout_ms;	/* 0: wait for ever */
	struct xfer	 x;
};

struct scard_err {
	LONG		 rv;
	int		 code;
	const char	*text;
};

/* Every SCARD_* of pcsclite.h (1.9.9). */
static const struct scard_err scard_errs[] = {
	{ SCARD_S_SUCCESS, NTAG424_OK, "success" },
	{ SCARD_F_INTERNAL_ERROR, NTAG424_ERR_PCSC, "internal PC/SC error" },
	{ SCARD_E_CANCELLED, NTAG424_ERR_PCSC, "cancelled" },
	{ SCARD_E_INVALID_HANDLE, NTAG424_ERR_PCSC, "invalid handle" },
	{ SCARD_E_INVALID_PARAMETER, NTAG424_ERR_INTERNAL, "invalid parameter" },
	{ SCARD_E_INVALID_TARGET, NTAG424_ERR_INTERNAL, "invalid target" },
	{ SCARD_E_NO_MEMORY, NTAG424_ERR_NOMEM, "out of memory" },
	{ SCARD_F_WAITED_TOO_LONG, NTAG424_ERR_TIMEOUT, "waited too long" },
	{ SCARD_E_INSUFFICIENT_BUFFER, NTAG424_ERR_RX, "answer too long" },
	{ SCARD_E_UNKNOWN_READER, NTAG424_ERR_NO_READER, "unknown reader" },
	{ SCARD_E_TIMEOUT, NTAG424_ERR_TIMEOUT, "timeout" },
	{ SCARD_E_SHARING_VIOLATION, NTAG424_ERR_READER_BUSY,
	    "reader in use by another program" },
	{ SCARD_E_NO_SMARTCARD, NTAG424_ERR_NO_CARD, "no tag on the reader" },
	{ SCARD_E_UNKNOWN_CARD, NTAG424_ERR_PCSC, "unknown card" },
	{ SCARD_E_CANT_DISPOSE, NTAG424_ERR_PCSC, "cannot dispose of the card" },
	{ SCARD_E_PROTO_MISMATCH, NTAG424_ERR_PCSC, "protocol mismatch" },
	{ SCARD_E_NOT_READY, NTAG424_ERR_PCSC, "reader or card not ready" },
	{ SCARD_E_INVALID_VALUE, NTAG424_ERR_INTERNAL, "invalid value" },
	{ SCARD_E_SYSTEM_CANCELLED, NTAG424_ERR_PCSC, "cancelled by the system" },
	{ SCARD_F_COMM_ERROR, NTAG424_ERR_TX, "communication error with pcscd" },
	{ SCARD_F_UNKNOWN_ERROR, NTAG424_ERR_PCSC, "unknown PC/SC error" },
	{ SCARD_E_INVALID_ATR, NTAG424_ERR_PCSC, "invalid ATR" },
	{ SCARD_E_NOT_TRANSACTED, NTAG424_ERR_TX, "APDU not transmitted" },
	{ SCARD_E_READER_UNAVAILABLE, NTAG424_ERR_NO_READER,
	    "reader unavailable (unplugged?)" },
	{ SCARD_P_SHUTDOWN, NTAG424_ERR_PCSC, "PC/SC shutting down" },
	{ SCARD_E_PCI_TOO_SMALL, NTAG424_ERR_INTERNAL, "PCI too small" },
	{ SCARD_E_READER_UNSUPPORTED, NTAG424_ERR_NO_READER,
	    "reader not supported" },
	{ SCARD_E_DUPLICATE_READER, NTAG424_ERR_PCSC, "duplicate reader" },
	{ SCARD_E_CARD_UNSUPPORTED, NTAG424_ERR_PCSC, "card not supported" },
	{ SCARD_E_NO_SERVICE, NTAG424_ERR_NO_SERVICE, "pcscd not running" },
	{ SCARD_E_SERVICE_STOPPED, NTAG424_ERR_NO_SERVICE, "pcscd stopped" },
	{ SCARD_E_UNEXPECTED, NTAG424_ERR_PCSC, "unexpected PC/SC error" },
	{ SCARD_E_UNSUPPORTED_FEATURE, NTAG424_ERR_PCSC, "unsupported feature" },
	{ SCARD_E_ICC_INSTALLATION, NTAG424_ERR_PCSC, "ICC installation" },
	{ SCARD_E_ICC_CREATEORDER, NTAG424_ERR_PCSC, "ICC create order" },
	{ SCARD_E_DIR_NOT_FOUND, NTAG424_ERR_PCSC, "directory not found" },
	{ SCARD_E_FILE_NOT_FOUND, NTAG424_ERR_PCSC, "file not found" },
	{ SCARD_E_NO_DIR, NTAG424_ERR_PCSC, "no directory" },
	{ SCARD_E_NO_FILE, NTAG424_ERR_PCSC, "no file" },
	{ SCARD_E_NO_ACCESS, NTAG424_ERR_PCSC, "access denied" },
	{ SCARD_E_WRITE_TOO_MANY, NTAG424_ERR_PCSC, "write too many" },
	{ SCARD_E_BAD_SEEK, NTAG424_ERR_PCSC, "bad seek" },
	{ SCARD_E_INVALID_CHV, NTAG424_ERR_PCSC, "invalid CHV" },
	{ SCARD_E_UNKNOWN_RES_MNG, NTAG424_ERR_PCSC, "unknown resource manager" },
	{ SCARD_E_NO_SUCH_CERTIFICATE, NTAG424_ERR_PCSC, "no such certificate" },
	{ SCARD_E_CERTIFICATE_UNAVAILABLE, NTAG424_ERR_PCSC,
	    "certificate unavailable" },
	{ SCARD_E_NO_READERS_AVAILABLE, NTAG424_ERR_NO_READER,
	    "no reader connected" },
	{ SCARD_E_COMM_DATA_LOST, NTAG424_ERR_TX, "communication data lost" },
	{ SCARD_E_NO_KEY_CONTAINER, NTAG424_ERR_PCSC, "no key container" },
	{ SCARD_E_SERVER_TOO_BUSY, NTAG424_ERR_READER_BUSY, "pcscd too busy" },
	{ SCARD_W_UNSUPPORTED_CARD, NTAG424_ERR_PCSC, "unsupported card" },
	{ SCARD_W_UNRESPONSIVE_CARD, NTAG424_ERR_NO_CARD,
	    "tag does not respond" },
	{ SCARD_W_UNPOWERED_CARD, NTAG424_ERR_NO_CARD, "tag not powered" },
	{ SCARD_W_RESET_CARD, NTAG424_ERR_CARD_REMOVED, "tag was reset" },
	{ SCARD_W_REMOVED_CARD, NTAG424_ERR_CARD_REMOVED, "tag was removed" },
	{ SCARD_W_SECURITY_VIOLATION, NTAG424_ERR_PCSC, "security violation" },
	{ SCARD_W_WRONG_CHV, NTAG424_ERR_PCSC, "wrong CHV" },
	{ SCARD_W_CHV_BLOCKED, NTAG424_ERR_PCSC, "CHV blocked" },
	{ SCARD_W_EOF, NTAG424_ERR_PCSC, "end of file" },
	{ SCARD_W_CANCELLED_BY_USER, NTAG424_ERR_PCSC, "cancelled by user" },
	{ SCARD_W_CARD_NOT_AUTHENTICATED, NTAG424_ERR_PCSC,
	    "card not authenticated" },
};

static const struct scard_err *
find(long rv)
{
	for (size_t i = 0; i < sizeof(scard_errs) / sizeof(scard_errs[0]); i++)
		if (scard_errs[i].rv == rv)
			return &scard_errs[i];
	return NULL;
}

int
nt_pcsc_error(long rv)
{
	const struct scard_err *e = find(rv);

	return e != NULL ? e->code : NTAG424_ERR_PCSC;
}

const char *
nt_pcsc_describe(long rv)
{
	const struct scard_err *e = find(rv);

	return e != NULL ? e->text : "unknown PC/SC result";
}

static int
fail_rv(const char *what, LONG rv)
{
	log_msg(PLOG_DEBUG, "pcsc: %s: %s (0x%08lX)", what,
	    nt_pcsc_describe(rv), (unsigned long)rv);
	return nt_pcsc_error(rv);
}

static LONG
transmit(struct pcsc *p, const uint8_t *c, DWORD clen, uint8_t *r,
    DWORD *rlen)
{
	const SCARD_IO_REQUEST *pci = p->proto == SCARD_PROTOCOL_T0 ?
	    SCARD_PCI_T0 : SCARD_PCI_T1;

	return SCardTransmit(p->card, pci, c, clen, NULL, r, rlen);
}

static void *
worker(void *arg)
{
	struct pcsc	*p = arg;
	struct xfer	*x = &p->x;

	pthread_mutex_lock(&x->lock);
	for (;;) {
		while (x->state != X_REQUEST && x->state != X_QUIT)
			pthread_cond_wait(&x->cond, &x->lock);
		if (x->state == X_QUIT)
			break;
		pthread_mutex_unlock(&x->lock);
		x->rv = transmit(p, x->c, x->clen, x->r, &x->rlen);
		pthread_mutex_lock(&x->lock);
		x->state = X_DONE;
		pthread_cond_broadcast(&x->cond);
	}
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

static int
start_worker(struct pcsc *p)
{
	pthread_condattr_t	ca;
	struct xfer		*x = &p->x;

	if (x->running)
		return NTAG424_OK;
	if (pthread_condattr_init(&ca) != 0)
		return NTAG424_ERR_NOMEM;
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_mutex_init(&x->lock, NULL) != 0 ||
	    pthread_cond_init(&x->cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return NTAG424_ERR_NOMEM;
	}
	pthread_condattr_destroy(&ca);
	x->state = X_IDLE;
	if (pthread_create(&x->thread, NULL, worker, p) != 0) {
		pthread_cond_destroy(&x->cond);
		pthread_mutex_destroy(&x->lock);
		return NTAG424_ERR_NOMEM;
	}
	x->running = true;
	return NTAG424_OK;
}

static void
deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* One transmit through the worker; NTAG424_ERR_TIMEOUT at the deadline. */
static int
transmit_bounded(struct pcsc *p, const uint8_t *c, size_t clen, uint8_t *r,
    size_t *rlen)
{
	struct xfer	*x = &p->x;
	struct timespec	 until;
	int		 e = 0;

	if (clen > sizeof(x->c))
		return NTAG424_ERR_ARG;
	if (x->stuck || start_worker(p) != NTAG424_OK)
		return x->stuck ? NTAG424_ERR_TIMEOUT : NTAG424_ERR_NOMEM;
	pthread_mutex_lock(&x->lock);
	memcpy(x->c, c, clen);
	x->clen = (DWORD)clen;
	x->rlen = (DWORD)(*rlen < sizeof(x->r) ? *rlen : sizeof(x->r));
	x->state = X_REQUEST;
	pthread_cond_broadcast(&x->cond);
	deadline_in(&until, p->timeout_ms);
	while (x->state != X_DONE && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&x->cond, &x->lock, &until);
	if (x->state != X_DONE) {
		x->stuck = true;
		pthread_mutex_unlock(&x->lock);
		log_msg(PLOG_ERROR, "the reader '%s' did not answer a command "
		    "within %u ms (transmit timeout): the tag or the reader "
		    "driver hangs; take the tag away (or restart pcscd) and try "
		    "again", p->reader, p->timeout_ms);
		return NTAG424_ERR_TIMEOUT;
	}
	x->state = X_IDLE;
	wipe(x->c, sizeof(x->c));
	pthread_mutex_unlock(&x->lock);
	if (x->rv != SCARD_S_SUCCESS)
		return fail_rv("SCardTransmit", x->rv);
	memcpy(r, x->r, x->rlen);
	*rlen = x->rlen;
	wipe(x->r, sizeof(x->r));
	return NTAG424_OK;
}

static int
pcsc_transceive(void *arg, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len)
{
	struct pcsc	*p = arg;
	DWORD		 n = (DWORD)*rapdu_len;
	LONG		 rv;

	if (p->timeout_ms != 0)
		return transmit_bounded(p, capdu, capdu_len, rapdu, rapdu_len);
	rv = transmit(p, capdu, (DWORD)capdu_len, rapdu, &n);
	if (rv != SCARD_S_SUCCESS)
		return fail_rv("SCardTransmit", rv);
	*rapdu_len = n;
	return NTAG424_OK;
}

static void
stop_worker(struct xfer *x)
{
	if (!x->running)
		return;
	pthread_mutex_lock(&x->lock);
	x->state = X_QUIT;
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
	pthread_join(x->thread, NULL);
	pthread_cond_destroy(&x->cond);
	pthread_mutex_destroy(&x->lock);
	x->running = false;
}

static int
connect_reader(struct pcsc *p)
{
	LONG rv;

	rv = SCardConnect(p->ctx, p->reader, SCARD_SHARE_EXCLUSIVE,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->card, &p->proto);
	if (rv != SCARD_S_SUCCESS)
		return fail_rv("SCardConnect", rv);
	log_msg(PLOG_DEBUG, "pcsc: connected to '%s'", p->reader);
	return NTAG424_OK;
}

static int
pcsc_reconnect(void *arg)
{
	struct pcsc *p = arg;

	if (p->x.stuck)
		return NTAG424_ERR_TIMEOUT;
	if (p->card != 0)
		(void)SCardDisconnect(p->card, SCARD_RESET_CARD);
	p->card = 0;
	return connect_reader(p);
}

static void
pcsc_close(void *arg)
{
	struct pcsc *p = arg;

	if (p == NULL)
		return;
	if (p->x.stuck) {
		/* The worker still holds p and the context's lock. */
		pthread_detach(p->x.thread);
		return;
	}
	stop_worker(&p->x);
	if (p->card != 0)
		(void)SCardDisconnect(p->card, SCARD_RESET_CARD);
	if (p->ctx != 0)
		(void)SCardReleaseContext(p->ctx);
	free(p->reader);
	free(p);
}

static const ntag424_io_ops_t pcsc_ops = {
	.transceive = pcsc_transceive,
	.reconnect = pcsc_reconnect,
	.close = pcsc_close,
};

/* Split pcsclite's "a\0b\0\0" into a NULL-terminated array. */
static int
split_names(const char *multi, size_t len, char ***names, size_t *count)
{
	char	**v;
	size_t	 n = 0;

	if ((v = calloc(MAX_READERS + 1, sizeof(*v))) == NULL)
		return NTAG424_ERR_NOMEM;
	for (size_t i = 0; i < len && multi[i] != '\0' && n < MAX_READERS;
	    i += strlen(multi + i) + 1) {
		if ((v[n] = strndup(multi + i, len - i)) == NULL) {
			ntag424_pcsc_free_readers(&v);
			return NTAG424_ERR_NOMEM;
		}
		n++;
	}
	*names = v;
	*count = n;
	return NTAG424_OK;
}

static int
list(SCARDCONTEXT ctx, char ***names, size_t *count)
{
	char	*multi = NULL;
	DWORD	 len = 0;
	LONG	 rv;
	int	 r;

	rv = SCardListReaders(ctx, NULL, NULL, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		return split_names("", 1, names, count);
	if (rv != SCARD_S_SUCCESS)
		return fail_rv("SCardListReaders", rv);
	if ((multi = calloc(1, (size_t)len + 1)) == NULL)
		return NTAG424_ERR_NOMEM;
	rv = SCardListReaders(ctx, NULL, multi, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		r = split_names("", 1, names, count);
	else if (rv != SCARD_S_SUCCESS)
		r = fail_rv("SCardListReaders", rv);
	else
		r = split_names(multi, len, names, count);
	free(multi);
	return r;
}

static int
establish(SCARDCONTEXT *ctx)
{
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);

	return rv == SCARD_S_SUCCESS ? NTAG424_OK :
	    fail_rv("SCardEstablishContext", rv);
}

int
ntag424_pcsc_list_readers(char ***names, size_t *count)
{
	SCARDCONTEXT	ctx = 0;
	int		r;

	if (names == NULL || count == NULL)
		return NTAG424_ERR_ARG;
	*names = NULL;
	*count = 0;
	if ((r = establish(&ctx)) != NTAG424_OK)
		return r;
	r = list(ctx, names, count);
	(void)SCardReleaseContext(ctx);
	return r;
}

void
ntag424_pcsc_free_readers(char ***names)
{
	if (names == NULL || *names == NULL)
		return;
	for (char **v = *names; *v != NULL; v++)
		free(*v);
	free(*names);
	*names = NULL;
}

/* Reader states of names[0..n); with timeout 0 only the current state. */
static int
states(SCARDCONTEXT ctx, SCARD_READERSTATE *rs, size_t n, DWORD timeout)
{
	LONG rv = SCardGetStatusChange(ctx, timeout, rs, (DWORD)n);

	if (rv == SCARD_E_TIMEOUT)
		return NTAG424_ERR_TIMEOUT;
	return rv == SCARD_S_SUCCESS ? NTAG424_OK :
	    fail_rv("SCardGetStatusChange", rv);
}

static int
first_with_card(SCARDCONTEXT ctx, char **reader)
{
	SCARD_READERSTATE	 rs[MAX_READERS];
	char			**names = NULL;
	size_t			 n = 0;
	int			 r;

	if ((r = list(ctx, &names, &n)) != NTAG424_OK)
		return r;
	r = n == 0 ? NTAG424_ERR_NO_READER : NTAG424_ERR_NO_CARD;
	memset(rs, 0, sizeof(rs));
	for (size_t i = 0; i < n; i++) {
		rs[i].szReader = names[i];
		rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	if (n > 0 && states(ctx, rs, n, 0) == NTAG424_OK)
		for (size_t i = 0; i < n; i++)
			if (rs[i].dwEventState & SCARD_STATE_PRESENT) {
				*reader = names[i];
				names[i] = names[n - 1];
				names[n - 1] = NULL;
				r = NTAG424_OK;
				break;
			}
	ntag424_pcsc_free_readers(&names);
	return r;
}

int
ntag424_dev_open_pcsc_timeout(ntag424_dev_t *dev, const char *reader,
    unsigned int timeout_ms)
{
	struct pcsc	*p = NULL;
	int		 r = NTAG424_ERR_NOMEM;

	if (dev == NULL)
		return NTAG424_ERR_ARG;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto fail;
	p->timeout_ms = timeout_ms;
	if ((r = establish(&p->ctx)) != NTAG424_OK)
		goto fail;
	if (reader != NULL && (p->reader = strdup(reader)) == NULL) {
		r = NTAG424_ERR_NOMEM;
		goto fail;
	}
	if (reader == NULL && (r = first_with_card(p->ctx, &p->reader)) !=
	    NTAG424_OK)
		goto fail;
	if ((r = connect_reader(p)) != NTAG424_OK ||
	    (r = ntag424_dev_set_io(dev, &pcsc_ops, p)) != NTAG424_OK)
		goto fail;
	p = NULL;	/* owned by dev */
fail:
	pcsc_close(p);
	return r;
}

int
ntag424_dev_open_pcsc(ntag424_dev_t *dev, const char *reader)
{
	return ntag424_dev_open_pcsc_timeout(dev, reader,
	    NTAG424_PCSC_TIMEOUT_MS);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
satisfied(const SCARD_READERSTATE *rs, size_t n, bool present)
{
	for (size_t i = 0; i < n; i++)
		if (rs[i].dwEventState & SCARD_STATE_PRESENT)
			return present;
	return !present;
}

static int
wait_states(SCARDCONTEXT ctx, SCARD_READERSTATE *rs, size_t n, bool present,
    unsigned int timeout_ms)
{
	long	deadline = now_ms() + (long)timeout_ms;
	long	left;
	int	r;

	if ((r = states(ctx, rs, n, 0)) != NTAG424_OK)
		return r;
	while (!satisfied(rs, n, present)) {
		for (size_t i = 0; i < n; i++)
			rs[i].dwCurrentState = rs[i].dwEventState &
			    ~(DWORD)SCARD_STATE_CHANGED;
		left = deadline - now_ms();
		if (timeout_ms != 0 && left <= 0)
			return NTAG424_ERR_TIMEOUT;
		if ((r = states(ctx, rs, n, timeout_ms == 0 ? INFINITE :
		    (DWORD)left)) != NTAG424_OK)
			return r;
	}
	return NTAG424_OK;
}

int
ntag424_pcsc_wait_card(const char *reader, bool present,
    unsigned int timeout_ms)
{
	SCARD_READERSTATE	 rs[MAX_READERS];
	SCARDCONTEXT		 ctx = 0;
	char			**names = NULL;
	size_t			 n = 0;
	int			 r;

	if ((r = establish(&ctx)) != NTAG424_OK)
		return r;
	memset(rs, 0, sizeof(rs));
	if (reader != NULL) {
		rs[0].szReader = reader;
		n = 1;
	} else if ((r = list(ctx, &names, &n)) != NTAG424_OK)
		goto fail;
	for (size_t i = 0; reader == NULL && i < n; i++)
		rs[i].szReader = names[i];
	r = n == 0 ? NTAG424_ERR_NO_READER :
	    wait_states(ctx, rs, n, present, timeout_ms);
fail:
	ntag424_pcsc_free_readers(&names);
	(void)SCardReleaseContext(ctx);
	return r;
}
