/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * URL template compiler: template string -> NDEF file content + SDM file
 * settings (NT4H2421Gx 9.3, 10.7.1 Table 69).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/prim.h"
#include "ntag424/err.h"
#include "ntag424/ndef.h"
#include "ntag424/template_int.h"

struct placeholder {
	const char	*name;
	enum tpl_kind	 kind;
	size_t		 len;
};

/* NT4H2421Gx 9.3.3-9.3.7: ASCII lengths of the mirrors (AES mode). */
static const struct placeholder placeholders[] = {
	{ "picc", TPL_PICC, PICC_HEX_LEN },
	{ "uid", TPL_UID, UID_HEX_LEN },
	{ "ctr", TPL_CTR, CTR_HEX_LEN },
	{ "mac", TPL_MAC, MAC_HEX_LEN },
	{ "macin", TPL_MACIN, 0 },
};

#define ENC_PREFIX	"enc:"
#define ENC_FILL	'0'

static const char *const kind_names[TPL_KINDS] = {
	"{picc}", "{uid}", "{ctr}", "{enc}", "{mac}", "{macin}",
};

void
ntag424_template_opts_init(ntag424_template_opts_t *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->meta_read = 1;
	opts->file_read = 3;
	opts->ctr_ret = 3;
	opts->access.read = NTAG424_AR_FREE;
	opts->access.write = 0;
	opts->access.read_write = 0;
	opts->access.change = 0;
	opts->comm_mode = NTAG424_COMM_PLAIN;
	opts->read_ctr_limit = 0;
}

ntag424_template_t *
ntag424_template_new(void)
{
	return calloc(1, sizeof(ntag424_template_t));
}

void
ntag424_template_free(ntag424_template_t **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	ntag424_template_free(&(*tp)->twin);
	free(*tp);
	*tp = NULL;
}

static int
fail(ntag424_template_t *t, int r, size_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	t->err_pos = pos;
	return r;
}

static bool
key_ok(uint8_t k)
{
	return k <= 4;
}

static bool
right_ok(uint8_t r)
{
	return r <= 4 || r == NTAG424_AR_FREE || r == NTAG424_AR_NEVER;
}

static int
check_opts(ntag424_template_t *t, const ntag424_template_opts_t *o)
{
	if (!key_ok(o->meta_read) || !key_ok(o->file_read))
		return fail(t, NTAG424_ERR_ARG, 0,
		    "SDMMetaRead and SDMFileRead must be keys 0-4");
	if (!right_ok(o->ctr_ret) || !right_ok(o->access.read) ||
	    !right_ok(o->access.write) || !right_ok(o->access.read_write) ||
	    !right_ok(o->access.change))
		return fail(t, NTAG424_ERR_ARG, 0,
		    "access rights must be a key 0-4, E (free) or F (never)");
	/* Free Change right: anyone could rewrite SDM (docs/provisioning.md). */
	if (o->access.change == NTAG424_AR_FREE)
		return fail(t, NTAG424_ERR_ARG, 0,
		    "a free Change right would let anyone rewrite the SDM "
		    "settings; use a key");
	if (o->comm_mode != NTAG424_COMM_PLAIN &&
	    o->comm_mode != NTAG424_COMM_MAC && o->comm_mode != NTAG424_COMM_FULL)
		return fail(t, NTAG424_ERR_ARG, 0, "invalid CommMode");
	if (o->mode > NTAG424_SDM_ANY)
		return fail(t, NTAG424_ERR_ARG, 0, "invalid SDM mode");
	if (o->read_ctr_limit > 0xFFFFFF)
		return fail(t, NTAG424_ERR_ARG, 0,
		    "SDMReadCtrLimit is 24 bits (at most FFFFFF)");
	return NTAG424_OK;
}

