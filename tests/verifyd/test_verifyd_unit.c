/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the verifyd pieces that need no server: config, verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "verifyd/routes.h"
#include "verifyd/cache.h"
#include "verifyd/verifyd.h"

static void
verdict_statuses(void)
{
	CHECK_INT(200, vd_verdict_status(VD_VALID));
	CHECK_INT(403, vd_verdict_status(VD_BAD_MAC));
	CHECK_INT(409, vd_verdict_status(VD_REPLAY));
	CHECK_INT(404, vd_verdict_status(VD_UNKNOWN_TAG));
	CHECK_INT(400, vd_verdict_status(VD_MALFORMED));
	CHECK_INT(503, vd_verdict_status(VD_KEY_UNAVAILABLE));
	CHECK_INT(503, vd_verdict_status(VD_STORE_ERROR));
	CHECK_INT(410, vd_verdict_status(VD_REVOKED));
	CHECK(strcmp(vd_verdict_name(VD_REVOKED), "revoked") == 0);
	CHECK_INT(500, vd_verdict_status(VD_NVERDICTS));
	CHECK(strcmp(vd_verdict_name(VD_KEY_UNAVAILABLE), "key_unavailable") == 0);
}

static void
config_flags(void)
{
	struct vd_config	c;
	char			err[256];

	vd_config_init(&c);
	CHECK_INT(0, vd_config_set(&c, "listen", "0.0.0.0:0", err, sizeof(err)));
	CHECK(strcmp(c.listen_host, "0.0.0.0") == 0);
	CHECK_INT(0, c.listen_port);
	CHECK_INT(0, vd_config_set(&c, "listen", "[::1]:9000", err, sizeof(err)));
	CHECK(strcmp(c.listen_host, "::1") == 0);
	CHECK_INT(9000, c.listen_port);
	CHECK_INT(-1, vd_config_set(&c, "listen", "x:70000", err, sizeof(err)));
	CHECK(strcmp(err, "listen: invalid value \"x:70000\"") == 0);
	CHECK_INT(-1, vd_config_set(&c, "listen", "nocolon", err, sizeof(err)));
	CHECK_INT(-1, vd_config_set(&c, "colour", "red", err, sizeof(err)));
	CHECK(strcmp(err, "unknown option \"colour\"") == 0);
	CHECK_INT(0, vd_config_set(&c, "cohort", "a", err, sizeof(err)));
	CHECK_INT(0, vd_config_set(&c, "cohort", "b", err, sizeof(err)));
	CHECK_INT(2, c.ncohorts);
	CHECK_INT(-1, vd_config_set(&c, "threads", "-1", err, sizeof(err)));
	CHECK_INT(-1, vd_config_set(&c, "batch-max", "0", err, sizeof(err)));
	CHECK_INT(-1, vd_config_set(&c, "log-level", "loud", err, sizeof(err)));
	vd_config_free(&c);
}

static void
config_file(void)
{
	struct vd_config	 c;
	char			 path[] = "/tmp/vdconf.XXXXXX", err[256];
	int			 fd = mkstemp(path);
	FILE			*f = fdopen(fd, "w");

	CHECK(f != NULL);
	fputs("# comment\n\nlisten = 127.0.0.1:1234\n  db =  /x/ks.db  \n"
	    "template = https://a.example/t?p={picc}&m={mac}\nbogus\n", f);
	fclose(f);
	vd_config_init(&c);
	CHECK_INT(-1, vd_config_load(&c, path, err, sizeof(err)));
	CHECK(strstr(err, ":6: expected \"key = value\"") != NULL);
	CHECK_INT(1234, c.listen_port);
	CHECK(c.db != NULL && strcmp(c.db, "/x/ks.db") == 0);
	CHECK_INT(1, c.ntemplates);
	vd_config_free(&c);
	unlink(path);
	vd_config_init(&c);
	CHECK_INT(-1, vd_config_load(&c, "/nonexistent/x", err, sizeof(err)));
	CHECK(strstr(err, "No such file") != NULL);
	vd_config_free(&c);
}

