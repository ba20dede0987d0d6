/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software token's provisioning HTTP API (docs/mastr-protocol.md
 * section 1): the original's routes, status codes and JSON bodies, on loopback
 * only. Writes complete before the 202 is sent, so the status routes
 * answer "ready"/"success" at the first poll.
 *
 * Slow clients: at most CONN_MAX connections, CONN_PER_IP from one
 * address, and each request header complete within HEADER_MS (hdrguard.h;
 * libmicrohttpd's own timeout counts idle time only, which a client
 * trickling one byte at a time never reaches).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "common/hdrguard.h"
#include "common/hex.h"
#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/token.h"

#define BODY_MAX	1024
#define BEARER_BYTES	24
#define CONN_MAX	64U
#define CONN_PER_IP	8U
#define HEADER_MS	5000U
#define IDLE_S		10U

struct mastr_token_http {
	struct MHD_Daemon	*d;
	hdr_guard_t		*guard;
	mastr_token_t		*tok;
	pthread_mutex_t		 mu;
	int			 bearer_issued;
	char			 bearer[2 * BEARER_BYTES + 1];
	int			 host_failed;
	int			 golden_failed;
};

struct req {
	char	body[BODY_MAX + 1];
	size_t	len;
	int	too_long;
};

enum auth { NO_AUTH, BEARER };
enum mode { ANY, UNCLAIMED, CLAIMED, UNPROVISIONED, PROVISIONED };