/* Add a placeholder's static text at the end of url[]; pos is in the text. */
static int
add_item(ntag424_template_t *t, enum tpl_kind kind, size_t pos,
    size_t text_len, const char *fill, size_t fill_len, size_t len)
{
	struct tpl_item *it;

	if (t->by_kind[kind] != NULL)
		return fail(t, NTAG424_ERR_TEMPLATE, pos,
		    "%s appears twice (first at position %zu)",
		    kind_names[kind], t->by_kind[kind]->text_pos);
	if (t->url_len + len > TPL_URL_MAX || t->nitems == TPL_ITEMS_MAX)
		return fail(t, NTAG424_ERR_TEMPLATE, pos,
		    "the URL does not fit in the %d-byte NDEF file",
		    NTAG424_NDEF_FILE_SIZE);
	it = &t->item[t->nitems++];
	it->kind = kind;
	it->url_off = t->url_len;
	it->len = len;
	it->text_pos = pos;
	it->text_len = text_len;
	memcpy(t->url + t->url_len, fill, fill_len);
	memset(t->url + t->url_len + fill_len, ENC_FILL, len - fill_len);
	t->url_len += len;
	t->by_kind[kind] = it;
	return NTAG424_OK;
}

static int
parse_enc(ntag424_template_t *t, const char *s, size_t n, size_t pos)
{
	size_t len = n - strlen(ENC_PREFIX);

	s += strlen(ENC_PREFIX);
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '{')
			return fail(t, NTAG424_ERR_TEMPLATE, pos,
			    "{enc:TEXT}: character %zu of TEXT is not "
			    "printable ASCII", i);
	/* NT4H2421Gx 9.3.5: SDMENCLength is a multiple of 32 hex characters. */
	if (len == 0 || len % AES_BLOCK != 0)
		return fail(t, NTAG424_ERR_TEMPLATE, pos,
		    "{enc:TEXT}: TEXT has %zu characters, it must be a "
		    "non-zero multiple of 16", len);
	if (len > ENC_TEXT_MAX)
		return fail(t, NTAG424_ERR_TEMPLATE, pos,
		    "{enc:TEXT}: TEXT has %zu characters, the file holds at "
		    "most %d", len, ENC_TEXT_MAX);
	return add_item(t, TPL_ENC, pos, n + 2, s, len, 2 * len);
}

/* text[pos] is '{': add the placeholder, return its length in *n. */
static int
parse_placeholder(ntag424_template_t *t, const char *text, size_t pos,
    size_t *n)
{
	const char	*name = text + pos + 1;
	const char	*end = strchr(name, '}');
	size_t		 len;

	if (end == NULL)
		return fail(t, NTAG424_ERR_TEMPLATE, pos,
		    "'{' without a closing '}'");
	len = (size_t)(end - name);
	*n = len + 2;
	if (len > strlen(ENC_PREFIX) &&
	    strncmp(name, ENC_PREFIX, strlen(ENC_PREFIX)) == 0)
		return parse_enc(t, name, len, pos);
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]);
	    i++)
		if (strlen(placeholders[i].name) == len &&
		    strncmp(name, placeholders[i].name, len) == 0)
			return add_item(t, placeholders[i].kind, pos,
			    len + 2, "", 0, placeholders[i].kind == TPL_PICC &&
			    t->lrp ? PICC_LRP_HEX_LEN : placeholders[i].len);
	return fail(t, NTAG424_ERR_TEMPLATE, pos,
	    "unknown placeholder {%.*s} (known: {picc} {uid} {ctr} "
	    "{enc:TEXT} {mac} {macin})", (int)(len > 32 ? 32 : len), name);
}

/* Template text -> static URL and placeholder list. */
static int
scan(ntag424_template_t *t, const char *text)
{
	size_t	n;
	int	r;

	for (size_t pos = 0; text[pos] != '\0'; pos += n) {
		unsigned char c = (unsigned char)text[pos];

		n = 1;
		if (c == '{') {
			if ((r = parse_placeholder(t, text, pos, &n)) != NTAG424_OK)
				return r;
			continue;
		}
		if (c == '}')
			return fail(t, NTAG424_ERR_TEMPLATE, pos,
			    "'}' without an opening '{'");
		if (c == '#')
			return fail(t, NTAG424_ERR_TEMPLATE, pos,
			    "'#': a fragment never reaches the verifier");
		if (c <= 0x20 || c >= 0x7f)
			return fail(t, NTAG424_ERR_TEMPLATE, pos,
			    "character 0x%02X is not allowed in a URL", c);
		if (t->url_len == TPL_URL_MAX)
			return fail(t, NTAG424_ERR_TEMPLATE, pos,
			    "the URL does not fit in the %d-byte NDEF file",
			    NTAG424_NDEF_FILE_SIZE);
		t->url[t->url_len++] = (char)c;
	}
	t->url[t->url_len] = '\0';
	return NTAG424_OK;
}