static void
api_url(void)
{
	struct vd_result	res;
	char			out[64];
	size_t			n;

	memset(&res, 0, sizeof(res));
	CHECK_INT(0, vd_route_api_url("a=1&url=https%3A%2F%2Fx%2F%3Fe%3D1",
	    34, out, sizeof(out), &n, &res));
	CHECK(strcmp(out, "https://x/?e=1") == 0);
	CHECK_INT(14, n);
	CHECK_INT(-1, vd_route_api_url("url=a&url=b", 11, out, sizeof(out),
	    &n, &res));
	CHECK_INT(VD_MALFORMED, res.verdict);
	CHECK(strcmp(res.reason, "url given twice") == 0);
	CHECK_INT(-1, vd_route_api_url("x=1", 3, out, sizeof(out), &n, &res));
	CHECK(strncmp(res.reason, "missing", 7) == 0);
	CHECK_INT(-1, vd_route_api_url("url=%4", 6, out, sizeof(out), &n, &res));
	CHECK(strcmp(res.reason, "truncated %-escape") == 0);
	CHECK_INT(-1, vd_route_api_url("url=%zz", 7, out, sizeof(out), &n,
	    &res));
	CHECK(strcmp(res.reason, "bad %-escape") == 0);
	CHECK_INT(-1, vd_route_api_url("url=a%00b", 9, out, sizeof(out), &n,
	    &res));
	CHECK(strncmp(res.reason, "control", 7) == 0);
	CHECK_INT(-1, vd_route_api_url("url=aaaaaaaa", 12, out, 4, &n, &res));
	CHECK(strcmp(res.reason, "URL too long") == 0);
}

static void
json_and_page(void)
{
	struct vd_result	 r;
	char			*s;

	memset(&r, 0, sizeof(r));
	r.verdict = VD_VALID;
	r.has_uid = true;
	memcpy(r.uid, "\x04\xDE\x5F\x1E\xAC\xC0\x40", 7);
	r.ctr = 61;
	r.generation = 2;
	r.time = 0;
	s = vd_json(&r, false);
	CHECK(s != NULL && strcmp(s, "{\"verdict\":\"valid\",\"uid\":"
	    "\"04DE5F1EACC040\",\"counter\":61,\"generation\":2,\"time\":0}") == 0);
	free(s);
	s = vd_page(&r);
	CHECK(s != NULL && strstr(s, ">Genuine<") != NULL);
	CHECK(s != NULL && strstr(s, "04DE******C040") != NULL);
	CHECK(s != NULL && strstr(s, "1970-01-01 00:00:00 UTC") != NULL);
	free(s);
	memset(&r, 0, sizeof(r));
	r.verdict = VD_MALFORMED;
	snprintf(r.field, sizeof(r.field), "picc");
	snprintf(r.reason, sizeof(r.reason), "<b>\x01\"");
	s = vd_json(&r, false);
	CHECK(s != NULL && strstr(s, "\"field\":\"picc\",\"reason\":"
	    "\"<b>?\\\"\"") != NULL);
	free(s);
	s = vd_page(&r);
	CHECK(s != NULL && strstr(s, ">This link is damaged<") != NULL);
	CHECK(s != NULL && strstr(s, "<b>") == NULL);
	CHECK(s != NULL && strstr(s, "picc") == NULL);	/* no reason, field */
	free(s);
	r.verdict = VD_BAD_MAC;
	s = vd_page(&r);
	CHECK(s != NULL && strstr(s, ">Not genuine<") != NULL);
	free(s);
}

/* A reason too long for the answer is cut at a word, and says so. */
static void
reason_cut_at_word(void)
{
	struct vd_result	 r;
	char			 out[24], *s;

	vd_reason_text("short enough", out, sizeof(out));
	CHECK(strcmp(out, "short enough") == 0);
	vd_reason_text("the counter store failed: nothing was accepted", out,
	    sizeof(out));
	CHECK(strcmp(out, "the counter store...") == 0);
	vd_reason_text("abcdefghijklmnopqrstuvwxyz0123456789", out, sizeof(out));
	CHECK(strcmp(out, "...") == 0);
	memset(&r, 0, sizeof(r));
	r.verdict = VD_BAD_MAC;
	memset(r.reason, 'x', sizeof(r.reason) - 1);
	for (size_t i = 9; i < sizeof(r.reason) - 1; i += 10)
		r.reason[i] = ' ';
	s = vd_json(&r, false);
	/* Whole 9-letter words only, then the mark. */
	CHECK(s != NULL && strstr(s, "xxxxxxxxx...\",\"time\"") != NULL);
	free(s);
}

