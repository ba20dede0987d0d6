/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTP side on libmicrohttpd: epoll, a thread pool, keep-alive. A
 * request whose MAC verified is suspended while its counter advance waits
 * for the group commit, and resumed by the committer, so a pool thread
 * never blocks on the database and many requests share one commit.
 *
 * Only a GET of a tag path or of /api/verify verifies and may advance a
 * counter. HEAD is safe (RFC 9110 9.2.1): it gets the headers of a neutral
 * page and verifies nothing; so does a GET from a link-preview fetcher
 * (User-Agent in the preview-agents list). Other methods get 405 at once,
 * before any body is read, and so does a body sent with a GET.
 *
 * Connections are limited in total and per client address, and the whole
 * header of each request must arrive within header_timeout (hdrguard.h):
 * libmicrohttpd's own timeout counts idle time only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/hdrguard.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/prim.h"
#include "verifyd/routes.h"
#include "verifyd/verifyd.h"

#define URI_MAX		(NTAG424_SUN_URL_MAX + 64)
#define AGENTS_MAX	64
#define STOPPING	(1U << 31)	/* in vd_http.waiting */
#define IDLE_TIMEOUT	30U		/* seconds between two reads */

enum { PHASE_NEW, PHASE_WAIT, PHASE_DONE };

struct vd_http {
	struct MHD_Daemon	*d;
	struct MHD_Daemon	*md;		/* the metrics listener */
	vd_tags_t		*tags;
	vd_batch_t		*batch;
	hdr_guard_t		*guard;
	pthread_key_t		 key;	/* the thread's vd_verifier_t */
	/* Suspended requests not yet answered, and the STOPPING bit. */
	atomic_uint		 waiting;
	atomic_uint_fast64_t	 next_id;
	char			*agents_buf;
	const char		*agents[AGENTS_MAX];
	size_t			 nagents;
	bool			 replay_uid;
	const struct vd_redirect *redirects;
	size_t			 nredirects;
	uint16_t		 port;
	uint16_t		 metrics_port;
};

struct vd_request {
	vd_http_t		*h;
	struct MHD_Connection	*conn;
	struct hdr_conn		*hc;
	char			*uri;
	size_t			 urilen;
	bool			 oversize;
	bool			 headers;	/* the first call was made */
	bool			 counted;	/* in h->waiting */
	bool			 auth;		/* /auth: status and headers */
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
 * What a connection carries: its header deadline, and the request in
 * flight. libmicrohttpd (0.9.75) may drop a connection after uri_log()
 * without calling completed(), e.g. when the query has more arguments than
 * its memory pool holds: closing the connection then frees what
 * completed() never saw.
 */
struct vd_conn {
	struct hdr_conn		*hc;
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
request_free(vd_http_t *h, struct vd_request *rq)
{
	if (rq == NULL)
		return;
	if (rq->counted)
		atomic_fetch_sub(&h->waiting, 1);
	vd_result_clear(&rq->res);
	free(rq->uri);
	free(rq);
}

/* A connection opens or closes: its header deadline comes and goes. */
static void
conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	vd_http_t			*h = cls;
	const union MHD_ConnectionInfo	*ci;
	struct vd_conn			*vc = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		if ((vc = calloc(1, sizeof(*vc))) != NULL &&
		    (ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL)
			vc->hc = hdr_guard_add(h->guard, ci->connect_fd);
		*socket_context = vc;
		return;
	}
	if (vc != NULL) {
		hdr_guard_remove(h->guard, &vc->hc);
		request_free(h, vc->rq);
		free(vc);
	}
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
	rq->hc = vc != NULL ? vc->hc : NULL;
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
		request_free(cls, vc->rq);	/* one that was dropped unfinished */
		vc->rq = rq;
	}
	return rq;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	vd_http_t		*h = cls;
	struct vd_request	*rq = *con_cls;
	struct vd_conn		*vc = conn_of(conn);

