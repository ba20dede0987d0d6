/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keys from other tools' files (import_text.h), stored in one transaction
 * so that a bad record leaves nothing of its file behind; and forgetting a
 * tag that was wiped or lost elsewhere.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/prim.h"
#include "keystore/import_text.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

/* Imported keys with a template are checked as a --template tag is. */
#define IMPORTED_NAME	"template"

static int
add_keys(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    struct ntag424_ks_import_stats *st)
{
	int added, r;

	for (int n = 0; n < NTAG424_KS_NKEYS; n++) {
		if ((k->mask & (1u << n)) == 0)
			continue;
		if ((r = ks_key_import(ks, k->uid, n, NTAG424_KS_CURRENT,
		    NTAG424_KS_APPLIED, k->version[n], k->key[n], &added)) !=
		    NTAG424_OK)
			return r;
		st->keys_added += (size_t)added;
	}
	return NTAG424_OK;
}

static int
add_tag(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_tag	t;
	int			added, r;

	memset(&t, 0, sizeof(t));
	memcpy(t.uid, k->uid, sizeof(t.uid));
	t.status = NTAG424_KS_IMPORTED;
	if (k->tmpl[0] != '\0') {
		snprintf(t.name, sizeof(t.name), "%s", IMPORTED_NAME);
		snprintf(t.tmpl, sizeof(t.tmpl), "%s", k->tmpl);
	}
	t.created = t.updated = time(NULL);
	if ((r = ks_tag_import(ks, &t, &added)) != NTAG424_OK)
		return r;
	st->tags_added += (size_t)added;
	return add_keys(ks, k, st);
}

static int
set_imported(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    const char *uidhex)
{
	struct db_param p[] = { P_TEXT(uidhex),
	    P_TEXT(k->tmpl[0] ? IMPORTED_NAME : ""), P_TEXT(k->tmpl),
	    P_INT(time(NULL)) };

	int		r;

	if (k->tmpl[0] == '\0')
		p[1].type = p[2].type = DB_NULL;
	if ((r = ks_exec(ks, "importing a tag", "UPDATE tags SET status = "
	    "'imported', name = $2, template = $3, updated = $4 "
	    "WHERE uid = $1", p, 4, NULL)) != NTAG424_OK)
		return r;
	return ks_tag_reseal(ks, uidhex);	/* the row's MAC */
}

/* A factory record here: the tag was changed by another tool since. */
static int
take_over(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    const char *uidhex, struct ntag424_ks_import_stats *st)
{
	int r;

	if ((r = set_imported(ks, k, uidhex)) != NTAG424_OK)
		return r;
	return add_keys(ks, k, st);
}

/* 1 if every stored current key is the file's and no other is stored. */
static int
same_keys(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    const struct ntag424_ks_tag *cur, int *same)
{
	uint8_t	key[NTAG424_KS_KEY_LEN];
	int	r = NTAG424_OK;

	*same = cur->current_mask == k->mask;
	for (int n = 0; n < NTAG424_KS_NKEYS && *same; n++) {
		if ((k->mask & (1u << n)) == 0)
			continue;
		if ((r = ntag424_ks_key_get(ks, k->uid, n, NTAG424_KS_CURRENT,
		    key, NULL)) != NTAG424_OK)
			break;
		*same = ct_equal(key, k->key[n], sizeof(key));
	}
	wipe(key, sizeof(key));
	return r;
}

