/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File settings: the codec shared by GetFileSettings and ChangeFileSettings,
 * their validation, and GetFileCounters (NT4H2421Gx 10.7.1-10.7.3).
 */
#include <string.h>

#include "common/buf.h"
#include "common/prim.h"
#include "internal.h"
#include "ntag424/err.h"
#include "ntag424/files.h"
#include "ntag424/keys.h"

#define FO_SDM		0x40
#define SDMO_UID	0x80
#define SDMO_CTR	0x40
#define SDMO_LIMIT	0x20
#define SDMO_ENC	0x10
#define SDMO_ASCII	0x01

/* Placeholder lengths in ASCII (NT4H2421Gx 9.3.3-9.3.7, AES). */
#define UID_LEN		14
#define CTR_LEN		6
#define PICC_LEN	32
#define MAC_LEN		16
#define ENC_UNIT	32

/* Which conditional SDM fields are on the wire (NT4H2421Gx Table 69). */
struct presence {
	bool	uid, ctr, picc, mac_in, enc, mac, limit;
};

static void
presence(const ntag424_sdm_t *s, struct presence *p)
{
	p->uid = s->uid_mirror && s->meta_read == NTAG424_AR_FREE;
	p->ctr = s->read_ctr && s->meta_read == NTAG424_AR_FREE;
	p->picc = s->meta_read <= NTAG424_KEY_MAX;
	p->mac_in = s->file_read != NTAG424_AR_NEVER;
	p->enc = s->file_read != NTAG424_AR_NEVER && s->enc_file_data;
	p->mac = s->file_read != NTAG424_AR_NEVER;
	p->limit = s->read_ctr_limit;
}

uint32_t
nt_file_size(uint8_t file_no)
{
	switch (file_no) {
	case NTAG424_FILE_CC:
		return 32;
	case NTAG424_FILE_NDEF:
		return 256;
	case NTAG424_FILE_PROP:
		return 128;
	default:
		return 0;
	}
}

static int
put_u24(wbuf_t *w, bool present, uint32_t v)
{
	return present ? wbuf_put_u24le(w, v) : 0;
}

int
nt_settings_encode(const ntag424_file_settings_t *fs, uint8_t *out,
    size_t cap, size_t *len)
{
	const ntag424_sdm_t	*s = &fs->sdm;
	const ntag424_access_t	*a = &fs->access;
	struct presence		 p;
	wbuf_t			 w;
	uint8_t			 opt;

	wbuf_init(&w, out, cap);
	opt = (uint8_t)((s->enabled ? FO_SDM : 0) | (fs->comm_mode & 0x03));
	if (wbuf_put_u8(&w, opt) < 0 ||
	    wbuf_put_u8(&w, (uint8_t)(a->read_write << 4 | a->change)) < 0 ||
	    wbuf_put_u8(&w, (uint8_t)(a->read << 4 | a->write)) < 0)
		return NTAG424_ERR_ARG;
	if (s->enabled) {
		presence(s, &p);
		opt = (uint8_t)((s->uid_mirror ? SDMO_UID : 0) |
		    (s->read_ctr ? SDMO_CTR : 0) |
		    (s->read_ctr_limit ? SDMO_LIMIT : 0) |
		    (s->enc_file_data ? SDMO_ENC : 0) | SDMO_ASCII);
		if (wbuf_put_u8(&w, opt) < 0 ||
		    wbuf_put_u8(&w, (uint8_t)(0xF0 | s->ctr_ret)) < 0 ||
		    wbuf_put_u8(&w, (uint8_t)(s->meta_read << 4 |
		    s->file_read)) < 0 ||
		    put_u24(&w, p.uid, s->uid_offset) < 0 ||
		    put_u24(&w, p.ctr, s->read_ctr_offset) < 0 ||
		    put_u24(&w, p.picc, s->picc_data_offset) < 0 ||
		    put_u24(&w, p.mac_in, s->mac_input_offset) < 0 ||
		    put_u24(&w, p.enc, s->enc_offset) < 0 ||
		    put_u24(&w, p.enc, s->enc_length) < 0 ||
		    put_u24(&w, p.mac, s->mac_offset) < 0 ||
		    put_u24(&w, p.limit, s->read_ctr_limit_value) < 0)
			return NTAG424_ERR_ARG;
	}
	*len = w.len;
	return NTAG424_OK;
}