	(void)toe;
	if (rq == NULL)
		return;
	/* The next request on this connection has its own deadline. */
	hdr_conn_rearm(h->guard, rq->hc);
	if (vc != NULL && vc->rq == rq)
		vc->rq = NULL;
	request_free(h, rq);
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
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
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

/*
 * A 503's reason may name files, hosts or database errors: it goes to the
 * log under a request id, and the client gets the id to quote.
 */
static void
hide_failure(struct vd_request *rq)
{
	char id[24];

	snprintf(id, sizeof(id), "%016llx", (unsigned long long)
	    atomic_fetch_add(&rq->h->next_id, 1));
	log_msg(PLOG_ERROR, "request %s: %s: %s", id,
	    vd_verdict_name(rq->res.verdict), rq->res.reason);
	snprintf(rq->res.reason, sizeof(rq->res.reason), "the service cannot "
	    "check tags at the moment and accepted nothing; ask again later "
	    "(request %s)", id);
	snprintf(rq->res.request_id, sizeof(rq->res.request_id), "%s", id);
}

/* The route's signed redirect, if it has one. */
static const struct vd_redirect *
redirect_of(const vd_http_t *h, const char *path)
{
	for (size_t i = 0; path[0] != '\0' && i < h->nredirects; i++)
		if (strcmp(h->redirects[i].path, path) == 0)
			return &h->redirects[i];
	return NULL;
}

/* 303 to the website with the signed verdict; no body. */
static enum MHD_Result
send_redirect(struct vd_request *rq, const struct vd_redirect *rd)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 r;
	char			*loc;

	if ((loc = vd_redirect_location(rd, &rq->res, rq->h->replay_uid,
	    NULL)) == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		free(loc);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, loc);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	r = MHD_queue_response(rq->conn, MHD_HTTP_SEE_OTHER, resp);
	MHD_destroy_response(resp);
	free(loc);
	return r;
}

/*
 * /auth for nginx auth_request: 204 and the tag in headers for a valid tap;
 * 403 not genuine, 409 replay, 410 revoked, 503 cannot check (nginx passes
 * 403 on and turns the others into 500). X-Tag-Verdict always, so that the
 * site can say which.
 */
