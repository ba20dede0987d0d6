/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "mirror.h"

static void
ascii(uint8_t *dst, const uint8_t *src, size_t n)
{
	char tmp[2 * 128 + 1];

	hex_encode(src, n, tmp);
	memcpy(dst, tmp, 2 * n);
}

static void
ctr_le(uint8_t out[3], uint32_t ctr)
{
	out[0] = (uint8_t)ctr;
	out[1] = (uint8_t)(ctr >> 8);
	out[2] = (uint8_t)(ctr >> 16);
}

void
mirror_session_keys(const uint8_t file_key[16], const uint8_t uid[7],
    uint32_t ctr, int uid_in_sv2, int ctr_in_sv2, uint8_t enc[16],
    uint8_t mac[16])
{
	uint8_t sv1[16] = { 0xC3, 0x3C, 0x00, 0x01, 0x00, 0x80 };
	uint8_t sv2[16] = { 0x3C, 0xC3, 0x00, 0x01, 0x00, 0x80 };
	size_t n = 6;

	memcpy(sv1 + 6, uid, 7);
	ctr_le(sv1 + 13, ctr);
	if (uid_in_sv2) {
		memcpy(sv2 + n, uid, 7);
		n += 7;
	}
	if (ctr_in_sv2)
		ctr_le(sv2 + n, ctr);
	aes128_cmac(file_key, sv1, 16, enc);
	aes128_cmac(file_key, sv2, 16, mac);
}

static int
mirror_picc(uint8_t *file, const ntag424_file_settings_t *s,
    const struct mirror_tap *tap)
{
	const ntag424_sdm_t *sdm = &s->sdm;
	uint8_t plain[16], cipher[16], zero[16] = { 0 };
	uint8_t cbe[3] = { (uint8_t)(tap->ctr >> 16), (uint8_t)(tap->ctr >> 8),
	    (uint8_t)tap->ctr };

	if (sdm->meta_read == 0x0E) {
		if (sdm->uid_mirror)
			ascii(file + sdm->uid_offset, tap->uid, 7);
		if (sdm->read_ctr)
			ascii(file + sdm->read_ctr_offset, cbe, 3);
		return 0;
	}
	if (sdm->meta_read > 4)
		return 0;
	/* UID + counter: tag C7 (the only PICCData our templates make). */
	plain[0] = 0xC7;
	memcpy(plain + 1, tap->uid, 7);
	ctr_le(plain + 8, tap->ctr);
	memcpy(plain + 11, tap->pad, 5);
	if (aes128_cbc_encrypt(tap->meta_key, zero, plain, 16, cipher) != 0)
		return -1;
	ascii(file + sdm->picc_data_offset, cipher, 16);
	return 0;
}

static int
mirror_enc_mac(uint8_t *file, const ntag424_file_settings_t *s,
    const struct mirror_tap *tap)
{
	const ntag424_sdm_t *sdm = &s->sdm;
	uint8_t kenc[16], kmac[16], iv[16] = { 0 }, data[128], full[16], mact[8];

	if (sdm->file_read > 4)
		return 0;
	mirror_session_keys(tap->file_key, tap->uid, tap->ctr,
	    sdm->uid_mirror, sdm->read_ctr, kenc, kmac);
	if (sdm->enc_file_data) {
		size_t n = sdm->enc_length / 2;

		ctr_le(iv, tap->ctr);
		if (n > sizeof(data) || aes128_ecb_encrypt(kenc, iv, iv) != 0 ||
		    aes128_cbc_encrypt(kenc, iv, file + sdm->enc_offset, n,
		    data) != 0)
			return -1;
		ascii(file + sdm->enc_offset, data, n);
	}
	if (aes128_cmac(kmac, file + sdm->mac_input_offset,
	    sdm->mac_offset - sdm->mac_input_offset, full) != 0)
		return -1;
	cmac_truncate(full, mact);
	ascii(file + sdm->mac_offset, mact, 8);
	return 0;
}

int
mirror_url(const uint8_t *ndef, size_t ndef_len,
    const ntag424_file_settings_t *s, const struct mirror_tap *tap,
    const char *prefix, char *url, size_t cap)
{
	uint8_t file[256];
	size_t plen = strlen(prefix);

	if (ndef_len > sizeof(file) || ndef_len < 7 ||
	    plen + ndef_len - 7 + 1 > cap)
		return -1;
	memcpy(file, ndef, ndef_len);
	if (mirror_picc(file, s, tap) != 0 || mirror_enc_mac(file, s, tap) != 0)
		return -1;
	memcpy(url, prefix, plen);
	memcpy(url + plen, file + 7, ndef_len - 7);
	url[plen + ndef_len - 7] = '\0';
	return 0;
}
