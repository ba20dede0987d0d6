/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SUN verification (NT4H2421Gx 9.3; AN12196 4.3-4.4): a tapped URL against
 * its compiled template, then PICCData, SDM session keys, SDMMAC, ENC data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/lrp.h"
#include "common/prim.h"
#include "ntag424/err.h"
#include "ntag424/sun.h"
#include "ntag424/sun_aes.h"
#include "ntag424/template_int.h"

_Static_assert(ENC_TEXT_MAX == NTAG424_SUN_DATA_MAX, "ENC sizes differ");

enum { SUN_EMPTY, SUN_PARSED, SUN_PICC, SUN_VERIFIED };

struct ntag424_sun_ctx {
	sun_aes_t	meta;		/* SDMMetaReadKey, decrypt */
	sun_cmac_t	file;		/* SDMFileReadKey */
	sun_cmac_t	ses;		/* the session key in use */
	sun_aes_t	ses_dec;	/* SesSDMFileReadENCKey, decrypt */
	bool		meta_set;
	bool		file_set;
	/* LRP (NT4H2421Gx 9.3.4.2, 9.3.9.2): updated key 0 of each key. */
	uint8_t		meta_key[16];
	uint8_t		file_key[16];
	lrp_t		meta_lrp;
	lrp_t		file_lrp;
	bool		meta_lrp_set;
	bool		file_lrp_set;
};

/* NT4H2421Gx 9.3.9.1; AN12196 Table 2: SV1/SV2 labels and constants. */
static const uint8_t sv1_head[6] = { 0xC3, 0x3C, 0x00, 0x01, 0x00, 0x80 };
static const uint8_t sv2_head[6] = { 0x3C, 0xC3, 0x00, 0x01, 0x00, 0x80 };

ntag424_sun_ctx_t *
ntag424_sun_ctx_new(void)
{
	ntag424_sun_ctx_t *ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	if (sun_aes_init(&ctx->meta, true) != 0 ||
	    sun_cmac_init(&ctx->file) != 0 ||
	    sun_cmac_init(&ctx->ses) != 0 ||
	    sun_aes_init(&ctx->ses_dec, true) != 0)
		ntag424_sun_ctx_free(&ctx);
	return ctx;
}

void
ntag424_sun_ctx_free(ntag424_sun_ctx_t **ctxp)
{
	ntag424_sun_ctx_t *ctx;

	if (ctxp == NULL || (ctx = *ctxp) == NULL)
		return;
	sun_aes_cleanup(&ctx->meta);
	sun_cmac_cleanup(&ctx->file);
	sun_cmac_cleanup(&ctx->ses);
	sun_aes_cleanup(&ctx->ses_dec);
	wipe(ctx, sizeof(*ctx));
	free(ctx);
	*ctxp = NULL;
}

int
ntag424_sun_ctx_set_meta_key(ntag424_sun_ctx_t *ctx, const uint8_t key[16])
{
	if (ctx == NULL || key == NULL)
		return NTAG424_ERR_ARG;
	ctx->meta_set = false;
	ctx->meta_lrp_set = false;
	if (sun_aes_set_key(&ctx->meta, key) != 0)
		return NTAG424_ERR_CRYPTO;
	memcpy(ctx->meta_key, key, sizeof(ctx->meta_key));
	ctx->meta_set = true;
	return NTAG424_OK;
}

int
ntag424_sun_ctx_set_file_key(ntag424_sun_ctx_t *ctx, const uint8_t key[16])
{
	if (ctx == NULL || key == NULL)
		return NTAG424_ERR_ARG;
	ctx->file_set = false;
	ctx->file_lrp_set = false;
	if (sun_cmac_set_key(&ctx->file, key) != 0)
		return NTAG424_ERR_CRYPTO;
	memcpy(ctx->file_key, key, sizeof(ctx->file_key));
	ctx->file_set = true;
	return NTAG424_OK;
}

