/* SPDX-License-Identifier: BSD-2-Clause */
/* routes.c: what a request line asks for. */
#ifndef PROVISIO_VERIFYD_ROUTES_H
#define PROVISIO_VERIFYD_ROUTES_H

#include <stddef.h>

#include "verifyd/verifyd.h"

enum vd_route {
	VD_ROUTE_NONE = 0,
	VD_ROUTE_HEALTH,
	VD_ROUTE_READY,
	VD_ROUTE_METRICS,
	VD_ROUTE_API,
	VD_ROUTE_TAG,
	VD_ROUTE_AUTH,		/* nginx auth_request: X-Original-URI */
};

/* The route of path (len bytes, no query). */
int vd_route_find(vd_verifier_t *v, const char *path, size_t len);
/*
 * The one url= parameter of the raw query q, percent-decoded into out
 * (cap bytes, NUL-terminated). 0, or -1 with res set to malformed.
 */
int vd_route_api_url(const char *q, size_t qlen, char *out, size_t cap,
    size_t *outlen, struct vd_result *res);

#endif
