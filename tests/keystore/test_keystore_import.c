/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Other tools' key files: each parser with good input and every kind of
 * bad input (the exact sentence), and the store side: one transaction,
 * status imported, the same keys skipped, other keys refused with nothing
 * of the file stored; keys forget; the schema migration to 'imported'.
 */
#include <stdio.h>
#include <string.h>

#include "keystore/import_text.h"
#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

#define K0	"00112233445566778899AABBCCDDEEFF"
#define K1	"0102030405060708090a0b0c0d0e0f10"
#define KX	"F0E0D0C0B0A090807060504030201000"
#define UA	"04A1B2C3D4E5F6"
#define UB	"04A1B2C3D4E5F7"

static void
check_text(const char *file, int line, const struct ntag424_ks_text *t,
    const char *expect)
{
	if (strcmp(t->msg, expect) == 0)
		return;
	fprintf(stderr, "%s:%d: message\n  expected: %s\n  actual:   %s\n",
	    file, line, expect, t->msg);
	test_fail(file, line, "parse message");
}
#define CHECK_TEXT(t, m) check_text(__FILE__, __LINE__, (t), (m))

static int
parse(const char *s, int format, const uint8_t *uid, struct ntag424_ks_text *t)
{
	return ntag424_ks_text_parse(s, strlen(s), format, uid, t);
}

static void
key_is(const struct ntag424_ks_tag_keys *k, int keyno, const char *hex)
{
	uint8_t want[16];

	test_hex(hex, want, sizeof(want));
	CHECK((k->mask >> keyno) & 1u);
	CHECK_BYTES(want, k->key[keyno], 16);
}

/* ---- parsers ---------------------------------------------------------- */

static void
csv_good(void)
{
	struct ntag424_ks_text	t;
	uint8_t			ua[7];

	test_hex(UA, ua, sizeof(ua));
	CHECK_INT(NTAG424_OK, parse("\xEF\xBB\xBF" "UID, k0 ,k1,k3,version,"
	    "template,label\r\n" UA "," K0 "," K1 ",,7,\"https://x.example/t"
	    "?picc={picc}&cmac={mac}\",\"shelf 3, left\"\r\n\r\n" UB "," K1
	    ",,,,,\n", NTAG424_KS_FMT_AUTO, NULL, &t));
	CHECK_INT(NTAG424_KS_FMT_CSV, t.format);
	CHECK_INT(2, t.n);
	CHECK_INT(1, t.has_label);
	CHECK_BYTES(ua, t.v[0].uid, 7);
	CHECK_INT(2, t.v[0].line);
	CHECK_INT(0x03, t.v[0].mask);
	key_is(&t.v[0], 0, K0);
	key_is(&t.v[0], 1, K1);
	CHECK_INT(7, t.v[0].version[1]);
	CHECK(strcmp(t.v[0].tmpl, "https://x.example/t?picc={picc}&cmac={mac}")
	    == 0);
	CHECK_INT(4, t.v[1].line);
	CHECK_INT(0x01, t.v[1].mask);
	CHECK_INT(0, t.v[1].version[0]);
	CHECK(t.v[1].tmpl[0] == '\0');
	ntag424_ks_text_free(&t);
}

static void
tag_keys_good(void)
{
	struct ntag424_ks_text	t;
	const char		*in =
	    "uid,picc_master_key,app_read_key,sdm_mac_key,provisioned_date,"
	    "status,notes\n"
	    "04536B4A2F7080,00000000000000000000000000000000,"
	    "00000000000000000000000000000000,00000000000000000000000000000000,"
	    "2025-11-08T10:00:00,factory,Factory default keys\n"
	    UA "," K0 "," K1 "," KX ",2025-11-08T10:01:00,provisioned,"
	    "\"https://game.example/c?uid=1,2\"\n"
	    UB "," KX "," K0 "," K1 ",2025-11-08T10:02:00,pending,"
	    "\"Provisioning in progress...\"\n";

	CHECK_INT(NTAG424_OK, parse(in, NTAG424_KS_FMT_AUTO, NULL, &t));
	CHECK_INT(NTAG424_KS_FMT_TAG_KEYS, t.format);
	CHECK_INT(2, t.n);
	CHECK_INT(1, t.skipped);
	CHECK_INT(0x0B, t.v[0].mask);	/* keys 0, 1 and 3 */
	key_is(&t.v[0], 0, K0);
	key_is(&t.v[0], 1, K1);
	key_is(&t.v[0], 3, KX);
	CHECK(strcmp(t.v[0].file_status, "provisioned") == 0);
	CHECK(strcmp(t.v[1].file_status, "pending") == 0);
	CHECK_INT(4, t.v[1].line);
	ntag424_ks_text_free(&t);
}

