/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GetFileSettings, ChangeFileSettings and GetFileCounters (NT4H2421Gx
 * 10.7.1-10.7.3, Tables 69-77; SDM layout rules 9.3.3-9.3.7).
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

#define FS_MAX		256u
#define NO_MIRROR	0xFFFFFFu

/* Which optional offsets follow SDMAccessRights (DS Table 69). */
struct presence {
	int uid, ctr, picc, mac, enc, limit;
};

static struct presence
present(uint8_t opt, uint16_t sar)
{
	uint8_t meta = SDM_META(sar), file = SDM_FILE(sar);
	struct presence p;

	p.uid = (opt & SDMO_UID) && meta == AR_FREE;
	p.ctr = (opt & SDMO_CTR) && meta == AR_FREE;
	p.picc = meta <= 4;
	p.mac = file != AR_NEVER;
	p.enc = file != AR_NEVER && (opt & SDMO_ENC);
	p.limit = (opt & SDMO_LIMIT) != 0;
	return p;
}

static int
put_settings(const emu_file_t *f, wbuf_t *w)
{
	struct presence p = present(f->sdm_options, f->sdm_ar);
	int r = 0;

	r |= wbuf_put_u8(w, 0x00);	/* StandardData */
	r |= wbuf_put_u8(w, f->option);
	r |= wbuf_put_u16le(w, f->ar);
	r |= wbuf_put_u24le(w, f->size);
	if (!(f->option & FO_SDM))
		return r;
	r |= wbuf_put_u8(w, f->sdm_options);
	r |= wbuf_put_u16le(w, f->sdm_ar);
	if (p.uid)
		r |= wbuf_put_u24le(w, f->uid_off);
	if (p.ctr)
		r |= wbuf_put_u24le(w, f->ctr_off);
	if (p.picc)
		r |= wbuf_put_u24le(w, f->picc_off);
	if (p.mac)
		r |= wbuf_put_u24le(w, f->mac_in_off);
	if (p.enc) {
		r |= wbuf_put_u24le(w, f->enc_off);
		r |= wbuf_put_u24le(w, f->enc_len);
	}
	if (p.mac)
		r |= wbuf_put_u24le(w, f->mac_off);
	if (p.limit)
		r |= wbuf_put_u24le(w, f->ctr_limit);
	return r;
}

/* 90 F5 00 00 01 FileNo 00 (MAC in a session). */
uint16_t
files_get_settings(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_file_t	*f;
	uint8_t		 in[256], buf[32];
	wbuf_t		 w;
	size_t		 len = 0;
	uint16_t	 sw;

	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if ((sw = sm_unwrap(e, c, MODE_MAC, 1, in, &len)) != SW_OK)
		return sw;
	if (len != 1)
		return SW_LENGTH;
	if ((f = emu_file(e, in[0])) == NULL)
		return SW_NO_FILE;
	wbuf_init(&w, buf, sizeof(buf));
	if (put_settings(f, &w) != 0)
		return SW_LENGTH;
	return sm_wrap(e, MODE_MAC, buf, w.len, out);
}

static int
valid_nibble(uint8_t n)
{
	return n <= 4 || n == AR_FREE || n == AR_NEVER;
}

static int
overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return !(a >= b + blen || b >= a + alen);
}