static enum MHD_Result
send_auth(struct vd_request *rq)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 r;
	unsigned		 status = vd_verdict_status(rq->res.verdict);
	char			 uid[2 * NTAG424_UID_LEN + 1], ctr[16];

	if (rq->res.verdict == VD_VALID)
		status = MHD_HTTP_NO_CONTENT;
	else if (status < 500 && rq->res.verdict != VD_REPLAY &&
	    rq->res.verdict != VD_REVOKED)
		status = MHD_HTTP_FORBIDDEN;
	resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "X-Tag-Verdict",
	    vd_verdict_name(rq->res.verdict));
	if (rq->res.verdict == VD_VALID) {
		hex_encode(rq->res.uid, NTAG424_UID_LEN, uid);
		snprintf(ctr, sizeof(ctr), "%u", (unsigned)rq->res.ctr);
		MHD_add_response_header(resp, "X-Tag-UID", uid);
		MHD_add_response_header(resp, "X-Tag-Counter", ctr);
		MHD_add_response_header(resp, "X-Tag-Label", "");
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	r = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

/* The verdict, as JSON or as the landing page, or the route's redirect. */
static enum MHD_Result
answer(struct vd_request *rq, bool json)
{
	const struct vd_redirect *rd = redirect_of(rq->h, rq->path);
	char *body;

	if (rq->res.time == 0)
		rq->res.time = (int64_t)time(NULL);
	if (vd_verdict_status(rq->res.verdict) >= 500)
		hide_failure(rq);
	vd_metrics_count(rq->res.verdict, now() - rq->t0);
	if (rq->auth)
		return send_auth(rq);
	if (rd != NULL)
		return send_redirect(rq, rd);
	body = json ? vd_json(&rq->res, rq->h->replay_uid) : vd_page(&rq->res);
	return reply(rq->conn, vd_verdict_status(rq->res.verdict), json ?
	    "application/json" : "text/html; charset=utf-8", body,
	    body != NULL ? strlen(body) : 0);
}

/* HEAD, or a link preview: the page's headers, nothing verified. */
static enum MHD_Result
neutral(struct vd_request *rq, bool json, const char *why)
{
	char *body;

	body = json ? vd_json_neutral(why, (int64_t)time(NULL)) :
	    vd_page_neutral();
	return reply(rq->conn, 200, json ? "application/json" :
	    "text/html; charset=utf-8", body, body != NULL ? strlen(body) : 0);
}

/* Runs on the committer thread once the advance is durable (or failed). */
static void
committed(struct vd_advance *a, void *arg)
{
	struct vd_request *rq = arg;

	(void)a;
	rq->phase = PHASE_DONE;
	MHD_resume_connection(rq->conn);	/* rq may be gone after this */
}

/*
 * Count rq among the suspended requests, unless the server is stopping:
 * vd_http_stop waits for every counted request to be answered, so none can
 * start waiting once it has begun.
 */
static bool
count_waiting(struct vd_request *rq)
{
	if (rq->counted)
		return (atomic_load(&rq->h->waiting) & STOPPING) == 0;
	if ((atomic_fetch_add(&rq->h->waiting, 1) & STOPPING) != 0) {
		atomic_fetch_sub(&rq->h->waiting, 1);
		return false;
	}
	rq->counted = true;
	return true;
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
	if (!count_waiting(rq)) {
		rq->res.verdict = VD_STORE_ERROR;
		snprintf(rq->res.reason, sizeof(rq->res.reason), "the server "
		    "is stopping");
		return 0;
	}
	memset(&rq->adv, 0, sizeof(rq->adv));
	if (vd_verify(v, rq->path[0] != '\0' ? rq->path : NULL, rq->input,
	    rq->inlen, refresh, &rq->res, &rq->adv.a) != 1)
		return 0;
	rq->adv.done = committed;
	rq->adv.arg = rq;
	rq->phase = PHASE_WAIT;
	MHD_suspend_connection(rq->conn);
	vd_batch_submit(rq->h->batch, &rq->adv);
	return 1;
}

/* Case-insensitive: does s contain w? */
static bool
contains(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return true;
	return false;
}

static bool
is_preview(const vd_http_t *h, struct MHD_Connection *c)
{
	const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_USER_AGENT);

	if (ua == NULL)
		return false;
	for (size_t i = 0; i < h->nagents; i++)
		if (contains(ua, h->agents[i]))
			return true;
	return false;
}

static enum MHD_Result
tag_route(struct vd_request *rq, bool json, const char *path,
    const char *q, size_t plen, size_t qlen)
{
	if (plen >= sizeof(rq->path) || qlen >= sizeof(rq->input)) {
		rq->res.verdict = VD_MALFORMED;
		snprintf(rq->res.field, sizeof(rq->res.field), "url");
		snprintf(rq->res.reason, sizeof(rq->res.reason),
		    "the URL is longer than %d bytes", NTAG424_SUN_URL_MAX);
		return answer(rq, json);
	}
	memcpy(rq->path, path, plen);
	memcpy(rq->input, q, qlen);
	rq->inlen = qlen;
	return start_verify(rq, 0) ? MHD_YES : answer(rq, json);
}

/*
 * /auth: the tapped path and query come in X-Original-URI (nginx:
 * proxy_set_header X-Original-URI $request_uri). A HEAD or a link preview
 * verifies nothing and is refused, so that nothing is shown unchecked.
 */
static enum MHD_Result
auth_route(struct vd_request *rq, bool head)
{
	vd_verifier_t	*v = verifier(rq->h);
	const char	*u = MHD_lookup_connection_value(rq->conn,
	    MHD_HEADER_KIND, "X-Original-URI");
	const char	*q;
	size_t		 plen;

	rq->auth = true;
	rq->res.verdict = VD_MALFORMED;
	snprintf(rq->res.field, sizeof(rq->res.field), "url");
	if (u == NULL || u[0] != '/' || (q = strchr(u, '?')) == NULL) {
		snprintf(rq->res.reason, sizeof(rq->res.reason), "give the "
		    "tapped path and query in X-Original-URI");
		return answer(rq, true);
	}
	plen = (size_t)(q - u);
	if (head || is_preview(rq->h, rq->conn) || v == NULL ||
	    !vd_verify_serves(v, u, plen)) {
		snprintf(rq->res.reason, sizeof(rq->res.reason), "not a tap "
		    "of a template's path");
		return answer(rq, true);
	}
	memset(rq->res.field, 0, sizeof(rq->res.field));
	rq->res.reason[0] = '\0';
	return tag_route(rq, true, u, q + 1, plen, strlen(q + 1));
}