static void
wipe_json_good(void)
{
	struct ntag424_ks_text	t;
	uint8_t			ua[7];
	const char		*in = "{\n  \"version\": 1,\n  \"action\": "
	    "\"wipe\",\n  \"k0\": \"" K0 "\", \"k1\": \"" K1 "\",\n  \"k2\": \""
	    KX "\", \"k3\": \"" K0 "\", \"k4\": \"" K1 "\"\n}\n";

	test_hex(UA, ua, sizeof(ua));
	CHECK_INT(NTAG424_OK, parse(in, NTAG424_KS_FMT_AUTO, ua, &t));
	CHECK_INT(NTAG424_KS_FMT_WIPE_JSON, t.format);
	CHECK_INT(1, t.n);
	CHECK_INT(0x1F, t.v[0].mask);
	CHECK_BYTES(ua, t.v[0].uid, 7);
	key_is(&t.v[0], 2, KX);
	key_is(&t.v[0], 4, K1);
	ntag424_ks_text_free(&t);
	/* The UID in the file itself, no --uid. */
	CHECK_INT(NTAG424_OK, parse("{\"uid\":\"" UA "\",\"version\":1,"
	    "\"action\":\"wipe\",\"k0\":\"" K0 "\",\"k1\":\"" K0 "\",\"k2\":\""
	    K0 "\",\"k3\":\"" K0 "\",\"k4\":\"" K0 "\"}", NTAG424_KS_FMT_AUTO,
	    NULL, &t));
	CHECK_BYTES(ua, t.v[0].uid, 7);
	ntag424_ks_text_free(&t);
}

static void
jsonl_good(void)
{
	struct ntag424_ks_text t;

	CHECK_INT(NTAG424_OK, parse("{\"uid\":\"" UA "\",\"keys\":{\"0\":\"" K0
	    "\",\"2\":\"" KX "\"},\"version\":3,\"label\":\"a\"}\n\n"
	    "{\"uid\":\"" UB "\",\"keys\":{\"1\":\"" K1 "\"},\"template\":"
	    "\"https://x.example/?p={picc}&c={mac}\"}\n",
	    NTAG424_KS_FMT_AUTO, NULL, &t));
	CHECK_INT(NTAG424_KS_FMT_JSONL, t.format);
	CHECK_INT(2, t.n);
	CHECK_INT(0x05, t.v[0].mask);
	key_is(&t.v[0], 2, KX);
	CHECK_INT(3, t.v[0].version[2]);
	CHECK_INT(3, t.v[1].line);
	CHECK(strcmp(t.v[1].tmpl, "https://x.example/?p={picc}&c={mac}") == 0);
	ntag424_ks_text_free(&t);
}

