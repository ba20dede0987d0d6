/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Adopt: take over a tag that another tool provisioned, whose keys the
 * keystore holds (imported), without changing it. One authentication with
 * the stored key 0, GetFileSettings of the NDEF file, one authentication
 * with each other key its access rights or counter right name, then the
 * NDEF read like a phone: the URL and the SDM offsets give back the
 * template, and the SUN URL verified with the stored meta-read and
 * file-read keys confirms those two without an authentication. A wrong
 * key stops the run at its first refused authentication (or at the URL
 * that does not verify), before anything is recorded; the tag is never
 * written.
 */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "ntag424/auth.h"
#include "ntag424/data.h"
#include "ntag424/err.h"
#include "ntag424/files.h"
#include "ntag424/select.h"
#include "provision_int.h"

/* NLEN(2), header, type length, payload length, type 'U', prefix code. */
#define URI_OFF		7
#define MARKS_MAX	4	/* {macin}, {picc} or {uid} {ctr}, {mac} */

struct mark {
	size_t		pos;		/* in the URL */
	size_t		len;		/* characters replaced */
	const char	*text;		/* the placeholder */
};

static bool
is_key(uint8_t role)
{
	return role <= NTAG424_KEY_MAX;
}

static int
adopt_known(struct run *r, unsigned *have)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	int				 rc;

	if (!r->known) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "import its keys "
		    "first ('ntag424 keys import')");
		return run_fail(r, "lookup", NTAG424_ERR_NOT_FOUND, "this "
		    "tag's keys are not in the keystore");
	}
	if (r->tag.status == NTAG424_PROV_PROVISIONED) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "run 'ntag424 "
		    "check' to verify it");
		return run_fail(r, "lookup", NTAG424_ERR_STATE, "the keystore "
		    "already has this tag as provisioned; nothing to adopt");
	}
	if (r->tag.status == NTAG424_PROV_PENDING ||
	    r->tag.status == NTAG424_PROV_RESETTING) {
		snprintf(r->rep->hint, sizeof(r->rep->hint), "run 'ntag424 "
		    "provision' or 'ntag424 reset' to finish it");
		return run_fail(r, "lookup", NTAG424_ERR_STATE, "a run of "
		    "provisio on this tag was interrupted");
	}
	*have = 0;
	for (uint8_t k = 0; k < NKEYS; k++) {
		rc = ops->key_get(r->p->ctx, r->uid, k, NTAG424_PROV_CURRENT,
		    r->key[k], NULL, NULL);
		if (rc == NTAG424_OK)
			*have |= 1u << k;
		else if (rc == NTAG424_ERR_NOT_FOUND)
			memset(r->key[k], 0, KLEN);
		else
			return run_store_fail(r, "keys", rc, false);
	}
	if ((*have & 1u) == 0)
		return run_fail(r, "keys", NTAG424_ERR_NOT_FOUND, "the keystore "
		    "has no key 0 for this tag");
	return NTAG424_OK;
}

/* Keys the file settings use, beyond key 0 and the SUN keys. */
static unsigned
auth_roles(const ntag424_file_settings_t *fs)
{
	const ntag424_access_t	*a = &fs->access;
	uint8_t			 roles[] = { a->read, a->write, a->read_write,
	    a->change, fs->sdm.enabled ? fs->sdm.ctr_ret : NTAG424_AR_NEVER };
	unsigned		 m = 0;

	for (size_t i = 0; i < sizeof(roles); i++)
		if (is_key(roles[i]))
			m |= 1u << roles[i];
	return m & ~1u;
}

/*
 * Every key that is used and not 00 with the factory key must be stored;
 * each is confirmed by one authentication, key 0 first.
 */
