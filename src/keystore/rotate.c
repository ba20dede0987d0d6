/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KEK rotation: every sealed value is opened with the old KEK and sealed
 * with the new one, and the check value replaced, in one transaction that
 * keeps other writers out. A value that does not open stops the rotation
 * and nothing changes. The KEK file is replaced around that transaction so
 * that the keystore and the file agree for every later command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

enum kind { K_TAG, K_MASTER, K_COHORT };

struct rrow {
	enum kind	kind;
	char		uid[UID_HEX_LEN + 1];
	int		keyno;
	char		slot[8];
	uint32_t	version;
	char		name[NTAG424_KS_NAME_MAX + 1];
	char		sealed[SEAL_HEX_MAX];
};

struct rows {
	struct rrow	*v;
	size_t		 n, cap;
};

static const struct {
	enum kind	 kind;
	const char	*sql;
} selects[] = {
	{ K_TAG, "SELECT uid, keyno, slot, sealed FROM tag_keys" },
	{ K_MASTER, "SELECT version, sealed FROM master_keys" },
	{ K_COHORT, "SELECT name, version, sealed FROM cohort_keys" },
};

static void
text(char *dst, size_t cap, const char *src)
{
	if (src == NULL || ks_strcpy(dst, cap, src) != 0)
		dst[0] = '\0';
}

static int
push(struct rows *rs, enum kind kind, const struct db_backend *be,
    db_res_t *res)
{
	struct rrow	*r, *v;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		if ((v = realloc(rs->v, rs->cap * sizeof(*v))) == NULL)
			return NTAG424_ERR_NOMEM;
		rs->v = v;
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == K_TAG) {
		text(r->uid, sizeof(r->uid), be->col_text(res, 0));
		r->keyno = (int)be->col_int(res, 1);
		text(r->slot, sizeof(r->slot), be->col_text(res, 2));
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 3));
	} else if (kind == K_MASTER) {
		r->version = (uint32_t)be->col_int(res, 0);
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 1));
	} else {
		text(r->name, sizeof(r->name), be->col_text(res, 0));
		r->version = (uint32_t)be->col_int(res, 1);
		text(r->sealed, sizeof(r->sealed), be->col_text(res, 2));
	}
	return NTAG424_OK;
}

static int
collect(ntag424_ks_t *ks, struct rows *rs)
{
	db_res_t	*res = NULL;
	int		 r = NTAG424_OK;

	for (size_t i = 0; i < sizeof(selects) / sizeof(selects[0]); i++) {
		if ((r = ks_query(ks, "reading sealed values", selects[i].sql,
		    NULL, 0, &res)) != NTAG424_OK)
			return r;
		while ((r = ks_next(ks, "reading sealed values", res)) == 1)
			if ((r = push(rs, selects[i].kind, ks->be, res)) !=
			    NTAG424_OK)
				break;
		ks->be->res_free(res);
		if (r != NTAG424_OK)
			return r == NTAG424_ERR_NOMEM ? ks_fail(ks, r, "out of "
			    "memory") : r;
	}
	return NTAG424_OK;
}

static int
aad_for(const struct rrow *row, uint8_t uid[NTAG424_KS_UID_LEN],
    struct seal_aad *a)
{
	memset(a, 0, sizeof(*a));
	a->version = row->version;
	a->keyno = row->keyno;
	switch (row->kind) {
	case K_TAG:
		if (ks_uid_parse(row->uid, uid) != 0)
			return -1;
		a->uid = uid;
		a->purpose = strcmp(row->slot, "current") == 0 ? SEAL_CURRENT :
		    SEAL_PENDING;
		return 0;
	case K_MASTER:
		a->purpose = SEAL_MASTER;
		return 0;
	default:
		a->purpose = SEAL_COHORT;
		a->name = row->name;
		return 0;
	}
}

static int
update(ntag424_ks_t *ks, const struct rrow *row, const char *sealed)
{
	struct db_param	p[] = { P_TEXT(sealed), P_TEXT(row->uid),
	    P_INT(row->keyno), P_TEXT(row->slot) };

	switch (row->kind) {
	case K_TAG:
		return ks_exec(ks, "re-sealing a key", "UPDATE tag_keys SET "
		    "sealed = $1 WHERE uid = $2 AND keyno = $3 AND slot = $4",
		    p, 4, NULL);
	case K_MASTER:
		p[1] = (struct db_param)P_INT(row->version);
		return ks_exec(ks, "re-sealing a master key", "UPDATE "
		    "master_keys SET sealed = $1 WHERE version = $2", p, 2,
		    NULL);
	default:
		p[1] = (struct db_param)P_TEXT(row->name);
		p[2] = (struct db_param)P_INT(row->version);
		return ks_exec(ks, "re-sealing a cohort key", "UPDATE "
		    "cohort_keys SET sealed = $1 WHERE name = $2 AND "
		    "version = $3", p, 3, NULL);
	}
}

