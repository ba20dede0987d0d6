/*
 * mastr-provision: pair this host with a MASTR token (seed 001).
 * main() parses options and dispatches to one function per action.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/harden.h"
#include "mastr/crypto.h"
#include "mastr/err.h"
#include "mastr/tpm.h"
#include "opt.h"
#include "../version.h"

enum {
	EXIT_INCOMPLETE = 1,	/* --verify: not (yet) provisioned */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,		/* bad hex, wrong length, off-curve point */
	EXIT_TPM = 4,		/* TPM unreachable or a TPM command failed */
	EXIT_NV_FOREIGN = 5,	/* NV index belongs to the platform */
	EXIT_FILE = 6,		/* golden-hash file unreadable */
};

enum action {
	ACT_STATUS, ACT_REGENERATE, ACT_SHOW_PUBKEY, ACT_SET_TOKEN,
	ACT_SHOW_TOKEN, ACT_VERIFY, ACT_GOLDEN,
};

struct args {
	enum action	 action;
	int		 nactions;
	const char	*tcti;
	uint32_t	 key_handle;
	uint32_t	 nv_index;
	const char	*arg;		/* token pubkey hex or golden file */
};

static const char *prog = "mastr-provision";

static void
usage(FILE *f)
{
	fprintf(f,
"usage: %s [--tcti STRING] [--key-handle H] [--nv-index I] [ACTION]\n"
"actions (one at a time; none prints the status):\n"
"  --regenerate             new host signing key in the TPM; prints X||Y\n"
"  --show-pubkey            print the host public key (128 hex)\n"
"  --set-token-pubkey HEX   store the token's public key (128 hex)\n"
"  --show-token-pubkey      print the stored token public key\n"
"  --verify                 check that provisioning is complete\n"
"  --golden-hash [FILE]     print SHA-256 of FILE (/boot/vmlinuz)\n"
"  --help\n"
"  --version                print the version and exit\n", prog);
}

static int
exit_for(int r)
{
	switch (r) {
	case MASTR_OK:
		return 0;
	case MASTR_ERR_HEX:
	case MASTR_ERR_POINT:
		return EXIT_INPUT;
	case MASTR_ERR_NV_FOREIGN:
		return EXIT_NV_FOREIGN;
	case MASTR_ERR_IO:
		return EXIT_FILE;
	case MASTR_ERR_NO_HOST_KEY:
	case MASTR_ERR_NV_EMPTY:
		return EXIT_INCOMPLETE;
	default:
		return EXIT_TPM;
	}
}

static int
fail(int r, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, mastr_strerror(r));
	return exit_for(r);
}

static void
print_hex_line(const uint8_t *p, size_t n)
{
	char hex[2 * MASTR_PUB_LEN + 1];

	mastr_hex(p, n, hex);
	printf("%s\n", hex);
}

static int
open_tpm(const struct args *a, mastr_tpm_t **t)
{
	int r;

	if ((r = mastr_tpm_open(a->tcti, t)) != MASTR_OK)
		fprintf(stderr, "%s: %s: %s\n", prog, a->tcti,
		    mastr_strerror(r));
	return r;
}

static int
do_regenerate(mastr_tpm_t *t, const struct args *a)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	r;

	if ((r = mastr_tpm_key_create(t, a->key_handle, pub)) != MASTR_OK)
		return fail(r, "cannot create the host key");
	fprintf(stderr, "New host key persisted at TPM2 0x%08X; the token "
	    "must be given this key (it unpairs the old one):\n",
	    a->key_handle);
	print_hex_line(pub, sizeof(pub));
	return 0;
}

static int
do_show_pubkey(mastr_tpm_t *t, const struct args *a)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	r;

	if ((r = mastr_tpm_key_pub(t, a->key_handle, pub)) != MASTR_OK)
		return fail(r, "no host public key");
	print_hex_line(pub, sizeof(pub));
	return 0;
}