static int
confirm_keys(struct run *r, const ntag424_file_settings_t *fs, unsigned have)
{
	unsigned	need = auth_roles(fs);
	int		rc;

	if (fs->sdm.enabled && is_key(fs->sdm.meta_read))
		need |= 1u << fs->sdm.meta_read;
	if (fs->sdm.enabled && is_key(fs->sdm.file_read))
		need |= 1u << fs->sdm.file_read;
	for (uint8_t k = 1; k < NKEYS; k++)
		if ((need & ~have & (1u << k)) != 0)
			return run_fail(r, "keys", NTAG424_ERR_NOT_FOUND, "the "
			    "tag's file settings use key %u, which the keystore "
			    "does not hold for this tag", k);
	for (uint8_t k = 1; k < NKEYS; k++) {
		if ((auth_roles(fs) & (1u << k)) == 0)
			continue;
		rc = ntag424_auth_ev2_first(r->dev, k, r->key[k]);
		if (rc == 0x91AE || rc == NTAG424_ERR_AUTH)
			r->rep->failed_auths++;
		if (rc != NTAG424_OK)
			return run_fail(r, "adopt", rc, "the tag refused "
			    "authentication with key %u from the keystore; "
			    "nothing was changed", k);
	}
	return NTAG424_OK;
}

static int
add_mark(struct mark *m, size_t *n, uint32_t off, size_t plen, size_t len,
    const char *text)
{
	if (off < URI_OFF || *n >= MARKS_MAX)
		return -1;
	m[*n].pos = off - URI_OFF + plen;
	m[*n].len = len;
	m[*n].text = text;
	(*n)++;
	return 0;
}

/* The placeholders the SDM settings put into the URL, in URL order. */
static int
marks_of(const ntag424_sdm_t *s, size_t plen, struct mark *m, size_t *n)
{
	int bad = 0;

	*n = 0;
	if (!s->enabled || s->enc_file_data || !is_key(s->file_read))
		return -1;
	/* First, so that the sort keeps it before data at the same offset. */
	if (s->mac_input_offset != s->mac_offset)
		bad |= add_mark(m, n, s->mac_input_offset, plen, 0, "{macin}");
	if (is_key(s->meta_read))
		bad |= add_mark(m, n, s->picc_data_offset, plen, 32, "{picc}");
	else if (s->meta_read == NTAG424_AR_FREE) {
		if (s->uid_mirror)
			bad |= add_mark(m, n, s->uid_offset, plen, 14, "{uid}");
		if (s->read_ctr)
			bad |= add_mark(m, n, s->read_ctr_offset, plen, 6,
			    "{ctr}");
	}
	bad |= add_mark(m, n, s->mac_offset, plen, 16, "{mac}");
	for (size_t i = 1; i < *n; i++)		/* few: insertion sort */
		for (size_t j = i; j > 0 && m[j].pos < m[j - 1].pos; j--) {
			struct mark t = m[j];

			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	return bad;
}

/* The URL with the mirrored data replaced by its placeholders. */
static int
template_of(const char *url, const struct mark *m, size_t n, char *out,
    size_t cap)
{
	size_t	at = 0, o = 0, len = strlen(url);
	int	w;

	if (strpbrk(url, "{}") != NULL)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		size_t end = i < n ? m[i].pos : len;

		if (end < at || end > len || (i < n && end + m[i].len > len))
			return -1;
		w = snprintf(out + o, cap - o, "%.*s%s", (int)(end - at),
		    url + at, i < n ? m[i].text : "");
		if (w < 0 || (size_t)w >= cap - o)
			return -1;
		o += (size_t)w;
		at = end + (i < n ? m[i].len : 0);
	}
	return 0;
}

static bool
settings_equal(const ntag424_file_settings_t *a,
    const ntag424_file_settings_t *b)
{
	const ntag424_sdm_t *x = &a->sdm, *y = &b->sdm;

	return a->comm_mode == b->comm_mode &&
	    memcmp(&a->access, &b->access, sizeof(a->access)) == 0 &&
	    x->enabled == y->enabled && x->uid_mirror == y->uid_mirror &&
	    x->read_ctr == y->read_ctr && x->ctr_ret == y->ctr_ret &&
	    x->meta_read == y->meta_read && x->file_read == y->file_read &&
	    x->picc_data_offset == y->picc_data_offset &&
	    x->uid_offset == y->uid_offset &&
	    x->read_ctr_offset == y->read_ctr_offset &&
	    x->mac_input_offset == y->mac_input_offset &&
	    x->mac_offset == y->mac_offset;
}

/*
 * The name the template is stored with: check, sun verify and the verifier
 * take the SDM key roles from it (ntag424_prov_preset_opts()).
 */
