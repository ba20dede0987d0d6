/* SPDX-License-Identifier: BSD-2-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/prim.h"
#include "common/secret.h"
#include "ntag424/err.h"

/* Longest key file we accept: a 32-byte key in hex plus white space. */
#define SECRET_FILE_MAX	256

static int
read_file(const char *path, char *text, size_t cap)
{
	FILE	*f;
	size_t	 got;
	int	 saved;

	if ((f = fopen(path, "re")) == NULL)
		return NTAG424_ERR_IO;
	got = fread(text, 1, cap - 1, f);
	saved = ferror(f) ? EIO : 0;
	fclose(f);
	if (saved != 0) {
		errno = saved;
		return NTAG424_ERR_IO;
	}
	text[got] = '\0';
	return NTAG424_OK;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
secret_from_arg(const char *arg, uint8_t *out, size_t n)
{
	char	text[SECRET_FILE_MAX];
	int	r;

	if (arg[0] != '@') {
		r = hex_decode_str(arg, out, n) == 0 ? NTAG424_OK :
		    NTAG424_ERR_MALFORMED;
		goto done;
	}
	if ((r = read_file(arg + 1, text, sizeof(text))) != NTAG424_OK)
		goto done;
	r = hex_decode_str(trim(text), out, n) == 0 ? NTAG424_OK :
	    NTAG424_ERR_MALFORMED;
done:
	wipe(text, sizeof(text));
	if (r != NTAG424_OK)
		wipe(out, n);
	return r;
}