static int
import_one(ntag424_ks_t *ks, const struct ntag424_ks_tag_keys *k,
    struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_tag	cur;
	char			uidhex[UID_HEX_LEN + 1];
	int			r, same;

	ks_uid_hex(k->uid, uidhex);
	if ((r = ntag424_ks_tag_get(ks, k->uid, &cur)) == NTAG424_ERR_NOT_FOUND)
		return add_tag(ks, k, st);
	if (r != NTAG424_OK)
		return r;
	if (cur.pending_mask != 0 || cur.status == NTAG424_KS_PENDING ||
	    cur.status == NTAG424_KS_RESETTING)
		return ks_fail(ks, NTAG424_ERR_STATE, "line %zu: tag %s is being "
		    "provisioned or reset by provisio (status %s): finish that "
		    "run first", k->line, uidhex,
		    ntag424_ks_status_name(cur.status));
	if (cur.current_mask == 0)
		return take_over(ks, k, uidhex, st);
	if ((r = same_keys(ks, k, &cur, &same)) != NTAG424_OK)
		return r;
	if (!same)
		return ks_fail(ks, NTAG424_ERR_STATE, "line %zu: tag %s is "
		    "already in the keystore with other keys; if the file is "
		    "right, run 'ntag424 keys forget %s --yes' first",
		    k->line, uidhex, uidhex);
	for (int n = 0; n < NTAG424_KS_NKEYS; n++)
		st->keys_same += (k->mask >> n) & 1u;
	/* The same keys again, now with the template they lacked. */
	if (cur.status == NTAG424_KS_IMPORTED && k->tmpl[0] != '\0' &&
	    strcmp(cur.tmpl, k->tmpl) != 0)
		return set_imported(ks, k, uidhex);
	return NTAG424_OK;
}

int
ntag424_ks_import_keys(ntag424_ks_t *ks, const struct ntag424_ks_text *t,
    struct ntag424_ks_import_stats *st)
{
	struct ntag424_ks_import_stats	s;
	int				r;

	memset(&s, 0, sizeof(s));
	if (t == NULL || t->n == 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "nothing to import");
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	for (size_t i = 0; i < t->n; i++)
		if ((r = import_one(ks, &t->v[i], &s)) != NTAG424_OK) {
			ks_rollback(ks);
			return r;
		}
	if ((r = ks_commit(ks)) == NTAG424_OK && st != NULL)
		*st = s;
	return r;
}

static int
forget_locked(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    const char *uidhex, int force)
{
	struct ntag424_ks_journal_entry	e;
	struct ntag424_ks_tag		cur;
	struct db_param			p[] = { P_TEXT(uidhex),
	    P_INT(time(NULL)) };
	int				r;

	if ((r = ntag424_ks_tag_get(ks, uid, &cur)) != NTAG424_OK)
		return r;
	if (!force && (cur.pending_mask != 0 || cur.status ==
	    NTAG424_KS_PENDING || cur.status == NTAG424_KS_RESETTING))
		return ks_fail(ks, NTAG424_ERR_STATE, "a provisioning or reset "
		    "of tag %s is under way (status %s): finish it with "
		    "'ntag424 provision' or 'ntag424 reset', or give --force if "
		    "the tag is gone", uidhex,
		    ntag424_ks_status_name(cur.status));
	memset(&e, 0, sizeof(e));
	memcpy(e.uid, uid, sizeof(e.uid));
	if ((r = ntag424_ks_run_id_new(e.run_id)) != NTAG424_OK)
		return ks_fail(ks, r, "no random run id");
	snprintf(e.step, sizeof(e.step), "forget");
	snprintf(e.outcome, sizeof(e.outcome), "ok");
	e.keyno = -1;
	/* The journal and counters stay: the history, and old URLs stale. */
	if ((r = ks_exec(ks, "forgetting a tag's keys", "DELETE FROM tag_keys "
	    "WHERE uid = $1", p, 1, NULL)) != NTAG424_OK ||
	    (r = ks_exec(ks, "forgetting a tag", "UPDATE tags SET status = "
	    "'factory', name = NULL, template = NULL, key_source = NULL, "
	    "updated = $2 WHERE uid = $1", p, 2, NULL)) != NTAG424_OK ||
	    (r = ks_tag_reseal(ks, uidhex)) != NTAG424_OK)
		return r;
	return ntag424_ks_journal_append(ks, &e);
}

int
ntag424_ks_tag_forget(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    int force)
{
	char	uidhex[UID_HEX_LEN + 1];
	int	r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_need_kek(ks)) != NTAG424_OK ||
	    (r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		return r;
	if ((r = forget_locked(ks, uid, uidhex, force)) != NTAG424_OK) {
		ks_rollback(ks);
		return r;
	}
	return ks_commit(ks);
}
