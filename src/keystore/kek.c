/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key-encryption key: from --kek-file (mode 0600, created on first
 * use), PROVISIO_KEK (64 hex), or the default file; checked against the
 * keystore's check value; rotated by re-sealing everything.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/harden.h"
#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

#define KEK_ENV		"PROVISIO_KEK"
#define KEK_FILE_MAX	256

/* The plaintext of the check value: a constant, so only the KEK matters. */
static const uint8_t check_constant[16] = "provisio-kek-v1";

static const struct seal_aad check_aad = { SEAL_CHECK, NULL, 0, 1, NULL };

/*
 * A new KEK file appears whole or not at all: written and synced under a
 * temporary name, then linked to path, which fails with EEXIST when a
 * concurrent first use got there first. *made is then 0 and the caller
 * reads the other's file.
 */
static int
create_file(ntag424_ks_t *ks, const char *path, uint8_t kek[NTAG424_KS_KEK_LEN],
    int *made)
{
	struct atomic_file	f;
	char			text[2 * NTAG424_KS_KEK_LEN + 2];
	int			rc, r = NTAG424_ERR_IO;

	*made = 0;
	if (ks_make_parents(ks, path) != NTAG424_OK)
		return NTAG424_ERR_IO;
	if (random_bytes(kek, NTAG424_KS_KEK_LEN) != 0)
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "no random bytes for a "
		    "new key-encryption key");
	hex_encode(kek, NTAG424_KS_KEK_LEN, text);
	text[2 * NTAG424_KS_KEK_LEN] = '\n';
	if ((rc = atomic_open(&f, path)) != 0) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot create the KEK file "
		    "%s: %s", path, atomic_strerror(rc));
		goto done;
	}
	if (atomic_write(&f, text, sizeof(text) - 1) != 0 || fsync(f.fd) != 0) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot write the KEK file "
		    "%s: %s", path, strerror(errno));
		atomic_abort(&f);
		goto done;
	}
	if (link(f.tmp, path) == 0) {
		*made = 1;
		r = NTAG424_OK;
		(void)atomic_sync_dir(path);
	} else if (errno == EEXIST)
		r = NTAG424_OK;
	else
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot create the KEK file "
		    "%s: %s", path, strerror(errno));
	atomic_abort(&f);	/* the temporary name goes in every case */
done:
	wipe(text, sizeof(text));
	if (r != NTAG424_OK || !*made)
		wipe(kek, NTAG424_KS_KEK_LEN);
	return r;
}

static int
check_mode(ntag424_ks_t *ks, const char *what, const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return ks_fail(ks, NTAG424_ERR_IO, "cannot stat the %s %s: %s",
		    what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ks_fail(ks, NTAG424_ERR_KEK, "the %s %s is not a "
		    "regular file", what, path);
	if ((st.st_mode & 077) != 0)
		return ks_fail(ks, NTAG424_ERR_KEK, "the %s %s can be read by "
		    "group or others (mode %04o): refusing to use it; run "
		    "'chmod 600 %s' (and consider the secret exposed)", what,
		    path, (unsigned)(st.st_mode & 07777), path);
	if (st.st_uid != geteuid())
		return ks_fail(ks, NTAG424_ERR_KEK, "the %s %s belongs to "
		    "another user: refusing to use it", what, path);
	return NTAG424_OK;
}

int
ks_secret_file_read(ntag424_ks_t *ks, const char *what, const char *path,
    char *buf, size_t cap, size_t *len)
{
	ssize_t	got;
	int	fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return ks_fail(ks, errno == ENOENT ? NTAG424_ERR_NOT_FOUND :
		    NTAG424_ERR_IO, "cannot open the %s %s: %s", what, path,
		    strerror(errno));
	if ((r = check_mode(ks, what, path, fd)) != NTAG424_OK)
		goto done;
	if ((got = read(fd, buf, cap - 1)) < 0) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot read the %s %s: %s",
		    what, path, strerror(errno));
		goto done;
	}
	buf[got] = '\0';
	*len = (size_t)got;
	r = NTAG424_OK;
done:
	close(fd);
	return r;
}

static int
decode(const char *text, uint8_t kek[NTAG424_KS_KEK_LEN])
{
	char	buf[KEK_FILE_MAX];
	char	*s = buf, *end;
	int	r;

	if (ks_strcpy(buf, sizeof(buf), text) != 0)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	r = hex_decode_str(s, kek, NTAG424_KS_KEK_LEN);
	wipe(buf, sizeof(buf));
	return r;
}

int
ks_kek_file_load(ntag424_ks_t *ks, const char *path, int may_create,
    uint8_t kek[NTAG424_KS_KEK_LEN], int *created)
{
	char	text[KEK_FILE_MAX];
	size_t	len;
	int	r;

	*created = 0;
	if (may_create && access(path, F_OK) != 0 && errno == ENOENT) {
		if ((r = create_file(ks, path, kek, created)) != NTAG424_OK ||
		    *created)
			return r;
	}
	r = ks_secret_file_read(ks, "KEK file", path, text, sizeof(text), &len);
	if (r == NTAG424_ERR_NOT_FOUND)
		r = ks_fail(ks, NTAG424_ERR_KEK, "the KEK file %s does not "
		    "exist, and this keystore was sealed with a key-encryption "
		    "key: give the right --kek-file or PROVISIO_KEK", path);
	else if (r == NTAG424_OK && decode(text, kek) != 0)
		r = ks_fail(ks, NTAG424_ERR_KEK, "the KEK file %s does not hold "
		    "64 hex characters (32 bytes)", path);
	wipe(text, sizeof(text));
	if (r != NTAG424_OK)
		wipe(kek, NTAG424_KS_KEK_LEN);
	return r;
}

