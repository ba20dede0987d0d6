/*
 * mastr-token: the software MASTR token (see mastr-token(1)).
 * Serves the serial protocol on a pty or an fd, the provisioning HTTP API,
 * or changes the state directory offline.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/harden.h"
#include "common/hex.h"
#include "mastr/chan.h"
#include "mastr/err.h"
#include "mastr/token.h"
#include "opt.h"
#include "../version.h"

#define EXIT_USAGE	2
#define EXIT_FAIL	1

struct args {
	const char		*state;
	int			 pty;
	int			 fd;
	const char		*http;
	const char		*log;
	int			 show_pubkey;
	const char		*set_host;
	const char		*set_golden;
	int			 reset;
	mastr_token_opts_t	 o;
};

static const char *prog = "mastr-token";
static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reattest_flag;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: %s --state DIR [--pty | --fd N] [--http ADDR:PORT] [--log FILE]\n"
"       [--ecdh-delay-ms N] [--ping-delay-ms N] [--reply-delay-ms N]\n"
"       [--session-timeout-ms N] [--halt-period-ms N] [--fault NAME]...\n"
"       %s --state DIR --show-pubkey | --reset |\n"
"       [--set-host-pubkey HEX] [--set-golden-hash HEX]\n"
"       %s --version\n"
"faults: bad-sig wrong-key gcm-tag checksum bad-escape oversize debug-msg\n"
"        error nack drop-ping drop-boot-ok drop-hb-ack encrypted-start\n"
"SIGUSR1 starts a re-attestation; SIGTERM stops.\n", prog, prog, prog);
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		reattest_flag = 1;
	else
		stop_flag = 1;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() must wake */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * A raw pty. We keep a slave descriptor open ourselves, so the master
 * never sees a hang-up while hosts come and go (a USB token stays
 * enumerated across host programs too).
 */
static int
open_pty(int *slave)
{
	const char	*name;
	int		 m;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    grantpt(m) != 0 || unlockpt(m) != 0 || (name = ptsname(m)) == NULL ||
	    (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		goto fail;
	if (mastr_tty_raw(m) != MASTR_OK || mastr_tty_raw(*slave) != MASTR_OK ||
	    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) < 0)
		goto fail;
	printf("%s\n", name);
	fflush(stdout);
	return m;
fail:
	fprintf(stderr, "%s: cannot create a pty: %s\n", prog, strerror(errno));
	if (m >= 0)
		close(m);
	return -1;
}

static int
start_http(mastr_token_t *t, const char *spec, mastr_token_http_t **h)
{
	char		 addr[64];
	const char	*colon = strrchr(spec, ':');
	uint32_t	 port;
	int		 r;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(addr) ||
	    opt_u32(colon + 1, &port) < 0 || port > 65535) {
		fprintf(stderr, "%s: --http wants ADDR:PORT\n", prog);
		return MASTR_ERR_ARG;
	}
	memcpy(addr, spec, (size_t)(colon - spec));
	addr[colon - spec] = '\0';
	if ((r = mastr_token_http_start(t, addr, (uint16_t)port, h)) != MASTR_OK) {
		fprintf(stderr, "%s: cannot serve HTTP on %s\n", prog, spec);
		return r;
	}
	printf("http %s:%u\n", addr, (unsigned)mastr_token_http_port(*h));
	fflush(stdout);
	return MASTR_OK;
}

static int
offline_show(const char *dir)
{
	mastr_eckey_t	*k = NULL;
	uint8_t		 pub[MASTR_PUB_LEN];
	char		 hex[2 * MASTR_PUB_LEN + 1];
	int		 r;

	if ((r = mastr_token_store_key(dir, &k)) == MASTR_OK &&
	    (r = mastr_eckey_pub(k, pub)) == MASTR_OK) {
		mastr_hex(pub, sizeof(pub), hex);
		printf("%s\n", hex);
	}
	mastr_eckey_free(&k);
	return r;
}

/* Refuse a state directory others could change or read, with why. */
static int
check_state(const char *dir, int serving)
{
	mastr_token_slots_t	s;
	char			why[512];
	int			r;

	if ((r = mastr_token_store_check(dir, why, sizeof(why))) == MASTR_OK &&
	    serving && (r = mastr_token_store_read(dir, &s)) == MASTR_OK)
		r = mastr_token_slots_check(&s, why, sizeof(why));
	if (r != MASTR_OK)
		fprintf(stderr, "%s: %s\n", prog, why[0] != '\0' ? why :
		    mastr_strerror(r));
	return r;
}

static int
offline_set(const struct args *a)
{
	mastr_token_slots_t	s;
	uint8_t			zero[MASTR_HASH_LEN] = { 0 };
	char			why[512];
	int			r;

	if ((r = mastr_token_store_read(a->state, &s)) != MASTR_OK)
		return r;
	if (a->reset)
		memset(&s, 0, sizeof(s));
	if (a->set_host != NULL &&
	    (r = mastr_pub_from_hex(a->set_host, s.host_pub)) != MASTR_OK)
		return r;
	if (a->set_golden != NULL &&
	    hex_decode_str(a->set_golden, s.golden, sizeof(s.golden)) < 0)
		return MASTR_ERR_HEX;
	if (a->set_golden != NULL && memcmp(s.golden, zero, sizeof(zero)) == 0) {
		fprintf(stderr, "%s: an all-zero golden hash means \"not "
		    "provisioned\" to the token, which would then never boot: "
		    "give the real hash (mastr-provision --golden-hash)\n", prog);
		return MASTR_ERR_ARG;
	}
	if ((r = mastr_token_slots_check(&s, why, sizeof(why))) != MASTR_OK) {
		fprintf(stderr, "%s: %s\n", prog, why);
		return r;
	}
	return mastr_token_store_write(a->state, &s);
}

