/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Parsers for other tools' key files (import_text.h): CSV with a header
 * (ours, and the Python provisioner's tag_keys.csv), the Boltcard app's
 * wipe JSON and JSON Lines. Nothing here touches the database; every
 * failure is a sentence naming the line, and the records are wiped.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/hex.h"
#include "common/prim.h"
#include "keystore/import_text.h"
#include "ntag424/err.h"

#define MAX_FIELDS	16
#define FIELD_MAX	(NTAG424_KS_TEMPLATE_MAX + 64)
#define BACKUP_MAGIC	"PROVKSB1"

/* What a CSV column holds. */
enum col {
	COL_UID, COL_K0, COL_K1, COL_K2, COL_K3, COL_K4, COL_VERSION,
	COL_TEMPLATE, COL_LABEL, COL_DATE, COL_STATUS, COL_NOTES,
};

struct colname {
	const char	*name;
	int		 col;
};

static const struct colname csv_cols[] = {
	{ "uid", COL_UID }, { "k0", COL_K0 }, { "k1", COL_K1 },
	{ "k2", COL_K2 }, { "k3", COL_K3 }, { "k4", COL_K4 },
	{ "version", COL_VERSION }, { "template", COL_TEMPLATE },
	{ "label", COL_LABEL }, { NULL, 0 },
};

/* The Python provisioner's tag_keys.csv: keys 0, 1 and 3 only. */
static const struct colname tag_keys_cols[] = {
	{ "uid", COL_UID }, { "picc_master_key", COL_K0 },
	{ "app_read_key", COL_K1 }, { "sdm_mac_key", COL_K3 },
	{ "provisioned_date", COL_DATE }, { "status", COL_STATUS },
	{ "notes", COL_NOTES }, { NULL, 0 },
};

static const char *const format_names[] = {
	"auto", "backup", "csv", "tag-keys", "wipe-json", "jsonl",
};

struct record {
	size_t	line;
	size_t	n;
	char	f[MAX_FIELDS][FIELD_MAX];
};

struct cursor {
	const char	*p, *end;
	size_t		 line;
};

static int
bad(struct ntag424_ks_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct ntag424_ks_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	return NTAG424_ERR_MALFORMED;
}

int
ntag424_ks_text_format_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	    i++)
		if (name != NULL && strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
ntag424_ks_text_format_name(int format)
{
	if (format < 0 || (size_t)format >=
	    sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[format];
}

static const char *
skip_bom(const char *buf, size_t *len)
{
	if (*len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		*len -= 3;
		return buf + 3;
	}
	return buf;
}

static void
wipe_record(struct record *rec)
{
	wipe(rec, sizeof(*rec));
}

/* ---- CSV records (RFC 4180: quotes, "" escapes, CRLF) --------------- */

static int
put_char(struct record *rec, size_t *len, char c)
{
	if (*len + 1 >= FIELD_MAX)
		return -1;
	rec->f[rec->n][(*len)++] = c;
	return 0;
}

/* Trim blanks around an unquoted field, in place. */
static void
trim(char *s)
{
	size_t a = 0, n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[a] == ' ' || s[a] == '\t')
		a++;
	memmove(s, s + a, n - a + 1);
}

static int
end_field(struct record *rec, size_t *len, int quoted)
{
	rec->f[rec->n][*len] = '\0';
	if (!quoted)
		trim(rec->f[rec->n]);
	*len = 0;
	return ++rec->n < MAX_FIELDS ? 0 : -1;
}

static int
field_error(struct ntag424_ks_text *t, const struct record *rec, int what)
{
	if (what == 1)
		return bad(t, "line %zu: a field is longer than %d characters",
		    rec->line, FIELD_MAX - 1);
	if (what == 2)
		return bad(t, "line %zu: more than %d fields", rec->line,
		    MAX_FIELDS - 1);
	return bad(t, "line %zu: a quoted field is not closed", rec->line);
}

/* A quoted field up to its closing quote; the cursor stays after it. */
static int
quoted_field(struct cursor *c, struct record *rec, size_t *len)
{
	for (c->p++; c->p < c->end; c->p++) {
		if (*c->p == '"' && c->p + 1 < c->end && c->p[1] == '"')
			c->p++;
		else if (*c->p == '"') {
			c->p++;
			return 0;
		}
		if (*c->p == '\n')
			c->line++;
		if (put_char(rec, len, *c->p) != 0)
			return 1;
	}
	return 3;
}

/* One record: 1, 0 at the end, or NTAG424_ERR_MALFORMED. */
static int
next_record(struct cursor *c, struct record *rec, struct ntag424_ks_text *t)
{
	size_t	len = 0;
	int	quoted = 0, e;

	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		c->line += *c->p == '\n';
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	memset(rec, 0, sizeof(*rec));
	rec->line = c->line;
	while (c->p < c->end && *c->p != '\n') {
		if (*c->p == '"' && len == 0 && !quoted) {
			if ((e = quoted_field(c, rec, &len)) != 0)
				return field_error(t, rec, e);
			quoted = 1;
			continue;
		}
		if (*c->p == ',') {
			if (end_field(rec, &len, quoted) != 0)
				return field_error(t, rec, 2);
			quoted = 0;
		} else if (*c->p != '\r' && put_char(rec, &len, *c->p) != 0)
			return field_error(t, rec, 1);
		c->p++;
	}
	if (end_field(rec, &len, quoted) != 0)
		return field_error(t, rec, 2);
	return 1;
}

/* ---- values ----------------------------------------------------------- */

/* Exactly n bytes of hex (upper or lower case) from s. */
static int
parse_hex(struct ntag424_ks_text *t, size_t line, const char *what,
    const char *s, uint8_t *out, size_t n)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if (hex_digit((unsigned char)s[i]) < 0)
			return bad(t, "line %zu: %s: '%c' is not a hex digit",
			    line, what, isprint((unsigned char)s[i]) ? s[i] :
			    '?');
	if (len % 2 != 0)
		return bad(t, "line %zu: %s: odd number of hex digits (%zu)",
		    line, what, len);
	if (len != 2 * n)
		return bad(t, "line %zu: %s: %zu hex digits, %s has %zu", line,
		    what, len, n == NTAG424_KS_UID_LEN ? "a UID" : "a key",
		    2 * n);
	return hex_decode(s, out, n) == 0 ? NTAG424_OK :
	    bad(t, "line %zu: %s: not hex", line, what);
}

