/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Prometheus text format: requests by verdict, latency, store errors, the
 * group commit (commits and the advances they carried: their ratio is how
 * many requests share one fsync), the meta-read keys tried and the tag
 * directory's size.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "verifyd/verifyd.h"

/* Upper bounds of the latency buckets, in seconds. */
static const double bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

static atomic_ulong	by_verdict[VD_NVERDICTS];
static atomic_ulong	buckets[NBOUNDS + 1];
static atomic_ulong	sum_us;
static atomic_ulong	store_errors;
static atomic_ulong	commits;
static atomic_ulong	committed;
static atomic_ulong	meta_tried;
static atomic_long	directory[2];	/* VD_DIR_TAGS, VD_DIR_UNKNOWN */

void
vd_metrics_count(int verdict, double seconds)
{
	size_t i;

	if (verdict >= 0 && verdict < VD_NVERDICTS)
		atomic_fetch_add(&by_verdict[verdict], 1);
	for (i = 0; i < NBOUNDS && seconds > bounds[i]; i++)
		continue;
	atomic_fetch_add(&buckets[i], 1);
	atomic_fetch_add(&sum_us, (unsigned long)(seconds * 1e6));
}

void
vd_metrics_store_error(void)
{
	atomic_fetch_add(&store_errors, 1);
}

void
vd_metrics_commit(size_t n)
{
	atomic_fetch_add(&commits, 1);
	atomic_fetch_add(&committed, (unsigned long)n);
}

void
vd_metrics_meta_tried(size_t n)
{
	atomic_fetch_add(&meta_tried, (unsigned long)n);
}

void
vd_metrics_directory(int kind, long delta)
{
	if (kind == VD_DIR_TAGS || kind == VD_DIR_UNKNOWN)
		atomic_fetch_add(&directory[kind], delta);
}

static int put(char **, size_t *, size_t *, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Append to a growing buffer; -1 if out of memory. */
static int
put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < *cap - *len) {
			*len += (size_t)n;
			return 0;
		}
		if ((p = realloc(*buf, *cap * 2)) == NULL)
			return -1;
		*buf = p;
		*cap *= 2;
	}
}

char *
vd_metrics_text(size_t *lenp)
{
	size_t		 len = 0, cap = 2048, i;
	unsigned long	 cum = 0;
	char		*buf;
	int		 r = 0;

	if ((buf = malloc(cap)) == NULL)
		return NULL;
	r |= put(&buf, &len, &cap, "# HELP verifyd_requests_total Verified "
	    "URLs by verdict.\n# TYPE verifyd_requests_total counter\n");
	for (i = 0; i < VD_NVERDICTS; i++)
		r |= put(&buf, &len, &cap, "verifyd_requests_total{verdict=\"%s\"}"
		    " %lu\n", vd_verdict_name((int)i),
		    atomic_load(&by_verdict[i]));
	r |= put(&buf, &len, &cap, "# HELP verifyd_request_seconds Time from "
	    "request to verdict.\n# TYPE verifyd_request_seconds histogram\n");
	for (i = 0; i <= NBOUNDS; i++) {
		cum += atomic_load(&buckets[i]);
		if (i < NBOUNDS)
			r |= put(&buf, &len, &cap, "verifyd_request_seconds_bucket"
			    "{le=\"%g\"} %lu\n", bounds[i], cum);
		else
			r |= put(&buf, &len, &cap, "verifyd_request_seconds_bucket"
			    "{le=\"+Inf\"} %lu\n", cum);
	}
	r |= put(&buf, &len, &cap, "verifyd_request_seconds_sum %.6f\n"
	    "verifyd_request_seconds_count %lu\n",
	    (double)atomic_load(&sum_us) / 1e6, cum);
	r |= put(&buf, &len, &cap, "# HELP verifyd_store_errors_total Failed "
	    "counter commits.\n# TYPE verifyd_store_errors_total counter\n"
	    "verifyd_store_errors_total %lu\n", atomic_load(&store_errors));
	r |= put(&buf, &len, &cap, "# HELP verifyd_commits_total Counter "
	    "commits (transactions, one fsync each with SQLite).\n"
	    "# TYPE verifyd_commits_total counter\n"
	    "verifyd_commits_total %lu\n"
	    "# HELP verifyd_commit_advances_total Counter advances those "
	    "commits carried.\n# TYPE verifyd_commit_advances_total counter\n"
	    "verifyd_commit_advances_total %lu\n", atomic_load(&commits),
	    atomic_load(&committed));
	r |= put(&buf, &len, &cap, "# HELP verifyd_meta_keys_tried_total "
	    "Meta-read keys tried on PICCData (per request: 1 with one cohort "
	    "key; up to the number of tags with per-tag meta-read keys).\n"
	    "# TYPE verifyd_meta_keys_tried_total counter\n"
	    "verifyd_meta_keys_tried_total %lu\n", atomic_load(&meta_tried));
	r |= put(&buf, &len, &cap, "# HELP verifyd_directory_entries Tags "
	    "(and UIDs the keystore does not know) held by the tag directory.\n"
	    "# TYPE verifyd_directory_entries gauge\n"
	    "verifyd_directory_entries{kind=\"tag\"} %ld\n"
	    "verifyd_directory_entries{kind=\"unknown\"} %ld\n"
	    "# HELP verifyd_directory_capacity The most the directory holds.\n"
	    "# TYPE verifyd_directory_capacity gauge\n"
	    "verifyd_directory_capacity{kind=\"tag\"} %d\n"
	    "verifyd_directory_capacity{kind=\"unknown\"} %d\n",
	    atomic_load(&directory[VD_DIR_TAGS]),
	    atomic_load(&directory[VD_DIR_UNKNOWN]), VD_TAG_CACHE,
	    VD_UNKNOWN_CACHE);
	if (r != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}
