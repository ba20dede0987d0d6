/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verdict as JSON: {"verdict": NAME, ...} with the fields it has. The
 * UID is the site's business for a valid tap; a replay's UID is shown only
 * when configured (replay-uid), since anyone holding an old URL may ask.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/hex.h"
#include "common/prim.h"
#include "verifyd/verifyd.h"

static int
add_valid(json_t *o, const struct vd_result *r)
{
	char	uid[2 * NTAG424_UID_LEN + 1];
	char	data[2 * NTAG424_SUN_DATA_MAX + 1];
	int	e = 0;

	hex_encode(r->uid, NTAG424_UID_LEN, uid);
	e |= json_object_set_new(o, "uid", json_string(uid));
	e |= json_object_set_new(o, "counter", json_integer(r->ctr));
	e |= json_object_set_new(o, "generation", json_integer(r->generation));
	if (r->file_data_len > 0) {
		hex_encode(r->file_data, r->file_data_len, data);
		e |= json_object_set_new(o, "file_data", json_string(data));
		wipe(data, sizeof(data));
	}
	return e;
}

void
vd_reason_text(const char *s, char *out, size_t cap)
{
	static const char more[] = "...";
	size_t		  i, n = strlen(s), cut;

	if (cap == 0)
		return;
	/* A reason that fills the buffer was most likely cut by snprintf. */
	if (n + 1 < cap)
		cut = n;
	else {
		/* Back to the last space that leaves room for the mark. */
		cut = cap > sizeof(more) ? cap - sizeof(more) : 0;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' ||
		    s[cut - 1] == ':' || s[cut - 1] == ';'))
			cut--;
	}
	/* Text from the request may hold any byte: printable ASCII only. */
	for (i = 0; i < cut; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	if (cut < n && i + sizeof(more) <= cap)
		memcpy(out + i, more, sizeof(more));
}

static json_t *
text(const char *s)
{
	char buf[VD_REASON_MAX];

	vd_reason_text(s, buf, sizeof(buf));
	return json_string(buf);
}

char *
vd_json(const struct vd_result *r, bool replay_uid)
{
	json_t	*o;
	char	*s = NULL;
	int	 e = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	e |= json_object_set_new(o, "verdict",
	    json_string(vd_verdict_name(r->verdict)));
	if (r->verdict == VD_VALID ||
	    (r->verdict == VD_REPLAY && r->has_uid && replay_uid))
		e |= add_valid(o, r);
	if (r->field[0] != '\0')
		e |= json_object_set_new(o, "field", text(r->field));
	if (r->reason[0] != '\0')
		e |= json_object_set_new(o, "reason", text(r->reason));
	if (r->request_id[0] != '\0')
		e |= json_object_set_new(o, "request", text(r->request_id));
	e |= json_object_set_new(o, "time", json_integer(r->time));
	if (e == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

char *
vd_json_neutral(const char *why, int64_t t)
{
	json_t	*o;
	char	*s = NULL;

	if ((o = json_pack("{s:b,s:s,s:I}", "checked", 0, "reason", why,
	    "time", (json_int_t)t)) == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
