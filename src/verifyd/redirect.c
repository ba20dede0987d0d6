/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed redirects: a route configured with "redirect = https://..."
 * answers every verdict with a 303 to that URL, the verdict in the query
 * and an HMAC-SHA256 over the query's exact bytes, so the website behind
 * it can act on the verdict without calling back (docs/verifyd.md, "Signed
 * redirect").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/hex.h"
#include "verifyd/verifyd.h"

#define QUERY_MAX	512

/* Read the secret: the file's bytes, trailing line ends removed. */
static int
read_secret(struct vd_redirect *r, char *err, size_t errlen)
{
	FILE	*f;
	size_t	 n;
	int	 c;

	if ((f = fopen(r->secret_file, "r")) == NULL) {
		snprintf(err, errlen, "route %s: redirect-secret-file %s: %s",
		    r->path, r->secret_file, strerror(errno));
		return -1;
	}
	n = fread(r->secret, 1, sizeof(r->secret), f);
	c = fgetc(f);
	fclose(f);
	while (n > 0 && (r->secret[n - 1] == '\n' || r->secret[n - 1] == '\r'))
		n--;
	if (c != EOF || n < 16) {
		OPENSSL_cleanse(r->secret, sizeof(r->secret));
		snprintf(err, errlen, "route %s: redirect-secret-file %s: "
		    "the secret must be 16 to %zu bytes", r->path,
		    r->secret_file, sizeof(r->secret));
		return -1;
	}
	r->secret_len = n;
	return 0;
}

int
vd_redirect_load(struct vd_redirect *r, char *err, size_t errlen)
{
	if (r->url == NULL) {
		snprintf(err, errlen, "route %s: no redirect URL", r->path);
		return -1;
	}
	/* The verdict must not travel in clear, nor be signed over a query
	 * the receiver has to split from one of its own. */
	if (strncmp(r->url, "https://", 8) != 0 || r->url[8] == '\0' ||
	    strpbrk(r->url, "?# \t") != NULL) {
		snprintf(err, errlen, "route %s: redirect \"%s\" is not an "
		    "https:// URL without query or fragment", r->path, r->url);
		return -1;
	}
	if (r->secret_file == NULL) {
		snprintf(err, errlen, "route %s: redirect needs "
		    "redirect-secret-file", r->path);
		return -1;
	}
	return read_secret(r, err, errlen);
}

/* Append key=value (value percent-encoded but for unreserved bytes). */
static int
put(char *q, size_t *len, const char *key, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	int	n;

	n = snprintf(q + *len, QUERY_MAX - *len, "%s%s=", *len ? "&" : "",
	    key);
	if (n < 0 || (size_t)n >= QUERY_MAX - *len)
		return -1;
	*len += (size_t)n;
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;

		if (*len + 4 >= QUERY_MAX)
			return -1;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			q[(*len)++] = (char)c;
		else {
			q[(*len)++] = '%';
			q[(*len)++] = hex[c >> 4];
			q[(*len)++] = hex[c & 15];
		}
	}
	q[*len] = '\0';
	return 0;
}

char *
vd_redirect_location(const struct vd_redirect *r,
    const struct vd_result *res, bool replay_uid, const char *label)
{
	char		 q[QUERY_MAX], uid[2 * NTAG424_UID_LEN + 1] = "";
	char		 ctr[16] = "", ts[24], sig[2 * 32 + 1], *loc = NULL;
	unsigned char	 mac[32];
	unsigned int	 maclen = 0;
	size_t		 len = 0, cap;
	bool		 who = res->has_uid && (res->verdict == VD_VALID ||
	    r->uid_always || (res->verdict == VD_REPLAY && replay_uid));

	if (who) {
		hex_encode(res->uid, NTAG424_UID_LEN, uid);
		snprintf(ctr, sizeof(ctr), "%u", (unsigned)res->ctr);
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)res->time);
	if (put(q, &len, "verdict", vd_verdict_name(res->verdict)) != 0 ||
	    put(q, &len, "uid", uid) != 0 || put(q, &len, "ctr", ctr) != 0 ||
	    put(q, &len, "label", who && label != NULL ? label : "") != 0 ||
	    put(q, &len, "ts", ts) != 0)
		return NULL;
	if (HMAC(EVP_sha256(), r->secret, (int)r->secret_len,
	    (const unsigned char *)q, len, mac, &maclen) == NULL ||
	    maclen != sizeof(mac))
		return NULL;
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(sig + 2 * i, 3, "%02x", mac[i]);
	cap = strlen(r->url) + len + sizeof(sig) + 8;
	if ((loc = malloc(cap)) != NULL)
		snprintf(loc, cap, "%s?%s&sig=%s", r->url, q, sig);
	OPENSSL_cleanse(mac, sizeof(mac));
	return loc;
}
