/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keystore cases about files and processes: a locked database, no key in
 * plaintext on disk, export and import, KEK rotation, and (SQLite only) a
 * corrupt file, a full disk and the default location.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hex.h"
#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

static void
corrupt_database_file(void)
{
	char		 f[300];
	ntag424_ks_t	*ks;
	int		 r, fd;
	char		 junk[4096];

	path(f, sizeof(f), "corrupt.db");
	memset(junk, 'J', sizeof(junk));
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK_INT(sizeof(junk), write(fd, junk, sizeof(junk)));
	close(fd);
	ks = open_with(f, kek_file, 0, &r);
	CHECK_INT(NTAG424_ERR_STORE, r);
	CHECK_MSG(ks, "corrupt.db is not a keystore database or is damaged "
	    "(file is not a database): restore it from a backup");
	ntag424_ks_free(&ks);
}

/* Another connection holds the keystore exclusively: a clear error. */
static void
locked_database(void)
{
	ntag424_ks_t	*ks, *other;
	uint8_t		 k[16];

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 1, key1, 1);
	other = open_main();
	CHECK_INT(NTAG424_OK, ks_begin(other, DB_TX_EXCLUSIVE));
	CHECK_INT(NTAG424_ERR_STORE, ntag424_ks_key_intend(ks, uid_a, 2, key2,
	    1));
	CHECK_MSG(ks, "is locked by another process");
	CHECK_MSG(ks, "nothing was changed; let the other process finish and "
	    "retry");
	ks_rollback(other);
	ntag424_ks_free(&other);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 2, key2, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 1,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_BYTES(key1, k, 16);
	ntag424_ks_free(&ks);
}

/* SQLite only: max_page_count makes the database "full". */
static void
disk_full_loses_nothing(void)
{
	ntag424_ks_t	*ks;
	db_res_t	*res = NULL;
	uint8_t		 uid[7], k[16];
	int		 i, r = NTAG424_OK, pages = 0, stored = 0;
	char		 sql[64];

	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_OK, ks_query(ks, "test", "PRAGMA page_count", NULL, 0,
	    &res));
	if (ks_next(ks, "test", res) == 1)
		pages = (int)ks->be->col_int(res, 0);
	ks->be->res_free(res);
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %d", pages + 2);
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, sql));
	memcpy(uid, uid_a, 7);
	for (i = 0; i < 1000; i++) {
		uid[6] = (uint8_t)i;
		uid[5] = (uint8_t)(i >> 8);
		if ((r = ntag424_ks_tag_create(ks, uid)) != NTAG424_OK ||
		    (r = ntag424_ks_key_intend(ks, uid, 0, key1, 1)) !=
		    NTAG424_OK)
			break;
		stored++;
	}
	CHECK_INT(NTAG424_ERR_STORE, r);
	CHECK_MSG(ks, "is full (database or disk is full) while");
	CHECK_MSG(ks, "nothing of this change was written; free disk space");
	CHECK(stored > 0);
	/* Every change that returned OK is there, whole. */
	CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "PRAGMA max_page_count = "
	    "1073741823"));
	for (i = 0; i < stored; i++) {
		uid[6] = (uint8_t)i;
		uid[5] = (uint8_t)(i >> 8);
		r = ntag424_ks_key_get(ks, uid, 0, NTAG424_KS_PENDING_SLOT, k,
		    NULL);
		if (!CHECK_INT(NTAG424_OK, r))
			break;
		CHECK_BYTES(key1, k, 16);
	}
	/* And it works again once there is room. */
	uid[6] = (uint8_t)stored;
	uid[5] = (uint8_t)(stored >> 8);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid, 0, key1, 1));
	ntag424_ks_free(&ks);
}

