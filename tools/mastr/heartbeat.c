/*
 * mastr-heartbeat: the runtime side after boot. A heartbeat every
 * interval, token-initiated re-attestation, and the emergency command
 * after too many missed ACKs or any failure.
 */
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "common/harden.h"
#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/handoff.h"
#include "gate.h"
#include "opt.h"
#include "../version.h"

extern char **environ;

enum { EXIT_STOPPED = 0, EXIT_USAGE = 2, EXIT_EMERGENCY = 3 };

struct hb {
	struct gate	 g;
	int		 interval_ms;
	int		 max_missed;
	const char	*emergency_cmd;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: mastr-heartbeat --port TTY [--golden-file FILE] [--tcti STRING]\n"
"       [--key-handle H] [--nv-index I] [--key-file FILE] [--debug]\n"
"       [--interval-ms N] [--max-missed N] [--emergency-cmd CMD]\n"
"       [--timeout-ms N]\n"
"       mastr-heartbeat --version\n");
}

/* Run the emergency command through /bin/sh; the host is not trusted now. */
static int
emergency(const struct hb *h, const char *why, int r)
{
	char	 sh[] = "sh", dash_c[] = "-c";
	char	*argv[] = { sh, dash_c, (char *)(uintptr_t)h->emergency_cmd,
		    NULL };
	pid_t	 pid;
	int	 status;

	fprintf(stderr, "mastr-heartbeat: EMERGENCY: %s%s%s; running: %s\n",
	    why, r != MASTR_OK ? ": " : "", r != MASTR_OK ?
	    mastr_strerror(r) : "", h->emergency_cmd);
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0)
		waitpid(pid, &status, 0);
	return EXIT_EMERGENCY;
}

static int
reattest(struct hb *h, const mastr_msg_t *m)
{
	mastr_host_result_t	res;
	int			r;

	r = mastr_host_reattest(h->g.ch, &h->g.cfg, m->payload, m->len, &res);
	if (r == MASTR_OK)
		r = mastr_handoff_store(h->g.key_file, res.key);
	if (r != MASTR_OK)
		gate_fail(&h->g, "re-attestation failed", r, &res);
	else
		fprintf(stderr, "mastr-heartbeat: re-attested, new session "
		    "key\n");
	mastr_host_result_wipe(&res);
	return r;
}

static int
loop(struct hb *h)
{
	mastr_msg_t	msg;
	uint64_t	next = mastr_clock_ms();
	int		missed = 0, waiting = 0, r;

	for (;;) {
		uint64_t now = mastr_clock_ms();

		if (now >= next) {
			if (waiting && ++missed >= h->max_missed)
				return emergency(h, "heartbeat ACKs missed",
				    MASTR_OK);
			if ((r = mastr_chan_send(h->g.ch, MASTR_H2T_HEARTBEAT,
			    NULL, 0)) != MASTR_OK)
				return emergency(h, "cannot send", r);
			waiting = 1;
			next = now + (uint64_t)h->interval_ms;
			continue;
		}
		r = mastr_host_recv(h->g.ch, &h->g.cfg, (int)(next - now), &msg);
		if (r == MASTR_ERR_TIMEOUT)
			continue;
		if (r != MASTR_OK)
			return emergency(h, "token link failed", r);
		if (msg.type == MASTR_T2H_HEARTBEAT_ACK) {
			waiting = 0;
			missed = 0;
		} else if (msg.type == MASTR_T2H_ECDH_SHARE) {
			if ((r = reattest(h, &msg)) != MASTR_OK)
				return emergency(h, "re-attestation failed", r);
			waiting = 0;
			missed = 0;
			next = mastr_clock_ms();
		} else
			return emergency(h, "unexpected message",
			    MASTR_ERR_PROTOCOL);
		wipe(&msg, sizeof(msg));
	}
}

static int
parse_args(int argc, char **argv, struct hb *h)
{
	static const struct option longopts[] = {
		GATE_LONGOPTS,
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "max-missed", required_argument, NULL, 'm' },
		{ "emergency-cmd", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': bad |= opt_ms(optarg, &h->interval_ms) < 0; break;
		case 'm': bad |= opt_ms(optarg, &h->max_missed) < 0; break;
		case 'e': h->emergency_cmd = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: bad |= gate_option(&h->g, c, optarg) != 1; break;
		}
	}
	return bad || h->g.port == NULL || optind != argc ||
	    h->interval_ms == 0 || h->max_missed == 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct hb	h = { .interval_ms = 5000, .max_missed = 3,
			    .emergency_cmd = "systemctl poweroff" };
	uint8_t		key[MASTR_KEY_LEN];
	int		r, rc = EXIT_EMERGENCY;

	if (tool_version(argc, argv, "mastr-heartbeat"))
		return 0;
	if (harden_process() != 0) {
		perror("mastr-heartbeat: cannot make the process non-dumpable");
		return 1;
	}
	setenv("TSS2_LOG", "all+none", 0);
	gate_init(&h.g, "mastr-heartbeat");
	if (parse_args(argc, argv, &h) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = gate_open(&h.g, 0)) != MASTR_OK) {
		rc = emergency(&h, "cannot start", r);
		goto done;
	}
	if ((r = mastr_handoff_load(h.g.key_file, key)) != MASTR_OK) {
		rc = emergency(&h, "no session key from mastr-bootstrap", r);
		goto done;
	}
	mastr_chan_set_key(h.g.ch, key);
	wipe(key, sizeof(key));
	rc = loop(&h);
done:
	gate_close(&h.g);
	return rc;
}
