/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ReadData and WriteData (NT4H2421Gx 10.8.1, 10.8.2, Tables 78-83) and the
 * access decision they share with the ISO commands (DS 8.2.3.3-8.2.3.5,
 * Table 9): a matching key gives the file's CommMode, a free right
 * alone gives Plain, unauthenticated SDMFileRead gives a plain SDM read.
 */
#include <string.h>

#include "common/prim.h"
#include "emu/emu_int.h"

static int
file_mode(const emu_file_t *f)
{
	switch (f->option & 0x03) {
	case 0x01:
		return MODE_MAC;
	case 0x03:
		return MODE_FULL;
	default:
		return MODE_PLAIN;	/* 00 and 10 (E-5) */
	}
}

/*
 * The CommMode the command runs in, or 91AE (a right exists but is not
 * satisfied) / 919D (every right that could grant it is F).
 */
uint16_t
data_access(const emu_t *e, const emu_file_t *f, int kind, int *mode)
{
	uint8_t	a = kind == ACC_READ ? AR_READ(f->ar) : AR_WRITE(f->ar);
	uint8_t	rw = AR_RW(f->ar);
	uint8_t	sdm = AR_NEVER;

	if (kind == ACC_READ && (f->option & FO_SDM))
		sdm = SDM_FILE(f->sdm_ar);
	*mode = MODE_PLAIN;
	if (!e->v.sess.active) {
		if (sdm <= 4 || a == AR_FREE || rw == AR_FREE)
			return SW_OK;
	} else if (a == e->v.sess.keyno || rw == e->v.sess.keyno) {
		*mode = file_mode(f);
		return SW_OK;
	} else if (a == AR_FREE || rw == AR_FREE)
		return SW_OK;
	if (a == AR_NEVER && rw == AR_NEVER && sdm == AR_NEVER)
		return SW_PERMISSION;
	return SW_AUTH;
}

/* FileNo || Offset(3) || Length(3), shared by both commands. */
static uint16_t
file_header(emu_t *e, const emu_cmd_t *c, emu_file_t **f)
{
	if (e->v.level != LEVEL_APP)
		return SW_PERMISSION;
	if (c->len < 7)
		return SW_LENGTH;
	if ((*f = emu_file(e, c->data[0])) == NULL)
		return SW_NO_FILE;
	return SW_OK;
}

/* 90 AD 00 00 Lc FileNo Offset Length [MACt] 00 */
uint16_t
data_read(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_file_t	*f;
	uint8_t		 in[256], dyn[EMU_FILE_MAX];
	uint32_t	 off, n;
	size_t		 len = 0;
	int		 mode, sdm;
	uint16_t	 sw;

	if ((sw = file_header(e, c, &f)) != SW_OK ||
	    (sw = data_access(e, f, ACC_READ, &mode)) != SW_OK ||
	    (sw = sm_unwrap(e, c, mode == MODE_PLAIN ? MODE_PLAIN : MODE_MAC,
	    7, in, &len)) != SW_OK)
		return sw;
	if (len != 7)
		return SW_LENGTH;
	off = get_u24le(in + 1);
	n = get_u24le(in + 4);
	/* Real tags answer a read past the end as WriteData does: 91BE. */
	if (off >= f->size || n > f->size - off)
		return SW_BOUNDARY;
	if (n == 0)
		n = f->size - off;
	if (sm_wrapped_len(mode, n) > 256)
		return SW_LENGTH;	/* E-16 */
	sdm = sdm_active(e, f);
	if (sdm && (sw = sdm_first_read(e, f, RUN_READDATA, SW_PERMISSION,
	    SW_INTEGRITY)) != SW_OK)
		return sw;
	memcpy(dyn, f->data, f->size);
	if (sdm && sdm_render(e, f, dyn) < 0)
		sw = SW_INTEGRITY;
	else
		sw = sm_wrap(e, mode, dyn + off, n, out);
	wipe(dyn, sizeof(dyn));
	return sw;
}

/* 90 8D 00 00 Lc FileNo Offset Length Data [MACt] 00 */
uint16_t
data_write(emu_t *e, const emu_cmd_t *c, wbuf_t *out)
{
	emu_file_t	*f;
	uint8_t		 in[256];
	uint32_t	 off, n;
	size_t		 len = 0;
	int		 mode;
	uint16_t	 sw;

	if ((sw = file_header(e, c, &f)) != SW_OK ||
	    (sw = data_access(e, f, ACC_WRITE, &mode)) != SW_OK ||
	    (sw = sm_unwrap(e, c, mode, 7, in, &len)) != SW_OK)
		goto fail;
	off = get_u24le(in + 1);
	n = get_u24le(in + 4);
	sw = SW_LENGTH;
	if (len - 7 != n)
		goto fail;
	sw = SW_PARAMETER;
	if (n == 0)
		goto fail;
	sw = SW_BOUNDARY;
	if (off >= f->size || n > f->size - off)
		goto fail;
	memcpy(f->data + off, in + 7, n);
	sw = sm_wrap(e, mode, NULL, 0, out);
fail:
	wipe(in, sizeof(in));
	return sw;
}
