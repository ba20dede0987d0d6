/* Unit tests of the verifyd pieces that need no server: config, verdicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "verifyd/routes.h"
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
	s = vd_json(&r);
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
	s = vd_json(&r);
	CHECK(s != NULL && strstr(s, "\"field\":\"picc\",\"reason\":"
	    "\"<b>?\\\"\"") != NULL);
	free(s);
	s = vd_page(&r);
	CHECK(s != NULL && strstr(s, ">Not genuine<") != NULL);
	CHECK(s != NULL && strstr(s, "<b>") == NULL);
	free(s);
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
	RUN(settle);
	return test_summary();
}
