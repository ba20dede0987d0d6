/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tag directory: what the verifier needs per UID (generation and
 * SDMFileRead key), the meta-read keys to try on PICCData, and the URL
 * templates.
 *
 * Nothing here grows with the keystore. The start reads the cohort keys
 * (a handful) and the distinct templates (one query); a tag is read, and
 * its file-read key derived (ntag424_ks_diversify, with the version of the
 * tag's current key) or unsealed, the first time one of its URLs comes in,
 * and kept in a bounded set-associative cache (least recently used out).
 * A UID the keystore does not know goes to a second, small cache for a
 * second, so that random PICC values cost what a bad MAC costs and cannot
 * grow the process (cache.c: each set has its own lock among 64); a
 * keystore connection (one of NHANDLE, each with its own lock) is taken
 * only on a real miss.
 *
 * Per-tag meta-read keys (a key per tag for PICCData) can only be found by
 * reading every tag: that walk happens only when the operator asks for it
 * (per-tag-meta-keys), at the start and at most once a second on a miss.
 *
 * The handle reconnects after a failure (a restarted PostgreSQL). A store
 * failure is store_error, never bad_mac; a key that does not unseal is
 * key_unavailable for that tag alone, with a log line naming the UID.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/prim.h"
#include "ntag424/provision.h"
#include "verifyd/cache.h"
#include "verifyd/verifyd.h"

#define TPL_MAX		(2 * VD_LIST_MAX)
#define PATH_LEN	256
#define REFRESH_MS	1000
#define MASTER_MAX	16
#define NHANDLE		2

struct metaset {
	uint8_t			(*key)[16];
	size_t			  n, cap, ncohort;
};

struct master {
	uint32_t		version;
	uint8_t			key[16];
};

/* A keystore connection: misses on two cores need not wait for each other. */
struct handle {
	pthread_mutex_t		 lock;		/* the handle is not thread-safe */
	ntag424_ks_t		*ks;		/* NULL while it cannot reopen */
	struct master		 master[MASTER_MAX];
	size_t			 nmaster;
};

struct vd_tags {
	struct handle		 h[NHANDLE];	/* h[0] also loads keys */
	char			*db, *kek_file;
	bool			 per_tag_meta;
	vd_cache_t		*known, *unknown;
	pthread_rwlock_t	 meta_lock;
	struct metaset		 meta;
	int64_t			 meta_loaded;
	ntag424_template_t	*tpl[TPL_MAX];
	char			*text[TPL_MAX];
	char			 path[TPL_MAX][PATH_LEN];
	atomic_size_t		 ntpl;
	atomic_uint		 epoch;		/* bumped when caches drop */
	atomic_bool		 healthy;
	pthread_mutex_t		 why_lock;
	char			 why[VD_REASON_MAX];	/* why_lock */
	atomic_llong		 probed;	/* last keystore read, ms */
	uint8_t			 file_keyno, meta_keyno;
	uint8_t			 sdm_mode;	/* NTAG424_SDM_ANY or _LRP */
	uint8_t			 dummy[16];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
uid_text(const uint8_t uid[NTAG424_UID_LEN], char out[2 * NTAG424_UID_LEN + 1])
{
	hex_encode(uid, NTAG424_UID_LEN, out);
}

static void
health(vd_tags_t *t, bool ok, const char *why)
{
	if (!ok) {
		pthread_mutex_lock(&t->why_lock);
		snprintf(t->why, sizeof(t->why), "%s", why);
		pthread_mutex_unlock(&t->why_lock);
	}
	atomic_store(&t->probed, now_ms());
	atomic_store(&t->healthy, ok);
}

static int
open_handle(const vd_tags_t *t, ntag424_ks_t **ksp, char *err, size_t errlen)
{
	struct ntag424_ks_opts	 o = { t->db, t->kek_file,
	    NTAG424_KS_NO_CREATE, 0 };
	ntag424_ks_t		*ks;
	int			 r;

	*ksp = NULL;
	if ((ks = ntag424_ks_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	if ((r = ntag424_ks_open(ks, &o)) != NTAG424_OK) {
		snprintf(err, errlen, "%s", ntag424_ks_errmsg(ks));
		ntag424_ks_free(&ks);
		return r;
	}
	*ksp = ks;
	return NTAG424_OK;
}

/* As the committer does (batch.c): a restarted server needs a new handle. */
static int
reopen(const vd_tags_t *t, struct handle *h, char *err, size_t errlen)
{
	int r;

	ntag424_ks_free(&h->ks);
	wipe(h->master, sizeof(h->master));
	h->nmaster = 0;
	if ((r = open_handle(t, &h->ks, err, errlen)) != NTAG424_OK)
		log_msg(PLOG_ERROR, "tag directory: cannot reopen the "
		    "keystore: %s", err);
	else
		log_msg(PLOG_WARN, "tag directory: keystore reopened");
	return r;
}

/* A failed read: is the connection gone (1) or only the row bad (0)? */
static bool
gone(struct handle *h)
{
	int v;

	return ntag424_ks_schema_version(h->ks, &v) != NTAG424_OK;
}

/* Master key of version v, unsealed once per handle (h->lock held). */
static int
master_key(struct handle *h, uint32_t v, uint8_t key[16])
{
	uint32_t	got;
	int		r;

	for (size_t i = 0; i < h->nmaster; i++)
		if (h->master[i].version == v) {
			memcpy(key, h->master[i].key, 16);
			return NTAG424_OK;
		}
	if ((r = ntag424_ks_master_get(h->ks, v, key, &got)) != NTAG424_OK)
		return r;
	if (h->nmaster < MASTER_MAX) {
		h->master[h->nmaster].version = v;
		memcpy(h->master[h->nmaster++].key, key, 16);
	}
	return NTAG424_OK;
}

/*
 * keystore.h: the file-read key derived with the version of the tag's
 * current key, so a URL of an earlier provisioning fails its MAC.
 */
static int
derive(struct handle *h, const struct ntag424_ks_tag *row, uint8_t keyno,
    uint8_t key[16])
{
	uint8_t	master[16];
	int	r;

	if ((r = master_key(h, row->master_version, master)) != NTAG424_OK)
		return r;
	r = ntag424_ks_diversify(master, row->uid, keyno,
	    row->key_version[keyno], key);
	wipe(master, sizeof(master));
	return r;
}

/*
 * The tag's keys cannot be had although the store answers: a damaged or
 * altered row, or a key sealed under another KEK. This tag alone gets
 * key_unavailable; the operator learns which one and why.
 */
static int
no_key(struct handle *h, const uint8_t uid[NTAG424_UID_LEN],
    struct vd_tagkeys *k, const char *what, const char *why)
{
	char hex[2 * NTAG424_UID_LEN + 1];

	uid_text(uid, hex);
	wipe(k->file_key, sizeof(k->file_key));
	k->status = VD_TAG_NO_KEY;
	log_msg(PLOG_ERROR, "tag %s: %s in the keystore %s: %s; its taps are "
	    "answered key_unavailable until the row is restored (or, after a "
	    "KEK change, the server gets SIGHUP)", hex, what,
	    ntag424_ks_where(h->ks), why);
	return NTAG424_OK;
}

/* A preset's own file-read key (the Boltcard's is key 2), else the default. */
static uint8_t
file_keyno(const vd_tags_t *t, const struct ntag424_ks_tag *row)
{
	ntag424_template_opts_t o;

	if (ntag424_prov_preset_opts(row->name, &o) == NTAG424_OK &&
	    o.file_read <= NTAG424_KEY_MAX)
		return o.file_read;
	return t->file_keyno;
}

/* Read one tag's row and file-read key (h->lock held, h->ks open). */
static int
read_tag(const vd_tags_t *t, struct handle *h,
    const uint8_t uid[NTAG424_UID_LEN],
    struct vd_tagkeys *k, char *reason, size_t cap)
{
	struct ntag424_ks_tag	row;
	char			why[NTAG424_KS_MSG_MAX];
	uint8_t			fk;
	int			r;

	memset(&row, 0, sizeof(row));
	memset(k, 0, sizeof(*k));
	k->loaded = now_ms();
	k->status = VD_TAG_UNKNOWN;
	r = ntag424_ks_tag_get(h->ks, uid, &row);
	if (r == NTAG424_ERR_NOT_FOUND ||
	    (r == NTAG424_OK && row.status != NTAG424_KS_PROVISIONED))
		return NTAG424_OK;
	if (r != NTAG424_OK)
		goto fail;
	k->generation = row.generation;
	k->revoked = row.revoked != 0;
	fk = file_keyno(t, &row);
	if ((row.current_mask & (1u << fk)) == 0)
		return no_key(h, uid, k, "no current file-read key",
		    "the tag was marked provisioned without it");
	if (row.source == NTAG424_KS_SRC_DIVERSIFIED)
		r = derive(h, &row, fk, k->file_key);
	else
		r = ntag424_ks_key_get(h->ks, uid, fk,
		    NTAG424_KS_CURRENT, k->file_key, NULL);
	if (r == NTAG424_OK) {
		k->status = VD_TAG_OK;
		return NTAG424_OK;
	}
fail:
	wipe(k->file_key, sizeof(k->file_key));
	snprintf(why, sizeof(why), "%s", ntag424_ks_errmsg(h->ks));
	if (r == NTAG424_ERR_STORE && gone(h)) {
		snprintf(reason, cap, "%s", why);
		return NTAG424_ERR_STORE;
	}
	return no_key(h, uid, k, row.generation == 0 ? "its row cannot be "
	    "read" : row.source == NTAG424_KS_SRC_DIVERSIFIED ? "its "
	    "file-read key cannot be derived (master key)" : "its file-read "
	    "key cannot be unsealed", why);
}

/*
 * read_tag, reconnecting once after a store failure. Every failure is
 * logged and /healthz follows the last outcome (h->lock held).
 */
static int
load_tag(vd_tags_t *t, struct handle *h, const uint8_t uid[NTAG424_UID_LEN],
    struct vd_tagkeys *k, char *reason, size_t cap)
{
	char	hex[2 * NTAG424_UID_LEN + 1];
	int	r = NTAG424_ERR_STORE, i;

	for (i = 0; i < 2 && r == NTAG424_ERR_STORE; i++) {
		if ((h->ks == NULL || i > 0) &&
		    reopen(t, h, reason, cap) != NTAG424_OK) {
			r = NTAG424_ERR_STORE;
			continue;
		}
		r = read_tag(t, h, uid, k, reason, cap);
	}
	if (r == NTAG424_OK) {
		health(t, true, NULL);
		return r;
	}
	uid_text(uid, hex);
	log_msg(PLOG_ERROR, "tag directory: reading tag %s failed: %s", hex,
	    reason);
	health(t, false, reason);
	return NTAG424_ERR_STORE;
}

/*
 * refresh 0: any cached answer will do, but an unknown or keyless entry is
 * re-read after a second; 1 (after a bad MAC): re-read if older than a
 * second; 2 (the store said the generation moved on): re-read now.
 */
static bool
fresh_enough(const struct vd_tagkeys *k, int refresh, int64_t now)
{
	bool young = now - k->loaded < REFRESH_MS;

	if (refresh >= 2)
		return false;
	if (k->status != VD_TAG_OK || refresh == 1)
		return young;
	return true;
}

int
vd_tags_lookup(vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN],
    int refresh, struct vd_tagkeys *k, char *reason, size_t cap)
{
	int64_t		 now = now_ms();
	struct handle	*h = NULL;
	unsigned	 epoch;
	int		 r;

	if ((vd_cache_get(t->known, uid, now, k) ||
	    vd_cache_get(t->unknown, uid, now, k)) &&
	    fresh_enough(k, refresh, now))
		return NTAG424_OK;
	for (size_t i = 0; i < NHANDLE && h == NULL; i++)
		if (pthread_mutex_trylock(&t->h[i].lock) == 0)
			h = &t->h[i];
	if (h == NULL) {
		h = &t->h[uid[NTAG424_UID_LEN - 1] % NHANDLE];
		pthread_mutex_lock(&h->lock);
	}
	epoch = atomic_load(&t->epoch);
	r = load_tag(t, h, uid, k, reason, cap);
	pthread_mutex_unlock(&h->lock);
	if (r != NTAG424_OK || atomic_load(&t->epoch) != epoch)
		return r;
	if (k->status == VD_TAG_UNKNOWN) {
		vd_cache_drop(t->known, uid);
		vd_cache_put(t->unknown, uid, now, k);
	} else {
		vd_cache_drop(t->unknown, uid);
		vd_cache_put(t->known, uid, now, k);
	}
	return NTAG424_OK;
}

int
vd_tags_meta_key(vd_tags_t *t, size_t i, uint8_t key[16])
{
	int r = -1;

	pthread_rwlock_rdlock(&t->meta_lock);
	if (i < t->meta.n) {
		memcpy(key, t->meta.key[i], 16);
		r = 0;
	}
	pthread_rwlock_unlock(&t->meta_lock);
	return r;
}

static void
meta_free(struct metaset *m)
{
	if (m->key != NULL)
		wipe(m->key, m->cap * sizeof(*m->key));
	free(m->key);
	memset(m, 0, sizeof(*m));
}

/*
 * Add a meta-read key; cohort keys are few and deduplicated, per-tag keys
 * are many and added as they come (no cap: the metric of keys tried shows
 * what they cost).
 */
static int
meta_add(struct metaset *m, const uint8_t key[16], bool dedup)
{
	void *p;

	for (size_t i = 0; dedup && i < m->n; i++)
		if (memcmp(m->key[i], key, 16) == 0)
			return NTAG424_OK;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;

		if ((p = calloc(cap, sizeof(*m->key))) == NULL)
			return NTAG424_ERR_NOMEM;
		if (m->n > 0) {
			memcpy(p, m->key, m->n * sizeof(*m->key));
			wipe(m->key, m->n * sizeof(*m->key));
		}
		free(m->key);
		m->key = p;
		m->cap = cap;
	}
	memcpy(m->key[m->n++], key, 16);
	return NTAG424_OK;
}

struct names {
	char	(*v)[NTAG424_KS_NAME_MAX + 1];
	size_t	  n, cap;
};

static int
name_fn(const char *name, uint32_t latest, void *arg)
{
	struct names	*w = arg;
	void		*p;

	(void)latest;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		if ((p = realloc(w->v, w->cap * sizeof(*w->v))) == NULL)
			return NTAG424_ERR_NOMEM;
		w->v = p;
	}
	snprintf(w->v[w->n++], sizeof(*w->v), "%s", name);
	return 0;
}

/*
 * Every version of one cohort key. A configured cohort must open; one
 * found in the keystore that does not is logged and left out.
 */
static int
load_cohort(ntag424_ks_t *ks, struct metaset *m, const char *name,
    bool must, char *err, size_t errlen)
{
	uint8_t		key[16];
	uint32_t	latest, v, got;
	int		r;

	if ((r = ntag424_ks_cohort_get(ks, name, 0, key, &latest)) !=
	    NTAG424_OK) {
		snprintf(err, errlen, "cohort key %s: %s", name,
		    ntag424_ks_errmsg(ks));
		if (!must)
			log_msg(PLOG_ERROR, "%s", err);
		return must ? r : NTAG424_OK;
	}
	for (v = 1; v <= latest && r == NTAG424_OK; v++) {
		if (ntag424_ks_cohort_get(ks, name, v, key, &got) == NTAG424_OK)
			r = meta_add(m, key, true);
		else
			log_msg(PLOG_ERROR, "cohort key %s version %u left out: "
			    "%s", name, (unsigned)v, ntag424_ks_errmsg(ks));
	}
	wipe(key, sizeof(key));
	if (r != NTAG424_OK)
		snprintf(err, errlen, "out of memory");
	return r;
}

/* The configured cohorts, then every other cohort in the keystore. */
static int
load_cohorts(ntag424_ks_t *ks, struct metaset *m,
    char *const *cohorts, size_t ncohorts, char *err, size_t errlen)
{
	struct names	w = { NULL, 0, 0 };
	size_t		i;
	int		r = NTAG424_OK;

	for (i = 0; i < ncohorts && r == NTAG424_OK; i++)
		r = load_cohort(ks, m, cohorts[i], true, err, errlen);
	if (r == NTAG424_OK &&
	    (r = ntag424_ks_cohort_foreach(ks, name_fn, &w)) != NTAG424_OK)
		snprintf(err, errlen, "%s", r == NTAG424_ERR_NOMEM ?
		    "out of memory" : ntag424_ks_errmsg(ks));
	for (i = 0; i < w.n && r == NTAG424_OK; i++)
		r = load_cohort(ks, m, w.v[i], false, err, errlen);
	free(w.v);
	m->ncohort = m->n;
	return r;
}

struct uids {
	uint8_t		(*v)[NTAG424_UID_LEN];
	size_t		  n, cap;
};

static int
uid_fn(const uint8_t *uid, void *arg)
{
	struct uids	*w = arg;
	void		*p;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		if ((p = realloc(w->v, w->cap * NTAG424_UID_LEN)) == NULL)
			return NTAG424_ERR_NOMEM;
		w->v = p;
	}
	memcpy(w->v[w->n++], uid, NTAG424_UID_LEN);
	return 0;
}

