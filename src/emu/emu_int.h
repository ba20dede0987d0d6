/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of the emulator shared by its .c files (never installed). */
#ifndef PROVISIO_EMU_INT_H
#define PROVISIO_EMU_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/lrp.h"
#include "emu/emu.h"

/* Status words (NT4H2421Gx Tables 23, 24). */
#define SW_OK		0x9100
#define SW_SIG_OK	0x9190	/* Read_Sig's success on genuine tags */
#define SW_MORE		0x91AF
#define SW_ILLEGAL	0x911C
#define SW_INTEGRITY	0x911E
#define SW_NO_KEY	0x9140
#define SW_LENGTH	0x917E
#define SW_PERMISSION	0x919D
#define SW_PARAMETER	0x919E
#define SW_DELAY	0x91AD
#define SW_AUTH		0x91AE
#define SW_BOUNDARY	0x91BE
#define SW_ABORTED	0x91CA
#define SW_NO_FILE	0x91F0
#define SW_ISO_OK	0x9000
#define SW_ISO_LENGTH	0x6700
#define SW_ISO_SECURITY	0x6982
#define SW_ISO_COND	0x6985
#define SW_ISO_NOT_FOUND 0x6A82
#define SW_ISO_P1P2	0x6A86
#define SW_ISO_LC_P1P2	0x6A87
#define SW_ISO_INS	0x6D00
#define SW_ISO_CLA	0x6E00

#define AR_FREE		0x0E
#define AR_NEVER	0x0F

#define LEVEL_MF	0
#define LEVEL_APP	1

/* CommMode as used by secure messaging. */
#define MODE_PLAIN	0
#define MODE_MAC	1
#define MODE_FULL	3

/* Multi-frame exchanges waiting for 90 AF. */
#define PEND_NONE	0
#define PEND_AUTH	1
#define PEND_VERSION2	2
#define PEND_VERSION3	3

/* SDM read runs (NT4H2421Gx 9.3.1-9.3.2). */
#define RUN_NONE	0
#define RUN_READDATA	1
#define RUN_READBINARY	2

typedef struct emu_session {
	int		active;
	uint8_t		keyno;
	uint8_t		ti[4];
	uint16_t	ctr;
	uint8_t		kenc[16];
	uint8_t		kmac[16];
	/* LRP session (DS 9.2): updated keys 0 (MAC) and 1 (ENC), EncCtr. */
	int		lrp;
	lrp_t		lmac;
	lrp_t		lenc;
	uint32_t	encctr;
} emu_session_t;

/* What a power cycle forgets. */
typedef struct emu_volatile {
	int		level;
	uint8_t		ef;		/* selected FileNo, 0 = none */
	emu_session_t	sess;
	int		pending;
	int		pend_first;	/* EV2First (1) or NonFirst (0) */
	int		pend_lrp;	/* the pending authentication is LRP */
	int		pend_orig;	/* ... with an OriginalityKey (MF) */
	uint8_t		pend_keyno;
	uint8_t		rndb[16];
	uint8_t		pcdcap2[6];
	int		ver_secured;	/* GetVersion under MAC */
	int		run;		/* current SDM read run */
	int		run_prev;	/* run before the current C-APDU */
	uint8_t		picc_pad[15];
	uint8_t		picc_rand[8];	/* LRP PICCRand of the run (DS 9.3.4.2) */
	int		rid_active;	/* Random ID since this power-up */
	int		torn;
} emu_volatile_t;

typedef struct emu_inject_slot {
	int		set;
	size_t		len;
	uint8_t		v[16];
} emu_inject_slot_t;

struct emu {
	emu_persist_t		p;
	emu_volatile_t		v;
	emu_delay_t		delay;
	unsigned long		tear_left;
	int			tear_when;
	int			log;
	int			changed;
	emu_inject_slot_t	inj_rndb;
	emu_inject_slot_t	inj_ti;
	emu_inject_slot_t	inj_pad;
	emu_inject_slot_t	inj_rand;
};

/* A parsed wrapped native command: 90 INS 00 00 [Lc data] 00. */
typedef struct emu_cmd {
	uint8_t		ins;
	const uint8_t	*data;
	size_t		len;
} emu_cmd_t;

