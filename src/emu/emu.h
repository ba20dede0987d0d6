/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software NTAG 424 DNA (NT4H2421Gx), the project's test oracle.
 *
 * A behavioural tag written from the NT4H2421Gx data sheet (DS) and
 * AN12196: its core is the pure function emu_process() from (state,
 * C-APDU) to R-APDU. The state is split into a persistent part (what the
 * tag keeps in NVM) and a volatile part (what a power cycle forgets).
 * Only primitives (AES, CMAC, CRC32, cursor) are shared with libntag424;
 * every session rule lives in src/emu.
 *
 * Where the data sheet is silent the emulator makes a choice; each is
 * documented, with its reason and evidence, as E-n in docs/emulator.md:
 *   E-1   after power-up the PICC (MF) level is selected, as on DESFire;
 *         native application commands answer 919D until the application
 *         is selected.
 *   E-2   factory CC as in DS 8.2.3.2, the rest, NDEF and proprietary
 *         file zero.
 *   E-3   ISOReadBinary/ISOUpdateBinary while authenticated answer 6982
 *         ("AuthenticatedEV2 not allowed", DS Tables 89/92) and, as any
 *         error in a session, end the session.
 *   E-4   a command granted only by a free (E) right runs in Plain.
 *   E-5   FileOption CommMode 10 is stored as written and means Plain.
 *   E-6   factory key versions are 00.
 *   E-7   wrapped APDU with a bad length or no Le: 917E; P1/P2 != 00: 919E.
 *   E-8   any native command while an authentication waits for its
 *         part 2 answers 91CA and drops it and the session, as real tags
 *         do; the next command runs. Any command while GetVersion's
 *         parts are pending ends that exchange and is processed
 *         normally; stray 90AF: 911C.
 *   E-9   EV2First accepts Lc >= 2 + LenCap and ignores extra bytes.
 *   E-10  GetVersion 04 04 02 30 00 11 05 / 04 04 02 01 02 11 05.
 *   E-11  secured GetVersion: MAC on part 1, MAC over all three parts on
 *         part 3, one CmdCtr step.
 *   E-12  SDMReadCtr resets only when SDM goes from off to on.
 *   E-13  range, RFU and encoding errors in ChangeFileSettings: 919E;
 *         a payload whose length does not match the presence rules: 917E.
 *   E-14  order: level, header length, file/key number, access right,
 *         MAC and padding, exact length, parameter values.
 *   E-15  GetFileCounters answers SDMReadCtr and 2 reserved bytes.
 *   E-16  a ReadData answer over 256 bytes with its overhead: 917E.
 *   E-17  Read_Sig answers 9190 as genuine tags do (in a session the
 *         response MAC takes RC = 90); with Random ID on and no session 91AE;
 *         wrong length 917E; address != 00 919E.
 *   E-18  ISOSelectFile of an EF or of the current DF keeps the session and
 *         does not count; selecting the other DF ends the session.
 *   E-19  ISOReadBinary/UpdateBinary with a short file ID other than 0
 *         (current file): 6A82.
 *   E-20  every native command counts in a session except authentication.
 *   E-21  all failed-authentication counters persist; limit and decrement
 *         are global; the delay follows emu_delay_t (states, not timings);
 *         disabling the counter disables counting, locking and the delay.
 *   E-22  SDMReadCtrOffset FFFFFF is "not mirrored" (absent from SV2, no
 *         overlap checks) and then forbids SDMENCFileData.
 *   E-23  the run that reaches the SDMReadCtr limit may finish its reads.
 *   E-24  at MF level EV2 authentication answers 919D; LRP Part 1 with an
 *         originality key is answered only in LRP mode, Part 2 fails.
 *   E-25  every NVM update is atomic (see tearing).
 *   E-26  the CommMode of ReadData/WriteData follows the file and the
 *         "only free -> Plain" rule; a Full APDU to a Plain file fails 917E.
 *
 * LRP mode is modelled as docs/lrp.md describes. Not modelled: the
 * TagTamper variant, ISO 14443-3/-4 framing and chaining (the bridge sees
 * whole APDUs), timings, NVM failures (91EE/6581).
 */
#ifndef PROVISIO_EMU_H
#define PROVISIO_EMU_H

#include <stddef.h>
#include <stdint.h>

#define EMU_UID_LEN		7
#define EMU_NKEYS		5
#define EMU_NFILES		3
#define EMU_FILE_MAX		256
#define EMU_SIG_PRIV_LEN	28
#define EMU_SIG_LEN		56