/* Position in the template text of url[off]. */
static size_t
text_pos(const ntag424_template_t *t, size_t off)
{
	size_t pos = off;

	for (size_t i = 0; i < t->nitems; i++) {
		const struct tpl_item *it = &t->item[i];

		if (it->url_off > off)
			break;
		if (it->url_off + it->len > off)
			return it->text_pos;
		pos = it->text_pos + it->text_len + (off - it->url_off - it->len);
	}
	return pos;
}

/* The placeholder covering url[off], or NULL for a literal character. */
static const struct tpl_item *
item_at(const ntag424_template_t *t, size_t off)
{
	for (size_t i = 0; i < t->nitems; i++)
		if (off >= t->item[i].url_off &&
		    off < t->item[i].url_off + t->item[i].len)
			return &t->item[i];
	return NULL;
}

/* First literal c in url[from, to), or to. */
static size_t
find_literal(const ntag424_template_t *t, size_t from, size_t to, char c)
{
	for (size_t off = from; off < to; off++) {
		const struct tpl_item *it = item_at(t, off);

		if (it != NULL)
			off = it->url_off + it->len - 1;
		else if (t->url[off] == c)
			return off;
	}
	return to;
}

static bool
has_item(const ntag424_template_t *t, size_t from, size_t to)
{
	for (size_t i = 0; i < t->nitems; i++)
		if (t->item[i].len > 0 && t->item[i].url_off < to &&
		    t->item[i].url_off + t->item[i].len > from)
			return true;
	return false;
}

/* One "name=value" piece of the query, url[from, to). */
static int
add_param(ntag424_template_t *t, size_t from, size_t to)
{
	size_t			 eq = find_literal(t, from, to, '=');
	struct tpl_param	*p;

	if (eq == to || eq == from || has_item(t, from, eq))
		return fail(t, NTAG424_ERR_TEMPLATE, text_pos(t, from),
		    "query parameter must be name=value with a literal name "
		    "(placeholders go in the value)");
	for (size_t i = 0; i < t->nparams; i++)
		if (t->param[i].name_len == eq - from &&
		    memcmp(t->url + t->param[i].name_off, t->url + from,
		    eq - from) == 0)
			return fail(t, NTAG424_ERR_TEMPLATE, text_pos(t, from),
			    "query parameter '%.*s' appears twice",
			    (int)(eq - from), t->url + from);
	if (t->nparams == TPL_PARAMS_MAX)
		return fail(t, NTAG424_ERR_TEMPLATE, text_pos(t, from),
		    "more than %d query parameters", TPL_PARAMS_MAX);
	p = &t->param[t->nparams++];
	p->name_off = from;
	p->name_len = eq - from;
	p->val_off = eq + 1;
	p->val_len = to - eq - 1;
	return NTAG424_OK;
}

/* Split the static URL into the part before '?' and the query parameters. */
static int
split_url(ntag424_template_t *t)
{
	size_t	q = find_literal(t, 0, t->url_len, '?');
	size_t	from, amp;
	int	r;

	t->path.val_off = 0;
	t->path.val_len = q;
	if (q == t->url_len)
		return NTAG424_OK;
	for (from = q + 1; from <= t->url_len; from = amp + 1) {
		amp = find_literal(t, from, t->url_len, '&');
		if ((r = add_param(t, from, amp)) != NTAG424_OK)
			return r;
	}
	return NTAG424_OK;
}

static size_t
end_pos(const char *text)
{
	return strlen(text);
}