/* The KEK from the file, the environment, or the default file. */
static int
load(ntag424_ks_t *ks, const char *kek_file, int may_create,
    uint8_t kek[NTAG424_KS_KEK_LEN], int *created)
{
	char		 path[PATH_MAX];
	const char	*env = getenv(KEK_ENV);
	int		 r;

	if (env == NULL)
		env = harden_env_taken(KEK_ENV);

	*created = 0;
	ks->kek_env = 0;
	if (kek_file == NULL && env != NULL) {
		ks->kek_env = 1;
		ks_strcpy(ks->kek_from, sizeof(ks->kek_from), KEK_ENV);
		if (decode(env, kek) != 0)
			return ks_fail(ks, NTAG424_ERR_KEK, "%s must hold 64 hex "
			    "characters (32 bytes)", KEK_ENV);
		return NTAG424_OK;
	}
	if (kek_file == NULL) {
		if ((r = ks_default_path(ks, "XDG_CONFIG_HOME", ".config",
		    "kek", path, sizeof(path))) != NTAG424_OK)
			return r;
		kek_file = path;
	}
	if (ks_strcpy(ks->kek_from, sizeof(ks->kek_from), kek_file) != 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "KEK path too long");
	if ((r = ks_kek_file_load(ks, kek_file, may_create, kek,
	    created)) != NTAG424_OK)
		return r;
	if (*created)
		ks_strcpy(ks->kek_created, sizeof(ks->kek_created), kek_file);
	return NTAG424_OK;
}

static int
read_check(ntag424_ks_t *ks, char sealed[SEAL_HEX_MAX], int *found)
{
	db_res_t	*res = NULL;
	const char	*s;
	int		 r;

	*found = 0;
	if ((r = ks_query(ks, "reading the KEK check value",
	    "SELECT sealed FROM kek_check WHERE id = 1", NULL, 0,
	    &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading the KEK check value", res)) == 1) {
		s = ks->be->col_text(res, 0);
		r = s != NULL && ks_strcpy(sealed, SEAL_HEX_MAX, s) == 0 ?
		    NTAG424_OK : ks_fail(ks, NTAG424_ERR_STORE, "the KEK check "
		    "value in %s is damaged", ks->where);
		*found = 1;
	}
	ks->be->res_free(res);
	return r;
}

static int
verify_check(ntag424_ks_t *ks, const uint8_t kek[NTAG424_KS_KEK_LEN],
    const char *sealed)
{
	uint8_t	pt[sizeof(check_constant)];
	int	ok;

	ok = unseal_hex(kek, &check_aad, sealed, pt, sizeof(pt)) == NTAG424_OK &&
	    ct_equal(pt, check_constant, sizeof(pt));
	wipe(pt, sizeof(pt));
	if (ok)
		return NTAG424_OK;
	return ks_fail(ks, NTAG424_ERR_KEK, "the key-encryption key does not "
	    "open this keystore (KEK from %s, keystore %s): give the KEK it "
	    "was created with (--kek-file or PROVISIO_KEK); nothing was read",
	    ks->kek_from, ks->where);
}

int
ks_kek_check_seal(const uint8_t kek[NTAG424_KS_KEK_LEN],
    char hex[SEAL_HEX_MAX])
{
	return seal_hex(kek, &check_aad, check_constant, sizeof(check_constant),
	    hex);
}

static int
store_check(ntag424_ks_t *ks, const uint8_t kek[NTAG424_KS_KEK_LEN])
{
	char		 sealed[SEAL_HEX_MAX];
	struct db_param	 p[] = { P_TEXT(sealed), P_INT(time(NULL)) };
	int64_t		 changes = 0;
	int		 found, r;

	if ((r = ks_kek_check_seal(kek, sealed)) != NTAG424_OK)
		return ks_fail(ks, r, "cannot seal the KEK check value");
	if ((r = ks_exec(ks, "storing the KEK check value",
	    "INSERT INTO kek_check (id, sealed, created) VALUES (1, $1, $2) "
	    "ON CONFLICT (id) DO NOTHING", p, 2, &changes)) != NTAG424_OK)
		return r;
	if (changes == 1)
		return NTAG424_OK;
	/* Another process stored one first: ours must open it too. */
	if ((r = read_check(ks, sealed, &found)) != NTAG424_OK)
		return r;
	return verify_check(ks, kek, sealed);
}

int
ks_kek_setup(ntag424_ks_t *ks, const char *kek_file, int may_create)
{
	char	sealed[SEAL_HEX_MAX];
	uint8_t	kek[NTAG424_KS_KEK_LEN];
	int	found, created, r;

	if ((r = read_check(ks, sealed, &found)) != NTAG424_OK)
		return r;
	if ((r = load(ks, kek_file, may_create && !found, kek,
	    &created)) != NTAG424_OK)
		goto done;
	r = found ? verify_check(ks, kek, sealed) : store_check(ks, kek);
	if (r != NTAG424_OK)
		goto done;
	memcpy(ks->kek, kek, sizeof(kek));
	ks->has_kek = 1;
done:
	wipe(kek, sizeof(kek));
	return r;
}