/* DS Table 71 consistency rules; ranges of Table 69 (E-13). */
static uint16_t
check_sdm(const emu_file_t *n, uint32_t cur_ctr, uint32_t picc)
{
	struct presence	p = present(n->sdm_options, n->sdm_ar);
	uint8_t		opt = n->sdm_options, meta = SDM_META(n->sdm_ar);
	uint8_t		file = SDM_FILE(n->sdm_ar);
	int		ctr_m = p.ctr && n->ctr_off != NO_MIRROR;

	if ((opt & 0x0E) || !(opt & SDMO_ASCII) || ((n->sdm_ar >> 4) & 0xF) !=
	    0xF || !valid_nibble(meta) || !valid_nibble(file) ||
	    !valid_nibble(SDM_CTRRET(n->sdm_ar)) || file == AR_FREE)
		return SW_PARAMETER;
	if ((meta != AR_NEVER && !(opt & (SDMO_UID | SDMO_CTR))) ||
	    (meta == AR_NEVER && (opt & SDMO_UID)) ||
	    (SDM_CTRRET(n->sdm_ar) != AR_NEVER && !(opt & SDMO_CTR)) ||
	    ((opt & SDMO_ENC) && file == AR_NEVER) ||
	    ((opt & SDMO_ENC) && (opt & 0xC0) != 0xC0) ||
	    ((opt & SDMO_ENC) && p.ctr && !ctr_m) ||
	    ((opt & SDMO_LIMIT) && !(opt & SDMO_CTR)))
		return SW_PARAMETER;
	if ((p.uid && n->uid_off > FS_MAX - 14) ||
	    (ctr_m && n->ctr_off > FS_MAX - 6) ||
	    (p.picc && n->picc_off > FS_MAX - picc) ||
	    (p.mac && (n->mac_in_off > n->mac_off || n->mac_off > FS_MAX - 16)))
		return SW_PARAMETER;
	if (p.enc && (n->enc_off < n->mac_in_off || n->enc_len < 32 ||
	    n->enc_len % 32 != 0 || n->enc_off > n->mac_off ||
	    n->enc_len > n->mac_off - n->enc_off))
		return SW_PARAMETER;
	if (p.limit && n->ctr_limit <= cur_ctr)
		return SW_PARAMETER;	/* E-12 */
	if ((p.uid && ctr_m && overlap(n->uid_off, 14, n->ctr_off, 6)) ||
	    (p.mac && p.uid && overlap(n->mac_off, 16, n->uid_off, 14)) ||
	    (p.mac && ctr_m && overlap(n->mac_off, 16, n->ctr_off, 6)) ||
	    (p.mac && p.picc && overlap(n->mac_off, 16, n->picc_off, picc)) ||
	    (p.enc && p.uid && overlap(n->enc_off, n->enc_len, n->uid_off, 14)) ||
	    (p.enc && ctr_m && overlap(n->enc_off, n->enc_len, n->ctr_off, 6)) ||
	    (p.enc && p.picc && overlap(n->enc_off, n->enc_len, n->picc_off, picc)))
		return SW_PARAMETER;
	return SW_OK;
}

static int
read_opt(const uint8_t **p, size_t *len, int present_, uint32_t *v)
{
	return present_ ? buf_read_u24le(p, len, v) : 0;
}

/* Parse FileOption || AccessRights || [SDM...] exactly (917E otherwise). */
static uint16_t
parse_settings(const uint8_t *p, size_t len, emu_file_t *n)
{
	struct presence	pr;

	if (buf_read_u8(&p, &len, &n->option) < 0 ||
	    buf_read_u16le(&p, &len, &n->ar) < 0)
		return SW_LENGTH;
	if (n->option & FO_SDM) {
		if (buf_read_u8(&p, &len, &n->sdm_options) < 0 ||
		    buf_read_u16le(&p, &len, &n->sdm_ar) < 0)
			return SW_LENGTH;
		pr = present(n->sdm_options, n->sdm_ar);
		n->ctr_off = NO_MIRROR;
		n->ctr_limit = 0xFFFFFF;
		if (read_opt(&p, &len, pr.uid, &n->uid_off) < 0 ||
		    read_opt(&p, &len, pr.ctr, &n->ctr_off) < 0 ||
		    read_opt(&p, &len, pr.picc, &n->picc_off) < 0 ||
		    read_opt(&p, &len, pr.mac, &n->mac_in_off) < 0 ||
		    read_opt(&p, &len, pr.enc, &n->enc_off) < 0 ||
		    read_opt(&p, &len, pr.enc, &n->enc_len) < 0 ||
		    read_opt(&p, &len, pr.mac, &n->mac_off) < 0 ||
		    read_opt(&p, &len, pr.limit, &n->ctr_limit) < 0)
			return SW_LENGTH;
	}
	return len == 0 ? SW_OK : SW_LENGTH;
}

