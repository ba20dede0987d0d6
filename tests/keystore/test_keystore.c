/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The keystore against SQLite (no argument: a file in a temporary
 * directory) or PostgreSQL (argument: a postgresql:// URI, see
 * scripts/pg-rig.sh). Every case runs the same on both, except the few
 * that only one engine can stage (marked). This file: schema, sealing,
 * KEK, tags, journal, keys, masters, counters; test_keystore_files.c the
 * rest.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hex.h"
#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

/*
 * A schema-1 keystore as that code left it: a provisioned tag with key 1
 * (rows written here, as the API now writes schema 3).
 */
static void
v1_rows(ntag424_ks_t *ks)
{
	struct seal_aad	a = { SEAL_CURRENT, uid_a, 1, 0, NULL };
	uint8_t		kek[32];
	char		sealed[SEAL_HEX_MAX], sql[512];
	int		created = 0;

	CHECK_INT(NTAG424_OK, ks_kek_file_load(ks, kek_file, 0, kek, &created));
	CHECK_INT(NTAG424_OK, seal_hex(kek, &a, key1, 16, sealed));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "INSERT INTO tags (uid, status, "
	    "generation, created, updated) VALUES ('04112233445566', "
	    "'provisioned', 1, 1, 1)"));
	snprintf(sql, sizeof(sql), "INSERT INTO tag_keys (uid, keyno, slot, "
	    "version, state, sealed, updated) VALUES ('04112233445566', 1, "
	    "'current', 1, 'applied', '%s', 1)", sealed);
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, sql));
}

static void
schema_migration(void)
{
	struct ntag424_ks_opts	 o = { db_uri, kek_file, 0, 200 };
	struct ntag424_ks_advance adv = { { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55,
	    0x66 }, 1, 1, 0, 0 };
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	uint8_t			 k[16];
	uint32_t		 v = 0;
	int			 version = 0, created = 0;

	fresh();
	ks = ntag424_ks_new();
	CHECK_INT(NTAG424_OK, ks_open_version(ks, &o, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_schema_version(ks, &version));
	CHECK_INT(1, version);
	v1_rows(ks);
	/* Version 1 has no master keys yet. */
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_master_latest(ks, k, &v,
	    &created));
	ntag424_ks_free(&ks);

	/* Opened with the KEK: migrated, and every row gets its MAC. */
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_schema_version(ks, &version));
	CHECK_INT(NTAG424_KS_SCHEMA, version);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(0x02, t.current_mask);
	CHECK_INT(1, t.generation);
	/* A provisioned tag of before gets its (empty) counter row. */
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_counter_get(ks, uid_a, 1,
	    &v));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "DELETE FROM counters"));
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, &adv, 1));
	CHECK_INT(NTAG424_KS_TAMPERED, adv.outcome);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_BYTES(key1, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_latest(ks, k, &v, &created));
	CHECK_INT(1, v);
	CHECK_INT(1, created);
	ntag424_ks_free(&ks);
}

static void
schema_newer_refused(void)
{
	ntag424_ks_t	*ks;
	int		 r;

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks,
	    "UPDATE schema_version SET version = 99"));
	ntag424_ks_free(&ks);
	ks = open_with(db_uri, kek_file, 0, &r);
	CHECK_INT(NTAG424_ERR_STORE, r);
	CHECK_MSG(ks, "has schema version 99, newer than this program's 4");
	ntag424_ks_free(&ks);
	fresh();
}

