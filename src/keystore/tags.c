/* Tags: status, plan (template, key source), generation, timestamps. */
#include <string.h>
#include <time.h>

#include "keystore/ks.h"
#include "ntag424/err.h"

#define TAG_COLS "uid, status, name, template, key_source, master_version, " \
    "generation, created, updated, provisioned"

static int
source_parse(const char *s)
{
	if (s == NULL)
		return NTAG424_KS_SRC_NONE;
	if (strcmp(s, "random") == 0)
		return NTAG424_KS_SRC_RANDOM;
	if (strcmp(s, "diversified") == 0)
		return NTAG424_KS_SRC_DIVERSIFIED;
	return -1;
}

static void
copy_text(char *dst, size_t cap, const char *src)
{
	if (src == NULL || ks_strcpy(dst, cap, src) != 0)
		dst[0] = '\0';
}

static int
fill(ntag424_ks_t *ks, db_res_t *res, struct ntag424_ks_tag *t)
{
	const struct db_backend *be = ks->be;

	memset(t, 0, sizeof(*t));
	if (ks_uid_parse(be->col_text(res, 0), t->uid) != 0 ||
	    (t->status = ntag424_ks_status_parse(be->col_text(res, 1))) < 0 ||
	    (t->source = source_parse(be->col_text(res, 4))) < 0)
		return ks_fail(ks, NTAG424_ERR_STORE, "a tag row in %s is "
		    "damaged", ks->where);
	copy_text(t->name, sizeof(t->name), be->col_text(res, 2));
	copy_text(t->tmpl, sizeof(t->tmpl), be->col_text(res, 3));
	t->master_version = (uint32_t)be->col_int(res, 5);
	t->generation = (uint32_t)be->col_int(res, 6);
	t->created = be->col_int(res, 7);
	t->updated = be->col_int(res, 8);
	t->provisioned = be->col_int(res, 9);
	return NTAG424_OK;
}

/* Key presence and versions come from the key rows: one source of truth. */
static int
fill_keys(ntag424_ks_t *ks, struct ntag424_ks_tag *t)
{
	char		 uid[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uid) };
	db_res_t	*res = NULL;
	const char	*slot;
	int64_t		 k;
	int		 r;

	ks_uid_hex(t->uid, uid);
	if ((r = ks_query(ks, "reading key versions", "SELECT keyno, slot, "
	    "version FROM tag_keys WHERE uid = $1", p, 1, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "reading key versions", res)) == 1) {
		k = ks->be->col_int(res, 0);
		slot = ks->be->col_text(res, 1);
		if (k < 0 || k >= NTAG424_KS_NKEYS || slot == NULL)
			continue;
		if (strcmp(slot, "current") == 0) {
			t->current_mask |= 1u << k;
			t->key_version[k] = (uint8_t)ks->be->col_int(res, 2);
		} else
			t->pending_mask |= 1u << k;
	}
	ks->be->res_free(res);
	return r;
}

int
ntag424_ks_tag_create(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN])
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_INT(time(NULL)) };

	ks_uid_hex(uid, uidhex);
	return ks_exec(ks, "adding a tag", "INSERT INTO tags (uid, status, "
	    "created, updated) VALUES ($1, 'factory', $2, $2) "
	    "ON CONFLICT (uid) DO NOTHING", p, 2, NULL);
}

int
ntag424_ks_tag_get(ntag424_ks_t *ks, const uint8_t uid[NTAG424_KS_UID_LEN],
    struct ntag424_ks_tag *t)
{
	char		 uidhex[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uidhex) };
	db_res_t	*res = NULL;
	int		 r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_query(ks, "reading a tag", "SELECT " TAG_COLS " FROM tags "
	    "WHERE uid = $1", p, 1, &res)) != NTAG424_OK)
		return r;
	if ((r = ks_next(ks, "reading a tag", res)) == 1)
		r = fill(ks, res, t);
	else if (r == 0)
		r = ks_fail(ks, NTAG424_ERR_NOT_FOUND, "tag %s is not in the "
		    "keystore %s", uidhex, ks->where);
	ks->be->res_free(res);
	if (r == NTAG424_OK)
		r = fill_keys(ks, t);
	return r;
}

static int
updated_one(ntag424_ks_t *ks, int r, int64_t changes, const char *uidhex)
{
	if (r == NTAG424_OK && changes == 0)
		return ks_fail(ks, NTAG424_ERR_NOT_FOUND, "tag %s is not in the "
		    "keystore %s", uidhex, ks->where);
	return r;
}