/* Does any file under dir contain needle? -1 if nothing could be read. */
static int
dir_contains(const char *dir, const void *needle, size_t n)
{
	char	cmd[1024], f[1024];
	FILE	*ls;
	int	found = 0, files = 0;

	snprintf(cmd, sizeof(cmd), "find '%s' -type f", dir);
	if ((ls = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(f, sizeof(f), ls) != NULL) {
		FILE	*in;
		char	*buf;
		long	 len;

		f[strcspn(f, "\n")] = '\0';
		if ((in = fopen(f, "rb")) == NULL)
			continue;
		fseek(in, 0, SEEK_END);
		len = ftell(in);
		fseek(in, 0, SEEK_SET);
		if (len > 0 && (buf = malloc((size_t)len)) != NULL) {
			if (fread(buf, 1, (size_t)len, in) == (size_t)len) {
				files++;
				if (memmem(buf, (size_t)len, needle, n) != NULL)
					found = 1;
			}
			free(buf);
		}
		fclose(in);
	}
	pclose(ls);
	return files > 0 ? found : -1;
}

/* The directory that holds the database's bytes. */
static void
data_dir(char *out, size_t cap)
{
	const char *h;

	if (!is_pg) {
		snprintf(out, cap, "%s/db", tmp);
		return;
	}
	h = strstr(db_uri, "host=");
	snprintf(out, cap, "%.*s/data", (int)strcspn(h + 5, "&"), h + 5);
}

static void
no_plaintext_key_in_database(void)
{
	static const uint8_t	 marker[16] = { 0xC0, 0xFF, 0xEE, 0x15, 0xC0,
	    0x01, 0xD0, 0x0D, 0x8B, 0xAD, 0xF0, 0x0D, 0xDE, 0xAD, 0xBE, 0xEF };
	ntag424_ks_t		*ks;
	char			 dir[1024], hex[33], lower[33];
	uint32_t		 v;

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 0, marker, 1);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_b, 0, marker, 1) ==
	    NTAG424_ERR_NOT_FOUND ? NTAG424_OK : -1);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_put(ks, marker, &v));
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "meta", marker, &v));
	if (is_pg)
		CHECK_INT(NTAG424_OK, ks_exec_raw(ks, "CHECKPOINT"));
	ntag424_ks_free(&ks);
	data_dir(dir, sizeof(dir));
	hex_encode(marker, 16, hex);
	for (int i = 0; i < 33; i++)
		lower[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 :
		    hex[i]);
	/* The scan sees the data (the UID is stored in clear)... */
	CHECK_INT(1, dir_contains(dir, "04112233445566", 14));
	/* ...but not the key, raw or in hex. */
	CHECK_INT(0, dir_contains(dir, marker, 16));
	CHECK_INT(0, dir_contains(dir, hex, 32));
	CHECK_INT(0, dir_contains(dir, lower, 32));
}

static void
write_secret(const char *f, const char *text)
{
	FILE *out = fopen(f, "w");

	fputs(text, out);
	fclose(out);
	chmod(f, 0600);
}

/*
 * Two tags (one with a pending key 1), a template, a master key and a
 * cohort key in the keystore under test, exported to bak under the
 * passphrase in pass and to bakkek under the KEK; *m gets the master key.
 */
static void
export_two_tags(const char *bak, const char *bakkek, const char *pass,
    uint8_t m[16])
{
	ntag424_ks_t	*ks;
	uint32_t	 v = 0;
	int		 created = 0;
	size_t		 ntags = 0;

	fresh();
	ks = open_main();
	provision_key(ks, uid_a, 0, key1, 1);
	provision_key(ks, uid_a, 3, key2, 4);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 1, key2, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_mark_sent(ks, uid_a, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_plan(ks, uid_a, "self-checkout",
	    "https://x.example/tag?picc={picc}&cmac={mac}",
	    NTAG424_KS_SRC_DIVERSIFIED, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_b));
	CHECK_INT(NTAG424_OK, ntag424_ks_master_latest(ks, m, &v, &created));
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "sdm-meta-read", key1,
	    &v));
	CHECK_INT(NTAG424_OK, ntag424_ks_export(ks, bak, pass, &ntags));
	CHECK_INT(2, ntags);
	if (bakkek != NULL)
		CHECK_INT(NTAG424_OK, ntag424_ks_export(ks, bakkek, NULL, NULL));
	ntag424_ks_free(&ks);
}

