/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libntag424 internals: the device struct, the secure-messaging session and
 * the helpers the command files share. Never installed, never included by a
 * public header. Library-internal symbols carry the nt_ prefix.
 */
#ifndef NTAG424_INTERNAL_H
#define NTAG424_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/lrp.h"
#include "common/prim.h"
#include "ntag424/dev.h"
#include "ntag424/files.h"
#include "ntag424/io.h"

#define NT_TI_LEN	4
#define NT_RND_LEN	16
#define NT_SW_OK	0x9100
#define NT_SW_MORE	0x91AF
#define NT_SW_ISO_OK	0x9000

/* Native return codes as status words (NT4H2421Gx Table 23). */
#define NT_SW_ILLEGAL_CMD	0x911C
#define NT_SW_INTEGRITY		0x911E
#define NT_SW_NO_SUCH_KEY	0x9140
#define NT_SW_LENGTH		0x917E
#define NT_SW_PERMISSION	0x919D
#define NT_SW_PARAMETER		0x919E
#define NT_SW_AUTH_DELAY	0x91AD
#define NT_SW_AUTH_ERROR	0x91AE
#define NT_SW_BOUNDARY		0x91BE
#define NT_SW_ABORTED		0x91CA
#define NT_SW_MEMORY		0x91EE
#define NT_SW_FILE_NOT_FOUND	0x91F0

/* Native command codes (NT4H2421Gx Table 22). */
#define NT_CMD_AUTH_EV2_FIRST	0x71
#define NT_CMD_AUTH_EV2_NONFIRST 0x77
#define NT_CMD_MORE		0xAF
#define NT_CMD_CHANGE_SETTINGS	0x5F
#define NT_CMD_CHANGE_KEY	0xC4
#define NT_CMD_GET_CARD_UID	0x51
#define NT_CMD_GET_COUNTERS	0xF6
#define NT_CMD_GET_SETTINGS	0xF5
#define NT_CMD_GET_KEY_VERSION	0x64
#define NT_CMD_GET_VERSION	0x60
#define NT_CMD_READ_DATA	0xAD
#define NT_CMD_WRITE_DATA	0x8D
#define NT_CMD_SET_CONFIG	0x5C
#define NT_CMD_READ_SIG		0x3C
#define NT_CMD_GET_TT_STATUS	0xF7

/* ISO/IEC 7816-4 instructions. */
#define NT_INS_SELECT		0xA4
#define NT_INS_READ_BINARY	0xB0
#define NT_INS_UPDATE_BINARY	0xD6

/* Largest data field of a native command / response (short APDUs). */
#define NT_LC_MAX		255
#define NT_RESP_MAX		256

struct nt_session;

/*
 * A cipher suite: everything that differs between EV2 AES and LRP. The
 * command layer only calls through this table (session.c), so LRP can be
 * added beside AES without touching a command.
 */
struct nt_suite {
	const char	*name;
	/* Session keys from the authentication key and both randoms. */
	int	(*derive)(struct nt_session *s, const uint8_t key[AES128_KEY],
		    const uint8_t rnda[NT_RND_LEN], const uint8_t rndb[NT_RND_LEN]);
	/*
	 * Pad (ISO 9797-1 M2) and encrypt command data (AES: under IVc; LRP:
	 * from EncCtr on, which advances). *outlen in/out.
	 */
	int	(*encrypt)(struct nt_session *s, const uint8_t *in,
		    size_t len, uint8_t *out, size_t *outlen);
	/* Decrypt response data (IVr / EncCtr) and strip the padding. */
	int	(*decrypt)(struct nt_session *s, const uint8_t *in,
		    size_t len, uint8_t *out, size_t *outlen);
	/* MACt over msg with the session MAC key. */
	int	(*mac)(const struct nt_session *s, const uint8_t *msg, size_t len,
		    uint8_t mact[MACT_LEN]);
};

/* Held by value inside the device; wiped whenever it ends. */
struct nt_session {
	const struct nt_suite	*suite;		/* NULL: not authenticated */
	uint8_t			 key_no;	/* key authenticated with */
	uint8_t			 ti[NT_TI_LEN];
	uint16_t		 cmd_ctr;
	uint8_t			 enc_key[AES128_KEY];	/* AES */
	uint8_t			 mac_key[AES128_KEY];
	/* LRP (NT4H2421Gx 9.2): the session master key's updated keys 0 and 1. */
	lrp_t			 lrp_mac;
	lrp_t			 lrp_enc;
	uint32_t		 enc_ctr;
};

