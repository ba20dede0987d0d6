/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A deadline for a whole HTTP request header. libmicrohttpd's connection
 * timeout counts idle time only, so a client that sends one header byte
 * every few seconds keeps its connection (and a slot of the connection
 * limit) forever. The guard keeps, per connection, the time by which the
 * current request's header must be complete; a reaper thread shuts the
 * socket down once it passes, and the HTTP library then closes it as it
 * would a peer that went away.
 *
 * The guard holds a dup() of each socket, so shutting it down can never
 * hit an unrelated socket that reused the descriptor number.
 */
#ifndef PROVISIO_HDRGUARD_H
#define PROVISIO_HDRGUARD_H

#include <stdint.h>

typedef struct hdr_guard hdr_guard_t;
struct hdr_conn;

/* A guard with timeout_ms per header (0: none); NULL if out of memory. */
hdr_guard_t *hdr_guard_new(unsigned timeout_ms);
/* Stop the reaper, close every descriptor still held. NULL-safe. */
void hdr_guard_free(hdr_guard_t **gp);
/* A new connection on fd: its first header is due within the timeout. */
struct hdr_conn *hdr_guard_add(hdr_guard_t *g, int fd);
/* The connection is closing (NULL-safe). */
void hdr_guard_remove(hdr_guard_t *g, struct hdr_conn **cp);
/* The header is complete: no deadline while the request is served. */
void hdr_conn_headers_done(struct hdr_conn *c);
/* A request was answered: the next header is due within the timeout. */
void hdr_conn_rearm(hdr_guard_t *g, struct hdr_conn *c);
/* Connections shut down so far for a late header. */
uint64_t hdr_guard_reaped(const hdr_guard_t *g);

#endif