static enum MHD_Result
route(struct vd_request *rq, bool json, bool head)
{
	vd_verifier_t	*v = verifier(rq->h);
	const char	*q = strchr(rq->uri, '?');
	size_t		 plen = q != NULL ? (size_t)(q - rq->uri) : rq->urilen;
	size_t		 qlen = q != NULL ? rq->urilen - plen - 1 : 0;

	q = q != NULL ? q + 1 : "";
	switch (v != NULL ? vd_route_find(v, rq->uri, plen) : -1) {
	case VD_ROUTE_HEALTH:
		if (vd_tags_health(rq->h->tags, rq->res.reason,
		    sizeof(rq->res.reason)) != 0)
			return send_text(rq->conn, 503, "text/plain",
			    "keystore unavailable\n");
		return send_text(rq->conn, 200, "text/plain", "ok\n");
	case VD_ROUTE_READY:
		if (vd_tags_health(rq->h->tags, rq->res.reason,
		    sizeof(rq->res.reason)) != 0)
			return send_text(rq->conn, 503, "text/plain",
			    "keystore unavailable\n");
		if (rq->h->batch != NULL && !vd_batch_ready(rq->h->batch))
			return send_text(rq->conn, 503, "text/plain",
			    "the counter store cannot commit\n");
		return send_text(rq->conn, 200, "text/plain", "ready\n");
	case VD_ROUTE_METRICS:	/* only on the metrics listener */
	case VD_ROUTE_NONE:
		if (!json) {
			char *page = vd_page_not_found();

			return reply(rq->conn, 404, "text/html; charset=utf-8",
			    page, page != NULL ? strlen(page) : 0);
		}
		return send_text(rq->conn, 404, "application/json",
		    "{\"error\":\"no such route\"}\n");
	case VD_ROUTE_API:
		if (head)
			return neutral(rq, true, "HEAD verifies nothing: use "
			    "GET");
		if (vd_route_api_url(q, qlen, rq->input, sizeof(rq->input),
		    &rq->inlen, &rq->res) != 0)
			return answer(rq, true);
		return start_verify(rq, 0) ? MHD_YES : answer(rq, true);
	case VD_ROUTE_AUTH:
		return auth_route(rq, head);
	case VD_ROUTE_TAG:
		if (head)
			return neutral(rq, json, "HEAD verifies nothing: use "
			    "GET");
		if (is_preview(rq->h, rq->conn))
			return neutral(rq, json, "link previews are not "
			    "checked: open the link from the tag");
		return tag_route(rq, json, rq->uri, q, plen, qlen);
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

/* A body was announced (Content-Length above 0, or chunked). */
static bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return true;
	return cl != NULL && strspn(cl, "0 \t") != strlen(cl);
}

/*
 * The header is in. Refuse what cannot be served before any body is read:
 * a response queued now means no "100 Continue" is sent, and
 * libmicrohttpd closes the connection instead of reading the body.
 */
static enum MHD_Result
header_done(struct vd_request *rq, struct MHD_Connection *c,
    const char *method)
{
	rq->headers = true;
	hdr_conn_headers_done(rq->hc);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "application/json", "{\"error\":\"only GET and HEAD\"}\n");
	if (has_body(c))
		return send_text(c, 413,
		    "application/json", "{\"error\":\"a request body is not "
		    "accepted\"}\n");
	return MHD_YES;
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
	 * Otherwise answer only once the whole request is in: libmicrohttpd
	 * closes the connection after a response queued at the first call
	 * (headers only), which would make every client reconnect per tap.
	 */
	if (!rq->headers)
		return header_done(rq, c, method);
	if (*upload_size != 0)
		return MHD_NO;	/* a body after all (not announced) */
	json = wants_json(c) || strncmp(rq->uri, "/api/", 5) == 0;
	if (rq->phase == PHASE_DONE)
		return resumed(rq, json);
	if (rq->oversize) {
		rq->res.verdict = VD_MALFORMED;
		snprintf(rq->res.field, sizeof(rq->res.field), "url");
		snprintf(rq->res.reason, sizeof(rq->res.reason), "the request "
		    "is longer than %d bytes", URI_MAX);
		return answer(rq, json);
	}
	return route(rq, json, strcmp(method, "HEAD") == 0);
}