static int
parse_version(struct ntag424_ks_text *t, size_t line, const char *s,
    uint8_t *v)
{
	char		*end = NULL;
	unsigned long	 n;

	if (s[0] == '\0') {
		*v = 0;
		return NTAG424_OK;
	}
	n = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end != '\0' || n > 255)
		return bad(t, "line %zu: version: '%s' is not a key version "
		    "(0 to 255)", line, s);
	*v = (uint8_t)n;
	return NTAG424_OK;
}

static int
set_template(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k,
    const char *s)
{
	if (strlen(s) > NTAG424_KS_TEMPLATE_MAX)
		return bad(t, "line %zu: template: longer than %d characters",
		    k->line, NTAG424_KS_TEMPLATE_MAX);
	snprintf(k->tmpl, sizeof(k->tmpl), "%s", s);
	return NTAG424_OK;
}

static int
set_key(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k, int keyno,
    const char *what, const char *hex)
{
	int r;

	if (hex[0] == '\0')
		return NTAG424_OK;	/* not given: the tag has its factory key */
	if ((r = parse_hex(t, k->line, what, hex, k->key[keyno],
	    NTAG424_KS_KEY_LEN)) != NTAG424_OK)
		return r;
	k->mask |= 1u << keyno;
	return NTAG424_OK;
}