static int
serve(const struct args *a)
{
	mastr_token_t		*t = NULL;
	mastr_token_http_t	*h = NULL;
	FILE			*log = NULL;
	mastr_token_opts_t	 o = a->o;
	int			 fd = a->fd, slave = -1, r;

	if (a->log != NULL && (log = fopen(a->log, "ae")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, a->log, strerror(errno));
		return EXIT_FAIL;
	}
	o.log = log;
	if ((r = mastr_token_new(a->state, &o, &t)) != MASTR_OK) {
		fprintf(stderr, "%s: %s: %s\n", prog, a->state,
		    mastr_strerror(r));
		goto done;
	}
	if (a->pty && (fd = open_pty(&slave)) < 0) {
		r = MASTR_ERR_IO;
		goto done;
	}
	if (a->http != NULL && (r = start_http(t, a->http, &h)) != MASTR_OK)
		goto done;
	if (fd >= 0)
		r = mastr_token_serve(t, fd, &stop_flag, &reattest_flag);
	else
		while (!stop_flag)
			pause();
	if (r == MASTR_ERR_CLOSED)
		r = MASTR_OK;
done:
	mastr_token_http_stop(&h);
	mastr_token_free(&t);
	if (a->pty && fd >= 0)
		close(fd);
	if (slave >= 0)
		close(slave);
	if (log != NULL)
		fclose(log);
	return r == MASTR_OK ? 0 : EXIT_FAIL;
}

static int
set_ms(const char *s, int *v)
{
	if (opt_ms(s, v) == 0)
		return 0;
	fprintf(stderr, "%s: not a number of milliseconds: %s\n", prog, s);
	return -1;
}

static int
parse_fault(const char *name, unsigned *faults)
{
	unsigned bit;

	if (mastr_token_fault_parse(name, &bit) != MASTR_OK) {
		fprintf(stderr, "%s: unknown fault: %s\n", prog, name);
		return -1;
	}
	*faults |= bit;
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "pty", no_argument, NULL, 'p' },
		{ "fd", required_argument, NULL, 'f' },
		{ "http", required_argument, NULL, 'H' },
		{ "log", required_argument, NULL, 'l' },
		{ "ecdh-delay-ms", required_argument, NULL, 'E' },
		{ "ping-delay-ms", required_argument, NULL, 'P' },
		{ "reply-delay-ms", required_argument, NULL, 'R' },
		{ "session-timeout-ms", required_argument, NULL, 'T' },
		{ "halt-period-ms", required_argument, NULL, 'A' },
		{ "fault", required_argument, NULL, 'F' },
		{ "show-pubkey", no_argument, NULL, 'k' },
		{ "set-host-pubkey", required_argument, NULL, 'o' },
		{ "set-golden-hash", required_argument, NULL, 'g' },
		{ "reset", no_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t	fd;
	int		c, bad = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': a->state = optarg; break;
		case 'p': a->pty = 1; break;
		case 'f':
			bad |= opt_u32(optarg, &fd) < 0 || fd > 65535;
			a->fd = (int)fd;
			break;
		case 'H': a->http = optarg; break;
		case 'l': a->log = optarg; break;
		case 'E': bad |= set_ms(optarg, &a->o.ecdh_delay_ms); break;
		case 'P': bad |= set_ms(optarg, &a->o.ping_delay_ms); break;
		case 'R': bad |= set_ms(optarg, &a->o.reply_delay_ms); break;
		case 'T': bad |= set_ms(optarg, &a->o.session_timeout_ms); break;
		case 'A': bad |= set_ms(optarg, &a->o.halt_period_ms); break;
		case 'F': bad |= parse_fault(optarg, &a->o.faults); break;
		case 'k': a->show_pubkey = 1; break;
		case 'o': a->set_host = optarg; break;
		case 'g': a->set_golden = optarg; break;
		case 'z': a->reset = 1; break;
		case 'h': usage(stdout); exit(0);
		default: bad = 1; break;
		}
	}
	if (a->state == NULL || optind != argc || (a->pty && a->fd >= 0))
		bad = 1;
	return bad ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct args	a = { .fd = -1 };
	int		r;

	if (tool_version(argc, argv, "mastr-token"))
		return 0;
	if (harden_process() != 0) {
		perror("mastr-token: cannot make the process non-dumpable");
		return 1;
	}
	mastr_token_opts_default(&a.o);
	if (parse_args(argc, argv, &a) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (check_state(a.state, !a.show_pubkey && a.set_host == NULL &&
	    a.set_golden == NULL && !a.reset) != MASTR_OK)
		return EXIT_FAIL;
	if (a.show_pubkey)
		r = offline_show(a.state);
	else if (a.set_host != NULL || a.set_golden != NULL || a.reset)
		r = offline_set(&a);
	else {
		install_signals();
		return serve(&a);
	}
	if (r != MASTR_OK)
		fprintf(stderr, "%s: %s\n", prog, mastr_strerror(r));
	return r == MASTR_OK ? 0 : EXIT_FAIL;
}
