/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secure Dynamic Messaging on unauthenticated reads (NT4H2421Gx 9.3;
 * AN12196 4.3-4.4): the dynamic file is the static file with the UID,
 * SDMReadCtr, PICCData, SDMENCFileData and SDMMAC written over their
 * placeholders as upper-case ASCII hex, in that order.
 */
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "emu/emu_int.h"

int
sdm_active(const emu_t *e, const emu_file_t *f)
{
	return !e->v.sess.active && (f->option & FO_SDM) != 0;
}

/* Is the counter mirrored (plain or in PICCData)? E-22 for FFFFFF. */
static int
ctr_mirrored(const emu_file_t *f)
{
	uint8_t meta = SDM_META(f->sdm_ar);

	if (!(f->sdm_options & SDMO_CTR))
		return 0;
	return meta <= 4 || (meta == AR_FREE && f->ctr_off != 0xFFFFFF);
}

static size_t
picc_pad_len(const emu_file_t *f)
{
	return 16 - 1 - ((f->sdm_options & SDMO_UID) ? 7u : 0u) -
	    ((f->sdm_options & SDMO_CTR) ? 3u : 0u);
}

/*
 * DS 9.3.1-9.3.2: the first read of a run checks the limit and overflow,
 * then counts; the PICCData padding is drawn once per run (DS 9.3.4).
 */
uint16_t
sdm_first_read(emu_t *e, emu_file_t *f, int run, uint16_t limit_sw,
    uint16_t overflow_sw)
{
	if (e->v.run_prev != run) {
		if (f->sdm_options & SDMO_CTR) {
			if ((f->sdm_options & SDMO_LIMIT) &&
			    f->sdm_ctr >= f->ctr_limit)
				return limit_sw;
			if (f->sdm_ctr >= 0xFFFFFF)
				return overflow_sw;
			f->sdm_ctr++;
		}
		if (emu_random(e, &e->inj_pad, e->v.picc_pad,
		    picc_pad_len(f)) < 0 || (e->p.lrp && emu_random(e, &e->inj_rand,
		    e->v.picc_rand, sizeof(e->v.picc_rand)) < 0))
			return overflow_sw;
	}
	e->v.run = run;
	return SW_OK;
}

static int
put_ascii(uint8_t *dyn, const emu_file_t *f, uint32_t off, const uint8_t *v,
    size_t n)
{
	char hex[2 * EMU_FILE_MAX / 2 + 1];

	if (n > EMU_FILE_MAX / 2 || off > f->size || 2 * n > f->size - off)
		return -1;
	hex_encode(v, n, hex);
	memcpy(dyn + off, hex, 2 * n);
	return 0;
}

/*
 * PICCDataTag || [UID] || [SDMReadCtr LE] || padding, AES-CBC IV 0; in LRP
 * mode (DS 9.3.4.2) PICCRand || LRICB(SDMMetaReadKey, counter PICCRand).
 * Returns the bytes written to enc (16 or 24), or -1.
 */
static int
picc_data(const emu_t *e, const emu_file_t *f, uint8_t enc[24])
{
	uint8_t	pt[16], zero[16] = { 0 }, ctr[8];
	size_t	n = 1;
	lrp_t	l;
	int	r;

	pt[0] = 0;
	if (f->sdm_options & SDMO_UID) {
		pt[0] |= 0x80 | EMU_UID_LEN;
		memcpy(pt + n, e->p.uid, EMU_UID_LEN);
		n += EMU_UID_LEN;
	}
	if (f->sdm_options & SDMO_CTR) {
		pt[0] |= 0x40;
		put_u24le(pt + n, f->sdm_ctr);
		n += 3;
	}
	memcpy(pt + n, e->v.picc_pad, 16 - n);
	if (!e->p.lrp) {
		r = aes128_cbc_encrypt(e->p.key[SDM_META(f->sdm_ar)], zero, pt,
		    16, enc) < 0 ? -1 : 16;
		wipe(pt, sizeof(pt));
		return r;
	}
	memcpy(enc, e->v.picc_rand, 8);
	memcpy(ctr, e->v.picc_rand, 8);
	r = lrp_init(&l, e->p.key[SDM_META(f->sdm_ar)], 0) < 0 ||
	    lrp_lricb_encrypt(&l, ctr, sizeof(ctr), pt, 16, enc + 8) < 0 ?
	    -1 : 24;
	lrp_wipe(&l);
	wipe(pt, sizeof(pt));
	return r;
}

