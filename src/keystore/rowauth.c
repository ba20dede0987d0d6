/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Row authentication. Sealing keeps the keys secret, but what a `valid`
 * answer rests on is in plain rows: a tag's status, generation and
 * revocation, which key rows it has, and the last accepted read counter.
 * Each tags row and each counters row carries an HMAC-SHA256 under a key
 * derived from the KEK, checked on every read by a handle that has the
 * KEK:
 *
 *   row key   = HMAC-SHA256(KEK, "provisio keystore rows v1")
 *   tag MAC   = HMAC(row key, 'T' || every column but the MAC, in order)
 *   keys      = SHA-256 over the tag's key rows (keyno, slot order): each
 *               keyno || slot || version || state || sealed value; stored
 *               in the tags row (keys_digest), so it is under the tag MAC
 *   counter   = HMAC(row key, 'N' || uid || generation || ctr)
 *
 * A column is encoded as 'Z' (SQL NULL), 'I' || 8 bytes big-endian, or
 * 'S' || length (4, big-endian) || bytes, so no two rows share an input.
 * A tag becoming provisioned gets its counter row at once (ctr -1: none
 * accepted yet), so a provisioned tag without one has been tampered with.
 * docs/keystore.md says what this does not stop.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

static const char label[] = "provisio keystore rows v1";

static void
mac_free(ntag424_ks_t *ks)
{
	EVP_MAC_CTX_free(ks->mac);
	ks->mac = NULL;
	wipe(ks->mac_kek, sizeof(ks->mac_kek));
}

/* The HMAC context keyed with the row key of the KEK now in use. */
static EVP_MAC_CTX *
mac_ctx(ntag424_ks_t *ks)
{
	OSSL_PARAM	 p[] = { OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)(uintptr_t)"SHA256", 0),
	    OSSL_PARAM_construct_end() };
	uint8_t		 rowkey[32];
	size_t		 n = 0;
	EVP_MAC		*m;
	EVP_MAC_CTX	*c = ks->mac;
	int		 ok;

	if (c != NULL && CRYPTO_memcmp(ks->mac_kek, ks->kek,
	    sizeof(ks->kek)) == 0)
		return c;
	mac_free(ks);
	if ((m = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	c = EVP_MAC_CTX_new(m);
	EVP_MAC_free(m);
	ok = c != NULL && EVP_MAC_init(c, ks->kek, sizeof(ks->kek), p) == 1 &&
	    EVP_MAC_update(c, (const uint8_t *)label, sizeof(label) - 1) == 1 &&
	    EVP_MAC_final(c, rowkey, &n, sizeof(rowkey)) == 1 &&
	    n == sizeof(rowkey) && EVP_MAC_init(c, rowkey, n, p) == 1;
	wipe(rowkey, sizeof(rowkey));
	if (!ok) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	memcpy(ks->mac_kek, ks->kek, sizeof(ks->kek));
	ks->mac = c;
	return c;
}

void
ks_rowauth_close(ntag424_ks_t *ks)
{
	mac_free(ks);
	ks_counter_seen_free(ks);
}

static void
put_int(EVP_MAC_CTX *c, EVP_MD_CTX *d, int64_t v)
{
	uint8_t b[9] = { 'I' };

	for (int i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	if (c != NULL)
		EVP_MAC_update(c, b, sizeof(b));
	else
		EVP_DigestUpdate(d, b, sizeof(b));
}

static void
put_text(EVP_MAC_CTX *c, EVP_MD_CTX *d, const char *s)
{
	uint8_t	b[5] = { 'S' };
	size_t	n;

	if (s == NULL) {
		b[0] = 'Z';
		n = 0;
	} else {
		n = strlen(s);
		for (int i = 0; i < 4; i++)
			b[1 + i] = (uint8_t)(n >> (24 - 8 * i));
	}
	if (c != NULL) {
		EVP_MAC_update(c, b, s == NULL ? 1 : sizeof(b));
		EVP_MAC_update(c, (const uint8_t *)s, n);
	} else {
		EVP_DigestUpdate(d, b, s == NULL ? 1 : sizeof(b));
		EVP_DigestUpdate(d, s, n);
	}
}

static int
mac_begin(ntag424_ks_t *ks, EVP_MAC_CTX **c, int type)
{
	uint8_t t = (uint8_t)type;

	if ((*c = mac_ctx(ks)) == NULL || EVP_MAC_init(*c, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(*c, &t, 1) != 1)
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "cannot compute a row "
		    "MAC (OpenSSL)");
	return NTAG424_OK;
}

static int
mac_end(ntag424_ks_t *ks, EVP_MAC_CTX *c, char hex[KS_MAC_HEX])
{
	uint8_t	out[32];
	size_t	n = 0;

	if (EVP_MAC_final(c, out, &n, sizeof(out)) != 1 || n != sizeof(out))
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "cannot compute a row "
		    "MAC (OpenSSL)");
	hex_encode(out, sizeof(out), hex);
	return NTAG424_OK;
}

/* Columns 5..10 of TAG_COLS are integers, the others text. */
#define TAG_INT(i)	((i) >= 5 && (i) <= 10)

int
ks_tag_mac(ntag424_ks_t *ks, db_res_t *res, const char *digest,
    char hex[KS_MAC_HEX])
{
	EVP_MAC_CTX	*c;
	int		 r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = mac_begin(ks, &c, 'T')) != NTAG424_OK)
		return r;
	for (int i = 0; i < KS_TAG_DATA_COLS; i++) {
		if (TAG_INT(i))
			put_int(c, NULL, ks->be->col_int(res, i));
		else
			put_text(c, NULL, ks->be->col_text(res, i));
	}
	put_text(c, NULL, digest);
	return mac_end(ks, c, hex);
}