int
ntag424_ks_tag_set_plan(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], const char *name, const char *tmpl,
    int source, uint32_t master_version)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex), P_TEXT(name), P_TEXT(tmpl),
	    P_TEXT(ntag424_ks_source_name(source)), P_INT(master_version),
	    P_INT(time(NULL)) };
	int64_t		changes = 0;
	int		r;

	if (name == NULL || tmpl == NULL ||
	    strlen(name) > NTAG424_KS_NAME_MAX ||
	    strlen(tmpl) > NTAG424_KS_TEMPLATE_MAX ||
	    (source != NTAG424_KS_SRC_RANDOM &&
	    source != NTAG424_KS_SRC_DIVERSIFIED))
		return ks_fail(ks, NTAG424_ERR_ARG, "invalid tag plan (name, "
		    "template or key source)");
	ks_uid_hex(uid, uidhex);
	r = ks_exec(ks, "recording a tag's plan", "UPDATE tags SET name = $2, "
	    "template = $3, key_source = $4, master_version = $5, updated = $6 "
	    "WHERE uid = $1", p, 6, &changes);
	return updated_one(ks, r, changes, uidhex);
}

int
ntag424_ks_tag_set_status(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN], int status)
{
	char		 uidhex[UID_HEX_LEN + 1];
	struct db_param	 p[] = { P_TEXT(uidhex),
	    P_TEXT(ntag424_ks_status_name(status)), P_INT(time(NULL)) };
	const char	*sql = "UPDATE tags SET status = $2, updated = $3 "
	    "WHERE uid = $1";
	int64_t		 changes = 0;
	int		 r;

	if (ntag424_ks_status_parse(p[1].s) < 0)
		return ks_fail(ks, NTAG424_ERR_ARG, "invalid tag status %d",
		    status);
	if (status == NTAG424_KS_PROVISIONED)
		sql = "UPDATE tags SET status = $2, updated = $3, "
		    "provisioned = $3, generation = generation + 1 "
		    "WHERE uid = $1";
	ks_uid_hex(uid, uidhex);
	r = ks_exec(ks, "changing a tag's status", sql, p, 3, &changes);
	return updated_one(ks, r, changes, uidhex);
}

int
ntag424_ks_tag_foreach(ntag424_ks_t *ks,
    int (*fn)(const struct ntag424_ks_tag *, void *), void *arg)
{
	struct ntag424_ks_tag	 t;
	db_res_t		*res = NULL;
	int			 r;

	if ((r = ks_query(ks, "listing tags", "SELECT " TAG_COLS " FROM tags "
	    "ORDER BY uid", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing tags", res)) == 1) {
		if ((r = fill(ks, res, &t)) != NTAG424_OK ||
		    (r = fill_keys(ks, &t)) != NTAG424_OK ||
		    (r = fn(&t, arg)) != 0)
			break;
	}
	ks->be->res_free(res);
	return r;
}

int
ntag424_ks_template_foreach(ntag424_ks_t *ks,
    int (*fn)(const char *, void *), void *arg)
{
	db_res_t	*res = NULL;
	const char	*tmpl;
	int		 r;

	if ((r = ks_query(ks, "listing templates", "SELECT DISTINCT template "
	    "FROM tags WHERE status = 'provisioned' AND template IS NOT NULL "
	    "ORDER BY template", NULL, 0, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "listing templates", res)) == 1)
		if ((tmpl = ks->be->col_text(res, 0)) != NULL && tmpl[0] != '\0' &&
		    (r = fn(tmpl, arg)) != 0)
			break;
	ks->be->res_free(res);
	return r;
}

static struct db_param
text_or_null(const char *s)
{
	struct db_param p = P_TEXT(s);

	if (s == NULL || s[0] == '\0')
		p.type = DB_NULL;
	return p;
}

int
ks_tag_import(ntag424_ks_t *ks, const struct ntag424_ks_tag *t, int *added)
{
	char		uidhex[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uidhex),
	    P_TEXT(ntag424_ks_status_name(t->status)), text_or_null(t->name),
	    text_or_null(t->tmpl), P_TEXT(ntag424_ks_source_name(t->source)),
	    P_INT(t->master_version), P_INT(t->generation), P_INT(t->created),
	    P_INT(t->updated), P_INT(t->provisioned) };
	int64_t		changes = 0;
	int		r;

	if (t->source == NTAG424_KS_SRC_NONE)
		p[4].type = DB_NULL;
	ks_uid_hex(t->uid, uidhex);
	if ((r = ks_exec(ks, "importing a tag", "INSERT INTO tags (uid, status, "
	    "name, template, key_source, master_version, generation, created, "
	    "updated, provisioned) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10) ON CONFLICT (uid) DO NOTHING", p, 10, &changes)) !=
	    NTAG424_OK)
		return r;
	*added = changes == 1;
	return NTAG424_OK;
}
