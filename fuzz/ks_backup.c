/*
 * libFuzzer harness on the keystore backup import (backup.c). The first
 * byte picks the mode: raw (the rest is the whole backup file: header,
 * iteration count, GCM) or sealed (the rest is the decrypted record
 * stream, which the harness seals as ntag424_ks_export would, with the
 * fixed passphrase file and one PBKDF2 iteration, so that every input
 * reaches the record parser). A raw file's PBKDF2 iteration count is cut
 * to at most 1000 (the parser accepts up to ten million: seconds each).
 *
 * Invariants, beyond not crashing: a sealed file always opens (never a
 * wrong-key error); a failed import changes nothing (the tag count).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ntag424/keystore.h"
#include "ntag424/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* backup.c's layout: "PROVKSB1" | kind | iterations | salt | nonce. */
#define MAGIC_LEN	8
#define SALT_LEN	16
#define NONCE_LEN	12
#define TAG_LEN		16
#define HDR_LEN		(MAGIC_LEN + 1 + 4 + SALT_LEN + NONCE_LEN)
#define PASSPHRASE	"fuzz passphrase"

static char		 dir[] = "/tmp/fuzz-backup.XXXXXX";
static char		 db[64], kek[64], pass[64], file[64];
static ntag424_ks_t	*ks;

static void
teardown(void)
{
	static const char *const files[] = { "ks.db", "ks.db-wal", "ks.db-shm",
	    "kek", "pass", "backup" };
	char path[96];

	ntag424_ks_free(&ks);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL ||
	    (n > 0 && fwrite(p, n, 1, f) != 1) || fclose(f) != 0)
		abort();
}

static void
setup(void)
{
	struct ntag424_ks_opts o = { db, kek, 0, 0 };

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(teardown);
	snprintf(db, sizeof(db), "%s/ks.db", dir);
	snprintf(kek, sizeof(kek), "%s/kek", dir);
	snprintf(pass, sizeof(pass), "%s/pass", dir);
	snprintf(file, sizeof(file), "%s/backup", dir);
	write_file(pass, (const uint8_t *)PASSPHRASE "\n",
	    sizeof(PASSPHRASE));
	if (chmod(pass, 0600) != 0 ||
	    (ks = ntag424_ks_new()) == NULL || ntag424_ks_open(ks, &o) != 0)
		abort();
}

/* records sealed under the passphrase into a whole backup file. */
static void
seal(const uint8_t *records, size_t n)
{
	static const uint8_t	 hdr[HDR_LEN] = { 'P', 'R', 'O', 'V', 'K', 'S',
	    'B', '1', 1, 0, 0, 0, 1, 0x5a };	/* kind 1, 1 iteration */
	uint8_t			 key[32];
	uint8_t			*out;
	EVP_CIPHER_CTX		*ctx;
	int			 l;

	if ((out = malloc(HDR_LEN + n + TAG_LEN)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		abort();
	memcpy(out, hdr, HDR_LEN);
	if (PKCS5_PBKDF2_HMAC(PASSPHRASE, sizeof(PASSPHRASE) - 1,
	    hdr + MAGIC_LEN + 5, SALT_LEN, 1, EVP_sha256(), sizeof(key),
	    key) != 1 ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    hdr + MAGIC_LEN + 5 + SALT_LEN) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &l, hdr, HDR_LEN) != 1 ||
	    EVP_EncryptUpdate(ctx, out + HDR_LEN, &l, records, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + HDR_LEN + n, &l) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    out + HDR_LEN + n) != 1)
		abort();
	EVP_CIPHER_CTX_free(ctx);
	write_file(file, out, HDR_LEN + n + TAG_LEN);
	free(out);
}

/*
 * A whole file as it is, but for an iteration count the parser accepts
 * yet would spend seconds on (up to ten million): cut to at most 1000.
 */
static void
write_raw(const uint8_t *p, size_t n)
{
	uint8_t		*c;
	uint32_t	 iter;

	if (n < HDR_LEN) {
		write_file(file, p, n);
		return;
	}
	if ((c = malloc(n)) == NULL)
		abort();
	memcpy(c, p, n);
	iter = (uint32_t)c[9] << 24 | (uint32_t)c[10] << 16 |
	    (uint32_t)c[11] << 8 | c[12];
	if (iter > 1000 && iter <= 10000000) {
		iter %= 1000;
		c[9] = c[10] = 0;
		c[11] = (uint8_t)(iter >> 8);
		c[12] = (uint8_t)iter;
	}
	write_file(file, c, n);
	free(c);
}

static int
count_tag(const struct ntag424_ks_tag *t, void *arg)
{
	(void)t;
	(*(size_t *)arg)++;
	return 0;
}

static size_t
tags(void)
{
	size_t n = 0;

	if (ntag424_ks_tag_foreach(ks, count_tag, &n) != 0)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntag424_ks_import_stats	st;
	size_t				before;
	int				sealed, r;

	if (ks == NULL)
		setup();
	if (size == 0)
		return 0;
	sealed = (data[0] & 1) == 0;
	if (sealed)
		seal(data + 1, size - 1);
	else
		write_raw(data + 1, size - 1);
	before = tags();
	r = ntag424_ks_import(ks, file, pass, &st);
	if (getenv("FUZZ_BACKUP_DEBUG") != NULL)
		fprintf(stderr, "import: %d %s\n", r, ntag424_ks_errmsg(ks));
	if (sealed && r == NTAG424_ERR_KEK) {
		fprintf(stderr, "a sealed backup did not open: %s\n",
		    ntag424_ks_errmsg(ks));
		abort();
	}
	if (r != NTAG424_OK && tags() != before) {
		fprintf(stderr, "a failed import changed the keystore\n");
		abort();
	}
	return 0;
}