int
ks_counter_mac(ntag424_ks_t *ks, const char *uidhex, int64_t generation,
    int64_t ctr, char hex[KS_MAC_HEX])
{
	EVP_MAC_CTX	*c;
	int		 r;

	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = mac_begin(ks, &c, 'N')) != NTAG424_OK)
		return r;
	put_text(c, NULL, uidhex);
	put_int(c, NULL, generation);
	put_int(c, NULL, ctr);
	return mac_end(ks, c, hex);
}

int
ks_mac_equal(const char *stored, const char computed[KS_MAC_HEX])
{
	return stored != NULL && strlen(stored) == KS_MAC_HEX - 1 &&
	    CRYPTO_memcmp(stored, computed, KS_MAC_HEX - 1) == 0;
}

int
ks_tampered(ntag424_ks_t *ks, const char *uidhex, const char *what)
{
	return ks_fail(ks, NTAG424_ERR_STORE, "tag %s: its %s in %s does not "
	    "authenticate under the key-encryption key: the row was changed "
	    "outside provisio (or restored from elsewhere); nothing was "
	    "accepted for it. Restore the keystore from a trusted backup",
	    uidhex, what, ks->where);
}

/* Hash one key row (keyno, slot, version, state, sealed). */
static void
digest_row(EVP_MD_CTX *d, ntag424_ks_t *ks, db_res_t *res)
{
	put_int(NULL, d, ks->be->col_int(res, 0));
	put_text(NULL, d, ks->be->col_text(res, 1));
	put_int(NULL, d, ks->be->col_int(res, 2));
	put_text(NULL, d, ks->be->col_text(res, 3));
	put_text(NULL, d, ks->be->col_text(res, 4));
}

int
ks_keys_digest(ntag424_ks_t *ks, const char *uidhex, char hex[KS_MAC_HEX],
    struct ks_keyrow *rows, size_t *nrows)
{
	struct db_param	 p[] = { P_TEXT(uidhex) };
	uint8_t		 out[32];
	unsigned	 n = 0;
	size_t		 k = 0;
	db_res_t	*res = NULL;
	EVP_MD_CTX	*d;
	const char	*s;
	int		 r;

