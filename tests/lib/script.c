/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "internal.h"
#include "script.h"
#include "test.h"

struct script {
	const struct step	*steps;
	size_t			 n;
	size_t			 at;
};

static void
dump(const char *label, const uint8_t *p, size_t n)
{
	fprintf(stderr, "  %s ", label);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02X", p[i]);
	fputc('\n', stderr);
}

/* Match capdu against a hex pattern in which "??" is any byte. */
static int
matches(const char *pat, const uint8_t *c, size_t n)
{
	size_t len = strlen(pat);
	uint8_t b;

	if (len % 2 != 0 || len / 2 != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (pat[2 * i] == '?' && pat[2 * i + 1] == '?')
			continue;
		if (hex_decode(pat + 2 * i, &b, 1) != 0 || b != c[i])
			return 0;
	}
	return 1;
}

static int
play(void *ctx, const uint8_t *capdu, size_t capdu_len, uint8_t *rapdu,
    size_t *rapdu_len)
{
	struct script		*s = ctx;
	const struct step	*st;

	if (s->at >= s->n) {
		test_fail(__FILE__, __LINE__, "C-APDU beyond the script");
		dump("actual  ", capdu, capdu_len);
		return NTAG424_ERR_TX;
	}
	st = &s->steps[s->at++];
	if (!matches(st->capdu, capdu, capdu_len)) {
		test_fail(__FILE__, __LINE__, "C-APDU differs from the script");
		fprintf(stderr, "  step %zu expected %s\n", s->at - 1,
		    st->capdu);
		dump("actual  ", capdu, capdu_len);
		return NTAG424_ERR_TX;
	}
	if (st->rapdu == NULL)
		return NTAG424_ERR_TX;
	*rapdu_len = test_hex(st->rapdu, rapdu, *rapdu_len);
	return NTAG424_OK;
}

static void
finish(void *ctx)
{
	free(ctx);
}

static const ntag424_io_ops_t script_ops = {
	.transceive = play,
	.reconnect = NULL,
	.close = finish,
};

ntag424_dev_t *
script_dev(const struct step *steps, size_t n)
{
	ntag424_dev_t	*dev = ntag424_dev_new();
	struct script	*s = calloc(1, sizeof(*s));

	if (dev == NULL || s == NULL)
		abort();
	s->steps = steps;
	s->n = n;
	if (ntag424_dev_set_io(dev, &script_ops, s) != NTAG424_OK)
		abort();
	return dev;
}

void
script_load(ntag424_dev_t *dev, const struct step *steps, size_t n)
{
	struct script *s = dev->io_ctx;

	script_check_done(dev, __FILE__, __LINE__);
	s->steps = steps;
	s->n = n;
	s->at = 0;
}

void
script_check_done(ntag424_dev_t *dev, const char *file, int line)
{
	struct script *s = dev->io_ctx;

	if (s->at != s->n) {
		test_fail(file, line, "script not played to the end");
		fprintf(stderr, "  played %zu of %zu steps\n", s->at, s->n);
	}
}

void
script_end(ntag424_dev_t **dev, const char *file, int line)
{
	script_check_done(*dev, file, line);
	ntag424_dev_free(dev);
}
