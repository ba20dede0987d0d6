/* SPDX-License-Identifier: BSD-2-Clause */
/* The database under test and the helpers every keystore test file uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ks_fixture.h"
#include "ntag424/err.h"
#include "test.h"

char	 tmp[256];
char	 db_uri[1024];
char	 kek_file[300];
int	 is_pg;

const uint8_t uid_a[7] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
const uint8_t uid_b[7] = { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6 };
const uint8_t key1[16] = { 0x5A, 0x17, 0xC3, 0x99, 0x01, 0xEE, 0x42,
    0x7D, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80 };
const uint8_t key2[16] = { 0xA5, 0xE8, 0x3C, 0x66, 0xFE, 0x11, 0xBD,
    0x82, 0xEF, 0xDF, 0xCF, 0xBF, 0xAF, 0x9F, 0x8F, 0x7F };

void
check_msg(const char *file, int line, const ntag424_ks_t *ks,
    const char *needle)
{
	if (strstr(ntag424_ks_errmsg(ks), needle) == NULL) {
		test_fail(file, line, needle);
		fprintf(stderr, "  message: %s\n", ntag424_ks_errmsg(ks));
	}
}

void
path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tmp, name);
}

ntag424_ks_t *
open_waiting(const char *db, const char *kek, unsigned flags, int wait_ms,
    int *rp)
{
	struct ntag424_ks_opts	 o = { db, kek, flags, wait_ms };
	ntag424_ks_t		*ks = ntag424_ks_new();
	int			 r;

	if (ks == NULL)
		abort();
	r = ntag424_ks_open(ks, &o);
	if (rp != NULL)
		*rp = r;
	else if (!CHECK_INT(NTAG424_OK, r))
		fprintf(stderr, "  open: %s\n", ntag424_ks_errmsg(ks));
	return ks;
}

ntag424_ks_t *
open_with(const char *db, const char *kek, unsigned flags, int *rp)
{
	return open_waiting(db, kek, flags, TEST_WAIT_MS, rp);
}

ntag424_ks_t *
open_main(void)
{
	return open_with(db_uri, kek_file, 0, NULL);
}

void
fresh(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	PGconn		*c;
	PGresult	*res;
	char		 f[1100];

	if (!is_pg) {
		for (size_t i = 0; i < 3; i++) {
			snprintf(f, sizeof(f), "%s%s", db_uri, sfx[i]);
			unlink(f);
		}
		return;
	}
	c = PQconnectdb(db_uri);
	CHECK(PQstatus(c) == CONNECTION_OK);
	res = PQexec(c, "SET client_min_messages = warning; "
	    "DROP TABLE IF EXISTS journal, tag_keys, tags, master_keys, "
	    "cohort_keys, counters, kek_check, schema_version, row_auth");
	CHECK(PQresultStatus(res) == PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
}

void
provision_key(ntag424_ks_t *ks, const uint8_t uid[7], int keyno,
    const uint8_t key[16], uint8_t version)
{
	CHECK_INT(NTAG424_OK, ntag424_ks_tag_create(ks, uid));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_intend(ks, uid, keyno, key,
	    version));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_mark_sent(ks, uid, keyno));
	CHECK_INT(NTAG424_OK, ntag424_ks_key_applied(ks, uid, keyno));
}


void
ks_setup(int argc, char **argv)
{
	char d[300];

	snprintf(tmp, sizeof(tmp), "/tmp/test_keystore.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		abort();
	is_pg = argc > 1;
	if (is_pg)
		snprintf(db_uri, sizeof(db_uri), "%s", argv[1]);
	else {
		path(d, sizeof(d), "db");
		mkdir(d, 0700);
		path(db_uri, sizeof(db_uri), "db/ks.db");
	}
	path(kek_file, sizeof(kek_file), "main.kek");
	path(d, sizeof(d), "data");
	setenv("XDG_DATA_HOME", d, 1);
	path(d, sizeof(d), "config");
	setenv("XDG_CONFIG_HOME", d, 1);
	setenv("HOME", tmp, 1);
	unsetenv("PROVISIO_KEK");
	printf("keystore under test: %s\n", is_pg ? "PostgreSQL" : db_uri);
}