	if ((d = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d);
		return ks_fail(ks, NTAG424_ERR_CRYPTO, "SHA-256 (OpenSSL)");
	}
	if ((r = ks_query(ks, "reading key rows", "SELECT keyno, slot, "
	    "version, state, sealed, updated FROM tag_keys WHERE uid = $1 "
	    "ORDER BY keyno, slot", p, 1, &res)) != NTAG424_OK)
		goto done;
	while ((r = ks_next(ks, "reading key rows", res)) == 1) {
		digest_row(d, ks, res);
		if (rows == NULL || k >= KS_KEYROWS)
			continue;
		rows[k].keyno = (int)ks->be->col_int(res, 0);
		s = ks->be->col_text(res, 1);
		rows[k].slot = s != NULL && strcmp(s, "pending") == 0;
		rows[k].version = ks->be->col_int(res, 2);
		s = ks->be->col_text(res, 3);
		ks_strcpy(rows[k].state, sizeof(rows[k].state), s ? s : "");
		s = ks->be->col_text(res, 4);
		if (s == NULL || ks_strcpy(rows[k].sealed,
		    sizeof(rows[k].sealed), s) != 0)
			rows[k].sealed[0] = '\0';
		rows[k].updated = ks->be->col_int(res, 5);
		k++;
	}
	ks->be->res_free(res);
	if (r < 0)
		goto done;
	if (EVP_DigestFinal_ex(d, out, &n) != 1 || n != sizeof(out)) {
		r = ks_fail(ks, NTAG424_ERR_CRYPTO, "SHA-256 (OpenSSL)");
		goto done;
	}
	hex_encode(out, sizeof(out), hex);
	if (nrows != NULL)
		*nrows = k;
	r = NTAG424_OK;
done:
	EVP_MD_CTX_free(d);
	return r;
}

/* Rows read for a pass over the whole keystore. */
struct pass {
	char	(*uid)[UID_HEX_LEN + 1];
	int64_t	 *gen, *ctr;
	int	 *provisioned;
	size_t	  n, cap;
};

static void
pass_free(struct pass *ps)
{
	free(ps->uid);
	free(ps->gen);
	free(ps->ctr);
	free(ps->provisioned);
	memset(ps, 0, sizeof(*ps));
}

static int
pass_add(ntag424_ks_t *ks, struct pass *ps, const char *uid, int64_t gen,
    int64_t ctr, int provisioned)
{
	size_t	cap = ps->cap ? 2 * ps->cap : 256;
	void	*a, *b, *c, *d;

	if (ps->n == ps->cap) {
		a = realloc(ps->uid, cap * sizeof(*ps->uid));
		if (a != NULL)
			ps->uid = a;
		b = realloc(ps->gen, cap * sizeof(*ps->gen));
		if (b != NULL)
			ps->gen = b;
		c = realloc(ps->ctr, cap * sizeof(*ps->ctr));
		if (c != NULL)
			ps->ctr = c;
		d = realloc(ps->provisioned, cap * sizeof(*ps->provisioned));
		if (d != NULL)
			ps->provisioned = d;
		if (a == NULL || b == NULL || c == NULL || d == NULL)
			return ks_fail(ks, NTAG424_ERR_NOMEM, "out of memory");
		ps->cap = cap;
	}
	if (uid == NULL || ks_strcpy(ps->uid[ps->n], sizeof(ps->uid[0]), uid))
		return ks_fail(ks, NTAG424_ERR_STORE, "a row in %s has a "
		    "damaged UID", ks->where);
	ps->gen[ps->n] = gen;
	ps->ctr[ps->n] = ctr;
	ps->provisioned[ps->n] = provisioned;
	ps->n++;
	return NTAG424_OK;
}

/*
 * Every tag (check: its MAC must verify under the KEK in use, over the
 * digest it stores) into ps.
 */