/* A replay's UID only when asked for; the neutral answer. */
static void
replay_uid_and_neutral(void)
{
	struct vd_result	 r;
	char			*s;

	memset(&r, 0, sizeof(r));
	r.verdict = VD_REPLAY;
	r.has_uid = true;
	memcpy(r.uid, "\x04\xDE\x5F\x1E\xAC\xC0\x40", 7);
	s = vd_json(&r, false);
	CHECK(s != NULL && strstr(s, "uid") == NULL);
	free(s);
	s = vd_json(&r, true);
	CHECK(s != NULL && strstr(s, "\"uid\":\"04DE5F1EACC040\"") != NULL);
	free(s);
	s = vd_json_neutral("HEAD verifies nothing", 5);
	CHECK(s != NULL && strcmp(s, "{\"checked\":false,\"reason\":"
	    "\"HEAD verifies nothing\",\"time\":5}") == 0);
	free(s);
	s = vd_page_neutral();
	CHECK(s != NULL && strstr(s, ">Tap to check<") != NULL);
	free(s);
}

static void
config_http(void)
{
	struct vd_config	c;
	char			err[256];

	vd_config_init(&c);
	CHECK(c.max_connections == 1000 && c.max_connections_ip == 64 &&
	    c.header_timeout == 10 && c.metrics_host[0] == '\0' &&
	    !c.replay_uid && !c.reuse_port && c.preview_agents == NULL);
	CHECK_INT(0, vd_config_set(&c, "metrics-listen", "127.0.0.1:9100",
	    err, sizeof(err)));
	CHECK(strcmp(c.metrics_host, "127.0.0.1") == 0 && c.metrics_port == 9100);
	CHECK_INT(0, vd_config_set(&c, "metrics-listen", "off", err,
	    sizeof(err)));
	CHECK(c.metrics_host[0] == '\0');
	CHECK_INT(0, vd_config_set(&c, "preview-agents", "", err, sizeof(err)));
	CHECK(c.preview_agents != NULL && c.preview_agents[0] == '\0');
	CHECK_INT(0, vd_config_set(&c, "replay-uid", "yes", err, sizeof(err)));
	CHECK(c.replay_uid);
	CHECK_INT(-1, vd_config_set(&c, "replay-uid", "maybe", err,
	    sizeof(err)));
	CHECK_INT(-1, vd_config_set(&c, "max-connections", "0", err,
	    sizeof(err)));
	CHECK_INT(0, vd_config_set(&c, "max-connections-per-ip", "0", err,
	    sizeof(err)));
	CHECK_INT(-1, vd_config_set(&c, "header-timeout", "x", err,
	    sizeof(err)));
	vd_config_free(&c);
}

static void
uid_n(uint8_t uid[NTAG424_UID_LEN], unsigned n)
{
	memset(uid, 0, NTAG424_UID_LEN);
	uid[0] = 0x04;
	uid[3] = (uint8_t)(n >> 16);
	uid[4] = (uint8_t)(n >> 8);
	uid[5] = (uint8_t)n;
}