static int
get_u24(const uint8_t **p, size_t *len, bool present, uint32_t *v)
{
	*v = 0;
	return present ? buf_read_u24le(p, len, v) : 0;
}

static int
decode_sdm(const uint8_t **p, size_t *len, ntag424_sdm_t *s)
{
	struct presence	pr;
	uint8_t		opt, ar0, ar1;

	if (buf_read_u8(p, len, &opt) < 0 || buf_read_u8(p, len, &ar0) < 0 ||
	    buf_read_u8(p, len, &ar1) < 0)
		return NTAG424_ERR_RX;
	s->uid_mirror = (opt & SDMO_UID) != 0;
	s->read_ctr = (opt & SDMO_CTR) != 0;
	s->read_ctr_limit = (opt & SDMO_LIMIT) != 0;
	s->enc_file_data = (opt & SDMO_ENC) != 0;
	s->ctr_ret = ar0 & 0x0F;
	s->meta_read = ar1 >> 4;
	s->file_read = ar1 & 0x0F;
	presence(s, &pr);
	if (get_u24(p, len, pr.uid, &s->uid_offset) < 0 ||
	    get_u24(p, len, pr.ctr, &s->read_ctr_offset) < 0 ||
	    get_u24(p, len, pr.picc, &s->picc_data_offset) < 0 ||
	    get_u24(p, len, pr.mac_in, &s->mac_input_offset) < 0 ||
	    get_u24(p, len, pr.enc, &s->enc_offset) < 0 ||
	    get_u24(p, len, pr.enc, &s->enc_length) < 0 ||
	    get_u24(p, len, pr.mac, &s->mac_offset) < 0 ||
	    get_u24(p, len, pr.limit, &s->read_ctr_limit_value) < 0)
		return NTAG424_ERR_RX;
	return NTAG424_OK;
}

/* GetFileSettings RespData (Table 73); trailing bytes are an error. */
int
nt_settings_decode(const uint8_t *p, size_t len, ntag424_file_settings_t *fs)
{
	uint8_t	opt, ar0, ar1;
	int	r;

	memset(fs, 0, sizeof(*fs));
	if (buf_read_u8(&p, &len, &fs->file_type) < 0 ||
	    buf_read_u8(&p, &len, &opt) < 0 ||
	    buf_read_u8(&p, &len, &ar0) < 0 ||
	    buf_read_u8(&p, &len, &ar1) < 0 ||
	    buf_read_u24le(&p, &len, &fs->file_size) < 0)
		return NTAG424_ERR_RX;
	/* Table 12: X0 is Plain (docs/emulator.md E-5). */
	fs->comm_mode = (opt & 0x03) == 0x03 ? NTAG424_COMM_FULL :
	    (opt & 0x03) == 0x01 ? NTAG424_COMM_MAC : NTAG424_COMM_PLAIN;
	fs->access.read_write = ar0 >> 4;
	fs->access.change = ar0 & 0x0F;
	fs->access.read = ar1 >> 4;
	fs->access.write = ar1 & 0x0F;
	fs->sdm.enabled = (opt & FO_SDM) != 0;
	if (fs->sdm.enabled && (r = decode_sdm(&p, &len, &fs->sdm)) !=
	    NTAG424_OK)
		return r;
	return len == 0 ? NTAG424_OK : NTAG424_ERR_RX;
}

static bool
key_or(uint8_t nibble, bool free_ok)
{
	return nibble <= NTAG424_KEY_MAX || nibble == NTAG424_AR_NEVER ||
	    (free_ok && nibble == NTAG424_AR_FREE);
}

static bool
overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return !(a >= b + blen || b >= a + alen);
}

static int
bad(const char **field, const char *name)
{
	if (field != NULL)
		*field = name;
	return NTAG424_ERR_SETTINGS;
}