static const char *
layout_name(const ntag424_sdm_t *s)
{
	static const char *const names[] = { "template", "boltcard" };
	ntag424_template_opts_t	 o;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)ntag424_prov_preset_opts(names[i], &o);
		/* Plain mirrors ({uid}, {ctr}) have no meta-read key. */
		if ((o.meta_read == s->meta_read || !is_key(s->meta_read)) &&
		    o.file_read == s->file_read)
			return names[i];
	}
	return NULL;
}

static int
read_ndef(struct run *r, uint8_t *file, size_t *len, char *url, size_t cap)
{
	int rc;

	/* A plain read outside any session, as a phone reads it. */
	if ((rc = ntag424_select_file(r->dev, NTAG424_FID_MF)) != NTAG424_OK ||
	    (rc = ntag424_select_application(r->dev)) != NTAG424_OK ||
	    (rc = ntag424_data_read(r->dev, NTAG424_FILE_NDEF,
	    NTAG424_COMM_PLAIN, 0, file, 2)) != NTAG424_OK)
		return run_fail(r, "read NDEF", rc, "reading the NDEF file "
		    "without authentication failed");
	*len = 2 + (size_t)get_u16be(file);
	if (*len < URI_OFF || *len > NTAG424_NDEF_FILE_SIZE ||
	    (rc = ntag424_data_read(r->dev, NTAG424_FILE_NDEF,
	    NTAG424_COMM_PLAIN, 0, file, *len)) != NTAG424_OK ||
	    (rc = ntag424_ndef_url(file, *len, url, cap)) != NTAG424_OK)
		return run_fail(r, "read NDEF", rc == NTAG424_OK ?
		    NTAG424_ERR_MALFORMED : rc, "the NDEF file does not hold "
		    "one URL record");
	return NTAG424_OK;
}

static int
layout_fail(struct run *r, const char *what)
{
	snprintf(r->rep->hint, sizeof(r->rep->hint), "adopt it with "
	    "--reprovision to give it provisio's keys and layout");
	return run_fail(r, "layout", NTAG424_ERR_TEMPLATE, "%s", what);
}

int
adopt_template(const uint8_t *file, size_t len, const ntag424_sdm_t *sdm,
    char *tmpl, size_t cap)
{
	struct mark	m[MARKS_MAX];
	char		url[NTAG424_PROV_URL_MAX];
	size_t		n;

	if (ntag424_ndef_url(file, len, url, sizeof(url)) != NTAG424_OK ||
	    len < URI_OFF)
		return NTAG424_ERR_MALFORMED;
	/* ndef_url checked the payload length (file[4]) against the URL. */
	if (marks_of(sdm, strlen(url) - (size_t)(file[4] - 1), m, &n) != 0 ||
	    template_of(url, m, n, tmpl, cap) != 0)
		return NTAG424_ERR_TEMPLATE;
	return NTAG424_OK;
}

/* The template the tag's NDEF and SDM settings imply, compiled. */
static int
find_template(struct run *r, const ntag424_file_settings_t *fs,
    const char **name, char *tmpl, size_t cap)
{
	ntag424_template_opts_t	opts;
	uint8_t			file[NTAG424_NDEF_FILE_SIZE];
	char			url[NTAG424_PROV_URL_MAX];
	size_t			len = 0;
	int			rc;

	if ((rc = read_ndef(r, file, &len, url, sizeof(url))) != NTAG424_OK)
		return rc;
	if (adopt_template(file, len, &fs->sdm, tmpl, cap) != NTAG424_OK)
		return layout_fail(r, "the tag's URL and SDM settings make no "
		    "template provisio can verify (SUN with {picc} or "
		    "{uid}/{ctr}, and {mac})");
	if ((*name = layout_name(&fs->sdm)) == NULL)
		return layout_fail(r, "the tag's SDM key roles match no preset "
		    "(meta-read key 1, file-read key 3 or 2)");
	ntag424_template_opts_init(&opts);
	/* Plain mirrors: the compiler sets SDMMetaRead E itself. */
	if (is_key(fs->sdm.meta_read))
		opts.meta_read = fs->sdm.meta_read;
	opts.file_read = fs->sdm.file_read;
	opts.ctr_ret = fs->sdm.ctr_ret;
	opts.access = fs->access;
	opts.comm_mode = fs->comm_mode;
	if ((r->own_tpl = ntag424_template_new()) == NULL)
		return run_fail(r, "template", NTAG424_ERR_NOMEM, "out of "
		    "memory");
	if (ntag424_template_compile(r->own_tpl, tmpl, &opts) != NTAG424_OK ||
	    !settings_equal(ntag424_template_settings(r->own_tpl), fs))
		return layout_fail(r, "the template read back from the tag does "
		    "not give the tag's own SDM settings");
	r->tpl = r->own_tpl;
	return NTAG424_OK;
}

