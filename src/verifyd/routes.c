/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Routes: the templates' own paths (/tag?picc=...&cmac=...), the API
 * (/api/verify?url=<the tapped URL, percent-encoded>), /auth (the URL in
 * X-Original-URI, for nginx auth_request), /healthz and /metrics. Only what is decided from the request line lives here; the
 * MHD mechanics are in http.c.
 */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "verifyd/verifyd.h"
#include "verifyd/routes.h"

int
vd_route_find(vd_verifier_t *v, const char *path, size_t len)
{
	if (len == 8 && memcmp(path, "/healthz", 8) == 0)
		return VD_ROUTE_HEALTH;
	if (len == 7 && memcmp(path, "/readyz", 7) == 0)
		return VD_ROUTE_READY;
	if (len == 8 && memcmp(path, "/metrics", 8) == 0)
		return VD_ROUTE_METRICS;
	if (len == 11 && memcmp(path, "/api/verify", 11) == 0)
		return VD_ROUTE_API;
	if (len == 5 && memcmp(path, "/auth", 5) == 0)
		return VD_ROUTE_AUTH;
	if (vd_verify_serves(v, path, len))
		return VD_ROUTE_TAG;
	return VD_ROUTE_NONE;
}

static int
malformed(struct vd_result *res, const char *why)
{
	res->verdict = VD_MALFORMED;
	snprintf(res->field, sizeof(res->field), "url");
	snprintf(res->reason, sizeof(res->reason), "%s", why);
	return -1;
}

/* Percent-decode s[0..n) into out; only printable ASCII may result. */
static int
unescape(const char *s, size_t n, char *out, size_t cap, size_t *outlen,
    struct vd_result *res)
{
	size_t	i, o = 0;
	int	hi, lo, c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return malformed(res, "truncated %-escape");
			if ((hi = hex_digit(s[i + 1])) < 0 ||
			    (lo = hex_digit(s[i + 2])) < 0)
				return malformed(res, "bad %-escape");
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (c < 0x21 || c > 0x7e)
			return malformed(res, "control, space or non-ASCII "
			    "byte in the URL");
		if (o + 1 >= cap)
			return malformed(res, "URL too long");
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
vd_route_api_url(const char *q, size_t qlen, char *out, size_t cap,
    size_t *outlen, struct vd_result *res)
{
	const char	*p = q, *end = q + qlen, *amp, *val = NULL;
	size_t		 vlen = 0;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if ((size_t)(amp - p) >= 4 && memcmp(p, "url=", 4) == 0) {
			if (val != NULL)
				return malformed(res, "url given twice");
			val = p + 4;
			vlen = (size_t)(amp - val);
		}
		p = amp + 1;
	}
	if (val == NULL)
		return malformed(res, "missing: give ?url=<the tapped URL, "
		    "percent-encoded>");
	return unescape(val, vlen, out, cap, outlen, res);
}