static int
reseal(ntag424_ks_t *ks, const struct rrow *row,
    const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	uint8_t		uid[NTAG424_KS_UID_LEN], key[NTAG424_KS_KEY_LEN];
	char		sealed[SEAL_HEX_MAX];
	struct seal_aad	a;
	int		r;

	if (aad_for(row, uid, &a) != 0)
		return ks_fail(ks, NTAG424_ERR_STORE, "a key row in %s has a "
		    "damaged UID: nothing was re-sealed", ks->where);
	if ((r = ks_unseal(ks, &a, row->sealed, key, sizeof(key))) !=
	    NTAG424_OK)
		return r;
	if ((r = seal_hex(newkek, &a, key, sizeof(key), sealed)) != NTAG424_OK)
		r = ks_fail(ks, r, "cannot seal under the new KEK");
	else
		r = update(ks, row, sealed);
	wipe(key, sizeof(key));
	return r;
}

static int
rotate_locked(ntag424_ks_t *ks, const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	struct rows	rs = { NULL, 0, 0 };
	char		check[SEAL_HEX_MAX];
	struct db_param	p[] = { P_TEXT(check) };
	int		r;

	if ((r = collect(ks, &rs)) != NTAG424_OK)
		goto done;
	for (size_t i = 0; i < rs.n; i++)
		if ((r = reseal(ks, &rs.v[i], newkek)) != NTAG424_OK)
			goto done;
	/* Row MACs: checked under the old KEK, made again under the new. */
	if ((r = ks_rows_rekey(ks, newkek)) != NTAG424_OK)
		goto done;
	if ((r = ks_kek_check_seal(newkek, check)) != NTAG424_OK) {
		r = ks_fail(ks, r, "cannot seal the new KEK check value");
		goto done;
	}
	r = ks_exec(ks, "replacing the KEK check value", "UPDATE kek_check "
	    "SET sealed = $1 WHERE id = 1", p, 1, NULL);
done:
	free(rs.v);
	return r;
}

/* "PATH.WHAT-20261202T035959Z", with "-N" after it when taken. */
static int
stamped(char *out, size_t cap, const char *path, const char *what,
    const char *stamp, int n)
{
	int len = n == 0 ? snprintf(out, cap, "%s.%s-%s", path, what, stamp) :
	    snprintf(out, cap, "%s.%s-%s-%d", path, what, stamp, n);

	return len < 0 || (size_t)len >= cap ? -1 : 0;
}

/* The new KEK, synced beside the file before the commit needs it. */
static int
write_new(ntag424_ks_t *ks, const char *path, const char *stamp,
    const uint8_t kek[NTAG424_KS_KEK_LEN], char *out, size_t cap)
{
	char	text[2 * NTAG424_KS_KEK_LEN + 2];
	int	fd = -1, r = NTAG424_ERR_IO;

	hex_encode(kek, NTAG424_KS_KEK_LEN, text);
	text[2 * NTAG424_KS_KEK_LEN] = '\n';
	for (int n = 0; n < 10 && fd < 0; n++) {
		if (stamped(out, cap, path, "new", stamp, n) != 0) {
			r = ks_fail(ks, NTAG424_ERR_ARG, "KEK path too long");
			goto done;
		}
		fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot create %s for the new "
		    "KEK: %s; nothing was changed", out, strerror(errno));
		goto done;
	}
	if (write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1) ||
	    fsync(fd) != 0) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot write %s: %s; nothing "
		    "was changed", out, strerror(errno));
		unlink(out);
	} else
		r = NTAG424_OK;
	close(fd);
done:
	wipe(text, sizeof(text));
	return r;
}

