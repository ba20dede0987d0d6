/* SPDX-License-Identifier: BSD-2-Clause */
/* The software token's "ATECC608A": slot 0 and slot 8 in a directory. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
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

static int
nonzero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc != 0;
}

static int refuse(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return MASTR_ERR_STORE;
}

/*
 * Anyone who can write the directory can swap slot 8 (the host key and the
 * golden hash the token trusts) or the key; anyone who can read slot0.pem
 * can be the token. The same rules as the keystore's KEK file.
 */
static int
check_dir(const char *dir, char *why, size_t cap)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return errno == ENOENT ? MASTR_OK : refuse(why, cap, "cannot "
		    "stat the state directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		return refuse(why, cap, "the state %s is not a directory",
		    dir);
	if (st.st_uid != geteuid())
		return refuse(why, cap, "the state directory %s belongs to "
		    "another user: refusing to use it", dir);
	if ((st.st_mode & 022) != 0)
		return refuse(why, cap, "the state directory %s can be written "
		    "by group or others (mode %04o): refusing to use it; run "
		    "'chmod 700 %s'", dir, (unsigned)(st.st_mode & 07777), dir);
	return MASTR_OK;
}

static int
check_file(const char *dir, const char *name, mode_t forbidden, char *why,
    size_t cap)
{
	char		path[4096];
	struct stat	st;

	if (path_in(dir, name, path, sizeof(path)) != MASTR_OK)
		return refuse(why, cap, "state path too long: %s", dir);
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? MASTR_OK : refuse(why, cap, "cannot "
		    "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return refuse(why, cap, "%s is not a regular file",
		    path);
	if (st.st_uid != geteuid())
		return refuse(why, cap, "%s belongs to another user: "
		    "refusing to use it", path);
	if ((st.st_mode & forbidden) != 0)
		return refuse(why, cap, "%s can be %s by group or others (mode "
		    "%04o): refusing to use it; run 'chmod 600 %s'%s", path,
		    forbidden == 077 ? "read" : "written",
		    (unsigned)(st.st_mode & 07777), path, forbidden == 077 ?
		    " (and consider the key exposed)" : "");
	return MASTR_OK;
}

int
mastr_token_store_check(const char *dir, char *why, size_t cap)
{
	int r;

	why[0] = '\0';
	if ((r = check_dir(dir, why, cap)) != MASTR_OK ||
	    (r = check_file(dir, "slot0.pem", 077, why, cap)) != MASTR_OK)
		return r;
	return check_file(dir, "slot8.bin", 022, why, cap);
}

/* A host key with no golden hash could never reach BOOT_OK. */
int
mastr_token_slots_check(const mastr_token_slots_t *s, char *why, size_t cap)
{
	why[0] = '\0';
	if (nonzero(s->host_pub, sizeof(s->host_pub)) &&
	    !nonzero(s->golden, sizeof(s->golden)))
		return refuse(why, cap, "slot 8 has a host key but an all-zero "
		    "golden hash, which no boot can match: set the golden hash "
		    "(--set-golden-hash HEX, not zero)");
	return MASTR_OK;
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
	struct atomic_file	f;
	uint8_t			raw[SLOT8_LEN];
	char			path[4096];
	int			rc;

	if (path_in(dir, "slot8.bin", path, sizeof(path)) != MASTR_OK)
		return MASTR_ERR_STORE;
	memcpy(raw, s->host_pub, MASTR_PUB_LEN);
	memcpy(raw + MASTR_PUB_LEN, s->golden, MASTR_HASH_LEN);
	memcpy(raw + MASTR_PUB_LEN + MASTR_HASH_LEN, s->wifi, MASTR_WIFI_LEN);
	if ((rc = atomic_open(&f, path)) == 0) {
		if (atomic_write(&f, raw, sizeof(raw)) != 0) {
			atomic_abort(&f);
			rc = -1;
		} else
			rc = atomic_commit(&f);
	}
	wipe(raw, sizeof(raw));
	return rc == 0 ? MASTR_OK : MASTR_ERR_STORE;
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