static const struct {
	int		 format;
	const char	*in;
	int		 with_uid;
	const char	*msg;
} bad_cases[] = {
	{ 0, "", 0, "the file is empty" },
	{ 0, "uid,k0\n", 0, "the file holds no tag with changed keys" },
	{ 0, "uid,k0\n" UA ",0011223\n", 0,
	    "line 2: k0: odd number of hex digits (7)" },
	{ 0, "uid,k0\n" UA ",00112233445566778899AABBCCDDEE\n", 0,
	    "line 2: k0: 30 hex digits, a key has 32" },
	{ 0, "uid,k0\n" UA ",g0112233445566778899AABBCCDDEEFF\n", 0,
	    "line 2: k0: 'g' is not a hex digit" },
	{ 0, "uid,k0\n04A1B2C3D4E5," K0 "\n", 0,
	    "line 2: uid: 12 hex digits, a UID has 14" },
	{ 0, "uid,k0\n" UA "," K0 "\n" UA "," K1 "\n", 0,
	    "line 3: tag 04A1B2C3D4E5F6 is already on line 2 (duplicate UID)" },
	{ 0, "uid,k0,k5\n", 0, "line 1: unknown column 'k5' (a csv file has "
	    "uid, k0 to k4, version, template, label)" },
	{ 0, "uid,k0,k0\n", 0, "line 1: column 'k0' appears twice" },
	{ 0, "k0,k1\n", 0, "line 1: the header has no uid column" },
	{ 0, "not a backup at all, but text\n", 0, "the file is not a "
	    "keystore backup, nor a key file of a known format (CSV with a "
	    "header naming uid and k0 to k4, tag_keys.csv, Boltcard wipe JSON, "
	    "JSON Lines)" },
	{ NTAG424_KS_FMT_CSV, "a,b\n", 0, "line 1: unknown column 'a' (a csv "
	    "file has uid, k0 to k4, version, template, label)" },
	{ 0, "uid,label\n", 0, "line 1: the header has no key column" },
	{ 0, "uid,k0\n" UA "," K0 ",x\n", 0,
	    "line 2: 3 fields, the header has 2" },
	{ 0, "uid,k0,k1\n" UA ",,\n", 0,
	    "line 2: no key given for tag 04A1B2C3D4E5F6" },
	{ 0, "uid,k0,version\n" UA "," K0 ",256\n", 0,
	    "line 2: version: '256' is not a key version (0 to 255)" },
	{ 0, "uid,k0,template\n" UA "," K0 ",\"https://x\n", 0,
	    "line 2: a quoted field is not closed" },
	{ 0, "uid,picc_master_key,app_read_key,sdm_mac_key,provisioned_date,"
	    "status,notes,backup_timestamp\n", 0, "line 1: unknown column "
	    "'backup_timestamp' (a tag-keys file has uid, picc_master_key, "
	    "app_read_key, sdm_mac_key, provisioned_date, status, notes)" },
	{ 0, "uid,picc_master_key,status\n" UA "," K0 ",factory\n", 0,
	    "the file holds no tag with changed keys (only rows with status "
	    "factory)" },
	{ 0, "{\"version\":1,\"action\":\"wipe\",\"k0\":\"" K0 "\",\"k1\":\""
	    K0 "\",\"k2\":\"" K0 "\",\"k3\":\"" K0 "\",\"k4\":\"" K0 "\"}", 0,
	    "the wipe JSON does not say which tag it is for: give --uid UID" },
	{ 0, "{\"version\":1,\"action\":\"wipe\",\"k0\":\"" K0 "\",\"k1\":\""
	    K0 "\",\"k2\":\"" K0 "\",\"k3\":\"" K0 "\"}", 1,
	    "line 1: a wipe JSON has all five keys k0 to k4" },
	{ 0, "{\"version\":1,\"action\":\"burn\",\"k0\":\"" K0 "\"}", 1,
	    "line 1: action: not \"wipe\"" },
	{ 0, "{\"version\":2,\"action\":\"wipe\"}", 1,
	    "line 1: version: only version 1 of the wipe JSON is known" },
	{ 0, "{\"uid\":\"" UB "\",\"version\":1,\"action\":\"wipe\"}", 1,
	    "line 1: uid: the file names another tag than --uid" },
	{ 0, "{\"version\":1,\"action\":\"wipe\",\"k0\":\"" K0 "\",\"k9\":1}",
	    1, "line 1: unknown member 'k9' (a wipe JSON has version, action, "
	    "k0 to k4 and optionally uid)" },
	{ 0, "{\"uid\":\"" UA "\",\"keys\":{\"0\":\"" K0 "\"}}\n{\"uid\":", 0,
	    "line 2: not JSON: unexpected token near end of file" },
	{ 0, "{\"uid\":\"" UA "\",\"keys\":{\"5\":\"" K0 "\"}}\n", 0,
	    "line 1: keys: unknown key number '5' (0 to 4)" },
	{ 0, "{\"uid\":\"" UA "\",\"keys\":{\"0\":\"001\"}}\n", 0,
	    "line 1: key 0: odd number of hex digits (3)" },
	{ 0, "{\"uid\":\"" UA "\",\"keys\":{\"0\":\"" K0 "\"},\"x\":1}\n", 0,
	    "line 1: unknown member 'x' (a line has uid, keys and optionally "
	    "version, template, label)" },
	{ 0, "{\"keys\":{\"0\":\"" K0 "\"}}\n", 0, "line 1: no \"uid\"" },
	{ NTAG424_KS_FMT_JSONL, "[1]\n", 0, "line 1: not a JSON object" },
	{ NTAG424_KS_FMT_CSV, "uid,picc_master_key\n", 0, "line 1: unknown "
	    "column 'picc_master_key' (a csv file has uid, k0 to k4, version, "
	    "template, label)" },
};