/* When emu_set_tear() cuts the power. */
#define EMU_TEAR_BEFORE		1	/* the command never takes effect */
#define EMU_TEAR_AFTER		2	/* it takes effect, the answer is lost */

/* One-shot values a test can force instead of RAND_bytes (emu_inject). */
#define EMU_INJECT_RNDB		1	/* 16 bytes: next authentication's RndB */
#define EMU_INJECT_TI		2	/* 4 bytes: next EV2First's TI */
#define EMU_INJECT_PICC_PAD	3	/* 1-15 bytes: next PICCData padding */
#define EMU_INJECT_PICC_RAND	4	/* 8 bytes: next LRP PICCRand */

/* One StandardData file and its settings (NT4H2421Gx 8.2.3, 10.7.1). */
typedef struct emu_file {
	uint32_t	size;
	uint8_t		option;		/* FileOption: bit 6 SDM, bits 1-0 CommMode */
	uint16_t	ar;		/* Read<<12 | Write<<8 | RW<<4 | Change */
	uint8_t		sdm_options;
	uint16_t	sdm_ar;		/* MetaRead<<12 | FileRead<<8 | F<<4 | CtrRet */
	uint32_t	uid_off;
	uint32_t	ctr_off;
	uint32_t	picc_off;
	uint32_t	mac_in_off;
	uint32_t	enc_off;
	uint32_t	enc_len;
	uint32_t	mac_off;
	uint32_t	ctr_limit;
	uint32_t	sdm_ctr;	/* SDMReadCtr */
	uint8_t		data[EMU_FILE_MAX];
} emu_file_t;

/* Failed-authentication counters of one key (AN12196 7.4; E-21). */
typedef struct emu_failctr {
	uint16_t	tot;		/* TotFailCtr */
	uint8_t		seq;		/* SeqFailCtr */
	uint16_t	spent;		/* SpentTimeCtr, in delay units */
} emu_failctr_t;

/* What the tag keeps across power cycles. */
typedef struct emu_persist {
	uint8_t		uid[EMU_UID_LEN];
	uint8_t		prod[7];	/* GetVersion part 3 after the UID */
	/*
	 * GetVersion parts 1 and 2 (DS Tables 55, 57). Genuine tags report
	 * hardware subtype 02 or 08; byte 2's high nibble is not stored but
	 * follows the back-modulation setting (hw_config).
	 */
	uint8_t		hw_part[7];
	uint8_t		sw_part[7];
	uint8_t		key[EMU_NKEYS][16];
	uint8_t		key_ver[EMU_NKEYS];
	emu_failctr_t	fail[EMU_NKEYS];
	uint8_t		fail_enabled;
	uint16_t	fail_limit;	/* TotFailCtrLimit */
	uint16_t	fail_decr;	/* TotFailCtrDecr */
	uint8_t		random_id;	/* SetConfiguration 00, bit 1 */
	uint16_t	sm_config;	/* SetConfiguration 04 */
	uint8_t		pdcap2_5;	/* SetConfiguration 05 user bytes */
	uint8_t		pdcap2_6;
	uint8_t		hw_config;	/* SetConfiguration 0B */
	uint8_t		lrp;		/* PDCap2.1 bit 1: LRP mode, for good */
	uint8_t		sig_priv[EMU_SIG_PRIV_LEN];	/* own originality key */
	emu_file_t	file[EMU_NFILES];	/* FileNo 1..3 at index 0..2 */
} emu_persist_t;

/* The delay model of AUTHENTICATION_DELAY: no real time, only states. */
typedef struct emu_delay {
	unsigned	threshold;	/* SeqFailCtr at which delays start (50) */
	unsigned	step;		/* delay units per failure beyond (1) */
	unsigned	max;		/* cap on the delay in units (16) */
} emu_delay_t;

typedef struct emu emu_t;

/*
 * A factory tag (DS 8.2.3, 8.2.4): application keys all zero, version 00,
 * factory files, own random originality key. uid NULL: 04 + 6 random
 * bytes. Returns NULL if out of memory or RAND_bytes failed.
 */
emu_t *emu_new(const uint8_t *uid);
/* NULL-safe; wipes every key and session secret, sets *emup = NULL. */
void emu_free(emu_t **emup);

