/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Encrypted backups. File layout (all integers big-endian):
 *   header  "PROVKSB1" | kind(1) | iterations(4) | salt(16) | nonce(12)
 *   body    AES-256-GCM(key, nonce, aad = header)(records) | tag(16)
 *   key     PBKDF2-HMAC-SHA256(secret, salt, iterations, 32)
 * kind 1: secret = a passphrase file's content (trailing newlines cut);
 * kind 2: secret = the keystore's 32-byte KEK.
 * Records: 'T' tag, 'R' its revocation (after its 'T'), 'K' tag key,
 * 'M' master key, 'C' cohort key, 'N' read counter, 'E' end. Tags come
 * first so that their keys can refer to them on import. Read counters are
 * in the backup so that a restore does not bring used URLs back; an
 * import raises a counter, never lowers it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/atomic.h"
#include "common/buf.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

#define MAGIC		"PROVKSB1"
#define MAGIC_LEN	8
#define KIND_PASS	1
#define KIND_KEK	2
#define ITERATIONS	600000	/* OWASP 2023 for PBKDF2-HMAC-SHA256 */
#define ITER_MAX	10000000
#define SALT_LEN	16
#define HDR_LEN		(MAGIC_LEN + 1 + 4 + SALT_LEN + SEAL_NONCE)
#define PASS_MAX	4096
#define BACKUP_MAX	(64u << 20)

/* A growing buffer for plaintext: old copies are wiped, never leaked. */
struct sbuf {
	uint8_t	*p;
	size_t	 len, cap;
	int	 err;
};