struct ntag424_dev {
	const ntag424_io_ops_t	*io;
	void			*io_ctx;
	size_t			 max_lc;
	int			 trace;
	uint8_t			 trace_last_ins;
	size_t			 apdu_count;
	size_t			 byte_count;
	struct nt_session	 sess;
	/* Test hook: a one-shot RndA for the next authentication. */
	bool			 rnda_set;
	uint8_t			 rnda[NT_RND_LEN];
};

/* crypto.c: EV2 AES suite (NT4H2421Gx 9.1.4, 9.1.7, 9.1.9, 9.1.10). */
extern const struct nt_suite nt_suite_aes;
void nt_sv(uint8_t label_hi, uint8_t label_lo, const uint8_t rnda[NT_RND_LEN],
    const uint8_t rndb[NT_RND_LEN], uint8_t sv[32]);
int nt_iv(const struct nt_session *s, bool response, uint8_t iv[AES_BLOCK]);
void nt_rotl1(const uint8_t in[NT_RND_LEN], uint8_t out[NT_RND_LEN]);
int nt_pad_m2(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
    size_t *padded);
int nt_unpad_m2(uint8_t *buf, size_t len, size_t *outlen);

/* crypto_lrp.c: LRP suite (NT4H2421Gx 9.2; NXP AN12304). */
#define NT_LRP_SV_LEN	32
extern const struct nt_suite nt_suite_lrp;
void nt_lrp_sv(const uint8_t rnda[NT_RND_LEN], const uint8_t rndb[NT_RND_LEN],
    uint8_t sv[NT_LRP_SV_LEN]);

/* session.c */
/* How a command is protected while a session is active. */
enum nt_mode {
	NT_MODE_PLAIN = 0,
	NT_MODE_MAC,
	NT_MODE_FULL,
};
/* Flags for nt_sm_exchange(). */
#define NT_SM_NO_RESP_MAC	0x01	/* ChangeKey of the authenticated key */
#define NT_SM_ALLOW_9190	0x02	/* Read_Sig: 9190 is success too */
#define NT_SM_MULTIFRAME	0x04	/* answer may continue with 91AF */

typedef struct nt_cmd {
	uint8_t		 cmd;
	enum nt_mode	 mode;
	const uint8_t	*hdr;		/* CmdHeader: plain, MACed */
	size_t		 hdr_len;
	const uint8_t	*data;		/* CmdData: encrypted in Full */
	size_t		 data_len;
	unsigned	 flags;
} nt_cmd_t;

bool nt_sess_active(const ntag424_dev_t *dev);
void nt_sess_wipe(ntag424_dev_t *dev);
int nt_sm_exchange(ntag424_dev_t *dev, const nt_cmd_t *c, uint8_t *resp,
    size_t resp_cap, size_t *resp_len, uint16_t *sw);

/* apdu.c */
int nt_transmit(ntag424_dev_t *dev, const uint8_t *capdu, size_t capdu_len,
    uint8_t *rapdu, size_t *rapdu_len);
int nt_native(ntag424_dev_t *dev, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *resp, size_t resp_cap, size_t *resp_len,
    uint16_t *sw);
int nt_native_more(ntag424_dev_t *dev, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *resp, size_t resp_cap, size_t *resp_len,
    uint16_t *sw);
int nt_iso(ntag424_dev_t *dev, uint8_t ins, uint8_t p1, uint8_t p2,
    const uint8_t *data, size_t len, int le, uint8_t *resp, size_t resp_cap,
    size_t *resp_len, uint16_t *sw);
int nt_unexpected_sw(const char *what, uint16_t sw);

/* files.c: the settings codec (also used by the fuzzer and tests). */
int nt_settings_encode(const ntag424_file_settings_t *fs, uint8_t *out,
    size_t cap, size_t *len);
int nt_settings_decode(const uint8_t *p, size_t len,
    ntag424_file_settings_t *fs);
uint32_t nt_file_size(uint8_t file_no);

/* originality.c */
int nt_ecdsa_verify(const uint8_t *pub, size_t pub_len, const uint8_t *uid,
    size_t uid_len, const uint8_t sig[56]);

/* pcsc.c */
int nt_pcsc_error(long rv);
const char *nt_pcsc_describe(long rv);

/* trace.c */
size_t nt_trace_format(const ntag424_dev_t *dev, bool command,
    const uint8_t *apdu, size_t len, char *out, size_t cap);
void nt_trace(ntag424_dev_t *dev, bool command, const uint8_t *apdu,
    size_t len);

/* auth.c: tests replay published RndA values through this hook only. */
void nt_test_set_rnda(ntag424_dev_t *dev, const uint8_t rnda[NT_RND_LEN]);

#endif
