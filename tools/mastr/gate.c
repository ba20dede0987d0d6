/* SPDX-License-Identifier: BSD-2-Clause */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mastr/err.h"
#include "mastr/frame.h"
#include "gate.h"
#include "opt.h"

void
gate_init(struct gate *g, const char *prog)
{
	memset(g, 0, sizeof(*g));
	g->prog = prog;
	g->golden_file = "/boot/vmlinuz";
	g->key_handle = MASTR_TPM_HOST_KEY_HANDLE;
	g->nv_index = MASTR_TPM_TOKEN_NV_INDEX;
	g->fd = -1;
}

int
gate_option(struct gate *g, int c, const char *arg)
{
	switch (c) {
	case 'p': g->port = arg; return 1;
	case 't': g->tcti = arg; return 1;
	case 'g': g->golden_file = arg; return 1;
	case 'K': g->key_file = arg; return 1;
	case 'k': return opt_u32(arg, &g->key_handle) < 0 ? -1 : 1;
	case 'n': return opt_u32(arg, &g->nv_index) < 0 ? -1 : 1;
	case 'w': return opt_ms(arg, &g->cfg.timeout_ms) < 0 ? -1 : 1;
	case 'd': g->cfg.debug = 1; return 1;
	default: return 0;
	}
}

const char *
gate_stage(enum mastr_stage s)
{
	switch (s) {
	case MASTR_STAGE_HANDSHAKE:	return "ECDH handshake";
	case MASTR_STAGE_CHANNEL:	return "channel verification";
	case MASTR_STAGE_ATTEST:	return "integrity attestation";
	case MASTR_STAGE_BOOT_OK:	return "waiting for BOOT_OK";
	default:			return "session";
	}
}

/* Errors a token in an older session produces (docs/mastr.md defect 6). */
static int
stale(int r)
{
	return r == MASTR_ERR_FRAME || r == MASTR_ERR_CHECKSUM ||
	    r == MASTR_ERR_TIMEOUT;
}

void
gate_fail(const struct gate *g, const char *what, int r,
    const mastr_host_result_t *res)
{
	if (r == MASTR_ERR_PROTOCOL && res != NULL && res->type != 0)
		fprintf(stderr, "%s: %s: %s: unexpected %s (0x%02X)\n", g->prog,
		    what, gate_stage(res->stage), mastr_msg_name(res->type),
		    res->type);
	else if (res != NULL)
		fprintf(stderr, "%s: %s: %s: %s%s\n", g->prog, what,
		    gate_stage(res->stage), mastr_strerror(r),
		    res->stage == MASTR_STAGE_HANDSHAKE && stale(r) ?
		    " (a token still in the session of a previous boot "
		    "answers like this: power-cycle it)" : "");
	else
		fprintf(stderr, "%s: %s: %s\n", g->prog, what,
		    mastr_strerror(r));
}

int
gate_open(struct gate *g, int flush)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	r;

	g->tcti = opt_tcti(g->tcti);
	if ((r = mastr_tpm_open(g->tcti, &g->tpm)) != MASTR_OK ||
	    (r = mastr_tpm_nv_load(g->tpm, g->nv_index,
	    g->cfg.token_pub)) != MASTR_OK ||
	    (r = mastr_tpm_key_pub(g->tpm, g->key_handle, pub)) != MASTR_OK) {
		gate_fail(g, "HALT: not provisioned", r, NULL);
		return r;
	}
	g->signer.tpm = g->tpm;
	g->signer.handle = g->key_handle;
	g->cfg.sign = mastr_tpm_sign_cb;
	g->cfg.sign_arg = &g->signer;
	g->cfg.golden_file = g->golden_file;
	if ((g->fd = mastr_tty_open(g->port)) < 0) {
		fprintf(stderr, "%s: HALT: cannot open %s\n", g->prog, g->port);
		return MASTR_ERR_IO;
	}
	/* Frames left from a previous session are not ours. */
	if (flush && isatty(g->fd))
		tcflush(g->fd, TCIFLUSH);
	if ((g->ch = mastr_chan_new(g->fd)) == NULL)
		return MASTR_ERR_NOMEM;
	return MASTR_OK;
}

void
gate_close(struct gate *g)
{
	mastr_chan_free(&g->ch);
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	mastr_tpm_close(&g->tpm);
}