static void
seal_roundtrip(void)
{
	uint8_t		kek[32], other[32], out[16], raw[SEAL_LEN(16)];
	char		h1[SEAL_HEX_MAX], h2[SEAL_HEX_MAX];
	struct seal_aad	a = { SEAL_CURRENT, uid_a, 1, 0, NULL };
	struct seal_aad	b = { SEAL_CURRENT, uid_a, 2, 0, NULL };

	memset(kek, 0x42, sizeof(kek));
	memset(other, 0x43, sizeof(other));
	CHECK_INT(NTAG424_OK, seal_hex(kek, &a, key1, 16, h1));
	CHECK_INT(NTAG424_OK, seal_hex(kek, &a, key1, 16, h2));
	CHECK(strcmp(h1, h2) != 0);	/* a fresh nonce per seal */
	CHECK_INT(2 * SEAL_LEN(16), strlen(h1));
	CHECK_INT(NTAG424_OK, unseal_hex(kek, &a, h1, out, 16));
	CHECK_BYTES(key1, out, 16);
	CHECK_INT(NTAG424_ERR_INTEGRITY, unseal_hex(kek, &b, h1, out, 16));
	CHECK_INT(NTAG424_ERR_INTEGRITY, unseal_hex(other, &a, h1, out, 16));
	hex_decode_str(h1, raw, sizeof(raw));
	raw[1 + SEAL_NONCE] ^= 0x01;
	hex_encode(raw, sizeof(raw), h1);
	CHECK_INT(NTAG424_ERR_INTEGRITY, unseal_hex(kek, &a, h1, out, 16));
	CHECK_INT(NTAG424_ERR_MALFORMED, unseal_hex(kek, &a, "00", out, 16));
	static const uint8_t zero[16];
	CHECK_BYTES(zero, out, 16);	/* wiped on failure */
}

static void
aad_binds_uid_and_slot(void)
{
	ntag424_ks_t	*ks;
	uint8_t		 k[16];

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 1, key1, 1);
	provision_key(ks, uid_b, 1, key2, 1);
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "UPDATE tag_keys SET sealed = "
	    "(SELECT sealed FROM tag_keys WHERE uid = '04112233445566' AND "
	    "keyno = 1) WHERE uid = '04A1B2C3D4E5F6' AND keyno = 1"));
	/* The row MAC sees the copy first (row_auth_refuses_edits)... */
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_b, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_MSG(ks, "tag 04A1B2C3D4E5F6: its set of key rows");
	/* ...and were it made again, the AAD still refuses the value. */
	CHECK_INT(NTAG424_OK, ks_tag_reseal(ks, "04A1B2C3D4E5F6"));
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_b, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_MSG(ks, "the sealed current key (tag 04A1B2C3D4E5F6, key 1, "
	    "version 0) does not open: the record was altered or copied");
	/* The same value as key 2 of the same tag, or as a pending key. */
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "UPDATE tag_keys SET keyno = 2 "
	    "WHERE uid = '04112233445566' AND keyno = 1"));
	CHECK_INT(NTAG424_OK, ks_tag_reseal(ks, "04112233445566"));
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_a, 2,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "UPDATE tag_keys SET keyno = 1, "
	    "slot = 'pending', state = 'intent' WHERE uid = '04112233445566'"));
	CHECK_INT(NTAG424_OK, ks_tag_reseal(ks, "04112233445566"));
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, k, NULL));
	ntag424_ks_free(&ks);
}

/* A provisioned tag uid_a (generation 1) with key 1, and a counter of 5. */
static ntag424_ks_t *
tampering_setup(struct ntag424_ks_advance *v)
{
	ntag424_ks_t *ks;

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 1, key1, 1);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));
	memset(v, 0, sizeof(*v));
	memcpy(v->uid, uid_a, 7);
	v->generation = 1;
	v->ctr = 5;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 1));
	CHECK_INT(NTAG424_KS_ADVANCED, v->outcome);
	v->ctr = 4;			/* a used URL from now on */
	return ks;
}

/* An edit by hand, then a read and an accept of counter 4: refused. */
static void
refused_after(const char *sql, const char *what, int accept_outcome)
{
	struct ntag424_ks_advance	 v;
	struct ntag424_ks_tag		 t;
	ntag424_ks_t			*ks = tampering_setup(&v);
	uint8_t				 k[16];

	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, sql));
	if (strstr(sql, "counters") == NULL) {
		CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_tag_get(ks, uid_a, &t));
		CHECK_MSG(ks, what);
		CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_a, 1,
		    NTAG424_KS_CURRENT, k, NULL));
	}
	v.generation = strstr(sql, "generation") != NULL ? 2 : 1;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, &v, 1));
	CHECK_INT(accept_outcome, v.outcome);
	if (accept_outcome == NTAG424_KS_TAMPERED)
		CHECK_MSG(ks, what);
	ntag424_ks_free(&ks);
}