static int
all_tags(ntag424_ks_t *ks, struct pass *ps, int check)
{
	char		 mac[KS_MAC_HEX];
	const char	*uid, *st;
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, "reading every tag", "SELECT " KS_TAG_COLS
	    " FROM tags ORDER BY uid", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "reading every tag", res)) == 1) {
		uid = ks->be->col_text(res, 0);
		if (check && ((r = ks_tag_mac(ks, res, ks->be->col_text(res,
		    KS_TAG_DIGEST_COL), mac)) != NTAG424_OK ||
		    !ks_mac_equal(ks->be->col_text(res, KS_TAG_MAC_COL), mac))) {
			r = r != NTAG424_OK ? r : ks_tampered(ks, uid != NULL ?
			    uid : "?", "tag row");
			break;
		}
		st = ks->be->col_text(res, 1);
		if ((r = pass_add(ks, ps, uid, ks->be->col_int(res, 6), 0,
		    st != NULL && strcmp(st, "provisioned") == 0)) !=
		    NTAG424_OK)
			break;
	}
	ks->be->res_free(res);
	return r;
}

/* Every counter row (check: its MAC must verify) into ps. */
static int
all_counters(ntag424_ks_t *ks, struct pass *ps, int check)
{
	char		 mac[KS_MAC_HEX];
	const char	*uid;
	db_res_t	*res = NULL;
	int64_t		 gen, ctr;
	int		 r;

	if ((r = ks_query(ks, "reading every read counter", "SELECT uid, "
	    "generation, ctr, mac FROM counters", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "reading every read counter", res)) == 1) {
		uid = ks->be->col_text(res, 0);
		gen = ks->be->col_int(res, 1);
		ctr = ks->be->col_int(res, 2);
		if (check && uid != NULL && ((r = ks_counter_mac(ks, uid, gen,
		    ctr, mac)) != NTAG424_OK ||
		    !ks_mac_equal(ks->be->col_text(res, 3), mac))) {
			r = r != NTAG424_OK ? r : ks_tampered(ks, uid,
			    "read counter row");
			break;
		}
		if ((r = pass_add(ks, ps, uid, gen, ctr, 0)) != NTAG424_OK)
			break;
	}
	ks->be->res_free(res);
	return r;
}

static int
counter_remac(ntag424_ks_t *ks, const char *uid, int64_t gen, int64_t ctr)
{
	char		mac[KS_MAC_HEX];
	struct db_param	p[] = { P_TEXT(uid), P_INT(gen), P_INT(ctr),
	    P_TEXT(mac) };
	int		r;

	if ((r = ks_counter_mac(ks, uid, gen, ctr, mac)) != NTAG424_OK)
		return r;
	return ks_exec(ks, "authenticating a read counter", "UPDATE counters "
	    "SET mac = $4 WHERE uid = $1 AND generation = $2 AND ctr = $3", p,
	    4, NULL);
}

/* MAC every tag and counter row again (and give provisioned tags theirs). */
static int
remac_all(ntag424_ks_t *ks, const struct pass *tags, const struct pass *ctrs)
{
	int r = NTAG424_OK;

	for (size_t i = 0; i < tags->n && r == NTAG424_OK; i++) {
		r = ks_tag_reseal(ks, tags->uid[i]);
		if (r == NTAG424_OK && tags->provisioned[i])
			r = ks_counter_create(ks, tags->uid[i],
			    (uint32_t)tags->gen[i]);
	}
	for (size_t i = 0; i < ctrs->n && r == NTAG424_OK; i++)
		r = counter_remac(ks, ctrs->uid[i], ctrs->gen[i], ctrs->ctr[i]);
	return r;
}

static int
marker_mac(ntag424_ks_t *ks, char hex[KS_MAC_HEX])
{
	EVP_MAC_CTX	*c;
	int		 r;

	if ((r = mac_begin(ks, &c, 'A')) != NTAG424_OK)
		return r;
	put_text(c, NULL, "every row authenticated");
	return mac_end(ks, c, hex);
}

/* 1 the marker is there and authentic, 0 none, < 0 error or tampered. */
static int
marker(ntag424_ks_t *ks)
{
	char		 mac[KS_MAC_HEX];
	db_res_t	*res = NULL;
	int		 r, ok = 0;

	if ((r = marker_mac(ks, mac)) != NTAG424_OK ||
	    (r = ks_query(ks, "reading the row authentication marker",
	    "SELECT mac FROM row_auth WHERE id = 1", NULL, 0, &res)) !=
	    NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading the row authentication marker",
	    res)) == 1)
		ok = ks_mac_equal(ks->be->col_text(res, 0), mac);
	ks->be->res_free(res);
	if (r == 1 && !ok)
		return ks_fail(ks, NTAG424_ERR_STORE, "the row authentication "
		    "marker in %s does not authenticate under the key-encryption "
		    "key: the keystore was changed outside provisio", ks->where);
	return r;
}