/* Table 71 consistency rules between SDMOptions and SDMAccessRights. */
static int
check_sdm_rules(const ntag424_sdm_t *s, const char **field)
{
	if (!key_or(s->meta_read, true))
		return bad(field, "sdm.meta_read");
	if (!key_or(s->file_read, false))	/* E is RFU (Table 11) */
		return bad(field, "sdm.file_read");
	if (!key_or(s->ctr_ret, true))
		return bad(field, "sdm.ctr_ret");
	if (s->meta_read != NTAG424_AR_NEVER && !s->uid_mirror && !s->read_ctr)
		return bad(field, "sdm.meta_read");
	if (s->meta_read == NTAG424_AR_NEVER && s->uid_mirror)
		return bad(field, "sdm.uid_mirror");
	if (s->ctr_ret != NTAG424_AR_NEVER && !s->read_ctr)
		return bad(field, "sdm.ctr_ret");
	if (s->read_ctr_limit && !s->read_ctr)
		return bad(field, "sdm.read_ctr_limit");
	/* ENC needs SDMFileRead and both UID and counter really mirrored (E-22). */
	if (s->enc_file_data && (s->file_read == NTAG424_AR_NEVER ||
	    !s->uid_mirror || !s->read_ctr ||
	    s->meta_read == NTAG424_AR_NEVER ||
	    (s->meta_read == NTAG424_AR_FREE &&
	    s->read_ctr_offset == NTAG424_SDM_NO_MIRROR)))
		return bad(field, "sdm.enc_file_data");
	return NTAG424_OK;
}

/* Table 69 ranges, fs = file size. */
static int
check_sdm_ranges(const ntag424_sdm_t *s, const struct presence *p,
    uint32_t fs, const char **field)
{
	if (p->uid && s->uid_offset > fs - UID_LEN)
		return bad(field, "sdm.uid_offset");
	if (p->ctr && s->read_ctr_offset != NTAG424_SDM_NO_MIRROR &&
	    s->read_ctr_offset > fs - CTR_LEN)
		return bad(field, "sdm.read_ctr_offset");
	if (p->picc && s->picc_data_offset > fs - PICC_LEN)
		return bad(field, "sdm.picc_data_offset");
	if (p->mac && s->mac_offset > fs - MAC_LEN)
		return bad(field, "sdm.mac_offset");
	if (p->mac_in && s->mac_input_offset > s->mac_offset)
		return bad(field, "sdm.mac_input_offset");
	if (p->enc && (s->enc_offset < s->mac_input_offset ||
	    s->enc_offset > s->mac_offset ||
	    s->mac_offset - s->enc_offset < ENC_UNIT))
		return bad(field, "sdm.enc_offset");
	if (p->enc && (s->enc_length < ENC_UNIT ||
	    s->enc_length % ENC_UNIT != 0 ||
	    s->enc_length > s->mac_offset - s->enc_offset))
		return bad(field, "sdm.enc_length");
	if (p->limit && s->read_ctr_limit_value > 0xFFFFFF)
		return bad(field, "sdm.read_ctr_limit_value");
	return NTAG424_OK;
}

/* Table 71 non-overlap rules, each pair only when both are mirrored. */
static int
check_sdm_overlaps(const ntag424_sdm_t *s, const struct presence *p,
    const char **field)
{
	bool ctr = p->ctr && s->read_ctr_offset != NTAG424_SDM_NO_MIRROR;

	if (p->uid && ctr && overlap(s->uid_offset, UID_LEN,
	    s->read_ctr_offset, CTR_LEN))
		return bad(field, "sdm.read_ctr_offset");
	if (p->mac && ((p->uid && overlap(s->mac_offset, MAC_LEN,
	    s->uid_offset, UID_LEN)) || (ctr && overlap(s->mac_offset,
	    MAC_LEN, s->read_ctr_offset, CTR_LEN)) || (p->picc &&
	    overlap(s->mac_offset, MAC_LEN, s->picc_data_offset, PICC_LEN))))
		return bad(field, "sdm.mac_offset");
	if (p->enc && ((p->uid && overlap(s->enc_offset, s->enc_length,
	    s->uid_offset, UID_LEN)) || (ctr && overlap(s->enc_offset,
	    s->enc_length, s->read_ctr_offset, CTR_LEN)) || (p->picc &&
	    overlap(s->enc_offset, s->enc_length, s->picc_data_offset,
	    PICC_LEN))))
		return bad(field, "sdm.enc_offset");
	return NTAG424_OK;
}

