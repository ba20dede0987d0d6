/* The verdict as JSON: {"verdict": NAME, ...} with the fields it has. */
#include <stdlib.h>

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

/* Text from the request may hold any byte: keep printable ASCII only. */
static json_t *
text(const char *s)
{
	char	buf[VD_REASON_MAX];
	size_t	i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

char *
vd_json(const struct vd_result *r)
{
	json_t	*o;
	char	*s = NULL;
	int	 e = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	e |= json_object_set_new(o, "verdict",
	    json_string(vd_verdict_name(r->verdict)));
	if (r->verdict == VD_VALID || (r->verdict == VD_REPLAY && r->has_uid))
		e |= add_valid(o, r);
	if (r->field[0] != '\0')
		e |= json_object_set_new(o, "field", text(r->field));
	if (r->reason[0] != '\0')
		e |= json_object_set_new(o, "reason", text(r->reason));
	e |= json_object_set_new(o, "time", json_integer(r->time));
	if (e == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