/* Rows that already carry a MAC, in a keystore without the marker. */
static int
any_mac(ntag424_ks_t *ks)
{
	db_res_t	*res = NULL;
	int		 r;

	if ((r = ks_query(ks, "looking for row MACs", "SELECT 1 FROM tags "
	    "WHERE mac IS NOT NULL UNION ALL SELECT 1 FROM counters WHERE mac "
	    "IS NOT NULL", NULL, 0, &res)) != NTAG424_OK)
		return r;
	r = ks_next(ks, "looking for row MACs", res);
	ks->be->res_free(res);
	if (r == 1)
		return ks_fail(ks, NTAG424_ERR_STORE, "rows of %s carry MACs but "
		    "its row authentication marker is gone: the keystore was "
		    "changed outside provisio; restore it from a trusted backup",
		    ks->where);
	return r;
}

static int
authenticate_locked(ntag424_ks_t *ks)
{
	struct pass	tags, ctrs;
	char		mac[KS_MAC_HEX];
	struct db_param	p[] = { P_TEXT(mac), P_INT(time(NULL)) };
	int		r;

	memset(&tags, 0, sizeof(tags));
	memset(&ctrs, 0, sizeof(ctrs));
	if ((r = marker(ks)) != 0 || (r = any_mac(ks)) != NTAG424_OK ||
	    (r = all_tags(ks, &tags, 0)) != NTAG424_OK ||
	    (r = all_counters(ks, &ctrs, 0)) != NTAG424_OK ||
	    (r = remac_all(ks, &tags, &ctrs)) != NTAG424_OK ||
	    (r = marker_mac(ks, mac)) != NTAG424_OK)
		goto done;
	r = ks_exec(ks, "storing the row authentication marker", "INSERT INTO "
	    "row_auth (id, mac, created) VALUES (1, $1, $2)", p, 2, NULL);
done:
	pass_free(&tags);
	pass_free(&ctrs);
	return r < 0 ? r : NTAG424_OK;
}

int
ks_rows_authenticate(ntag424_ks_t *ks)
{
	int r;

	if (!ks->has_kek)
		return NTAG424_OK;
	if ((r = marker(ks)) != 0)
		return r < 0 ? r : NTAG424_OK;
	if ((r = ks_begin(ks, DB_TX_EXCLUSIVE)) != NTAG424_OK)
		return r;
	if ((r = authenticate_locked(ks)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}

int
ks_rows_rekey(ntag424_ks_t *ks, const uint8_t newkek[NTAG424_KS_KEK_LEN])
{
	struct pass	tags, ctrs;
	uint8_t		old[NTAG424_KS_KEK_LEN];
	char		mac[KS_MAC_HEX];
	struct db_param	p[] = { P_TEXT(mac) };
	int		r;

	memset(&tags, 0, sizeof(tags));
	memset(&ctrs, 0, sizeof(ctrs));
	memcpy(old, ks->kek, sizeof(old));
	if ((r = all_tags(ks, &tags, 1)) != NTAG424_OK ||
	    (r = all_counters(ks, &ctrs, 1)) != NTAG424_OK)
		goto done;
	memcpy(ks->kek, newkek, sizeof(ks->kek));
	if ((r = remac_all(ks, &tags, &ctrs)) == NTAG424_OK &&
	    (r = marker_mac(ks, mac)) == NTAG424_OK)
		r = ks_exec(ks, "storing the row authentication marker",
		    "UPDATE row_auth SET mac = $1 WHERE id = 1", p, 1, NULL);
	memcpy(ks->kek, old, sizeof(ks->kek));
done:
	wipe(old, sizeof(old));
	pass_free(&tags);
	pass_free(&ctrs);
	return r;
}
