/*
 * The HTTP side on libmicrohttpd: epoll, a thread pool, keep-alive. A
 * request whose MAC verified is suspended while its counter advance waits
 * for the group commit, and resumed by the committer, so a pool thread
 * never blocks on the database and many requests share one commit.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/log.h"
#include "common/prim.h"
#include "verifyd/routes.h"
#include "verifyd/verifyd.h"

#define URI_MAX		(NTAG424_SUN_URL_MAX + 64)

enum { PHASE_NEW, PHASE_WAIT, PHASE_DONE };

struct vd_http {
	struct MHD_Daemon	*d;
	vd_tags_t		*tags;
	vd_batch_t		*batch;
	pthread_key_t		 key;	/* the thread's vd_verifier_t */
	atomic_int		 waiting;
	uint16_t		 port;
};

struct vd_request {
	vd_http_t		*h;
	struct MHD_Connection	*conn;
	char			*uri;
	size_t			 urilen;
	bool			 oversize;
	bool			 headers;	/* the first call was made */
	int			 phase;
	int			 retried;
	double			 t0;
	struct vd_result	 res;
	struct vd_advance	 adv;
	char			 path[256];	/* "" for /api/verify */
	char			 input[NTAG424_SUN_URL_MAX + 1];
	size_t			 inlen;		/* what was verified */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
free_verifier(void *p)
{
	vd_verifier_t *v = p;

	vd_verifier_free(&v);
}

static vd_verifier_t *
verifier(vd_http_t *h)
{
	vd_verifier_t *v;

	if ((v = pthread_getspecific(h->key)) != NULL)
		return v;
	if ((v = vd_verifier_new(h->tags)) != NULL &&
	    pthread_setspecific(h->key, v) != 0)
		vd_verifier_free(&v);
	return v;
}

/*
 * The request in flight on a connection. libmicrohttpd (0.9.75) may drop a
 * connection after uri_log() without calling completed(), e.g. when the
 * query has more arguments than its memory pool holds: the connection keeps
 * the request so that closing it frees what completed() never saw.
 */
struct vd_conn {
	struct vd_request	*rq;
};

static struct vd_conn *
conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static void
request_free(struct vd_request *rq)
{
	if (rq == NULL)
		return;
	vd_result_clear(&rq->res);
	free(rq->uri);
	free(rq);
}

static void
conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct vd_conn *vc = *socket_context;

	(void)cls;
	(void)conn;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = calloc(1, sizeof(struct vd_conn));
		return;
	}
	if (vc != NULL)
		request_free(vc->rq);
	free(vc);
	*socket_context = NULL;
}

/* MHD calls this first with the raw URI: keep it, query and all. */
static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct vd_request	*rq;
	struct vd_conn		*vc = conn_of(conn);
	size_t			 len = strlen(uri);

	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	rq->h = cls;
	rq->conn = conn;
	rq->t0 = now();
	if (len > URI_MAX) {
		rq->oversize = true;
		len = 0;
	}
	if ((rq->uri = malloc(len + 1)) == NULL) {
		free(rq);
		return NULL;
	}
	memcpy(rq->uri, uri, len);
	rq->uri[len] = '\0';
	rq->urilen = len;
	if (vc != NULL) {
		request_free(vc->rq);	/* one that was dropped unfinished */
		vc->rq = rq;
	}
	return rq;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct vd_request	*rq = *con_cls;
	struct vd_conn		*vc = conn_of(conn);

	(void)cls;
	(void)toe;
	if (rq == NULL)
		return;
	if (vc != NULL && vc->rq == rq)
		vc->rq = NULL;
	request_free(rq);
	*con_cls = NULL;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type, char *body,
    size_t len)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 r;

	if (body == NULL)
		return MHD_NO;	/* out of memory: drop the connection */
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *type,
    const char *text)
{
	char *s = strdup(text);

	return reply(c, status, type, s, s != NULL ? strlen(s) : 0);
}

