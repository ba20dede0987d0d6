/*
 * The tag directory: what the verifier needs per UID (generation and
 * SDMFileRead key), the meta-read keys to try on PICCData, and the URL
 * templates, read from the keystore at start and again on a miss.
 *
 * File-read keys are derived (ntag424_ks_diversify, with the version of
 * the tag's current key) or unsealed once per tag and kept in memory, so the hot path touches the
 * database only for the counter. A UID the keystore does not know is
 * cached as unknown for a second, so that an unknown UID costs what a bad
 * MAC costs (a cache hit and one MAC), not a database query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/prim.h"
#include "verifyd/verifyd.h"

#define TPL_MAX		(2 * VD_LIST_MAX)
#define PATH_LEN	256
#define META_MAX	4096	/* meta-read keys tried on PICCData */
#define REFRESH_MS	1000

struct entry {
	bool			used;
	uint8_t			uid[NTAG424_UID_LEN];
	struct vd_tagkeys	k;
};

struct vd_tags {
	ntag424_ks_t		*ks;
	pthread_mutex_t		 ks_lock;	/* the handle is not thread-safe */
	pthread_rwlock_t	 lock;		/* tab, meta */
	struct entry		*tab;
	size_t			 cap, n;
	uint8_t			(*meta)[16];
	size_t			 nmeta, ncohort;
	int64_t			 meta_loaded;
	ntag424_template_t	*tpl[TPL_MAX];
	char			*text[TPL_MAX];
	char			 path[TPL_MAX][PATH_LEN];
	size_t			 ntpl;
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

static size_t
slot_of(const vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN])
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < NTAG424_UID_LEN; i++)
		h = (h ^ uid[i]) * 1099511628211ULL;
	return (size_t)h & (t->cap - 1);
}

static struct entry *
find(const vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN])
{
	size_t i = slot_of(t, uid);

	while (t->tab[i].used) {
		if (memcmp(t->tab[i].uid, uid, NTAG424_UID_LEN) == 0)
			return &t->tab[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

static int
grow(vd_tags_t *t)
{
	struct entry	*old = t->tab;
	size_t		 oldcap = t->cap, i;

	if ((t->tab = calloc(oldcap * 2, sizeof(*t->tab))) == NULL) {
		t->tab = old;
		return NTAG424_ERR_NOMEM;
	}
	t->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		size_t j = slot_of(t, old[i].uid);
		while (t->tab[j].used)
			j = (j + 1) & (t->cap - 1);
		t->tab[j] = old[i];
	}
	wipe(old, oldcap * sizeof(*old));
	free(old);
	return NTAG424_OK;
}

/* Insert or replace, under the write lock. */
static int
put(vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN],
    const struct vd_tagkeys *k)
{
	struct entry	*e;
	size_t		 i;
	int		 r;

	if ((e = find(t, uid)) == NULL) {
		if (2 * (t->n + 1) > t->cap && (r = grow(t)) != NTAG424_OK)
			return r;
		i = slot_of(t, uid);
		while (t->tab[i].used)
			i = (i + 1) & (t->cap - 1);
		e = &t->tab[i];
		e->used = true;
		memcpy(e->uid, uid, NTAG424_UID_LEN);
		t->n++;
	}
	e->k = *k;
	return NTAG424_OK;
}

/*
 * keystore.h: the file-read key derived with the version of the tag's
 * current key, so a URL of an earlier provisioning fails its MAC.
 */
static int
derive(vd_tags_t *t, const struct ntag424_ks_tag *row, uint8_t key[16])
{
	uint8_t		master[16];
	uint32_t	got;
	int		r;

	if ((r = ntag424_ks_master_get(t->ks, row->master_version, master,
	    &got)) != NTAG424_OK)
		return r;
	r = ntag424_ks_diversify(master, row->uid, t->file_keyno,
	    row->key_version[t->file_keyno], key);
	wipe(master, sizeof(master));
	return r;
}

/* Read one tag's row and file-read key (ks_lock held). */
static int
load_tag(vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN],
    struct vd_tagkeys *k, char *reason, size_t cap)
{
	struct ntag424_ks_tag	row;
	int			r;