static void
bad_input(void)
{
	struct ntag424_ks_text	t;
	uint8_t			ua[7];

	test_hex(UA, ua, sizeof(ua));
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int r = parse(bad_cases[i].in, bad_cases[i].format,
		    bad_cases[i].with_uid ? ua : NULL, &t);

		if (!CHECK_INT(NTAG424_ERR_MALFORMED, r) || t.n != 0)
			fprintf(stderr, "  case %zu: %s\n", i, bad_cases[i].in);
		CHECK_TEXT(&t, bad_cases[i].msg);
		CHECK(t.v == NULL);
		ntag424_ks_text_free(&t);
	}
}

static void
detect(void)
{
	CHECK_INT(NTAG424_KS_FMT_BACKUP, ntag424_ks_text_detect("PROVKSB1\x01",
	    9));
	CHECK_INT(NTAG424_KS_FMT_JSONL, ntag424_ks_text_detect(" {\"uid\":1}\n",
	    11));
	CHECK_INT(NTAG424_KS_FMT_WIPE_JSON, ntag424_ks_text_detect(
	    "{\"action\":\"wipe\"}", 17));
	CHECK_INT(NTAG424_KS_FMT_AUTO, ntag424_ks_text_detect("uid,k0\n", 7));
	CHECK_INT(NTAG424_KS_FMT_TAG_KEYS, ntag424_ks_text_format_parse(
	    "tag-keys"));
	CHECK_INT(-1, ntag424_ks_text_format_parse("xml"));
}

/* ---- the store -------------------------------------------------------- */

static const char two_tags[] =
    "uid,k0,k1,template\n"
    UA "," K0 "," K1 ",https://x.example/?p={picc}&c={mac}\n"
    UB "," KX ",,\n";

static void
import_text(ntag424_ks_t *ks, const char *in, int expect,
    struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_text t;

	CHECK_INT(NTAG424_OK, parse(in, NTAG424_KS_FMT_AUTO, NULL, &t));
	CHECK_INT(expect, ntag424_ks_import_keys(ks, &t, st));
	ntag424_ks_text_free(&t);
}

static void
import_stores_sealed(void)
{
	struct ntag424_ks_import_stats	 st;
	struct ntag424_ks_tag		 t;
	ntag424_ks_t			*ks;
	uint8_t				 ua[7], ub[7], k[16], want[16];

	fresh();
	ks = open_main();
	test_hex(UA, ua, sizeof(ua));
	test_hex(UB, ub, sizeof(ub));
	import_text(ks, two_tags, NTAG424_OK, &st);
	CHECK_INT(2, st.tags_added);
	CHECK_INT(3, st.keys_added);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, ua, &t));
	CHECK_INT(NTAG424_KS_IMPORTED, t.status);
	CHECK(strcmp(ntag424_ks_status_name(t.status), "imported") == 0);
	CHECK_INT(0x03, t.current_mask);
	CHECK(strcmp(t.name, "template") == 0);
	CHECK(strcmp(t.tmpl, "https://x.example/?p={picc}&c={mac}") == 0);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, ua, 1, NTAG424_KS_CURRENT,
	    k, NULL));
	test_hex(K1, want, sizeof(want));
	CHECK_BYTES(want, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, ub, &t));
	CHECK_INT(0x01, t.current_mask);
	CHECK(t.tmpl[0] == '\0');
	/* The same file again: nothing new, nothing refused. */
	import_text(ks, two_tags, NTAG424_OK, &st);
	CHECK_INT(0, st.tags_added);
	CHECK_INT(0, st.keys_added);
	CHECK_INT(3, st.keys_same);
	/* The same keys with the template they lacked: recorded. */
	import_text(ks, "uid,k0,template\n" UB "," KX ",https://y.example/\n",
	    NTAG424_OK, &st);
	CHECK_INT(1, st.keys_same);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, ub, &t));
	CHECK(strcmp(t.tmpl, "https://y.example/") == 0);
	CHECK(strcmp(t.name, "template") == 0);
	ntag424_ks_free(&ks);
}