void
ntag424_sun_clear(ntag424_sun_t *sun)
{
	if (sun != NULL)
		wipe(sun, sizeof(*sun));
}

static int
malformed(ntag424_sun_t *sun, const char *field, size_t field_len,
    const char *fmt, ...)
{
	va_list ap;

	if (field_len >= sizeof(sun->field))
		field_len = sizeof(sun->field) - 1;
	memcpy(sun->field, field, field_len);
	sun->field[field_len] = '\0';
	va_start(ap, fmt);
	vsnprintf(sun->reason, sizeof(sun->reason), fmt, ap);
	va_end(ap);
	return NTAG424_ERR_MALFORMED;
}

#define MALFORMED_STR(sun, f, ...) malformed((sun), (f), strlen(f), __VA_ARGS__)

/* Hex digit value + 1, 0 for anything else (either case accepted). */
static const uint8_t hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

#define ONES	0x0101010101010101ULL	/* one in every byte of a word */
#define HIGH	0x8080808080808080ULL	/* bit 7 of every byte */

/* Spelled out byte by byte: compilers turn this into one load. */
static uint64_t
load_le64(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

/*
 * Eight hex characters to four bytes, all lanes at once. Per byte c (bit 7
 * clear, so that adding up to 7Fh never carries into the next byte): a
 * digit iff (c ^ 30h) < 10, a letter iff ((c | 20h) ^ 60h) is 1 to 6; its
 * value is (c & 0Fh) + 9 * bit 6 of c. Returns bit 7 set in the lane of
 * every character that is not a hex digit.
 */
static uint64_t
unhex8(const char *s, uint8_t out[4])
{
	uint64_t w = load_le64(s);
	uint64_t x = w & ~HIGH;
	uint64_t d = x ^ 0x30 * ONES;
	uint64_t l = (x | 0x20 * ONES) ^ 0x60 * ONES;
	uint64_t ok = ~(d + 0x76 * ONES) |
	    ((l + 0x7f * ONES) & ~(l + 0x79 * ONES));
	uint64_t v = (x & 0x0f * ONES) + ((x >> 6) & ONES) * 9;

	/* Even lane 2i gets (v[2i] << 4 | v[2i+1]); then pack those four. */
	v = (v << 4 | v >> 8) & 0x00ff00ff00ff00ffULL;
	v = (v | v >> 8) & 0x0000ffff0000ffffULL;
	v |= v >> 16;
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
	return (w | ~ok) & HIGH;
}

/* 2n hex characters to n bytes, without a branch per digit. */
static int
unhex(const char *s, uint8_t *out, size_t n)
{
	uint64_t	bad = 0;
	size_t		i = 0;

	for (; i + 4 <= n; i += 4)
		bad |= unhex8(s + 2 * i, out + i);
	for (; i < n; i++) {
		unsigned hi = hex_plus1[(unsigned char)s[2 * i]];
		unsigned lo = hex_plus1[(unsigned char)s[2 * i + 1]];

		/* hi or lo 0 wraps to all ones, above the digit's 4 bits. */
		bad |= ((hi - 1) | (lo - 1)) & ~0x0fU;
		out[i] = (uint8_t)((hi - 1) << 4 | ((lo - 1) & 0x0f));
	}
	return bad != 0 ? -1 : 0;
}

/* Store the decoded bytes of one placeholder. */
static int
store(ntag424_sun_t *sun, const struct tpl_item *it, const char *s)
{
	uint8_t ctr[3];

	switch (it->kind) {
	case TPL_PICC:
		return unhex(s, sun->picc_enc, it->len / 2);
	case TPL_UID:
		sun->has_uid = true;
		return unhex(s, sun->uid, sizeof(sun->uid));
	case TPL_CTR:
		/* NT4H2421Gx 9.3.1: the ASCII counter is MSB first. */
		if (unhex(s, ctr, sizeof(ctr)) != 0)
			return -1;
		sun->read_ctr = (uint32_t)ctr[0] << 16 | (uint32_t)ctr[1] << 8 |
		    ctr[2];
		sun->has_read_ctr = true;
		return 0;
	case TPL_ENC:
		sun->enc_len = it->len / 2;
		return unhex(s, sun->enc, sun->enc_len);
	case TPL_MAC:
		return unhex(s, sun->mac, sizeof(sun->mac));
	default:
		return -1;
	}
}

static const char *
kind_name(enum tpl_kind k)
{
	switch (k) {
	case TPL_PICC:
		return "{picc}";
	case TPL_UID:
		return "{uid}";
	case TPL_CTR:
		return "{ctr}";
	case TPL_ENC:
		return "{enc}";
	case TPL_MAC:
		return "{mac}";
	default:
		return "{macin}";
	}
}

/*
 * A part of the URL of the wrong length. When it holds {picc} and the
 * difference is what LRP adds (PICCRand), say which mode the tag is in.
 */
static int
wrong_length(ntag424_sun_t *sun, const ntag424_template_t *t, size_t off,
    size_t len, size_t n, const char *field, size_t field_len)
{
	const struct tpl_item	*picc = t->by_kind[TPL_PICC];
	const size_t		 extra = PICC_LRP_HEX_LEN - PICC_HEX_LEN;

	if (picc != NULL && picc->url_off >= off && picc->url_off < off + len &&
	    !t->any) {
		if (!t->lrp && n == len + extra)
			return malformed(sun, field, field_len, "holds an LRP "
			    "tag's PICCData (%d hex digits); the template is "
			    "for AES tags", PICC_LRP_HEX_LEN);
		if (t->lrp && n + extra == len)
			return malformed(sun, field, field_len, "holds an AES "
			    "tag's PICCData (%d hex digits); the template is "
			    "for LRP tags", PICC_HEX_LEN);
	}
	return malformed(sun, field, field_len,
	    "%zu characters, the template has %zu", n, len);
}

/*
 * Match s[0..n) against the template's url[off, off+len): literal text
 * exactly, placeholders as hex of their fixed length.
 */
static int
match(ntag424_sun_t *sun, const ntag424_template_t *t, size_t off,
    size_t len, const char *s, size_t n, const char *field, size_t field_len)
{
	size_t at = off;

	if (n != len)
		return wrong_length(sun, t, off, len, n, field, field_len);
	for (size_t i = 0; i <= t->nitems; i++) {
		const struct tpl_item	*it = i < t->nitems ? &t->item[i] : NULL;
		size_t			 lit_end = it != NULL ? it->url_off : off + len;

		if (it != NULL && (it->len == 0 || it->url_off < off ||
		    it->url_off >= off + len))
			continue;
		if (lit_end > at &&
		    memcmp(s + (at - off), t->url + at, lit_end - at) != 0)
			return malformed(sun, field, field_len,
			    "does not match the template's text");
		if (it == NULL)
			break;
		if (store(sun, it, s + (it->url_off - off)) != 0)
			return malformed(sun, field, field_len,
			    "%s is not %zu hex digits", kind_name(it->kind),
			    it->len);
		at = it->url_off + it->len;
	}
	return NTAG424_OK;
}

static int
match_param(ntag424_sun_t *sun, const ntag424_template_t *t, const char *s,
    size_t n, uint64_t *seen)
{
	const char	*eq = memchr(s, '=', n);
	size_t		 name_len = eq != NULL ? (size_t)(eq - s) : n;
	size_t		 val = eq != NULL ? name_len + 1 : n;

	for (size_t i = 0; i < t->nparams; i++) {
		const struct tpl_param *p = &t->param[i];

		if (p->name_len != name_len ||
		    memcmp(t->url + p->name_off, s, name_len) != 0)
			continue;
		if (*seen & ((uint64_t)1 << i))
			return malformed(sun, s, name_len, "appears twice");
		*seen |= (uint64_t)1 << i;
		return match(sun, t, p->val_off, p->val_len, s + val, n - val,
		    s, name_len);
	}
	return NTAG424_OK;	/* a parameter the template does not name */
}

static int
match_query(ntag424_sun_t *sun, const ntag424_template_t *t, const char *q,
    size_t n)
{
	uint64_t	seen = 0;
	size_t		from = 0;
	int		r;

	while (from < n) {
		const char	*amp = memchr(q + from, '&', n - from);
		size_t		 to = amp != NULL ? (size_t)(amp - q) : n;

		if ((r = match_param(sun, t, q + from, to - from, &seen)) !=
		    NTAG424_OK)
			return r;
		from = to + 1;
	}
	for (size_t i = 0; i < t->nparams; i++)
		if (!(seen & ((uint64_t)1 << i)))
			return malformed(sun, t->url + t->param[i].name_off,
			    t->param[i].name_len, "missing");
	return NTAG424_OK;
}

static bool
path_has_fields(const ntag424_template_t *t)
{
	for (size_t i = 0; i < t->nitems; i++)
		if (t->item[i].len > 0 && t->item[i].url_off < t->path.val_len)
			return true;
	return false;
}

/*
 * All of s[0..n) is visible ASCII (21h-7Eh), eight bytes at a time: per
 * byte, bit 7 of b, of (b & 7F) + 5F (clear iff b & 7F < 21h) and of
 * (b & 7F) + 01 (set iff b & 7F = 7Fh); no carry crosses a byte.
 */
static bool
printable(const char *s, size_t n)
{
	const uint64_t	low7 = 0x7f7f7f7f7f7f7f7fULL;
	const uint64_t	high = 0x8080808080808080ULL;
	uint64_t	w, bad = 0;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		bad |= (w | ~((w & low7) + 0x5f5f5f5f5f5f5f5fULL) |
		    ((w & low7) + 0x0101010101010101ULL)) & high;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		bad |= (uint64_t)(c <= 0x20 || c >= 0x7f);
	}
	return bad == 0;
}