static void
export_import_round_trip(void)
{
	struct ntag424_ks_import_stats	 st;
	struct ntag424_ks_keyinfo	 info;
	struct ntag424_ks_tag		 t;
	ntag424_ks_t			*dst;
	char				 bak[300], pass[300], wrong[300];
	char				 dstdb[300], dstkek[300], bakkek[300];
	uint8_t				 k[16], m[16];
	uint32_t			 got = 0;

	path(bak, sizeof(bak), "backup.bin");
	path(bakkek, sizeof(bakkek), "backup-kek.bin");
	path(pass, sizeof(pass), "pass.txt");
	path(wrong, sizeof(wrong), "wrong.txt");
	path(dstdb, sizeof(dstdb), "import/ks.db");
	path(dstkek, sizeof(dstkek), "import/kek");
	write_secret(pass, "correct horse battery staple\n");
	write_secret(wrong, "incorrect horse\n");
	export_two_tags(bak, bakkek, pass, m);

	/* Into another keystore (SQLite, its own KEK). */
	dst = open_with(dstdb, dstkek, 0, NULL);
	CHECK_INT(NTAG424_ERR_KEK, ntag424_ks_import(dst, bak, wrong, &st));
	CHECK_MSG(dst, "the passphrase does not open the backup");
	CHECK_INT(NTAG424_ERR_KEK, ntag424_ks_import(dst, bak, NULL, &st));
	CHECK_MSG(dst, "was made with a passphrase file: give "
	    "--passphrase-file");
	CHECK_INT(NTAG424_ERR_KEK, ntag424_ks_import(dst, bakkek, NULL, &st));
	CHECK_MSG(dst, "the key-encryption key does not open the backup");
	CHECK_INT(NTAG424_OK, ntag424_ks_import(dst, bak, pass, &st));
	CHECK_INT(2, st.tags_added);
	CHECK_INT(3, st.keys_added);
	CHECK_INT(1, st.masters_added);
	CHECK_INT(1, st.cohorts_added);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(dst, uid_a, &t));
	CHECK(strcmp(t.name, "self-checkout") == 0);
	CHECK_INT(NTAG424_KS_SRC_DIVERSIFIED, t.source);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(dst, uid_a, 3,
	    NTAG424_KS_CURRENT, k, &info));
	CHECK_BYTES(key2, k, 16);
	CHECK_INT(4, info.version);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(dst, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, k, &info));
	CHECK_BYTES(key2, k, 16);
	CHECK_INT(NTAG424_KS_MAYBE, info.state);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(dst, 1, k, &got));
	CHECK_BYTES(m, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_get(dst, "sdm-meta-read", 1, k,
	    &got));
	CHECK_BYTES(key1, k, 16);

	/* Again: everything is there already. */
	CHECK_INT(NTAG424_OK, ntag424_ks_import(dst, bak, pass, &st));
	CHECK_INT(0, st.tags_added);
	CHECK_INT(0, st.keys_added);
	CHECK_INT(3, st.keys_same);
	ntag424_ks_free(&dst);
}

/*
 * A backup carries the read counters and revocations; an import raises a
 * counter, never lowers it, into a fresh keystore and into the same one.
 */