/*
 * Process one C-APDU and write the R-APDU (status word last) to rapdu.
 * On entry *rapdu_len is rapdu's capacity (>= 258); on success the answer's
 * length. Returns 0, NTAG424_ERR_ARG (bad buffers) or
 * NTAG424_ERR_CARD_REMOVED (the power was cut by emu_set_tear, now or
 * before; nothing is written until emu_power_cycle()).
 */
int emu_process(emu_t *emu, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len);

/* The tag leaves and re-enters the field: volatile state reset. */
void emu_power_cycle(emu_t *emu);

/*
 * Cut the power at the k-th C-APDU counted from this call (k >= 1; k = 0
 * cancels), before or after the command takes effect. Every command's
 * persistent effect is atomic. Returns 0 or NTAG424_ERR_ARG.
 */
int emu_set_tear(emu_t *emu, unsigned long k, int when);
/* 1 while the tag is "off the field" after a tear, else 0. */
int emu_is_torn(const emu_t *emu);

/* 1 if persistent state changed since the last call, then cleared. */
int emu_take_changed(emu_t *emu);

/* Log every C-APDU and R-APDU at trace level, key material redacted. */
void emu_set_log(emu_t *emu, int on);
void emu_set_delay(emu_t *emu, const emu_delay_t *delay);
void emu_get_delay(const emu_t *emu, emu_delay_t *delay);

/* Force the next random value of a kind (EMU_INJECT_*). 0 or ERR_ARG. */
int emu_inject(emu_t *emu, int what, const uint8_t *v, size_t n);
/*
 * Test hook: act as if an EV2 session with keyno were open with these
 * session keys, TI and CmdCtr (to replay AN12196 tables whose RndA/RndB are
 * not published). The application level is selected.
 */
int emu_set_session(emu_t *emu, uint8_t keyno, const uint8_t ti[4],
    uint16_t cmd_ctr, const uint8_t kenc[16], const uint8_t kmac[16]);
/*
 * Test hook: the same for an LRP session whose session master key (the
 * CMAC_LRP of the session vector, NT4H2421Gx 9.2.7) and EncCtr are given,
 * to replay published traces that give the session vector only.
 */
int emu_set_lrp_session(emu_t *emu, uint8_t keyno, const uint8_t ti[4],
    uint16_t cmd_ctr, const uint8_t master[16], uint32_t enc_ctr);
/* Replace the own originality key (secp224r1 scalar, big-endian). */
int emu_set_sig_key(emu_t *emu, const uint8_t priv[EMU_SIG_PRIV_LEN]);

/* Borrowed pointers to the state, for tests and the state file. */
emu_persist_t *emu_persist(emu_t *emu);
const emu_persist_t *emu_persist_const(const emu_t *emu);

/*
 * State file (format in state.c). emu_load: a missing file with create set
 * gives a factory tag with uid (NULL: random). Returns 0, NTAG424_ERR_IO,
 * NTAG424_ERR_MALFORMED (bad or unknown format) or NTAG424_ERR_NOMEM.
 * emu_save writes a temporary file, fsyncs it and renames it over path.
 */
int emu_load(emu_t **emup, const char *path, int create, const uint8_t *uid);
int emu_save(const emu_t *emu, const char *path);

/*
 * The ATR an ACR122U-class PC/SC reader reports for this ISO 14443-4 tag
 * (PC/SC part 3 pseudo-ATR with the ATS historical byte 80):
 * 3B 81 80 01 80 80.
 */
const uint8_t *emu_atr(size_t *len);

/* Options of the vpcd bridge. */
typedef struct emu_vpcd_opts {
	const char	*host;		/* pcscd's vpcd, e.g. "127.0.0.1" */
	uint16_t	 port;
	const char	*state_path;	/* saved after every change */
	unsigned	 connect_secs;	/* keep retrying the connection */
	unsigned long	 swallow_at;	/* test hook: never answer the K-th
					   C-APDU (0: answer all) */
} emu_vpcd_opts_t;

/* emu_vpcd_run results besides NTAG424_ERR_*. */
#define EMU_VPCD_CLOSED		0	/* pcscd closed the connection */
#define EMU_VPCD_STOPPED	1	/* SIGTERM/SIGINT */
#define EMU_VPCD_TORN		2	/* the tear point was reached */

/*
 * Serve pcscd's vpcd driver until it closes, a signal arrives or the tear
 * point is reached; the state is saved after every change and on exit.
 */
int emu_vpcd_run(emu_t *emu, const emu_vpcd_opts_t *opts);
/* Ask a running emu_vpcd_run to stop (async-signal-safe). */
void emu_vpcd_stop(void);

#endif