/* The metrics listener: /metrics only, one thread, few connections. */
static enum MHD_Result
metrics_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	vd_http_t	*h = cls;
	char		*m, *s;
	size_t		 len;
	int		 n;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "application/json", "{\"error\":\"only GET and HEAD\"}\n");
	if (strcmp(url, "/metrics") != 0)
		return send_text(c, 404, "application/json",
		    "{\"error\":\"no such route\"}\n");
	if ((m = vd_metrics_text(&len)) == NULL)
		return MHD_NO;
	n = asprintf(&s, "%s# HELP verifyd_header_timeouts_total Connections "
	    "closed because a request header was not complete in time.\n"
	    "# TYPE verifyd_header_timeouts_total counter\n"
	    "verifyd_header_timeouts_total %llu\n", m,
	    (unsigned long long)hdr_guard_reaped(h->guard));
	free(m);
	if (n < 0)
		return MHD_NO;
	return reply(c, 200, "text/plain; version=0.0.4", s, (size_t)n);
}

/*
 * Our own listening socket, so that a port in use is an error that says
 * so: SO_REUSEPORT would let a second server start silently and take part
 * of the traffic; it is set only when sharing is asked for.
 */
static int
listen_on(const char *host, uint16_t port, bool share, int *fdp, char *err,
    size_t errlen)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 serv[8];
	int		 fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", port);
	if ((rc = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen address %s: %s", host,
		    gai_strerror(rc));
		return NTAG424_ERR_ARG;
	}
	rc = NTAG424_ERR_IO;
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (share && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) != 0)) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024)) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s%s", host,
		    port, strerror(errno), errno == EADDRINUSE ? " (another "
		    "server listens there; to share the port on purpose, give "
		    "--reuse-port to every server)" : "");
		goto fail;
	}
	*fdp = fd;
	fd = -1;
	rc = NTAG424_OK;
fail:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

static uint16_t
bound_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	return i != NULL ? i->port : 0;
}

/* The preview-agents list, split at commas, blanks around entries cut. */
static int
set_agents(vd_http_t *h, const char *list)
{
	char *p, *tok, *save = NULL, *e;

	if (list == NULL)
		list = VD_PREVIEW_AGENTS;
	if ((h->agents_buf = strdup(list)) == NULL)
		return NTAG424_ERR_NOMEM;
	for (p = h->agents_buf; (tok = strtok_r(p, ",", &save)) != NULL;
	    p = NULL) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		e = tok + strlen(tok);
		while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*tok != '\0' && h->nagents < AGENTS_MAX)
			h->agents[h->nagents++] = tok;
	}
	return NTAG424_OK;
}

/*
 * Each connection holds two descriptors (libmicrohttpd's and the header
 * guard's dup): raise the soft limit to fit, or lower the connection limit
 * to what fits.
 */
static unsigned
fit_fd_limit(unsigned conns)
{
	struct rlimit	rl;
	rlim_t		need = (rlim_t)conns * 2 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return conns;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ?
	    need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < need) {
		conns = rl.rlim_cur > 128 ? (unsigned)((rl.rlim_cur - 64) / 2) :
		    32;
		log_msg(PLOG_WARN, "open file limit %llu: at most %u "
		    "connections", (unsigned long long)rl.rlim_cur, conns);
	}
	return conns;
}

