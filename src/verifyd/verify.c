/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verification pipeline, up to the counter: route -> parse -> PICCData
 * (meta-read keys tried in order) -> the tag's keys -> MAC in constant time.
 * The counter advance and its verdict come back through vd_verify_settle
 * once the group commit has made it durable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/prim.h"
#include "verifyd/verifyd.h"

#define META_CTX	4	/* meta-read keys kept expanded per thread */

static const char unknown_reason[] =
    "no provisioned tag with this UID in the keystore";
static const char revoked_reason[] =
    "this tag was revoked by its owner: its taps are not accepted";

struct vd_verifier {
	vd_tags_t		*tags;
	ntag424_sun_ctx_t	*meta[META_CTX];
	uint8_t			 meta_key[META_CTX][16];
	bool			 meta_set[META_CTX];
	ntag424_sun_ctx_t	*scratch;	/* meta-read keys beyond those */
	ntag424_sun_ctx_t	*file;
};

vd_verifier_t *
vd_verifier_new(vd_tags_t *tags)
{
	vd_verifier_t *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->tags = tags;
	for (size_t i = 0; i < META_CTX; i++)
		if ((v->meta[i] = ntag424_sun_ctx_new()) == NULL)
			goto fail;
	if ((v->scratch = ntag424_sun_ctx_new()) == NULL ||
	    (v->file = ntag424_sun_ctx_new()) == NULL)
		goto fail;
	return v;
fail:
	vd_verifier_free(&v);
	return NULL;
}

void
vd_verifier_free(vd_verifier_t **vp)
{
	vd_verifier_t *v;

	if (vp == NULL || (v = *vp) == NULL)
		return;
	for (size_t i = 0; i < META_CTX; i++)
		ntag424_sun_ctx_free(&v->meta[i]);
	ntag424_sun_ctx_free(&v->scratch);
	ntag424_sun_ctx_free(&v->file);
	wipe(v, sizeof(*v));
	free(v);
	*vp = NULL;
}

void
vd_result_clear(struct vd_result *r)
{
	wipe(r, sizeof(*r));
}

static int
verdict(struct vd_result *res, int v, const char *field, const char *fmt,
    const char *arg)
{
	res->verdict = v;
	if (field != NULL)
		snprintf(res->field, sizeof(res->field), "%s", field);
	if (fmt != NULL)
		snprintf(res->reason, sizeof(res->reason), fmt, arg);
	return 0;
}