/*
 * Per-tag meta-read keys (only when asked for): one walk over every tag
 * and one key read per tag, so it costs what the keystore holds. A key
 * that does not open is logged with its UID.
 */
static int
load_tag_meta(vd_tags_t *t, ntag424_ks_t *ks, struct metaset *m, char *err,
    size_t errlen)
{
	struct uids	w = { NULL, 0, 0 };
	uint8_t		key[16];
	char		hex[2 * NTAG424_UID_LEN + 1];
	int		r;

	if ((r = ntag424_ks_uid_foreach(ks, NTAG424_KS_PROVISIONED, uid_fn,
	    &w)) != NTAG424_OK)
		snprintf(err, errlen, "%s", r == NTAG424_ERR_NOMEM ?
		    "out of memory" : ntag424_ks_errmsg(ks));
	for (size_t i = 0; i < w.n && r == NTAG424_OK; i++) {
		int kr = ntag424_ks_key_get(ks, w.v[i], t->meta_keyno,
		    NTAG424_KS_CURRENT, key, NULL);

		if (kr == NTAG424_OK)
			r = meta_add(m, key, false);
		else if (kr != NTAG424_ERR_NOT_FOUND) {
			uid_text(w.v[i], hex);
			log_msg(PLOG_ERROR, "tag %s: its meta-read key (key %u) "
			    "left out: %s", hex, (unsigned)t->meta_keyno,
			    ntag424_ks_errmsg(ks));
		}
	}
	wipe(key, sizeof(key));
	free(w.v);
	if (r == NTAG424_ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	return r;
}

/* Build the meta-read key list from ks, then swap it in. */
static int
load_meta(vd_tags_t *t, ntag424_ks_t *ks, char *const *cohorts,
    size_t ncohorts, char *err, size_t errlen)
{
	struct metaset	m, old;
	int		r;

	memset(&m, 0, sizeof(m));
	if ((r = load_cohorts(ks, &m, cohorts, ncohorts, err, errlen)) !=
	    NTAG424_OK || (t->per_tag_meta &&
	    (r = load_tag_meta(t, ks, &m, err, errlen)) != NTAG424_OK)) {
		meta_free(&m);
		return r;
	}
	pthread_rwlock_wrlock(&t->meta_lock);
	old = t->meta;
	t->meta = m;
	pthread_rwlock_unlock(&t->meta_lock);
	meta_free(&old);
	t->meta_loaded = now_ms();
	return NTAG424_OK;
}

/*
 * Templates are only added, never removed while serving: request threads
 * read them without a lock (only setup and vd_tags_reload add them, one
 * thread at a time).
 */
static int
add_template(vd_tags_t *t, const char *text, char *err, size_t errlen)
{
	ntag424_template_opts_t	 opts;
	ntag424_template_t	*tp;
	const char		*url, *p, *q;
	size_t			 len, n = atomic_load(&t->ntpl);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t->text[i], text) == 0)
			return NTAG424_OK;
	if (n >= TPL_MAX || (tp = ntag424_template_new()) == NULL) {
		snprintf(err, errlen, "too many templates (at most %d)",
		    TPL_MAX);
		return NTAG424_ERR_ARG;
	}
	/* AES and LRP tags are told apart by the length of {picc}. */
	ntag424_template_opts_init(&opts);
	opts.mode = t->sdm_mode;
	if (ntag424_template_compile(tp, text, &opts) != NTAG424_OK) {
		snprintf(err, errlen, "template %s: %s", text,
		    ntag424_template_error(tp, NULL));
		ntag424_template_free(&tp);
		return NTAG424_ERR_TEMPLATE;
	}
	url = ntag424_template_url(tp);
	p = (p = strstr(url, "://")) != NULL ? strchr(p + 3, '/') : NULL;
	if (p == NULL)
		p = "/";
	len = (q = strchr(p, '?')) != NULL ? (size_t)(q - p) : strlen(p);
	if (len >= PATH_LEN)
		len = PATH_LEN - 1;
	memcpy(t->path[n], p, len);
	t->path[n][len] = '\0';
	if ((t->text[n] = strdup(text)) == NULL) {
		ntag424_template_free(&tp);
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	t->tpl[n] = tp;
	atomic_store(&t->ntpl, n + 1);
	return NTAG424_OK;
}