static void
sb_put(struct sbuf *b, const void *d, size_t n)
{
	uint8_t	*q;
	size_t	 cap;

	if (b->err)
		return;
	if (n > b->cap - b->len) {
		cap = b->cap ? b->cap : 4096;
		while (cap - b->len < n)
			cap *= 2;
		if (cap > BACKUP_MAX || (q = malloc(cap)) == NULL) {
			b->err = 1;
			return;
		}
		if (b->len > 0)
			memcpy(q, b->p, b->len);
		if (b->p != NULL)
			wipe(b->p, b->cap);
		free(b->p);
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void
sb_u8(struct sbuf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	sb_put(b, &c, 1);
}

static void
sb_u32(struct sbuf *b, uint64_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	sb_put(b, p, sizeof(p));
}

static void
sb_u64(struct sbuf *b, int64_t s)
{
	uint64_t v = (uint64_t)s;

	sb_u32(b, v >> 32);
	sb_u32(b, v & 0xffffffffu);
}

static void
sb_str(struct sbuf *b, const char *s, size_t lenbytes)
{
	size_t n = strlen(s);

	if (lenbytes == 1)
		sb_u8(b, (unsigned)n);
	else {
		sb_u8(b, (unsigned)(n >> 8));
		sb_u8(b, (unsigned)n);
	}
	sb_put(b, s, n);
}

static void
sb_free(struct sbuf *b)
{
	if (b->p != NULL)
		wipe(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

struct export_ctx {
	ntag424_ks_t	*ks;
	struct sbuf	*b;
	size_t		 ntags;
};

static int
put_tag(const struct ntag424_ks_tag *t, void *arg)
{
	struct export_ctx	*x = arg;
	struct sbuf		*b = x->b;

	sb_u8(b, 'T');
	sb_put(b, t->uid, sizeof(t->uid));
	sb_u8(b, (unsigned)t->status);
	sb_u8(b, (unsigned)t->source);
	sb_u32(b, t->master_version);
	sb_u32(b, t->generation);
	sb_u64(b, t->created);
	sb_u64(b, t->updated);
	sb_u64(b, t->provisioned);
	sb_str(b, t->name, 2);
	sb_str(b, t->tmpl, 2);
	if (t->revoked != 0) {
		sb_u8(b, 'R');
		sb_put(b, t->uid, sizeof(t->uid));
		sb_u64(b, t->revoked);
		sb_str(b, t->revoke_reason, 1);
	}
	x->ntags++;
	return 0;
}

static int
put_counter(const uint8_t *uid, uint32_t generation, uint32_t ctr, void *arg)
{
	struct export_ctx *x = arg;

	sb_u8(x->b, 'N');
	sb_put(x->b, uid, NTAG424_KS_UID_LEN);
	sb_u32(x->b, generation);
	sb_u32(x->b, ctr);
	return 0;
}

/* Every key of a tag, both slots, opened with the KEK. */
static int
put_tag_keys(const struct ntag424_ks_tag *t, void *arg)
{
	struct export_ctx		*x = arg;
	struct ntag424_ks_keyinfo	 info;
	uint8_t				 key[NTAG424_KS_KEY_LEN];
	int				 r;

	for (int slot = 0; slot < 2; slot++)
		for (int k = 0; k < NTAG424_KS_NKEYS; k++) {
			if (((slot == NTAG424_KS_CURRENT ? t->current_mask :
			    t->pending_mask) & (1u << k)) == 0)
				continue;
			if ((r = ntag424_ks_key_get(x->ks, t->uid, k, slot, key,
			    &info)) != NTAG424_OK)
				return r;
			sb_u8(x->b, 'K');
			sb_put(x->b, t->uid, sizeof(t->uid));
			sb_u8(x->b, (unsigned)k);
			sb_u8(x->b, (unsigned)slot);
			sb_u8(x->b, (unsigned)info.state);
			sb_u8(x->b, info.version);
			sb_put(x->b, key, sizeof(key));
			wipe(key, sizeof(key));
		}
	return 0;
}

/* Versions 1, 2, ... until the first gap (versions are dense). */
static int
put_versioned(struct export_ctx *x, const char *name)
{
	uint8_t		key[NTAG424_KS_KEY_LEN];
	uint32_t	got;
	int		r;

	for (uint32_t v = 1;; v++) {
		r = name == NULL ? ntag424_ks_master_get(x->ks, v, key, &got) :
		    ntag424_ks_cohort_get(x->ks, name, v, key, &got);
		if (r == NTAG424_ERR_NOT_FOUND)
			return NTAG424_OK;
		if (r != NTAG424_OK)
			return r;
		sb_u8(x->b, name == NULL ? 'M' : 'C');
		sb_u32(x->b, v);
		if (name != NULL)
			sb_str(x->b, name, 1);
		sb_put(x->b, key, sizeof(key));
		wipe(key, sizeof(key));
	}
}

static int
put_cohorts(struct export_ctx *x)
{
	char		 (*names)[NTAG424_KS_NAME_MAX + 1] = NULL;
	size_t		 n = 0;
	db_res_t	*res = NULL;
	const char	*s;
	void		*v;
	int		 r;

	if ((r = ks_query(x->ks, "listing cohort keys", "SELECT DISTINCT name "
	    "FROM cohort_keys ORDER BY name", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(x->ks, "listing cohort keys", res)) == 1) {
		if ((v = realloc(names, (n + 1) * sizeof(*names))) == NULL) {
			r = ks_fail(x->ks, NTAG424_ERR_NOMEM, "out of memory");
			break;
		}
		names = v;
		s = x->ks->be->col_text(res, 0);
		if (s == NULL || ks_strcpy(names[n], sizeof(names[n]), s) != 0)
			names[n][0] = '\0';
		n++;
	}
	x->ks->be->res_free(res);
	for (size_t i = 0; r == NTAG424_OK && i < n; i++)
		r = put_versioned(x, names[i]);
	free(names);
	return r;
}

static int
collect(ntag424_ks_t *ks, struct sbuf *b, size_t *ntags)
{
	struct export_ctx	x = { ks, b, 0 };
	int			r;

	if ((r = ntag424_ks_tag_foreach(ks, put_tag, &x)) != NTAG424_OK ||
	    (r = ntag424_ks_tag_foreach(ks, put_tag_keys, &x)) != NTAG424_OK ||
	    (r = put_versioned(&x, NULL)) != NTAG424_OK ||
	    (r = put_cohorts(&x)) != NTAG424_OK ||
	    (r = ks_counter_foreach(ks, put_counter, &x)) != NTAG424_OK)
		return r;
	sb_u8(b, 'E');
	if (b->err)
		return ks_fail(ks, NTAG424_ERR_NOMEM, "the backup does not fit "
		    "in memory");
	*ntags = x.ntags;
	return NTAG424_OK;
}

/* The secret that the backup key is derived from. */
static int
secret(ntag424_ks_t *ks, const char *pass_file, uint8_t *out, size_t *len)
{
	char	buf[PASS_MAX];
	size_t	n = 0;
	int	r;

	if (pass_file == NULL) {
		if ((r = ks_need_kek(ks)) != NTAG424_OK)
			return r;
		memcpy(out, ks->kek, NTAG424_KS_KEK_LEN);
		*len = NTAG424_KS_KEK_LEN;
		return NTAG424_OK;
	}
	if ((r = ks_secret_file_read(ks, "passphrase file", pass_file, buf,
	    sizeof(buf), &n)) != NTAG424_OK)
		goto done;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 0) {
		r = ks_fail(ks, NTAG424_ERR_ARG, "the passphrase file %s is "
		    "empty", pass_file);
		goto done;
	}
	memcpy(out, buf, n);
	*len = n;
done:
	wipe(buf, sizeof(buf));
	return r;
}

static int
derive(ntag424_ks_t *ks, const char *pass_file, const uint8_t *hdr,
    uint32_t iter, uint8_t key[NTAG424_KS_KEK_LEN])
{
	uint8_t	pw[PASS_MAX];
	size_t	n = 0;
	int	r;

	if ((r = secret(ks, pass_file, pw, &n)) != NTAG424_OK)
		return r;
	if (PKCS5_PBKDF2_HMAC((const char *)pw, (int)n, hdr + MAGIC_LEN + 5,
	    SALT_LEN, (int)iter, EVP_sha256(), NTAG424_KS_KEK_LEN, key) != 1)
		r = ks_fail(ks, NTAG424_ERR_CRYPTO, "PBKDF2 failed");
	wipe(pw, sizeof(pw));
	return r;
}

static int
write_file(ntag424_ks_t *ks, const char *path, const uint8_t *hdr,
    const uint8_t *ct, size_t n, const uint8_t tag[SEAL_TAG])
{
	struct atomic_file	f;
	int			rc;

	if ((rc = atomic_open(&f, path)) != 0)
		return ks_fail(ks, NTAG424_ERR_IO, "cannot write the backup %s: "
		    "%s; nothing was written", path, atomic_strerror(rc));
	if (atomic_write(&f, hdr, HDR_LEN) != 0 ||
	    atomic_write(&f, ct, n) != 0 ||
	    atomic_write(&f, tag, SEAL_TAG) != 0) {
		rc = -1;
		atomic_abort(&f);
	} else
		rc = atomic_commit(&f);
	if (rc != 0)
		return ks_fail(ks, NTAG424_ERR_IO, "cannot write the backup %s: "
		    "%s", path, atomic_strerror(rc));
	return NTAG424_OK;
}

static int
seal_and_write(ntag424_ks_t *ks, const char *path, const char *pass_file,
    const struct sbuf *b)
{
	uint8_t	 hdr[HDR_LEN], key[NTAG424_KS_KEK_LEN], tag[SEAL_TAG];
	uint8_t	*ct = NULL;
	wbuf_t	 w;
	int	 r;

	wbuf_init(&w, hdr, sizeof(hdr));
	wbuf_put(&w, MAGIC, MAGIC_LEN);
	wbuf_put_u8(&w, pass_file != NULL ? KIND_PASS : KIND_KEK);
	wbuf_put_u16be(&w, (uint16_t)(ITERATIONS >> 16));
	wbuf_put_u16be(&w, (uint16_t)(ITERATIONS & 0xffff));
	if (random_bytes(hdr + w.len, SALT_LEN + SEAL_NONCE) != 0)
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "no random bytes");
	if ((r = derive(ks, pass_file, hdr, ITERATIONS, key)) != NTAG424_OK)
		goto done;
	if ((ct = malloc(b->len)) == NULL) {
		r = ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((r = ks_gcm(1, key, hdr + MAGIC_LEN + 5 + SALT_LEN, hdr, HDR_LEN,
	    b->p, b->len, ct, tag)) != NTAG424_OK) {
		r = ks_fail(ks, r, "cannot encrypt the backup");
		goto done;
	}
	r = write_file(ks, path, hdr, ct, b->len, tag);
done:
	wipe(key, sizeof(key));
	free(ct);
	return r;
}

int
ntag424_ks_export(ntag424_ks_t *ks, const char *path,
    const char *passphrase_file, size_t *ntags)
{
	struct sbuf	b = { NULL, 0, 0, 0 };
	size_t		n = 0;
	int		r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK)
		return r;
	/* One snapshot; nothing is written, the transaction is rolled back. */
	if ((r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		return r;
	r = collect(ks, &b, &n);
	ks_rollback(ks);
	if (r == NTAG424_OK)
		r = seal_and_write(ks, path, passphrase_file, &b);
	sb_free(&b);
	if (r == NTAG424_OK && ntags != NULL)
		*ntags = n;
	return r;
}

/* Import. */

static int
read_backup(ntag424_ks_t *ks, const char *path, uint8_t **data, size_t *len)
{
	struct stat	 st;
	uint8_t		*p = NULL;
	ssize_t		 got;
	int		 fd, r = NTAG424_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ks_fail(ks, errno == ENOENT ? NTAG424_ERR_NOT_FOUND :
		    NTAG424_ERR_IO, "cannot open the backup %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < HDR_LEN + SEAL_TAG || st.st_size > BACKUP_MAX) {
		r = ks_fail(ks, NTAG424_ERR_MALFORMED, "%s is not a keystore "
		    "backup (size)", path);
		goto done;
	}
	if ((p = malloc((size_t)st.st_size)) == NULL) {
		r = ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((got = read(fd, p, (size_t)st.st_size)) != st.st_size) {
		r = ks_fail(ks, NTAG424_ERR_IO, "cannot read the backup %s",
		    path);
		goto done;
	}
	*data = p;
	*len = (size_t)st.st_size;
	p = NULL;
	r = NTAG424_OK;
done:
	free(p);
	close(fd);
	return r;
}

static int
open_backup(ntag424_ks_t *ks, const char *path, const char *pass_file,
    const uint8_t *data, size_t len, uint8_t *pt)
{
	uint8_t		key[NTAG424_KS_KEK_LEN], tag[SEAL_TAG];
	uint32_t	iter;
	size_t		n = len - HDR_LEN - SEAL_TAG;
	int		kind, r;

	if (memcmp(data, MAGIC, MAGIC_LEN) != 0)
		return ks_fail(ks, NTAG424_ERR_MALFORMED, "%s is not a keystore "
		    "backup (no PROVKSB1 header)", path);
	kind = data[MAGIC_LEN];
	iter = (uint32_t)get_u16be(data + MAGIC_LEN + 1) << 16 |
	    get_u16be(data + MAGIC_LEN + 3);
	if ((kind != KIND_PASS && kind != KIND_KEK) || iter == 0 ||
	    iter > ITER_MAX)
		return ks_fail(ks, NTAG424_ERR_MALFORMED, "%s: unknown backup "
		    "kind or iteration count", path);
	if (kind == KIND_PASS && pass_file == NULL)
		return ks_fail(ks, NTAG424_ERR_KEK, "the backup %s was made "
		    "with a passphrase file: give --passphrase-file", path);
	if (kind == KIND_KEK && pass_file != NULL)
		return ks_fail(ks, NTAG424_ERR_KEK, "the backup %s was sealed "
		    "with the keystore's KEK, not a passphrase: give that KEK "
		    "(--kek-file) and no --passphrase-file", path);
	if ((r = derive(ks, pass_file, data, iter, key)) != NTAG424_OK)
		return r;
	memcpy(tag, data + len - SEAL_TAG, SEAL_TAG);
	r = ks_gcm(0, key, data + MAGIC_LEN + 5 + SALT_LEN, data, HDR_LEN,
	    data + HDR_LEN, n, pt, tag);
	wipe(key, sizeof(key));
	if (r == NTAG424_ERR_INTEGRITY)
		return ks_fail(ks, NTAG424_ERR_KEK, "the %s does not open the "
		    "backup %s (or the file was altered): nothing was imported",
		    kind == KIND_PASS ? "passphrase" : "key-encryption key",
		    path);
	return r != NTAG424_OK ? ks_fail(ks, r, "cannot decrypt %s", path) : r;
}

static int
rd_u32(const uint8_t **p, size_t *len, uint32_t *v)
{
	uint16_t hi, lo;

	if (buf_read_u16be(p, len, &hi) != 0 || buf_read_u16be(p, len, &lo) != 0)
		return -1;
	*v = (uint32_t)hi << 16 | lo;
	return 0;
}

static int
rd_i64(const uint8_t **p, size_t *len, int64_t *v)
{
	uint32_t hi, lo;

	if (rd_u32(p, len, &hi) != 0 || rd_u32(p, len, &lo) != 0)
		return -1;
	*v = (int64_t)((uint64_t)hi << 32 | lo);
	return 0;
}

static int
rd_str(const uint8_t **p, size_t *len, size_t lenbytes, char *out, size_t cap)
{
	uint16_t	n16 = 0;
	uint8_t		n8 = 0;
	size_t		n;

	if (lenbytes == 1 ? buf_read_u8(p, len, &n8) :
	    buf_read_u16be(p, len, &n16))
		return -1;
	n = lenbytes == 1 ? n8 : n16;
	if (n >= cap || memchr(*p, '\0', n < *len ? n : *len) != NULL ||
	    buf_read(p, len, out, n) != 0)
		return -1;
	out[n] = '\0';
	return 0;
}

static int
import_tag(ntag424_ks_t *ks, const uint8_t **p, size_t *len,
    struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_tag	t;
	uint8_t			status, source;
	int			added;

	memset(&t, 0, sizeof(t));
	if (buf_read(p, len, t.uid, sizeof(t.uid)) != 0 ||
	    buf_read_u8(p, len, &status) != 0 ||
	    buf_read_u8(p, len, &source) != 0 ||
	    rd_u32(p, len, &t.master_version) != 0 ||
	    rd_u32(p, len, &t.generation) != 0 ||
	    rd_i64(p, len, &t.created) != 0 ||
	    rd_i64(p, len, &t.updated) != 0 ||
	    rd_i64(p, len, &t.provisioned) != 0 ||
	    rd_str(p, len, 2, t.name, sizeof(t.name)) != 0 ||
	    rd_str(p, len, 2, t.tmpl, sizeof(t.tmpl)) != 0 ||
	    status > NTAG424_KS_RESETTING || source > NTAG424_KS_SRC_DIVERSIFIED)
		return NTAG424_ERR_MALFORMED;
	t.status = status;
	t.source = source;
	if (ks_tag_import(ks, &t, &added) != NTAG424_OK)
		return NTAG424_ERR_STORE;
	st->tags_added += (size_t)added;
	return NTAG424_OK;
}

static int
import_key(ntag424_ks_t *ks, const uint8_t **p, size_t *len,
    struct ntag424_ks_import_stats *st)
{
	uint8_t	uid[NTAG424_KS_UID_LEN], key[NTAG424_KS_KEY_LEN];
	uint8_t	keyno, slot, state, version;
	int	added = 0, r;

	if (buf_read(p, len, uid, sizeof(uid)) != 0 ||
	    buf_read_u8(p, len, &keyno) != 0 ||
	    buf_read_u8(p, len, &slot) != 0 ||
	    buf_read_u8(p, len, &state) != 0 ||
	    buf_read_u8(p, len, &version) != 0 ||
	    buf_read(p, len, key, sizeof(key)) != 0 ||
	    keyno >= NTAG424_KS_NKEYS || slot > NTAG424_KS_PENDING_SLOT ||
	    state > NTAG424_KS_MAYBE)
		r = NTAG424_ERR_MALFORMED;
	else
		r = ks_key_import(ks, uid, keyno, slot, state, version, key,
		    &added);
	wipe(key, sizeof(key));
	if (added)
		st->keys_added++;
	else if (r == NTAG424_OK)
		st->keys_same++;
	return r;
}

static int
import_versioned(ntag424_ks_t *ks, int type, const uint8_t **p, size_t *len,
    struct ntag424_ks_import_stats *st)
{
	char		name[NTAG424_KS_NAME_MAX + 1];
	uint8_t		key[NTAG424_KS_KEY_LEN];
	uint32_t	version;
	int		added = 0, r;

	if (rd_u32(p, len, &version) != 0 ||
	    (type == 'C' && rd_str(p, len, 1, name, sizeof(name)) != 0) ||
	    buf_read(p, len, key, sizeof(key)) != 0)
		r = NTAG424_ERR_MALFORMED;
	else
		r = ks_key_import_versioned(ks, type == 'C' ? name : NULL,
		    version, key, &added);
	wipe(key, sizeof(key));
	if (type == 'M')
		st->masters_added += (size_t)added;
	else
		st->cohorts_added += (size_t)added;
	return r;
}

static int
import_revoked(ntag424_ks_t *ks, const uint8_t **p, size_t *len)
{
	char	reason[NTAG424_KS_REASON_MAX + 1];
	uint8_t	uid[NTAG424_KS_UID_LEN];
	int64_t	when;

	if (buf_read(p, len, uid, sizeof(uid)) != 0 ||
	    rd_i64(p, len, &when) != 0 ||
	    rd_str(p, len, 1, reason, sizeof(reason)) != 0)
		return NTAG424_ERR_MALFORMED;
	return ks_tag_import_revoked(ks, uid, when, reason);
}

static int
import_counter(ntag424_ks_t *ks, const uint8_t **p, size_t *len,
    struct ntag424_ks_import_stats *st)
{
	uint8_t		uid[NTAG424_KS_UID_LEN];
	uint32_t	generation, ctr;
	int		raised = 0, r;

	if (buf_read(p, len, uid, sizeof(uid)) != 0 ||
	    rd_u32(p, len, &generation) != 0 || rd_u32(p, len, &ctr) != 0)
		return NTAG424_ERR_MALFORMED;
	r = ks_counter_raise(ks, uid, generation, ctr, &raised);
	st->counters_raised += (size_t)raised;
	return r;
}

static int
apply(ntag424_ks_t *ks, const char *path, const uint8_t *p, size_t len,
    struct ntag424_ks_import_stats *st)
{
	uint8_t	type;
	int	r = NTAG424_OK;

	while (r == NTAG424_OK) {
		if (buf_read_u8(&p, &len, &type) != 0)
			break;
		switch (type) {
		case 'T':
			r = import_tag(ks, &p, &len, st);
			break;
		case 'R':
			r = import_revoked(ks, &p, &len);
			break;
		case 'K':
			r = import_key(ks, &p, &len, st);
			break;
		case 'N':
			r = import_counter(ks, &p, &len, st);
			break;
		case 'M':
		case 'C':
			r = import_versioned(ks, type, &p, &len, st);
			break;
		case 'E':
			if (len == 0)
				return NTAG424_OK;
			r = NTAG424_ERR_MALFORMED;
			break;
		default:
			r = NTAG424_ERR_MALFORMED;
			break;
		}
	}
	if (r == NTAG424_OK || r == NTAG424_ERR_MALFORMED)
		return ks_fail(ks, NTAG424_ERR_MALFORMED, "the backup %s is "
		    "damaged (a record does not parse): nothing was imported",
		    path);
	return r;
}

int
ntag424_ks_import(ntag424_ks_t *ks, const char *path,
    const char *passphrase_file, struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_import_stats	 s;
	uint8_t				*data = NULL, *pt = NULL;
	size_t				 len = 0, n = 0;
	int				 r;

	memset(&s, 0, sizeof(s));
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = read_backup(ks, path, &data, &len)) != NTAG424_OK)
		return r;
	n = len - HDR_LEN - SEAL_TAG;
	if ((pt = malloc(n > 0 ? n : 1)) == NULL) {
		r = ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((r = open_backup(ks, path, passphrase_file, data, len, pt)) !=
	    NTAG424_OK)
		goto done;
	if ((r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		goto done;
	if ((r = apply(ks, path, pt, n, &s)) != NTAG424_OK) {
		ks_rollback(ks);
		goto done;
	}
	if ((r = ks_commit(ks)) == NTAG424_OK && st != NULL)
		*st = s;
done:
	if (pt != NULL)
		wipe(pt, n);
	free(pt);
	free(data);
	return r;
}