/* 10,000 UIDs into a cache of 4,096: never more than 4,096 kept. */
static void
cache_bounded(void)
{
	vd_cache_t		*c = vd_cache_new(4096, VD_DIR_UNKNOWN);
	struct vd_tagkeys	 k, got;
	uint8_t			 uid[NTAG424_UID_LEN];
	unsigned		 hits = 0, n;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	memset(&k, 0, sizeof(k));
	for (n = 0; n < 10000; n++) {
		uid_n(uid, n);
		k.generation = n;
		vd_cache_put(c, uid, n, &k);
		CHECK(vd_cache_get(c, uid, n, &got) && got.generation == n);
	}
	for (n = 0; n < 10000; n++) {
		uid_n(uid, n);
		hits += vd_cache_get(c, uid, 20000, &got);
	}
	CHECK(hits > 0 && hits <= 4096);
	uid_n(uid, 9999);
	vd_cache_drop(c, uid);
	CHECK(!vd_cache_get(c, uid, 20000, &got));
	vd_cache_clear(c);
	for (hits = 0, n = 0; n < 10000; n++) {
		uid_n(uid, n);
		hits += vd_cache_get(c, uid, 20000, &got);
	}
	CHECK(hits == 0);
	vd_cache_free(&c);
	CHECK(c == NULL);
	vd_cache_free(&c);
}

/* A full set gives up its least recently used entry, not a touched one. */
static void
cache_lru(void)
{
	vd_cache_t		*c = vd_cache_new(8, VD_DIR_TAGS);	/* one set */
	struct vd_tagkeys	 k, got;
	uint8_t			 uid[NTAG424_UID_LEN];

	CHECK(c != NULL);
	if (c == NULL)
		return;
	memset(&k, 0, sizeof(k));
	for (unsigned n = 0; n < 8; n++) {
		uid_n(uid, n);
		vd_cache_put(c, uid, 100 + n, &k);
	}
	uid_n(uid, 0);
	CHECK(vd_cache_get(c, uid, 200, &got));	/* 0 is now the newest */
	uid_n(uid, 8);
	vd_cache_put(c, uid, 201, &k);
	uid_n(uid, 0);
	CHECK(vd_cache_get(c, uid, 202, &got));
	uid_n(uid, 1);
	CHECK(!vd_cache_get(c, uid, 202, &got));	/* the oldest went */
	vd_cache_free(&c);
}

/* The committed outcome turned into the verdict and its reason. */
static void
settle(void)
{
	struct vd_advance	a;
	struct vd_result	r;

	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	a.a.ctr = 7;
	a.a.outcome = NTAG424_KS_ADVANCED;
	r.file_data_len = 1;
	vd_verify_settle(&r, &a);
	CHECK_INT(VD_VALID, r.verdict);
	CHECK_INT(1, r.file_data_len);
	a.a.outcome = NTAG424_KS_REPLAY;
	a.a.stored = 7;
	vd_verify_settle(&r, &a);
	CHECK_INT(VD_REPLAY, r.verdict);
	CHECK(strstr(r.reason, "this URL was used before") != NULL);
	CHECK_INT(0, r.file_data_len);
	a.a.stored = 9;
	vd_verify_settle(&r, &a);
	CHECK_INT(VD_REPLAY, r.verdict);
	CHECK(strstr(r.reason, "a later tap of this tag was already accepted") !=
	    NULL);
	a.a.outcome = NTAG424_KS_STALE;
	vd_verify_settle(&r, &a);
	CHECK(strstr(r.reason, "earlier provisioning") != NULL);
	a.a.outcome = NTAG424_KS_REVOKED;
	vd_verify_settle(&r, &a);
	CHECK_INT(VD_REVOKED, r.verdict);
	a.a.outcome = NTAG424_KS_TAMPERED;
	vd_verify_settle(&r, &a);
	CHECK_INT(VD_STORE_ERROR, r.verdict);
	CHECK(strstr(r.reason, "integrity check") != NULL);
	r.verdict = VD_REVOKED;
	r.reason[0] = '\0';
	char *s = vd_page(&r);
	CHECK(s != NULL && strstr(s, ">Tag disabled<") != NULL);
	CHECK(s != NULL && strstr(s, "disabled by its owner") != NULL);
	free(s);
}

int
main(void)
{
	RUN(verdict_statuses);
	RUN(config_flags);
	RUN(config_file);
	RUN(api_url);
	RUN(json_and_page);
	RUN(reason_cut_at_word);
	RUN(replay_uid_and_neutral);
	RUN(config_http);
	RUN(cache_bounded);
	RUN(cache_lru);
	RUN(settle);
	return test_summary();
}