struct tplw {
	vd_tags_t	*t;
	char		*err;
	size_t		 errlen;
};

static int
tpl_fn(const char *text, void *arg)
{
	struct tplw *w = arg;

	return add_template(w->t, text, w->err, w->errlen);
}

/* The configured templates, then the provisioned tags' (one query). */
static int
load_templates(vd_tags_t *t, ntag424_ks_t *ks, char *const *tpl, size_t n,
    char *err, size_t errlen)
{
	struct tplw	w = { t, err, errlen };
	int		r = NTAG424_OK;

	for (size_t i = 0; i < n && r == NTAG424_OK; i++)
		r = add_template(t, tpl[i], err, errlen);
	if (r == NTAG424_OK &&
	    (r = ntag424_ks_template_foreach(ks, tpl_fn, &w)) ==
	    NTAG424_ERR_STORE)
		snprintf(err, errlen, "%s", ntag424_ks_errmsg(ks));
	return r;
}

int
vd_tags_reload_meta(vd_tags_t *t)
{
	struct handle	*h = &t->h[0];
	char		 err[VD_REASON_MAX];
	int		 r = NTAG424_OK;

	pthread_mutex_lock(&h->lock);
	if (now_ms() - t->meta_loaded >= REFRESH_MS) {
		if (h->ks == NULL && reopen(t, h, err, sizeof(err)) !=
		    NTAG424_OK)
			r = NTAG424_ERR_STORE;
		else if ((r = load_meta(t, h->ks, NULL, 0, err,
		    sizeof(err))) == NTAG424_ERR_STORE && gone(h) &&
		    reopen(t, h, err, sizeof(err)) == NTAG424_OK)
			r = load_meta(t, h->ks, NULL, 0, err, sizeof(err));
		t->meta_loaded = now_ms();
		if (r != NTAG424_OK)
			log_msg(PLOG_ERROR, "tag directory: reloading the "
			    "meta-read keys failed: %s", err);
		if (r == NTAG424_ERR_STORE)
			health(t, false, err);
		else if (r == NTAG424_OK)
			r = 1;
	}
	pthread_mutex_unlock(&h->lock);
	return r;
}