/* The old KEK stays beside the file: a hard link keeps mode and owner. */
static int
keep_old(ntag424_ks_t *ks, const char *path, const char *stamp)
{
	for (int n = 0; n < 10; n++) {
		if (stamped(ks->kek_kept, sizeof(ks->kek_kept), path, "old",
		    stamp, n) != 0)
			break;
		if (link(path, ks->kek_kept) == 0)
			return NTAG424_OK;
		if (errno != EEXIST) {
			ks_fail(ks, NTAG424_ERR_IO, "cannot keep the old KEK as "
			    "%s: %s; nothing was changed", ks->kek_kept,
			    strerror(errno));
			ks->kek_kept[0] = '\0';
			return NTAG424_ERR_IO;
		}
	}
	ks->kek_kept[0] = '\0';
	return ks_fail(ks, NTAG424_ERR_IO, "cannot name a copy of the old KEK "
	    "beside %s: nothing was changed", path);
}

static int
new_kek(ntag424_ks_t *ks, const char *new_kek_file,
    uint8_t kek[NTAG424_KS_KEK_LEN])
{
	int created = 0, r;

	if (new_kek_file == NULL)
		return random_bytes(kek, NTAG424_KS_KEK_LEN) == 0 ? NTAG424_OK :
		    ks_fail(ks, NTAG424_ERR_CRYPTO, "no random bytes for a new "
		    "key-encryption key");
	if ((r = ks_kek_file_load(ks, new_kek_file, 1, kek, &created)) !=
	    NTAG424_OK)
		return r;
	if (created)
		ks_strcpy(ks->kek_created, sizeof(ks->kek_created),
		    new_kek_file);
	return NTAG424_OK;
}

static int
reseal_all(ntag424_ks_t *ks, const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	int r;

	if ((r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		return r;
	if ((r = rotate_locked(ks, newkek)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

/* After the commit: the keystore opens only with the KEK in newf now. */
static int
install(ntag424_ks_t *ks, const char *path, const char *newf)
{
	if (rename(newf, path) != 0)
		return ks_fail(ks, NTAG424_ERR_IO, "the keystore is now sealed "
		    "under the new KEK, but %s could not be replaced (%s): the "
		    "new KEK is in %s; move it to %s before the next command",
		    path, strerror(errno), newf, path);
	if (atomic_sync_dir(path) != 0)
		return ks_fail(ks, NTAG424_ERR_IO, "the KEK file %s was "
		    "replaced but its directory could not be synced (%s): run "
		    "'sync' before a power cut", path, strerror(errno));
	return NTAG424_OK;
}

static void
utc_stamp(char out[32])
{
	time_t		now = time(NULL);
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 32, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)now);
}

int
ntag424_ks_rotate_kek(ntag424_ks_t *ks, const char *new_kek_file)
{
	uint8_t		 newkek[NTAG424_KS_KEK_LEN];
	char		 path[PATH_MAX], newf[PATH_MAX], stamp[32];
	const char	*file = ntag424_ks_kek_file(ks);
	int		 r;

	ks->kek_kept[0] = '\0';
	newf[0] = '\0';
	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	if (file == NULL && new_kek_file == NULL)
		return ks_fail(ks, NTAG424_ERR_ARG, "the KEK comes from "
		    "PROVISIO_KEK, which this command cannot change: give "
		    "--new-kek-file FILE to receive the new KEK; nothing was "
		    "changed");
	if (file != NULL && ks_strcpy(path, sizeof(path), file) != 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "KEK path too long");
	if ((r = new_kek(ks, new_kek_file, newkek)) != NTAG424_OK)
		goto done;
	if (ct_equal(newkek, ks->kek, sizeof(newkek))) {
		r = ks_fail(ks, NTAG424_ERR_ARG, "the new KEK is the one in "
		    "use: nothing to rotate");
		goto done;
	}
	utc_stamp(stamp);
	if (file != NULL && ((r = write_new(ks, path, stamp, newkek, newf,
	    sizeof(newf))) != NTAG424_OK || (r = keep_old(ks, path, stamp)) !=
	    NTAG424_OK))
		goto done;
	if ((r = reseal_all(ks, newkek)) != NTAG424_OK) {
		if (newf[0] != '\0')
			unlink(newf);
		if (ks->kek_kept[0] != '\0')
			unlink(ks->kek_kept);
		ks->kek_kept[0] = '\0';
		goto done;
	}
	memcpy(ks->kek, newkek, sizeof(newkek));
	if (file == NULL) {
		ks->kek_env = 0;
		ks_strcpy(ks->kek_from, sizeof(ks->kek_from), new_kek_file);
	} else
		r = install(ks, path, newf);
done:
	wipe(newkek, sizeof(newkek));
	return r;
}