/* Every native handler: status word back, response data into out. */
typedef uint16_t (*emu_handler_t)(emu_t *, const emu_cmd_t *, wbuf_t *);

/* state.c */
void emu_factory(emu_persist_t *p, const uint8_t uid[EMU_UID_LEN]);
int emu_random(emu_t *e, emu_inject_slot_t *slot, uint8_t *out, size_t n);
void emu_session_drop(emu_t *e);
emu_file_t *emu_file(emu_t *e, uint8_t fileno);

/* sm.c: EV2 secure messaging (NT4H2421Gx 9.1.3-9.1.10) */
uint16_t sm_unwrap(emu_t *e, const emu_cmd_t *c, int mode, size_t hdrlen,
    uint8_t *out, size_t *outlen);
uint16_t sm_wrap(emu_t *e, int mode, const uint8_t *data, size_t len,
    wbuf_t *out);
uint16_t sm_wrap_rc(emu_t *e, int mode, uint8_t rc, const uint8_t *data,
    size_t len, wbuf_t *out);
size_t sm_wrapped_len(int mode, size_t len);
int sm_resp_mact(emu_t *e, const uint8_t *data, size_t len,
    uint8_t mact[8]);
int sm_mact(const uint8_t key[16], const uint8_t *msg, size_t len,
    uint8_t mact[8]);
int sm_session_keys(const uint8_t key[16], const uint8_t rnda[16],
    const uint8_t rndb[16], uint8_t kenc[16], uint8_t kmac[16]);
int sm_lrp_session(emu_session_t *s, const uint8_t key[16],
    const uint8_t rnda[16], const uint8_t rndb[16]);
int sm_lrp_mac(const lrp_t *l, const uint8_t *msg, size_t len,
    uint8_t full[16]);

/* handlers, one file per noun */
uint16_t auth_first(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t auth_nonfirst(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t auth_part2(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t keys_change(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t keys_version(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t files_get_settings(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t files_change_settings(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t files_counters(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t data_read(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t data_write(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t config_set(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t version_get(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t version_next(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t uid_get(emu_t *, const emu_cmd_t *, wbuf_t *);
uint16_t sig_read(emu_t *, const emu_cmd_t *, wbuf_t *);

/* iso.c: CLA 00 commands, the whole C-APDU */
uint16_t iso_process(emu_t *e, const uint8_t *capdu, size_t len, wbuf_t *out);

/* data.c: access decision shared with iso.c */
#define ACC_READ	0
#define ACC_WRITE	1
uint16_t data_access(const emu_t *e, const emu_file_t *f, int kind,
    int *mode);

/* sdm.c */
uint16_t sdm_first_read(emu_t *e, emu_file_t *f, int run, uint16_t limit_sw,
    uint16_t overflow_sw);
int sdm_render(emu_t *e, const emu_file_t *f, uint8_t out[EMU_FILE_MAX]);
int sdm_active(const emu_t *e, const emu_file_t *f);

/* sig.c */
int sig_sign(const uint8_t priv[EMU_SIG_PRIV_LEN], const uint8_t *msg,
    size_t len, uint8_t sig[EMU_SIG_LEN]);
int sig_new_key(uint8_t priv[EMU_SIG_PRIV_LEN]);

/* nibble helpers for AccessRights and SDMAccessRights */
#define AR_READ(ar)	((uint8_t)(((ar) >> 12) & 0xF))
#define AR_WRITE(ar)	((uint8_t)(((ar) >> 8) & 0xF))
#define AR_RW(ar)	((uint8_t)(((ar) >> 4) & 0xF))
#define AR_CHANGE(ar)	((uint8_t)((ar) & 0xF))
#define SDM_META(sar)	AR_READ(sar)
#define SDM_FILE(sar)	AR_WRITE(sar)
#define SDM_CTRRET(sar)	AR_CHANGE(sar)

#define SDMO_UID	0x80
#define SDMO_CTR	0x40
#define SDMO_LIMIT	0x20
#define SDMO_ENC	0x10
#define SDMO_ASCII	0x01
#define FO_SDM		0x40

#endif
