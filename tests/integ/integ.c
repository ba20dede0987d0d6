/* Shared set-up of the integration tests (see integ.h). */
#include <string.h>

#include "integ.h"
#include "test.h"

const uint8_t integ_uid[7] = { 0x04, 0x6E, 0x1A, 0x2B, 0x3C, 0x4D, 0x80 };
const uint8_t integ_zero[16];

void
rig_open(struct rig *r, const uint8_t *uid)
{
	r->emu = emu_new(uid != NULL ? uid : integ_uid);
	r->dev = ntag424_dev_new();
	CHECK(r->emu != NULL);
	CHECK(r->dev != NULL);
	if (r->emu == NULL || r->dev == NULL)
		return;
	CHECK_INT(NTAG424_OK, ntag424_emu_attach(r->dev, r->emu));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r->dev));
}

void
rig_close(struct rig *r)
{
	ntag424_dev_free(&r->dev);
	emu_free(&r->emu);
}

void
rig_repower(struct rig *r)
{
	CHECK_INT(NTAG424_OK, ntag424_dev_reconnect(r->dev));
	CHECK_INT(NTAG424_OK, ntag424_select_application(r->dev));
}

void
rig_auth(struct rig *r, uint8_t key_no, const uint8_t key[16])
{
	CHECK_INT(NTAG424_OK, ntag424_auth_ev2_first(r->dev, key_no, key));
}

void
integ_key(uint8_t key[16], uint8_t b)
{
	for (size_t i = 0; i < 16; i++)
		key[i] = (uint8_t)(b + i);
}