/* The stored keys with the versions the tag has; then provisioned. */
static int
record(struct run *r, const char *name, const char *tmpl, unsigned have)
{
	const ntag424_prov_store_t	*ops = r->p->ops;
	int				 rc;

	if ((rc = ops->tag_begin(r->p->ctx, r->uid, name, tmpl,
	    NTAG424_PROV_PENDING)) != NTAG424_OK)
		return run_store_fail(r, "adopt", rc, false);
	for (uint8_t k = 0; k < NKEYS; k++) {
		if ((have & (1u << k)) == 0)
			continue;
		if ((rc = ops->key_intend(r->p->ctx, r->uid, k, r->key[k],
		    r->ver[k])) != NTAG424_OK ||
		    (rc = ops->key_sent(r->p->ctx, r->uid, k)) != NTAG424_OK ||
		    (rc = ops->key_applied(r->p->ctx, r->uid, k)) != NTAG424_OK)
			return run_store_fail(r, "adopt", rc, false);
	}
	if ((rc = ops->tag_status(r->p->ctx, r->uid,
	    NTAG424_PROV_PROVISIONED)) != NTAG424_OK)
		return run_store_fail(r, "adopt", rc, false);
	return run_journal(r, "adopt", -1, "ok", 0);
}

static int
adopt(struct run *r, bool any_layout)
{
	ntag424_file_settings_t	fs;
	const char		*name = "template";
	char			tmpl[NTAG424_TEMPLATE_MAX + 1] = "";
	unsigned		have = 0;
	int			rc;

	if ((rc = adopt_known(r, &have)) != NTAG424_OK ||
	    (rc = auth_key0(r, r->key[0], "adopt")) != NTAG424_OK)
		return rc;
	if ((rc = ntag424_file_settings_get(r->dev, NTAG424_FILE_NDEF, &fs)) !=
	    NTAG424_OK)
		return run_fail(r, "GetFileSettings", rc, "reading the NDEF "
		    "file's settings failed");
	if ((rc = confirm_keys(r, &fs, have)) != NTAG424_OK)
		return rc;
	rc = find_template(r, &fs, &name, tmpl, sizeof(tmpl));
	if (rc == NTAG424_ERR_TEMPLATE && any_layout) {
		name = "template";
		tmpl[0] = '\0';
		r->rep->hint[0] = '\0';
	} else if (rc != NTAG424_OK ||
	    (rc = phone_verify(r, r->key[fs.sdm.meta_read <= 4 ?
	    fs.sdm.meta_read : 0], r->key[fs.sdm.file_read])) != NTAG424_OK)
		return rc;
	if (r->p->dry_run)
		return NTAG424_OK;
	if ((rc = record(r, name, tmpl, have)) != NTAG424_OK)
		return rc;
	r->rep->found = NTAG424_PROV_FOUND_OURS;
	return tmpl[0] != '\0' ? counter_used(r) : NTAG424_OK;
}

int
ntag424_prov_adopt(ntag424_prov_t *p, ntag424_dev_t *dev, bool any_layout,
    ntag424_prov_report_t *rep)
{
	struct run	r;
	int		rc;

	if (p == NULL || dev == NULL || rep == NULL)
		return NTAG424_ERR_ARG;
	if (p->ops == NULL)
		return NTAG424_ERR_STATE;
	run_init(&r, p, dev, rep, OP_ADOPT);
	r.tpl = NULL;
	if ((rc = state_read(&r)) == NTAG424_OK)
		rc = adopt(&r, any_layout);
	return run_done(&r, rc);
}