/* The URL's own syntax: size, characters, fragment, query. */
static int
split_input(ntag424_sun_t *sun, const ntag424_template_t *t, const char *url,
    size_t *len, size_t *q)
{
	const char *hash, *mark;

	if (*len > NTAG424_SUN_URL_MAX)
		return MALFORMED_STR(sun, "url", "longer than %d bytes",
		    NTAG424_SUN_URL_MAX);
	if (!printable(url, *len)) {
		size_t i = 0;

		while (i + 1 < *len && printable(url + i, 1))
			i++;
		return MALFORMED_STR(sun, "url",
		    "byte 0x%02X at position %zu is not a URL character",
		    (unsigned char)url[i], i);
	}
	if ((hash = memchr(url, '#', *len)) != NULL)
		*len = (size_t)(hash - url);
	mark = memchr(url, '?', *len);
	*q = mark != NULL ? (size_t)(mark - url) : *len;
	if (*q < *len && t->nparams == 0)
		return MALFORMED_STR(sun, "url",
		    "has a query, the template has none");
	return NTAG424_OK;
}

static bool
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A whole URL starts with a scheme and ':' (RFC 3986 3.1: ALPHA *( ALPHA /
 * DIGIT / "+" / "-" / "." )); a query string starts with a name and '='.
 */