static bool
wants_json(struct MHD_Connection *c)
{
	const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);

	return a != NULL && strstr(a, "application/json") != NULL;
}

/* The verdict, as JSON or as the landing page. */
static enum MHD_Result
answer(struct vd_request *rq, bool json)
{
	char *body;

	vd_metrics_count(rq->res.verdict, now() - rq->t0);
	body = json ? vd_json(&rq->res) : vd_page(&rq->res);
	return reply(rq->conn, vd_verdict_status(rq->res.verdict), json ?
	    "application/json" : "text/html; charset=utf-8", body,
	    body != NULL ? strlen(body) : 0);
}

/* Runs on the committer thread once the advance is durable (or failed). */
static void
committed(struct vd_advance *a, void *arg)
{
	struct vd_request *rq = arg;

	(void)a;
	rq->phase = PHASE_DONE;
	atomic_fetch_sub(&rq->h->waiting, 1);
	MHD_resume_connection(rq->conn);
}

/*
 * Verify rq->input (with rq->path, or a whole URL if the path is empty);
 * suspend if the counter must be committed. 1 if suspended.
 */
static int
start_verify(struct vd_request *rq, int refresh)
{
	vd_verifier_t *v = verifier(rq->h);

	if (v == NULL) {
		rq->res.verdict = VD_KEY_UNAVAILABLE;
		snprintf(rq->res.reason, sizeof(rq->res.reason), "out of memory");
		return 0;
	}
	memset(&rq->adv, 0, sizeof(rq->adv));
	if (vd_verify(v, rq->path[0] != '\0' ? rq->path : NULL, rq->input,
	    rq->inlen, refresh, &rq->res, &rq->adv.a) != 1)
		return 0;
	rq->adv.done = committed;
	rq->adv.arg = rq;
	rq->phase = PHASE_WAIT;
	atomic_fetch_add(&rq->h->waiting, 1);
	MHD_suspend_connection(rq->conn);
	vd_batch_submit(rq->h->batch, &rq->adv);
	return 1;
}

static enum MHD_Result
route(struct vd_request *rq, bool json)
{
	vd_verifier_t	*v = verifier(rq->h);
	const char	*q = strchr(rq->uri, '?');
	size_t		 plen = q != NULL ? (size_t)(q - rq->uri) : rq->urilen;
	size_t		 qlen = q != NULL ? rq->urilen - plen - 1 : 0;
	size_t		 ulen;
	char		*m;

	q = q != NULL ? q + 1 : "";
	switch (v != NULL ? vd_route_find(v, rq->uri, plen) : -1) {
	case VD_ROUTE_HEALTH:
		return send_text(rq->conn, 200, "text/plain", "ok\n");
	case VD_ROUTE_METRICS:
		m = vd_metrics_text(&ulen);
		return reply(rq->conn, 200, "text/plain; version=0.0.4", m, ulen);
	case VD_ROUTE_API:
		if (vd_route_api_url(q, qlen, rq->input, sizeof(rq->input),
		    &rq->inlen, &rq->res) != 0)
			return answer(rq, true);
		return start_verify(rq, 0) ? MHD_YES : answer(rq, true);
	case VD_ROUTE_TAG:
		if (plen >= sizeof(rq->path) || qlen >= sizeof(rq->input)) {
			rq->res.time = (int64_t)time(NULL);
			rq->res.verdict = VD_MALFORMED;
			snprintf(rq->res.field, sizeof(rq->res.field), "url");
			snprintf(rq->res.reason, sizeof(rq->res.reason),
			    "the URL is longer than %d bytes",
			    NTAG424_SUN_URL_MAX);
			return answer(rq, json);
		}
		memcpy(rq->path, rq->uri, plen);
		memcpy(rq->input, q, qlen);
		rq->inlen = qlen;
		return start_verify(rq, 0) ? MHD_YES : answer(rq, json);
	case VD_ROUTE_NONE:
		return send_text(rq->conn, 404, "application/json",
		    "{\"error\":\"no such route\"}\n");
	default:
		return send_text(rq->conn, 503, "application/json",
		    "{\"error\":\"out of memory\"}\n");
	}
}