/*
 * Someone with write access to the database but not the KEK: every edit of
 * what a valid answer rests on is refused, never taken as a fresh tap.
 */
static void
row_auth_refuses_edits(void)
{
	const char *tag = "tag 04112233445566: its tag row in";
	const char *ctr = "tag 04112233445566: its read counter row";
	struct ntag424_ks_advance v;
	ntag424_ks_t *ks;
	char sealed[SEAL_HEX_MAX], sql[512];
	db_res_t *res = NULL;

	refused_after("UPDATE tags SET generation = generation + 1", tag,
	    NTAG424_KS_TAMPERED);
	refused_after("UPDATE tags SET revoked = 1", tag, NTAG424_KS_TAMPERED);
	refused_after("UPDATE tags SET mac = NULL", tag, NTAG424_KS_TAMPERED);
	refused_after("UPDATE counters SET ctr = 1", ctr, NTAG424_KS_TAMPERED);
	refused_after("UPDATE counters SET mac = NULL", ctr,
	    NTAG424_KS_TAMPERED);
	refused_after("DELETE FROM counters", ctr, NTAG424_KS_TAMPERED);
	refused_after("DELETE FROM tag_keys", "its set of key rows",
	    NTAG424_KS_REPLAY);	/* the counter rests on the tag row only */

	/* A key row rolled back to its older sealed value. */
	ks = tampering_setup(&v);
	CHECK_INT(NTAG424_OK, ks_query(ks, "test", "SELECT sealed FROM tag_keys "
	    "WHERE keyno = 1", NULL, 0, &res));
	CHECK_INT(1, ks_next(ks, "test", res));
	snprintf(sealed, sizeof(sealed), "%s", ks->be->col_text(res, 0));
	ks->be->res_free(res);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 1, key2, 2));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_mark_sent(ks, uid_a, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_applied(ks, uid_a, 1));
	snprintf(sql, sizeof(sql), "UPDATE tag_keys SET sealed = '%s', "
	    "version = 1 WHERE keyno = 1", sealed);
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, sql));
	uint8_t k[16];
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_MSG(ks, "tag 04112233445566: its set of key rows");
	/* Nor does a write on top of an edited row make it authentic. */
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_tag_revoke(ks, uid_a, NULL));
	ntag424_ks_free(&ks);

	/* The marker gone and every MAC nulled: refused at the open. */
	ks = tampering_setup(&v);
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "DELETE FROM row_auth"));
	ntag424_ks_free(&ks);
	int r = 0;
	ks = open_with(db_uri, kek_file, 0, &r);
	CHECK_INT(NTAG424_ERR_STORE, r);
	CHECK_MSG(ks, "carry MACs but its row authentication marker is gone");
	ntag424_ks_free(&ks);
	fresh();
}

