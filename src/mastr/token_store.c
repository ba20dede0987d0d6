/* The software token's "ATECC608A": slot 0 and slot 8 in a directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/token.h"

#define SLOT8_LEN (MASTR_PUB_LEN + MASTR_HASH_LEN + MASTR_WIFI_LEN)

static int
path_in(const char *dir, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? MASTR_ERR_ARG : MASTR_OK;
}

int
mastr_token_store_key(const char *dir, mastr_eckey_t **key)
{
	char		 path[4096];
	mastr_eckey_t	*k = NULL;
	int		 r;

	if ((r = path_in(dir, "slot0.pem", path, sizeof(path))) != MASTR_OK)
		return r;
	if (access(path, F_OK) == 0)
		return mastr_eckey_load(path, key) == MASTR_OK ? MASTR_OK :
		    MASTR_ERR_STORE;
	if ((k = mastr_eckey_generate()) == NULL)
		return MASTR_ERR_CRYPTO;
	if (mastr_eckey_save(k, path) != MASTR_OK) {
		mastr_eckey_free(&k);
		return MASTR_ERR_STORE;
	}
	*key = k;
	return MASTR_OK;
}

int
mastr_token_store_read(const char *dir, mastr_token_slots_t *s)
{
	uint8_t	raw[SLOT8_LEN];
	char	path[4096];
	FILE	*f;
	int	r = MASTR_ERR_STORE;

	memset(s, 0, sizeof(*s));
	if (path_in(dir, "slot8.bin", path, sizeof(path)) != MASTR_OK)
		return MASTR_ERR_STORE;
	if ((f = fopen(path, "rbe")) == NULL)
		return errno == ENOENT ? MASTR_OK : MASTR_ERR_STORE;
	if (fread(raw, 1, sizeof(raw), f) == sizeof(raw) && fgetc(f) == EOF) {
		memcpy(s->host_pub, raw, MASTR_PUB_LEN);
		memcpy(s->golden, raw + MASTR_PUB_LEN, MASTR_HASH_LEN);
		memcpy(s->wifi, raw + MASTR_PUB_LEN + MASTR_HASH_LEN,
		    MASTR_WIFI_LEN);
		r = MASTR_OK;
	}
	fclose(f);
	wipe(raw, sizeof(raw));
	return r;
}

int
mastr_token_store_write(const char *dir, const mastr_token_slots_t *s)
{
	uint8_t	raw[SLOT8_LEN];
	char	path[4096], tmp[4096];
	int	fd, ok;

	if (path_in(dir, "slot8.bin", path, sizeof(path)) != MASTR_OK ||
	    path_in(dir, "slot8.tmp", tmp, sizeof(tmp)) != MASTR_OK)
		return MASTR_ERR_STORE;
	memcpy(raw, s->host_pub, MASTR_PUB_LEN);
	memcpy(raw + MASTR_PUB_LEN, s->golden, MASTR_HASH_LEN);
	memcpy(raw + MASTR_PUB_LEN + MASTR_HASH_LEN, s->wifi, MASTR_WIFI_LEN);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		wipe(raw, sizeof(raw));
		return MASTR_ERR_STORE;
	}
	ok = write(fd, raw, sizeof(raw)) == (ssize_t)sizeof(raw) &&
	    fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	wipe(raw, sizeof(raw));
	if (!ok || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return MASTR_ERR_STORE;
	}
	return MASTR_OK;
}

static int
nonzero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc != 0;
}

int
mastr_token_slots_provisioned(const mastr_token_slots_t *s)
{
	return nonzero(s->host_pub, sizeof(s->host_pub)) &&
	    nonzero(s->golden, sizeof(s->golden));
}

int
mastr_token_slots_claimed(const mastr_token_slots_t *s)
{
	return s->wifi[0] != 0;
}