static bool
is_full_url(const char *url, size_t q)
{
	size_t i = 0;

	while (i < q && (alpha(url[i]) || (i > 0 && ((url[i] >= '0' &&
	    url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
	    url[i] == '.'))))
		i++;
	return i > 0 && i < q && url[i] == ':';
}

/*
 * Every result and every parsed field back to empty, file data wiped. Not
 * the whole struct: enc[] is never read past enc_len nor reason[] past its
 * NUL, neither holds a secret, and a memset of all 450 bytes (rep stos)
 * was 15 ns, 6% of a verification.
 */
static void
reset(ntag424_sun_t *sun, const ntag424_template_t *t)
{
	memset(sun->uid, 0, sizeof(sun->uid));
	sun->has_uid = false;
	sun->read_ctr = 0;
	sun->has_read_ctr = false;
	wipe(sun->file_data, sizeof(sun->file_data));
	sun->file_data_len = 0;
	sun->field[0] = '\0';
	sun->reason[0] = '\0';
	memset(sun->picc_enc, 0, sizeof(sun->picc_enc));
	sun->enc_len = 0;
	memset(sun->mac, 0, sizeof(sun->mac));
	sun->lrp = false;
	sun->tpl = t;
	sun->state = SUN_EMPTY;
}

/*
 * How long the part of url holding {picc} is, beyond what the AES layout
 * expects there; 0 if it cannot be told. Only the length is looked at.
 */
static size_t
picc_excess(const ntag424_template_t *t, const char *url, size_t len)
{
	const struct tpl_item	*picc = t->by_kind[TPL_PICC];
	const char		*q = memchr(url, '?', len);
	const char		*hash = memchr(url, '#', len);
	size_t			 end = hash != NULL ? (size_t)(hash - url) : len;
	size_t			 from, to, qs;

	if (picc == NULL)
		return 0;
	if (picc->url_off < t->path.val_len) {
		qs = q != NULL ? (size_t)(q - url) : end;
		return qs > t->path.val_len ? qs - t->path.val_len : 0;
	}
	for (size_t i = 0; i < t->nparams; i++) {
		const struct tpl_param *p = &t->param[i];

		if (picc->url_off < p->val_off ||
		    picc->url_off >= p->val_off + p->val_len)
			continue;
		from = q != NULL ? (size_t)(q - url) + 1 : 0;
		while (from < end) {
			const char *amp = memchr(url + from, '&', end - from);

			to = amp != NULL ? (size_t)(amp - url) : end;
			if (to - from > p->name_len && url[from + p->name_len] ==
			    '=' && memcmp(url + from, t->url + p->name_off,
			    p->name_len) == 0)
				return to - from - p->name_len - 1 > p->val_len ?
				    to - from - p->name_len - 1 - p->val_len : 0;
			from = to + 1;
		}
	}
	return 0;
}

int
ntag424_sun_parse(const ntag424_template_t *t, const char *url, size_t len,
    ntag424_sun_t *sun)
{
	size_t	q = 0;
	bool	full;
	int	r;

	if (t == NULL || url == NULL || sun == NULL || t->ndef_len == 0)
		return NTAG424_ERR_ARG;
	/* sdm-backend's rule: a longer PICCData is an LRP tag's. */
	if (t->twin != NULL && len <= NTAG424_SUN_URL_MAX &&
	    picc_excess(t, url, len) > 0)
		t = t->twin;
	reset(sun, t);
	sun->lrp = t->lrp;
	if ((r = split_input(sun, t, url, &len, &q)) != NTAG424_OK)
		return r;
	full = is_full_url(url, q);
	if (full) {
		if ((r = match(sun, t, 0, t->path.val_len, url, q, "path",
		    strlen("path"))) != NTAG424_OK)
			return r;
	} else if (path_has_fields(t)) {
		return MALFORMED_STR(sun, "url", "the template has fields "
		    "before '?': give the whole URL");
	}
	if (t->nparams > 0) {
		if (q < len)
			q++;
		else if (!full)
			q = 0;	/* a bare query string */
		if ((r = match_query(sun, t, url + q, len - q)) != NTAG424_OK)
			return r;
	}
	sun->state = SUN_PARSED;
	return NTAG424_OK;
}

/*
 * NT4H2421Gx 9.3.4.2: PICCRand || E_LRP(SDMMetaReadKey, PICCData), LRICB
 * with updated key 0 and PICCRand as the counter.
 */
static int
lrp_picc(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun, uint8_t plain[16])
{
	uint8_t	ctr[PICC_RAND_LEN];
	int	r = NTAG424_ERR_CRYPTO;

	if (!ctx->meta_lrp_set) {
		if (lrp_init(&ctx->meta_lrp, ctx->meta_key, 0) < 0)
			return NTAG424_ERR_CRYPTO;
		ctx->meta_lrp_set = true;
	}
	memcpy(ctr, sun->picc_enc, sizeof(ctr));
	if (lrp_lricb_decrypt(&ctx->meta_lrp, ctr, sizeof(ctr),
	    sun->picc_enc + PICC_RAND_LEN, 16, plain) == 0)
		r = NTAG424_OK;
	wipe(ctr, sizeof(ctr));
	return r;
}

int
ntag424_sun_decrypt_picc(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun)
{
	uint8_t	plain[16];
	int	r = NTAG424_ERR_INTERNAL;

	if (ctx == NULL || sun == NULL)
		return NTAG424_ERR_ARG;
	if (sun->state < SUN_PARSED)
		return NTAG424_ERR_STATE;
	if (sun->tpl->by_kind[TPL_PICC] == NULL) {
		sun->state = SUN_PICC;	/* plain mirrors: parse filled them */
		return NTAG424_OK;
	}
	if (!ctx->meta_set)
		return NTAG424_ERR_STATE;
	if (sun->tpl->lrp) {
		if ((r = lrp_picc(ctx, sun, plain)) != NTAG424_OK)
			goto fail;
	} else if (sun_aes_block(&ctx->meta, sun->picc_enc, plain) != 0) {
		/* NT4H2421Gx 9.3.4: one block, CBC with a zero IV = ECB. */
		r = NTAG424_ERR_CRYPTO;
		goto fail;
	}
	if (plain[0] != PICC_TAG_UID_CTR) {
		r = NTAG424_ERR_BAD_MAC;
		goto fail;
	}
	memcpy(sun->uid, plain + 1, NTAG424_UID_LEN);
	sun->read_ctr = get_u24le(plain + 1 + NTAG424_UID_LEN);
	sun->has_uid = true;
	sun->has_read_ctr = true;
	sun->state = SUN_PICC;
	r = NTAG424_OK;
fail:
	wipe(plain, sizeof(plain));
	return r;
}

static void
put_hex(uint8_t *dst, const uint8_t *src, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = (uint8_t)digits[src[i] >> 4];
		dst[2 * i + 1] = (uint8_t)digits[src[i] & 0x0f];
	}
}