static void
wrong_kek(void)
{
	char		 other[300], bad[300];
	ntag424_ks_t	*ks;
	int		 r;

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 0, key1, 1);
	ntag424_ks_free(&ks);
	path(other, sizeof(other), "other.kek");
	unlink(other);
	ks = open_with(db_uri, other, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "the KEK file");
	CHECK_MSG(ks, "does not exist, and this keystore was sealed");
	CHECK(access(other, F_OK) != 0);	/* not created for a sealed store */
	ntag424_ks_free(&ks);

	path(bad, sizeof(bad), "bad.kek");
	FILE *f = fopen(bad, "w");
	fputs("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n",
	    f);
	fclose(f);
	chmod(bad, 0600);
	ks = open_with(db_uri, bad, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "the key-encryption key does not open this keystore");
	ntag424_ks_free(&ks);

	setenv("PROVISIO_KEK",
	    "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF", 1);
	ks = open_with(db_uri, NULL, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "the key-encryption key does not open this keystore "
	    "(KEK from PROVISIO_KEK");
	ntag424_ks_free(&ks);
	setenv("PROVISIO_KEK", "0011", 1);
	ks = open_with(db_uri, NULL, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "PROVISIO_KEK must hold 64 hex characters");
	ntag424_ks_free(&ks);
	unsetenv("PROVISIO_KEK");

	/* Without a KEK: metadata yes, keys no. */
	ks = open_with(db_uri, NULL, NTAG424_KS_NO_KEK, NULL);
	uint8_t k[16];
	CHECK_INT(NTAG424_ERR_KEK, ntag424_ks_key_get(ks, uid_a, 0,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_MSG(ks, "no key-encryption key was given");
	struct ntag424_ks_tag t;
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	ntag424_ks_free(&ks);
}

static void
kek_file_created_and_mode(void)
{
	char		 f[300], text[128];
	struct stat	 st;
	ntag424_ks_t	*ks;
	int		 r, fd;
	ssize_t		 n;

	fresh();
	path(f, sizeof(f), "sub/dir/new.kek");
	ks = open_with(db_uri, f, 0, NULL);
	CHECK(ntag424_ks_kek_created(ks) != NULL &&
	    strcmp(ntag424_ks_kek_created(ks), f) == 0);
	ntag424_ks_free(&ks);
	CHECK_INT(0, stat(f, &st));
	CHECK_INT(0600, st.st_mode & 07777);
	fd = open(f, O_RDONLY);
	n = read(fd, text, sizeof(text));
	close(fd);
	CHECK_INT(65, n);
	/* Reopening uses it and creates nothing. */
	ks = open_with(db_uri, f, 0, NULL);
	CHECK(ntag424_ks_kek_created(ks) == NULL);
	ntag424_ks_free(&ks);

	chmod(f, 0640);
	ks = open_with(db_uri, f, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "can be read by group or others (mode 0640): refusing "
	    "to use it; run 'chmod 600");
	ntag424_ks_free(&ks);
	chmod(f, 0600);
	fresh();
}

static int
count_tag(const struct ntag424_ks_tag *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	return 0;
}

static void
tags_and_status(void)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks;
	int			 n = 0;

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_MSG(ks, "tag 04112233445566 is not in the keystore");
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PENDING));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(NTAG424_KS_FACTORY, t.status);
	CHECK_INT(0, t.generation);
	CHECK_INT(NTAG424_KS_SRC_NONE, t.source);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_plan(ks, uid_a, "game-coin",
	    "https://coins.example/c?picc={picc}&cmac={mac}",
	    NTAG424_KS_SRC_DIVERSIFIED, 3));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_tag_set_plan(ks, uid_a, "x", "y",
	    NTAG424_KS_SRC_NONE, 0));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PENDING));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(NTAG424_KS_PROVISIONED, t.status);
	CHECK_INT(1, t.generation);
	CHECK(t.provisioned > 0);
	CHECK(strcmp(t.name, "game-coin") == 0);
	CHECK(strcmp(t.tmpl, "https://coins.example/c?picc={picc}&cmac={mac}")
	    == 0);
	CHECK_INT(NTAG424_KS_SRC_DIVERSIFIED, t.source);
	CHECK_INT(3, t.master_version);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_RESETTING));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(2, t.generation);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_tag_set_status(ks, uid_a, 9));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_b));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_foreach(ks, count_tag, &n));
	CHECK_INT(2, n);
	ntag424_ks_free(&ks);
}

struct jlog {
	int				n;
	struct ntag424_ks_journal_entry	e[4];
};

static int
collect_entry(const struct ntag424_ks_journal_entry *e, void *arg)
{
	struct jlog *j = arg;

	if (j->n < 4)
		j->e[j->n] = *e;
	j->n++;
	return 0;
}