typedef enum MHD_Result route_fn(mastr_token_http_t *, struct MHD_Connection *,
    struct req *);

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, json_t *j)
{
	struct MHD_Response	*resp;
	char			*text;
	enum MHD_Result		 ret;

	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
reply_error(struct MHD_Connection *c, unsigned status, const char *error)
{
	return reply(c, status, json_pack("{s:s}", "error", error));
}

/* The body with surrounding white space removed (curl adds none). */
static const char *
body_trimmed(struct req *rq)
{
	char *s = rq->body, *e;

	rq->body[rq->len] = '\0';
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' ||
	    e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static enum MHD_Result
claim(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	mastr_token_slots_t	s;
	uint8_t			rnd[8];
	char			ssid[32], pass[2 * sizeof(rnd) + 1];
	const uint8_t		*pub = mastr_token_pub_ptr(h->tok);
	enum MHD_Result		 ret;

	(void)rq;
	memset(pass, 0, sizeof(pass));
	if (mastr_token_store_read(mastr_token_dir(h->tok), &s) != MASTR_OK)
		ret = reply_error(c, 500, "storage_error");
	else if (mastr_token_slots_claimed(&s))
		ret = reply_error(c, 409, "already_claimed");
	else if (random_bytes(rnd, sizeof(rnd)) < 0)
		ret = reply_error(c, 500, "rng_failed");
	else {
		mastr_hex(rnd, sizeof(rnd), pass);
		memcpy(s.wifi, pass, strlen(pass));
		snprintf(ssid, sizeof(ssid), "MASTR-%02X%02X", pub[0], pub[1]);
		if (mastr_token_store_write(mastr_token_dir(h->tok), &s) !=
		    MASTR_OK)
			ret = reply_error(c, 500, "storage_error");
		else
			ret = reply(c, 200, json_pack("{s:s,s:s,s:s,s:s}",
			    "status", "ok", "ssid", ssid, "new_password", pass,
			    "message", "reboot_device"));
	}
	/* The slots and both buffers held the new Wi-Fi password. */
	wipe(&s, sizeof(s));
	wipe(rnd, sizeof(rnd));
	wipe(pass, sizeof(pass));
	return ret;
}

static enum MHD_Result
generate_token(mastr_token_http_t *h, struct MHD_Connection *c,
    struct req *rq)
{
	uint8_t rnd[BEARER_BYTES];

	(void)rq;
	if (h->bearer_issued)
		return reply(c, 409, json_pack("{s:s,s:s}", "error",
		    "token_already_generated", "message",
		    "reboot the token to issue a new bearer token"));
	if (random_bytes(rnd, sizeof(rnd)) < 0)
		return reply_error(c, 500, "rng_failed");
	mastr_hex(rnd, sizeof(rnd), h->bearer);
	wipe(rnd, sizeof(rnd));
	h->bearer_issued = 1;
	return reply(c, 200, json_pack("{s:s,s:s,s:s}", "status", "ok",
	    "bearer_token", h->bearer, "message",
	    "use as Authorization: Bearer <token>"));
}

static enum MHD_Result
token_info(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	char hex[2 * MASTR_PUB_LEN + 1];

	(void)rq;
	mastr_hex(mastr_token_pub_ptr(h->tok), MASTR_PUB_LEN, hex);
	return reply(c, 200, json_pack("{s:s,s:b}", "token_pubkey", hex,
	    "cached", 1));
}

static enum MHD_Result
host_pubkey_set(mastr_token_http_t *h, struct MHD_Connection *c,
    struct req *rq)
{
	mastr_token_slots_t	 s;
	const char		*hex = body_trimmed(rq);
	uint8_t			 pub[MASTR_PUB_LEN];
	int			 r;

	if (*hex == '\0')
		return reply_error(c, 400, "missing_body");
	if (rq->too_long || strlen(hex) != 2 * MASTR_PUB_LEN)
		return reply_error(c, 400, "invalid_length");
	if ((r = mastr_pub_from_hex(hex, pub)) == MASTR_ERR_HEX)
		return reply_error(c, 400, "invalid_hex_format");
	/* The original stores any 64 bytes; we refuse a point off the curve. */
	if (r != MASTR_OK)
		return reply_error(c, 400, "invalid_point");
	h->host_failed = 1;
	if (mastr_token_store_read(mastr_token_dir(h->tok), &s) != MASTR_OK)
		return reply_error(c, 500, "storage_error");
	memcpy(s.host_pub, pub, sizeof(pub));
	if (mastr_token_store_write(mastr_token_dir(h->tok), &s) == MASTR_OK)
		h->host_failed = 0;
	wipe(&s, sizeof(s));
	return reply(c, 202, json_pack("{s:s,s:s}", "status", "accepted",
	    "message", "write_queued"));
}

static enum MHD_Result
host_pubkey_status(mastr_token_http_t *h, struct MHD_Connection *c,
    struct req *rq)
{
	mastr_token_slots_t	s;
	const char		*st = "pending";
	uint8_t			zero[MASTR_PUB_LEN] = { 0 };

	(void)rq;
	if (h->host_failed)
		st = "failed";
	else if (mastr_token_store_read(mastr_token_dir(h->tok), &s) ==
	    MASTR_OK && memcmp(s.host_pub, zero, sizeof(zero)) != 0)
		st = "ready";
	wipe(&s, sizeof(s));
	return reply(c, 200, json_pack("{s:s}", "status", st));
}

static enum MHD_Result
host_pubkey_get(mastr_token_http_t *h, struct MHD_Connection *c,
    struct req *rq)
{
	mastr_token_slots_t	s;
	char			hex[2 * MASTR_PUB_LEN + 1];

	(void)rq;
	if (mastr_token_store_read(mastr_token_dir(h->tok), &s) != MASTR_OK)
		return reply(c, 503, json_pack("{s:s,s:i}", "status", "reading",
		    "retry_ms", 100));
	mastr_hex(s.host_pub, sizeof(s.host_pub), hex);
	wipe(&s, sizeof(s));
	return reply(c, 200, json_pack("{s:s}", "host_pubkey", hex));
}

static enum MHD_Result
golden_set(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	mastr_token_slots_t	 s;
	const char		*hex = body_trimmed(rq);
	uint8_t			 hash[MASTR_HASH_LEN];

	if (rq->too_long || strlen(hex) != 2 * MASTR_HASH_LEN)
		return reply_error(c, 400, "invalid_length");
	if (hex_decode(hex, hash, sizeof(hash)) < 0)
		return reply_error(c, 400, "invalid_hex");
	h->golden_failed = 1;
	if (mastr_token_store_read(mastr_token_dir(h->tok), &s) != MASTR_OK)
		return reply_error(c, 500, "storage_error");
	memcpy(s.golden, hash, sizeof(hash));
	if (mastr_token_store_write(mastr_token_dir(h->tok), &s) == MASTR_OK)
		h->golden_failed = 0;
	wipe(&s, sizeof(s));
	return reply(c, 202, json_pack("{s:s,s:s}", "status", "accepted",
	    "message", "golden_hash_operation_queued"));
}

static enum MHD_Result
golden_status(mastr_token_http_t *h, struct MHD_Connection *c,
    struct req *rq)
{
	mastr_token_slots_t	s;
	uint8_t			zero[MASTR_HASH_LEN] = { 0 };
	char			hex[2 * MASTR_HASH_LEN + 1];
	const char		*st = NULL;

	(void)rq;
	memset(&s, 0, sizeof(s));
	if (h->golden_failed ||
	    mastr_token_store_read(mastr_token_dir(h->tok), &s) != MASTR_OK)
		st = "error";
	else if (memcmp(s.golden, zero, sizeof(zero)) == 0)
		st = "processing";
	mastr_hex(s.golden, sizeof(s.golden), hex);
	wipe(&s, sizeof(s));
	if (st != NULL)
		return reply(c, 200, json_pack("{s:s}", "status", st));
	return reply(c, 200, json_pack("{s:s,s:s}", "status", "success",
	    "golden_hash", hex));
}

static enum MHD_Result
reset(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	mastr_token_slots_t s;

	(void)rq;
	memset(&s, 0, sizeof(s));
	if (mastr_token_store_write(mastr_token_dir(h->tok), &s) != MASTR_OK)
		return reply_error(c, 500, "storage_error");
	return reply(c, 200, json_pack("{s:s,s:s}", "status", "ok", "message",
	    "reboot_device"));
}

static enum MHD_Result
status(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	char st[8];

	(void)rq;
	snprintf(st, sizeof(st), "0x%02X", mastr_token_state(h->tok));
	return reply(c, 200, json_pack("{s:b,s:b,s:s}", "provisioned",
	    mastr_token_provisioned(h->tok), "claimed",
	    mastr_token_claimed(h->tok), "state", st));
}

static enum MHD_Result
health(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	(void)h;
	(void)rq;
	return reply(c, 200, json_pack("{s:s}", "status", "ok"));
}

static const char page[] =
"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>MASTR token"
"</title></head><body>\n<h1>MASTR token (software)</h1>\n"
"<p>1. <button onclick=\"api('POST','/api/claim')\">Claim</button> "
"(then restart the token) 2. <button onclick=\"tok()\">Get bearer token"
"</button></p>\n"
"<p>Host public key (128 hex): <input id=\"hp\" size=\"70\"> "
"<button onclick=\"api('POST','/api/provision/host_pubkey',hp.value)\">"
"Provision</button></p>\n"
"<p>Golden hash (64 hex): <input id=\"gh\" size=\"70\"> "
"<button onclick=\"api('POST','/api/provision/golden_hash',gh.value)\">"
"Set</button></p>\n"
"<p><button onclick=\"api('GET','/api/provision/token_info')\">"
"Show token public key</button></p>\n<pre id=\"out\"></pre>\n<script>\n"
"var bearer='';\n"
"function api(m,u,b){fetch(u,{method:m,body:b,headers:bearer?"
"{'Authorization':'Bearer '+bearer}:{}}).then(r=>r.text())"
".then(t=>{out.textContent=t;});}\n"
"function tok(){fetch('/api/auth/generate-token',{method:'POST'})"
".then(r=>r.json()).then(j=>{bearer=j.bearer_token||'';"
"out.textContent=JSON.stringify(j);});}\n"
"</script></body></html>\n";

static enum MHD_Result
index_page(mastr_token_http_t *h, struct MHD_Connection *c, struct req *rq)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	(void)h;
	(void)rq;
	resp = MHD_create_response_from_buffer(sizeof(page) - 1,
	    (void *)(uintptr_t)page, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static const struct route {
	const char	*method;
	const char	*url;
	enum auth	 auth;
	enum mode	 mode;
	route_fn	*fn;
} routes[] = {
	{ "GET", "/", NO_AUTH, ANY, index_page },
	{ "GET", "/api/health", NO_AUTH, ANY, health },
	{ "GET", "/api/ping", NO_AUTH, ANY, health },
	{ "POST", "/api/claim", NO_AUTH, ANY, claim },
	{ "POST", "/api/auth/generate-token", NO_AUTH, CLAIMED, generate_token },
	{ "GET", "/api/status", BEARER, CLAIMED, status },
	{ "GET", "/api/provision/token_info", BEARER, CLAIMED, token_info },
	{ "POST", "/api/provision/host_pubkey", BEARER, UNPROVISIONED,
	    host_pubkey_set },
	{ "GET", "/api/provision/host_pubkey/status", BEARER, UNPROVISIONED,
	    host_pubkey_status },
	{ "GET", "/api/provision/host_pubkey/get", BEARER, CLAIMED,
	    host_pubkey_get },
	{ "POST", "/api/provision/golden_hash", BEARER, UNPROVISIONED,
	    golden_set },
	{ "GET", "/api/provision/golden_hash/status", BEARER, UNPROVISIONED,
	    golden_status },
	{ "POST", "/api/provision/reset", BEARER, PROVISIONED, reset },
};

static int
authorized(mastr_token_http_t *h, struct MHD_Connection *c)
{
	const char	*v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "Authorization");
	size_t		 n = strlen(h->bearer);

	if (!h->bearer_issued || v == NULL || strncmp(v, "Bearer ", 7) != 0)
		return 0;
	v += 7;
	return strlen(v) == n && ct_equal(v, h->bearer, n);
}

/* Whether a route exists in the mode the token started in. */
static int
mode_ok(const mastr_token_http_t *h, enum mode m)
{
	switch (m) {
	case ANY:
		return 1;
	case UNCLAIMED:
		return !mastr_token_claimed(h->tok);
	case CLAIMED:
		return mastr_token_claimed(h->tok);
	case UNPROVISIONED:
		return mastr_token_claimed(h->tok) &&
		    !mastr_token_provisioned(h->tok);
	case PROVISIONED:
		return mastr_token_claimed(h->tok) &&
		    mastr_token_provisioned(h->tok);
	default:
		return 0;
	}
}

static enum MHD_Result
dispatch(mastr_token_http_t *h, struct MHD_Connection *c, const char *url,
    const char *method, struct req *rq)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *rt = &routes[i];

		if (strcmp(rt->url, url) != 0 || strcmp(rt->method, method) != 0)
			continue;
		if (!mode_ok(h, rt->mode))
			return reply_error(c, 403, mastr_token_claimed(h->tok) ?
			    "not_available_in_this_state" : "not_claimed");
		if (rt->auth == BEARER && !authorized(h, c))
			return reply_error(c, 401, "unauthorized");
		return rt->fn(h, c, rq);
	}
	return reply_error(c, 404, "not_found");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	mastr_token_http_t	*h = cls;
	struct req		*rq = *con_cls;
	enum MHD_Result		 ret;

	(void)version;
	if (rq == NULL) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

		if (ci != NULL)
			hdr_conn_headers_done(ci->socket_context);
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		if (n > BODY_MAX - rq->len) {
			rq->too_long = 1;
			n = BODY_MAX - rq->len;
		}
		memcpy(rq->body + rq->len, upload, n);
		rq->len += n;
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&h->mu);
	ret = dispatch(h, c, url, method, rq);
	pthread_mutex_unlock(&h->mu);
	return ret;
}