/*
 * NT4H2421Gx 9.3.7: the MAC input is the file between SDMMACInputOffset and
 * SDMMACOffset as the tag sends it, every mirror in upper-case ASCII hex.
 */
static size_t
mac_window(const ntag424_sun_t *sun, uint8_t *w)
{
	const ntag424_template_t	*t = sun->tpl;
	size_t				 from = t->mac_in;
	size_t				 to = t->by_kind[TPL_MAC]->file_off;
	uint8_t				 ctr[3];

	memcpy(w, t->ndef + from, to - from);
	for (size_t i = 0; i < t->nitems; i++) {
		const struct tpl_item	*it = &t->item[i];
		uint8_t			*dst;

		if (it->len == 0 || it->file_off < from || it->file_off >= to)
			continue;
		dst = w + (it->file_off - from);
		switch (it->kind) {
		case TPL_PICC:
			put_hex(dst, sun->picc_enc, it->len / 2);
			break;
		case TPL_UID:
			put_hex(dst, sun->uid, sizeof(sun->uid));
			break;
		case TPL_CTR:
			/* NT4H2421Gx 9.3.1: MSB first in ASCII. */
			ctr[0] = (uint8_t)(sun->read_ctr >> 16);
			ctr[1] = (uint8_t)(sun->read_ctr >> 8);
			ctr[2] = (uint8_t)sun->read_ctr;
			put_hex(dst, ctr, sizeof(ctr));
			break;
		case TPL_ENC:
			put_hex(dst, sun->enc, sun->enc_len);
			break;
		default:
			break;
		}
	}
	return to - from;
}