static void
journal_append_read(void)
{
	struct ntag424_ks_journal_entry	 e;
	struct jlog			 j = { 0 };
	ntag424_ks_t			*ks;

	fresh();
	ks = open_main();
	memset(&e, 0, sizeof(e));
	memcpy(e.uid, uid_a, 7);
	CHECK_INT(NTAG424_OK, ntag424_ks_run_id_new(e.run_id));
	CHECK_INT(32, strlen(e.run_id));
	strcpy(e.step, "ChangeKey");
	e.keyno = 1;
	strcpy(e.outcome, "intent");
	/* The tag must be known first. */
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_journal_append(ks, &e));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_OK, ntag424_ks_journal_append(ks, &e));
	strcpy(e.outcome, "failed");
	e.sw = 0x91AE;
	CHECK_INT(NTAG424_OK, ntag424_ks_journal_append(ks, &e));
	strcpy(e.step, "Verify");
	strcpy(e.outcome, "ok");
	e.keyno = -1;
	e.sw = 0;
	CHECK_INT(NTAG424_OK, ntag424_ks_journal_append(ks, &e));
	e.keyno = 7;
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_journal_append(ks, &e));
	CHECK_INT(NTAG424_OK, ntag424_ks_journal_read(ks, uid_a, collect_entry,
	    &j));
	CHECK_INT(3, j.n);
	CHECK_INT(1, j.e[0].seq);
	CHECK_INT(3, j.e[2].seq);
	CHECK(strcmp(j.e[0].step, "ChangeKey") == 0);
	CHECK(strcmp(j.e[1].outcome, "failed") == 0);
	CHECK_INT(0x91AE, j.e[1].sw);
	CHECK_INT(1, j.e[1].keyno);
	CHECK_INT(-1, j.e[2].keyno);
	CHECK(strcmp(j.e[2].run_id, e.run_id) == 0);
	CHECK(j.e[2].ts > 0);
	ntag424_ks_free(&ks);
}

static void
key_pending_current_flow(void)
{
	struct ntag424_ks_keyinfo	 info;
	struct ntag424_ks_tag		 t;
	ntag424_ks_t			*ks;
	uint8_t				 k[16];

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_intend(ks, uid_a, 1,
	    key1, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_key_intend(ks, uid_a, 5, key1, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 1, key1, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_info(ks, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, &info));
	CHECK_INT(NTAG424_KS_INTENT, info.state);
	CHECK_INT(1, info.version);
	/* An intent not yet sent may be replaced. */
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 1, key2, 2));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_mark_sent(ks, uid_a, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_info(ks, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, &info));
	CHECK_INT(NTAG424_KS_MAYBE, info.state);
	/* Once sent, it is a candidate that must not be lost. */
	CHECK_INT(NTAG424_ERR_STATE, ntag424_ks_key_intend(ks, uid_a, 1, key1,
	    3));
	CHECK_MSG(ks, "pending key 1 of tag 04112233445566 was sent and may be "
	    "on the tag");
	/* A resume sees both candidates: factory (no current) and pending. */
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, k, &info));
	CHECK_BYTES(key2, k, 16);
	CHECK_INT(2, info.version);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_applied(ks, uid_a, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_CURRENT, k, &info));
	CHECK_BYTES(key2, k, 16);
	CHECK_INT(NTAG424_KS_APPLIED, info.state);
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, k, NULL));
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_applied(ks, uid_a, 1));
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_mark_sent(ks, uid_a, 1));
	/* Abandoned: proved not on the tag. */
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 3, key1, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_mark_sent(ks, uid_a, 3));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(0x02, t.current_mask);
	CHECK_INT(0x08, t.pending_mask);
	CHECK_INT(2, t.key_version[1]);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_abandon(ks, uid_a, 3));
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_abandon(ks, uid_a, 3));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(ks, uid_a, &t));
	CHECK_INT(0, t.pending_mask);
	ntag424_ks_free(&ks);
}

static int
cohort_name_fn(const char *name, uint32_t latest, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 64 - n, "%s:%u ", name, (unsigned)latest);
	return strcmp(name, "stop") == 0 ? 7 : 0;
}

/* Every cohort name once, with its latest version; fn can stop the walk. */
static void
cohort_foreach_names(void)
{
	ntag424_ks_t	*ks;
	uint32_t	 v;
	char		 seen[64] = "";

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_foreach(ks, cohort_name_fn,
	    seen));
	CHECK(strcmp(seen, "") == 0);
	v = 0;
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "b", key1, &v));
	v = 0;
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "a", key1, &v));
	v = 0;
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "a", key2, &v));
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_foreach(ks, cohort_name_fn,
	    seen));
	CHECK(strcmp(seen, "a:2 b:1 ") == 0);
	v = 0;
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "stop", key1, &v));
	seen[0] = '\0';
	CHECK_INT(7, ntag424_ks_cohort_foreach(ks, cohort_name_fn, seen));
	CHECK(strcmp(seen, "a:2 b:1 stop:1 ") == 0);
	ntag424_ks_free(&ks);
}

