/*
 * mastr-bootstrap: the initramfs boot gate. Exit 0 only when the token
 * has attested this host and said BOOT_OK; anything else halts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/harden.h"
#include "mastr/err.h"
#include "mastr/handoff.h"
#include "gate.h"
#include "../version.h"

enum { EXIT_BOOT = 0, EXIT_HALT = 1, EXIT_USAGE = 2 };

static void
usage(FILE *f)
{
	fprintf(f,
"usage: mastr-bootstrap --port TTY [--golden-file FILE] [--tcti STRING]\n"
"       [--key-handle H] [--nv-index I] [--key-file FILE] [--debug]\n"
"       [--timeout-ms N]\n"
"       mastr-bootstrap --version\n");
}

static int
parse_args(int argc, char **argv, struct gate *g)
{
	static const struct option longopts[] = {
		GATE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (gate_option(g, c, optarg) != 1)
			return -1;
	}
	return g->port != NULL && optind == argc ? 0 : -1;
}

static int
boot(struct gate *g)
{
	mastr_host_result_t	res;
	int			r;

	if ((r = mastr_host_boot(g->ch, &g->cfg, &res)) != MASTR_OK) {
		gate_fail(g, "HALT", r, &res);
		goto done;
	}
	if ((r = mastr_handoff_store(g->key_file, res.key)) != MASTR_OK) {
		gate_fail(g, "HALT: cannot hand the session key over", r, NULL);
		goto done;
	}
	printf("mastr-bootstrap: BOOT_OK: the token attested this host\n");
done:
	mastr_host_result_wipe(&res);
	return r;
}

int
main(int argc, char **argv)
{
	struct gate	g;
	int		r;

	if (tool_version(argc, argv, "mastr-bootstrap"))
		return 0;
	if (harden_process() != 0) {
		perror("mastr-bootstrap: cannot make the process non-dumpable");
		return 1;
	}
	setenv("TSS2_LOG", "all+none", 0);
	gate_init(&g, "mastr-bootstrap");
	if (parse_args(argc, argv, &g) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = gate_open(&g, 1)) == MASTR_OK)
		r = boot(&g);
	gate_close(&g);
	return r == MASTR_OK ? EXIT_BOOT : EXIT_HALT;
}