/* The layout rules of NT4H2421Gx 9.3 and Table 71, with our own on top. */
static int
check_layout(ntag424_template_t *t, const char *text)
{
	const struct tpl_item	*picc = t->by_kind[TPL_PICC];
	const struct tpl_item	*uid = t->by_kind[TPL_UID];
	const struct tpl_item	*ctr = t->by_kind[TPL_CTR];
	const struct tpl_item	*enc = t->by_kind[TPL_ENC];
	const struct tpl_item	*mac = t->by_kind[TPL_MAC];
	const struct tpl_item	*macin = t->by_kind[TPL_MACIN];

	if (mac == NULL)
		return fail(t, NTAG424_ERR_TEMPLATE, end_pos(text),
		    "no {mac}: nothing would authenticate the URL");
	if (picc != NULL && (uid != NULL || ctr != NULL)) {
		const struct tpl_item *plain = uid != NULL ? uid : ctr;

		return fail(t, NTAG424_ERR_TEMPLATE, plain->text_pos,
		    "%s cannot be combined with {picc}: SDMMetaRead is either "
		    "a key (encrypted) or E (plain)", kind_names[plain->kind]);
	}
	if (picc == NULL && ctr == NULL)
		return fail(t, NTAG424_ERR_TEMPLATE, end_pos(text),
		    "no {picc} or {ctr}: without a read counter every tap "
		    "gives the same MAC, so a copied URL replays forever");
	if (macin != NULL && macin->url_off > mac->url_off)
		return fail(t, NTAG424_ERR_TEMPLATE, macin->text_pos,
		    "{macin} must come before {mac}");
	if (enc == NULL)
		return NTAG424_OK;
	if (picc == NULL && uid == NULL)
		return fail(t, NTAG424_ERR_TEMPLATE, enc->text_pos,
		    "{enc} needs the UID mirrored: add {uid} or use {picc}");
	if (enc->url_off > mac->url_off)
		return fail(t, NTAG424_ERR_TEMPLATE, enc->text_pos,
		    "{enc} must come before {mac}");
	if (macin == NULL || macin->url_off > enc->url_off)
		return fail(t, NTAG424_ERR_TEMPLATE, enc->text_pos,
		    "the MAC input must cover {enc}: put {macin} before it");
	return NTAG424_OK;
}

/* File offsets of the placeholders, then the NDEF bytes. */
static int
place(ntag424_template_t *t, uint8_t code)
{
	size_t	uri_len = t->url_len - t->prefix_len;

	if (uri_len > NDEF_URI_MAX)
		return fail(t, NTAG424_ERR_TEMPLATE,
		    text_pos(t, t->prefix_len + NDEF_URI_MAX),
		    "the URL does not fit: %zu bytes of NDEF, the file holds %d",
		    NDEF_URI_START + uri_len, NTAG424_NDEF_FILE_SIZE);
	for (size_t i = 0; i < t->nitems; i++)
		t->item[i].file_off = t->item[i].url_off - t->prefix_len +
		    NDEF_URI_START;
	t->ndef_len = ndef_uri_record(code,
	    (const uint8_t *)t->url + t->prefix_len, uri_len, t->ndef,
	    sizeof(t->ndef));
	if (t->ndef_len == 0)
		return fail(t, NTAG424_ERR_INTERNAL, 0, "NDEF record too long");
	return NTAG424_OK;
}

static uint32_t
file_off(const struct tpl_item *it)
{
	return it == NULL ? 0 : (uint32_t)it->file_off;
}

/* NT4H2421Gx 10.7.1, Table 69: which fields exist for which options. */
static void
settings(ntag424_template_t *t, const ntag424_template_opts_t *o)
{
	ntag424_file_settings_t	*s = &t->settings;
	ntag424_sdm_t		*sdm = &s->sdm;
	const struct tpl_item	*picc = t->by_kind[TPL_PICC];
	const struct tpl_item	*uid = t->by_kind[TPL_UID];
	const struct tpl_item	*ctr = t->by_kind[TPL_CTR];
	const struct tpl_item	*enc = t->by_kind[TPL_ENC];
	const struct tpl_item	*mac = t->by_kind[TPL_MAC];
	const struct tpl_item	*macin = t->by_kind[TPL_MACIN];

	memset(s, 0, sizeof(*s));
	s->file_type = 0x00;
	s->comm_mode = o->comm_mode;
	s->access = o->access;
	s->file_size = NTAG424_NDEF_FILE_SIZE;
	sdm->enabled = true;
	sdm->uid_mirror = picc != NULL || uid != NULL;
	sdm->read_ctr = picc != NULL || ctr != NULL;
	sdm->read_ctr_limit = o->read_ctr_limit != 0;
	sdm->enc_file_data = enc != NULL;
	sdm->ctr_ret = o->ctr_ret;
	sdm->meta_read = picc != NULL ? o->meta_read : NTAG424_AR_FREE;
	sdm->file_read = o->file_read;
	sdm->uid_offset = file_off(uid);
	sdm->read_ctr_offset = file_off(ctr);
	sdm->picc_data_offset = file_off(picc);
	sdm->mac_offset = file_off(mac);
	sdm->mac_input_offset = macin != NULL ? file_off(macin) : file_off(mac);
	sdm->enc_offset = file_off(enc);
	sdm->enc_length = enc != NULL ? (uint32_t)enc->len : 0;
	sdm->read_ctr_limit_value = o->read_ctr_limit;
	t->mac_in = sdm->mac_input_offset;
}

