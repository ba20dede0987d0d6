/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 emulate: present a software NTAG 424 DNA (src/emu) to pcscd's
 * vpcd virtual reader, with its state kept in a file.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "common/hex.h"
#include "common/log.h"
#include "emu/emu.h"
#include "ntag424/err.h"

#define EXIT_TORN	3

static void
usage(FILE *f)
{
	fprintf(f, "usage: ntag424 emulate --state FILE --vpcd PORT "
	    "[--host ADDR] [--uid HEX]\n"
	    "                        [--tear-at K --tear-when before|after] "
	    "[--log]\n"
	    "                        [--auth-delay-after N] "
	    "[--auth-failures KEY:N]\n"
	    "                        [--hw-subtype 02|08] [--sw-minor N] "
	    "[--swallow-at K]\n\n"
	    "Present a software NTAG 424 DNA to pcscd's vpcd reader on PORT.\n"
	    "FILE holds the tag (created as a factory tag if missing, with\n"
	    "--uid or a random 04xxxxxxxxxxxx UID) and is saved after every\n"
	    "change. --tear-at K cuts the power at the K-th C-APDU, before or\n"
	    "after it takes effect, saves and exits 3 (the tag leaves).\n"
	    "--auth-delay-after N: the tag answers 91AD (AUTHENTICATION_DELAY)\n"
	    "once N authentications with a key failed in a row (default 50).\n"
	    "--auth-failures KEY:N records N failed authentications in a row\n"
	    "with KEY (0-4) in FILE before serving, as a tag that met a key\n"
	    "guesser would have. --hw-subtype and --sw-minor set GetVersion's\n"
	    "hardware subtype (genuine tags report 02 or 08) and software\n"
	    "minor version in FILE. --swallow-at K (a test hook) never answers\n"
	    "the K-th C-APDU, as a card or driver that hangs: the tag stays on\n"
	    "the reader, silent. SIGTERM/SIGINT save and exit 0.\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	emu_vpcd_stop();
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGTERM, &sa, NULL) | sigaction(SIGINT, &sa, NULL);
}

struct emulate_opts {
	emu_vpcd_opts_t	 vpcd;
	const char	*uid_hex;
	unsigned long	 tear_at;
	int		 tear_when;
	int		 log;
	unsigned long	 delay_after;	/* 0: the emulator's default */
	long		 fail_key;	/* -1: --auth-failures not given */
	unsigned long	 fail_count;
	int		 hw_subtype;	/* -1: keep */
	int		 sw_minor;	/* -1: keep */
};

static int
parse_ul(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	*v = strtoul(s, &end, 10);
	return *s == '\0' || *end != '\0' || *v == 0 || *v > max ? -1 : 0;
}

/* KEY:N with KEY 0..4 and N 1..65535 (TotFailCtr is 16 bits). */
static int
parse_failures(const char *s, struct emulate_opts *o)
{
	if (s[0] < '0' || s[0] >= '0' + EMU_NKEYS || s[1] != ':' ||
	    parse_ul(s + 2, 0xFFFF, &o->fail_count) < 0)
		return -1;
	o->fail_key = s[0] - '0';
	return 0;
}

/* Tearing, tracing, failed authentications, GetVersion, a silent card. */
static int
parse_hook(int c, const char *arg, struct emulate_opts *o)
{
	unsigned long v = 0;

	switch (c) {
	case 't':
		if (parse_ul(arg, 1000000000ul, &o->tear_at) < 0)
			return -1;
		return 0;
	case 'w':
		if (strcmp(arg, "before") == 0)
			o->tear_when = EMU_TEAR_BEFORE;
		else if (strcmp(arg, "after") == 0)
			o->tear_when = EMU_TEAR_AFTER;
		else
			return -1;
		return 0;
	case 'l':
		o->log = 1;
		return 0;
	case 'd':
		if (parse_ul(arg, 0xFF, &o->delay_after) < 0)
			return -1;
		return 0;
	case 'f':
		if (parse_failures(arg, o) < 0)
			return -1;
		return 0;
	case 'T':
		if (strcmp(arg, "02") != 0 &&
		    strcmp(arg, "08") != 0)
			return -1;
		o->hw_subtype = arg[1] - '0';
		return 0;
	case 'm':
		if (strcmp(arg, "0") == 0)
			v = 0;
		else if (parse_ul(arg, 0xFF, &v) < 0)
			return -1;
		o->sw_minor = (int)v;
		return 0;
	case 'S':
		if (parse_ul(arg, 1000000000ul, &o->vpcd.swallow_at) < 0)
			return -1;
		return 0;
	default:
			return -1;
	}
}