static void
master_and_cohort_keys(void)
{
	ntag424_ks_t	*ks;
	uint8_t		 m1[16], m2[16], k[16], c1[16];
	uint32_t	 v = 0, got = 0;
	int		 created = 0;

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_master_get(ks, 0, k, &got));
	CHECK_INT(NTAG424_OK, ntag424_ks_master_latest(ks, m1, &v, &created));
	CHECK_INT(1, v);
	CHECK_INT(1, created);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_latest(ks, k, &v, &created));
	CHECK_INT(0, created);
	CHECK_INT(1, v);
	CHECK_BYTES(m1, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_create(ks, m2, &v));
	CHECK_INT(2, v);
	CHECK(memcmp(m1, m2, 16) != 0);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(ks, 1, k, &got));
	CHECK_BYTES(m1, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(ks, 0, k, &got));
	CHECK_INT(2, got);
	CHECK_BYTES(m2, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_put(ks, key1, &v));
	CHECK_INT(3, v);

	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_cohort_get(ks,
	    "sdm-meta-read", 0, k, &got));
	CHECK_MSG(ks, "no cohort key 'sdm-meta-read'");
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "sdm-meta-read", key2,
	    &v));
	CHECK_INT(1, v);
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_latest(ks, "sdm-meta-read", c1,
	    &v, &created));
	CHECK_INT(0, created);
	CHECK_BYTES(key2, c1, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_latest(ks, "other", c1, &v,
	    &created));
	CHECK_INT(1, created);
	CHECK_INT(1, v);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_cohort_put(ks, "", key2, &v));
	/* The version is bound: v1's sealed value in v2's row does not open. */
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "UPDATE master_keys SET sealed = "
	    "(SELECT sealed FROM master_keys WHERE version = 1) "
	    "WHERE version = 2"));
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_master_get(ks, 2, k, &got));
	CHECK_MSG(ks, "the sealed master key (tag -, key 0, version 2) does "
	    "not open");
	ntag424_ks_free(&ks);
}

static void
counter_advance_replay_batch(void)
{
	struct ntag424_ks_advance	 v[5];
	ntag424_ks_t			*ks;
	uint32_t			 ctr = 0;
	int				 out = 0;

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_counter_get(ks, uid_a, 1,
	    &ctr));
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance(ks, uid_a, 1, 0, &out));
	CHECK_INT(NTAG424_KS_ADVANCED, out);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance(ks, uid_a, 1, 0, &out));
	CHECK_INT(NTAG424_KS_REPLAY, out);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance(ks, uid_a, 1, 5, &out));
	CHECK_INT(NTAG424_KS_ADVANCED, out);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance(ks, uid_a, 1, 4, &out));
	CHECK_INT(NTAG424_KS_REPLAY, out);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance(ks, uid_a, 2, 1, &out));
	CHECK_INT(NTAG424_KS_ADVANCED, out);	/* a new generation */
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_a, 1, &ctr));
	CHECK_INT(5, ctr);

	memset(v, 0, sizeof(v));
	for (int i = 0; i < 5; i++) {
		memcpy(v[i].uid, i == 2 ? uid_b : uid_a, 7);
		v[i].generation = 1;
	}
	v[0].ctr = 10;
	v[1].ctr = 10;
	v[2].ctr = 1;
	v[3].ctr = 11;
	v[4].ctr = 5;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_advance_batch(ks, v, 5));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[1].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[2].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[3].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[4].outcome);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_a, 1, &ctr));
	CHECK_INT(11, ctr);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_b, 1, &ctr));
	CHECK_INT(1, ctr);
	ntag424_ks_free(&ks);
}

#define RACE_N	150

