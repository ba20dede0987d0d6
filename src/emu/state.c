/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The state file: the persistent part of an emulated tag.
 *
 * Format, version 2 (all integers little-endian unless noted):
 *
 *   magic      8  "P424EMU\n"
 *   version    2  big-endian, 0x0002 (0x0001 is read too: it has no
 *                 GetVersion parts 1 and 2, the factory ones are taken)
 *   body       n  the fields below, in order
 *   crc        4  zlib crc32 of magic || version || body, big-endian
 *
 *   body:
 *   uid 7, prod 7 (GetVersion part 3 bytes 7-13),
 *   [version 2] GetVersion part 1 7, GetVersion part 2 7,
 *   5 x key 16, 5 x key version 1,
 *   5 x (TotFailCtr 2, SeqFailCtr 1, SpentTimeCtr 2),
 *   failed-ctr enabled 1, TotFailCtrLimit 2, TotFailCtrDecr 2,
 *   random ID 1, SMConfig 2, PDCap2.5 1, PDCap2.6 1, HW config 1,
 *   originality private key 28 (secp224r1 scalar, big-endian),
 *   3 x file: size 3, FileOption 1, AccessRights 2, SDMOptions 1,
 *     SDMAccessRights 2, UIDOffset 3, SDMReadCtrOffset 3, PICCDataOffset 3,
 *     SDMMACInputOffset 3, SDMENCOffset 3, SDMENCLength 3, SDMMACOffset 3,
 *     SDMReadCtrLimit 3, SDMReadCtr 3, data (size bytes).
 *
 * The file holds the tag's keys in clear, as the chip's NVM does: it is
 * created with mode 0600. A save writes a temporary file in the same
 * directory, fsyncs it, renames it over the old one and fsyncs the
 * directory, so a crash leaves either the old or the new state.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/prim.h"
#include "emu/emu_int.h"
#include "ntag424/err.h"

#define STATE_MAGIC	"P424EMU\n"
#define STATE_VERSION	3
#define STATE_MAX	4096

static const uint32_t file_sizes[EMU_NFILES] = { 32, 256, 128 };

static int
put_file(wbuf_t *w, const emu_file_t *f)
{
	const uint32_t v[] = { f->uid_off, f->ctr_off, f->picc_off,
	    f->mac_in_off, f->enc_off, f->enc_len, f->mac_off, f->ctr_limit,
	    f->sdm_ctr };
	int r = 0;

	r |= wbuf_put_u24le(w, f->size);
	r |= wbuf_put_u8(w, f->option);
	r |= wbuf_put_u16le(w, f->ar);
	r |= wbuf_put_u8(w, f->sdm_options);
	r |= wbuf_put_u16le(w, f->sdm_ar);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		r |= wbuf_put_u24le(w, v[i]);
	r |= wbuf_put(w, f->data, f->size);
	return r;
}

static int
serialize(const emu_persist_t *p, wbuf_t *w)
{
	int r = 0;

	r |= wbuf_put(w, STATE_MAGIC, 8);
	r |= wbuf_put_u16be(w, STATE_VERSION);
	r |= wbuf_put(w, p->uid, sizeof(p->uid));
	r |= wbuf_put(w, p->prod, sizeof(p->prod));
	r |= wbuf_put(w, p->hw_part, sizeof(p->hw_part));
	r |= wbuf_put(w, p->sw_part, sizeof(p->sw_part));
	r |= wbuf_put(w, p->key, sizeof(p->key));
	r |= wbuf_put(w, p->key_ver, sizeof(p->key_ver));
	for (size_t i = 0; i < EMU_NKEYS; i++) {
		r |= wbuf_put_u16le(w, p->fail[i].tot);
		r |= wbuf_put_u8(w, p->fail[i].seq);
		r |= wbuf_put_u16le(w, p->fail[i].spent);
	}
	r |= wbuf_put_u8(w, p->fail_enabled);
	r |= wbuf_put_u16le(w, p->fail_limit);
	r |= wbuf_put_u16le(w, p->fail_decr);
	r |= wbuf_put_u8(w, p->random_id);
	r |= wbuf_put_u16le(w, p->sm_config);
	r |= wbuf_put_u8(w, p->pdcap2_5);
	r |= wbuf_put_u8(w, p->pdcap2_6);
	r |= wbuf_put_u8(w, p->hw_config);
	r |= wbuf_put(w, p->sig_priv, sizeof(p->sig_priv));
	for (size_t i = 0; i < EMU_NFILES; i++)
		r |= put_file(w, &p->file[i]);
	r |= wbuf_put_u8(w, p->lrp);	/* version 3 */
	return r;
}

static int
get_file(const uint8_t **c, size_t *len, emu_file_t *f, uint32_t size)
{
	uint32_t *v[] = { &f->uid_off, &f->ctr_off, &f->picc_off,
	    &f->mac_in_off, &f->enc_off, &f->enc_len, &f->mac_off,
	    &f->ctr_limit, &f->sdm_ctr };
	int r = 0;

	r |= buf_read_u24le(c, len, &f->size);
	if (r != 0 || f->size != size)
		return -1;
	r |= buf_read_u8(c, len, &f->option);
	r |= buf_read_u16le(c, len, &f->ar);
	r |= buf_read_u8(c, len, &f->sdm_options);
	r |= buf_read_u16le(c, len, &f->sdm_ar);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		r |= buf_read_u24le(c, len, v[i]);
	r |= buf_read(c, len, f->data, f->size);
	return r;
}