static void
export_import_counters(void)
{
	struct ntag424_ks_import_stats	 st;
	struct ntag424_ks_advance	 v;
	struct ntag424_ks_tag		 t;
	ntag424_ks_t			*ks, *dst;
	char				 bak[300], dstdb[300];
	uint32_t			 ctr = 0;

	path(bak, sizeof(bak), "counters.bin");
	path(dstdb, sizeof(dstdb), "counters/ks.db");
	fresh();
	ks = open_main();
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_a));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_set_status(ks, uid_a,
	    NTAG424_KS_PROVISIONED));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid_b));
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_revoke(ks, uid_b, "lost"));
	memset(&v, 0, sizeof(v));
	memcpy(v.uid, uid_a, 7);
	v.generation = 1;
	v.ctr = 5;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, &v, 1));
	CHECK_INT(NTAG424_KS_ADVANCED, v.outcome);
	CHECK_INT(NTAG424_OK, ntag424_ks_export(ks, bak, NULL, NULL));

	dst = open_with(dstdb, kek_file, 0, NULL);
	CHECK_INT(NTAG424_OK, ntag424_ks_import(dst, bak, NULL, &st));
	CHECK_INT(1, st.counters_raised);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(dst, uid_a, 1, &ctr));
	CHECK_INT(5, ctr);
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_get(dst, uid_b, &t));
	CHECK(t.revoked != 0 && strcmp(t.revoke_reason, "lost") == 0);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(dst, &v, 1));
	CHECK_INT(NTAG424_KS_REPLAY, v.outcome);
	v.ctr = 6;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(dst, &v, 1));
	CHECK_INT(NTAG424_KS_ADVANCED, v.outcome);
	/* The older backup again: 6 stays. */
	CHECK_INT(NTAG424_OK, ntag424_ks_import(dst, bak, NULL, &st));
	CHECK_INT(0, st.counters_raised);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(dst, uid_a, 1, &ctr));
	CHECK_INT(6, ctr);
	ntag424_ks_free(&dst);

	/* Over the keystore it came from, which went on to 7. */
	v.ctr = 7;
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_accept_batch(ks, &v, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_import(ks, bak, NULL, &st));
	CHECK_INT(0, st.counters_raised);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(ks, uid_a, 1, &ctr));
	CHECK_INT(7, ctr);
	ntag424_ks_free(&ks);
}

static void
import_refusals(void)
{
	struct ntag424_ks_import_stats	 st;
	ntag424_ks_t			*dst;
	char				 bak[300], pass[300];
	char				 dstdb[300], dstkek[300];
	uint8_t				 k[16], m[16], c;
	int				 fd;

	path(bak, sizeof(bak), "refused.bin");
	path(pass, sizeof(pass), "pass.txt");
	path(dstdb, sizeof(dstdb), "refuse/ks.db");
	path(dstkek, sizeof(dstkek), "refuse/kek");
	write_secret(pass, "correct horse battery staple\n");
	export_two_tags(bak, NULL, pass, m);
	dst = open_with(dstdb, dstkek, 0, NULL);

	/* A different key here: refused, nothing imported. */
	provision_key(dst, uid_a, 0, key2, 1);
	CHECK_INT(NTAG424_ERR_STATE, ntag424_ks_import(dst, bak, pass, &st));
	CHECK_MSG(dst, "the backup holds a different current key 0 for tag "
	    "04112233445566 than this keystore: nothing was imported");
	CHECK_INT(NTAG424_ERR_NOT_FOUND, ntag424_ks_key_get(dst, uid_a, 1,
	    NTAG424_KS_PENDING_SLOT, k, NULL));

	/* One flipped byte: the GCM tag catches it. */
	fd = open(bak, O_RDWR);
	CHECK_INT(1, pread(fd, &c, 1, 60));
	c ^= 0x20;
	CHECK_INT(1, pwrite(fd, &c, 1, 60));
	close(fd);
	CHECK_INT(NTAG424_ERR_KEK, ntag424_ks_import(dst, bak, pass, &st));
	CHECK_MSG(dst, "(or the file was altered): nothing was imported");
	write_secret(bak, "not a backup at all, but long enough to be looked at: "
	    "more than a header and a GCM tag together");
	CHECK_INT(NTAG424_ERR_MALFORMED, ntag424_ks_import(dst, bak, pass, &st));
	CHECK_MSG(dst, "is not a keystore backup (no PROVKSB1 header)");
	ntag424_ks_free(&dst);
}