/* A connection opens or closes: its header deadline comes and goes. */
static void
conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	mastr_token_http_t		*h = cls;
	const union MHD_ConnectionInfo	*ci;
	struct hdr_conn			*hc = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci != NULL ?
		    hdr_guard_add(h->guard, ci->connect_fd) : NULL;
	} else {
		hdr_guard_remove(h->guard, &hc);
		*socket_context = NULL;
	}
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	mastr_token_http_t		*h = cls;
	const union MHD_ConnectionInfo	*ci;

	(void)code;
	/* The next request on this connection has its own deadline. */
	if ((ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT)) != NULL)
		hdr_conn_rearm(h->guard, ci->socket_context);
	if (*con_cls != NULL) {
		wipe(*con_cls, sizeof(struct req));
		free(*con_cls);
		*con_cls = NULL;
	}
}

int
mastr_token_http_start(mastr_token_t *t, const char *addr, uint16_t port,
    mastr_token_http_t **out)
{
	mastr_token_http_t	*h;
	struct sockaddr_in	 sin = { .sin_family = AF_INET };

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return MASTR_ERR_ARG;
	sin.sin_port = htons(port);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return MASTR_ERR_NOMEM;
	h->tok = t;
	pthread_mutex_init(&h->mu, NULL);
	if ((h->guard = hdr_guard_new(HEADER_MS)) == NULL) {
		mastr_token_http_stop(&h);
		return MASTR_ERR_NOMEM;
	}
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handler, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_notify, h,
	    MHD_OPTION_CONNECTION_LIMIT, CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, IDLE_S,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		mastr_token_http_stop(&h);
		return MASTR_ERR_IO;
	}
	*out = h;
	return MASTR_OK;
}

uint16_t
mastr_token_http_port(const mastr_token_http_t *h)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return i != NULL ? i->port : 0;
}

void
mastr_token_http_stop(mastr_token_http_t **h)
{
	if (h == NULL || *h == NULL)
		return;
	if ((*h)->d != NULL)
		MHD_stop_daemon((*h)->d);
	hdr_guard_free(&(*h)->guard);
	pthread_mutex_destroy(&(*h)->mu);
	wipe(*h, sizeof(**h));
	free(*h);
	*h = NULL;
}