/* Put a new connection in h, the old one comes back in *ks. */
static void
swap_handle(struct handle *h, ntag424_ks_t **ks)
{
	ntag424_ks_t *old;

	pthread_mutex_lock(&h->lock);
	old = h->ks;
	h->ks = *ks;
	*ks = old;
	wipe(h->master, sizeof(h->master));
	h->nmaster = 0;
	pthread_mutex_unlock(&h->lock);
}

int
vd_tags_reload(vd_tags_t *t, const struct vd_config *c, char *err,
    size_t errlen)
{
	ntag424_ks_t	*ks[NHANDLE] = { NULL };
	size_t		 i;
	int		 r = NTAG424_OK;

	for (i = 0; i < NHANDLE && r == NTAG424_OK; i++)
		r = open_handle(t, &ks[i], err, errlen);
	if (r == NTAG424_OK) {
		pthread_mutex_lock(&t->h[0].lock);
		if ((r = load_meta(t, ks[0], c->cohorts, c->ncohorts, err,
		    errlen)) == NTAG424_OK)
			r = load_templates(t, ks[0], c->templates,
			    c->ntemplates, err, errlen);
		pthread_mutex_unlock(&t->h[0].lock);
	}
	if (r == NTAG424_OK) {
		for (i = 0; i < NHANDLE; i++)
			swap_handle(&t->h[i], &ks[i]);
		atomic_fetch_add(&t->epoch, 1);
		health(t, true, NULL);
		vd_cache_clear(t->known);
		vd_cache_clear(t->unknown);
	}
	for (i = 0; i < NHANDLE; i++)
		ntag424_ks_free(&ks[i]);
	return r;
}