/* The record must name its tag, carry a key, and be the file's only one. */
static int
add_record(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k)
{
	char				 uid[2 * NTAG424_KS_UID_LEN + 1];
	struct ntag424_ks_tag_keys	*nv;

	hex_encode(k->uid, sizeof(k->uid), uid);
	if (k->mask == 0)
		return bad(t, "line %zu: no key given for tag %s", k->line, uid);
	for (size_t i = 0; i < t->n; i++)
		if (memcmp(t->v[i].uid, k->uid, sizeof(k->uid)) == 0)
			return bad(t, "line %zu: tag %s is already on line %zu "
			    "(duplicate UID)", k->line, uid, t->v[i].line);
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;

		/* Grow by copy so that no key is left in freed memory. */
		if ((nv = calloc(cap, sizeof(*nv))) == NULL)
			return bad(t, "out of memory");
		if (t->n > 0)
			memcpy(nv, t->v, t->n * sizeof(*nv));
		if (t->v != NULL)
			wipe(t->v, t->cap * sizeof(*t->v));
		free(t->v);
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n++] = *k;
	return NTAG424_OK;
}

/* ---- CSV -------------------------------------------------------------- */

static int
lookup_col(const struct colname *cols, const char *name)
{
	for (; cols->name != NULL; cols++)
		if (strcasecmp(cols->name, name) == 0)
			return cols->col;
	return -1;
}

static int
map_header(struct ntag424_ks_text *t, const struct record *h,
    const struct colname *cols, int map[MAX_FIELDS])
{
	unsigned seen = 0;

	for (size_t i = 0; i < h->n; i++) {
		if ((map[i] = lookup_col(cols, h->f[i])) < 0)
			return bad(t, "line %zu: unknown column '%s' (a %s file "
			    "has %s)", h->line, h->f[i],
			    ntag424_ks_text_format_name(t->format),
			    cols == csv_cols ? "uid, k0 to k4, version, "
			    "template, label" : "uid, picc_master_key, "
			    "app_read_key, sdm_mac_key, provisioned_date, "
			    "status, notes");
		if (seen & (1u << map[i]))
			return bad(t, "line %zu: column '%s' appears twice",
			    h->line, h->f[i]);
		seen |= 1u << map[i];
	}
	if ((seen & (1u << COL_UID)) == 0)
		return bad(t, "line %zu: the header has no uid column", h->line);
	if ((seen & 0x3Eu) == 0)
		return bad(t, "line %zu: the header has no key column", h->line);
	if (seen & (1u << COL_LABEL))
		t->has_label = 1;
	return NTAG424_OK;
}

static int
csv_field(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k, int col,
    const char *name, const char *s)
{
	switch (col) {
	case COL_UID:
		return parse_hex(t, k->line, "uid", s, k->uid,
		    NTAG424_KS_UID_LEN);
	case COL_K0: case COL_K1: case COL_K2: case COL_K3: case COL_K4:
		return set_key(t, k, col - COL_K0, name, s);
	case COL_VERSION:
		if (parse_version(t, k->line, s, &k->version[0]) != NTAG424_OK)
			return NTAG424_ERR_MALFORMED;
		memset(k->version, k->version[0], sizeof(k->version));
		return NTAG424_OK;
	case COL_TEMPLATE:
		return set_template(t, k, s);
	case COL_STATUS:
		snprintf(k->file_status, sizeof(k->file_status), "%s", s);
		return NTAG424_OK;
	default:
		return NTAG424_OK;	/* label, date, notes: not stored */
	}
}

static int
csv_row(struct ntag424_ks_text *t, const struct record *h,
    const struct record *rec, const int map[MAX_FIELDS])
{
	struct ntag424_ks_tag_keys	k;
	int				r = NTAG424_OK;

	memset(&k, 0, sizeof(k));
	k.line = rec->line;
	if (rec->n != h->n)
		return bad(t, "line %zu: %zu fields, the header has %zu",
		    rec->line, rec->n, h->n);
	for (size_t i = 0; i < rec->n && r == NTAG424_OK; i++)
		r = csv_field(t, &k, map[i], h->f[i], rec->f[i]);
	/* The Python provisioner lists factory tags too: nothing to import. */
	if (r == NTAG424_OK && strcasecmp(k.file_status, "factory") == 0)
		t->skipped++;
	else if (r == NTAG424_OK)
		r = add_record(t, &k);
	wipe(&k, sizeof(k));
	return r;
}

