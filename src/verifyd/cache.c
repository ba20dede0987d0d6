/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded caches of the tag directory (cache.h). Memory is fixed when the
 * cache is made; a lookup takes one of 64 mutexes for the time it takes
 * to compare 8 UIDs and copy one entry.
 */
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "verifyd/cache.h"

#define WAYS		8
#define STRIPES		64

struct slot {
	uint8_t			uid[NTAG424_UID_LEN];
	bool			used;
	int64_t			touched;	/* monotonic ms, for LRU */
	struct vd_tagkeys	k;
};

struct vd_cache {
	struct slot		*slot;		/* nsets * WAYS */
	size_t			 nsets;		/* a power of two */
	int			 kind;		/* VD_DIR_* for the metric */
	uint64_t		 seed;
	pthread_mutex_t		 lock[STRIPES];	/* set i: lock[i % STRIPES] */
};

static size_t
set_of(const vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN])
{
	uint64_t h = 1469598103934665603ULL ^ c->seed;	/* FNV-1a */

	for (size_t i = 0; i < NTAG424_UID_LEN; i++)
		h = (h ^ uid[i]) * 1099511628211ULL;
	h ^= h >> 29;
	return (size_t)h & (c->nsets - 1);
}

vd_cache_t *
vd_cache_new(size_t entries, int kind)
{
	vd_cache_t	*c;
	size_t		 nsets = 1;

	while (nsets * 2 * WAYS <= entries)
		nsets *= 2;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->slot = calloc(nsets * WAYS, sizeof(*c->slot))) == NULL ||
	    random_bytes((uint8_t *)&c->seed, sizeof(c->seed)) != 0) {
		free(c->slot);
		free(c);
		return NULL;
	}
	c->nsets = nsets;
	c->kind = kind;
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->lock[i], NULL);
	return c;
}

void
vd_cache_free(vd_cache_t **cp)
{
	vd_cache_t *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	vd_cache_clear(c);
	free(c->slot);
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->lock[i]);
	free(c);
	*cp = NULL;
}

static struct slot *
slot_find(struct slot *s, const uint8_t uid[NTAG424_UID_LEN])
{
	for (size_t w = 0; w < WAYS; w++)
		if (s[w].used && memcmp(s[w].uid, uid, NTAG424_UID_LEN) == 0)
			return &s[w];
	return NULL;
}

bool
vd_cache_get(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN], int64_t now,
    struct vd_tagkeys *k)
{
	size_t		 set = set_of(c, uid);
	struct slot	*e;

	pthread_mutex_lock(&c->lock[set % STRIPES]);
	if ((e = slot_find(&c->slot[set * WAYS], uid)) != NULL) {
		*k = e->k;
		e->touched = now;
	}
	pthread_mutex_unlock(&c->lock[set % STRIPES]);
	return e != NULL;
}

void
vd_cache_put(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN], int64_t now,
    const struct vd_tagkeys *k)
{
	size_t		 set = set_of(c, uid), w;
	struct slot	*s = &c->slot[set * WAYS], *e;

	pthread_mutex_lock(&c->lock[set % STRIPES]);
	if ((e = slot_find(s, uid)) == NULL) {
		e = &s[0];
		for (w = 0; w < WAYS && e->used; w++)
			if (!s[w].used || s[w].touched < e->touched)
				e = &s[w];
		if (!e->used)
			vd_metrics_directory(c->kind, 1);
		e->used = true;
		memcpy(e->uid, uid, NTAG424_UID_LEN);
	}
	e->k = *k;
	e->touched = now;
	pthread_mutex_unlock(&c->lock[set % STRIPES]);
}

void
vd_cache_drop(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN])
{
	size_t		 set = set_of(c, uid);
	struct slot	*e;

	pthread_mutex_lock(&c->lock[set % STRIPES]);
	if ((e = slot_find(&c->slot[set * WAYS], uid)) != NULL) {
		wipe(e, sizeof(*e));
		vd_metrics_directory(c->kind, -1);
	}
	pthread_mutex_unlock(&c->lock[set % STRIPES]);
}

void
vd_cache_clear(vd_cache_t *c)
{
	struct slot *e;

	for (size_t set = 0; set < c->nsets; set++) {
		pthread_mutex_lock(&c->lock[set % STRIPES]);
		for (size_t w = 0; w < WAYS; w++) {
			e = &c->slot[set * WAYS + w];
			if (e->used) {
				wipe(e, sizeof(*e));
				vd_metrics_directory(c->kind, -1);
			}
		}
		pthread_mutex_unlock(&c->lock[set % STRIPES]);
	}
}
