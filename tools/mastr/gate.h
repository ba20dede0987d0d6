/* SPDX-License-Identifier: BSD-2-Clause */
/* What mastr-bootstrap and mastr-heartbeat share: TPM, token key, config. */
#ifndef MASTR_TOOLS_GATE_H
#define MASTR_TOOLS_GATE_H

#include "mastr/host.h"
#include "mastr/tpm.h"

struct gate {
	const char		*prog;
	const char		*tcti;
	const char		*port;
	const char		*golden_file;
	const char		*key_file;	/* NULL: kernel session keyring */
	uint32_t		 key_handle;
	uint32_t		 nv_index;
	mastr_tpm_t		*tpm;
	struct mastr_tpm_signer	 signer;
	mastr_host_cfg_t	 cfg;
	int			 fd;
	mastr_chan_t		*ch;
};

void gate_init(struct gate *g, const char *prog);
/* Parse one of the shared options; 1 if it was one, 0 if not, -1 if bad. */
int gate_option(struct gate *g, int c, const char *arg);
/* The shared long options, to append to a program's own table. */
#define GATE_LONGOPTS \
	{ "port", required_argument, NULL, 'p' }, \
	{ "tcti", required_argument, NULL, 't' }, \
	{ "golden-file", required_argument, NULL, 'g' }, \
	{ "key-file", required_argument, NULL, 'K' }, \
	{ "key-handle", required_argument, NULL, 'k' }, \
	{ "nv-index", required_argument, NULL, 'n' }, \
	{ "timeout-ms", required_argument, NULL, 'w' }, \
	{ "debug", no_argument, NULL, 'd' }

/*
 * Open the TPM, load the paired token key, check the host key and open
 * the serial port. Prints one line and returns non-zero on failure.
 */
int gate_open(struct gate *g, int flush);
void gate_close(struct gate *g);

/* "ECDH handshake", ... for a stage. */
const char *gate_stage(enum mastr_stage s);
/* Print "PROG: WHAT: reason" for a failed step. */
void gate_fail(const struct gate *g, const char *what, int r,
    const mastr_host_result_t *res);

#endif