/* Empty t but keep the error message. */
static void
reset(ntag424_template_t *t)
{
	char	err[sizeof(t->err)];
	size_t	pos = t->err_pos;

	memcpy(err, t->err, sizeof(err));
	ntag424_template_free(&t->twin);
	memset(t, 0, sizeof(*t));
	memcpy(t->err, err, sizeof(err));
	t->err_pos = pos;
}

/* NTAG424_SDM_ANY: the LRP layout of the same text beside the AES one. */
static int
compile_twin(ntag424_template_t *t, const char *text,
    const ntag424_template_opts_t *opts)
{
	ntag424_template_opts_t	lrp = *opts;
	int			r;

	lrp.mode = NTAG424_SDM_LRP;
	if ((t->twin = ntag424_template_new()) == NULL)
		return fail(t, NTAG424_ERR_NOMEM, 0, "out of memory");
	if ((r = ntag424_template_compile(t->twin, text, &lrp)) != NTAG424_OK)
		return fail(t, r, t->twin->err_pos, "LRP layout: %s",
		    t->twin->err);
	t->any = true;
	t->twin->any = true;
	return NTAG424_OK;
}

int
ntag424_template_compile(ntag424_template_t *t, const char *text,
    const ntag424_template_opts_t *opts)
{
	ntag424_template_opts_t	defaults;
	uint8_t			code;
	size_t			first;
	int			r;

	if (t == NULL)
		return NTAG424_ERR_ARG;
	t->err[0] = '\0';
	t->err_pos = 0;
	reset(t);
	if (text == NULL)
		return fail(t, NTAG424_ERR_ARG, 0, "no template");
	if (opts == NULL) {
		ntag424_template_opts_init(&defaults);
		opts = &defaults;
	}
	if ((r = check_opts(t, opts)) != NTAG424_OK)
		goto fail;
	t->lrp = opts->mode == NTAG424_SDM_LRP;
	if (strlen(text) > NTAG424_TEMPLATE_MAX) {
		r = fail(t, NTAG424_ERR_TEMPLATE, NTAG424_TEMPLATE_MAX,
		    "template longer than %d characters", NTAG424_TEMPLATE_MAX);
		goto fail;
	}
	/* The prefix code may only stand for literal text. */
	first = strcspn(text, "{");
	t->prefix_len = ndef_uri_prefix(text, first, &code);
	if ((r = scan(t, text)) != NTAG424_OK ||
	    (r = check_layout(t, text)) != NTAG424_OK ||
	    (r = split_url(t)) != NTAG424_OK ||
	    (r = place(t, code)) != NTAG424_OK)
		goto fail;
	settings(t, opts);
	if (opts->mode == NTAG424_SDM_ANY && (r = compile_twin(t, text,
	    opts)) != NTAG424_OK)
		goto fail;
	return NTAG424_OK;
fail:
	reset(t);
	return r;
}

const char *
ntag424_template_error(const ntag424_template_t *t, size_t *pos)
{
	if (pos != NULL)
		*pos = t->err_pos;
	return t->err;
}

const uint8_t *
ntag424_template_ndef_ptr(const ntag424_template_t *t)
{
	return t->ndef;
}

size_t
ntag424_template_ndef_len(const ntag424_template_t *t)
{
	return t->ndef_len;
}

const ntag424_file_settings_t *
ntag424_template_settings(const ntag424_template_t *t)
{
	return &t->settings;
}

const char *
ntag424_template_url(const ntag424_template_t *t)
{
	return t->url;
}

int
ntag424_template_mode(const ntag424_template_t *t)
{
	if (t->any)
		return NTAG424_SDM_ANY;
	return t->lrp ? NTAG424_SDM_LRP : NTAG424_SDM_AES;
}