static int
parse(const uint8_t *c, size_t len, emu_persist_t *p)
{
	uint16_t version = 0;
	int r = 0;

	if (len < 12 || memcmp(c, STATE_MAGIC, 8) != 0 ||
	    get_u16be(c + 8) < 1 || get_u16be(c + 8) > STATE_VERSION ||
	    (uint32_t)crc32(0, c, (uInt)(len - 4)) !=
	    (((uint32_t)get_u16be(c + len - 4) << 16) | get_u16be(c + len - 2)))
		return -1;
	len -= 4;
	r |= buf_skip(&c, &len, 8);
	r |= buf_read_u16be(&c, &len, &version);
	r |= buf_read(&c, &len, p->uid, sizeof(p->uid));
	r |= buf_read(&c, &len, p->prod, sizeof(p->prod));
	if (version >= 2) {
		r |= buf_read(&c, &len, p->hw_part, sizeof(p->hw_part));
		r |= buf_read(&c, &len, p->sw_part, sizeof(p->sw_part));
	}
	r |= buf_read(&c, &len, p->key, sizeof(p->key));
	r |= buf_read(&c, &len, p->key_ver, sizeof(p->key_ver));
	for (size_t i = 0; i < EMU_NKEYS && r == 0; i++) {
		r |= buf_read_u16le(&c, &len, &p->fail[i].tot);
		r |= buf_read_u8(&c, &len, &p->fail[i].seq);
		r |= buf_read_u16le(&c, &len, &p->fail[i].spent);
	}
	r |= buf_read_u8(&c, &len, &p->fail_enabled);
	r |= buf_read_u16le(&c, &len, &p->fail_limit);
	r |= buf_read_u16le(&c, &len, &p->fail_decr);
	r |= buf_read_u8(&c, &len, &p->random_id);
	r |= buf_read_u16le(&c, &len, &p->sm_config);
	r |= buf_read_u8(&c, &len, &p->pdcap2_5);
	r |= buf_read_u8(&c, &len, &p->pdcap2_6);
	r |= buf_read_u8(&c, &len, &p->hw_config);
	r |= buf_read(&c, &len, p->sig_priv, sizeof(p->sig_priv));
	for (size_t i = 0; i < EMU_NFILES && r == 0; i++)
		r |= get_file(&c, &len, &p->file[i], file_sizes[i]);
	if (version >= 3)
		r |= buf_read_u8(&c, &len, &p->lrp);
	return r != 0 || len != 0 ? -1 : 0;
}

static int
read_all(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f;
	int r = NTAG424_ERR_IO;

	if ((f = fopen(path, "rb")) == NULL)
		return NTAG424_ERR_IO;
	*len = fread(buf, 1, cap, f);
	if (!ferror(f))
		r = *len == cap ? NTAG424_ERR_MALFORMED : NTAG424_OK;
	fclose(f);
	return r;
}

int
emu_load(emu_t **emup, const char *path, int create, const uint8_t *uid)
{
	uint8_t		*buf = NULL;
	emu_t		*e;
	size_t		 len = 0;
	int		 r;

	*emup = NULL;
	if ((e = emu_new(uid)) == NULL)
		return NTAG424_ERR_NOMEM;
	if (access(path, F_OK) != 0 && errno == ENOENT && create) {
		*emup = e;
		return NTAG424_OK;
	}
	r = NTAG424_ERR_NOMEM;
	if ((buf = malloc(STATE_MAX)) == NULL)
		goto fail;
	if ((r = read_all(path, buf, STATE_MAX, &len)) != NTAG424_OK)
		goto fail;
	r = NTAG424_ERR_MALFORMED;
	if (parse(buf, len, &e->p) < 0)
		goto fail;
	emu_power_cycle(e);
	*emup = e;
	e = NULL;
	r = NTAG424_OK;
fail:
	if (buf != NULL) {
		wipe(buf, STATE_MAX);
		free(buf);
	}
	emu_free(&e);
	return r;
}

static int
write_fd(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
sync_dir(const char *path)
{
	char	 dir[PATH_MAX];
	int	 fd, r;

	if (strlen(path) >= sizeof(dir))
		return -1;
	strcpy(dir, path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
emu_save(const emu_t *e, const char *path)
{
	uint8_t	 buf[STATE_MAX];
	char	 tmp[PATH_MAX];
	wbuf_t	 w;
	uint32_t crc;
	int	 fd = -1, r = NTAG424_ERR_IO;

	wbuf_init(&w, buf, sizeof(buf));
	if (serialize(&e->p, &w) != 0)
		goto fail;
	crc = (uint32_t)crc32(0, buf, (uInt)w.len);
	if (wbuf_put_u16be(&w, (uint16_t)(crc >> 16)) < 0 ||
	    wbuf_put_u16be(&w, (uint16_t)crc) < 0)
		goto fail;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) ||
	    (fd = mkstemp(tmp)) < 0)
		goto fail;
	if (fchmod(fd, 0600) < 0 || write_fd(fd, buf, w.len) < 0 ||
	    fsync(fd) < 0) {
		unlink(tmp);
		goto fail;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = NTAG424_ERR_IO;
		unlink(tmp);
		goto fail;
	}
	r = NTAG424_ERR_IO;
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		goto fail;
	}
	r = sync_dir(path) < 0 ? NTAG424_ERR_IO : NTAG424_OK;
fail:
	if (fd >= 0)
		close(fd);
	wipe(buf, sizeof(buf));
	return r;
}