/*
 * DS 9.3.9.2: SV = 00 01 00 80 || [UID] || [SDMReadCtr] || zero padding ||
 * 1E E1; the master key CMAC_LRP(SDMFileReadKey, SV) gives the MAC key
 * (updated key 0) and the ENC key (updated key 1).
 */
static int
lrp_keys(const emu_t *e, const emu_file_t *f, lrp_t *lenc, lrp_t *lmac)
{
	uint8_t	sv[16] = { 0x00, 0x01, 0x00, 0x80 }, master[16];
	size_t	n = 4;
	lrp_t	kx;
	int	r = -1;

	if (f->sdm_options & SDMO_UID) {
		memcpy(sv + n, e->p.uid, EMU_UID_LEN);
		n += EMU_UID_LEN;
	}
	if (ctr_mirrored(f))
		put_u24le(sv + n, f->sdm_ctr);
	sv[14] = 0x1E;
	sv[15] = 0xE1;
	if (lrp_init(&kx, e->p.key[SDM_FILE(f->sdm_ar)], 0) == 0 &&
	    lrp_cmac(&kx, sv, sizeof(sv), master) == 0 &&
	    lrp_init(lmac, master, 0) == 0 && lrp_init(lenc, master, 1) == 0)
		r = 0;
	lrp_wipe(&kx);
	wipe(master, sizeof(master));
	return r;
}

/* DS 9.3.6.2: LRICB with the counter SDMReadCtr (LSB first) || 00 00 00. */
static int
lrp_enc_file_data(const emu_file_t *f, const lrp_t *lenc, uint8_t *dyn)
{
	uint8_t	ctr[6] = { 0 }, buf[EMU_FILE_MAX / 2];
	size_t	half = f->enc_len / 2;
	int	r = -1;

	if (half == 0 || half % 16 != 0 || f->enc_off > f->size ||
	    f->enc_len > f->size - f->enc_off)
		return -1;
	put_u24le(ctr, f->sdm_ctr);
	if (lrp_lricb_encrypt(lenc, ctr, sizeof(ctr), f->data + f->enc_off,
	    half, buf) == 0)
		r = put_ascii(dyn, f, f->enc_off, buf, half);
	wipe(buf, sizeof(buf));
	return r;
}

/* SDMENCFileData and SDMMAC of a tag in LRP mode. */
static int
lrp_file_read_parts(const emu_t *e, const emu_file_t *f, uint8_t *dyn)
{
	uint8_t	full[16], mact[MACT_LEN];
	lrp_t	lenc, lmac;
	int	r = -1;

	memset(&lenc, 0, sizeof(lenc));
	memset(&lmac, 0, sizeof(lmac));
	if (lrp_keys(e, f, &lenc, &lmac) < 0)
		goto fail;
	if ((f->sdm_options & SDMO_ENC) && lrp_enc_file_data(f, &lenc, dyn) < 0)
		goto fail;
	if (f->mac_in_off > f->mac_off || f->mac_off > f->size ||
	    sm_lrp_mac(&lmac, dyn + f->mac_in_off, f->mac_off - f->mac_in_off,
	    full) < 0)
		goto fail;
	cmac_truncate(full, mact);
	r = put_ascii(dyn, f, f->mac_off, mact, MACT_LEN);
fail:
	lrp_wipe(&lenc);
	lrp_wipe(&lmac);
	wipe(full, sizeof(full));
	return r;
}

/*
 * DS 9.3.9.1: SV1 = C3 3C 00 01 00 80 || UID || SDMReadCtr; SV2 = 3C C3
 * 00 01 00 80 || [UID] || [SDMReadCtr] || zero padding, each only if
 * mirrored.
 */