	memset(k, 0, sizeof(*k));
	k->loaded = now_ms();
	k->status = VD_TAG_UNKNOWN;
	r = ntag424_ks_tag_get(t->ks, uid, &row);
	if (r == NTAG424_ERR_NOT_FOUND ||
	    (r == NTAG424_OK && row.status != NTAG424_KS_PROVISIONED))
		return NTAG424_OK;
	if (r != NTAG424_OK)
		goto store;
	k->generation = row.generation;
	if ((row.current_mask & (1u << t->file_keyno)) == 0) {
		k->status = VD_TAG_NO_KEY;
		snprintf(reason, cap, "the keystore has no current key %u for "
		    "this tag", (unsigned)t->file_keyno);
		return NTAG424_OK;
	}
	if (row.source == NTAG424_KS_SRC_DIVERSIFIED)
		r = derive(t, &row, k->file_key);
	else
		r = ntag424_ks_key_get(t->ks, uid, t->file_keyno,
		    NTAG424_KS_CURRENT, k->file_key, NULL);
	if (r == NTAG424_ERR_STORE)
		goto store;
	k->status = r == NTAG424_OK ? VD_TAG_OK : VD_TAG_NO_KEY;
	if (r != NTAG424_OK) {
		wipe(k->file_key, sizeof(k->file_key));
		snprintf(reason, cap, "%s", ntag424_ks_errmsg(t->ks));
	}
	return NTAG424_OK;
store:
	snprintf(reason, cap, "%s", ntag424_ks_errmsg(t->ks));
	return NTAG424_ERR_STORE;
}

/*
 * refresh 0: any cached answer will do, but an unknown or keyless entry is
 * re-read after a second; 1 (after a bad MAC): re-read if older than a
 * second; 2 (the store said the generation moved on): re-read now.
 */
static bool
fresh_enough(const struct vd_tagkeys *k, int refresh)
{
	bool young = now_ms() - k->loaded < REFRESH_MS;

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
	struct entry	*e;
	bool		 hit = false;
	int		 r;

	pthread_rwlock_rdlock(&t->lock);
	if ((e = find(t, uid)) != NULL) {
		*k = e->k;
		hit = true;
	}
	pthread_rwlock_unlock(&t->lock);
	if (hit && fresh_enough(k, refresh))
		return NTAG424_OK;
	pthread_mutex_lock(&t->ks_lock);
	r = load_tag(t, uid, k, reason, cap);
	pthread_mutex_unlock(&t->ks_lock);
	if (r != NTAG424_OK)
		return r;
	pthread_rwlock_wrlock(&t->lock);
	r = put(t, uid, k);
	pthread_rwlock_unlock(&t->lock);
	if (r != NTAG424_OK)
		snprintf(reason, cap, "out of memory");
	return r == NTAG424_OK ? NTAG424_OK : NTAG424_ERR_STORE;
}

int
vd_tags_meta_key(vd_tags_t *t, size_t i, uint8_t key[16])
{
	int r = -1;

	pthread_rwlock_rdlock(&t->lock);
	if (i < t->nmeta) {
		memcpy(key, t->meta[i], 16);
		r = 0;
	}
	pthread_rwlock_unlock(&t->lock);
	return r;
}