/*
 * NT4H2421Gx 9.3.9.1: label || 0001 0080 || [UID] || [SDMReadCtr LSB first]
 * || zero padding; SV1 always carries both (ENC needs both mirrored).
 */
static void
session_vector(const ntag424_sun_t *sun, const uint8_t head[6], uint8_t sv[16])
{
	size_t n = 6;

	memset(sv, 0, 16);
	memcpy(sv, head, 6);
	if (sun->has_uid) {
		memcpy(sv + n, sun->uid, NTAG424_UID_LEN);
		n += NTAG424_UID_LEN;
	}
	if (sun->has_read_ctr)
		put_u24le(sv + n, sun->read_ctr);
}

/* NT4H2421Gx 9.3.6: IVe = E(SesENC, ctr || 0^13); CBC over the data. */
static int
decrypt_enc(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun)
{
	uint8_t	sv[16], key[16], iv[16] = { 0 };
	int	r = NTAG424_ERR_CRYPTO;

	session_vector(sun, sv1_head, sv);
	put_u24le(iv, sun->read_ctr);
	if (sun_cmac(&ctx->file, sv, sizeof(sv), key) != 0 ||
	    sun_aes_set_key(&ctx->ses.aes, key) != 0 ||
	    sun_aes_block(&ctx->ses.aes, iv, iv) != 0 ||
	    sun_aes_set_key(&ctx->ses_dec, key) != 0 ||
	    sun_aes_cbc_decrypt(&ctx->ses_dec, iv, sun->enc, sun->enc_len,
	    sun->file_data) != 0)
		goto fail;
	sun->file_data_len = sun->enc_len;
	r = NTAG424_OK;
fail:
	wipe(key, sizeof(key));
	wipe(iv, sizeof(iv));
	return r;
}