/* Explain exactly what is wrong with a token key argument. */
static int
parse_token_pub(const char *hex, uint8_t pub[MASTR_PUB_LEN])
{
	size_t	n;
	int	r;

	if ((r = mastr_pub_from_hex(hex, pub)) == MASTR_OK)
		return MASTR_OK;
	n = strspn(hex, " \t\r\n");
	n = strcspn(hex + n, " \t\r\n");
	if (r == MASTR_ERR_HEX && n != 2 * MASTR_PUB_LEN)
		fprintf(stderr, "%s: invalid token public key: %zu characters "
		    "(expected 128 hex characters, X||Y)\n", prog, n);
	else if (r == MASTR_ERR_HEX)
		fprintf(stderr, "%s: invalid token public key: not hex\n",
		    prog);
	else
		fprintf(stderr, "%s: invalid token public key: %s\n", prog,
		    mastr_strerror(r));
	return r;
}

static int
do_set_token(mastr_tpm_t *t, const struct args *a, const uint8_t *pub)
{
	int r;

	if ((r = mastr_tpm_nv_store(t, a->nv_index, pub)) != MASTR_OK)
		return fail(r, "cannot store the token public key");
	printf("Token public key stored (TPM2 NVRAM 0x%08X)\n", a->nv_index);
	return 0;
}

static int
do_show_token(mastr_tpm_t *t, const struct args *a)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	r;

	if ((r = mastr_tpm_nv_load(t, a->nv_index, pub)) != MASTR_OK)
		return fail(r, "no token public key");
	print_hex_line(pub, sizeof(pub));
	return 0;
}

/* The host key exists and really signs: a test signature verifies. */
static int
host_key_works(mastr_tpm_t *t, uint32_t handle)
{
	static const uint8_t msg[] = "mastr-provision --verify";
	uint8_t	pub[MASTR_PUB_LEN], sig[MASTR_SIG_LEN];
	int	r;

	if ((r = mastr_tpm_key_pub(t, handle, pub)) != MASTR_OK ||
	    (r = mastr_tpm_sign(t, handle, msg, sizeof(msg), sig)) != MASTR_OK)
		return r;
	return mastr_ecdsa_verify(pub, msg, sizeof(msg), sig);
}

static int
do_verify(mastr_tpm_t *t, const struct args *a)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	rk, rn;

	if ((rk = host_key_works(t, a->key_handle)) == MASTR_OK)
		printf("\u2713 Host keypair exists (TPM2 0x%08X)\n",
		    a->key_handle);
	else
		printf("\u2717 Host keypair (TPM2 0x%08X): %s\n",
		    a->key_handle, mastr_strerror(rk));
	if ((rn = mastr_tpm_nv_load(t, a->nv_index, pub)) == MASTR_OK)
		printf("\u2713 Token pubkey stored (TPM2 NVRAM 0x%08X)\n",
		    a->nv_index);
	else
		printf("\u2717 Token pubkey (TPM2 NVRAM 0x%08X): %s\n",
		    a->nv_index, mastr_strerror(rn));
	if (rk != MASTR_OK || rn != MASTR_OK) {
		printf("Provisioning incomplete.\n");
		return rk != MASTR_OK ? exit_for(rk) : exit_for(rn);
	}
	printf("\u2705 Provisioning Complete!\n"
	    "Next: install mastr-bootstrap in the initramfs so that it runs\n"
	    "before the root file system is mounted, then reboot.\n");
	return 0;
}

static int
do_status(mastr_tpm_t *t, const struct args *a)
{
	uint8_t	pub[MASTR_PUB_LEN];
	int	r;

	printf("MASTR provisioning status\n  TPM:           %s\n", a->tcti);
	r = mastr_tpm_key_pub(t, a->key_handle, pub);
	printf("  Host keypair:  TPM2 0x%08X: %s\n", a->key_handle,
	    r == MASTR_OK ? "present" : mastr_strerror(r));
	r = mastr_tpm_nv_load(t, a->nv_index, pub);
	printf("  Token pubkey:  TPM2 NVRAM 0x%08X: %s\n", a->nv_index,
	    r == MASTR_OK ? "stored" : mastr_strerror(r));
	return 0;
}