/* A child: advance 1..RACE_N in order, report which it won. */
static void
race_child(int fd, int ready, int go)
{
	ntag424_ks_t	*ks = open_waiting(db_uri, kek_file, 0, RACE_WAIT_MS,
	    NULL);
	uint8_t		 won[RACE_N + 1];
	int		 out = 0;
	char		 b = 'r';

	memset(won, 0, sizeof(won));
	/* Start together: both connected, then one "go" for both. */
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		_exit(4);
	for (uint32_t c = 1; c <= RACE_N; c++) {
		if (ntag424_ks_counter_advance(ks, uid_a, 7, c, &out) !=
		    NTAG424_OK) {
			fprintf(stderr, "child: %s\n", ntag424_ks_errmsg(ks));
			_exit(2);
		}
		won[c] = out == NTAG424_KS_ADVANCED;
	}
	if (write(fd, won, sizeof(won)) != (ssize_t)sizeof(won))
		_exit(3);
	ntag424_ks_free(&ks);
	_exit(0);
}

/*
 * The verifier's accept: only the current generation of a provisioned tag
 * advances; an unknown tag, an old generation or a tag being reset is STALE.
 */
static void
counter_accept_generation(void)
{
	struct ntag424_ks_advance	 v[6];
	ntag424_ks_t			*ks;
	uint32_t			 ctr = 0;

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));	/* generation 1 */
	memset(v, 0, sizeof(v));
	for (int i = 0; i < 6; i++) {
		memcpy(v[i].uid, i == 5 ? uid_b : uid_a, 7);
		v[i].generation = 1;
	}
	v[0].ctr = 3;
	v[1].ctr = 3;			/* same tap twice in one batch */
	v[2].ctr = 2;
	v[3].ctr = 4;
	v[4].ctr = 9;
	v[4].generation = 0;		/* an earlier provisioning */
	v[5].ctr = 1;			/* unknown tag */
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 6));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[1].outcome);
	CHECK_INT(NTAG424_KS_REPLAY, v[2].outcome);
	CHECK_INT(NTAG424_KS_ADVANCED, v[3].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[4].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[5].outcome);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_a, 1, &ctr));
	CHECK_INT(4, ctr);
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_counter_get(ks, uid_a, 0,
	    &ctr));
	/* Re-provisioned: generation 2 starts from 0, generation 1 is over. */
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));
	v[0].generation = 2;
	v[0].ctr = 1;
	v[1].ctr = 5;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 2));
	CHECK_INT(NTAG424_KS_ADVANCED, v[0].outcome);
	CHECK_INT(NTAG424_KS_STALE, v[1].outcome);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_RESETTING));
	v[0].ctr = 2;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, v, 1));
	CHECK_INT(NTAG424_KS_STALE, v[0].outcome);
	ntag424_ks_free(&ks);
}

/*
 * Two processes on two connections race through the same counters. Each
 * tries every value in order, so each value is won by exactly one of them
 * (whoever comes first; the other sees it stored).
 */
static void
counter_race_two_processes(void)
{
	uint8_t		 won[2][RACE_N + 1];
	int		 fds[2][2], ready[2], go[2], status, both = 0;
	pid_t		 pid[2];
	ntag424_ks_t	*ks;
	uint32_t	 ctr = 0;
	char		 b[2] = { 'g', 'g' };

	fresh();
	ks = open_main();
	ntag424_ks_free(&ks);
	if (pipe(ready) != 0 || pipe(go) != 0)
		abort();
	for (int i = 0; i < 2; i++) {
		if (pipe(fds[i]) != 0 || (pid[i] = fork()) < 0)
			abort();
		if (pid[i] == 0) {
			close(fds[i][0]);
			race_child(fds[i][1], ready[1], go[0]);
		}
		close(fds[i][1]);
	}
	CHECK_INT(1, read(ready[0], b, 1));
	CHECK_INT(1, read(ready[0], b, 1));
	CHECK_INT(2, write(go[1], "gg", 2));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < 2; i++) {
		ssize_t got = 0, n;

		while (got < (ssize_t)sizeof(won[i]) && (n = read(fds[i][0],
		    won[i] + got, sizeof(won[i]) - (size_t)got)) > 0)
			got += n;
		CHECK_INT(sizeof(won[i]), got);
		close(fds[i][0]);
		waitpid(pid[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int c = 1; c <= RACE_N; c++) {
		if (!CHECK_INT(1, won[0][c] + won[1][c]))
			fprintf(stderr, "  counter %d\n", c);
		both += won[0][c] && won[1][c];
	}
	CHECK_INT(0, both);
	for (int c = 1; c <= RACE_N; c++)
		both += won[0][c];
	printf("     race: process 1 won %d counters, process 2 won %d\n", both,
	    RACE_N - both);
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_a, 7, &ctr));
	CHECK_INT(RACE_N, ctr);
	ntag424_ks_free(&ks);
}