/* Back from the commit: the verdict, or once more after a stale entry. */
static enum MHD_Result
resumed(struct vd_request *rq, bool json)
{
	vd_verify_settle(&rq->res, &rq->adv);
	if (rq->adv.err == NTAG424_OK && rq->adv.a.outcome == NTAG424_KS_STALE &&
	    !rq->retried) {
		/* The tag was re-provisioned since we cached it: read it again. */
		rq->retried = 1;
		if (start_verify(rq, 2))
			return MHD_YES;
	}
	rq->phase = PHASE_DONE;
	return answer(rq, json);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct vd_request	*rq = *con_cls;
	bool			 json;

	(void)cls;
	(void)url;
	(void)version;
	(void)upload;
	if (rq == NULL)
		return MHD_NO;
	/*
	 * Answer only once the whole request is in: libmicrohttpd closes the
	 * connection after a response queued at the first call (headers
	 * only), which would make every client reconnect for each tap.
	 */
	if (!rq->headers) {
		rq->headers = true;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body is not used: skip it */
		return MHD_YES;
	}
	json = wants_json(c) || strncmp(rq->uri, "/api/", 5) == 0;
	if (rq->phase == PHASE_DONE)
		return resumed(rq, json);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_text(c, 405, "application/json",
		    "{\"error\":\"only GET and HEAD\"}\n");
	if (rq->oversize) {
		rq->res.time = (int64_t)time(NULL);
		rq->res.verdict = VD_MALFORMED;
		snprintf(rq->res.field, sizeof(rq->res.field), "url");
		snprintf(rq->res.reason, sizeof(rq->res.reason), "the request "
		    "is longer than %d bytes", URI_MAX);
		return answer(rq, json);
	}
	return route(rq, json);
}

static int
resolve(const struct vd_http_opts *o, struct sockaddr_storage *ss,
    char *err, size_t errlen)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 port[8];
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", o->port);
	if ((rc = getaddrinfo(o->host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen address %s: %s", o->host,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

int
vd_http_start(vd_http_t **hp, const struct vd_http_opts *o, vd_tags_t *tags,
    vd_batch_t *batch, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	const union MHD_DaemonInfo *info;
	vd_http_t		*h;
	unsigned		 threads = o->threads;
	unsigned		 flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;

	*hp = NULL;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (resolve(o, &ss, err, errlen) != 0)
		return NTAG424_ERR_ARG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NTAG424_ERR_NOMEM;
	h->tags = tags;
	h->batch = batch;
	if (pthread_key_create(&h->key, free_verifier) != 0) {
		free(h);
		return NTAG424_ERR_NOMEM;
	}
	h->d = MHD_start_daemon(flags, o->port, NULL, NULL, handle, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, h,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30U,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%u (in use, or "
		    "not an address of this machine)", o->host, o->port);
		pthread_key_delete(h->key);
		free(h);
		return NTAG424_ERR_IO;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : o->port;
	*hp = h;
	return NTAG424_OK;
}

uint16_t
vd_http_port(const vd_http_t *h)
{
	return h->port;
}

void
vd_http_stop(vd_http_t **hp)
{
	vd_http_t	*h;
	MHD_socket	 s;

	if (hp == NULL || (h = *hp) == NULL)
		return;
	/* No new connections; let the committer resume what waits. */
	if ((s = MHD_quiesce_daemon(h->d)) != MHD_INVALID_SOCKET)
		close(s);
	for (int i = 0; i < 500 && atomic_load(&h->waiting) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(h->d);
	pthread_key_delete(h->key);
	free(h);
	*hp = NULL;
}