static void
rotate_kek_reseals_everything(void)
{
	ntag424_ks_t	*ks;
	char		 newkek[300], kept[400];
	struct stat	 st;
	uint8_t		 k[16], m[16];
	uint32_t	 v = 0, got = 0;
	int		 r, created = 0;

	fresh();
	path(newkek, sizeof(newkek), "rotated.kek");
	unlink(newkek);
	ks = open_main();
	provision_key(ks, uid_a, 0, key1, 1);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid_a, 2, key2, 1));
	CHECK_INT(NTAG424_OK, ntag424_ks_master_latest(ks, m, &v, &created));
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_put(ks, "meta", key2, &v));
	CHECK_INT(NTAG424_ERR_ARG, ntag424_ks_rotate_kek(ks, kek_file));
	CHECK_MSG(ks, "the new KEK is the one in use");
	CHECK_INT(NTAG424_OK, ntag424_ks_rotate_kek(ks, newkek));
	CHECK(ntag424_ks_kek_created(ks) != NULL);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 0,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_BYTES(key1, k, 16);
	/* The file in use now holds the new KEK; the old one is kept. */
	CHECK(ntag424_ks_kek_kept(ks) != NULL);
	snprintf(kept, sizeof(kept), "%s", ntag424_ks_kek_kept(ks));
	CHECK(strncmp(kept, kek_file, strlen(kek_file)) == 0 &&
	    strncmp(kept + strlen(kek_file), ".old-", 5) == 0);
	CHECK_INT(0, stat(kept, &st));
	CHECK_INT(0600, st.st_mode & 07777);
	ntag424_ks_free(&ks);

	ks = open_with(db_uri, kept, 0, &r);
	CHECK_INT(NTAG424_ERR_KEK, r);
	CHECK_MSG(ks, "the key-encryption key does not open this keystore");
	ntag424_ks_free(&ks);
	ks = open_with(db_uri, kek_file, 0, NULL);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 2,
	    NTAG424_KS_PENDING_SLOT, k, NULL));
	CHECK_BYTES(key2, k, 16);
	ntag424_ks_free(&ks);
	ks = open_with(db_uri, newkek, 0, NULL);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 0,
	    NTAG424_KS_CURRENT, k, NULL));
	CHECK_BYTES(key1, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_key_get(ks, uid_a, 2,
	    NTAG424_KS_PENDING_SLOT, k, NULL));
	CHECK_BYTES(key2, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_master_get(ks, 1, k, &got));
	CHECK_BYTES(m, k, 16);
	CHECK_INT(NTAG424_OK, ntag424_ks_cohort_get(ks, "meta", 1, k, &got));
	CHECK_BYTES(key2, k, 16);
	ntag424_ks_free(&ks);
	CHECK_INT(0, rename(kept, kek_file));	/* the other cases use it */
	fresh();
}

/* SQLite only: the default location and the refusal to create. */
static void
default_path_and_no_create(void)
{
	char		 f[300], expect[300];
	struct stat	 st;
	ntag424_ks_t	*ks;
	int		 r;

	path(f, sizeof(f), "missing/ks.db");
	ks = open_with(f, kek_file, NTAG424_KS_NO_CREATE, &r);
	CHECK_INT(NTAG424_ERR_NOT_FOUND, r);
	CHECK_MSG(ks, "there is no keystore at");
	ntag424_ks_free(&ks);
	CHECK(access(f, F_OK) != 0);

	ks = open_with(NULL, kek_file, 0, NULL);
	path(expect, sizeof(expect), "data/provisio/keystore.db");
	CHECK(strcmp(ntag424_ks_where(ks), expect) == 0);
	ntag424_ks_free(&ks);
	CHECK_INT(0, stat(expect, &st));
	CHECK_INT(0600, st.st_mode & 07777);
	path(expect, sizeof(expect), "data/provisio");
	CHECK_INT(0, stat(expect, &st));
	CHECK_INT(0700, st.st_mode & 07777);
}

void
ks_run_file_cases(void)
{
	RUN(locked_database);
	RUN(no_plaintext_key_in_database);
	RUN(export_import_round_trip);
	RUN(export_import_counters);
	RUN(import_refusals);
	RUN(rotate_kek_reseals_everything);
	if (!is_pg) {
		RUN(corrupt_database_file);
		RUN(disk_full_loses_nothing);
		RUN(default_path_and_no_create);
	} else
		printf("skip corrupt_database_file, disk_full_loses_nothing, "
		    "default_path_and_no_create: SQLite only\n");
}