/*
 * keystore.h's diversification input, M = UID || KeyNo || KeyVersion ||
 * "provisio". Expected keys computed outside this code base:
 *   printf '01 04782E21801D80 03 VV 70726F766973696F' | xxd -r -p |
 *   openssl mac -cipher AES-128-CBC \
 *       -macopt hexkey:00112233445566778899AABBCCDDEEFF CMAC
 * (AN10922 2.2.1: CMAC(K, 01 || M); the master key is AN10922's example.)
 */
static void
diversify_known_answers(void)
{
	static const uint8_t	master[16] = { 0x00, 0x11, 0x22, 0x33, 0x44,
	    0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
	static const uint8_t	uid[7] = { 0x04, 0x78, 0x2E, 0x21, 0x80, 0x1D,
	    0x80 };
	static const uint8_t	v1[16] = { 0xF8, 0x45, 0x2E, 0x41, 0x86, 0xE9,
	    0xB9, 0xB9, 0x0F, 0x5A, 0x96, 0x56, 0x19, 0x8B, 0xB8, 0xA6 };
	static const uint8_t	v2[16] = { 0xFA, 0x87, 0x20, 0x65, 0x35, 0xC8,
	    0x98, 0x9E, 0x5F, 0xC3, 0x27, 0x4E, 0xFC, 0x77, 0xDF, 0xBB };
	static const uint8_t	zero16[16];
	uint8_t			k[16], other[16];

	CHECK_INT(NTAG424_OK, ntag424_ks_diversify(master, uid, 3, 1, k));
	CHECK_BYTES(v1, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_diversify(master, uid, 3, 2, k));
	CHECK_BYTES(v2, k, 16);
	/* KeyNo is in the input too. */
	CHECK_INT(NTAG424_OK, ntag424_ks_diversify(master, uid, 2, 2, other));
	CHECK(memcmp(k, other, 16) != 0);
	CHECK_INT(NTAG424_OK, ntag424_ks_diversify(master, uid, 3, 0xFF, k));
	CHECK(memcmp(k, v1, 16) != 0 && memcmp(k, v2, 16) != 0);
	/* Version 00 is the factory key's; key numbers are 0..4. */
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(master, uid, 3, 0, k));
	CHECK_BYTES(zero16, k, 16);
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(master, uid, 5, 1, k));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(master, uid, -1, 1, k));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(NULL, uid, 3, 1, k));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(master, NULL, 3, 1, k));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_diversify(master, uid, 3, 1,
	    NULL));
}

/* SQLite only: a file that is not a database. */

int
main(int argc, char **argv)
{
	char cmd[400];

	ks_setup(argc, argv);
	RUN(schema_migration);
	RUN(schema_newer_refused);
	RUN(seal_roundtrip);
	RUN(aad_binds_uid_and_slot);
	RUN(row_auth_refuses_edits);
	RUN(wrong_kek);
	RUN(kek_file_created_and_mode);
	RUN(tags_and_status);
	RUN(journal_append_read);
	RUN(key_pending_current_flow);
	RUN(master_and_cohort_keys);
	RUN(cohort_foreach_names);
	RUN(diversify_known_answers);
	RUN(counter_advance_replay_batch);
	RUN(counter_accept_generation);
	RUN(counter_race_two_processes);
	ks_run_file_cases();
	ks_run_stmt_cases();
	ks_run_import_cases();
	ks_run_batch_cases();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return test_summary();
}