int
ntag424_file_settings_validate(const ntag424_file_settings_t *fs,
    uint8_t file_no, const char **field)
{
	const ntag424_access_t	*a;
	struct presence		 p;
	int			 r;

	if (fs == NULL || nt_file_size(file_no) == 0)
		return bad(field, "file_no");
	a = &fs->access;
	if (fs->file_type != 0x00)
		return bad(field, "file_type");
	if (fs->comm_mode != NTAG424_COMM_PLAIN &&
	    fs->comm_mode != NTAG424_COMM_MAC &&
	    fs->comm_mode != NTAG424_COMM_FULL)
		return bad(field, "comm_mode");
	if (!key_or(a->read, true))
		return bad(field, "access.read");
	if (!key_or(a->write, true))
		return bad(field, "access.write");
	if (!key_or(a->read_write, true))
		return bad(field, "access.read_write");
	/* Free Change right: anyone could rewrite SDM (docs/provisioning.md). */
	if (!key_or(a->change, false))
		return bad(field, "access.change");
	if (!fs->sdm.enabled)
		return NTAG424_OK;
	if (file_no != NTAG424_FILE_NDEF)
		return bad(field, "sdm.enabled");
	presence(&fs->sdm, &p);
	if ((r = check_sdm_rules(&fs->sdm, field)) != NTAG424_OK ||
	    (r = check_sdm_ranges(&fs->sdm, &p, nt_file_size(file_no),
	    field)) != NTAG424_OK)
		return r;
	return check_sdm_overlaps(&fs->sdm, &p, field);
}

int
ntag424_file_settings_get(ntag424_dev_t *dev, uint8_t file_no,
    ntag424_file_settings_t *fs)
{
	uint8_t		resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || fs == NULL || nt_file_size(file_no) == 0)
		return NTAG424_ERR_ARG;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_SETTINGS;
	c.mode = NT_MODE_MAC;
	c.hdr = &file_no;
	c.hdr_len = 1;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_PERMISSION:
	case NT_SW_FILE_NOT_FOUND:
	case NT_SW_ABORTED:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("GetFileSettings", sw);
	}
	return nt_settings_decode(resp, n, fs);
}

int
ntag424_file_settings_change(ntag424_dev_t *dev, uint8_t file_no,
    const ntag424_file_settings_t *fs)
{
	uint8_t		payload[32], resp[NT_RESP_MAX];
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || fs == NULL)
		return NTAG424_ERR_ARG;
	if ((r = ntag424_file_settings_validate(fs, file_no, NULL)) !=
	    NTAG424_OK)
		return r;
	memset(&c, 0, sizeof(c));
	if ((r = nt_settings_encode(fs, payload, sizeof(payload),
	    &c.data_len)) != NTAG424_OK)
		return r;
	c.cmd = NT_CMD_CHANGE_SETTINGS;
	c.mode = NT_MODE_FULL;
	c.hdr = &file_no;
	c.hdr_len = 1;
	c.data = payload;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		return n == 0 ? NTAG424_OK : NTAG424_ERR_RX;
	case NT_SW_PERMISSION:
	case NT_SW_FILE_NOT_FOUND:
	case NT_SW_AUTH_ERROR:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_ABORTED:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("ChangeFileSettings", sw);
	}
}

int
ntag424_file_counters(ntag424_dev_t *dev, uint8_t file_no,
    uint32_t *sdm_read_ctr)
{
	uint8_t		resp[NT_RESP_MAX];
	const uint8_t	*p = resp;
	nt_cmd_t	c;
	size_t		n = 0;
	uint16_t	sw = 0;
	int		r;

	if (dev == NULL || sdm_read_ctr == NULL || nt_file_size(file_no) == 0)
		return NTAG424_ERR_ARG;
	memset(&c, 0, sizeof(c));
	c.cmd = NT_CMD_GET_COUNTERS;
	c.mode = NT_MODE_FULL;
	c.hdr = &file_no;
	c.hdr_len = 1;
	if ((r = nt_sm_exchange(dev, &c, resp, sizeof(resp), &n, &sw)) !=
	    NTAG424_OK)
		return r;
	switch (sw) {
	case NT_SW_OK:
		break;
	case NT_SW_ABORTED:
	case NT_SW_INTEGRITY:
	case NT_SW_LENGTH:
	case NT_SW_PARAMETER:
	case NT_SW_PERMISSION:
	case NT_SW_FILE_NOT_FOUND:
	case NT_SW_AUTH_ERROR:
	case NT_SW_MEMORY:
		return sw;
	default:
		return nt_unexpected_sw("GetFileCounters", sw);
	}
	/* Table 76: SDMReadCtr (3, LSB first) || 2 reserved bytes (E-15). */
	if (buf_read_u24le(&p, &n, sdm_read_ctr) < 0 ||
	    buf_skip(&p, &n, 2) < 0 || n != 0)
		return NTAG424_ERR_RX;
	return NTAG424_OK;
}