int
vd_verify_serves(vd_verifier_t *v, const char *path, size_t len)
{
	const char *p;

	for (size_t i = 0; i < vd_tags_ntemplates(v->tags); i++) {
		p = vd_tags_template_path(v->tags, i);
		if (strlen(p) == len && memcmp(p, path, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * The first template serving path (any, for a whole URL) that parses; if
 * none does, the first one's complaint.
 */
static int
parse(vd_verifier_t *v, const char *path, const char *q, size_t qlen,
    ntag424_sun_t *sun, struct vd_result *res)
{
	ntag424_sun_t	 first;
	bool		 tried = false;
	const char	*p;

	for (size_t i = 0; i < vd_tags_ntemplates(v->tags); i++) {
		p = vd_tags_template_path(v->tags, i);
		if (path != NULL && strcmp(p, path) != 0)
			continue;
		if (ntag424_sun_parse(vd_tags_template(v->tags, i), q, qlen,
		    sun) == NTAG424_OK)
			return 1;
		if (!tried)
			first = *sun;
		tried = true;
	}
	if (!tried)
		return verdict(res, VD_MALFORMED, "url", "no template serves "
		    "this URL%s", "");
	verdict(res, VD_MALFORMED, first.field, "%s", first.reason);
	ntag424_sun_clear(&first);
	return 0;
}

/* The meta-read context for key i, expanded on first use or change. */
static ntag424_sun_ctx_t *
meta_ctx(vd_verifier_t *v, size_t i, const uint8_t key[16])
{
	ntag424_sun_ctx_t *ctx = i < META_CTX ? v->meta[i] : v->scratch;

	if (i < META_CTX && v->meta_set[i] &&
	    memcmp(v->meta_key[i], key, 16) == 0)
		return ctx;
	if (ntag424_sun_ctx_set_meta_key(ctx, key) != NTAG424_OK)
		return NULL;
	if (i < META_CTX) {
		memcpy(v->meta_key[i], key, 16);
		v->meta_set[i] = true;
	}
	return ctx;
}

/*
 * Try the meta-read keys from *next on PICCData: 1 decrypted (*next is then
 * the key after the one that fitted), 0 none, < 0 error. PICCDataTag is
 * one byte, so a wrong key fits one time in 256: the caller goes on with
 * the next key when the UID it gave is not a tag of ours.
 */
static int
try_meta(vd_verifier_t *v, ntag424_sun_t *sun, size_t *next)
{
	uint8_t			 key[16];
	ntag424_sun_ctx_t	*ctx;
	size_t			 first = *next;
	int			 r = 0;

	while (r == 0 && vd_tags_meta_key(v->tags, *next, key) == 0) {
		if ((ctx = meta_ctx(v, *next, key)) == NULL)
			r = NTAG424_ERR_CRYPTO;
		else if (ntag424_sun_decrypt_picc(ctx, sun) == NTAG424_OK)
			r = 1;
		(*next)++;
	}
	vd_metrics_meta_tried(*next - first);
	wipe(key, sizeof(key));
	return r;
}

/*
 * The UID and counter: the plain mirrors, or PICCData decrypted with the
 * meta-read keys from *next on. *reloaded: the keystore was read again.
 */
static int
identify(vd_verifier_t *v, ntag424_sun_t *sun, size_t *next, bool *reloaded,
    struct vd_result *res)
{
	int r, rr;

	if (*next == 0 && sun->has_uid)
		r = ntag424_sun_decrypt_picc(v->file, sun) == NTAG424_OK;
	else if ((r = try_meta(v, sun, next)) == 0 && !*reloaded) {
		*reloaded = true;	/* a cohort (or tag) added since */
		if ((rr = vd_tags_reload_meta(v->tags)) == NTAG424_ERR_STORE)
			return verdict(res, VD_STORE_ERROR, NULL, "%s", "the "
			    "keystore cannot be read; nothing was accepted");
		if (rr == 1) {	/* a new list: from its first key */
			*next = 0;
			r = try_meta(v, sun, next);
		}
	}
	if (r == 1 && sun->has_uid && sun->has_read_ctr)
		return 1;
	if (r == 1)
		return verdict(res, VD_KEY_UNAVAILABLE, NULL, "the template "
		    "mirrors no UID or no counter%s", "");
	if (r < 0)
		return verdict(res, VD_KEY_UNAVAILABLE, NULL, "%s",
		    "OpenSSL failed");
	if (*next == 0)
		return verdict(res, VD_KEY_UNAVAILABLE, NULL, "no meta-read key "
		    "to decrypt PICCData: configure a cohort key%s", "");
	return verdict(res, VD_BAD_MAC, NULL, "PICCData does not decrypt "
	    "under any meta-read key%s", "");
}

/* The MAC under the tag's key, or a dummy key for an unknown UID. */
static int
check_mac(vd_verifier_t *v, ntag424_sun_t *sun, const struct vd_tagkeys *k)
{
	const uint8_t *key;

	key = k->status == VD_TAG_OK ? k->file_key : vd_tags_dummy_key(v->tags);
	if (ntag424_sun_ctx_set_file_key(v->file, key) != NTAG424_OK)
		return NTAG424_ERR_CRYPTO;
	return ntag424_sun_check_mac(v->file, sun);
}

/*
 * Look the UID up and check the MAC. An unknown UID still gets the full
 * MAC computation, with a dummy key, so that it answers in the time a bad
 * MAC takes. After a bad MAC the tag is read again (at most once a second)
 * in case it was re-provisioned with new keys.
 */
static int
authenticate(vd_verifier_t *v, ntag424_sun_t *sun, int refresh,
    struct vd_tagkeys *k, struct vd_result *res)
{
	int64_t	loaded;
	int	r;

	if (vd_tags_lookup(v->tags, sun->uid, refresh, k, res->reason,
	    sizeof(res->reason)) != NTAG424_OK)
		return res->verdict = VD_STORE_ERROR, 0;
	r = check_mac(v, sun, k);
	loaded = k->loaded;
	if (r == NTAG424_ERR_BAD_MAC && k->status == VD_TAG_OK &&
	    refresh == 0) {
		if (vd_tags_lookup(v->tags, sun->uid, 1, k, res->reason,
		    sizeof(res->reason)) != NTAG424_OK)
			return res->verdict = VD_STORE_ERROR, 0;
		if (k->loaded != loaded && k->status == VD_TAG_OK)
			r = check_mac(v, sun, k);
	}
	if (k->status == VD_TAG_UNKNOWN)
		return verdict(res, VD_UNKNOWN_TAG, NULL, "%s", unknown_reason);
	if (k->status == VD_TAG_NO_KEY)
		return verdict(res, VD_KEY_UNAVAILABLE, NULL, "%s", "this tag's "
		    "keys cannot be read from the keystore (the server log "
		    "says why); nothing was accepted");
	if (r == NTAG424_OK)
		return 1;
	if (r == NTAG424_ERR_BAD_MAC)
		return verdict(res, VD_BAD_MAC, NULL, "%s", "the MAC does not "
		    "verify: the URL was altered or not made by this tag");
	return verdict(res, VD_KEY_UNAVAILABLE, NULL, "%s", ntag424_strerror(r));
}

/*
 * The directory says revoked: read the tag again before saying so, as it
 * may have been unrevoked since (a revoked tag's taps are rare, and each
 * costs one read, as each replay costs one commit). On a store failure
 * the cached answer stands; if it was re-provisioned meanwhile, the
 * commit says stale and the request is verified again.
 */
static bool
still_revoked(vd_verifier_t *v, const ntag424_sun_t *sun,
    struct vd_tagkeys *k)
{
	char reason[VD_REASON_MAX];

	if (vd_tags_lookup(v->tags, sun->uid, 2, k, reason,
	    sizeof(reason)) != NTAG424_OK)
		return true;
	return k->revoked;
}

static void
fill_valid(const ntag424_sun_t *sun, const struct vd_tagkeys *k,
    struct vd_result *res, struct ntag424_ks_advance *adv)
{
	memcpy(res->uid, sun->uid, NTAG424_UID_LEN);
	res->has_uid = true;
	res->ctr = sun->read_ctr;
	res->generation = k->generation;
	memcpy(res->file_data, sun->file_data, sun->file_data_len);
	res->file_data_len = sun->file_data_len;
	memset(adv, 0, sizeof(*adv));
	memcpy(adv->uid, sun->uid, NTAG424_UID_LEN);
	adv->generation = k->generation;
	adv->ctr = sun->read_ctr;
}

int
vd_verify(vd_verifier_t *v, const char *path, const char *query,
    size_t qlen, int refresh, struct vd_result *res,
    struct ntag424_ks_advance *adv)
{
	ntag424_sun_t		sun;
	struct vd_tagkeys	k;
	size_t			next = 0;
	bool			plain, reloaded = false, unknown = false;
	int			r = 0;

	memset(res, 0, sizeof(*res));
	memset(&k, 0, sizeof(k));
	res->time = (int64_t)time(NULL);
	if (parse(v, path, query, qlen, &sun, res) != 1)
		goto out;
	plain = sun.has_uid;
	for (;;) {
		if (identify(v, &sun, &next, &reloaded, res) != 1) {
			if (unknown)	/* no other key fits either */
				verdict(res, VD_UNKNOWN_TAG, NULL, "%s",
				    unknown_reason);
			goto out;
		}
		r = authenticate(v, &sun, refresh, &k, res);
		if (plain || r == 1 || res->verdict != VD_UNKNOWN_TAG)
			break;
		/* Maybe a wrong key that happened to fit: try the others. */
		unknown = true;
		res->verdict = 0;
		res->reason[0] = '\0';
	}
	if (r == 1)
		fill_valid(&sun, &k, res, adv);
	if (r == 1 && k.revoked && still_revoked(v, &sun, &k)) {
		/* Genuine, so it may say so; its counter is not advanced. */
		r = verdict(res, VD_REVOKED, NULL, "%s", revoked_reason);
		wipe(res->file_data, sizeof(res->file_data));
		res->file_data_len = 0;
	}
out:
	ntag424_sun_clear(&sun);
	wipe(&k, sizeof(k));
	return r;
}

/*
 * A replay's reason says which: this very URL was accepted before (the
 * stored counter is its own), or a later tap of the tag was accepted first
 * (the stored counter is above it), so this one can never be.
 */
static const char *
replay_reason(const struct ntag424_ks_advance *a)
{
	if (a->outcome == NTAG424_KS_STALE)
		return "this URL is from an earlier provisioning of the tag";
	if (a->stored > a->ctr)
		return "a later tap of this tag was already accepted: this "
		    "older URL can no longer be";
	return "counter not above the last accepted one: this URL was used "
	    "before";
}

void
vd_verify_settle(struct vd_result *res, const struct vd_advance *a)
{
	if (a->err != NTAG424_OK) {
		res->verdict = VD_STORE_ERROR;
		snprintf(res->reason, sizeof(res->reason), "%s", a->errmsg);
	} else if (a->a.outcome == NTAG424_KS_ADVANCED)
		res->verdict = VD_VALID;
	else if (a->a.outcome == NTAG424_KS_TAMPERED) {
		res->verdict = VD_STORE_ERROR;
		snprintf(res->reason, sizeof(res->reason), "%s", "the keystore's "
		    "record of this tag failed its integrity check: nothing was "
		    "accepted");
	} else if (a->a.outcome == NTAG424_KS_REVOKED) {
		res->verdict = VD_REVOKED;
		snprintf(res->reason, sizeof(res->reason), "%s", revoked_reason);
	} else {
		res->verdict = VD_REPLAY;
		snprintf(res->reason, sizeof(res->reason), "%s",
		    replay_reason(&a->a));
	}
	if (res->verdict != VD_VALID) {
		wipe(res->file_data, sizeof(res->file_data));
		res->file_data_len = 0;
	}
}