static int
parse_opts(int argc, char **argv, struct emulate_opts *o)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "vpcd", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "uid", required_argument, NULL, 'u' },
		{ "tear-at", required_argument, NULL, 't' },
		{ "tear-when", required_argument, NULL, 'w' },
		{ "log", no_argument, NULL, 'l' },
		{ "auth-delay-after", required_argument, NULL, 'd' },
		{ "auth-failures", required_argument, NULL, 'f' },
		{ "hw-subtype", required_argument, NULL, 'T' },
		{ "sw-minor", required_argument, NULL, 'm' },
		{ "swallow-at", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->vpcd.state_path = optarg;
			break;
		case 'p':
			if (parse_ul(optarg, 65535, &v) < 0)
				return -1;
			o->vpcd.port = (uint16_t)v;
			break;
		case 'H':
			o->vpcd.host = optarg;
			break;
		case 'u':
			o->uid_hex = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (parse_hook(c, optarg, o) < 0)
				return -1;
		}
	}
	if (optind != argc || o->vpcd.state_path == NULL || o->vpcd.port == 0 ||
	    (o->tear_at != 0) != (o->tear_when != 0))
		return -1;
	return 0;
}

/*
 * The failed-authentication model (docs/emulator.md E-21): the delay threshold
 * lives in this process, the counters in the state file, saved at once.
 */
static int
set_failures(const struct emulate_opts *o, emu_t *e)
{
	emu_delay_t	 d;
	emu_failctr_t	*f;

	if (o->delay_after != 0) {
		emu_get_delay(e, &d);
		d.threshold = (unsigned)o->delay_after;
		emu_set_delay(e, &d);
	}
	if (o->fail_key < 0)
		return NTAG424_OK;
	f = &emu_persist(e)->fail[o->fail_key];
	f->tot = (uint16_t)o->fail_count;
	f->seq = (uint8_t)(o->fail_count > 0xFF ? 0xFF : o->fail_count);
	f->spent = 0;
	return emu_save(e, o->vpcd.state_path);
}

/* GetVersion part 1 byte 2 (low nibble) and part 2 byte 4, saved at once. */
static int
set_version(const struct emulate_opts *o, emu_t *e)
{
	emu_persist_t *p = emu_persist(e);

	if (o->hw_subtype < 0 && o->sw_minor < 0)
		return NTAG424_OK;
	if (o->hw_subtype >= 0)
		p->hw_part[2] = (uint8_t)o->hw_subtype;
	if (o->sw_minor >= 0)
		p->sw_part[4] = (uint8_t)o->sw_minor;
	return emu_save(e, o->vpcd.state_path);
}

static int
run(const struct emulate_opts *o, emu_t *e)
{
	int r;

	if ((r = set_failures(o, e)) != NTAG424_OK ||
	    (r = set_version(o, e)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 emulate: %s: %s\n",
		    o->vpcd.state_path, ntag424_strerror(r));
		return 1;
	}
	if (o->tear_at != 0)
		emu_set_tear(e, o->tear_at, o->tear_when);
	emu_set_log(e, o->log);
	if (o->log)
		log_set_level(PLOG_TRACE);
	if (install_signals() < 0) {
		perror("ntag424 emulate: sigaction");
		return 1;
	}
	r = emu_vpcd_run(e, &o->vpcd);
	switch (r) {
	case EMU_VPCD_CLOSED:
	case EMU_VPCD_STOPPED:
		return 0;
	case EMU_VPCD_TORN:
		fprintf(stderr, "ntag424 emulate: power cut at C-APDU %lu "
		    "(%s); state saved\n", o->tear_at,
		    o->tear_when == EMU_TEAR_BEFORE ? "before" : "after");
		return EXIT_TORN;
	default:
		fprintf(stderr, "ntag424 emulate: %s\n", ntag424_strerror(r));
		return 1;
	}
}

int
cmd_emulate(int argc, char **argv)
{
	struct emulate_opts	 o;
	uint8_t			 uid[EMU_UID_LEN];
	emu_t			*e = NULL;
	int			 r;

	memset(&o, 0, sizeof(o));
	o.fail_key = -1;
	o.hw_subtype = o.sw_minor = -1;
	o.vpcd.host = "127.0.0.1";
	o.vpcd.connect_secs = 10;
	if (parse_opts(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.uid_hex != NULL && (hex_decode_str(o.uid_hex, uid,
	    sizeof(uid)) < 0 || uid[0] != 0x04)) {
		fprintf(stderr, "ntag424 emulate: --uid must be 7 bytes of hex "
		    "starting with 04\n");
		return EXIT_USAGE;
	}
	if ((r = emu_load(&e, o.vpcd.state_path, 1,
	    o.uid_hex != NULL ? uid : NULL)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 emulate: %s: %s\n", o.vpcd.state_path,
		    ntag424_strerror(r));
		return 1;
	}
	r = run(&o, e);
	emu_free(&e);
	return r;
}
