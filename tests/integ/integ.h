/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Integration tests: libntag424 driving the in-process emulator through
 * ntag424_emu_attach. Neither side's session rules are used here; only the
 * public API of the library and the emulator's test hooks.
 */
#ifndef PROVISIO_TEST_INTEG_H
#define PROVISIO_TEST_INTEG_H

#include <stdbool.h>
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
/*
 * INTEG_LRP=1 in the environment: the tags are in LRP mode, the rig
 * authenticates with LRP and compiles templates for LRP, so that every
 * integration test runs once per cipher suite (CMakeLists.txt).
 */
bool integ_lrp(void);
/* AuthenticateEV2First, or LRPFirst under INTEG_LRP; the code. */
int integ_auth_first(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16]);
int integ_auth_nonfirst(ntag424_dev_t *dev, uint8_t key_no,
    const uint8_t key[16]);
/* integ_auth_first with key_no; asserts success. */
void rig_auth(struct rig *r, uint8_t key_no, const uint8_t key[16]);
/* A key filled with byte b (b, b+1, ...). */
void integ_key(uint8_t key[16], uint8_t b);

#endif

/*
 * Compile text (opts NULL: defaults) into *t (new), then, in a session with
 * key0: write the NDEF content and ChangeFileSettings of file 02. Then
 * a power cycle (the tag leaves the writer) and the application selected. Returns the first failing code.
 */
int rig_configure(struct rig *r, const char *text,
    const ntag424_template_opts_t *opts, const uint8_t key0[16],
    ntag424_template_t **t);

/*
 * Tap like a phone: unauthenticated read of the NDEF file (ReadData when
 * iso is 0, ISOSelectFile + ISOReadBinary otherwise), then the URL of its
 * URI record into url (NUL-terminated). Returns 0 or the failing code.
 */
int rig_tap(struct rig *r, int iso, char *url, size_t cap);

/* The templates every SDM layout test runs through. */
struct integ_tpl {
	const char	*text;
	uint32_t	 ctr_limit;	/* opts.read_ctr_limit */
	int		 has_uid;	/* UID in the URL (picc or uid) */
};
extern const struct integ_tpl integ_tpls[];
extern const size_t integ_ntpls;
/* opts for one of integ_tpls (defaults plus its limit). */
void integ_tpl_opts(const struct integ_tpl *it, ntag424_template_opts_t *o);