static uint16_t
check_settings(uint8_t fileno, const emu_file_t *old, emu_file_t *n,
    int lrp)
{
	if ((n->option & 0xBC) != 0)
		return SW_PARAMETER;
	if ((n->option & FO_SDM) && fileno != 0x02)
		return SW_PERMISSION;
	if (!valid_nibble(AR_READ(n->ar)) || !valid_nibble(AR_WRITE(n->ar)) ||
	    !valid_nibble(AR_RW(n->ar)) || !valid_nibble(AR_CHANGE(n->ar)))
		return SW_PARAMETER;
	if (!(n->option & FO_SDM))
		return SW_OK;
	/* E-12: the counter restarts only when SDM is switched on. */
	n->sdm_ctr = (old->option & FO_SDM) ? old->sdm_ctr : 0;
	/* DS 9.3.4.2: LRP puts PICCRand in front of PICCData. */
	return check_sdm(n, n->sdm_ctr, lrp ? 48 : 32);
}

/* Change right: key k needs a session with k; E is free and Plain (E-4). */
static uint16_t
change_access(const emu_t *e, const emu_file_t *f, int *mode)
{
	uint8_t ch = AR_CHANGE(f->ar);

	*mode = MODE_PLAIN;
	if (ch == AR_NEVER)
		return SW_PERMISSION;
	if (ch == AR_FREE)
		return SW_OK;
	if (!e->v.sess.active || e->v.sess.keyno != ch)
		return SW_AUTH;
	*mode = MODE_FULL;
	return SW_OK;
}

/* 90 5F 00 00 Lc FileNo E(settings || pad) MACt 00 */
uint16_t
files_change_settings(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_file_t	*f, n;
	uint8_t		 in[256];
	size_t		 len = 0;
	int		 mode;
	uint16_t	 sw;

	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if (c->len < 1)
		return SW_LENGTH;
	if ((f = emu_file(e, c->data[0])) == NULL)
		return SW_NO_FILE;
	if ((sw = change_access(e, f, &mode)) != SW_OK ||
	    (sw = sm_unwrap(e, c, mode, 1, in, &len)) != SW_OK)
		goto fail;
	memset(&n, 0, sizeof(n));
	n.sdm_ar = 0xFFFF;
	if ((sw = parse_settings(in + 1, len - 1, &n)) != SW_OK ||
	    (sw = check_settings(c->data[0], f, &n, e->p.lrp)) != SW_OK)
		goto fail;
	/* One atomic NVM update of the settings; size and data stay. */
	n.size = f->size;
	memcpy(n.data, f->data, sizeof(n.data));
	memcpy(f, &n, sizeof(n));
	sw = sm_wrap(e, mode, NULL, 0, out);
fail:
	wipe(in, sizeof(in));
	return sw;
}

/* 90 F6 00 00 01 FileNo 00: SDMReadCtr(3) || 00 00 (E-15). */
uint16_t
files_counters(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_file_t	*f;
	uint8_t		 in[256], resp[5] = { 0 };
	uint8_t		 ret;
	size_t		 len = 0;
	int		 mode = MODE_PLAIN;
	uint16_t	 sw;

	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if (c->len < 1)
		return SW_LENGTH;
	if ((f = emu_file(e, c->data[0])) == NULL)
		return SW_NO_FILE;
	ret = SDM_CTRRET(f->sdm_ar);
	if (!(f->option & FO_SDM) || ret == AR_NEVER)
		return SW_PERMISSION;
	if (ret != AR_FREE) {
		if (!e->v.sess.active || e->v.sess.keyno != ret)
			return SW_AUTH;
		mode = MODE_FULL;
	}
	if ((sw = sm_unwrap(e, c, mode, 1, in, &len)) != SW_OK)
		return sw;
	if (len != 1)
		return SW_LENGTH;
	put_u24le(resp, f->sdm_ctr);
	return sm_wrap(e, mode, resp, sizeof(resp), out);
}
