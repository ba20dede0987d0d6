/*
 * Integration tests: libntag424 driving the in-process emulator through
 * ntag424_emu_attach. Neither side's session rules are used here; only the
 * public API of the library and the emulator's test hooks.
 */
#ifndef PROVISIO_TEST_INTEG_H
#define PROVISIO_TEST_INTEG_H

#include <stddef.h>
#include <stdint.h>

#include "emu/emu.h"
#include "emu/emu_io.h"
#include "ntag424.h"

/* UID every integ tag gets unless a test says otherwise. */
extern const uint8_t integ_uid[7];
extern const uint8_t integ_zero[16];

/* One emulated tag and a device talking to it. */
struct rig {
	emu_t		*emu;
	ntag424_dev_t	*dev;
};

/* A factory tag with integ_uid (or uid), attached, application selected. */
void rig_open(struct rig *r, const uint8_t *uid);
void rig_close(struct rig *r);
/* The tag leaves and comes back: reconnect, select the application. */
void rig_repower(struct rig *r);
/* EV2First with key_no; asserts success. */
void rig_auth(struct rig *r, uint8_t key_no, const uint8_t key[16]);
/* A key filled with byte b (b, b+1, ...). */
void integ_key(uint8_t key[16], uint8_t b);

#endif