/* Detected as CSV but without one column name of ours: no key file. */
static int
no_known_column(const struct record *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (lookup_col(csv_cols, h->f[i]) >= 0 ||
		    lookup_col(tag_keys_cols, h->f[i]) >= 0)
			return 0;
	return 1;
}

/* The Python provisioner's file is told apart by its key 0 column. */
static int
has_column(const struct record *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->f[i], name) == 0)
			return 1;
	return 0;
}

static int
parse_csv(struct ntag424_ks_text *t, const char *buf, size_t len)
{
	struct cursor	 c = { buf, buf + len, 1 };
	struct record	*h = NULL, *rec = NULL;
	int		 map[MAX_FIELDS], r;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (rec = calloc(1, sizeof(*rec))) == NULL) {
		r = bad(t, "out of memory");
		goto done;
	}
	if ((r = next_record(&c, h, t)) <= 0) {
		r = r == 0 ? bad(t, "the file is empty") : r;
		goto done;
	}
	if (t->format == NTAG424_KS_FMT_AUTO && no_known_column(h)) {
		r = bad(t, "the file is not a keystore backup, nor a key file "
		    "of a known format (CSV with a header naming uid and k0 to "
		    "k4, tag_keys.csv, Boltcard wipe JSON, JSON Lines)");
		goto done;
	}
	if (t->format == NTAG424_KS_FMT_AUTO)
		t->format = has_column(h, "picc_master_key") ?
		    NTAG424_KS_FMT_TAG_KEYS : NTAG424_KS_FMT_CSV;
	if ((r = map_header(t, h, t->format == NTAG424_KS_FMT_TAG_KEYS ?
	    tag_keys_cols : csv_cols, map)) != NTAG424_OK)
		goto done;
	while ((r = next_record(&c, rec, t)) == 1)
		if ((r = csv_row(t, h, rec, map)) != NTAG424_OK)
			goto done;
done:
	if (rec != NULL)
		wipe_record(rec);
	free(rec);
	free(h);
	return r;
}

/* ---- JSON ------------------------------------------------------------- */

static int
json_hex(struct ntag424_ks_text *t, size_t line, const char *what,
    json_t *v, uint8_t *out, size_t n)
{
	if (!json_is_string(v))
		return bad(t, "line %zu: %s: not a string of hex digits", line,
		    what);
	return parse_hex(t, line, what, json_string_value(v), out, n);
}

static int
json_key(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k, int keyno,
    const char *what, json_t *v)
{
	int r;

	if ((r = json_hex(t, k->line, what, v, k->key[keyno],
	    NTAG424_KS_KEY_LEN)) == NTAG424_OK)
		k->mask |= 1u << keyno;
	return r;
}

static json_t *
json_parse(struct ntag424_ks_text *t, const char *buf, size_t len,
    size_t line)
{
	json_error_t	 e;
	json_t		*j;

	if ((j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e)) == NULL) {
		bad(t, "line %zu: not JSON: %s", line + (size_t)(e.line > 0 ?
		    e.line - 1 : 0), e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		bad(t, "line %zu: not a JSON object", line);
		return NULL;
	}
	return j;
}

/* The wipe JSON's "version": 1 (a number; the string "1" is seen too). */
static int
wipe_version(struct ntag424_ks_text *t, json_t *v)
{
	if ((json_is_integer(v) && json_integer_value(v) == 1) ||
	    (json_is_string(v) && strcmp(json_string_value(v), "1") == 0))
		return NTAG424_OK;
	return bad(t, "line 1: version: only version 1 of the wipe JSON is "
	    "known");
}