/* Add a meta-read key unless it is there already (write lock held). */
static void
add_meta(vd_tags_t *t, const uint8_t key[16])
{
	for (size_t i = 0; i < t->nmeta; i++)
		if (memcmp(t->meta[i], key, 16) == 0)
			return;
	if (t->nmeta < META_MAX)
		memcpy(t->meta[t->nmeta++], key, 16);
	else
		log_msg(PLOG_WARN, "more than %d meta-read keys: use a cohort "
		    "key (see ntag424-verifyd(8))", META_MAX);
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

/* Every version of one cohort key (ks_lock held). */
static int
load_cohort(vd_tags_t *t, const char *name, char *err, size_t errlen)
{
	uint8_t		key[16];
	uint32_t	latest, v, got;
	int		r;

	if ((r = ntag424_ks_cohort_get(t->ks, name, 0, key, &latest)) !=
	    NTAG424_OK) {
		snprintf(err, errlen, "cohort key %s: %s", name,
		    ntag424_ks_errmsg(t->ks));
		wipe(key, sizeof(key));
		return r;
	}
	for (v = 1; v <= latest; v++)
		if (ntag424_ks_cohort_get(t->ks, name, v, key, &got) ==
		    NTAG424_OK)
			add_meta(t, key);
	wipe(key, sizeof(key));
	return NTAG424_OK;
}

/*
 * The configured cohorts (each must exist), then every other cohort in the
 * keystore: the presets give each template its own cohort key (ks_lock
 * held).
 */
static int
load_cohorts(vd_tags_t *t, const struct vd_config *c, char *err,
    size_t errlen)
{
	struct names	w = { NULL, 0, 0 };
	size_t		i;
	int		r = NTAG424_OK;

	for (i = 0; i < c->ncohorts && r == NTAG424_OK; i++)
		r = load_cohort(t, c->cohorts[i], err, errlen);
	if (r == NTAG424_OK &&
	    (r = ntag424_ks_cohort_foreach(t->ks, name_fn, &w)) != NTAG424_OK)
		snprintf(err, errlen, "%s", r == NTAG424_ERR_NOMEM ?
		    "out of memory" : ntag424_ks_errmsg(t->ks));
	for (i = 0; i < w.n && r == NTAG424_OK; i++)
		r = load_cohort(t, w.v[i], err, errlen);
	free(w.v);
	t->ncohort = t->nmeta;
	return r;
}

static int
add_template(vd_tags_t *t, const char *text, char *err, size_t errlen)
{
	ntag424_template_opts_t	 opts;
	ntag424_template_t	*tp;
	const char		*url, *p, *q;
	size_t			 len;

	for (size_t i = 0; i < t->ntpl; i++)
		if (strcmp(t->text[i], text) == 0)
			return NTAG424_OK;
	if (t->ntpl >= TPL_MAX || (tp = ntag424_template_new()) == NULL) {
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
	memcpy(t->path[t->ntpl], p, len);
	t->path[t->ntpl][len] = '\0';
	if ((t->text[t->ntpl] = strdup(text)) == NULL) {
		ntag424_template_free(&tp);
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	t->tpl[t->ntpl++] = tp;
	return NTAG424_OK;
}

struct walk {
	uint8_t		(*uids)[NTAG424_UID_LEN];
	size_t		  n, cap;
	char		(*tmpl)[NTAG424_KS_TEMPLATE_MAX + 1];
	size_t		  ntmpl;
};

static int
walk_fn(const struct ntag424_ks_tag *row, void *arg)
{
	struct walk	*w = arg;
	void		*p;
	size_t		 i;

	if (row->status != NTAG424_KS_PROVISIONED)
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		if ((p = realloc(w->uids, w->cap * NTAG424_UID_LEN)) == NULL)
			return NTAG424_ERR_NOMEM;
		w->uids = p;
	}
	memcpy(w->uids[w->n++], row->uid, NTAG424_UID_LEN);
	if (row->tmpl[0] == '\0')
		return 0;
	for (i = 0; i < w->ntmpl; i++)
		if (strcmp(w->tmpl[i], row->tmpl) == 0)
			return 0;
	if (w->ntmpl < VD_LIST_MAX)
		memcpy(w->tmpl[w->ntmpl++], row->tmpl, sizeof(row->tmpl));
	return 0;
}

/*
 * Every provisioned tag: its file-read key into the cache, and its stored
 * meta-read key (random key sources) into the list (ks_lock held, write
 * lock taken here).
 */
static int
load_all(vd_tags_t *t, struct walk *w, char *err, size_t errlen)
{
	struct vd_tagkeys	k;
	uint8_t			meta[16];
	char			reason[VD_REASON_MAX];
	int			r;

	if ((r = ntag424_ks_tag_foreach(t->ks, walk_fn, w)) != NTAG424_OK) {
		snprintf(err, errlen, "%s", r == NTAG424_ERR_NOMEM ?
		    "out of memory" : ntag424_ks_errmsg(t->ks));
		return r;
	}
	for (size_t i = 0; i < w->n; i++) {
		if ((r = load_tag(t, w->uids[i], &k, reason,
		    sizeof(reason))) != NTAG424_OK) {
			snprintf(err, errlen, "%s", reason);
			return r;
		}
		r = ntag424_ks_key_get(t->ks, w->uids[i], t->meta_keyno,
		    NTAG424_KS_CURRENT, meta, NULL);
		pthread_rwlock_wrlock(&t->lock);
		if (r == NTAG424_OK)
			add_meta(t, meta);
		r = put(t, w->uids[i], &k);
		pthread_rwlock_unlock(&t->lock);
		wipe(&k, sizeof(k));
		wipe(meta, sizeof(meta));
		if (r != NTAG424_OK) {
			snprintf(err, errlen, "out of memory");
			return r;
		}
	}
	t->meta_loaded = now_ms();
	return NTAG424_OK;
}

int
vd_tags_reload_meta(vd_tags_t *t)
{
	struct walk	w;
	char		err[VD_REASON_MAX];
	int		r = NTAG424_OK;

	memset(&w, 0, sizeof(w));
	pthread_mutex_lock(&t->ks_lock);
	if (now_ms() - t->meta_loaded >= REFRESH_MS) {
		w.tmpl = calloc(VD_LIST_MAX, sizeof(*w.tmpl));
		r = w.tmpl == NULL ? NTAG424_ERR_NOMEM :
		    load_all(t, &w, err, sizeof(err));
		t->meta_loaded = now_ms();
	}
	pthread_mutex_unlock(&t->ks_lock);
	free(w.uids);
	free(w.tmpl);
	return r;
}

static int
open_store(vd_tags_t *t, const struct vd_config *c, char *err,
    size_t errlen)
{
	struct ntag424_ks_opts	o = { c->db, c->kek_file,
	    NTAG424_KS_NO_CREATE, 0 };
	int			r;

	if ((t->ks = ntag424_ks_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NTAG424_ERR_NOMEM;
	}
	if ((r = ntag424_ks_open(t->ks, &o)) != NTAG424_OK)
		snprintf(err, errlen, "%s", ntag424_ks_errmsg(t->ks));
	return r;
}

static int
setup(vd_tags_t *t, const struct vd_config *c, char *err, size_t errlen)
{
	ntag424_template_opts_t	 opts;
	struct walk		 w;
	size_t			 i;
	int			 r;

	memset(&w, 0, sizeof(w));
	ntag424_template_opts_init(&opts);
	t->file_keyno = opts.file_read;
	t->meta_keyno = opts.meta_read;
	t->sdm_mode = c->require_lrp ? NTAG424_SDM_LRP : NTAG424_SDM_ANY;
	if ((t->tab = calloc(t->cap = 1024, sizeof(*t->tab))) == NULL ||
	    (t->meta = calloc(META_MAX, sizeof(*t->meta))) == NULL ||
	    (w.tmpl = calloc(VD_LIST_MAX, sizeof(*w.tmpl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = NTAG424_ERR_NOMEM;
		goto out;
	}
	if (random_bytes(t->dummy, sizeof(t->dummy)) != 0) {
		snprintf(err, errlen, "RAND_bytes failed");
		r = NTAG424_ERR_CRYPTO;
		goto out;
	}
	if ((r = open_store(t, c, err, errlen)) != NTAG424_OK ||
	    (r = load_cohorts(t, c, err, errlen)) != NTAG424_OK ||
	    (r = load_all(t, &w, err, errlen)) != NTAG424_OK)
		goto out;
	for (i = 0; i < c->ntemplates && r == NTAG424_OK; i++)
		r = add_template(t, c->templates[i], err, errlen);
	for (i = 0; i < w.ntmpl && r == NTAG424_OK; i++)
		r = add_template(t, w.tmpl[i], err, errlen);
	if (r == NTAG424_OK && t->ntpl == 0) {
		snprintf(err, errlen, "no URL template: give --template, or "
		    "provision a tag into the keystore first");
		r = NTAG424_ERR_ARG;
	}
out:
	free(w.uids);
	free(w.tmpl);
	return r;
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
	pthread_mutex_init(&t->ks_lock, NULL);
	pthread_rwlock_init(&t->lock, NULL);
	if ((r = setup(t, c, err, errlen)) != NTAG424_OK) {
		vd_tags_free(&t);
		return r;
	}
	log_msg(PLOG_INFO, "%zu tags, %zu meta-read keys (%zu cohort), "
	    "%zu templates", t->n, t->nmeta, t->ncohort, t->ntpl);
	*tp = t;
	return NTAG424_OK;
}

void
vd_tags_free(vd_tags_t **tp)
{
	vd_tags_t *t;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	if (t->tab != NULL)
		wipe(t->tab, t->cap * sizeof(*t->tab));
	free(t->tab);
	if (t->meta != NULL)
		wipe(t->meta, META_MAX * sizeof(*t->meta));
	free(t->meta);
	for (size_t i = 0; i < t->ntpl; i++) {
		ntag424_template_free(&t->tpl[i]);
		free(t->text[i]);
	}
	ntag424_ks_free(&t->ks);
	pthread_mutex_destroy(&t->ks_lock);
	pthread_rwlock_destroy(&t->lock);
	wipe(t, sizeof(*t));
	free(t);
	*tp = NULL;
}

size_t
vd_tags_ntemplates(const vd_tags_t *t)
{
	return t->ntpl;
}

const ntag424_template_t *
vd_tags_template(const vd_tags_t *t, size_t i)
{
	return i < t->ntpl ? t->tpl[i] : NULL;
}

const char *
vd_tags_template_path(const vd_tags_t *t, size_t i)
{
	return i < t->ntpl ? t->path[i] : NULL;
}

const uint8_t *
vd_tags_dummy_key(const vd_tags_t *t)
{
	return t->dummy;
}