static int
do_golden(const char *file)
{
	uint8_t	hash[MASTR_HASH_LEN];
	int	r;

	if ((r = mastr_sha256_file(file, hash)) != MASTR_OK) {
		fprintf(stderr, "%s: cannot read %s\n", prog, file);
		return exit_for(r);
	}
	print_hex_line(hash, sizeof(hash));
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "tcti", required_argument, NULL, 't' },
		{ "key-handle", required_argument, NULL, 'k' },
		{ "nv-index", required_argument, NULL, 'n' },
		{ "regenerate", no_argument, NULL, 'R' },
		{ "show-pubkey", no_argument, NULL, 'P' },
		{ "set-token-pubkey", required_argument, NULL, 'S' },
		{ "show-token-pubkey", no_argument, NULL, 'T' },
		{ "verify", no_argument, NULL, 'V' },
		{ "golden-hash", optional_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*tcti = NULL;
	int		 c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': tcti = optarg; break;
		case 'k':
			if (opt_u32(optarg, &a->key_handle) < 0)
				return -1;
			break;
		case 'n':
			if (opt_u32(optarg, &a->nv_index) < 0)
				return -1;
			break;
		case 'R': a->action = ACT_REGENERATE; a->nactions++; break;
		case 'P': a->action = ACT_SHOW_PUBKEY; a->nactions++; break;
		case 'S':
			a->action = ACT_SET_TOKEN;
			a->arg = optarg;
			a->nactions++;
			break;
		case 'T': a->action = ACT_SHOW_TOKEN; a->nactions++; break;
		case 'V': a->action = ACT_VERIFY; a->nactions++; break;
		case 'G':
			a->action = ACT_GOLDEN;
			a->arg = optarg != NULL ? optarg :
			    (optind < argc && argv[optind][0] != '-' ?
			    argv[optind++] : "/boot/vmlinuz");
			a->nactions++;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	a->tcti = opt_tcti(tcti);
	return optind == argc && a->nactions <= 1 ? 0 : -1;
}

static int
run(mastr_tpm_t *t, const struct args *a)
{
	switch (a->action) {
	case ACT_REGENERATE:	return do_regenerate(t, a);
	case ACT_SHOW_PUBKEY:	return do_show_pubkey(t, a);
	case ACT_SHOW_TOKEN:	return do_show_token(t, a);
	case ACT_VERIFY:	return do_verify(t, a);
	case ACT_STATUS:	return do_status(t, a);
	default:		return EXIT_USAGE;
	}
}

int
main(int argc, char **argv)
{
	struct args	 a = { .key_handle = MASTR_TPM_HOST_KEY_HANDLE,
			    .nv_index = MASTR_TPM_TOKEN_NV_INDEX };
	mastr_tpm_t	*t = NULL;
	uint8_t		 pub[MASTR_PUB_LEN];
	int		 rc;

	if (tool_version(argc, argv, "mastr-provision"))
		return 0;
	if (harden_process() != 0) {
		perror("mastr-provision: cannot make the process non-dumpable");
		return 1;
	}
	opt_quiet_tss();
	if (parse_args(argc, argv, &a) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (a.action == ACT_GOLDEN)
		return do_golden(a.arg);
	/* Check the argument before touching the TPM. */
	if (a.action == ACT_SET_TOKEN && parse_token_pub(a.arg, pub) != MASTR_OK)
		return EXIT_INPUT;
	if (open_tpm(&a, &t) != MASTR_OK)
		return EXIT_TPM;
	rc = a.action == ACT_SET_TOKEN ? do_set_token(t, &a, pub) : run(t, &a);
	mastr_tpm_close(&t);
	return rc;
}