static int
wipe_member(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k,
    const char *name, json_t *v, int *has_uid)
{
	if (strcmp(name, "version") == 0)
		return wipe_version(t, v);
	if (strcmp(name, "action") == 0)
		return json_is_string(v) && strcmp(json_string_value(v),
		    "wipe") == 0 ? NTAG424_OK : bad(t, "line 1: action: not "
		    "\"wipe\"");
	if (strcmp(name, "uid") == 0) {
		*has_uid = 1;
		return json_hex(t, 1, "uid", v, k->uid, NTAG424_KS_UID_LEN);
	}
	if (strlen(name) == 2 && name[0] == 'k' && name[1] >= '0' &&
	    name[1] <= '4')
		return json_key(t, k, name[1] - '0', name, v);
	return bad(t, "line 1: unknown member '%s' (a wipe JSON has version, "
	    "action, k0 to k4 and optionally uid)", name);
}

static int
wipe_uid(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k,
    const uint8_t *uid, int has_uid)
{
	if (uid != NULL && has_uid && memcmp(uid, k->uid, sizeof(k->uid)) != 0)
		return bad(t, "line 1: uid: the file names another tag than "
		    "--uid");
	if (uid != NULL)
		memcpy(k->uid, uid, sizeof(k->uid));
	else if (!has_uid)
		return bad(t, "the wipe JSON does not say which tag it is for: "
		    "give --uid UID");
	return NTAG424_OK;
}

static int
parse_wipe(struct ntag424_ks_text *t, const char *buf, size_t len,
    const uint8_t *uid)
{
	struct ntag424_ks_tag_keys	 k;
	const char			*name;
	json_t				*j, *v;
	int				 r = NTAG424_OK, has_uid = 0;

	memset(&k, 0, sizeof(k));
	k.line = 1;
	if ((j = json_parse(t, buf, len, 1)) == NULL)
		return NTAG424_ERR_MALFORMED;
	json_object_foreach(j, name, v)
		if ((r = wipe_member(t, &k, name, v, &has_uid)) != NTAG424_OK)
			goto done;
	if (json_object_get(j, "action") == NULL)
		r = bad(t, "line 1: no \"action\": \"wipe\" member");
	else if ((r = wipe_uid(t, &k, uid, has_uid)) != NTAG424_OK)
		goto done;
	else if (k.mask != 0x1Fu)
		r = bad(t, "line 1: a wipe JSON has all five keys k0 to k4");
	else
		r = add_record(t, &k);
done:
	wipe(&k, sizeof(k));
	json_decref(j);
	return r;
}

static int
jsonl_keys(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k,
    json_t *keys)
{
	const char	*name;
	char		 what[16];
	json_t		*v;
	int		 r;

	if (!json_is_object(keys))
		return bad(t, "line %zu: keys: not an object of \"0\" to \"4\"",
		    k->line);
	json_object_foreach(keys, name, v) {
		if (strlen(name) != 1 || name[0] < '0' || name[0] > '4')
			return bad(t, "line %zu: keys: unknown key number '%s' "
			    "(0 to 4)", k->line, name);
		snprintf(what, sizeof(what), "key %s", name);
		if ((r = json_key(t, k, name[0] - '0', what, v)) != NTAG424_OK)
			return r;
	}
	return NTAG424_OK;
}

static int
jsonl_member(struct ntag424_ks_text *t, struct ntag424_ks_tag_keys *k,
    const char *name, json_t *v)
{
	if (strcmp(name, "uid") == 0)
		return json_hex(t, k->line, "uid", v, k->uid,
		    NTAG424_KS_UID_LEN);
	if (strcmp(name, "keys") == 0)
		return jsonl_keys(t, k, v);
	if (strcmp(name, "version") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 255)
			return bad(t, "line %zu: version: not a key version "
			    "(0 to 255)", k->line);
		memset(k->version, (int)json_integer_value(v),
		    sizeof(k->version));
		return NTAG424_OK;
	}
	if (strcmp(name, "template") == 0)
		return json_is_string(v) ? set_template(t, k,
		    json_string_value(v)) : bad(t, "line %zu: template: not a "
		    "string", k->line);
	if (strcmp(name, "label") == 0) {
		t->has_label = 1;
		return NTAG424_OK;
	}
	return bad(t, "line %zu: unknown member '%s' (a line has uid, keys and "
	    "optionally version, template, label)", k->line, name);
}