static void
import_conflict_stores_nothing(void)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	uint8_t			 ua[7], uc[7];

	fresh();
	ks = open_main();
	test_hex(UA, ua, sizeof(ua));
	test_hex("04A1B2C3D4E5F8", uc, sizeof(uc));
	import_text(ks, "uid,k0\n" UA "," K0 "\n", NTAG424_OK, NULL);
	/* A new tag first, then the known one with another key 0. */
	import_text(ks, "uid,k0\n04A1B2C3D4E5F8," K1 "\n" UA "," KX "\n",
	    NTAG424_ERR_STATE, NULL);
	CHECK_MSG(ks, "line 3: tag 04A1B2C3D4E5F6 is already in the keystore "
	    "with other keys; if the file is right, run 'ntag424 keys forget "
	    "04A1B2C3D4E5F6 --yes' first");
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_tag_get(ks, uc, &t));
	/* Another key number than the stored ones is other keys too. */
	import_text(ks, "uid,k0,k1\n" UA "," K0 "," K1 "\n", NTAG424_ERR_STATE,
	    NULL);
	CHECK_MSG(ks, "line 2: tag 04A1B2C3D4E5F6 is already in the keystore "
	    "with other keys");
	ntag424_ks_free(&ks);
}

static void
import_refuses_pending_takes_factory(void)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	uint8_t			 ua[7], ub[7];

	fresh();
	ks = open_main();
	test_hex(UA, ua, sizeof(ua));
	test_hex(UB, ub, sizeof(ub));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, ua));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, ua, 0, key1, 1));
	import_text(ks, "uid,k0\n" UA "," K0 "\n", NTAG424_ERR_STATE, NULL);
	CHECK_MSG(ks, "line 2: tag 04A1B2C3D4E5F6 is being provisioned or "
	    "reset by provisio (status factory): finish that run first");
	/* A factory record without keys: the tag changed hands since. */
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, ub));
	import_text(ks, "uid,k0,template\n" UB "," K0 ",https://x.example/\n",
	    NTAG424_OK, NULL);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, ub, &t));
	CHECK_INT(NTAG424_KS_IMPORTED, t.status);
	CHECK(strcmp(t.tmpl, "https://x.example/") == 0);
	CHECK_INT(0x01, t.current_mask);
	ntag424_ks_free(&ks);
}

static int
last_step(const struct ntag424_ks_journal_entry *e, void *arg)
{
	snprintf(arg, NTAG424_KS_STEP_MAX + 1, "%s", e->step);
	return 0;
}

static void
forget(void)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	char			 step[NTAG424_KS_STEP_MAX + 1] = "";

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 0, key1, 1);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 1, key2, 1));
	CHECK_INT(NTAG424_ERR_STATE, ntag424_ks_tag_forget(ks, uid_a, 0));
	CHECK_MSG(ks, "a provisioning or reset of tag 04112233445566 is under "
	    "way (status factory): finish it with 'ntag424 provision' or "
	    "'ntag424 reset', or give --force if the tag is gone");
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(0x01, t.current_mask);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_forget(ks, uid_a, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(NTAG424_KS_FACTORY, t.status);
	CHECK_INT(0, t.current_mask);
	CHECK_INT(0, t.pending_mask);
	CHECK_INT(NTAG424_OK, ntag424_ks_journal_read(ks, uid_a, last_step,
	    step));
	CHECK(strcmp(step, "forget") == 0);
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_tag_forget(ks, uid_b, 0));
	ntag424_ks_free(&ks);
}

/* A version 3 keystore gains status 'imported' and keeps its CHECK. */
static void
migration_to_imported(void)
{
	struct ntag424_ks_opts	 o = { db_uri, kek_file, 0, TEST_WAIT_MS };
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	int			 version = 0;

	fresh();
	ks = ntag424_ks_new();
	CHECK_INT(NTAG424_OK, ks_open_version(ks, &o, 3));
	provision_key(ks, uid_a, 0, key1, 1);
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_IMPORTED));
	ntag424_ks_free(&ks);
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_schema_version(ks, &version));
	CHECK_INT(NTAG424_KS_SCHEMA, version);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_IMPORTED));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(NTAG424_KS_IMPORTED, t.status);
	CHECK_INT(0x01, t.current_mask);
	CHECK(ks_exec_raw(ks, "UPDATE tags SET status = 'bogus'") ==
	    NTAG424_ERR_STORE);
	ntag424_ks_free(&ks);
}

void
ks_run_import_cases(void)
{
	RUN(csv_good);
	RUN(tag_keys_good);
	RUN(wipe_json_good);
	RUN(jsonl_good);
	RUN(bad_input);
	RUN(detect);
	RUN(import_stores_sealed);
	RUN(import_conflict_stores_nothing);
	RUN(import_refuses_pending_takes_factory);
	RUN(forget);
	RUN(migration_to_imported);
}
