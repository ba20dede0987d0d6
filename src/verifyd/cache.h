/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tag directory's caches (tags.c): a fixed number of entries keyed by
 * UID, set-associative (8 ways), least recently used out, each set
 * guarded by one of 64 mutexes. The set index is a hash keyed with a
 * random seed, so that nobody can choose UIDs that fall into one set.
 */
#ifndef PROVISIO_VERIFYD_CACHE_H
#define PROVISIO_VERIFYD_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "verifyd/verifyd.h"

typedef struct vd_cache vd_cache_t;

/*
 * At most entries entries (rounded down to a power-of-two number of
 * sets); kind is the VD_DIR_* the metric counts them under. NULL if out of
 * memory or RAND_bytes failed.
 */
vd_cache_t *vd_cache_new(size_t entries, int kind);
/* Wipe every entry, free; NULL-safe; sets *cp = NULL. */
void vd_cache_free(vd_cache_t **cp);
/* Copy uid's entry to *k and mark it used at now: true, or false. */
bool vd_cache_get(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN],
    int64_t now, struct vd_tagkeys *k);
/* Insert or replace (a full set gives up its least recently used entry). */
void vd_cache_put(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN],
    int64_t now, const struct vd_tagkeys *k);
void vd_cache_drop(vd_cache_t *c, const uint8_t uid[NTAG424_UID_LEN]);
/* Wipe and forget every entry. */
void vd_cache_clear(vd_cache_t *c);

#endif