static int
sdm_keys(const emu_t *e, const emu_file_t *f, uint8_t kenc[16],
    uint8_t kmac[16])
{
	const uint8_t	*key = e->p.key[SDM_FILE(f->sdm_ar)];
	uint8_t		 sv[16] = { 0xC3, 0x3C, 0x00, 0x01, 0x00, 0x80 };
	size_t		 n = 6;
	int		 r = -1;

	memcpy(sv + 6, e->p.uid, EMU_UID_LEN);
	put_u24le(sv + 13, f->sdm_ctr);
	if (aes128_cmac(key, sv, sizeof(sv), kenc) < 0)
		goto fail;
	memset(sv, 0, sizeof(sv));
	sv[0] = 0x3C;
	sv[1] = 0xC3;
	sv[3] = 0x01;
	sv[5] = 0x80;
	if (f->sdm_options & SDMO_UID) {
		memcpy(sv + n, e->p.uid, EMU_UID_LEN);
		n += EMU_UID_LEN;
	}
	if (ctr_mirrored(f))
		put_u24le(sv + n, f->sdm_ctr);
	r = aes128_cmac(key, sv, sizeof(sv), kmac);
fail:
	wipe(sv, sizeof(sv));
	return r;
}

/* DS 9.3.6.1: IVe = E(KENC, SDMReadCtr || 00*13), CBC over half the area. */
static int
enc_file_data(const emu_file_t *f, const uint8_t kenc[16], uint8_t *dyn)
{
	uint8_t	iv[16] = { 0 }, buf[EMU_FILE_MAX / 2];
	size_t	half = f->enc_len / 2;
	int	r = -1;

	if (half == 0 || half % 16 != 0 || f->enc_off > f->size ||
	    f->enc_len > f->size - f->enc_off)
		return -1;
	put_u24le(iv, f->sdm_ctr);
	if (aes128_ecb_encrypt(kenc, iv, iv) < 0 ||
	    aes128_cbc_encrypt(kenc, iv, f->data + f->enc_off, half, buf) < 0)
		goto fail;
	r = put_ascii(dyn, f, f->enc_off, buf, half);
fail:
	wipe(iv, sizeof(iv));
	wipe(buf, sizeof(buf));
	return r;
}

static int
file_read_parts(const emu_file_t *f, const uint8_t kenc[16],
    const uint8_t kmac[16], uint8_t *dyn)
{
	uint8_t mact[MACT_LEN];

	if ((f->sdm_options & SDMO_ENC) && enc_file_data(f, kenc, dyn) < 0)
		return -1;
	if (f->mac_in_off > f->mac_off || f->mac_off > f->size ||
	    sm_mact(kmac, dyn + f->mac_in_off, f->mac_off - f->mac_in_off,
	    mact) < 0)
		return -1;
	return put_ascii(dyn, f, f->mac_off, mact, MACT_LEN);
}

/* dyn holds the static file on entry and the dynamic file on success. */
int
sdm_render(emu_t *e, const emu_file_t *f, uint8_t dyn[EMU_FILE_MAX])
{
	uint8_t	meta = SDM_META(f->sdm_ar), kenc[16], kmac[16], b[24];
	int	r = -1, n;

	if (meta == AR_FREE) {
		if ((f->sdm_options & SDMO_UID) &&
		    put_ascii(dyn, f, f->uid_off, e->p.uid, EMU_UID_LEN) < 0)
			goto fail;
		if (ctr_mirrored(f)) {
			/* ASCII counter MSB first (DS 9.3.3) */
			b[0] = (uint8_t)(f->sdm_ctr >> 16);
			b[1] = (uint8_t)(f->sdm_ctr >> 8);
			b[2] = (uint8_t)f->sdm_ctr;
			if (put_ascii(dyn, f, f->ctr_off, b, 3) < 0)
				goto fail;
		}
	} else if (meta <= 4) {
		if ((n = picc_data(e, f, b)) < 0 ||
		    put_ascii(dyn, f, f->picc_off, b, (size_t)n) < 0)
			goto fail;
	}
	if (SDM_FILE(f->sdm_ar) <= 4 && e->p.lrp) {
		if (lrp_file_read_parts(e, f, dyn) < 0)
			goto fail;
	} else if (SDM_FILE(f->sdm_ar) <= 4 &&
	    (sdm_keys(e, f, kenc, kmac) < 0 ||
	    file_read_parts(f, kenc, kmac, dyn) < 0))
		goto fail;
	r = 0;
fail:
	wipe(kenc, sizeof(kenc));
	wipe(kmac, sizeof(kmac));
	wipe(b, sizeof(b));
	return r;
}