int
vd_tags_health(vd_tags_t *t, char *why, size_t cap)
{
	struct handle	*h = &t->h[0];
	char		 err[VD_REASON_MAX];

	if (atomic_load(&t->healthy))
		return 0;
	/* Probe at most once a second, and never behind a slow miss. */
	if (now_ms() - atomic_load(&t->probed) >= REFRESH_MS &&
	    pthread_mutex_trylock(&h->lock) == 0) {
		if ((h->ks == NULL || gone(h)) &&
		    reopen(t, h, err, sizeof(err)) != NTAG424_OK)
			health(t, false, err);
		else
			health(t, true, NULL);
		pthread_mutex_unlock(&h->lock);
	}
	if (atomic_load(&t->healthy))
		return 0;
	pthread_mutex_lock(&t->why_lock);
	snprintf(why, cap, "%s", t->why);
	pthread_mutex_unlock(&t->why_lock);
	return -1;
}

static int
setup(vd_tags_t *t, const struct vd_config *c, char *err, size_t errlen)
{
	ntag424_template_opts_t	opts;
	int			r;

	ntag424_template_opts_init(&opts);
	t->file_keyno = opts.file_read;
	t->meta_keyno = opts.meta_read;
	t->sdm_mode = c->require_lrp ? NTAG424_SDM_LRP : NTAG424_SDM_ANY;
	t->per_tag_meta = c->per_tag_meta;
	if ((c->db != NULL && (t->db = strdup(c->db)) == NULL) ||
	    (c->kek_file != NULL &&
	    (t->kek_file = strdup(c->kek_file)) == NULL) ||
	    (t->known = vd_cache_new(VD_TAG_CACHE, VD_DIR_TAGS)) == NULL ||
	    (t->unknown = vd_cache_new(VD_UNKNOWN_CACHE, VD_DIR_UNKNOWN)) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	if (random_bytes(t->dummy, sizeof(t->dummy)) != 0) {
		snprintf(err, errlen, "RAND_bytes failed");
		return NTAG424_ERR_CRYPTO;
	}
	for (size_t i = 0; i < NHANDLE; i++)
		if ((r = open_handle(t, &t->h[i].ks, err, errlen)) != NTAG424_OK)
			return r;
	if ((r = load_meta(t, t->h[0].ks, c->cohorts, c->ncohorts, err,
	    errlen)) != NTAG424_OK ||
	    (r = load_templates(t, t->h[0].ks, c->templates, c->ntemplates,
	    err, errlen)) != NTAG424_OK)
		return r;
	if (atomic_load(&t->ntpl) == 0) {
		snprintf(err, errlen, "no URL template: give --template, or "
		    "provision a tag into the keystore first");
		return NTAG424_ERR_ARG;
	}
	return NTAG424_OK;
}

int
vd_tags_open(vd_tags_t **tp, const struct vd_config *c, char *err,
    size_t errlen)
{
	vd_tags_t	*t;
	int		 r;

	*tp = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	for (size_t i = 0; i < NHANDLE; i++)
		pthread_mutex_init(&t->h[i].lock, NULL);
	pthread_mutex_init(&t->why_lock, NULL);
	atomic_init(&t->probed, 0);
	pthread_rwlock_init(&t->meta_lock, NULL);
	atomic_init(&t->ntpl, 0);
	atomic_init(&t->epoch, 0);
	atomic_init(&t->healthy, true);
	if ((r = setup(t, c, err, errlen)) != NTAG424_OK) {
		vd_tags_free(&t);
		return r;
	}
	log_msg(PLOG_INFO, "%zu meta-read keys (%zu cohort%s), %zu templates; "
	    "tags are read when first tapped (cache of %d)", t->meta.n,
	    t->meta.ncohort, t->per_tag_meta ? ", the rest per tag" : "",
	    atomic_load(&t->ntpl), VD_TAG_CACHE);
	*tp = t;
	return NTAG424_OK;
}

void
vd_tags_free(vd_tags_t **tp)
{
	vd_tags_t	*t;
	size_t		 n;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	vd_cache_free(&t->known);
	vd_cache_free(&t->unknown);
	meta_free(&t->meta);
	n = atomic_load(&t->ntpl);
	for (size_t i = 0; i < n; i++) {
		ntag424_template_free(&t->tpl[i]);
		free(t->text[i]);
	}
	for (size_t i = 0; i < NHANDLE; i++) {
		ntag424_ks_free(&t->h[i].ks);
		pthread_mutex_destroy(&t->h[i].lock);
	}
	free(t->db);
	free(t->kek_file);
	pthread_mutex_destroy(&t->why_lock);
	pthread_rwlock_destroy(&t->meta_lock);
	wipe(t, sizeof(*t));
	free(t);
	*tp = NULL;
}

size_t
vd_tags_ntemplates(vd_tags_t *t)
{
	return atomic_load(&t->ntpl);
}

const ntag424_template_t *
vd_tags_template(vd_tags_t *t, size_t i)
{
	return i < atomic_load(&t->ntpl) ? t->tpl[i] : NULL;
}

const char *
vd_tags_template_path(vd_tags_t *t, size_t i)
{
	return i < atomic_load(&t->ntpl) ? t->path[i] : NULL;
}

const uint8_t *
vd_tags_dummy_key(const vd_tags_t *t)
{
	return t->dummy;
}
