/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mastr_bench: the host's own time per provisioning step and per
 * attestation, against a TPM (swtpm in bench/mastr/run.sh) and a token
 * whose delays are 0 and whose session timeout is 0, so that it
 * re-attests at once after every BOOT_OK_ACK.
 *
 * usage: mastr_bench TCTI PTY GOLDEN_FILE ROUNDS
 * The TPM must already hold a host key and the token key (the script
 * pairs them); the key-creation step is measured on a spare handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mastr/chan.h"
#include "mastr/err.h"
#include "mastr/host.h"
#include "mastr/tpm.h"

#define SPARE_HANDLE	0x81000081u
#define SPARE_INDEX	0x01800003u

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double
ms_since(uint64_t t0)
{
	return (double)(now_us() - t0) / 1000.0;
}

static int
bench_provisioning(mastr_tpm_t *t, int rounds)
{
	uint8_t		pub[MASTR_PUB_LEN], sig[MASTR_SIG_LEN];
	uint64_t	t0;
	int		r = MASTR_OK, i;

	t0 = now_us();
	for (i = 0; i < rounds && r == MASTR_OK; i++)
		r = mastr_tpm_key_create(t, SPARE_HANDLE, pub);
	printf("provision --regenerate       %8.2f ms\n", ms_since(t0) / rounds);
	t0 = now_us();
	for (i = 0; i < rounds && r == MASTR_OK; i++)
		r = mastr_tpm_nv_store(t, SPARE_INDEX, pub);
	printf("provision --set-token-pubkey %8.2f ms\n", ms_since(t0) / rounds);
	t0 = now_us();
	for (i = 0; i < rounds && r == MASTR_OK; i++)
		if ((r = mastr_tpm_nv_load(t, SPARE_INDEX, pub)) == MASTR_OK)
			r = mastr_tpm_sign(t, SPARE_HANDLE, pub, 32, sig);
	printf("provision --verify (TPM)     %8.2f ms\n", ms_since(t0) / rounds);
	return r;
}

static int
bench_attest(mastr_tpm_t *t, const char *port, const char *golden, int rounds)
{
	struct mastr_tpm_signer	 s = { t, MASTR_TPM_HOST_KEY_HANDLE };
	mastr_host_cfg_t	 cfg = { .sign = mastr_tpm_sign_cb,
				    .sign_arg = &s, .golden_file = golden,
				    .timeout_ms = 5000 };
	mastr_host_result_t	 res;
	mastr_chan_t		*ch = NULL;
	mastr_msg_t		 msg;
	uint64_t		 t0;
	int			 fd, r, i;

	if ((r = mastr_tpm_nv_load(t, MASTR_TPM_TOKEN_NV_INDEX,
	    cfg.token_pub)) != MASTR_OK)
		return r;
	if ((fd = mastr_tty_open(port)) < 0 || (ch = mastr_chan_new(fd)) == NULL)
		return MASTR_ERR_IO;
	t0 = now_us();
	r = mastr_host_boot(ch, &cfg, &res);
	printf("boot gate (first session)    %8.2f ms\n", ms_since(t0));
	t0 = now_us();
	for (i = 0; i < rounds && r == MASTR_OK; i++) {
		if ((r = mastr_host_recv(ch, &cfg, 5000, &msg)) != MASTR_OK)
			break;
		if (msg.type != MASTR_T2H_ECDH_SHARE) {
			r = MASTR_ERR_PROTOCOL;
			break;
		}
		r = mastr_host_reattest(ch, &cfg, msg.payload, msg.len, &res);
	}
	printf("re-attestation               %8.2f ms\n", ms_since(t0) / rounds);
	mastr_host_result_wipe(&res);
	mastr_chan_free(&ch);
	return r;
}

int
main(int argc, char **argv)
{
	mastr_tpm_t	*t = NULL;
	int		 rounds, r;

	if (argc != 5 || (rounds = atoi(argv[4])) <= 0) {
		fprintf(stderr, "usage: mastr_bench TCTI PTY GOLDEN ROUNDS\n");
		return 2;
	}
	if ((r = mastr_tpm_open(argv[1], &t)) == MASTR_OK &&
	    (r = bench_provisioning(t, rounds)) == MASTR_OK)
		r = bench_attest(t, argv[2], argv[3], rounds);
	mastr_tpm_close(&t);
	if (r != MASTR_OK)
		fprintf(stderr, "mastr_bench: %s\n", mastr_strerror(r));
	return r == MASTR_OK ? 0 : 1;
}