static int
start_metrics(vd_http_t *h, const struct vd_http_opts *o, char *err,
    size_t errlen)
{
	int fd = -1, r;

	if ((r = listen_on(o->metrics_host, o->metrics_port, false, &fd, err,
	    errlen)) != NTAG424_OK)
		return r;
	h->md = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL, 0, NULL, NULL, metrics_handle, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, 16U,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10U,
	    MHD_OPTION_END);
	if (h->md == NULL) {
		close(fd);
		snprintf(err, errlen, "cannot serve metrics on %s:%u",
		    o->metrics_host, o->metrics_port);
		return NTAG424_ERR_IO;
	}
	h->metrics_port = bound_port(h->md);
	return NTAG424_OK;
}

static int
start_main(vd_http_t *h, const struct vd_http_opts *o, char *err,
    size_t errlen)
{
	unsigned	threads = o->threads, conns;
	unsigned	flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	int		fd = -1, r;

	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if ((r = listen_on(o->host, o->port, o->reuse_port, &fd, err,
	    errlen)) != NTAG424_OK)
		return r;
	conns = fit_fd_limit(o->max_conns > 0 ? o->max_conns : 1);
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, h,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_conns_ip,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		close(fd);
		snprintf(err, errlen, "cannot serve HTTP on %s:%u", o->host,
		    o->port);
		return NTAG424_ERR_IO;
	}
	h->port = bound_port(h->d);
	return NTAG424_OK;
}

int
vd_http_start(vd_http_t **hp, const struct vd_http_opts *o, vd_tags_t *tags,
    vd_batch_t *batch, char *err, size_t errlen)
{
	vd_http_t	*h;
	int		 r = NTAG424_ERR_NOMEM;

	*hp = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NTAG424_ERR_NOMEM;
	h->tags = tags;
	h->batch = batch;
	h->replay_uid = o->replay_uid;
	h->redirects = o->redirects;
	h->nredirects = o->nredirects;
	atomic_init(&h->next_id, ((uint64_t)time(NULL) << 24) ^
	    ((uint64_t)getpid() << 8));
	if (pthread_key_create(&h->key, free_verifier) != 0) {
		free(h);
		return NTAG424_ERR_NOMEM;
	}
	if (set_agents(h, o->preview_agents) != NTAG424_OK ||
	    (h->guard = hdr_guard_new(o->header_timeout * 1000U)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((r = start_main(h, o, err, errlen)) != NTAG424_OK ||
	    (o->metrics_host != NULL &&
	    (r = start_metrics(h, o, err, errlen)) != NTAG424_OK))
		goto fail;
	*hp = h;
	return NTAG424_OK;
fail:
	vd_http_stop(&h);
	return r;
}

uint16_t
vd_http_port(const vd_http_t *h)
{
	return h->port;
}

uint16_t
vd_http_metrics_port(const vd_http_t *h)
{
	return h->metrics_port;
}

/*
 * Stop: no new connections and no new waits; what is queued and not yet
 * in a commit fails now (nothing was accepted); the commit in progress
 * ends within the store's timeout. Every suspended request is answered
 * before libmicrohttpd stops, which it refuses to do while any is left.
 */
static void
drain(vd_http_t *h)
{
	MHD_socket s;

	if ((s = MHD_quiesce_daemon(h->d)) != MHD_INVALID_SOCKET)
		close(s);
	atomic_fetch_or(&h->waiting, STOPPING);
	if (h->batch != NULL)
		vd_batch_cancel(h->batch, "the server is stopping");
	while ((atomic_load(&h->waiting) & ~STOPPING) != 0)
		usleep(2000);
}

void
vd_http_stop(vd_http_t **hp)
{
	vd_http_t *h;

	if (hp == NULL || (h = *hp) == NULL)
		return;
	if (h->md != NULL)
		MHD_stop_daemon(h->md);
	if (h->d != NULL) {
		drain(h);
		MHD_stop_daemon(h->d);
	}
	hdr_guard_free(&h->guard);
	pthread_key_delete(h->key);
	free(h->agents_buf);
	free(h);
	*hp = NULL;
}