/*
 * NT4H2421Gx 9.3.9.2: SV = 00 01 00 80 || [UID] || [SDMReadCtr] || zero
 * padding || 1E E1, one block; the session master key is CMAC_LRP of it
 * under SDMFileReadKey.
 */
static int
lrp_master(ntag424_sun_ctx_t *ctx, const ntag424_sun_t *sun,
    uint8_t master[16])
{
	uint8_t	sv[16] = { 0x00, 0x01, 0x00, 0x80 };
	size_t	n = 4;
	int	r = NTAG424_ERR_CRYPTO;

	if (!ctx->file_lrp_set) {
		if (lrp_init(&ctx->file_lrp, ctx->file_key, 0) < 0)
			return NTAG424_ERR_CRYPTO;
		ctx->file_lrp_set = true;
	}
	if (sun->has_uid) {
		memcpy(sv + n, sun->uid, NTAG424_UID_LEN);
		n += NTAG424_UID_LEN;
	}
	if (sun->has_read_ctr)
		put_u24le(sv + n, sun->read_ctr);
	sv[14] = 0x1E;
	sv[15] = 0xE1;
	if (lrp_cmac(&ctx->file_lrp, sv, sizeof(sv), master) == 0)
		r = NTAG424_OK;
	wipe(sv, sizeof(sv));
	return r;
}

/*
 * NT4H2421Gx 9.3.6.2: LRICB under the master key's updated key 1 with the
 * counter SDMReadCtr (as mirrored, LSB first) || 00 00 00.
 */
static int
lrp_decrypt_enc(ntag424_sun_t *sun, const uint8_t master[16])
{
	uint8_t	ctr[6] = { 0 };
	lrp_t	enc;
	int	r = NTAG424_ERR_CRYPTO;

	put_u24le(ctr, sun->read_ctr);
	if (lrp_init(&enc, master, 1) < 0 ||
	    lrp_lricb_decrypt(&enc, ctr, sizeof(ctr), sun->enc, sun->enc_len,
	    sun->file_data) < 0)
		goto fail;
	sun->file_data_len = sun->enc_len;
	r = NTAG424_OK;
fail:
	lrp_wipe(&enc);
	return r;
}