static int
jsonl_line(struct ntag424_ks_text *t, const char *p, size_t n, size_t line)
{
	struct ntag424_ks_tag_keys	 k;
	const char			*name;
	json_t				*j, *v;
	int				 r = NTAG424_OK;

	memset(&k, 0, sizeof(k));
	k.line = line;
	if ((j = json_parse(t, p, n, line)) == NULL)
		return NTAG424_ERR_MALFORMED;
	json_object_foreach(j, name, v)
		if ((r = jsonl_member(t, &k, name, v)) != NTAG424_OK)
			goto done;
	if (json_object_get(j, "uid") == NULL)
		r = bad(t, "line %zu: no \"uid\"", line);
	else
		r = add_record(t, &k);
done:
	wipe(&k, sizeof(k));
	json_decref(j);
	return r;
}

static int
blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

static int
parse_jsonl(struct ntag424_ks_text *t, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 line = 1;
	int		 r;

	for (; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!blank(p, (size_t)(nl - p)) &&
		    (r = jsonl_line(t, p, (size_t)(nl - p), line)) !=
		    NTAG424_OK)
			return r;
	}
	return t->n == 0 ? bad(t, "the file is empty") : NTAG424_OK;
}

/* ---- detection and entry points -------------------------------------- */

static int
is_wipe_json(const char *buf, size_t len)
{
	json_t	*j;
	int	 yes;

	if ((j = json_loadb(buf, len, 0, NULL)) == NULL)
		return 0;
	yes = json_is_object(j) && json_object_get(j, "action") != NULL;
	json_decref(j);
	return yes;
}

int
ntag424_ks_text_detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= sizeof(BACKUP_MAGIC) - 1 &&
	    memcmp(buf, BACKUP_MAGIC, sizeof(BACKUP_MAGIC) - 1) == 0)
		return NTAG424_KS_FMT_BACKUP;
	buf = skip_bom(buf, &len);
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && buf[i] == '{')
		return is_wipe_json(buf, len) ? NTAG424_KS_FMT_WIPE_JSON :
		    NTAG424_KS_FMT_JSONL;
	return NTAG424_KS_FMT_AUTO;	/* CSV: the header decides which */
}

int
ntag424_ks_text_parse(const char *buf, size_t len, int format,
    const uint8_t *uid, struct ntag424_ks_text *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	if (buf == NULL || len > NTAG424_KS_TEXT_MAX)
		return bad(t, "the file is larger than %u bytes",
		    NTAG424_KS_TEXT_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return bad(t, "the file holds NUL bytes: not a text file");
	t->format = format == NTAG424_KS_FMT_AUTO ?
	    ntag424_ks_text_detect(buf, len) : format;
	buf = skip_bom(buf, &len);
	switch (t->format) {
	case NTAG424_KS_FMT_BACKUP:
		return bad(t, "a provisio backup is not a text file");
	case NTAG424_KS_FMT_WIPE_JSON:
		r = parse_wipe(t, buf, len, uid);
		break;
	case NTAG424_KS_FMT_JSONL:
		r = parse_jsonl(t, buf, len);
		break;
	default:
		r = parse_csv(t, buf, len);
		break;
	}
	if (r == NTAG424_OK && t->n == 0)
		r = bad(t, "the file holds no tag with changed keys%s",
		    t->skipped ? " (only rows with status factory)" : "");
	if (r != NTAG424_OK)
		ntag424_ks_text_free(t);
	return r;
}

void
ntag424_ks_text_free(struct ntag424_ks_text *t)
{
	if (t == NULL)
		return;
	if (t->v != NULL)
		wipe(t->v, t->cap * sizeof(*t->v));
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}