/* NT4H2421Gx 9.3.8.2: MACt of CMAC_LRP under updated key 0 of the master. */
static int
lrp_check_mac(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun)
{
	uint8_t	master[16], full[16], mact[MACT_LEN];
	uint8_t	window[NTAG424_NDEF_FILE_SIZE];
	size_t	n = mac_window(sun, window);
	lrp_t	mac;
	int	r;

	memset(&mac, 0, sizeof(mac));
	if ((r = lrp_master(ctx, sun, master)) != NTAG424_OK)
		goto fail;
	r = NTAG424_ERR_CRYPTO;
	if (lrp_init(&mac, master, 0) < 0 ||
	    lrp_cmac(&mac, window, n, full) < 0)
		goto fail;
	cmac_truncate(full, mact);
	if (!ct_equal(mact, sun->mac, sizeof(mact))) {
		r = NTAG424_ERR_BAD_MAC;
		goto fail;
	}
	if (sun->tpl->by_kind[TPL_ENC] != NULL &&
	    (r = lrp_decrypt_enc(sun, master)) != NTAG424_OK)
		goto fail;
	sun->state = SUN_VERIFIED;
	r = NTAG424_OK;
fail:
	if (r != NTAG424_OK) {
		wipe(sun->file_data, sizeof(sun->file_data));
		sun->file_data_len = 0;
	}
	lrp_wipe(&mac);
	wipe(master, sizeof(master));
	wipe(full, sizeof(full));
	return r;
}

int
ntag424_sun_check_mac(ntag424_sun_ctx_t *ctx, ntag424_sun_t *sun)
{
	struct {
		uint8_t	key[16];	/* SesSDMFileReadMACKey */
		uint8_t	full[16];
		uint8_t	mact[MACT_LEN];
	} s;
	uint8_t	sv[16], window[NTAG424_NDEF_FILE_SIZE];
	size_t	n;
	int	r = NTAG424_ERR_CRYPTO;

	if (ctx == NULL || sun == NULL)
		return NTAG424_ERR_ARG;
	if (sun->state < SUN_PICC || !ctx->file_set)
		return NTAG424_ERR_STATE;
	if (sun->tpl->lrp)
		return lrp_check_mac(ctx, sun);
	session_vector(sun, sv2_head, sv);
	n = mac_window(sun, window);
	if (sun_cmac(&ctx->file, sv, sizeof(sv), s.key) != 0 ||
	    sun_cmac_set_key(&ctx->ses, s.key) != 0 ||
	    sun_cmac(&ctx->ses, window, n, s.full) != 0)
		goto fail;
	cmac_truncate(s.full, s.mact);
	if (!ct_equal(s.mact, sun->mac, sizeof(s.mact))) {
		r = NTAG424_ERR_BAD_MAC;
		goto fail;
	}
	if (sun->tpl->by_kind[TPL_ENC] != NULL &&
	    (r = decrypt_enc(ctx, sun)) != NTAG424_OK)
		goto fail;
	sun->state = SUN_VERIFIED;
	r = NTAG424_OK;
fail:
	if (r != NTAG424_OK) {
		wipe(sun->file_data, sizeof(sun->file_data));
		sun->file_data_len = 0;
	}
	wipe(&s, sizeof(s));
	return r;
}

int
ntag424_sun_verify(ntag424_sun_ctx_t *ctx, const ntag424_template_t *t,
    const char *url, size_t len, ntag424_sun_t *sun)
{
	int r;

	if ((r = ntag424_sun_parse(t, url, len, sun)) != NTAG424_OK ||
	    (r = ntag424_sun_decrypt_picc(ctx, sun)) != NTAG424_OK ||
	    (r = ntag424_sun_check_mac(ctx, sun)) != NTAG424_OK)
		return r;
	return NTAG424_OK;
}
